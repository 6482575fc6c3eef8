/**
 * Compaction of the relationship and tie tables (engine/compact.ts) renumbers rows and nothing
 * else: a world compacted after every step stays, step by step, the world it would have been.
 */
import { describe, expect, it } from 'vitest';
import { NONE, Table, type RelIx } from '../../src/engine/columns.js';
import { compactionScratch, compactRelationships, compactTies } from '../../src/engine/compact.js';
import { SCHEDULE, stages } from '../../src/engine/schedule.js';
import { createWorld } from '../../src/model/init.js';
import { SpellObserver } from '../../src/model/spells.js';
import {
  suppliersOf,
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIE_COLUMNS,
  type World,
} from '../../src/model/state.js';
import { loadScenario } from '../../src/scenario/load.js';

describe('Table.reorder', () => {
  it('keeps the rows in the given order, blanks the rest and gives back none', () => {
    const t = new Table({ x: 'f64', block: 'f64x4', link: 'ref', flag: 'u8' } as const, 8);
    for (let k = 0; k < 6; k++) {
      const ix = t.add();
      t.cols.x[ix] = k + 0.5;
      for (let c = 0; c < 4; c++) t.cols.block[4 * ix + c] = 10 * k + c;
      t.cols.link[ix] = k;
      t.cols.flag[ix] = k;
    }
    t.release(1);
    t.reorder(Int32Array.from([4, 0, 2]));
    expect(t.length).toBe(3);
    expect(Array.from(t.cols.x.subarray(0, 6))).toEqual([4.5, 0.5, 2.5, 0, 0, 0]);
    expect(Array.from(t.cols.block.subarray(0, 12))).toEqual([
      40, 41, 42, 43, 0, 1, 2, 3, 20, 21, 22, 23,
    ]);
    expect(Array.from(t.cols.block.subarray(12, 24)).every((v) => v === 0)).toBe(true);
    expect(Array.from(t.cols.link.subarray(0, 6))).toEqual([4, 0, 2, NONE, NONE, NONE]);
    expect(Array.from(t.cols.flag.subarray(0, 6))).toEqual([4, 0, 2, 0, 0, 0]);
    // Row 1 was given back before; it is gone, so the next row is a new one.
    expect(t.add()).toBe(3);
  });
});

const LINKS = new Set(['nextOfSupplier', 'prevOfSupplier', 'nextOfBuyer', 'prevOfBuyer']);
const HEADS = new Set(['relFirst', 'relLast', 'tieFirst', 'tieLast']);

/** Everything the model can read, with rows named by the lists they are in rather than by number. */
function state(world: World): unknown {
  const S = world.supplierTable.cols as unknown as Record<string, Float64Array>;
  const R = world.relationshipTable.cols as unknown as Record<string, Float64Array>;
  const T = world.tieTable.cols as unknown as Record<string, Float64Array>;
  const B = world.buyerTable.cols;
  const row = (cols: Record<string, Float64Array>, names: string[], k: number) =>
    names.map((name) => cols[name][k]);
  const relNames = Object.keys(RELATIONSHIP_COLUMNS).filter((n) => !LINKS.has(n));
  const tieNames = Object.keys(TIE_COLUMNS).filter((n) => !LINKS.has(n));
  const supNames = Object.keys(SUPPLIER_COLUMNS).filter(
    (n) => !HEADS.has(n) && SUPPLIER_COLUMNS[n as keyof typeof SUPPLIER_COLUMNS] !== 'f64x4',
  );
  return {
    suppliers: suppliersOf(world).map((s, i) => {
      const rels = [];
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
        rels.push(row(R, relNames, k));
      const ties = [];
      for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k])
        ties.push(row(T, tieNames, k));
      return { own: row(S, supNames, i), cap: Array.from(s.cap), rels, ties };
    }),
    buyers: world.buyers.map((b) => {
      const spells = [];
      for (let k = B.relFirst[b.id]; k !== NONE; k = R.nextOfBuyer[k])
        spells.push([R.supplier[k], R.startStep[k], R.buyer[k] === b.id]);
      return spells;
    }),
  };
}

describe('compaction of the relationship and tie tables', () => {
  it('changes no value, list order or retention of a baseline run, step after step', () => {
    const { scenario } = loadScenario('scenarios/baseline.yaml', { steps: 30 });
    const plain = createWorld(scenario);
    const compacted = createWorld(scenario);
    const observers = [plain, compacted].map(() => new SpellObserver(scenario.time.steps_per_year));
    const schedule = stages(SCHEDULE);
    let scattered = 0;
    for (let t = 1; t <= scenario.time.steps; t++) {
      const retention = [plain, compacted].map((world, w) => {
        world.step = t;
        for (const run of schedule) run(world);
        const seen = observers[w].observe(world);
        for (const k of world.endedSpells.rows) world.relationshipTable.release(k as RelIx);
        world.endedSpells.clear();
        return seen;
      });
      expect(retention[1]).toEqual(retention[0]);
      // Churn leaves some supplier's rows out of order in the plain world.
      const S = plain.supplierTable.cols;
      const R = plain.relationshipTable.cols;
      let expected = 0;
      for (let i = 0; i < suppliersOf(plain).length; i++)
        for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
          if (k !== expected++) scattered++;
      // As the engine does: the spell observer moves its rows through compaction's scratch,
      // which the tie table's compaction then reuses.
      observers[1].reorder(compactRelationships(compacted), compactionScratch(compacted));
      compactTies(compacted);
      expect(state(compacted)).toEqual(state(plain));
      // Compacted: rows 0, 1, 2, ... in supplier order, and as many as there are live spells.
      const C = compacted.supplierTable.cols;
      const CR = compacted.relationshipTable.cols;
      let next = 0;
      for (let i = 0; i < suppliersOf(compacted).length; i++)
        for (let k = C.relFirst[i]; k !== NONE; k = CR.nextOfSupplier[k]) expect(k).toBe(next++);
      expect(compacted.relationshipTable.length).toBe(next);
    }
    expect(scattered).toBeGreaterThan(0);
  });

  it('refuses to run while ended spells wait to be written', () => {
    const { scenario } = loadScenario('scenarios/baseline.yaml', { steps: 2 });
    const world = createWorld(scenario);
    world.step = 1;
    for (const run of stages(SCHEDULE)) run(world);
    expect(world.endedSpells.length).toBeGreaterThan(0);
    expect(() => compactRelationships(world)).toThrow(/ended spells/);
  });
});
