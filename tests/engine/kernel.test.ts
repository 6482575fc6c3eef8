import { describe, expect, it } from 'vitest';
import {
  eachActiveRow,
  eachActiveSupplier,
  runTiled,
  ZERO,
  type RowBody,
} from '../../src/engine/kernel.js';
import { SCHEDULE, stages } from '../../src/engine/schedule.js';
import { supplierRow } from '../../src/model/metrics.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyParams } from '../../src/scenario/resolve.js';
import { createSupplier, createWorld } from '../../src/model/init.js';
import { tinyWorld } from '../model/helpers.js';
import { suppliersOf } from '../../src/model/state.js';

const world = (active: boolean[]) => {
  const w = tinyWorld({ suppliers: active.length });
  suppliersOf(w).forEach((s, i) => (s.active = active[i]));
  return w;
};

describe('eachActiveSupplier: the loop of the per-supplier submodels', () => {
  it('visits the active suppliers in list order and skips the others', () => {
    const w = world([true, false, true, true, false]);
    const seen: number[] = [];
    const rows: number[] = [];
    eachActiveSupplier(w, (s, i) => (seen.push(s.id), rows.push(i)));
    expect(seen).toEqual([0, 2, 3]);
    expect(rows).toEqual(seen);
  });

  it('reads active on reaching a supplier: one deactivated earlier is skipped, one appended visited', () => {
    const w = world([true, true, true]);
    const seen: number[] = [];
    eachActiveSupplier(w, (s) => {
      seen.push(s.id);
      // Deactivates supplier 1 before it is reached, and supplier 2 once it has been visited.
      if (s.id === 0) suppliersOf(w)[1].active = false;
      s.active = s.id !== 2;
      if (s.id === 2) createSupplier(w, 0, w.streams.init);
    });
    expect(seen).toEqual([0, 2, 3]);
  });

  it('eachActiveRow makes the same visits by row, entrants appended during the loop included', () => {
    const w = world([true, true, true]);
    const seen: number[] = [];
    eachActiveRow(w, (i) => {
      seen.push(i);
      if (i === 0) suppliersOf(w)[1].active = false;
      suppliersOf(w)[i].active = i !== 2;
      // Enough entrants to make the table grow: the active column is then a new array.
      if (i === 2) for (let k = 0; k < 40; k++) createSupplier(w, 0, w.streams.init);
      if (i === 3)
        suppliersOf(w)
          .slice(5)
          .forEach((s) => (s.active = false));
    });
    expect(seen).toEqual([0, 2, 3, 4]);
  });
});

describe('runTiled: order-independent bodies tile by tile', () => {
  it('runs every body over each tile in body order, suppliers ascending, inactive skipped', () => {
    const w = world([true, false, true, true, true]);
    const seen: string[] = [];
    const body =
      (name: string): RowBody =>
      (i) =>
        seen.push(`${name}${i}`);
    runTiled(w, [body('a'), body('b')], 2);
    expect(seen).toEqual(['a0', 'b0', 'a2', 'a3', 'b2', 'b3', 'a4', 'b4']);
  });

  it('stages fuses the consecutive per-supplier processes of SCHEDULE and keeps the rest', () => {
    const fused = SCHEDULE.filter((p) => p.perSupplier).map((p) => p.name);
    expect(fused).toEqual([
      '2 prices and margins',
      '3a learning from buyers',
      '4 learning from the network',
      '5 investment',
      '3b decay of unused capabilities',
      '8a roles',
    ]);
    expect(stages(SCHEDULE)).toHaveLength(SCHEDULE.length - fused.length + 1);
  });

  it('gives the same world to the bit as running SCHEDULE process by process', () => {
    // Entry and exit on, so entrants grow the supplier table mid-run and exits leave gaps.
    const scenario = applyParams(
      loadScenario('scenarios/vicious-circle.yaml').scenario,
      [
        ['model.entry.rate', 0.8],
        ['model.exit.loss_steps', 2],
      ],
      'test',
    );
    const byProcess = createWorld(scenario);
    const byStage = createWorld(scenario);
    const schedule = stages(SCHEDULE);
    for (let t = 1; t <= scenario.time.steps; t++) {
      byProcess.step = byStage.step = t;
      for (const p of SCHEDULE) p.run(byProcess);
      for (const run of schedule) run(byStage);
    }
    expect(suppliersOf(byStage).length).toBeGreaterThan(scenario.suppliers.smes.count);
    expect(suppliersOf(byStage).some((s) => !s.active)).toBe(true);
    const rows = (w: typeof byStage) =>
      JSON.stringify(suppliersOf(w).map((s) => supplierRow(s, w)));
    expect(rows(byStage)).toBe(rows(byProcess));
    expect(byStage.counters).toEqual(byProcess.counters);
  });
});

describe('ZERO', () => {
  it('is -0: stored as a double, equal to 0, and adding it changes nothing', () => {
    expect(Object.is(ZERO, -0)).toBe(true);
    expect(ZERO === 0).toBe(true);
    expect(Object.is(ZERO + 0.25, 0.25)).toBe(true);
  });
});
