/** Creating and ending supplier–buyer relationships; both parties' lists stay in step. */
import { ZERO } from '../engine/kernel.js';
import { initialType } from './governance.js';
import {
  type Buyer,
  type Relationship,
  type RelationshipEndCause,
  type Supplier,
  type World,
} from './state.js';

export function linkSupplierToBuyer(world: World, s: Supplier, b: Buyer): Relationship {
  const { type, capable } = initialType(b, s, world.scenario.model, world.step === 0);
  const r: Relationship = {
    supplier: s,
    buyer: b,
    type,
    startStep: world.step,
    weight: 1,
    lastSanctionStep: Number.NEGATIVE_INFINITY,
    belowSince: -1,
    capable,
    score: ZERO,
    volume: ZERO,
    price: ZERO,
    salesShare: ZERO,
    ended: false,
    endCause: null,
    endStep: null,
    typeStart: type,
    typeSeen: type,
    typeChanges: 0,
    totalVolume: ZERO,
    costedVolume: ZERO,
    markupVolume: ZERO,
  };
  s.relationships.push(r);
  b.relationships.push(r);
  return r;
}

/** End a relationship spell at the current step, recording why; a no-op if it has ended. */
export function endRelationship(world: World, r: Relationship, cause: RelationshipEndCause): void {
  if (r.ended) return;
  noteTypeChange(r);
  r.ended = true;
  r.endCause = cause;
  r.endStep = world.step;
  removeItem(r.supplier.relationships, r);
  removeItem(r.buyer.relationships, r);
  world.endedSpells.push(r);
}

/**
 * Count a change of the spell's type since it was last observed. Called at every observation
 * and when the spell ends, so a change made by any submodel is counted once, wherever it is
 * made (types move at most once a step).
 */
export function noteTypeChange(r: Relationship): void {
  if (r.type !== r.typeSeen) {
    r.typeChanges++;
    r.typeSeen = r.type;
  }
}

export function isRelated(s: Supplier, b: Buyer): boolean {
  for (const r of s.relationships) if (r.buyer === b) return true;
  return false;
}

function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
