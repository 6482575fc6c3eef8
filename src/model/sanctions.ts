/**
 * Process 6a — lead-firm response to encroachment. A buyer that guards core functions sees a
 * supplier encroach when the supplier's capability in a guarded function passes a threshold,
 * or, if it guards marketing, when the supplier sells under its own brand. It detects this in
 * proportion to its monitoring intensity and sanctions at a hazard that falls with how hard
 * the supplier would be to replace. A first sanction cuts the supplier's order weight; a
 * second within the buyer's memory ends the relationship. Weights recover over that memory.
 * Only captive (quasi-hierarchical) ties are policed: a market buyer neither monitors nor
 * depends on the supplier, a network buyer wants its design, and an owner needs no sanction.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow } from '../engine/kernel.js';
import { numbersById, rowsById } from '../engine/lookup.js';
import type { ModelParams } from '../scenario/types.js';
import { networkBackingAt } from './networks.js';
import { endRelationship } from './relationships.js';
import {
  N_FUNCTIONS,
  clamp01,
  typeCode,
  productionCapabilityAt,
  stepProbability,
  type Buyer,
  type Relationship,
  type Supplier,
  type SupplierColumns,
  type World,
  MARKETING,
} from './state.js';

const QUASI_HIERARCHY = typeCode('quasi_hierarchy');

/**
 * How far supplier `s` encroaches on buyer `b`'s core, in [0,1]: in each function b guards,
 * the supplier's capability above the encroachment threshold as a share of the way from the
 * threshold to 1; if b guards marketing, also four times the own-brand share of its sales.
 */
export function encroachment(s: Supplier, b: Buyer, world: World): number {
  return encroachmentAt(world.supplierTable.cols, s.ix, b, world.scenario.model);
}

/** encroachment of the supplier in row i of the supplier table (S: its columns). */
export function encroachmentAt(S: SupplierColumns, i: number, b: Buyer, m: ModelParams): number {
  const guards = rowsById([b], N_FUNCTIONS, (buyer, f) => (buyer.guards[f] ? 1 : 0));
  return encroachmentOf(S, i, guards, 0, m.sanctions.encroach_threshold);
}

/**
 * encroachment of the supplier in row i on a buyer whose guarded functions are flagged (1) in
 * `guards[at .. at + 3]` (a row of BuyerSanctionTerms.guards); `t`: sanctions.encroach_threshold.
 */
function encroachmentOf(
  S: SupplierColumns,
  i: number,
  guards: Float64Array,
  at: number,
  t: number,
): number {
  let level = 0;
  for (let f = 0; f < N_FUNCTIONS; f++) {
    if (guards[at + f] !== 0 && t < 1)
      level = Math.max(level, clamp01((S.cap[4 * i + f] - t) / (1 - t)));
  }
  if (guards[at + MARKETING] !== 0) {
    const sales = S.exportVolume[i] + S.domesticVolume[i] + S.sectorVolume[i];
    if (sales > 0) level = Math.max(level, clamp01((S.ownBrandVolume[i] / sales) * 4));
  }
  return level;
}

/**
 * How hard the buyer would find it to replace the supplier. Two independent sources: the
 * relationship itself (how far the supplier exceeds the buyer's requirements, times the
 * relationship-specific investment built up over tenure, full after eight years, as with
 * Firm Y's plants built for Nike), and the supplier's strategic network (unique know-how
 * and outside options; this is how networks moderate the governance barrier, Kang & Kim 2023).
 */
export function irreplaceability(
  r: Relationship,
  world: World,
  backing = networkBackingAt(world, r.supplier.ix),
): number {
  return tieIrreplaceability(world, r.supplier.ix, r.buyer, r.startStep, backing);
}

/**
 * irreplaceability, in [0,1], of a tie of the supplier in row i of the supplier table with
 * buyer `b` begun at step `startStep`; `backing` is the supplier's networkBacking.
 */
export function tieIrreplaceability(
  world: World,
  i: number,
  b: Buyer,
  startStep: number,
  backing: number,
): number {
  return irreplaceabilityOf(
    productionCapabilityAt(world.supplierTable.cols.cap, i),
    requirementOf(b),
    (world.step - startStep) * world.dt,
    world.scenario.model.networks.backing_weight * backing,
  );
}

/**
 * irreplaceability, in [0,1], from its terms: the supplier's production capability, the
 * buyer's production requirement (requirementOf), the tie's tenure in years, and the network
 * term (networks.backing_weight × the supplier's networkBacking).
 */
export function irreplaceabilityOf(
  production: number,
  requirement: number,
  tenureYears: number,
  network: number,
): number {
  const lead = requirement < 1 ? clamp01((production - requirement) / (1 - requirement)) : 0;
  const relational = lead * Math.min(1, tenureYears / 8);
  return 1 - (1 - relational) * (1 - network);
}

/** The buyer's production requirement, in [0,1]: the mean of its process and product requirements. */
export function requirementOf(b: Buyer): number {
  return 0.5 * (b.requirements.process + b.requirements.product);
}

/**
 * What the sanction loops read of each buyer, by buyer id, as it is this step (buyers'
 * requirements rise over a run): built once per step, so that a loop over relationships
 * reads numbers instead of loading buyer objects.
 */
export interface BuyerSanctionTerms {
  /** requirementOf(buyer j) at j. */
  requirement: Float64Array;
  /** 1 where buyer j guards function f, else 0, at 4 j + f. */
  guards: Float64Array;
  /** sanctions.rate × buyer j's monitoring at j (the first two factors of sanctionHazard). */
  monitoredRate: Float64Array;
}

/** BuyerSanctionTerms of the world's buyers now. */
export function buyerSanctionTerms(world: World): BuyerSanctionTerms {
  const rate = world.scenario.model.sanctions.rate;
  return {
    requirement: numbersById(world.buyers, requirementOf),
    guards: rowsById(world.buyers, N_FUNCTIONS, (b, f) => (b.guards[f] ? 1 : 0)),
    monitoredRate: numbersById(world.buyers, (b) => rate * b.config.monitoring),
  };
}

/**
 * Annual hazard that the buyer sanctions the supplier of relationship `r`: the sanction rate
 * times the buyer's monitoring times encroachment, discounted by irreplaceability.
 * `backing`: networkBacking(r.supplier), for a caller that evaluates several of the
 * supplier's relationships.
 */
export function sanctionHazard(r: Relationship, world: World, backing?: number): number {
  return tieSanctionHazard(
    world,
    r.supplier.ix,
    r.buyer,
    r.startStep,
    backing ?? networkBackingAt(world, r.supplier.ix),
  );
}

/** sanctionHazard of a tie of the supplier in row i with buyer `b` begun at step `startStep`. */
function tieSanctionHazard(
  world: World,
  i: number,
  b: Buyer,
  startStep: number,
  backing: number,
): number {
  const m = world.scenario.model;
  const level = encroachmentAt(world.supplierTable.cols, i, b, m);
  if (level <= 0) return 0;
  return (
    m.sanctions.rate *
    b.config.monitoring *
    level *
    (1 - tieIrreplaceability(world, i, b, startStep, backing))
  );
}

export function respondToEncroachment(world: World): void {
  const m = world.scenario.model;
  const rng = world.streams.sanctions;
  const dt = world.dt;
  const memorySteps = m.sanctions.memory_years / dt;
  const recovery = m.sanctions.memory_years > 0 ? 1 - Math.exp(-dt / m.sanctions.memory_years) : 1;
  const threshold = m.sanctions.encroach_threshold;
  const backingWeight = m.networks.backing_weight;
  const buyers = buyerSanctionTerms(world);
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  eachActiveRow(world, (i) => {
    // The supplier's terms of irreplaceability, once and on first need (sanctionHazard): no
    // sanction changes its ties or capabilities.
    let known = false;
    let production = 0;
    let network = 0;
    // A sanction may end relationship k, which takes it out of the list: read its next first.
    for (let k = S.relFirst[i], next; k !== NONE; k = next) {
      next = R.nextOfSupplier[k];
      R.weight[k] += (1 - R.weight[k]) * recovery;
      if (R.type[k] !== QUASI_HIERARCHY) continue;
      const j = R.buyer[k];
      // sanctionHazard, from the buyer's terms of this step.
      const level = encroachmentOf(S, i, buyers.guards, N_FUNCTIONS * j, threshold);
      if (level <= 0) continue;
      if (!known) {
        production = productionCapabilityAt(S.cap, i);
        network = backingWeight * networkBackingAt(world, i);
        known = true;
      }
      const tenureYears = (world.step - R.startStep[k]) * dt;
      const hazard =
        buyers.monitoredRate[j] *
        level *
        (1 - irreplaceabilityOf(production, buyers.requirement[j], tenureYears, network));
      if (hazard <= 0 || rng() >= stepProbability(hazard, dt)) continue;
      world.counters.sanctions++;
      S.sanctionsSuffered[i]++;
      // Never sanctioned before: lastSanctionStep is NEVER_SANCTIONED (state.ts), far enough
      // below any step that this is false, as with -Infinity.
      if (world.step - R.lastSanctionStep[k] <= memorySteps) {
        endRelationship(world, k, 'sanctioned');
      } else {
        R.weight[k] *= 1 - m.sanctions.order_cut;
        R.lastSanctionStep[k] = world.step;
      }
    }
  });
}
