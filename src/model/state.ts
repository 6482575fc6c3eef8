/**
 * The model's state: plain data, no behaviour. Submodels are functions over a `World`.
 * Capabilities are arrays indexed by function (0 process, 1 product, 2 design, 3 marketing)
 * so the learning and investment submodels can loop over functions instead of repeating
 * themselves four times.
 *
 * Names mean one thing across src/model: `m` is all model parameters (`scenario.model`), a
 * section of them is named after it (`searchParams`, `orderParams`); `environment` is the
 * environment's parameters (`scenario.environment`) and `env` its state (`world.env`,
 * Environment below); `s` a supplier, `b` a buyer, `r` a relationship, `f` a function.
 */
import type { BuyerGroupConfig, Scenario } from '../scenario/types.js';
import type { PartnerKind, RelationshipType } from '../scenario/parameters.js';
import type { Streams } from '../engine/rng.js';

export const PROCESS = 0;
export const PRODUCT = 1;
export const DESIGN = 2;
export const MARKETING = 3;
export const N_FUNCTIONS = 4;

export const OEM = 0;
export const ODM = 1;
export const OBM = 2;
export type Role = typeof OEM | typeof ODM | typeof OBM;
export const ROLE_NAMES = ['OEM', 'ODM', 'OBM'] as const;

/** A supplier–lead-firm relationship; the same object sits in both parties' lists. */
export interface Relationship {
  supplier: Supplier;
  buyer: Buyer;
  type: RelationshipType;
  startStep: number;
  /** Allocation weight; sanctions cut it, it recovers over the sanction memory. */
  weight: number;
  lastSanctionStep: number;
  /** Step since which the supplier has been below the buyer's requirements (-1: it is not). */
  belowSince: number;
  /** Emergent governance: whether the supplier currently counts as capable (hysteresis state). */
  capable: boolean;
  /** Flows of the current step. */
  /** Allocation score this step (orders.ts). */
  score: number;
  volume: number;
  price: number;
  /** Share of the supplier's sales going to this buyer this step. */
  salesShare: number;
  ended: boolean;
  /** Why the spell ended (null while active); see RELATIONSHIP_END_CAUSES. */
  endCause: RelationshipEndCause | null;
  /** Step at which the spell ended (null while active). */
  endStep: number | null;

  // Spell bookkeeping for relationships.csv; no submodel reads these.
  /** Type when the spell began. */
  typeStart: RelationshipType;
  /** Type when last observed (end of a step, or the spell's end); see noteTypeChange. */
  typeSeen: RelationshipType;
  /** Changes of type between consecutive observations over the spell. */
  typeChanges: number;
  /** Volume delivered over the spell (units). */
  totalVolume: number;
  /** Volume delivered at a positive unit cost (the markup is undefined at zero cost). */
  costedVolume: number;
  /** Sum over steps of volume x (price / unit cost - 1), for the volume-weighted mean markup. */
  markupVolume: number;
}

/**
 * Why a supplier–lead-firm relationship spell ended, the vocabulary of relationships.csv's
 * `end_cause`:
 * - `dropped_requirements`: the buyer dropped a supplier that stayed below its requirements
 *   beyond the grace period (process 7b);
 * - `sanctioned`: a guarding buyer ended the tie after repeated encroachment (process 6);
 * - `succession`: the supplier left its least sophisticated buyer for a better one (process 7a);
 * - `supplier_exit`: the supplier exited (process 8c);
 * - `re_sourced`: the buyer replaced the supplier by one offering more capability per unit of
 *   price, net of the tie type's switching cost (process 7e);
 * - `displaced`: a fully booked supplier gave up its lowest-paying arm's-length customer to take
 *   on a lead firm that re-sourced to it (process 7e).
 */
export const RELATIONSHIP_END_CAUSES = [
  'dropped_requirements',
  'sanctioned',
  'succession',
  'supplier_exit',
  're_sourced',
  'displaced',
] as const;
export type RelationshipEndCause = (typeof RELATIONSHIP_END_CAUSES)[number];

export interface Tie {
  partner: Partner;
  trust: number;
  startStep: number;
}

export interface Supplier {
  id: number;
  group: string;
  active: boolean;
  entryStep: number;
  /** Capabilities in [0,1] by function. */
  cap: number[];
  /** Capability a partner performs for the supplier, by function (e.g. a sales agent's marketing). */
  coverage: number[];
  /** R&D stock per unit of capacity; absorptive capacity follows from it. */
  rdStock: number;
  absorptive: number;
  cash: number;
  size: number;
  intent: { reinvest: number; split: number[]; networkTies: number; diversify: number };
  /** Share of capacity kept for the domestic channel whatever the lead firms order. */
  domesticReserve: number;
  domesticReserveFloor: number;
  relationships: Relationship[];
  ties: Tie[];
  /** Sector ids the supplier operates in; the first is its home sector. */
  sectors: number[];
  /** Lead firms its initial customers come from, and partners it may tie to (shared per group). */
  initialBuyerPool: Buyer[];
  partnerPool: Partner[];

  // Flows of the current step.
  /**
   * Capacity times capability to the buyers' concentration power: the supplier's factor of every
   * allocation score this step.
   */
  orderAppeal: number;
  /** Most any one lead firm may take from the supplier this step (orders.ts perBuyerLimit), units/step. */
  buyerLimit: number;
  exportVolume: number;
  /** Whether buyers wanted more than the supplier's export capacity this step (capacity grows only then). */
  saturated: boolean;
  domesticVolume: number;
  sectorVolume: number;
  ownBrandVolume: number;
  /** Volume the supplier sells with its own design (to market/network buyers or in its own channels). */
  ownDesignVolume: number;
  revenue: number;
  /**
   * Revenue from lead firms this step (money/step): price x volume over every tie that
   * delivered in it, including ties that have ended since the orders were placed.
   */
  exportRevenue: number;
  profit: number;
  margin: number | null;
  investment: number;
  investmentByFunction: number[];
  domesticPrice: number;

  // Derived dependence measures of the current step.
  topBuyerShare: number;
  buyerHhi: number;

  lossStreak: number;
  /** Steps with lead-firm sales so far (tenure for the lock-in metric). */
  leadFirmSteps: number;
  role: Role;
  highestRole: Role;
  stepOdm: number | null;
  stepObm: number | null;

  // Records for the outputs; no submodel reads these (the observation of flow means reads
  // exitStep, to count a firm that exits at the end of a step in that step's flows).
  /** Capabilities by function when the supplier was created (step 0, or its entry step). */
  initialCap: number[];
  /** Capacity when the supplier was created. */
  initialSize: number;
  /** Its own functional upgrades and sanctions (order cuts and drops), for per-group counters. */
  functionalUpgrades: number;
  sanctionsSuffered: number;
  /** Step at which the supplier exited (null while active). */
  exitStep: number | null;
  /** Why it exited (null while active); see SUPPLIER_EXIT_CAUSES. */
  exitCause: SupplierExitCause | null;
}

/**
 * Why a supplier exited, the vocabulary of suppliers.csv's `exit_cause` (process 8c):
 * - `losses`: it made losses for model.exit.loss_steps steps in a row;
 * - `cash`: its cash fell below model.exit.cash_floor times its capacity (while its run of
 *   losses was still shorter than that).
 */
export const SUPPLIER_EXIT_CAUSES = ['losses', 'cash'] as const;
export type SupplierExitCause = (typeof SUPPLIER_EXIT_CAUSES)[number];

export interface Buyer {
  id: number;
  group: string;
  config: BuyerGroupConfig;
  /** Guarded functions as a mask by function index. */
  guards: boolean[];
  knowHow: number[];
  requirements: { process: number; product: number };
  demand: number;
  relationships: Relationship[];
}

export interface Partner {
  id: number;
  group: string;
  kind: PartnerKind;
  knowHow: number[];
  covers: boolean[];
  sector: number;
}

export interface Environment {
  pricePressure: number;
  /** Variable unit costs relative to the first step (rising wages and materials). */
  costLevel: number;
  logExchangeRate: number;
  exchangeRate: number;
  domesticDemand: number;
  /** Total capacity at the first step; domestic demand is scaled to it. */
  initialCapacity: number;
}

export interface Counters {
  exits: number;
  entries: number;
  functionalUpgrades: number;
  chainUpgrades: number;
  sanctions: number;
}

export interface World {
  scenario: Scenario;
  /** Years per step. */
  dt: number;
  step: number;
  suppliers: Supplier[];
  buyers: Buyer[];
  partners: Partner[];
  env: Environment;
  counters: Counters;
  streams: Streams;
  nextSupplierId: number;
  /**
   * Spells ended since the last observation, in the order they ended; the engine writes them
   * to relationships.csv and empties the list at each observation, so it holds one step's worth.
   */
  endedSpells: Relationship[];
}

/** Mean production capability, the quantity buyers screen and allocate on. */
export function productionCapability(s: Supplier): number {
  return 0.5 * (s.cap[PROCESS] + s.cap[PRODUCT]);
}

/** Convert an annual hazard rate into the probability of an event within one step. */
export function stepProbability(annualRate: number, dt: number): number {
  return 1 - Math.exp(-annualRate * dt);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
