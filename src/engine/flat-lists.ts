/**
 * Lists laid out flat: the members of every owner's list (src/engine/lists.ts), owner after
 * owner, each list in its own order, in one Int32Array. A pass that walks each owner's list
 * several times (a buyer's relationships in the rounds of placing its unmet orders) then reads
 * consecutive elements instead of chasing `next` links through rows scattered over the table;
 * the members and their order are the same, so the results are too.
 *
 * The layout is a snapshot: it goes stale as soon as a member is added to or taken out of any
 * list, so fill it in the pass that uses it, and do not change the lists while it is used.
 * The arrays are kept and reused from one `fill` to the next (grown when too short), so a pass
 * run every step allocates nothing once they have found their size.
 */
import { NONE } from './columns.js';

export class FlatLists {
  /** Member rows, owner 0's list first: owner o's members are rows[start[o]] .. rows[start[o + 1] - 1]. */
  rows: Int32Array = new Int32Array(0);
  /** Where each owner's members begin in `rows`, for owners 0 .. owners (owners + 1 entries). */
  start: Int32Array = new Int32Array(1);

  /**
   * Lays out the lists of owners 0 .. `owners` - 1, given the owners' first members (`first`,
   * by owner row) and the members' next links (`next`, by member row; NONE ends a list).
   * `members`: at least the number of members of all these lists (the member table's length
   * will do). Throws if the lists hold more members than that (a cycle, or a wrong bound).
   */
  fill(first: Int32Array, next: Int32Array, owners: number, members: number): void {
    if (this.rows.length < members) this.rows = new Int32Array(members);
    if (this.start.length < owners + 1) this.start = new Int32Array(owners + 1);
    const rows = this.rows;
    const start = this.start;
    let j = 0;
    for (let o = 0; o < owners; o++) {
      start[o] = j;
      for (let k = first[o]; k !== NONE; k = next[k]) {
        if (j === members) throw new Error(`FlatLists: more than ${members} members`);
        rows[j++] = k;
      }
    }
    start[owners] = j;
  }
}

/**
 * A Float64Array of at least `n` elements for scratch use: `current` if it is long enough, else
 * a new zeroed one of n elements. The contents are whatever the last user left; the caller
 * writes before it reads.
 */
export function float64Scratch(current: Float64Array, n: number): Float64Array {
  return current.length >= n ? current : new Float64Array(n);
}
