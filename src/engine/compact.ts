/**
 * Compaction of the relationship and tie tables, an engine device for memory locality (issue
 * 14): nothing in the model reads a row's number, only the lists' order, so renumbering rows
 * changes no result.
 *
 * Rows are given back when spells end and ties dissolve, and reused last-in first-out, so after
 * some churn a supplier's relationships lie all over the table, and every pass that walks
 * suppliers' lists (prices, learning, sanctions, investment, types, roles, the observation)
 * reads a scattered row per relationship. At 100,000 suppliers the table is some 20 MB, far
 * beyond the processor's caches. Compacting renumbers the live rows in the order of the walk —
 * supplier 0's list, then supplier 1's, … — so those passes read the columns front to back.
 * A buyer's list stays scattered: a relationship sits in one supplier's and one buyer's list,
 * and only one order can be the table's.
 *
 * Run only between steps, after the step's ended spells have been written and their rows given
 * back (world.endedSpells empty), when no loop holds a row.
 */
import type { World } from '../model/state.js';
import { NONE, ReorderScratch } from './columns.js';
import { renumber } from './lists.js';

/**
 * A world's compaction buffers, kept from one compaction to the next: `order` as long as the
 * longer of its two tables, and Table.reorder's scratch. The relationship and the tie tables
 * are compacted one after the other and neither holds a buffer in between, so they share them:
 * one set the size of the larger table instead of one per table (~30 bytes per supplier less;
 * docs/performance.md, 2026-11-30, session 13). `newOf` is needed only once the rows have
 * moved, when the scratch is free, so it lives there (4 bytes a tie row less, ~10 per
 * supplier; session 15).
 */
interface Kept {
  order: Int32Array;
  scratch: ReorderScratch;
}
const kept = new WeakMap<World, Kept>();

/** The world's compaction buffers (Kept), `order` at least `rows` long. */
function keptFor(world: World, rows: number): Kept {
  let b = kept.get(world);
  if (!b) {
    b = { order: new Int32Array(0), scratch: new ReorderScratch() };
    kept.set(world, b);
  }
  if (b.order.length < rows) b.order = new Int32Array(rows);
  return b;
}

/**
 * Moves the live rows of `table` into supplier-list order: the rows of supplier 0's list
 * (heads `first`, `count`; links `next`), then supplier 1's, … Returns `order` (old row at each
 * new row) and `newOf` (new row of each old row, NONE for dropped ones), in `b` (the world's
 * kept buffers, `order` at least table.capacity long; `newOf` in the scratch, valid until the
 * scratch is next used), for the caller to renumber what refers to the rows.
 */
function reorderBySupplier(
  table: {
    length: number;
    capacity: number;
    reorder(order: Int32Array, scratch: ReorderScratch): void;
  },
  b: Kept,
  suppliers: number,
  lists: { first: Int32Array; count: Int32Array; next: Int32Array },
): { order: Int32Array; newOf: Int32Array } {
  let live = 0;
  for (let i = 0; i < suppliers; i++) live += lists.count[i];
  const order = b.order.subarray(0, live);
  const rows = table.length;
  let j = 0;
  for (let i = 0; i < suppliers; i++)
    for (let k = lists.first[i]; k !== NONE; k = lists.next[k]) order[j++] = k;
  // The counts and the lists disagree only if a list is broken: a row would be lost or doubled.
  if (j !== live) throw new Error(`compaction: the lists hold ${j} rows, their counts ${live}`);
  table.reorder(order, b.scratch);
  // The scratch is free again: newOf goes there.
  const newOf = new Int32Array(b.scratch.atLeast(4 * rows), 0, rows).fill(NONE);
  for (let n = 0; n < live; n++) newOf[order[n]] = n;
  return { order, newOf };
}

/**
 * The world's compaction scratch (Table.reorder's, kept), for another holder of data by
 * relationship row to move its rows through after compactRelationships (the spell observer),
 * rather than keep a second buffer of its own. Free between compactions.
 */
export function compactionScratch(world: World): ReorderScratch {
  return keptFor(world, 0).scratch;
}

/**
 * Renumbers the live relationship rows in supplier order (each supplier's list in its order,
 * suppliers by id) and drops the given-back rows; relinks both parties' lists. Returns
 * `order`, the old row now at each new row, for other holders of data by relationship row (the
 * spell observer; a view into buffers the tie table's compaction reuses: valid until the next
 * compaction of either table). Views of relationships made before
 * (state.ts, Relationship) no longer point at their spells. Throws if ended spells are still
 * waiting to be written.
 */
export function compactRelationships(world: World): Int32Array {
  if (world.endedSpells.length > 0)
    throw new Error('compactRelationships: ended spells are still waiting to be written');
  const S = world.supplierTable.cols;
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  const suppliers = world.supplierTable.length;
  const b = keptFor(world, world.relationshipTable.capacity);
  const { order, newOf } = reorderBySupplier(world.relationshipTable, b, suppliers, {
    first: S.relFirst,
    count: S.relCount,
    next: R.nextOfSupplier,
  });
  const live = order.length;
  for (const links of [R.nextOfSupplier, R.prevOfSupplier, R.nextOfBuyer, R.prevOfBuyer])
    renumber(links, newOf, live);
  renumber(S.relFirst, newOf, suppliers);
  renumber(S.relLast, newOf, suppliers);
  renumber(B.relFirst, newOf, world.buyers.length);
  renumber(B.relLast, newOf, world.buyers.length);
  return order;
}

/**
 * Renumbers the live tie rows in supplier order (each supplier's list in its order, suppliers
 * by id) and drops the given-back rows; relinks the suppliers' lists.
 */
export function compactTies(world: World): void {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const suppliers = world.supplierTable.length;
  const b = keptFor(world, world.tieTable.capacity);
  const { order, newOf } = reorderBySupplier(world.tieTable, b, suppliers, {
    first: S.tieFirst,
    count: S.tieCount,
    next: T.nextOfSupplier,
  });
  renumber(T.nextOfSupplier, newOf, order.length);
  renumber(T.prevOfSupplier, newOf, order.length);
  renumber(S.tieFirst, newOf, suppliers);
  renumber(S.tieLast, newOf, suppliers);
}
