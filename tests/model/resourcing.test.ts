import { describe, expect, it } from 'vitest';
import { listPrice } from '../../src/model/prices.js';
import { displaceableTie, offerValue, outbids, resourceTies } from '../../src/model/resourcing.js';
import { suppliersOf, type Relationship, type World } from '../../src/model/state.js';
import type { RelationshipType } from '../../src/scenario/parameters.js';
import { buyerOf, link, setCaps, tinyWorld } from './helpers.js';

/**
 * One buyer per listed governance style, each with `incumbents` suppliers tied to it, plus
 * `idle` suppliers with no buyer and capacity to spare. Every supplier has the same
 * capabilities and takes any buyer that approaches it (diversification intent 1).
 */
function market(
  styles: RelationshipType[],
  incumbents: number,
  idle: number,
  seed = 1,
  diversify = 1,
): World {
  const buyers = Object.fromEntries(
    styles.map((g) => [g, { governance: g, suppliers_target: incumbents + idle }]),
  );
  const world = tinyWorld({
    seed,
    suppliers: styles.length * incumbents + idle,
    supplier: { intent: { diversify } },
    buyers,
  });
  for (const s of suppliersOf(world)) setCaps(s, [0.5, 0.5, 0.1, 0]);
  styles.forEach((g, j) => {
    for (let i = 0; i < incumbents; i++)
      link(world, suppliersOf(world)[j * incumbents + i], buyerOf(world, g));
  });
  return world;
}

/** Run the re-sourcing process for one year and return the share of the given ties it ended. */
function replacedWithinAYear(world: World, ties: Relationship[]): number {
  for (let t = 0; t < world.scenario.time.steps_per_year; t++) {
    world.step++;
    resourceTies(world);
  }
  for (const r of ties) if (r.ended) expect(r.endCause).toBe('re_sourced');
  return ties.filter((r) => r.ended).length / ties.length;
}

describe('re-sourcing (process 7e)', () => {
  // Gereffi, Humphrey & Sturgeon 2005: low switching costs at arm's length, high in captive
  // ties (transaction-specific investment), prohibitive in a hierarchy.
  it('market ties are re-sourced far more often than captive or relational ties, hierarchical ones never', () => {
    const world = market(['market', 'network', 'quasi_hierarchy', 'hierarchy'], 300, 600);
    const byType = (g: RelationshipType) => buyerOf(world, g).relationships.slice();
    const ties = Object.fromEntries(
      (['market', 'network', 'quasi_hierarchy', 'hierarchy'] as const).map((g) => [g, byType(g)]),
    );
    const replaced: Record<string, number> = {};
    // All four buyers are reviewed over the same year, from the same idle pool.
    for (let t = 0; t < world.scenario.time.steps_per_year; t++) {
      world.step++;
      resourceTies(world);
    }
    for (const [g, rels] of Object.entries(ties))
      replaced[g] = rels.filter((r) => r.ended).length / rels.length;
    expect(replaced.market).toBeGreaterThan(0.3);
    expect(replaced.market).toBeGreaterThan(4 * replaced.network);
    expect(replaced.market).toBeGreaterThan(4 * replaced.quasi_hierarchy);
    expect(replaced.quasi_hierarchy).toBeLessThan(0.15);
    expect(replaced.hierarchy).toBe(0);
    // A buyer keeps as many suppliers as it had: every tie ended was replaced.
    for (const g of Object.keys(ties)) expect(buyerOf(world, g).relationships).toHaveLength(300);
  });

  // Monarch 2016: importers paying the highest prices are the most likely to switch.
  it('an incumbent charging more for the same capability is the likelier to be replaced', () => {
    const world = tinyWorld({
      seed: 2,
      suppliers: 1200,
      supplier: { intent: { diversify: 1 } },
      buyers: {
        cheap: { governance: 'market', suppliers_target: 1000 },
        dear: { governance: 'market', suppliers_target: 1000 },
      },
    });
    for (const s of suppliersOf(world)) setCaps(s, [0.5, 0.5, 0.1, 0]);
    const cheap: Relationship[] = [];
    const dear: Relationship[] = [];
    for (let i = 0; i < 300; i++) {
      cheap.push(link(world, suppliersOf(world)[i], buyerOf(world, 'cheap')));
      const s = suppliersOf(world)[300 + i];
      // Design capability the market buyer pays for raises the price, not the production capability.
      setCaps(s, [0.5, 0.5, 0.9, 0]);
      dear.push(link(world, s, buyerOf(world, 'dear')));
    }
    const b = buyerOf(world, 'dear');
    expect(listPrice(dear[0].supplier, b, 'market', world)).toBeGreaterThan(
      1.05 * listPrice(cheap[0].supplier, b, 'market', world),
    );
    for (let t = 0; t < world.scenario.time.steps_per_year; t++) {
      world.step++;
      resourceTies(world);
    }
    const share = (rels: Relationship[]) => rels.filter((r) => r.ended).length / rels.length;
    expect(share(dear)).toBeGreaterThan(share(cheap) + 0.15);
  });

  // Consent: a supplier takes a buyer on as readily as it looks for one (its diversification intent).
  it('no tie is replaced when no outside supplier will take the buyer on (intent 0)', () => {
    const world = market(['market'], 100, 300, 3, 0);
    expect(replacedWithinAYear(world, buyerOf(world, 'market').relationships.slice())).toBe(0);
  });

  // A fully booked supplier can take on a buyer only by giving up an arm's-length customer;
  // these outside suppliers have none, so nothing is replaced.
  it('no tie is replaced when every outside supplier is saturated and has no market tie to give up', () => {
    const world = market(['market'], 100, 300, 4);
    for (const s of suppliersOf(world)) s.saturated = true;
    expect(replacedWithinAYear(world, buyerOf(world, 'market').relationships.slice())).toBe(0);
  });

  // Arm's-length orders carry no commitment: a fully booked supplier serves the customers that
  // pay best, giving up its lowest-paying market tie; the customer it gives up takes on the
  // supplier just let go (the two buyers swap suppliers), so no supplier is left without a buyer.
  it('a fully booked supplier wins a market buyer by giving up its lowest-paying market tie, and the two buyers swap suppliers', () => {
    const world = tinyWorld({
      suppliers: 2,
      supplier: { intent: { diversify: 1 } },
      buyers: {
        reviewer: { governance: 'market', suppliers_target: 1 },
        other: { governance: 'market', suppliers_target: 1 },
      },
      sets: ['model.resourcing.review_rate=50', 'model.resourcing.quote_dispersion=0'],
    });
    const [incumbent, newcomer] = suppliersOf(world);
    setCaps(incumbent, [0.3, 0.3, 0.1, 0]);
    setCaps(newcomer, [0.9, 0.9, 0.1, 0]);
    const reviewer = buyerOf(world, 'reviewer');
    const other = buyerOf(world, 'other');
    const old = link(world, incumbent, reviewer);
    const given = link(world, newcomer, other);
    given.price = 0.5 * listPrice(newcomer, reviewer, 'market', world);
    newcomer.saturated = true;
    world.step = 1;
    expect(displaceableTie(newcomer, reviewer, world)?.ix).toBe(given.ix);
    resourceTies(world);
    expect(old.endCause).toBe('re_sourced');
    expect(given.endCause).toBe('displaced');
    expect(reviewer.relationships.map((r) => r.supplier.ix)).toEqual([newcomer.ix]);
    expect(other.relationships.map((r) => r.supplier.ix)).toEqual([incumbent.ix]);
    // Both are new spells of this step; reviewing again now would end them at once (review rate
    // 50 per year reviews every tie), so a second pass in the same step must leave them alone.
    resourceTies(world);
    for (const r of [...reviewer.relationships, ...other.relationships]) {
      expect(r.startStep).toBe(1);
      expect(r.ended).toBe(false);
    }
  });

  it('a fully booked supplier gives up no tie for a buyer paying less, nor a captive one, nor one formed this step', () => {
    const world = tinyWorld({
      suppliers: 1,
      supplier: { intent: { diversify: 1 } },
      buyers: {
        b: { governance: 'market', suppliers_target: 5 },
        captive: { governance: 'quasi_hierarchy', suppliers_target: 5 },
        fresh: { governance: 'market', suppliers_target: 5 },
      },
    });
    const s = suppliersOf(world)[0];
    const b = buyerOf(world, 'b');
    world.step = 1;
    const q = link(world, s, buyerOf(world, 'captive'), 'quasi_hierarchy');
    q.price = 0.01;
    world.step = 2;
    link(world, s, buyerOf(world, 'fresh')); // formed this step: price not yet set
    expect(displaceableTie(s, b, world)).toBeNull();
    world.step = 3;
    const dear = s.relationships.find((r) => r.buyer.group === 'fresh')!;
    dear.price = 2 * listPrice(s, b, 'market', world);
    expect(displaceableTie(s, b, world)).toBeNull();
    dear.price = listPrice(s, b, 'market', world);
    expect(displaceableTie(s, b, world)?.ix).toBe(dear.ix);
  });

  it('no review at review rate 0, and the stream is not drawn', () => {
    const world = tinyWorld({
      suppliers: 20,
      supplier: { intent: { diversify: 1 } },
      buyers: { m: { governance: 'market', suppliers_target: 20 } },
      sets: ['model.resourcing.review_rate=0'],
    });
    const r = link(world, suppliersOf(world)[0], world.buyers[0]);
    world.step = 1;
    resourceTies(world);
    expect(r.ended).toBe(false);
    const fresh = tinyWorld({ suppliers: 20 }).streams.resourcing;
    expect(world.streams.resourcing()).toBe(fresh());
  });

  it('outbids: the outside quote must beat the incumbent by more than the switching cost', () => {
    const world = market(['market', 'quasi_hierarchy'], 1, 0);
    const rm = buyerOf(world, 'market').relationships[0];
    const rq = buyerOf(world, 'quasi_hierarchy').relationships[0];
    const cost = world.scenario.model.resourcing.switching_cost;
    const v = offerValue(rm.supplier, rm.buyer, 'market', world);
    expect(v).toBeGreaterThan(0);
    expect(outbids(rm, v, v * (1 + cost.market) * 0.999, world)).toBe(false);
    expect(outbids(rm, v, v * (1 + cost.market) * 1.001, world)).toBe(true);
    expect(outbids(rq, v, v * (1 + cost.market) * 1.001, world)).toBe(false);
  });
});

describe('relational premium (process 2)', () => {
  // Cajal-Grossi, Macchiavello & Noguera 2023: relational buyers pay more for the same product.
  it('a network tie pays the relational premium over a market tie of the same supplier and buyer', () => {
    const world = market(['market'], 1, 0);
    const s = suppliersOf(world)[0];
    const b = world.buyers[0];
    const premium = world.scenario.model.prices.relational_premium;
    expect(premium).toBeGreaterThan(0);
    expect(listPrice(s, b, 'network', world) / listPrice(s, b, 'market', world)).toBeCloseTo(
      1 + premium,
      12,
    );
  });
});
