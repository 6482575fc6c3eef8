/**
 * Process 7 — search and diversification.
 * a) Suppliers search for additional buyers at a rate set by their diversification intent.
 *    They look at a few lead firms and approach the most sophisticated one whose requirements
 *    they meet and that has room; it accepts more readily the better the supplier's reputation
 *    with its existing sophisticated buyers (Firm Y's success with Nike opened other doors).
 * b) Organisational succession: a supplier that qualifies for a more sophisticated buyer than
 *    its least sophisticated one moves up, dropping the latter.
 * c) Buyers drop suppliers that stay below their rising requirements beyond a grace period,
 *    and recruit suppliers that meet them when below their target number.
 * d) Suppliers shift capacity toward the domestic channel when it pays better than exports,
 *    the faster the more marketing they can command (and back, down to their intended reserve).
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow, eachActiveSupplier } from '../engine/kernel.js';
import { randomIndex, type Rng } from '../engine/rng.js';
import type { ModelParams } from '../scenario/types.js';
import { dependenceTargetOf, diversifyAt, effectiveMarketingAt } from './orders.js';
import { endRelationship, isRelatedAt, linkSupplierToBuyer } from './relationships.js';
import {
  PROCESS,
  PRODUCT,
  clamp01,
  productionCapabilityAt,
  quartersPerStep,
  stepProbability,
  stepsForQuarters,
  supplierAt,
  type Buyer,
  type Supplier,
  type World,
} from './state.js';

const CANDIDATES = 3;

export function meetsRequirements(s: Supplier, b: Buyer): boolean {
  return meetsRequirementsAt(s.columns.cap, s.ix, b);
}

/**
 * meetsRequirements for the supplier whose capabilities are `cap[4 x i .. 4 x i + 3]`: supplier
 * row i of the cap column (`S.cap`).
 */
export function meetsRequirementsAt(cap: Float64Array, i: number, b: Buyer): boolean {
  return (
    cap[4 * i + PROCESS] >= b.requirements.process && cap[4 * i + PRODUCT] >= b.requirements.product
  );
}

function hasRoom(b: Buyer): boolean {
  return b.relationshipCount < b.config.suppliers_target;
}

/** Reputation: the best sophistication among current buyers, earned over three years of supplying them. */
export function reputation(s: Supplier, world: World): number {
  return reputationAt(world, s.ix);
}

/** reputation of the supplier in row `i`. */
function reputationAt(world: World, i: number): number {
  let best = 0;
  const R = world.relationshipTable.cols;
  for (let k = world.supplierTable.cols.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
    const tenureYears = (world.step - R.startStep[k]) * world.dt;
    const sophistication = world.buyers[R.buyer[k]].config.sophistication;
    best = Math.max(best, sophistication * Math.min(1, tenureYears / 3));
  }
  return best;
}

export function acceptanceProbability(s: Supplier, world: World): number {
  return acceptanceProbabilityAt(world, s.ix);
}

/** acceptanceProbability of the supplier in row `i`. */
function acceptanceProbabilityAt(world: World, i: number): number {
  return clamp01(0.25 + world.scenario.model.search.reputation_weight * reputationAt(world, i));
}

/**
 * The most sophisticated of a few sampled buyers that the supplier in row `i` qualifies for,
 * above a floor of sophistication.
 */
function bestCandidate(world: World, i: number, rng: Rng, minSophistication: number): Buyer | null {
  const pool = world.buyers;
  if (pool.length === 0) return null;
  const S = world.supplierTable.cols;
  let best: Buyer | null = null;
  for (let c = 0; c < CANDIDATES; c++) {
    const b = pool[randomIndex(rng, pool.length)];
    if (
      b.config.sophistication <= minSophistication ||
      !hasRoom(b) ||
      !meetsRequirementsAt(S.cap, i, b) ||
      isRelatedAt(world, i, b)
    )
      continue;
    if (!best || b.config.sophistication > best.config.sophistication) best = b;
  }
  return best;
}

export function searchForBuyers(world: World): void {
  const m = world.scenario.model;
  const rng = world.streams.search;
  const succession = stepProbability(m.search.succession_rate, world.dt);
  const S = world.supplierTable.cols;
  const searchChance = searchProbabilities(world, m);
  eachActiveSupplier(world, (s, i) => {
    const group = S.groupCode[i];
    const wantsAnother = wantsAnotherBuyerWith(world, i, diversifyAt(world, i), m);
    // stepProbability of the supplier's search rate (searchRate), by its group and wish.
    if (rng() < searchChance[2 * group + (wantsAnother ? 1 : 0)]) {
      const b = bestCandidate(world, i, rng, -1);
      if (b && rng() < acceptanceProbabilityAt(world, i)) linkSupplierToBuyer(world, s, b);
    }
    if (S.relCount[i] > 0 && rng() < succession) moveUp(world, i, rng);
  });
}

/**
 * Buyer-search rate of supplier `s` (per year): model.search.rate x diversify while the supplier
 * wants another buyer (wantsAnotherBuyer), and that times diversify again once it does not: a
 * diversifier such as Firm Y goes on looking for buyers, which is how it came to sell to many
 * (Humphrey & Schmitz 2002), while a loyal supplier whose one buyer suits it hardly looks.
 */
export function searchRate(s: Supplier, m: ModelParams): number {
  return searchRateOf(s.intent.diversify, wantsAnotherBuyer(s, m), m);
}

/**
 * The probability per step that a supplier searches for a buyer (stepProbability of searchRate),
 * by group and whether the supplier wants another buyer, at [2 x group code + (1 if it does)]: a
 * group's suppliers share their intent, so the rate takes one of two values per group, worked
 * out once per step rather than for every supplier.
 */
function searchProbabilities(world: World, m: ModelParams): Float64Array {
  const groups = world.supplierGroups;
  const chance = new Float64Array(2 * groups.length);
  groups.forEach((g, code) => {
    for (const wantsAnother of [false, true])
      chance[2 * code + (wantsAnother ? 1 : 0)] = stepProbability(
        searchRateOf(g.intent.diversify, wantsAnother, m),
        world.dt,
      );
  });
  return chance;
}

/** searchRate of a supplier whose intent to diversify is `d`, and that wants another buyer or not. */
function searchRateOf(d: number, wantsAnother: boolean, m: ModelParams): number {
  return m.search.rate * d * (wantsAnother ? 1 : d);
}

/** Succession (7a) for the supplier in row `i`, which has at least one relationship. */
function moveUp(world: World, i: number, rng: Rng): void {
  // The tie with the least sophisticated buyer (the first such in list order).
  const R = world.relationshipTable.cols;
  const first = world.supplierTable.cols.relFirst[i];
  const sophistication = (k: number) => world.buyers[R.buyer[k]].config.sophistication;
  let lowestRow = first;
  for (let k = first; k !== NONE; k = R.nextOfSupplier[k])
    if (sophistication(k) < sophistication(lowestRow)) lowestRow = k;
  const b = bestCandidate(world, i, rng, sophistication(lowestRow));
  if (b && rng() < acceptanceProbabilityAt(world, i)) {
    linkSupplierToBuyer(world, supplierAt(world, i), b);
    endRelationship(world, lowestRow, 'succession');
  }
}

export function dropAndRecruit(world: World): void {
  // drop_grace_steps counts quarters: as long a grace, ⌈drop_grace_steps · dt₀ / dt⌉ steps.
  const grace = stepsForQuarters(
    world.scenario.model.search.drop_grace_steps,
    world.scenario.time.steps_per_year,
  );
  const rng = world.streams.recruitment;
  const h = quartersPerStep(world.dt);
  const S = world.supplierTable.cols;
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  for (const b of world.buyers) {
    // Ending relationship k takes it out of the list: read its next first.
    for (let k = B.relFirst[b.id], next; k !== NONE; k = next) {
      next = R.nextOfBuyer[k];
      if (meetsRequirementsAt(S.cap, R.supplier[k], b)) R.belowSince[k] = -1;
      else if (R.belowSince[k] < 0) R.belowSince[k] = world.step;
      else if (world.step - R.belowSince[k] >= grace)
        endRelationship(world, k, 'dropped_requirements');
    }
    if (!hasRoom(b)) continue;
    // One recruitment round per quarter: ⌊h⌋ rounds, and one more with probability h − ⌊h⌋
    // (a draw only when h is not whole, so never at 4 steps per year), while it has room.
    let rounds = Math.floor(h);
    if (rounds < h && rng() < h - rounds) rounds++;
    for (; rounds > 0 && hasRoom(b); rounds--) recruit(world, b, rng);
  }
}

/**
 * A buyer below its target looks at a few suppliers and takes on the most capable one that
 * qualifies and wants another buyer (wantsAnotherBuyer): Sinos exporters loyal to one buyer
 * turned others away (Schmitz 1999), so the buyer goes on to the next supplier it looked at.
 */
function recruit(world: World, b: Buyer, rng: Rng): void {
  const n = world.supplierTable.length;
  if (n === 0) return;
  const m = world.scenario.model;
  const S = world.supplierTable.cols;
  let best = NONE;
  for (let c = 0; c < CANDIDATES; c++) {
    const i = randomIndex(rng, n);
    if (S.active[i] !== 1 || !meetsRequirementsAt(S.cap, i, b)) continue;
    if (isRelatedAt(world, i, b) || !takesOnBuyerAt(world, i, m, rng)) continue;
    if (best === NONE || productionCapabilityAt(S.cap, i) > productionCapabilityAt(S.cap, best))
      best = i;
  }
  if (best !== NONE) linkSupplierToBuyer(world, supplierAt(world, best), b);
}

/**
 * Whether a supplier approached by a lead firm takes it on: always when it wants another buyer
 * (wantsAnotherBuyer); once its target is met, with probability diversify if it has capacity its
 * buyers leave idle (it is not saturated: orders to fill) and diversify² if it is fully booked,
 * as its search goes on at diversify² of the full rate (searchRate). Draws once from `rng` only
 * when the supplier does not want another buyer and intends to diversify at all.
 */
export function takesOnBuyer(s: Supplier, m: ModelParams, rng: Rng): boolean {
  return takesOnBuyerOf(s.intent.diversify, wantsAnotherBuyer(s, m), s.saturated, rng);
}

/** takesOnBuyer of the supplier in row `i`. */
export function takesOnBuyerAt(world: World, i: number, m: ModelParams, rng: Rng): boolean {
  const d = diversifyAt(world, i);
  const saturated = world.supplierTable.cols.saturated[i] === 1;
  return takesOnBuyerOf(d, wantsAnotherBuyerWith(world, i, d, m), saturated, rng);
}

/**
 * takesOnBuyer of a supplier whose intent to diversify is `d`, that wants another buyer or not
 * and is saturated (fully booked) or not.
 */
function takesOnBuyerOf(d: number, wantsAnother: boolean, saturated: boolean, rng: Rng): boolean {
  if (wantsAnother) return true;
  return d > 0 && rng() < (saturated ? d * d : d);
}

/**
 * Whether a supplier wants another lead firm: it intends to diversify at all, and it has no
 * lead firm or its top-buyer share (last allocation) is above its dependence target. The intent
 * thus works as a ceiling on dependence that the supplier pursues, not as a propensity that
 * repeated approaches wear down: a loyal supplier (the Sinos exporters, Schmitz 1999) stays
 * with its one buyer however often others ask, while a diversifier (Firm Y, Humphrey & Schmitz
 * 2002) takes on buyers until none of them has more than the target share of its sales.
 */
export function wantsAnotherBuyer(s: Supplier, m: ModelParams): boolean {
  return wantsAnotherBuyerOf(s.intent.diversify, s.relationshipCount, s.topBuyerShare, m);
}

/** wantsAnotherBuyer of the supplier in row `i`, whose intent to diversify is `d` (diversifyAt). */
function wantsAnotherBuyerWith(world: World, i: number, d: number, m: ModelParams): boolean {
  const S = world.supplierTable.cols;
  return wantsAnotherBuyerOf(d, S.relCount[i], S.topBuyerShare[i], m);
}

/**
 * wantsAnotherBuyer of a supplier whose intent to diversify is `diversify`, with
 * `relationshipCount` lead firms and a top-buyer share (of its sales, last allocation) `topShare`.
 */
function wantsAnotherBuyerOf(
  diversify: number,
  relationshipCount: number,
  topShare: number,
  m: ModelParams,
): boolean {
  if (diversify <= 0) return false;
  return relationshipCount === 0 || topShare > dependenceTargetOf(diversify, m);
}

export function adjustDomesticReserve(world: World): void {
  const adjust = world.scenario.model.search.domestic_adjust * world.dt;
  const S = world.supplierTable.cols;
  eachActiveRow(world, (i) => {
    if (S.exportVolume[i] <= 0 || S.domesticPrice[i] <= 0) return;
    // This step's export revenue over this step's export volume. Summing over the ties the
    // supplier still holds would leave out what ties ended since the orders (succession, drops,
    // re-sourcing) delivered, while their volume stays in X_s: the export price would look lower
    // than it was, by the share of the ended ties, and push capacity into the domestic channel.
    const exportPrice = S.exportRevenue[i] / S.exportVolume[i];
    if (exportPrice <= 0) return;
    const advantage = (S.domesticPrice[i] - exportPrice) / exportPrice;
    const reserve = S.domesticReserve[i];
    const floor = S.domesticReserveFloor[i];
    const room = advantage > 0 ? 1 - reserve : reserve - floor;
    // Selling to many small domestic customers takes marketing the buyer used to do.
    const reach = advantage > 0 ? effectiveMarketingAt(S.cap, S.marketingCoverage, i) : 1;
    S.domesticReserve[i] = Math.max(
      floor,
      Math.min(1, reserve + adjust * advantage * room * reach),
    );
  });
}
