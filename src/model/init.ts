/**
 * Initialisation: build lead firms, partners and suppliers group by group in file order (ids
 * follow that order), give each supplier its initial buyers and strategic ties, and set the
 * environment to its first-step values. All draws come from the `init` stream.
 */
import { RowStack, Table } from '../engine/columns.js';
import { makeStreams, normal, randomIndex, type Rng } from '../engine/rng.js';
import { FUNCTIONS } from '../scenario/parameters.js';
import type { Scenario, SupplierGroupConfig } from '../scenario/types.js';
import { accessProbability, formTie, hasTie, trustCeiling } from './networks.js';
import { isRelated, linkSupplierToBuyer } from './relationships.js';
import { absorptiveCapacity } from './learning.js';
import {
  BUYER_COLUMNS,
  Buyer,
  OEM,
  RELATIONSHIP_COLUMNS,
  N_FUNCTIONS,
  SUPPLIER_COLUMNS,
  TIE_COLUMNS,
  addSupplierRow,
  Partners,
  clamp01,
  supplierAt,
  type PartnerTraits,
  type Supplier,
  type BuyerTable,
  type RelationshipTable,
  type SupplierGroup,
  type SupplierIntent,
  type World,
  zeroCounters,
} from './state.js';

/**
 * The initial world of a run (docs/ODD.md §5). `sharedTables`: make the column tables over
 * SharedArrayBuffers, for a run whose order-independent processes run on worker threads
 * (engine/threads.ts); the world is the same either way.
 */
export function createWorld(scenario: Scenario, sharedTables = false): World {
  const build = buildWorld(scenario, sharedTables);
  for (let next = build.next(); ; next = build.next()) if (next.done) return next.value;
}

/**
 * Suppliers made between two pauses of buildWorld: a few milliseconds of work, so that a
 * caller that lets its event loop run at each pause (gvc run, for its signal listeners) answers
 * a signal at once even while a world of millions of suppliers is being made.
 */
export const BUILD_PAUSE_EVERY = 8192;

/**
 * createWorld as a generator: yields (nothing) after every BUILD_PAUSE_EVERY suppliers and
 * returns the world. The pauses change nothing in the world; they only let a caller do other
 * work between them (engine/simulation.ts simulateYielding).
 */
export function* buildWorld(scenario: Scenario, sharedTables = false): Generator<void, World> {
  const streams = makeStreams(scenario.seed);
  const relationshipTable: RelationshipTable = new Table(
    RELATIONSHIP_COLUMNS,
    2 * Object.values(scenario.suppliers).reduce((n, g) => n + g.count, 0),
    sharedTables,
  );
  const buyerTable: BuyerTable = new Table(
    BUYER_COLUMNS,
    Object.values(scenario.buyers).reduce((n, g) => n + g.count, 0),
    sharedTables,
  );
  const world: World = {
    scenario,
    dt: 1 / scenario.time.steps_per_year,
    step: 0,
    supplierGroups: [],
    supplierTable: new Table(
      SUPPLIER_COLUMNS,
      Object.values(scenario.suppliers).reduce((n, g) => n + g.count, 0),
      sharedTables,
    ),
    relationshipTable,
    tieTable: new Table(
      TIE_COLUMNS,
      Object.values(scenario.suppliers).reduce((n, g) => n + g.count * g.intent.network_ties, 0),
      sharedTables,
    ),
    buyers: [],
    buyerTable,
    partners: createPartners(scenario),
    env: {
      pricePressure: 0,
      costLevel: 1,
      logExchangeRate: 0,
      exchangeRate: 1,
      domesticDemand: 0,
      initialCapacity: 0,
    },
    counters: zeroCounters(),
    streams,
    nextSupplierId: 0,
    endedSpells: new RowStack(),
  };
  world.buyers = createBuyers(world);
  world.supplierGroups = createSupplierGroups(world);
  for (const [code, group] of world.supplierGroups.entries()) {
    for (let i = 0; i < group.config.count; i++) {
      const s = createSupplier(world, code, streams.init);
      assignInitialBuyers(world, s, group.config.initial_buyers, streams.init);
      formInitialTies(world, s, streams.init);
      if (world.supplierTable.length % BUILD_PAUSE_EVERY === 0) yield;
    }
  }
  const size = world.supplierTable.cols.size;
  let capacity = 0;
  for (let i = 0; i < world.supplierTable.length; i++) capacity += size[i];
  world.env.initialCapacity = capacity;
  const environment = scenario.environment;
  world.env.pricePressure = Math.min(
    environment.price_pressure.max,
    environment.price_pressure.initial,
  );
  world.env.domesticDemand = environment.domestic_market.size * world.env.initialCapacity;
  for (const b of world.buyers) b.demand = b.config.demand_per_supplier * b.config.suppliers_target;
  return world;
}

/**
 * The scenario's supplier groups as the model uses them (SupplierGroup), in file order; reads
 * world.scenario, world.buyers and world.partners.
 */
export function createSupplierGroups(
  world: Pick<World, 'scenario' | 'buyers' | 'partners'>,
): SupplierGroup[] {
  return Object.entries(world.scenario.suppliers).map(([name, config]) =>
    supplierGroup(world, name, config),
  );
}

/**
 * The scenario's lead firms, in file order, each with a new row of world.buyerTable (its id).
 * Reads world.scenario and world.buyerTable only.
 */
export function createBuyers(world: World): Buyer[] {
  const buyers: Buyer[] = [];
  for (const [group, config] of Object.entries(world.scenario.buyers)) {
    for (let i = 0; i < config.count; i++)
      buyers.push(new Buyer(world, world.buyerTable.add(), group, config));
  }
  return buyers;
}

/** The scenario's partners, in file order (ids 0, 1, ...). */
export function createPartners(scenario: Scenario): Partners {
  const groups: PartnerTraits[] = [];
  const counts: number[] = [];
  for (const [group, config] of Object.entries(scenario.partners)) {
    const profile = scenario.model.partner_profiles[config.kind];
    // Shared by the group's partners (nothing changes them): a few arrays that stay in cache
    // instead of two per partner scattered over the heap of a 100k-supplier world.
    groups.push(
      Object.freeze({
        group,
        kind: config.kind,
        knowHow: FUNCTIONS.map((f) => profile[f]),
        covers: FUNCTIONS.map((f) => profile.covers.includes(f)),
        sector: config.sector,
      }),
    );
    counts.push(config.count);
  }
  return new Partners(groups, counts);
}

/** R&D stock that yields a given absorptive capacity (inverse of absorptiveCapacity). */
export function rdStockFor(target: number, floor: number, halfStock: number): number {
  if (target <= floor) return 0;
  const x = (target - floor) / (1 - floor);
  return (halfStock * x) / (1 - x);
}

/**
 * A new supplier of group `world.supplierGroups[groupCode]`, created at the current step, with
 * its row of the supplier table filled; draws its size, then its capabilities by function, from
 * `rng`. Returns a view of it (the world keeps only the row). Writes the row directly: a
 * temporary array or view per supplier made most of the 700 bytes a supplier that building a
 * 100k world allocated (docs/performance.md, session 16).
 */
export function createSupplier(world: World, groupCode: number, rng: Rng): Supplier {
  const config = world.supplierGroups[groupCode].config;
  const m = world.scenario.model;
  const rdStock = rdStockFor(
    config.absorptive_capacity,
    m.learning.absorptive_floor,
    m.learning.absorptive_half_stock,
  );
  const size = config.size.mean * Math.exp(config.size.sd_log * normal(rng));
  const ix = addSupplierRow(world, groupCode, world.step);
  // Rows follow creation order, so a supplier's row is its id.
  if (ix !== world.nextSupplierId++) throw new Error('supplier rows out of step with ids');
  const S = world.supplierTable.cols;
  for (let f = 0; f < N_FUNCTIONS; f++) {
    const c = config.capabilities[FUNCTIONS[f]];
    S.cap[4 * ix + f] = S.initialCap[4 * ix + f] = clamp01(c.mean + c.sd * normal(rng));
  }
  S.active[ix] = 1;
  S.rdStock[ix] = rdStock;
  S.absorptive[ix] = absorptiveCapacity(rdStock, m.learning);
  S.cash[ix] = config.cash * size;
  S.size[ix] = size;
  S.initialSize[ix] = size;
  S.domesticReserve[ix] = config.intent.domestic;
  S.domesticReserveFloor[ix] = config.intent.domestic;
  S.role[ix] = OEM;
  S.highestRole[ix] = OEM;
  return supplierAt(world, ix);
}

/**
 * A supplier group as the model uses it, made once per run: its intent (frozen, shared by its
 * suppliers, so one supplier's cannot change without the others'; a few objects in cache
 * instead of one per supplier scattered over the heap) and the buyers and partners it may deal
 * with.
 */
function supplierGroup(
  world: Pick<World, 'buyers' | 'partners'>,
  name: string,
  config: SupplierGroupConfig,
): SupplierGroup {
  const splitTotal = FUNCTIONS.reduce((sum, f) => sum + config.intent.split[f], 0);
  const intent: SupplierIntent = Object.freeze({
    reinvest: config.intent.reinvest,
    // Validation refuses all-zero weights (checkConsistency), so the total is positive.
    split: Object.freeze(FUNCTIONS.map((f) => config.intent.split[f] / splitTotal)),
    networkTies: config.intent.network_ties,
    diversify: config.intent.diversify,
  });
  const bg = new Set(config.buyer_groups);
  const pg = new Set(config.partner_groups);
  return Object.freeze({
    name,
    config,
    intent,
    buyerPool: bg.size > 0 ? world.buyers.filter((b) => bg.has(b.group)) : world.buyers,
    partnerPool: pg.size > 0 ? world.partners.idsOf(pg) : world.partners.allIds(),
  });
}

/**
 * Initial customers: of two random eligible buyers, the one with more demand per supplier
 * ("power of two choices"), which spreads suppliers over demand without a global assignment.
 */
function assignInitialBuyers(world: World, s: Supplier, n: number, rng: Rng): void {
  const pool = s.initialBuyerPool;
  const wanted = Math.min(n, pool.length);
  let guard = 0;
  while (s.relationshipCount < wanted && guard++ < 50 * wanted) {
    const a = pool[randomIndex(rng, pool.length)];
    const b = pool[randomIndex(rng, pool.length)];
    const pick = demandPerSupplier(b) > demandPerSupplier(a) ? b : a;
    if (isRelated(world, s, pick)) continue;
    linkSupplierToBuyer(world, s, pick);
  }
}

function demandPerSupplier(b: Buyer): number {
  return (b.config.demand_per_supplier * b.config.suppliers_target) / (b.relationshipCount + 1);
}

/**
 * Initial strategic ties, drawn like later ones (networks.ts): a partner is reachable with
 * its access probability (institutions for universities and associations, peer trust for
 * peers), and a tie starts at the initial trust, capped by the kind's trust ceiling. A
 * supplier in a low-trust, weak-institution cluster may therefore start below its target.
 */
function formInitialTies(world: World, s: Supplier, rng: Rng): void {
  const pool = s.partnerPool;
  const environment = world.scenario.environment;
  const wanted = Math.min(s.intent.networkTies, pool.length);
  const trust = world.scenario.model.networks.initial_trust;
  const count = world.supplierTable.cols.tieCount; // no supplier is added in this loop
  for (let attempt = 0; attempt < 3 * wanted && count[s.ix] < wanted; attempt++) {
    const p = world.partners.at(pool[randomIndex(rng, pool.length)]);
    if (rng() >= accessProbability(p, environment) || hasTie(world, s, p)) continue;
    formTie(world, s, p, Math.min(trust, trustCeiling(p, environment)));
  }
}
