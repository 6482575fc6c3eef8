import { describe, expect, it } from 'vitest';
import type { RelIx } from '../../src/engine/columns.js';
import { compactRelationships } from '../../src/engine/compact.js';
import { SCHEDULE, stages } from '../../src/engine/schedule.js';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { createWorld } from '../../src/model/init.js';
import { exitLossMakers } from '../../src/model/population.js';
import { settlePricesAndMargins, unitCost } from '../../src/model/prices.js';
import { endRelationship } from '../../src/model/relationships.js';
import { respondToEncroachment } from '../../src/model/sanctions.js';
import { dropAndRecruit, searchForBuyers } from '../../src/model/search.js';
import { relationshipRow, SpellObserver } from '../../src/model/spells.js';
import {
  suppliersOf,
  relationshipAt,
  RELATIONSHIP_END_CAUSES,
  type Relationship,
  type RelationshipEndCause,
  type World,
} from '../../src/model/state.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buyerOf, link, setCaps, tinyWorld } from './helpers.js';

/** The spell ends through `fn` (one call per step); returns the step it ended at. */
function runUntilEnded(world: World, r: Relationship, fn: (w: World) => void, max = 2000): number {
  for (let t = 0; t < max && !r.ended; t++) {
    world.step++;
    fn(world);
  }
  expect(r.ended).toBe(true);
  return world.step;
}

/** The spell was recorded once for relationships.csv, with this step and cause. */
function expectRecorded(world: World, r: Relationship, step: number, cause: RelationshipEndCause) {
  expect(world.endedSpells.rows.filter((k) => k === r.ix)).toHaveLength(1);
  const row = relationshipRow(world, r.ix);
  expect(row.end_step).toBe(step);
  expect(row.end_cause).toBe(cause);
  expect(row.start_step).toBe(0);
}

describe('relationship spells: each end cause is recorded once, with its step', () => {
  it('dropped_requirements: below the requirements for the grace period', () => {
    const world = tinyWorld({
      buyers: { b: { requirements: { process: 0.5, product: 0.5 }, suppliers_target: 1 } },
      environment: { standards_growth: 0 },
    });
    const s = suppliersOf(world)[0];
    setCaps(s, [0.3, 0.3, 0, 0]);
    const r = link(world, s, world.buyers[0]);
    const end = runUntilEnded(world, r, dropAndRecruit);
    // First seen below at step 1, dropped once the grace period has passed.
    expect(end).toBe(1 + world.scenario.model.search.drop_grace_steps);
    expectRecorded(world, r, end, 'dropped_requirements');
  });

  it('sanctioned: a guarding buyer ends the tie of an encroaching supplier', () => {
    const world = tinyWorld({
      buyers: {
        q: {
          governance: 'quasi_hierarchy',
          guards: ['design', 'marketing'],
          monitoring: 1,
          requirements: { process: 0.5, product: 0.5 },
        },
      },
      model: { sanctions: { rate: 4 } },
      environment: { standards_growth: 0 },
    });
    const s = suppliersOf(world)[0];
    setCaps(s, [0.5, 0.5, 0.9, 0]);
    const r = link(world, s, world.buyers[0], 'quasi_hierarchy', 0.9);
    const end = runUntilEnded(world, r, respondToEncroachment);
    expectRecorded(world, r, end, 'sanctioned');
  });

  it('succession: the supplier leaves its least sophisticated buyer for a better one', () => {
    const world = tinyWorld({
      buyers: {
        low: { sophistication: 0.1, requirements: { process: 0, product: 0 } },
        high: { sophistication: 0.9, requirements: { process: 0, product: 0 } },
      },
      model: { search: { succession_rate: 50 } },
      supplier: { intent: { diversify: 0 } },
    });
    const s = suppliersOf(world)[0];
    const r = link(world, s, buyerOf(world, 'low'));
    const end = runUntilEnded(world, r, searchForBuyers);
    expectRecorded(world, r, end, 'succession');
    expect(s.relationships.map((x) => x.buyer.group)).toEqual(['high']);
  });

  it('supplier_exit: every tie of an exiting supplier ends with it; the exit cause is kept', () => {
    const world = tinyWorld({ buyers: { a: {}, b: {} } });
    const s = suppliersOf(world)[0];
    const ra = link(world, s, buyerOf(world, 'a'));
    const rb = link(world, s, buyerOf(world, 'b'));
    world.step = 7;
    s.lossStreak = world.scenario.model.exit.loss_steps - 1;
    s.profit = -1;
    exitLossMakers(world);
    expect(s.active).toBe(false);
    expect([s.exitStep, s.exitCause]).toEqual([7, 'losses']);
    expectRecorded(world, ra, 7, 'supplier_exit');
    expectRecorded(world, rb, 7, 'supplier_exit');
    // Ending again is a no-op: no second record, the first cause stays.
    endRelationship(world, ra.ix, 'sanctioned');
    expectRecorded(world, ra, 7, 'supplier_exit');
  });

  it('an exit on the cash floor alone has cause cash', () => {
    const world = tinyWorld();
    const s = suppliersOf(world)[0];
    world.step = 3;
    s.profit = 1;
    s.cash = (world.scenario.model.exit.cash_floor - 1) * s.size;
    exitLossMakers(world);
    expect([s.active, s.exitStep, s.exitCause]).toEqual([false, 3, 'cash']);
  });
});

describe('relationship spells: type changes, volume and markup', () => {
  it('counts type changes at observations and at the end of the spell', () => {
    const world = tinyWorld({ buyers: { b: {} } });
    const r = link(world, suppliersOf(world)[0], world.buyers[0], 'quasi_hierarchy');
    r.typeStart = r.typeSeen = 'quasi_hierarchy';
    const obs = new SpellObserver(4);
    obs.observe(world);
    world.step = 1;
    r.type = 'network';
    obs.observe(world);
    world.step = 2;
    obs.observe(world); // unchanged: no count
    world.step = 3;
    r.type = 'market';
    endRelationship(world, r.ix, 'succession'); // changed in the step it ended
    const row = relationshipRow(world, r.ix);
    expect([row.type_start, row.type_end, row.n_type_changes]).toEqual([
      'quasi_hierarchy',
      'market',
      2,
    ]);
  });

  it('volume and mean markup are volume-weighted over the steps, at the variable unit cost', () => {
    const world = tinyWorld({ buyers: { b: {} } });
    const s = suppliersOf(world)[0];
    const r = link(world, s, world.buyers[0], 'market');
    const m = world.scenario.model;
    const volumes = [0.4, 0.1];
    let markupSum = 0;
    for (let t = 0; t < volumes.length; t++) {
      world.step = t + 1;
      setCaps(s, [0.2 + 0.5 * t, 0.3, 0, 0]); // cost changes between steps
      r.volume = volumes[t];
      s.exportVolume = volumes[t];
      settlePricesAndMargins(world);
      markupSum += volumes[t] * (r.price / unitCost(s, m, world.env.costLevel) - 1);
    }
    const row = relationshipRow(world, r.ix);
    expect(row.volume).toBeCloseTo(0.5, 12);
    expect(row.mean_markup).toBeCloseTo(markupSum / 0.5, 12);
    // Not a price-over-mean-cost ratio: the two steps' markups differ and are weighted 4:1.
    expect(row.mean_markup).not.toBeCloseTo(0, 3);
  });

  it('a spell that delivered nothing has an empty mean markup', () => {
    const world = tinyWorld({ buyers: { b: {} } });
    const r = link(world, suppliersOf(world)[0], world.buyers[0]);
    expect(relationshipRow(world, r.ix).mean_markup).toBeNull();
    expect(relationshipRow(world, r.ix).end_step).toBeNull();
  });
});

describe('year-on-year retention of ties by type (SpellObserver)', () => {
  /**
   * Four suppliers with one buyer each, 4 steps a year: s0 and s1 market, s2 captive, s3
   * network. s0's tie ends at step 2 and the pair is tied again at step 3 (a new spell); s2's
   * tie turns network at step 1.
   */
  it('gives the known shares, by type a year earlier, per spell', () => {
    const world = tinyWorld({ suppliers: 4, buyers: { b: { suppliers_target: 10 } } });
    const [s0, s1, s2, s3] = suppliersOf(world);
    const b = world.buyers[0];
    const r0 = link(world, s0, b, 'market');
    link(world, s1, b, 'market');
    const r2 = link(world, s2, b, 'quasi_hierarchy');
    link(world, s3, b, 'network');
    const obs = new SpellObserver(4);
    const seen: (number | null)[][] = [];
    for (let t = 0; t <= 7; t++) {
      world.step = t;
      if (t === 1) r2.type = 'network';
      if (t === 2) endRelationship(world, r0.ix, 'dropped_requirements');
      if (t === 3) link(world, s0, b, 'market');
      seen.push(obs.observe(world));
    }
    const none = [null, null, null, null];
    // [market, network, quasi_hierarchy, hierarchy]
    expect(seen.slice(0, 4)).toEqual([none, none, none, none]);
    // Step 4 looks at step 0: 2 market (one ended since), 1 network, 1 captive (now network: kept).
    expect(seen[4]).toEqual([0.5, 1, 1, null]);
    // Step 5 looks at step 1: s2's tie was network by then.
    expect(seen[5]).toEqual([0.5, 1, null, null]);
    // Step 6 looks at step 2: r0 had ended; one market spell left, kept.
    expect(seen[6]).toEqual([1, 1, null, null]);
    // Step 7 looks at step 3: the new s0 spell counts as a market spell, kept.
    expect(seen[7]).toEqual([1, 1, null, null]);
  });

  it('a spell of an exited supplier is not retained', () => {
    const world = tinyWorld({ buyers: { b: {} }, stepsPerYear: 1 });
    const s = suppliersOf(world)[0];
    link(world, s, world.buyers[0], 'hierarchy');
    const obs = new SpellObserver(1);
    obs.observe(world);
    world.step = 1;
    s.profit = -1;
    s.lossStreak = 1e9;
    exitLossMakers(world);
    expect(obs.observe(world)).toEqual([null, null, null, 0]);
  });
});

describe('relationships.csv from a whole run', () => {
  // A fixed market-governance world: no type ever changes, so retention can be recomputed
  // from the spell rows alone and must equal the timeseries column.
  const loaded = loadScenario('scenarios/governance-market.yaml', { steps: '48' });
  const { world, timeseries, suppliers, relationships } = simulateToMemory(loaded.scenario);
  const K = loaded.scenario.time.steps_per_year;

  it('has each spell once: ended ones with a known cause, active ones as in the final world', () => {
    const keys = relationships.map((r) => `${r.supplier_id}/${r.buyer_id}/${r.start_step}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ended = relationships.filter((r) => r.end_step !== null);
    const active = relationships.filter((r) => r.end_step === null);
    expect(ended.length).toBeGreaterThan(0);
    for (const r of ended) {
      expect(RELATIONSHIP_END_CAUSES).toContain(r.end_cause);
      expect(r.end_step!).toBeGreaterThanOrEqual(r.start_step!);
    }
    for (const r of active) expect(r.end_cause).toBeNull();
    let live = 0;
    for (const s of suppliersOf(world)) live += s.relationships.length;
    expect(active).toHaveLength(live);
    // Ended rows come in the order they ended, before the active ones.
    const steps = ended.map((r) => r.end_step!);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(relationships.slice(0, ended.length)).toEqual(ended);
    // A spell ended by its supplier's exit ends at the exit step.
    const exitStep = new Map(suppliers.map((s) => [s.supplier_id, s.exit_step]));
    for (const r of ended.filter((x) => x.end_cause === 'supplier_exit'))
      expect(r.end_step).toBe(exitStep.get(r.supplier_id));
  });

  it('retention_market equals the share recomputed from the spell rows', () => {
    expect(relationships.every((r) => r.n_type_changes === 0 && r.type_end === 'market')).toBe(
      true,
    );
    const activeAt = (r: (typeof relationships)[number], t: number) =>
      r.start_step! <= t && (r.end_step === null || r.end_step > t);
    let compared = 0;
    for (const row of timeseries) {
      const t = row.step!;
      if (t < K) {
        expect(row.retention_market).toBeNull();
        continue;
      }
      const before = relationships.filter((r) => activeAt(r, t - K));
      const kept = before.filter((r) => activeAt(r, t));
      expect(row.retention_market).toBeCloseTo(kept.length / before.length, 12);
      compared++;
    }
    expect(compared).toBe(timeseries.length - K);
    // Some year saw ties end, so the comparison is not only of ones.
    expect(timeseries.some((r) => r.retention_market !== null && r.retention_market < 1)).toBe(
      true,
    );
  });
});

/** A spell's name: its supplier, buyer and start step (rows are reused; names are not). */
function spellKey(r: Relationship): string {
  return `${r.supplier.id}/${r.buyer.id}/${r.startStep}`;
}

describe('retention against a reference that keeps lists of spells', () => {
  /**
   * The measure as ODD §7.16 defines it, computed the plain way: at each observation, keep the
   * list of active spells with their types; a year later, count how many of them have not
   * ended, by the records of the spells that ended (world.endedSpells, read before their rows
   * are given back). (The observer instead counts the active spells that began by then, from
   * the lists.) A spell is named by (supplier, buyer, start step): rows are reused, and a pair
   * has at most one active spell at a time.
   */
  class ListObserver {
    private readonly spells: { key: string; type: number; group: string }[][];
    private readonly ended = new Set<string>();
    byGroup: (number | null)[][] = [];
    constructor(
      private readonly lag: number,
      private readonly groups: string[],
    ) {
      this.spells = Array.from({ length: lag }, () => []);
    }
    observe(world: World): (number | null)[] {
      const old = this.spells[world.step % this.lag];
      const share = (list: typeof old) =>
        [0, 1, 2, 3].map((type) => {
          const then = list.filter((x) => x.type === type);
          return then.length > 0
            ? then.filter((x) => !this.ended.has(x.key)).length / then.length
            : null;
        });
      this.byGroup = this.groups.map((g) => share(old.filter((x) => x.group === g)));
      const all = share(old);
      this.record(world);
      return all;
    }
    /** Remembers the spells that ended this step; before their rows are given back. */
    noteEnded(world: World): void {
      for (const k of world.endedSpells.rows) this.ended.add(spellKey(relationshipAt(world, k)));
    }
    record(world: World): void {
      this.spells[world.step % this.lag] = suppliersOf(world)
        .filter((s) => s.active)
        .flatMap((s) =>
          s.relationships.map((r) => ({
            key: spellKey(r),
            type: world.relationshipTable.cols.type[r.ix],
            group: s.group,
          })),
        );
    }
  }

  it('gives the same retention, overall and by group, through entry, exit, reused rows and compaction', () => {
    const { scenario } = loadScenario('scenarios/baseline.yaml', {
      steps: 40,
      sets: ['model.entry.rate=0.3', 'time.steps_per_year=4'],
    });
    const groups = Object.keys(scenario.suppliers);
    const world = createWorld(scenario);
    const observer = new SpellObserver(4, groups);
    const reference = new ListObserver(4, groups);
    const schedule = stages(SCHEDULE);
    let compared = 0;
    let reused = 0;
    const look = (t: number) => {
      reference.noteEnded(world);
      // Every third step only records (its rows are not wanted), as in a sweep.
      if (t % 3 === 2) {
        observer.record(world);
        reference.record(world);
        return;
      }
      expect(observer.observe(world)).toEqual(reference.observe(world));
      groups.forEach((_, k) => expect(observer.groupRetention(k)).toEqual(reference.byGroup[k]));
      if (t >= 4) compared++;
    };
    look(0);
    for (let t = 1; t <= scenario.time.steps; t++) {
      world.step = t;
      const before = world.relationshipTable.length;
      for (const run of schedule) run(world);
      // Spells begun this step in rows that held earlier spells.
      for (const s of suppliersOf(world))
        for (const r of s.relationships) if (r.startStep === t && r.ix < before) reused++;
      look(t);
      for (const k of world.endedSpells.rows) world.relationshipTable.release(k as RelIx);
      world.endedSpells.clear();
      if (t % 5 === 0) observer.reorder(compactRelationships(world));
    }
    expect(compared).toBeGreaterThan(20);
    expect(reused).toBeGreaterThan(0);
    expect(world.counters.entries).toBeGreaterThan(0);
    expect(world.counters.exits).toBeGreaterThan(0);
  });
});
