/**
 * The engine's devices for the model's hot paths, kept here so that model files read like the
 * equations they implement (issue 14 item 4): the loop over the active suppliers, and the
 * V8 workaround for numeric fields. Nothing here changes a result; each device is about
 * how fast V8 runs the same arithmetic.
 */
import type { Supplier, World } from '../model/state.js';

/**
 * Runs `body` for each active supplier, in the order of world.suppliers (creation order: ids
 * ascending), which is the order a submodel's random draws are taken in. `active` is read when
 * a supplier is reached, as in a `for…of` over the live array: one that an earlier call of
 * `body` made inactive is skipped, one appended during the loop is visited if active. `body`
 * returns nothing: a submodel that stops early keeps its own loop.
 *
 * Cost: V8 compiles this loop once for all submodels, so `body` is a call it does not
 * inline, about 3 ns per active supplier and submodel (about 0.04 µs per supplier-step over
 * the 15 loops that use it, against 8 µs for the step; measured in docs/performance.md,
 * section "2026-11-30, branch perf").
 */
export function eachActiveSupplier(world: World, body: (s: Supplier) => void): void {
  const suppliers = world.suppliers;
  for (let i = 0; i < suppliers.length; i++) {
    const s = suppliers[i];
    if (s.active) body(s);
  }
}

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
