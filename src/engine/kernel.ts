/**
 * The engine's devices for the model's hot paths, kept here so that model files read like the
 * equations they implement (issue 14 item 4): the loop over the active suppliers, and the
 * V8 workaround for numeric fields. Nothing here changes a result; each device is about
 * how fast V8 runs the same arithmetic.
 */
import { supplierAt, type Supplier, type World } from '../model/state.js';
import type { SupplierIx } from './columns.js';

/**
 * Runs `body` for each active supplier, in row order (creation order: ids ascending), which is
 * the order a submodel's random draws are taken in. `body` gets a view of the supplier (made
 * for the call: the model keeps no object per supplier, state.ts Supplier) and its row `i` in
 * world.supplierTable, so it can read the supplier's fields as
 * `s.cash` or, in a hot loop, as `S.cash[i]` (S = world.supplierTable.cols: the same storage).
 * `active` is read when a supplier is reached, as in a `for…of` over the live array: one that
 * an earlier call of `body` made inactive is skipped, one appended during the loop is visited if
 * active. `body` returns nothing: a submodel that stops early keeps its own loop.
 *
 * The active flags are read from their column, so an inactive supplier costs a byte read, not
 * the load of its object; the column is re-read from the table at each supplier because an
 * entrant appended by `body` may have replaced it by a longer one.
 *
 * Cost: V8 compiles this loop once for all submodels, so `body` is a call it does not
 * inline, about 3 ns per active supplier and submodel (about 0.04 µs per supplier-step over
 * the 15 loops that use it, against 8 µs for the step; measured in docs/performance.md,
 * section "2026-11-30, branch perf").
 */
export function eachActiveSupplier(world: World, body: (s: Supplier, i: SupplierIx) => void): void {
  const table = world.supplierTable;
  const cols = table.cols;
  for (let i = 0; i < table.length; i++) {
    if (cols.active[i] === 1) body(supplierAt(world, i), i as SupplierIx);
  }
}

/** A submodel's update of one supplier: the supplier and its row in world.supplierTable. */
export type SupplierBody = (s: Supplier, i: SupplierIx) => void;

/**
 * A submodel's update of one supplier that reads and writes its state through the columns only,
 * by its row in world.supplierTable: the form of the order-independent processes, which can run
 * tile by tile (runTiled) and on worker threads (engine/threads.ts), where there are no
 * Supplier objects.
 */
export type RowBody = (i: SupplierIx) => void;

/**
 * eachActiveSupplier for a body that needs only the supplier's row (the same visits: an entrant
 * appended by `body` is visited if active).
 */
export function eachActiveRow(world: World, body: RowBody): void {
  const table = world.supplierTable;
  const cols = table.cols;
  for (let i = 0; i < table.length; i++) if (cols.active[i] === 1) body(i as SupplierIx);
}

/**
 * Suppliers per tile of runTiled: the tile's supplier objects, relationships and column
 * elements stay in the processor's caches from one body to the next (a few hundred kilobytes).
 */
export const TILE = 128;

/**
 * Runs several per-supplier bodies with the result of running each over all active suppliers
 * in turn (eachActiveSupplier(world, bodies[0]), then bodies[1], ...), but tile by tile: all
 * bodies over suppliers 0..TILE-1, then all over the next tile, and so on, so that a supplier's
 * data is loaded from memory once for all of them instead of once per body.
 *
 * Valid only for bodies that ODD §3 lists as loops whose order does not matter, and only when
 * they draw no random numbers: each body's update of a supplier may read that supplier's state
 * (as left by the earlier bodies) and data that none of the bodies changes (buyers, partners,
 * the environment, the parameters), never another supplier's state, and no body may add or
 * deactivate suppliers. Under those conditions every supplier sees the same sequence of
 * operations as in the sequential order, so the results are the same to the bit. A cumulative
 * integer counter (world.counters) may be incremented: its final value does not depend on order.
 */
export function runTiled(world: World, bodies: readonly RowBody[], tile = TILE): void {
  runTiledRows(world.supplierTable.cols.active, bodies, 0, world.supplierTable.length, tile);
}

/**
 * runTiled over rows `from` to `to` - 1 only, given the supplier table's `active` column: a
 * worker thread's share of a stage (engine/threads.ts). The bodies must not add suppliers (see
 * runTiled), so the column cannot be replaced while it runs.
 */
export function runTiledRows(
  active: Uint8Array,
  bodies: readonly RowBody[],
  from: number,
  to: number,
  tile = TILE,
): void {
  for (let start = from; start < to; start += tile) {
    const end = Math.min(start + tile, to);
    for (const body of bodies) {
      for (let i = start; i < end; i++) if (active[i] === 1) body(i as SupplierIx);
    }
  }
}

/*
 * Code that runs only from some step on. V8 compiles a function with the types its code has
 * met so far (type feedback); code that has never run has none, and when it first runs, the
 * compiled code bails out and the rest of the call runs unoptimised until V8 has compiled the
 * function again. In a loop over every supplier, a branch that first runs at step 20 (the
 * first supplier eligible for lock-in, the first relational tie that sells) throws away the
 * loop's code in the middle of that step's 10,000 or 100,000 suppliers; the observation's
 * loop (metrics.ts, activeTotals) met a dozen such first events in a run and cost 9-10 CPU-ms
 * a step over steps 1-30 at 10,000 suppliers against 1-2 later (docs/performance.md,
 * 2026-12-01, session 15). Such a loop computes every term for every element, whether it
 * counts or not, and then adds it or adds nothing: `sum += counts ? term : ZERO`,
 * `n += counts ? 1 : 0`; a condition is computed before an `&&`, not inside it (a comparison
 * has type feedback too). The arms of `? :` then only pick values already computed, which
 * needs no feedback. Same sums: adding ZERO (-0) to any number leaves it as it is.
 */

/**
 * Zero for the numeric fields of agents that later hold fractions (flows, shares). V8 gives an
 * object field the representation of the first value stored in it: an integer 0 makes a
 * small-integer field, and the first fraction stored there (the first own-brand sale, dozens
 * of steps into a run) then changes the hidden class of every Supplier at once and throws
 * away the optimised code of every submodel that touches one (a 5-10x slowdown for several
 * steps). -0 is stored as a double, so the field is a double field from the start. It is
 * equal to 0 in every comparison, adding it changes nothing (-0 + x === x), and the CSV
 * writer prints it as 0; the model overwrites these fields before it reads them.
 */
export const ZERO = -0;
