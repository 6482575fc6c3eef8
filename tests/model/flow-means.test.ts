/**
 * Flow means are taken over the firms that had the flow (issue 12, kind 11): a step's margin
 * and investment are averaged over the suppliers that ran its processes, including those that
 * exited at its end and excluding that step's entrants; stocks stay over the active suppliers.
 */
import { describe, expect, it } from 'vitest';
import { SCHEDULE } from '../../src/engine/schedule.js';
import { createWorld } from '../../src/model/init.js';
import { timeseriesRow } from '../../src/model/metrics.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyParams } from '../../src/scenario/resolve.js';
import { suppliersOf } from '../../src/model/state.js';

describe('flow means with entry and exit', () => {
  it('average over the firms present when the step ran, exits included, entrants not', () => {
    const base = loadScenario('scenarios/vicious-circle.yaml').scenario;
    const scenario = applyParams(
      base,
      [
        ['model.entry.rate', 0.8],
        ['model.exit.loss_steps', 2],
      ],
      'test',
    );
    const world = createWorld(scenario);
    const row0 = timeseriesRow(world, [null, null, null, null]);
    expect(row0.mean_margin).toBeNull();
    expect(row0.mean_investment).toBeNull(); // no step has run
    let sawExit = false;
    let sawEntry = false;
    for (let t = 1; t <= 12; t++) {
      world.step = t;
      const before = new Set(
        suppliersOf(world)
          .filter((s) => s.active)
          .map((s) => s.ix),
      );
      for (const p of SCHEDULE) p.run(world);
      // Independently: the firms active when the step began, whatever became of them.
      const had = suppliersOf(world).filter((s) => before.has(s.ix));
      const margins = had.filter((s) => s.margin !== null).map((s) => s.margin!);
      const inv = had.filter((s) => s.size > 0);
      const row = timeseriesRow(world, [null, null, null, null]);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(row.mean_margin).toBeCloseTo(mean(margins), 12);
      expect(row.mean_investment).toBeCloseTo(mean(inv.map((s) => s.investment / s.size)), 12);
      expect(row.mean_design_investment).toBeCloseTo(
        mean(inv.map((s) => s.designInvestment / s.size)),
        12,
      );
      // Stocks stay over the suppliers active at the end of the step.
      expect(row.n_suppliers).toBe(suppliersOf(world).filter((s) => s.active).length);
      if (had.some((s) => !s.active)) sawExit = true;
      if (suppliersOf(world).some((s) => s.entryStep === t)) sawEntry = true;
    }
    // The case the issue describes actually occurs in this window.
    expect(sawExit).toBe(true);
    expect(sawEntry).toBe(true);
  });
});
