/**
 * Initialisation: build lead firms, partners and suppliers group by group in file order (ids
 * follow that order), give each supplier its initial buyers and strategic ties, and set the
 * environment to its first-step values. All draws come from the `init` stream.
 */
import { Table } from '../engine/columns.js';
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
  SUPPLIER_COLUMNS,
  Supplier,
  TIE_COLUMNS,
  clamp01,
  type BuyerTable,
  type Partner,
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
    suppliers: [],
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
    endedSpells: [],
  };
  world.buyers = createBuyers(world);
  world.supplierGroups = createSupplierGroups(world);
  for (const [code, group] of world.supplierGroups.entries()) {
    for (let i = 0; i < group.config.count; i++) {
      const s = createSupplier(world, code, streams.init);
      world.suppliers.push(s);
      assignInitialBuyers(world, s, group.config.initial_buyers, streams.init);
      formInitialTies(world, s, streams.init);
      if (world.suppliers.length % BUILD_PAUSE_EVERY === 0) yield;
    }
  }
  world.env.initialCapacity = world.suppliers.reduce((sum, s) => sum + s.size, 0);
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
export function createPartners(scenario: Scenario): Partner[] {
  const partners: Partner[] = [];
  for (const [group, config] of Object.entries(scenario.partners)) {
    const profile = scenario.model.partner_profiles[config.kind];
    // Shared by the group's partners (nothing changes them): a few arrays that stay in cache
    // instead of two per partner scattered over the heap of a 100k-supplier world.
    const knowHow = FUNCTIONS.map((f) => profile[f]);
    const covers = FUNCTIONS.map((f) => profile.covers.includes(f));
    for (let i = 0; i < config.count; i++) {
      partners.push({
        id: partners.length,
        group,
        kind: config.kind,
        knowHow,
        covers,
        sector: config.sector,
      });
    }
  }
  return partners;
}

/** R&D stock that yields a given absorptive capacity (inverse of absorptiveCapacity). */
export function rdStockFor(target: number, floor: number, halfStock: number): number {
  if (target <= floor) return 0;
  const x = (target - floor) / (1 - floor);
  return (halfStock * x) / (1 - x);
}

/**
 * A new supplier of group `world.supplierGroups[groupCode]`, created at the current step, with
 * its row of the supplier table filled; draws its size and capabilities from `rng`. The caller
 * adds it to world.suppliers.
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
  const cap = FUNCTIONS.map((f) =>
    clamp01(config.capabilities[f].mean + config.capabilities[f].sd * normal(rng)),
  );
  const table = world.supplierTable;
  const ix = table.add();
  // Rows follow creation order, so a supplier's row is its id (and its place in world.suppliers).
  if (ix !== world.nextSupplierId++) throw new Error('supplier rows out of step with ids');
  const s = new Supplier(world, ix, groupCode, world.step);
  s.active = true;
  s.cap.set(cap);
  s.initialCap.set(cap);
  s.rdStock = rdStock;
  s.absorptive = absorptiveCapacity(rdStock, m.learning);
  s.cash = config.cash * size;
  s.size = size;
  s.initialSize = size;
  s.domesticReserve = config.intent.domestic;
  s.domesticReserveFloor = config.intent.domestic;
  s.role = OEM;
  s.highestRole = OEM;
  return s;
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
    partnerPool: pg.size > 0 ? world.partners.filter((p) => pg.has(p.group)) : world.partners,
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
    const p = pool[randomIndex(rng, pool.length)];
    if (rng() >= accessProbability(p, environment) || hasTie(world, s, p)) continue;
    formTie(world, s, p, Math.min(trust, trustCeiling(p, environment)));
  }
}
