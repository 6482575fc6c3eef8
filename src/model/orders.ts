/**
 * Process 1 — demand and orders. Each lead firm splits its demand over its suppliers in
 * proportion to production capability (raised to a power: buyers concentrate on the best),
 * proven reliability (tenure) and a sanction weight. A supplier fills lead-firm orders up to
 * the capacity it does not reserve for its own channels; whatever capacity is left is offered
 * in the domestic/regional market (shared among suppliers by the appeal of their products)
 * and in any extra sector it has entered. Dependence (sales shares, top-buyer share, HHI)
 * follows from these volumes.
 */
import { NONE } from '../engine/columns.js';
import { FlatLists, float64Scratch } from '../engine/flat-lists.js';
import { eachActiveRow } from '../engine/kernel.js';
import type { RelationshipType } from '../scenario/parameters.js';
import type { ModelParams } from '../scenario/types.js';
import {
  DESIGN,
  MARKETING,
  PRODUCT,
  clamp01,
  productionCapability,
  productionCapabilityAt,
  typeCode,
  type Buyer,
  type Relationship,
  type Supplier,
  type SupplierColumns,
  type World,
} from './state.js';

/** Network and market buyers buy the supplier's (or a joint) design; captive and owned ties use the buyer's. */
export function carriesSupplierDesign(type: RelationshipType): boolean {
  // Both comparisons made before the `||`: the first tie of another type than market priced
  // comes steps into a run (kernel.ts, "Code that runs only from some step on").
  const market = type === 'market';
  const network = type === 'network';
  return market || network;
}

const MARKET = typeCode('market');
const NETWORK = typeCode('network');

/** carriesSupplierDesign of the type whose code (state.ts typeCode) is `code`. */
function carriesSupplierDesignCode(code: number): boolean {
  return code === MARKET || code === NETWORK;
}

export function effectiveMarketing(s: Supplier): number {
  return effectiveMarketingAt(s.columns.cap, s.columns.marketingCoverage, s.ix);
}

/**
 * effectiveMarketing of the supplier in row i of the columns: its capabilities at `4 x i ..` of
 * `cap`, its marketing coverage at `i` of `marketingCoverage`.
 */
export function effectiveMarketingAt(
  cap: Float64Array,
  marketingCoverage: Float64Array,
  i: number,
): number {
  return Math.max(cap[4 * i + MARKETING], marketingCoverage[i]);
}

/** Share of own-channel sales sold under the supplier's own brand: none below the OBM marketing threshold. */
export function ownBrandFraction(s: Supplier, m: ModelParams): number {
  return ownBrandFractionOf(effectiveMarketing(s), m);
}

/** ownBrandFraction of a supplier whose effective marketing is `marketing`. */
export function ownBrandFractionOf(marketing: number, m: ModelParams): number {
  const t = m.roles.obm_marketing;
  return t >= 1 ? 0 : clamp01((marketing - t) / (1 - t));
}

/** How attractive a supplier's own products are to domestic customers. */
export function domesticAppeal(s: Supplier): number {
  return domesticAppealAt(s.columns.cap, s.columns.marketingCoverage, s.ix);
}

/** domesticAppeal for supplier row i of the cap and marketingCoverage columns. */
function domesticAppealAt(cap: Float64Array, marketingCoverage: Float64Array, i: number): number {
  return (
    0.25 +
    0.25 *
      (cap[4 * i + PRODUCT] + cap[4 * i + DESIGN] + effectiveMarketingAt(cap, marketingCoverage, i))
  );
}

export function allocationScore(r: Relationship, world: World): number {
  const appeal = supplierAppeal(r.supplier, world.scenario.model);
  return relationshipScore(r.startStep, r.weight, appeal, world);
}

/** The supplier's factor of its allocation scores: capacity times capability to the buyers' concentration power. */
export function supplierAppeal(s: Supplier, m: ModelParams): number {
  return appealOf(s.size, productionCapability(s), m);
}

/** supplierAppeal for supplier row i of the supplier columns. */
function supplierAppealAt(S: SupplierColumns, i: number, m: ModelParams): number {
  return appealOf(S.size[i], productionCapabilityAt(S.cap, i), m);
}

/**
 * supplierAppeal of a supplier of capacity `size` (units/quarter) and production capability
 * `production` (index in [0,1]); the capability counts as at least 1e-3, so a supplier without
 * any still gets a share.
 */
function appealOf(size: number, production: number, m: ModelParams): number {
  const q = Math.max(1e-3, production);
  return size * Math.pow(q, m.orders.capability_weight);
}

/**
 * Allocation score of a relationship begun at `startStep` with sanction weight `weight`, given
 * its supplier's appeal: appeal x reliability (tenure) x sanction weight.
 */
function relationshipScore(
  startStep: number,
  weight: number,
  appeal: number,
  world: World,
): number {
  return relationshipScoreOf(appeal, tenureFactors(world), startStep, weight);
}

/** What the tenure term of an allocation score takes from the step and the parameters. */
interface TenureFactors {
  /** The current step, the step length (years) and model.orders.tenure_weight. */
  step: number;
  dt: number;
  weight: number;
}

function tenureFactors(world: World): TenureFactors {
  return { step: world.step, dt: world.dt, weight: world.scenario.model.orders.tenure_weight };
}

/** relationshipScore, with the step and parameters it reads taken once per pass (`tenure`). */
function relationshipScoreOf(
  appeal: number,
  tenure: TenureFactors,
  startStep: number,
  weight: number,
): number {
  const tenureYears = (tenure.step - startStep) * tenure.dt;
  return appeal * (1 + tenure.weight * Math.min(1, tenureYears / 5)) * weight;
}

/** Export capacity: what the supplier does not reserve for its own channels. */
function exportCapacity(S: SupplierColumns, i: number): number {
  return S.size[i] * (1 - S.domesticReserve[i]);
}

/**
 * Most a supplier lets any one lead firm take (units/quarter): its capacity times
 * 1 - diversify x (1 - model.orders.buyer_share_floor). A supplier that means to diversify
 * keeps capacity free for other customers instead of filling its main buyer's orders (Firm Y
 * against the Sinos exporters, Humphrey & Schmitz 2002); intent 0 sets no limit. What it turns
 * away is lost unless another buyer or its own channels take the capacity, so the realised
 * dependence still depends on the buyers it finds.
 */
export function perBuyerLimit(s: Supplier, m: ModelParams): number {
  return perBuyerLimitOf(s.size, s.intent.diversify, m);
}

/** perBuyerLimit of a supplier of capacity `size` (units/quarter) whose intent to diversify is `diversify`. */
function perBuyerLimitOf(size: number, diversify: number, m: ModelParams): number {
  return size * dependenceTargetOf(diversify, m);
}

/**
 * The most of its output a supplier means any one lead firm to take (share, in [floor, 1]):
 * 1 - diversify x (1 - model.orders.buyer_share_floor). It bounds one buyer's share of the
 * supplier's capacity here (perBuyerLimit) and is the top-buyer share of its sales above which
 * the supplier wants another buyer (search.ts, wantsAnotherBuyer). Intent 0 sets no aim (1).
 */
export function dependenceTarget(s: Supplier, m: ModelParams): number {
  return dependenceTargetOf(s.intent.diversify, m);
}

/** dependenceTarget of a supplier whose intent to diversify is `diversify` (in [0,1]). */
export function dependenceTargetOf(diversify: number, m: ModelParams): number {
  return 1 - diversify * (1 - m.orders.buyer_share_floor);
}

/**
 * The intent to diversify (in [0,1]) of the supplier in row i: its group's (s.intent.diversify),
 * read through its row's group code, so a loop by row need not load the supplier's object.
 */
export function diversifyAt(world: World, i: number): number {
  return world.supplierGroups[world.supplierTable.cols.groupCode[i]].intent.diversify;
}

/**
 * Lead-firm orders in two passes: (1) each buyer requests volumes in proportion to
 * allocation scores, and a supplier asked for more than its export capacity rations every
 * buyer in proportion (so no buyer gets priority); (2) each buyer, in id order, re-offers
 * what it could not place to its suppliers with spare capacity. Only the leftovers of pass
 * (2) depend on buyer order.
 */
function placeLeadFirmOrders(world: World): void {
  const m = world.scenario.model;
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  const n = world.supplierTable.length;
  const tenure = tenureFactors(world);
  for (let i = 0; i < n; i++) {
    S.saturated[i] = 0;
    S.exportVolume[i] = 0;
    // Once per supplier rather than once per relationship and pass (Math.pow is the costly part).
    if (S.relCount[i] > 0) {
      const appeal = supplierAppealAt(S, i, m);
      S.buyerLimit[i] = perBuyerLimitOf(S.size[i], diversifyAt(world, i), m);
      // Each relationship's score, here in the supplier's list (rows in table order since the
      // last compaction) rather than in the buyers' walks below (rows all over the table); the
      // score is kept on the relationship for both passes: nothing it depends on changes in between.
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
        R.score[k] = relationshipScoreOf(appeal, tenure, R.startStep[k], R.weight[k]);
    }
  }
  // Each buyer's relationships, walked once here for the passes below (placeUnmetDemand walks
  // a buyer's list up to four times): the lists do not change during this process. Bounded by
  // the table's capacity, not its length: the length creeps up between compactions, and a
  // buffer sized to it was replaced at most steps (0.64 MB at 100,000 suppliers, 14 times in 20
  // steps), each kept until a full collection (docs/performance.md, session 15).
  const B = world.buyerTable.cols;
  byBuyer.fill(B.relFirst, R.nextOfBuyer, world.buyers.length, world.relationshipTable.capacity);
  const { rows, start } = byBuyer;
  for (const b of world.buyers) {
    const from = start[b.id];
    const to = start[b.id + 1];
    let total = 0;
    for (let j = from; j < to; j++) {
      const k = rows[j];
      total += R.volume[k] = R.score[k];
    }
    const perScore = total > 0 ? b.demand / total : 0;
    for (let j = from; j < to; j++) {
      const k = rows[j];
      S.exportVolume[R.supplier[k]] += R.volume[k] *= perScore;
    }
  }
  const exportCap = (exportCapacities = float64Scratch(exportCapacities, n));
  for (let i = 0; i < n; i++) {
    const cap = (exportCap[i] = exportCapacity(S, i));
    if (S.exportVolume[i] > cap) {
      // A supplier that keeps all its capacity for its own channels has not turned buyers away.
      S.saturated[i] = cap > 0 ? 1 : 0;
      const scale = cap / S.exportVolume[i];
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) R.volume[k] *= scale;
      S.exportVolume[i] = cap;
    }
    // After rationing, so rationing stays proportional; what the limit turns away is re-offered.
    if (S.buyerLimit[i] < cap) {
      let placed = 0;
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
        placed += R.volume[k] = Math.min(R.volume[k], S.buyerLimit[i]);
      S.exportVolume[i] = placed;
    }
  }
  for (const b of world.buyers)
    placeUnmetDemand(world, b, rows, start[b.id], start[b.id + 1], exportCap);
}

/** The buyers' relationship lists, laid out by placeLeadFirmOrders each step (reused buffers). */
const byBuyer = new FlatLists();
/** Each supplier's export capacity this step (exportCapacity), by row; reused from step to step. */
let exportCapacities: Float64Array = new Float64Array(0);

/**
 * Pass (2) for buyer `b`, whose relationships are `rows[from .. to - 1]` (in list order), given
 * each supplier's export capacity this step by row (`exportCap`, exportCapacity): up to three
 * rounds that offer what is still unmet to the suppliers with spare capacity, in proportion to
 * allocation scores, each supplier up to its per-buyer limit.
 */
function placeUnmetDemand(
  world: World,
  b: Buyer,
  rows: Int32Array,
  from: number,
  to: number,
  exportCap: Float64Array,
): void {
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  // A tie takes offers if its supplier has spare export capacity and the tie is below the
  // supplier's per-buyer limit; `total` sums the allocation scores of those that do. Each walk
  // below also sums `total` for the next round: a buyer has one tie per supplier, so once a
  // tie has had its offer in a round nothing else in the round changes whether it takes
  // offers, and the sum is the one a separate walk after the round would make, in list order.
  let unmet = b.demand;
  let total = 0;
  for (let j = from; j < to; j++) {
    const k = rows[j];
    unmet -= R.volume[k];
    if (takesOffers(S, exportCap, R.supplier[k], R.volume[k])) total += R.score[k];
  }
  if (unmet <= 1e-9) return;
  for (let round = 0; round < 3 && unmet > 1e-9; round++) {
    if (total <= 0) return;
    const offered = total;
    total = 0;
    let placed = 0;
    for (let j = from; j < to; j++) {
      const k = rows[j];
      const i = R.supplier[k];
      // Spare capacity: export capacity not yet filled this step.
      const spare = exportCap[i] - S.exportVolume[i];
      if (spare <= 1e-12) continue;
      const wanted = (unmet * R.score[k]) / offered;
      // Saturated means short of capacity; what the per-buyer limit turns away is the supplier's choice.
      if (wanted > spare) S.saturated[i] = 1;
      const take = Math.max(0, Math.min(spare, wanted, S.buyerLimit[i] - R.volume[k]));
      R.volume[k] += take;
      S.exportVolume[i] += take;
      placed += take;
      if (takesOffers(S, exportCap, i, R.volume[k])) total += R.score[k];
    }
    unmet -= placed;
  }
}

/**
 * Whether a tie of volume `volume` (units/quarter) with the supplier in row i takes further
 * offers in placeUnmetDemand: the supplier has spare export capacity (`exportCap`, by row) and
 * the tie is below its per-buyer limit.
 */
function takesOffers(
  S: SupplierColumns,
  exportCap: Float64Array,
  i: number,
  volume: number,
): boolean {
  return exportCap[i] - S.exportVolume[i] > 1e-12 && S.buyerLimit[i] - volume > 1e-12;
}

export function allocateOrders(world: World): void {
  const m = world.scenario.model;
  placeLeadFirmOrders(world);

  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  let offeredAppeal = 0;
  eachActiveRow(world, (i) => {
    offeredAppeal += spareAfterExports(S, i) * domesticAppealAt(S.cap, S.marketingCoverage, i);
  });

  const domesticPerAppeal = offeredAppeal > 0 ? world.env.domesticDemand / offeredAppeal : 0;
  eachActiveRow(world, (i) => {
    const spare = spareAfterExports(S, i);
    const appeal = domesticAppealAt(S.cap, S.marketingCoverage, i);
    S.domesticVolume[i] = Math.min(spare, spare * appeal * domesticPerAppeal);
    S.sectorVolume[i] = Math.min(
      spare - S.domesticVolume[i],
      (S.sectorCount[i] - 1) * m.sectors.market_size * S.size[i],
    );
    const ownChannels = S.domesticVolume[i] + S.sectorVolume[i];
    S.ownBrandVolume[i] =
      ownChannels * ownBrandFractionOf(effectiveMarketingAt(S.cap, S.marketingCoverage, i), m);
    let ownDesign = ownChannels;
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
      if (carriesSupplierDesignCode(R.type[k])) ownDesign += R.volume[k];
    S.ownDesignVolume[i] = ownDesign;
    recordDependenceAt(world, i);
  });
}

/**
 * Capacity left for the own channels after this step's export orders (units/quarter, >= 0). Pass
 * (2) fills a supplier up to its export capacity by adding `spare` to a running sum, and
 * rationing scales the ties to it by a product; either can land a rounding step off the
 * capacity. A residue below 1e-9 of the capacity (the bound workVolumes uses) is no capacity:
 * one above it became a negative domestic volume (-1e-16), a domestic share below 0 and buyer
 * shares above 1; one below it (3.6e-15 of 27 units) sold "domestically" and made a fully
 * booked hierarchy supplier ODM through its own-design sales.
 */
function spareAfterExports(S: SupplierColumns, i: number): number {
  const spare = S.size[i] - S.exportVolume[i];
  return spare > 1e-9 * S.size[i] ? spare : 0;
}

/** Sales shares by customer: each lead firm, plus the own channels counted as one. */
export function recordDependence(world: World, s: Supplier): void {
  recordDependenceAt(world, s.ix);
}

/** recordDependence for supplier row `i`. */
function recordDependenceAt(world: World, i: number): void {
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  const total = S.exportVolume[i] + S.domesticVolume[i] + S.sectorVolume[i];
  let top = 0;
  let hhi = 0;
  for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
    // At most 1: the exports' running sum can end one rounding step below the volume of a tie
    // that took all of them (rationing scales the tie to the capacity by a product, the sum is
    // set to it), which made a top-buyer share of 1.0000000000000002.
    const share = (R.salesShare[k] = total > 0 ? Math.min(1, R.volume[k] / total) : 0);
    if (share > top) top = share;
    hhi += share * share;
  }
  const own = total > 0 ? (S.domesticVolume[i] + S.sectorVolume[i]) / total : 0;
  S.topBuyerShare[i] = top;
  S.buyerHhi[i] = hhi + own * own;
  if (S.exportVolume[i] > 0) S.leadFirmSteps[i]++;
}
