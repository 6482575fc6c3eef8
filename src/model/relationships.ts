/** Creating and ending supplier–buyer relationships; both parties' lists stay in step. */
import { initialType } from './governance.js';
import {
  Relationship,
  type Buyer,
  type RelationshipEndCause,
  type Supplier,
  type World,
} from './state.js';

export function linkSupplierToBuyer(world: World, s: Supplier, b: Buyer): Relationship {
  const { type, capable } = initialType(b, s, world.scenario.model, world.step === 0);
  const r = new Relationship(world.relationshipTable, world.relationshipTable.add(), s, b);
  const R = world.relationshipTable.cols;
  R.supplier[r.ix] = s.ix;
  R.buyer[r.ix] = b.id;
  r.type = type;
  r.startStep = world.step;
  r.weight = 1;
  r.lastSanctionStep = Number.NEGATIVE_INFINITY;
  r.belowSince = -1;
  r.capable = capable;
  r.typeStart = type;
  r.typeSeen = type;
  // The flows and spell totals start at 0 (a new row is zeroed).
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
