/**
 * The model's state: data, no model behaviour. Submodels are functions over a `World`.
 * A supplier's numeric fields live in the supplier table (SUPPLIER_COLUMNS below, typed-array
 * columns: src/engine/columns.ts); a Supplier object reads and writes its row through accessors,
 * and a loop over suppliers may read the columns by row directly. Relationships and strategic
 * ties have tables of their own, and each supplier's and buyer's relationships and each
 * supplier's ties are lists of rows in them (src/engine/lists.ts). Capabilities are indexed by
 * function (0 process, 1 product, 2 design, 3 marketing) so the learning and investment
 * submodels can loop over functions instead of repeating themselves four times.
 *
 * Names mean one thing across src/model: `m` is all model parameters (`scenario.model`), a
 * section of them is named after it (`searchParams`, `orderParams`); `environment` is the
 * environment's parameters (`scenario.environment`) and `env` its state (`world.env`,
 * Environment below); `s` a supplier, `b` a buyer, `r` a relationship, `f` a function. In a
 * loop by row, `i` is a supplier's row and `k` a relationship's (or a tie's), and `S`, `R`, `B`
 * and `T` are the columns of the supplier, relationship, buyer and tie tables. A supplier's row
 * is fixed for the run; relationship and tie rows are renumbered between steps
 * (src/engine/compact.ts), so a row number is good within a step only.
 */
import type { BuyerGroupConfig, Scenario, SupplierGroupConfig } from '../scenario/types.js';
import {
  FUNCTIONS,
  RELATIONSHIP_TYPES,
  type PartnerKind,
  type RelationshipType,
} from '../scenario/parameters.js';
import {
  NONE,
  type RowStack,
  type BuyerIx,
  type Columns,
  type ColumnSpec,
  type RelIx,
  type SupplierIx,
  type Table,
  type TieIx,
} from '../engine/columns.js';
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

/**
 * The relationship table's columns, declared once (src/engine/columns.ts): every numeric field
 * of a supplier–lead-firm relationship, one row per relationship spell. A row is taken when the
 * spell begins and given back once the ended spell has been written (relationships.csv), so
 * rows are reused and the table holds about the live relationships, not every spell of the run.
 * A submodel reads them by row (`R.weight[k]`, R = world.relationshipTable.cols, walking a
 * supplier's or a buyer's list of rows: relationships.ts); code off the hot paths may read the
 * same storage through a Relationship view (`r.weight`).
 */
export const RELATIONSHIP_COLUMNS = {
  /** Row of the supplier and id of the buyer (for loops that read by row). */
  supplier: 'i32',
  buyer: 'i32',
  /** The tie's type, as its index in RELATIONSHIP_TYPES. */
  type: 'u8',
  startStep: 'i32',
  /** Allocation weight; sanctions cut it, it recovers over the sanction memory. */
  weight: 'f64',
  /**
   * Step of the last sanction; NEVER_SANCTIONED before the first (the model's -Infinity: see
   * there). Steps are whole numbers up to time.steps <= 100,000: an Int32 holds them, at half
   * a double's bytes (~8 bytes per supplier at 1.9 rows each).
   */
  lastSanctionStep: 'i32',
  /** Step since which the supplier has been below the buyer's requirements (-1: it is not). */
  belowSince: 'i32',
  /** Emergent governance: whether the supplier currently counts as capable (hysteresis state). */
  capable: 'u8',
  /**
   * -1 while the spell is active; once it has ended, 8 x its end step + the position of its
   * cause in RELATIONSHIP_END_CAUSES. An ended spell keeps its row until the engine has written
   * it (world.endedSpells), so the end record can live in the row.
   */
  end: 'i32',
  // Flows of the current step.
  /** Allocation score this step (orders.ts). */
  score: 'f64',
  volume: 'f64',
  price: 'f64',
  /** Share of the supplier's sales going to this buyer this step. */
  salesShare: 'f64',

  // Spell bookkeeping for relationships.csv; no submodel reads these.
  /** Type when the spell began, and when last observed (see noteTypeChange), as type codes. */
  typeStart: 'u8',
  typeSeen: 'u8',
  /** Changes of type between consecutive observations over the spell. */
  typeChanges: 'i32',
  /** Volume delivered over the spell (units). */
  totalVolume: 'f64',
  /** Volume delivered at a positive unit cost (the markup is undefined at zero cost). */
  costedVolume: 'f64',
  /** Sum over steps of volume x (price / unit cost - 1), for the volume-weighted mean markup. */
  markupVolume: 'f64',

  // The relationship's places in its supplier's and its buyer's lists (src/engine/lists.ts):
  // the next and previous relationship of the same supplier, and of the same buyer.
  nextOfSupplier: 'ref',
  prevOfSupplier: 'ref',
  nextOfBuyer: 'ref',
  prevOfBuyer: 'ref',
} as const satisfies ColumnSpec;

/**
 * lastSanctionStep of a relationship never sanctioned, which docs/ODD.md calls -Infinity: the
 * least Int32. The one test on it (sanctions.ts: a second sanction within the memory ends the
 * tie) compares t - lastSanctionStep with the memory in steps, model.sanctions.memory_years
 * (<= 100) x time.steps_per_year (<= 365) <= 36,500: t + 2^31 exceeds it as -Infinity's
 * Infinity does, so the test gives what it gives with -Infinity, at every step.
 */
export const NEVER_SANCTIONED = -(2 ** 31);

export type RelationshipTable = Table<typeof RELATIONSHIP_COLUMNS, RelIx>;
export type RelationshipColumns = Columns<typeof RELATIONSHIP_COLUMNS>;

/**
 * Code of a relationship type in the relationship table: its position in RELATIONSHIP_TYPES
 * (a switch: cheaper than a search or a string-keyed lookup in a hot loop).
 */
export function typeCode(type: RelationshipType): number {
  switch (type) {
    case 'market':
      return 0;
    case 'network':
      return 1;
    case 'quasi_hierarchy':
      return 2;
    default:
      return 3;
  }
}

/** Why the spell in row `k` ended (null while active); see RELATIONSHIP_END_CAUSES. */
export function endCauseOf(R: RelationshipColumns, k: number): RelationshipEndCause | null {
  const end = R.end[k];
  return end < 0 ? null : RELATIONSHIP_END_CAUSES[end % 8];
}

/** Step at which the spell in row `k` ended (null while active). */
export function endStepOf(R: RelationshipColumns, k: number): number | null {
  const end = R.end[k];
  return end < 0 ? null : Math.floor(end / 8);
}

/**
 * A view of the relationship spell in row `ix` of world.relationshipTable, for code off the hot
 * paths (tests, public helpers taking a relationship): every field is an accessor over the row.
 * Made on demand (Supplier.relationships, Buyer.relationships, relationshipAt); the model keeps
 * no object per spell. A view is valid while its row holds the spell: until the engine gives
 * an ended spell's row back (after writing it, at the end of the step) and until the next
 * compaction renumbers the rows (between steps, engine/compact.ts).
 *
 * Holding an object per spell cost 56 bytes a spell and a second array of them for compaction,
 * and, as spells live some steps, made old-generation garbage: some 1.8 million objects over
 * 120 steps at 100,000 suppliers (docs/performance.md, sessions 9 and 10).
 */
export class Relationship {
  /** The relationship's row in world.relationshipTable. */
  readonly ix: RelIx;
  private readonly world: World;

  constructor(world: World, ix: RelIx) {
    this.world = world;
    this.ix = ix;
  }

  /** The relationship table's columns (read through the table: they are replaced when it grows). */
  private get c(): RelationshipColumns {
    return this.world.relationshipTable.cols;
  }

  get supplier(): Supplier {
    return supplierAt(this.world, this.c.supplier[this.ix]);
  }
  get buyer(): Buyer {
    return this.world.buyers[this.c.buyer[this.ix]];
  }
  /** Whether the spell has ended. */
  get ended(): boolean {
    return this.c.end[this.ix] >= 0;
  }
  /** Why the spell ended (null while active); see RELATIONSHIP_END_CAUSES. */
  get endCause(): RelationshipEndCause | null {
    return endCauseOf(this.c, this.ix);
  }
  /** Step at which the spell ended (null while active). */
  get endStep(): number | null {
    return endStepOf(this.c, this.ix);
  }

  get type(): RelationshipType {
    return RELATIONSHIP_TYPES[this.c.type[this.ix]];
  }
  set type(v: RelationshipType) {
    this.c.type[this.ix] = typeCode(v);
  }
  get typeStart(): RelationshipType {
    return RELATIONSHIP_TYPES[this.c.typeStart[this.ix]];
  }
  set typeStart(v: RelationshipType) {
    this.c.typeStart[this.ix] = typeCode(v);
  }
  get typeSeen(): RelationshipType {
    return RELATIONSHIP_TYPES[this.c.typeSeen[this.ix]];
  }
  set typeSeen(v: RelationshipType) {
    this.c.typeSeen[this.ix] = typeCode(v);
  }
  get startStep(): number {
    return this.c.startStep[this.ix];
  }
  set startStep(v: number) {
    this.c.startStep[this.ix] = v;
  }
  get weight(): number {
    return this.c.weight[this.ix];
  }
  set weight(v: number) {
    this.c.weight[this.ix] = v;
  }
  /** Step of the last sanction; -Infinity before the first (the column's NEVER_SANCTIONED). */
  get lastSanctionStep(): number {
    const v = this.c.lastSanctionStep[this.ix];
    return v === NEVER_SANCTIONED ? Number.NEGATIVE_INFINITY : v;
  }
  /** A step (a whole number), or -Infinity for none. */
  set lastSanctionStep(v: number) {
    this.c.lastSanctionStep[this.ix] = v === Number.NEGATIVE_INFINITY ? NEVER_SANCTIONED : v;
  }
  get belowSince(): number {
    return this.c.belowSince[this.ix];
  }
  set belowSince(v: number) {
    this.c.belowSince[this.ix] = v;
  }
  get capable(): boolean {
    return this.c.capable[this.ix] === 1;
  }
  set capable(v: boolean) {
    this.c.capable[this.ix] = v ? 1 : 0;
  }
  get score(): number {
    return this.c.score[this.ix];
  }
  set score(v: number) {
    this.c.score[this.ix] = v;
  }
  get volume(): number {
    return this.c.volume[this.ix];
  }
  set volume(v: number) {
    this.c.volume[this.ix] = v;
  }
  get price(): number {
    return this.c.price[this.ix];
  }
  set price(v: number) {
    this.c.price[this.ix] = v;
  }
  get salesShare(): number {
    return this.c.salesShare[this.ix];
  }
  set salesShare(v: number) {
    this.c.salesShare[this.ix] = v;
  }
  get typeChanges(): number {
    return this.c.typeChanges[this.ix];
  }
  set typeChanges(v: number) {
    this.c.typeChanges[this.ix] = v;
  }
  get totalVolume(): number {
    return this.c.totalVolume[this.ix];
  }
  set totalVolume(v: number) {
    this.c.totalVolume[this.ix] = v;
  }
  get costedVolume(): number {
    return this.c.costedVolume[this.ix];
  }
  set costedVolume(v: number) {
    this.c.costedVolume[this.ix] = v;
  }
  get markupVolume(): number {
    return this.c.markupVolume[this.ix];
  }
  set markupVolume(v: number) {
    this.c.markupVolume[this.ix] = v;
  }
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

/**
 * A strategic network tie as a plain object: a copy of its row of world.tieTable, for tests and
 * code off the hot paths (networks.ts tiesOf). Writing to it changes nothing in the model.
 */
export interface Tie {
  partner: Partner;
  trust: number;
}

/**
 * The tie table's columns, declared once (src/engine/columns.ts): a supplier's strategic network
 * ties (process 4 and 7c), one row per live tie. A supplier's ties form a list in this table
 * (src/engine/lists.ts; heads tieFirst, tieLast, tieCount in SUPPLIER_COLUMNS) in the order they
 * were formed, which is the order submodels draw random numbers and sum trust in. A row is
 * taken when the tie forms and given back when it dissolves or its supplier exits, so rows are
 * reused and the table holds about the live ties. A loop walks a supplier's ties as
 * `for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k])`, T = world.tieTable.cols.
 */
export const TIE_COLUMNS = {
  /** Row of the supplier holding the tie. */
  supplier: 'i32',
  /** The partner's id, which is its position in world.partners. */
  partner: 'i32',
  /** Trust in [0, the partner kind's trust ceiling]; grows toward the ceiling (networks.ts). */
  trust: 'f64',
  // No formation step: no process or output reads a tie's age, so keeping one cost 4 bytes a
  // tie (~10 per supplier) for nothing (docs/performance.md, session 15). A relationship's
  // startStep is read (tenure).
  /** Next and previous tie of the same supplier (NONE at the ends of its list). */
  nextOfSupplier: 'ref',
  prevOfSupplier: 'ref',
} as const satisfies ColumnSpec;

export type TieTable = Table<typeof TIE_COLUMNS, TieIx>;
export type TieColumns = Columns<typeof TIE_COLUMNS>;

/**
 * The supplier table's columns, declared once (src/engine/columns.ts): every numeric field of a
 * supplier, one row per supplier in creation order (row = id).
 * A submodel reads them through a Supplier (`s.cash`) or, in a loop over suppliers, by row
 * (`S.cash[i]`, S = world.supplierTable.cols); the two are the same storage.
 */
export const SUPPLIER_COLUMNS = {
  active: 'u8',
  /** The supplier's group, as its position in world.supplierGroups (which holds its intent). */
  groupCode: 'i32',
  /** Step at which the supplier was created (0 for the initial population). */
  entryStep: 'i32',
  /** Step at which it exited; -1 while active (Supplier.exitStep reads null). */
  exitStep: 'i32',
  /** Why it exited: 1 + its position in SUPPLIER_EXIT_CAUSES; 0 while active. */
  exitCause: 'u8',
  /** Number of sectors it operates in (its home sector and those entered: Supplier.sectors). */
  sectorCount: 'i32',
  /**
   * Sectors entered beyond the home sector, as bits: bit j of `sectorsLow` for sector j (1-31;
   * bit 0, the home sector, stays clear), bit j - 32 of `sectorsHigh` for sector j (32-63;
   * partners.*.sector is at most 63). As columns rather than an array on the supplier's object,
   * so that a supplier needs no object of its own (Supplier is a view made on demand;
   * docs/performance.md, session 16).
   */
  sectorsLow: 'i32',
  sectorsHigh: 'i32',
  /** Capabilities in [0,1] by function. */
  cap: 'f64x4',
  /**
   * Marketing a partner performs for the supplier (a sales agent selling its products): the
   * best covering partner's marketing know-how x trust (networks.ts). The only coverage the
   * model reads (effective marketing, suppliers.csv partner_marketing), so the only one kept: a
   * block of four was 24 bytes per supplier of columns nothing read (docs/performance.md,
   * session 15).
   */
  marketingCoverage: 'f64',
  /** R&D stock per unit of capacity; absorptive capacity follows from it. */
  rdStock: 'f64',
  absorptive: 'f64',
  cash: 'f64',
  size: 'f64',
  /** Share of capacity kept for the domestic channel whatever the lead firms order. */
  domesticReserve: 'f64',
  domesticReserveFloor: 'f64',

  // Flows of the current step. (No column for the supplier's appeal, its factor of every
  // allocation score: the order pass computes it and uses it at once, so it is a local there;
  // as a column it was 8 bytes a supplier; docs/performance.md, session 16.)
  /** Most any one lead firm may take from the supplier this step (orders.ts perBuyerLimit), units/quarter. */
  buyerLimit: 'f64',
  exportVolume: 'f64',
  /** Whether buyers wanted more than the supplier's export capacity this step (capacity grows only then). */
  saturated: 'u8',
  domesticVolume: 'f64',
  sectorVolume: 'f64',
  ownBrandVolume: 'f64',
  /** Volume the supplier sells with its own design (to market/network buyers or in its own channels). */
  ownDesignVolume: 'f64',
  revenue: 'f64',
  /**
   * Revenue from lead firms this step (money/step): price x volume over every tie that
   * delivered in it, including ties that have ended since the orders were placed.
   */
  exportRevenue: 'f64',
  profit: 'f64',
  investment: 'f64',
  /**
   * The part of `investment` that went to design this step (investment.ts). The only function's
   * share any output reads (timeseries.csv mean_design_investment) and no process reads one, so
   * the only one kept: a block of four was 24 bytes per supplier of columns nothing read
   * (docs/performance.md, session 15).
   */
  designInvestment: 'f64',
  domesticPrice: 'f64',
  /** Profit margin this step, profit / revenue; NaN when undefined (no revenue to speak of). */
  margin: 'f64',

  // Derived dependence measures of the current step.
  topBuyerShare: 'f64',
  buyerHhi: 'f64',

  lossStreak: 'i32',
  /** Steps with lead-firm sales so far (tenure for the lock-in metric). */
  leadFirmSteps: 'i32',
  /** A Role. */
  role: 'u8',
  highestRole: 'u8',
  /** First step with ODM and with OBM work; -1 before it (Supplier.stepOdm, stepObm read null). */
  stepOdm: 'i32',
  stepObm: 'i32',

  // Records for the outputs; no submodel reads these.
  /** Capabilities by function when the supplier was created (step 0, or its entry step). */
  initialCap: 'f64x4',
  /** Capacity when the supplier was created. */
  initialSize: 'f64',
  /** Its own functional upgrades and sanctions (order cuts and drops), for per-group counters. */
  functionalUpgrades: 'i32',
  sanctionsSuffered: 'i32',

  // The supplier's relationships, in the order they were formed (src/engine/lists.ts): first
  // and last relationship row (NONE without any) and how many.
  relFirst: 'ref',
  relLast: 'ref',
  relCount: 'i32',

  // The supplier's list of strategic ties in world.tieTable (src/engine/lists.ts).
  /** First and last tie row (NONE when it has none) and the number of ties. */
  tieFirst: 'ref',
  tieLast: 'ref',
  tieCount: 'i32',
} as const satisfies ColumnSpec;

export type SupplierTable = Table<typeof SUPPLIER_COLUMNS, SupplierIx>;
export type SupplierColumns = Columns<typeof SUPPLIER_COLUMNS>;

/** A supplier's strategic intent (its group's, shared by the group's suppliers). */
export interface SupplierIntent {
  readonly reinvest: number;
  /** Intended investment shares by function, summing to 1. */
  readonly split: readonly number[];
  readonly networkTies: number;
  readonly diversify: number;
}

/**
 * A supplier group of the scenario as the model uses it, made once per run (init.ts): what its
 * suppliers share. A supplier's row holds the group's position in world.supplierGroups
 * (`groupCode`), so a loop by row reaches the intent without loading the supplier's object.
 */
export interface SupplierGroup {
  readonly name: string;
  readonly config: SupplierGroupConfig;
  readonly intent: SupplierIntent;
  /** Lead firms its suppliers' initial customers come from, and partners they may tie to. */
  readonly buyerPool: readonly Buyer[];
  /** Ids of the partners its suppliers may tie to (world.partners.at). */
  readonly partnerPool: Int32Array;
}

/**
 * A supplier: a view of its row of the supplier table (numeric fields, as accessors over the
 * columns), made on demand (supplierAt, suppliersOf, Relationship.supplier), as a Relationship
 * is. The model keeps no object per supplier: every field is in the row, and its group, intent
 * and relationships are reached through its world. Two views of the same row are the same
 * supplier (compare `ix`, not the objects). A view is valid for the whole run (a supplier's row
 * never moves). `cap` and `initialCap` give a view of the supplier's four elements of those
 * columns, made at each read (for tests and code off the hot paths; a loop by row reads
 * `S.cap[4 * i + f]`).
 *
 * An object kept per supplier (56 bytes, and its slot in an array) outlived the young
 * generation's collections while the world was built, and V8 grew the young generation to its
 * maximum (32 MB) for them and never shrank it: about 240 of the bytes per supplier of a 100k
 * run's peak memory (docs/performance.md, 2026-12-01, session 16).
 */
export class Supplier {
  /** The supplier's row in world.supplierTable (equal to id). */
  readonly ix: SupplierIx;
  /** Its world, for its row (world.supplierTable), group and relationships. */
  private readonly world: World;

  /** A view of the supplier at row `ix` of world.supplierTable (which must exist). */
  constructor(world: World, ix: SupplierIx) {
    this.world = world;
    this.ix = ix;
  }

  /**
   * The supplier table's columns, read through the table (they are replaced when it grows, but
   * inside the same `cols` object: engine/columns.ts).
   */
  private get c(): SupplierColumns {
    return this.world.supplierTable.cols;
  }

  /** The supplier's id: its row. */
  get id(): number {
    return this.ix;
  }
  /** The supplier table's columns (the supplier's fields are at row `ix`). */
  get columns(): SupplierColumns {
    return this.c;
  }
  /** First step with ODM work (null before it). */
  get stepOdm(): number | null {
    const v = this.c.stepOdm[this.ix];
    return v < 0 ? null : v;
  }
  /** First step with OBM work (null before it). */
  get stepObm(): number | null {
    const v = this.c.stepObm[this.ix];
    return v < 0 ? null : v;
  }

  /** The supplier's group (world.supplierGroups[groupCode]). */
  get supplierGroup(): SupplierGroup {
    return this.world.supplierGroups[this.c.groupCode[this.ix]];
  }
  /** The name of its group in the scenario. */
  get group(): string {
    return this.supplierGroup.name;
  }
  /** Its strategic intent: its group's. */
  get intent(): SupplierIntent {
    return this.supplierGroup.intent;
  }
  /** Lead firms its initial customers come from (its group's). */
  get initialBuyerPool(): readonly Buyer[] {
    return this.supplierGroup.buyerPool;
  }
  /** Partners it may tie to (its group's). */
  get partnerPool(): Int32Array {
    return this.supplierGroup.partnerPool;
  }
  /** Sector ids the supplier operates in, its home sector (0) first, then ascending: a new array. */
  get sectors(): number[] {
    const out = [0];
    for (let sector = 1; sector < 64; sector++) if (this.inSector(sector)) out.push(sector);
    return out;
  }
  /** Whether the supplier operates in sector `sector` (0-63). */
  inSector(sector: number): boolean {
    return inSectorAt(this.c, this.ix, sector);
  }
  /**
   * Adds sector `sector` (1-63) to those it operates in (sectors.ts enterSector, which also
   * keeps the sectorCount column in step).
   */
  addSector(sector: number): void {
    if (sector < 32) this.c.sectorsLow[this.ix] |= 1 << sector;
    else this.c.sectorsHigh[this.ix] |= 1 << (sector - 32);
  }
  get entryStep(): number {
    return this.c.entryStep[this.ix];
  }
  /**
   * Step at which the supplier exited (null while active). A record for the outputs; the
   * observation of flow means reads it, to count a firm that exits at the end of a step in
   * that step's flows.
   */
  get exitStep(): number | null {
    const v = this.c.exitStep[this.ix];
    return v < 0 ? null : v;
  }
  set exitStep(v: number | null) {
    this.c.exitStep[this.ix] = v === null ? -1 : v;
  }
  /** Why it exited (null while active); see SUPPLIER_EXIT_CAUSES. A record for the outputs. */
  get exitCause(): SupplierExitCause | null {
    const v = this.c.exitCause[this.ix];
    return v === 0 ? null : SUPPLIER_EXIT_CAUSES[v - 1];
  }
  set exitCause(v: SupplierExitCause | null) {
    this.c.exitCause[this.ix] = v === null ? 0 : SUPPLIER_EXIT_CAUSES.indexOf(v) + 1;
  }

  /** Capabilities in [0,1] by function (process, product, design, marketing): a view of the row. */
  get cap(): Float64Array {
    return this.c.cap.subarray(4 * this.ix, 4 * this.ix + 4);
  }
  /** Marketing partners perform for it (networks.ts learnFromNetwork). */
  get marketingCoverage(): number {
    return this.c.marketingCoverage[this.ix];
  }
  /** The part of this step's investment that went to design. */
  get designInvestment(): number {
    return this.c.designInvestment[this.ix];
  }
  /** Capabilities when it was created, by function: a view of the row. */
  get initialCap(): Float64Array {
    return this.c.initialCap.subarray(4 * this.ix, 4 * this.ix + 4);
  }

  /**
   * The supplier's relationships in the order they were formed: a copy of its list, frozen (a
   * list changes through linkSupplierToBuyer and endRelationship only). For code off the hot
   * paths and tests; a loop in a submodel walks the list by row (relFirst, nextOfSupplier).
   */
  get relationships(): readonly Relationship[] {
    const R = this.world.relationshipTable.cols;
    const out: Relationship[] = [];
    for (let k = this.c.relFirst[this.ix]; k !== NONE; k = R.nextOfSupplier[k])
      out.push(new Relationship(this.world, k as RelIx));
    return Object.freeze(out);
  }

  /** How many relationships the supplier has. */
  get relationshipCount(): number {
    return this.c.relCount[this.ix];
  }

  /** Profit margin this step (null when undefined; NaN in the column). */
  get margin(): number | null {
    const v = this.c.margin[this.ix];
    return Number.isNaN(v) ? null : v;
  }
  set margin(v: number | null) {
    this.c.margin[this.ix] = v === null ? NaN : v;
  }

  get active(): boolean {
    return this.c.active[this.ix] === 1;
  }
  set active(v: boolean) {
    this.c.active[this.ix] = v ? 1 : 0;
  }
  get rdStock(): number {
    return this.c.rdStock[this.ix];
  }
  set rdStock(v: number) {
    this.c.rdStock[this.ix] = v;
  }
  get absorptive(): number {
    return this.c.absorptive[this.ix];
  }
  set absorptive(v: number) {
    this.c.absorptive[this.ix] = v;
  }
  get cash(): number {
    return this.c.cash[this.ix];
  }
  set cash(v: number) {
    this.c.cash[this.ix] = v;
  }
  get size(): number {
    return this.c.size[this.ix];
  }
  set size(v: number) {
    this.c.size[this.ix] = v;
  }
  get domesticReserve(): number {
    return this.c.domesticReserve[this.ix];
  }
  set domesticReserve(v: number) {
    this.c.domesticReserve[this.ix] = v;
  }
  get domesticReserveFloor(): number {
    return this.c.domesticReserveFloor[this.ix];
  }
  set domesticReserveFloor(v: number) {
    this.c.domesticReserveFloor[this.ix] = v;
  }
  get buyerLimit(): number {
    return this.c.buyerLimit[this.ix];
  }
  set buyerLimit(v: number) {
    this.c.buyerLimit[this.ix] = v;
  }
  get exportVolume(): number {
    return this.c.exportVolume[this.ix];
  }
  set exportVolume(v: number) {
    this.c.exportVolume[this.ix] = v;
  }
  get saturated(): boolean {
    return this.c.saturated[this.ix] === 1;
  }
  set saturated(v: boolean) {
    this.c.saturated[this.ix] = v ? 1 : 0;
  }
  get domesticVolume(): number {
    return this.c.domesticVolume[this.ix];
  }
  set domesticVolume(v: number) {
    this.c.domesticVolume[this.ix] = v;
  }
  get sectorVolume(): number {
    return this.c.sectorVolume[this.ix];
  }
  set sectorVolume(v: number) {
    this.c.sectorVolume[this.ix] = v;
  }
  get ownBrandVolume(): number {
    return this.c.ownBrandVolume[this.ix];
  }
  set ownBrandVolume(v: number) {
    this.c.ownBrandVolume[this.ix] = v;
  }
  get ownDesignVolume(): number {
    return this.c.ownDesignVolume[this.ix];
  }
  set ownDesignVolume(v: number) {
    this.c.ownDesignVolume[this.ix] = v;
  }
  get revenue(): number {
    return this.c.revenue[this.ix];
  }
  set revenue(v: number) {
    this.c.revenue[this.ix] = v;
  }
  get exportRevenue(): number {
    return this.c.exportRevenue[this.ix];
  }
  set exportRevenue(v: number) {
    this.c.exportRevenue[this.ix] = v;
  }
  get profit(): number {
    return this.c.profit[this.ix];
  }
  set profit(v: number) {
    this.c.profit[this.ix] = v;
  }
  get investment(): number {
    return this.c.investment[this.ix];
  }
  set investment(v: number) {
    this.c.investment[this.ix] = v;
  }
  get domesticPrice(): number {
    return this.c.domesticPrice[this.ix];
  }
  set domesticPrice(v: number) {
    this.c.domesticPrice[this.ix] = v;
  }
  get topBuyerShare(): number {
    return this.c.topBuyerShare[this.ix];
  }
  set topBuyerShare(v: number) {
    this.c.topBuyerShare[this.ix] = v;
  }
  get buyerHhi(): number {
    return this.c.buyerHhi[this.ix];
  }
  set buyerHhi(v: number) {
    this.c.buyerHhi[this.ix] = v;
  }
  get lossStreak(): number {
    return this.c.lossStreak[this.ix];
  }
  set lossStreak(v: number) {
    this.c.lossStreak[this.ix] = v;
  }
  get leadFirmSteps(): number {
    return this.c.leadFirmSteps[this.ix];
  }
  set leadFirmSteps(v: number) {
    this.c.leadFirmSteps[this.ix] = v;
  }
  get role(): Role {
    return this.c.role[this.ix] as Role;
  }
  set role(v: Role) {
    this.c.role[this.ix] = v;
  }
  get highestRole(): Role {
    return this.c.highestRole[this.ix] as Role;
  }
  set highestRole(v: Role) {
    this.c.highestRole[this.ix] = v;
  }
  get initialSize(): number {
    return this.c.initialSize[this.ix];
  }
  set initialSize(v: number) {
    this.c.initialSize[this.ix] = v;
  }
  get functionalUpgrades(): number {
    return this.c.functionalUpgrades[this.ix];
  }
  set functionalUpgrades(v: number) {
    this.c.functionalUpgrades[this.ix] = v;
  }
  get sanctionsSuffered(): number {
    return this.c.sanctionsSuffered[this.ix];
  }
  set sanctionsSuffered(v: number) {
    this.c.sanctionsSuffered[this.ix] = v;
  }
}

/**
 * Why a supplier exited, the vocabulary of suppliers.csv's `exit_cause` (process 8c):
 * - `losses`: it made losses for model.exit.loss_steps quarters (that many steps at 4 a year) in a row;
 * - `cash`: its cash fell below model.exit.cash_floor times its capacity (while its run of
 *   losses was still shorter than that).
 */
export const SUPPLIER_EXIT_CAUSES = ['losses', 'cash'] as const;
export type SupplierExitCause = (typeof SUPPLIER_EXIT_CAUSES)[number];

/**
 * The buyer table's columns, declared once: a lead firm's list of relationships, in the order
 * they were formed (src/engine/lists.ts). Row = buyer id = position in world.buyers.
 */
export const BUYER_COLUMNS = {
  relFirst: 'ref',
  relLast: 'ref',
  relCount: 'i32',
  /**
   * The buyer's demand this step and its current requirements (environment.ts moves them each
   * step). In columns rather than on the Buyer object: a double written to an object's field
   * each step left boxes that outlived the young generation's collections, and V8 counts those
   * bytes when it decides to grow it (docs/performance.md, 2026-12-01, session 16).
   */
  demand: 'f64',
  requiredProcess: 'f64',
  requiredProduct: 'f64',
} as const satisfies ColumnSpec;

export type BuyerTable = Table<typeof BUYER_COLUMNS, BuyerIx>;
export type BuyerColumns = Columns<typeof BUYER_COLUMNS>;

/**
 * Whether supplier row `i` operates in sector `sector` (0-63): its home sector, or one whose bit
 * is set in sectorsLow / sectorsHigh.
 */
export function inSectorAt(S: SupplierColumns, i: number, sector: number): boolean {
  if (sector === 0) return true;
  return sector < 32
    ? (S.sectorsLow[i] & (1 << sector)) !== 0
    : (S.sectorsHigh[i] & (1 << (sector - 32))) !== 0;
}

/**
 * A new row of world.supplierTable for a supplier of group `world.supplierGroups[groupCode]`
 * created at `entryStep`, with the group, entry step, exit step (-1), sector count (1), first
 * ODM and OBM steps (-1) and margin (none) set; the caller sets the rest. Returns its row, which
 * is its id.
 */
export function addSupplierRow(world: World, groupCode: number, entryStep: number): SupplierIx {
  const ix = world.supplierTable.add();
  const c = world.supplierTable.cols;
  c.groupCode[ix] = groupCode;
  c.entryStep[ix] = entryStep;
  c.exitStep[ix] = -1;
  c.sectorCount[ix] = 1;
  c.stepOdm[ix] = -1;
  c.stepObm[ix] = -1;
  c.margin[ix] = NaN;
  return ix;
}

/** The supplier in row `i` of world.supplierTable, as a view made now (see Supplier). */
export function supplierAt(world: World, i: number): Supplier {
  return new Supplier(world, i as SupplierIx);
}

/**
 * Every supplier, active or not, in row order (ids ascending), as views made now: for tests
 * and code off the hot paths (an array of 100,000 objects at the bench's size). A loop in a
 * submodel goes by row (engine/kernel.ts) and makes a view only where it needs one.
 */
export function suppliersOf(world: World): Supplier[] {
  const out: Supplier[] = new Array<Supplier>(world.supplierTable.length);
  for (let i = 0; i < out.length; i++) out[i] = supplierAt(world, i);
  return out;
}

/** A view of the relationship in row `k` (see Relationship for how long it is valid). */
export function relationshipAt(world: World, k: number): Relationship {
  return new Relationship(world, k as RelIx);
}

/** A lead firm. Its numeric state other than the fixed configuration is in world.buyerTable. */
export class Buyer {
  /** The buyer's row in world.buyerTable, its id and position in world.buyers. */
  readonly id: BuyerIx;
  readonly group: string;
  readonly config: BuyerGroupConfig;
  /** Guarded functions as a mask by function index. */
  readonly guards: boolean[];
  readonly knowHow: number[];
  /** Its current requirements (buyers.*.requirements at first): accessors over its row. */
  readonly requirements: BuyerRequirements;
  private readonly c: BuyerColumns;
  /** Its world, for its relationships (world.relationshipTable). */
  private readonly world: World;

  /** The buyer at row `id` of world.buyerTable (which must exist), of group `group`. */
  constructor(world: World, id: BuyerIx, group: string, config: BuyerGroupConfig) {
    this.c = world.buyerTable.cols;
    this.world = world;
    this.id = id;
    this.group = group;
    this.config = config;
    this.guards = FUNCTIONS.map((f) => config.guards.includes(f));
    this.knowHow = FUNCTIONS.map((f) => config.know_how[f]);
    this.requirements = new BuyerRequirements(this.c, id);
    this.requirements.process = config.requirements.process;
    this.requirements.product = config.requirements.product;
  }

  /** Its demand this step (units/quarter). */
  get demand(): number {
    return this.c.demand[this.id];
  }
  set demand(v: number) {
    this.c.demand[this.id] = v;
  }

  /** The buyer's relationships in the order they were formed (a frozen copy; see Supplier.relationships). */
  get relationships(): readonly Relationship[] {
    const R = this.world.relationshipTable.cols;
    const out: Relationship[] = [];
    for (let k = this.c.relFirst[this.id]; k !== NONE; k = R.nextOfBuyer[k])
      out.push(new Relationship(this.world, k as RelIx));
    return Object.freeze(out);
  }

  /** How many relationships the buyer has. */
  get relationshipCount(): number {
    return this.c.relCount[this.id];
  }
}

/** A buyer's current requirements: accessors over its row of the buyer table. */
export class BuyerRequirements {
  private readonly c: BuyerColumns;
  private readonly id: BuyerIx;

  constructor(c: BuyerColumns, id: BuyerIx) {
    this.c = c;
    this.id = id;
  }

  /** Process capability it requires of a supplier. */
  get process(): number {
    return this.c.requiredProcess[this.id];
  }
  set process(v: number) {
    this.c.requiredProcess[this.id] = v;
  }
  /** Product capability it requires of a supplier. */
  get product(): number {
    return this.c.requiredProduct[this.id];
  }
  set product(v: number) {
    this.c.requiredProduct[this.id] = v;
  }
}

/** A partner: its id (its position among world.partners) and its group's traits. */
export interface Partner {
  id: number;
  group: string;
  kind: PartnerKind;
  knowHow: number[];
  covers: boolean[];
  sector: number;
}

/** What a partner group's partners share: everything about a partner but its id. */
export type PartnerTraits = Omit<Partner, 'id'>;

/**
 * A world's partners, ids 0 .. length - 1 in file order, group by group. Everything about a
 * partner but its id is its group's, so a partner is made on demand (`at`) from its group's
 * traits: an object kept per partner (18,200 in the bench's 100k world, ~100 bytes each, and
 * their array) outlived the young generation's collections while the world was built, and V8
 * grew the young generation for them (docs/performance.md, 2026-12-01, session 16).
 */
export class Partners {
  /** How many partners there are. */
  readonly length: number;
  /** The groups' traits, in file order. */
  readonly groups: readonly Readonly<PartnerTraits>[];
  /** Each group's first id, and one past the last group's last id at the end. */
  private readonly firstIds: readonly number[];

  /** The partners of groups `groups` with `counts[g]` partners each, in that order. */
  constructor(groups: readonly Readonly<PartnerTraits>[], counts: readonly number[]) {
    this.groups = groups;
    const firstIds = [0];
    for (const count of counts) firstIds.push(firstIds[firstIds.length - 1] + count);
    this.firstIds = firstIds;
    this.length = firstIds[firstIds.length - 1];
  }

  /** The position in `groups` of partner `id`'s group (0 <= id < length). */
  groupOf(id: number): number {
    // The first group whose next group starts after id, by bisection: a scenario may name a
    // group per partner (thousands of groups), and partners are looked up per tie.
    let lo = 0;
    let hi = this.groups.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firstIds[mid + 1] <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Partner `id` (0 <= id < length), as an object made now. */
  at(id: number): Partner {
    return { id, ...this.traitsOf(id) };
  }

  /** The traits of partner `id` (0 <= id < length): its group's (no object is made). */
  traitsOf(id: number): Readonly<PartnerTraits> {
    return this.groups[this.groupOf(id)];
  }

  /** The ids of the partners of the groups named in `names`, ascending. */
  idsOf(names: ReadonlySet<string>): Int32Array {
    const wanted = this.groups.map((traits) => names.has(traits.group));
    let n = 0;
    wanted.forEach((w, g) => (n += w ? this.firstIds[g + 1] - this.firstIds[g] : 0));
    const ids = new Int32Array(n);
    let j = 0;
    wanted.forEach((w, g) => {
      if (w) for (let id = this.firstIds[g]; id < this.firstIds[g + 1]; id++) ids[j++] = id;
    });
    return ids;
  }

  /** Every partner's id, ascending. */
  allIds(): Int32Array {
    const ids = new Int32Array(this.length);
    for (let id = 0; id < this.length; id++) ids[id] = id;
    return ids;
  }
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

/** The cumulative counters of a world (or of a supplier group, or a thread's increments), all 0. */
export function zeroCounters(): Counters {
  return { exits: 0, entries: 0, functionalUpgrades: 0, chainUpgrades: 0, sanctions: 0 };
}

export interface World {
  scenario: Scenario;
  /** Years per step. */
  dt: number;
  step: number;
  /** The scenario's supplier groups, in file order (a supplier's groupCode is a position here). */
  supplierGroups: SupplierGroup[];
  /**
   * The suppliers' numeric fields, one row per supplier ever created (exited ones included), in
   * creation order: row = id. `supplierTable.length` is the number of suppliers; a Supplier
   * is a view of a row (supplierAt, suppliersOf).
   */
  supplierTable: SupplierTable;
  /** The relationships' numeric fields, one row per live (or ended, not yet written) spell. */
  relationshipTable: RelationshipTable;
  /** The suppliers' strategic ties, one row per live tie, listed by supplier (tieFirst…). */
  tieTable: TieTable;
  buyers: Buyer[];
  /** The buyers' lists of relationships, one row per entry of `buyers`. */
  buyerTable: BuyerTable;
  partners: Partners;
  env: Environment;
  counters: Counters;
  streams: Streams;
  nextSupplierId: number;
  /**
   * Spells ended since the last observation, in the order they ended; the engine writes them
   * to relationships.csv and empties the list at each observation, so it holds one step's worth.
   */
  endedSpells: RowStack<RelIx>;
}

/** Mean production capability, the quantity buyers screen and allocate on. */
export function productionCapability(s: Supplier): number {
  return productionCapabilityAt(s.columns.cap, s.ix);
}

/** productionCapability for supplier row i of the cap column. */
export function productionCapabilityAt(cap: Float64Array, i: number): number {
  return 0.5 * (cap[4 * i + PROCESS] + cap[4 * i + PRODUCT]);
}

/**
 * dt₀, the quarter (years): the unit of time in which the flow quantities are stated (capacity,
 * demand and volumes in units per quarter, fixed cost per unit of capacity per quarter, revenue
 * and profit per quarter) and the *_steps durations are counted. It is the default step length,
 * so that at 4 steps per year a step's amount of a flow is its rate (ODD §2.8).
 */
export const QUARTER_YEARS = 0.25;

/**
 * h = dt / dt₀, quarters per step: a flow stated per quarter accumulates `rate · h` in one step
 * (cash from profit, spent investment, a relationship's delivered volume). Exactly 1 at
 * 4 steps per year (0.25 / 0.25), so the default outputs are unchanged by it.
 */
export function quartersPerStep(dt: number): number {
  return dt / QUARTER_YEARS;
}

/**
 * A duration of `quarters` quarters (a *_steps parameter) as a whole number of steps at
 * `stepsPerYear` steps per year: ⌈quarters · dt₀ / dt⌉, computed in integers so that it is exact
 * (`quarters` itself at 4 steps per year; 2 steps of a year for 8 quarters at 1 step per year).
 */
export function stepsForQuarters(quarters: number, stepsPerYear: number): number {
  return Math.ceil(quarters * stepsPerYear * QUARTER_YEARS);
}

/** Convert an annual hazard rate into the probability of an event within one step. */
export function stepProbability(annualRate: number, dt: number): number {
  return 1 - Math.exp(-annualRate * dt);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
