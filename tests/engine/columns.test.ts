import { describe, expect, it } from 'vitest';
import { Table, type RelIx } from '../../src/engine/columns.js';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyParams } from '../../src/scenario/resolve.js';
import { RELATIONSHIP_TYPES } from '../../src/scenario/parameters.js';
import { typeCode } from '../../src/model/state.js';

const SPEC = { x: 'f64', block: 'f64x4', n: 'i32', flag: 'u8' } as const;

describe('Table: growable column table', () => {
  it('keeps the values of every row when it grows past its capacity', () => {
    const t = new Table(SPEC, 2);
    for (let k = 0; k < 5; k++) {
      const ix = t.add();
      expect(ix).toBe(k);
      t.cols.x[ix] = k + 0.5;
      t.cols.block[4 * ix + 3] = -k;
      t.cols.n[ix] = 10 * k;
    }
    expect(t.capacity).toBe(8);
    expect(t.generation).toBe(2);
    expect(Array.from(t.cols.x.subarray(0, 5))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(t.cols.n.subarray(0, 5))).toEqual([0, 10, 20, 30, 40]);
    expect(t.cols.block[4 * 4 + 3]).toBe(-4);
  });

  it('reuses a released row, zeroed in every column, before taking a new one', () => {
    const t = new Table(SPEC, 4);
    const a = t.add();
    const b = t.add();
    t.cols.x[b] = 7;
    t.cols.block[4 * b + 1] = 3;
    t.cols.n[b] = 9;
    t.cols.flag[b] = 1;
    t.cols.x[a] = 1;
    t.release(b);
    const c = t.add();
    expect(c).toBe(b);
    expect([t.cols.x[c], t.cols.block[4 * c + 1], t.cols.n[c], t.cols.flag[c]]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(t.cols.x[a]).toBe(1);
    expect(t.add()).toBe(2);
    expect(t.length).toBe(3);
  });
});

describe('the relationship table over a run with churn', () => {
  it('codes a type as its position in RELATIONSHIP_TYPES (loops index by the code)', () => {
    expect(RELATIONSHIP_TYPES.map(typeCode)).toEqual([0, 1, 2, 3]);
  });

  it('gives each live relationship its own row and reuses the rows of written spells', () => {
    const scenario = applyParams(
      loadScenario('scenarios/vicious-circle.yaml').scenario,
      [
        ['model.entry.rate', 0.8],
        ['model.exit.loss_steps', 2],
      ],
      'test',
    );
    const { world, relationships } = simulateToMemory(scenario);
    const live = world.suppliers.flatMap((s) => s.relationships);
    const rows = new Set<RelIx>(live.map((r) => r.ix));
    expect(rows.size).toBe(live.length);
    for (const r of live) {
      // The row belongs to this relationship: its parties are written in it.
      expect(world.relationshipTable.cols.supplier[r.ix]).toBe(r.supplier.ix);
      expect(world.relationshipTable.cols.buyer[r.ix]).toBe(r.buyer.id);
    }
    // Every spell (ended or still live at the end) is one row of relationships.csv; the table
    // took far fewer rows than that because written spells gave theirs back.
    expect(relationships.length).toBeGreaterThan(world.relationshipTable.length);
  });
});
