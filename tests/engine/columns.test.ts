import { describe, expect, it } from 'vitest';
import {
  GENTLE_GROWTH_ROWS,
  grownCapacity,
  NONE,
  ReorderScratch,
  Table,
  type RelIx,
} from '../../src/engine/columns.js';
import { TIMESERIES_COLUMNS } from '../../src/engine/observations.js';
import { SCHEDULE, stages } from '../../src/engine/schedule.js';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { createWorld } from '../../src/model/init.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyParams } from '../../src/scenario/resolve.js';
import { RELATIONSHIP_TYPES } from '../../src/scenario/parameters.js';
import {
  endAllRelationships,
  endRelationship,
  linkSupplierToBuyer,
} from '../../src/model/relationships.js';
import {
  suppliersOf,
  relationshipAt,
  RELATIONSHIP_END_CAUSES,
  typeCode,
  type World,
} from '../../src/model/state.js';

const SPEC = { x: 'f64', block: 'f64x4', n: 'i32', flag: 'u8' } as const;

/**
 * Checks collected rather than asserted one by one (tens of thousands in a run): `check` keeps
 * the first 20 failures in `problems`, which the test then expects to be empty.
 */
function problemLog() {
  const problems: string[] = [];
  const check = (ok: boolean, what: () => string) => {
    if (!ok && problems.length < 20) problems.push(what());
  };
  return { problems, check };
}

/**
 * A spell as a test can follow it across steps: rows are reused, so a row is not a spell. At
 * most one spell of a supplier-buyer pair is active at a time, so (supplier, buyer, start
 * step) names an active spell.
 */
interface SpellSeen {
  ix: number;
  key: string;
  startStep: number;
  ended: boolean;
  endCause: string | null;
}

function spellSeen(world: World, k: number): SpellSeen {
  const r = relationshipAt(world, k);
  return {
    ix: k,
    key: `${r.supplier.id}/${r.buyer.id}/${r.startStep}`,
    startStep: r.startStep,
    ended: r.ended,
    endCause: r.endCause,
  };
}

/**
 * Step t as the engine takes it (simulation.ts), without observing: the stages, then the rows
 * of the spells that ended given back. Returns those spells, as read before their rows were
 * given back.
 */
function stepAsEngine(
  world: World,
  schedule: readonly ((world: World) => void)[],
  t: number,
): SpellSeen[] {
  world.step = t;
  for (const run of schedule) run(world);
  const ended = Array.from(world.endedSpells.rows, (k) => spellSeen(world, k));
  for (const k of world.endedSpells.rows) world.relationshipTable.release(k as RelIx);
  world.endedSpells.clear();
  return ended;
}

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

  it('doubles while small, grows by a quarter once large, and keeps every row', () => {
    expect(grownCapacity(1)).toBe(2);
    expect(grownCapacity(GENTLE_GROWTH_ROWS - 1)).toBe(2 * GENTLE_GROWTH_ROWS - 2);
    expect(grownCapacity(GENTLE_GROWTH_ROWS)).toBe(GENTLE_GROWTH_ROWS + GENTLE_GROWTH_ROWS / 4);
    expect(grownCapacity(100_001)).toBe(125_002);
    const spec = { ...SPEC, link: 'ref' } as const;
    const t = new Table(spec, GENTLE_GROWTH_ROWS);
    const n = 2 * GENTLE_GROWTH_ROWS + 1;
    for (let k = 0; k < n; k++) {
      const ix = t.add();
      t.cols.x[ix] = k + 0.5;
      t.cols.block[4 * ix + 2] = -k;
      t.cols.n[ix] = 3 * k;
      t.cols.flag[ix] = k % 2;
      t.cols.link[ix] = n - k;
    }
    // 4,096 rows -> 5,120 -> 6,400 -> 8,000 -> 10,000.
    expect([t.capacity, t.generation]).toEqual([10_000, 4]);
    const wrong: number[] = [];
    for (let k = 0; k < n; k++) {
      const c = t.cols;
      if (
        c.x[k] !== k + 0.5 ||
        c.block[4 * k + 2] !== -k ||
        c.n[k] !== 3 * k ||
        c.flag[k] !== k % 2 ||
        c.link[k] !== n - k
      )
        wrong.push(k);
    }
    expect(wrong).toEqual([]);
    // Rows past the last are blank: 0, and NONE in a ref column.
    expect([t.cols.x[n], t.cols.block[4 * n + 2], t.cols.link[n], t.cols.link[9_999]]).toEqual([
      0,
      0,
      NONE,
      NONE,
    ]);
  });

  it('reorders a table of byte columns only (its scratch is still whole doubles)', () => {
    const t = new Table({ a: 'u8', b: 'u8' } as const, 4);
    for (let k = 0; k < 3; k++) {
      const ix = t.add();
      t.cols.a[ix] = 10 + k;
      t.cols.b[ix] = 20 + k;
    }
    t.reorder(Int32Array.of(2, 0));
    expect(t.length).toBe(2);
    expect(Array.from(t.cols.a)).toEqual([12, 10, 0, 0]);
    expect(Array.from(t.cols.b)).toEqual([22, 20, 0, 0]);
  });

  it('reorders two tables of different widths through one scratch, which grows and is kept', () => {
    const scratch = new ReorderScratch();
    const small = new Table({ d: 'f64', b: 'u8' } as const, 4);
    const wide = new Table({ q: 'f64x4', r: 'ref' } as const, 8);
    for (let k = 0; k < 3; k++) {
      const ix = small.add();
      small.cols.d[ix] = 0.5 + k;
      small.cols.b[ix] = k + 1;
    }
    for (let k = 0; k < 5; k++) {
      const ix = wide.add();
      for (let f = 0; f < 4; f++) wide.cols.q[4 * ix + f] = 10 * k + f + 0.25;
      wide.cols.r[ix] = k;
    }
    small.reorder(Int32Array.of(2, 1), scratch);
    const first = scratch.atLeast(0);
    expect(first.byteLength).toBe(16); // two rows of one double
    wide.reorder(Int32Array.of(4, 0, 3), scratch);
    expect(scratch.atLeast(0).byteLength).toBe(96); // three rows of four doubles: grown
    const kept = scratch.atLeast(0);
    small.reorder(Int32Array.of(1, 0), scratch);
    expect(scratch.atLeast(0)).toBe(kept); // large enough: kept, not replaced
    expect(Array.from(small.cols.d)).toEqual([1.5, 2.5, 0, 0]);
    expect(Array.from(small.cols.b)).toEqual([2, 3, 0, 0]);
    expect(Array.from(wide.cols.q.subarray(0, 12))).toEqual([
      40.25, 41.25, 42.25, 43.25, 0.25, 1.25, 2.25, 3.25, 30.25, 31.25, 32.25, 33.25,
    ]);
    expect(Array.from(wide.cols.r)).toEqual([4, 0, 3, NONE, NONE, NONE, NONE, NONE]);
    expect(wide.cols.q[4 * 3]).toBe(0);
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

  it("keeps a spell's end step and cause (one column of its row) and reads them back", () => {
    const world = createWorld(loadScenario('scenarios/baseline.yaml').scenario);
    const [s, b] = [suppliersOf(world)[0], world.buyers[0]];
    endAllRelationships(world, s, 'succession');
    const seen: unknown[] = [];
    for (const cause of RELATIONSHIP_END_CAUSES)
      for (const step of [0, 1, 37, 100_000]) {
        world.step = step;
        const r = relationshipAt(world, linkSupplierToBuyer(world, s, b));
        expect([r.ended, r.endCause, r.endStep]).toEqual([false, null, null]);
        endRelationship(world, r.ix, cause);
        seen.push([r.ended, r.endCause, r.endStep]);
      }
    expect(seen).toEqual(
      RELATIONSHIP_END_CAUSES.flatMap((cause) =>
        [0, 1, 37, 100_000].map((step) => [true, cause, step]),
      ),
    );
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
    const live = suppliersOf(world).flatMap((s) => s.relationships);
    const rows = new Set<RelIx>(live.map((r) => r.ix));
    expect(rows.size).toBe(live.length);
    // A row listed by a supplier and by a buyer has that supplier and that buyer written in it,
    // and is in the buyer's list exactly when it is in the supplier's.
    const R = world.relationshipTable.cols;
    const byBuyers = new Set<number>();
    for (const b of world.buyers)
      for (const r of b.relationships) {
        expect(R.buyer[r.ix]).toBe(b.id);
        byBuyers.add(r.ix);
      }
    for (const s of suppliersOf(world))
      for (const r of s.relationships) expect(R.supplier[r.ix]).toBe(s.ix);
    expect([...byBuyers].sort((a, b) => a - b)).toEqual([...rows].sort((a, b) => a - b));
    // Every spell (ended or still live at the end) is one row of relationships.csv; the table
    // took far fewer rows than that because written spells gave theirs back.
    expect(relationships.length).toBeGreaterThan(world.relationshipTable.length);
  });

  // Each supplier's and each buyer's list must hold what an array kept by push and splice would:
  // the last step's relationships less those that ended, in the same order, then those formed
  // this step at the end. Checked step by step with the links, counts and owners of every list,
  // over a run where ties are formed (search, recruitment, re-sourcing), ended (every cause) and
  // rows reused.
  it('keeps each supplier and buyer list in formation order across every kind of churn', () => {
    const scenario = applyParams(
      loadScenario('scenarios/baseline.yaml').scenario,
      [
        ['model.entry.rate', 0.8],
        ['model.exit.loss_steps', 2],
        ['model.resourcing.review_rate', 2],
        ['model.search.rate', 3],
        ['model.search.succession_rate', 1],
        ['time.steps', 40],
      ],
      'test',
    );
    const world = createWorld(scenario);
    const R = world.relationshipTable.cols;
    const S = world.supplierTable.cols;
    const B = world.buyerTable.cols;
    type Side = { first: Int32Array; last: Int32Array; count: Int32Array };
    const sides = {
      supplier: { heads: (): Side => ({ first: S.relFirst, last: S.relLast, count: S.relCount }) },
      buyer: { heads: (): Side => ({ first: B.relFirst, last: B.relLast, count: B.relCount }) },
    };
    const next = (side: 'supplier' | 'buyer') =>
      side === 'supplier' ? R.nextOfSupplier : R.nextOfBuyer;
    const prev = (side: 'supplier' | 'buyer') =>
      side === 'supplier' ? R.prevOfSupplier : R.prevOfBuyer;
    const owner = (side: 'supplier' | 'buyer') => (side === 'supplier' ? R.supplier : R.buyer);
    const owners = (side: 'supplier' | 'buyer') =>
      side === 'supplier' ? suppliersOf(world).length : world.buyers.length;
    const listed = (side: 'supplier' | 'buyer', o: number): number[] => {
      const out: number[] = [];
      for (let k = sides[side].heads().first[o]; k !== NONE; k = next(side)[k]) {
        out.push(k);
        if (out.length > world.relationshipTable.length) throw new Error(`${side} ${o}: loops`);
      }
      return out;
    };
    const spellsOf = (side: 'supplier' | 'buyer') =>
      Array.from({ length: owners(side) }, (_, o) =>
        listed(side, o).map((k) => spellSeen(world, k)),
      );
    let before = { supplier: spellsOf('supplier'), buyer: spellsOf('buyer') };
    const { problems, check } = problemLog();
    const causes = new Set<string>();
    let formed = 0;
    let reused = 0;
    const everUsed = new Set(before.supplier.flat().map((r) => r.ix));
    const schedule = stages(SCHEDULE);
    for (let t = 1; t <= scenario.time.steps; t++) {
      const ended = new Set<string>();
      for (const r of stepAsEngine(world, schedule, t)) {
        causes.add(r.endCause ?? 'none');
        ended.add(r.key);
      }
      const now = { supplier: spellsOf('supplier'), buyer: spellsOf('buyer') };
      for (const side of ['supplier', 'buyer'] as const) {
        const rowsSeen = new Set<number>();
        for (let o = 0; o < owners(side); o++) {
          const at = (what: string) => () => `step ${t}, ${side} ${o}: ${what}`;
          const list = now[side][o];
          const rows = list.map((r) => r.ix);
          const heads = sides[side].heads();
          check(
            heads.count[o] === list.length,
            at(`count ${heads.count[o]}, ${list.length} listed`),
          );
          check(heads.last[o] === (rows.at(-1) ?? NONE), at(`last ${heads.last[o]}`));
          rows.forEach((k, n) => {
            check(
              prev(side)[k] === (n > 0 ? rows[n - 1] : NONE),
              at(`row ${k} links back wrongly`),
            );
            check(owner(side)[k] === o, at(`row ${k} has owner ${owner(side)[k]}`));
            check(!rowsSeen.has(k), at(`row ${k} is in two lists`));
            rowsSeen.add(k);
          });
          check(
            list.every((r) => !r.ended),
            at('lists an ended spell'),
          );
          const kept = (before[side][o] ?? []).filter((r) => !ended.has(r.key));
          const added = list.slice(kept.length);
          check(
            kept.every((r, n) => list[n]?.key === r.key),
            at('changed the order of the spells it kept'),
          );
          check(
            added.every((r) => r.startStep === t),
            at('holds a spell formed earlier after one formed now'),
          );
          if (side === 'supplier') {
            for (const r of added) {
              formed++;
              if (everUsed.has(r.ix)) reused++;
              everUsed.add(r.ix);
            }
          }
        }
      }
      before = now;
    }
    expect(problems).toEqual([]);
    // The run exercised what it is meant to: new spells (1,031), reused rows (797), and ends of
    // every cause.
    expect(formed).toBeGreaterThan(500);
    expect(reused).toBeGreaterThan(300);
    expect([...causes].sort()).toEqual([...RELATIONSHIP_END_CAUSES].sort());
  });
});

describe('the tie table over a run with churn', () => {
  /** A supplier's ties as listed in world.tieTable, in list order, with their rows. */
  function listed(world: World, i: number) {
    const S = world.supplierTable.cols;
    const T = world.tieTable.cols;
    const out: { row: number; partner: number }[] = [];
    for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
      out.push({ row: k, partner: T.partner[k] });
      if (out.length > world.tieTable.length) throw new Error(`supplier ${i}: tie list loops`);
    }
    return out;
  }

  /** Whether `part` is `whole` less some elements, in the same order. */
  function isSubsequence(part: readonly number[], whole: readonly number[]): boolean {
    let j = 0;
    for (const x of part) {
      while (j < whole.length && whole[j] !== x) j++;
      if (j === whole.length) return false;
      j++;
    }
    return true;
  }

  // What an array kept by push and splice would hold: the last step's ties less some taken out,
  // in the same order, then at most one formed this step at the end (updateTies forms one at
  // most). Checked step by step, with the links, count and owner of every list and the rows
  // reused by ties formed after others dissolved or their suppliers exited.
  it('keeps each supplier list in formation order across dissolution, formation, exit and row reuse', () => {
    const scenario = applyParams(
      loadScenario('scenarios/vicious-circle.yaml').scenario,
      [
        ['suppliers.smes.intent.network_ties', 4],
        ['model.networks.decay_rate', 3],
        ['model.networks.formation_rate', 6],
        ['model.entry.rate', 0.8],
        ['model.exit.loss_steps', 2],
        ['time.steps', 40],
      ],
      'test',
    );
    const world = createWorld(scenario);
    const S = world.supplierTable.cols;
    const T = world.tieTable.cols;
    let before = suppliersOf(world).map((_, i) => listed(world, i));
    const initial = before.flat().length;
    const everUsed = new Set(before.flat().map((tie) => tie.row));
    let formed = 0;
    let dissolved = 0;
    let reused = 0;
    let exitedWithTies = 0;
    const { problems, check } = problemLog();
    const schedule = stages(SCHEDULE);
    for (let t = 1; t <= scenario.time.steps; t++) {
      stepAsEngine(world, schedule, t);
      const now = suppliersOf(world).map((_, i) => listed(world, i));
      const live = new Set<number>();
      for (let i = 0; i < suppliersOf(world).length; i++) {
        const s = suppliersOf(world)[i];
        const ties = now[i];
        const old = before[i] ?? [];
        const at = (what: string) => () => `step ${t}, supplier ${i}: ${what}`;
        check(S.tieCount[i] === ties.length, at(`count ${S.tieCount[i]}, ${ties.length} listed`));
        const last = ties.length > 0 ? ties[ties.length - 1].row : NONE;
        check(S.tieLast[i] === last, at(`last ${S.tieLast[i]}, list ends at ${last}`));
        ties.forEach((tie, n) => {
          const prev = n > 0 ? ties[n - 1].row : NONE;
          check(T.prevOfSupplier[tie.row] === prev, at(`row ${tie.row} links back wrongly`));
          check(T.supplier[tie.row] === i, at(`row ${tie.row} has owner ${T.supplier[tie.row]}`));
          check(!live.has(tie.row), at(`row ${tie.row} is in two lists`));
          live.add(tie.row);
        });
        check(
          new Set(ties.map((tie) => tie.partner)).size === ties.length,
          at('repeats a partner'),
        );
        if (!s.active) {
          check(ties.length === 0, at('exited but has ties'));
          if (s.exitStep === t && old.length > 0) exitedWithTies++;
          continue;
        }
        // A supplier has one tie at most with a partner (checked above), so a partner names a
        // tie within the list. Either the list is the last step's less some ties, or it is that
        // followed by one new tie (a tie that dissolved and formed again with the same partner
        // in one step is new too: it moved to the end).
        const partners = ties.map((tie) => tie.partner);
        const oldPartners = old.map((tie) => tie.partner);
        const fresh = isSubsequence(partners, oldPartners) ? null : ties[ties.length - 1];
        if (fresh !== null) {
          check(
            isSubsequence(partners.slice(0, -1), oldPartners),
            at(`ties ${partners.join()} are not those of ${oldPartners.join()} and one new`),
          );
          formed++;
          if (everUsed.has(fresh.row)) reused++;
          everUsed.add(fresh.row);
        }
        dissolved += old.length - (ties.length - (fresh === null ? 0 : 1));
      }
      before = now;
    }
    expect(problems).toEqual([]);
    // The run exercised what it claims to: ties dissolved and formed, suppliers holding ties
    // exited, and new ties took rows given back, so the table took far fewer rows than ties.
    expect(dissolved).toBeGreaterThan(100);
    expect(formed).toBeGreaterThan(100);
    expect(exitedWithTies).toBeGreaterThan(5);
    expect(reused).toBeGreaterThan(100);
    expect(world.tieTable.length).toBeLessThan(initial + formed - 100);
  });
});

describe('cumulative_functional_upgrades says what it counts', () => {
  // roles.test.ts pins the counting (a rise above the highest role ever held, not a return
  // after a fall); the codebook must describe that, not every role change upwards.
  it('its codebook description names the highest role ever held and the bound of 2 per supplier', () => {
    const col = TIMESERIES_COLUMNS.find((c) => c.name === 'cumulative_functional_upgrades');
    expect(col?.description).toMatch(/above the highest role it has ever held/);
    expect(col?.description).toMatch(/at most 2/);
    expect(col?.description).toMatch(/not counted again/);
    expect(col?.description).not.toMatch(/ODM to OBM, or OEM to OBM/);
  });
});
