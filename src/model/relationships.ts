/**
 * Creating and ending supplier–buyer relationships; both parties' lists stay in step. A
 * relationship sits in its supplier's list and its buyer's list (src/engine/lists.ts), both in
 * the order relationships were formed; a submodel walks them by row:
 * `for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])` for supplier row i,
 * `for (let k = B.relFirst[b.id]; k !== NONE; k = R.nextOfBuyer[k])` for a buyer.
 */
import { NONE, type RelIx } from '../engine/columns.js';
import { append, unlink, type ListHeads, type ListLinks } from '../engine/lists.js';
import { initialTypeAt, startsCapableAt } from './governance.js';
import {
  NEVER_SANCTIONED,
  RELATIONSHIP_END_CAUSES,
  typeCode,
  type Buyer,
  type RelationshipColumns,
  type RelationshipEndCause,
  type Supplier,
  type World,
} from './state.js';

/**
 * Forms a relationship between supplier `s` and buyer `b` at the current step, at the end of
 * both parties' lists, with its initial governance type (governance.ts). Returns its row.
 */
export function linkSupplierToBuyer(world: World, s: Supplier, b: Buyer): RelIx {
  const m = world.scenario.model;
  const cap = world.supplierTable.cols.cap;
  const type = typeCode(initialTypeAt(b, cap, s.ix, m, world.step === 0));
  const capable = startsCapableAt(cap, s.ix, m);
  const k = world.relationshipTable.add();
  const R = world.relationshipTable.cols;
  R.supplier[k] = s.ix;
  R.buyer[k] = b.id;
  R.type[k] = type;
  R.startStep[k] = world.step;
  R.weight[k] = 1;
  R.lastSanctionStep[k] = NEVER_SANCTIONED;
  R.belowSince[k] = -1;
  R.capable[k] = capable ? 1 : 0;
  R.end[k] = -1;
  R.typeStart[k] = type;
  R.typeSeen[k] = type;
  // The flows and spell totals start at 0 (a new row is zeroed).
  const [supplierHeads, supplierLinks, buyerHeads, buyerLinks] = lists(world);
  append(supplierHeads, supplierLinks, s.ix, k);
  append(buyerHeads, buyerLinks, b.id, k);
  return k;
}

/**
 * Ends the relationship spell in row `k` at the current step, recording why (in the row, which
 * the engine gives back once it has written the spell: world.endedSpells); a no-op if it has
 * ended.
 */
export function endRelationship(world: World, k: number, cause: RelationshipEndCause): void {
  const R = world.relationshipTable.cols;
  if (R.end[k] >= 0) return;
  noteTypeChange(R, k);
  R.end[k] = 8 * world.step + RELATIONSHIP_END_CAUSES.indexOf(cause);
  const [supplierHeads, supplierLinks, buyerHeads, buyerLinks] = lists(world);
  unlink(supplierHeads, supplierLinks, R.supplier[k], k);
  unlink(buyerHeads, buyerLinks, R.buyer[k], k);
  world.endedSpells.push(k as RelIx);
}

/**
 * Count a change of the type of the spell in row `k` since it was last observed. Called at every observation
 * and when the spell ends, so a change made by any submodel is counted once, wherever it is
 * made (types move at most once a step).
 */
export function noteTypeChange(R: RelationshipColumns, k: number): void {
  // Stored whether or not the type changed (adding 0 and the same type when it did not): the
  // first change of type comes steps into a run, and a store that had never run threw away the
  // compiled code of the spell observer and endRelationship (kernel.ts, "Code that runs only
  // from some step on").
  const type = R.type[k];
  R.typeChanges[k] += type !== R.typeSeen[k] ? 1 : 0;
  R.typeSeen[k] = type;
}

/** Whether supplier `s` has a relationship with buyer `b`. */
export function isRelated(world: World, s: Supplier, b: Buyer): boolean {
  return isRelatedAt(world, s.ix, b);
}

/**
 * isRelated for the supplier in row `i`. Walks the shorter of the two parties' lists (either
 * holds the relationship if there is one): with many more lead firms than suppliers a
 * supplier's list grows to thousands while a buyer's stays near its target, and recruitment
 * and re-sourcing ask this a few times per buyer and step, so walking the supplier's list made
 * their cost grow with the square of the number of buyers (docs/performance.md, session 14).
 */
export function isRelatedAt(world: World, i: number, b: Buyer): boolean {
  const S = world.supplierTable.cols;
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  if (B.relCount[b.id] < S.relCount[i]) {
    for (let k = B.relFirst[b.id]; k !== NONE; k = R.nextOfBuyer[k])
      if (R.supplier[k] === i) return true;
    return false;
  }
  for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
    if (R.buyer[k] === b.id) return true;
  return false;
}

/** End all of supplier `s`'s relationships with `cause`, in list order (it exits). */
export function endAllRelationships(world: World, s: Supplier, cause: RelationshipEndCause): void {
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  // Ending relationship k takes it out of the list: read its next first.
  for (let k = S.relFirst[s.ix], next; k !== NONE; k = next) {
    next = R.nextOfSupplier[k];
    endRelationship(world, k, cause);
  }
}

/**
 * The suppliers' and the buyers' list heads and the relationships' links, over the current
 * column arrays. Built again only when a table has replaced its arrays (it grew: columns.ts),
 * which all of a table's arrays undergo together, so one array per table tells; otherwise the
 * last ones are given back, rather than five new objects for every relationship formed or ended.
 */
function lists(world: World): ListsOfWorld {
  const S = world.supplierTable.cols;
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  const last = lastLists;
  if (
    last !== null &&
    last[0].first === S.relFirst &&
    last[2].first === B.relFirst &&
    last[1].next === R.nextOfSupplier
  )
    return last;
  return (lastLists = [
    { first: S.relFirst, last: S.relLast, count: S.relCount },
    { next: R.nextOfSupplier, prev: R.prevOfSupplier },
    { first: B.relFirst, last: B.relLast, count: B.relCount },
    { next: R.nextOfBuyer, prev: R.prevOfBuyer },
  ]);
}

type ListsOfWorld = readonly [ListHeads, ListLinks, ListHeads, ListLinks];

/** What lists() last built (for whichever world it was asked about). */
let lastLists: ListsOfWorld | null = null;
