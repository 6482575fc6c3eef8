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
  const t = m.sanctions.encroach_threshold;
  let level = 0;
  for (let f = 0; f < N_FUNCTIONS; f++) {
    if (b.guards[f] && t < 1) level = Math.max(level, clamp01((S.cap[4 * i + f] - t) / (1 - t)));
  }
  if (b.guards[MARKETING]) {
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
  const req = 0.5 * (b.requirements.process + b.requirements.product);
  const lead =
    req < 1
      ? clamp01((productionCapabilityAt(world.supplierTable.cols.cap, i) - req) / (1 - req))
      : 0;
  const tenureYears = (world.step - startStep) * world.dt;
  const relational = lead * Math.min(1, tenureYears / 8);
  const network = world.scenario.model.networks.backing_weight * backing;
  return 1 - (1 - relational) * (1 - network);
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
  const memorySteps = m.sanctions.memory_years / world.dt;
  const recovery =
    m.sanctions.memory_years > 0 ? 1 - Math.exp(-world.dt / m.sanctions.memory_years) : 1;
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  const buyers = world.buyers;
  eachActiveRow(world, (i) => {
    // Network backing once per supplier, on first need: no sanction changes the supplier's ties.
    let backing: number | undefined;
    // A sanction may end relationship k, which takes it out of the list: read its next first.
    for (let k = S.relFirst[i], next; k !== NONE; k = next) {
      next = R.nextOfSupplier[k];
      R.weight[k] += (1 - R.weight[k]) * recovery;
      if (R.type[k] !== QUASI_HIERARCHY) continue;
      if (backing === undefined) backing = networkBackingAt(world, i);
      const hazard = tieSanctionHazard(world, i, buyers[R.buyer[k]], R.startStep[k], backing);
      if (hazard <= 0 || rng() >= stepProbability(hazard, world.dt)) continue;
      world.counters.sanctions++;
      S.sanctionsSuffered[i]++;
      if (world.step - R.lastSanctionStep[k] <= memorySteps) {
        endRelationship(world, k, 'sanctioned');
      } else {
        R.weight[k] *= 1 - m.sanctions.order_cut;
        R.lastSanctionStep[k] = world.step;
      }
    }
  });
}
