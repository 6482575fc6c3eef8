/**
 * Lists of rows kept inside column tables (issue 14, item 1): each owner row (a supplier, a
 * buyer) holds the first and last row of its list and their count, and each member row (a
 * relationship, a tie) the next and previous member of its owner's list. A pass over a
 * supplier's relationships then reads a few integer columns instead of loading the supplier's
 * array and one scattered object per relationship, and a relationship can sit in two lists at
 * once (its supplier's and its buyer's) with no array to splice.
 *
 * Order: `append` adds at the end and `unlink` takes a member out where it is, so a list holds
 * its members in the order they were added, less those taken out — the order an array kept by
 * `push` and `splice` would hold. Submodels draw random numbers in list order, so this is what
 * keeps outputs identical to the arrays these lists replace.
 *
 * Walking a list while changing it: a loop that reads `next[k]` after its body has run sees a
 * member appended during the body (as `for…of` over an array does); a body that may unlink its
 * own member `k` must read `next[k]` first (unlink sets it to NONE), and must not unlink any
 * other member of the list (the `next` it read might be that one, and the walk would stop).
 */
import { NONE } from './columns.js';

/** The owner side of a list: first and last member row (NONE when empty) and the count, by owner row. */
export interface ListHeads {
  first: Int32Array;
  last: Int32Array;
  count: Int32Array;
}

/** The member side: next and previous member row within the owner's list (NONE at the ends), by member row. */
export interface ListLinks {
  next: Int32Array;
  prev: Int32Array;
}

/** Add member row `m` at the end of owner row `owner`'s list. `m` must be in no list of these links. */
export function append(heads: ListHeads, links: ListLinks, owner: number, m: number): void {
  if (m === NONE) throw new Error('lists: append of no row');
  const tail = heads.last[owner];
  links.prev[m] = tail;
  links.next[m] = NONE;
  if (tail === NONE) heads.first[owner] = m;
  else links.next[tail] = m;
  heads.last[owner] = m;
  heads.count[owner]++;
}

/** Take member row `m` out of owner row `owner`'s list; the others keep their order. */
export function unlink(heads: ListHeads, links: ListLinks, owner: number, m: number): void {
  // A NONE here would write through index -1 (undefined, stored as 0) and corrupt the list.
  if (m === NONE) throw new Error('lists: unlink of no row');
  const before = links.prev[m];
  const after = links.next[m];
  if (before === NONE) heads.first[owner] = after;
  else links.next[before] = after;
  if (after === NONE) heads.last[owner] = before;
  else links.prev[after] = before;
  heads.count[owner]--;
  links.next[m] = NONE;
  links.prev[m] = NONE;
}

/**
 * After a member table was reordered (columns.ts Table.reorder), rewrite the first `rows`
 * entries of a column of member rows (links, or owners' first and last) through `newOf`: old
 * row -> new row. NONE stays NONE.
 */
export function renumber(column: Int32Array, newOf: Int32Array, rows: number): void {
  for (let j = 0; j < rows; j++) {
    const v = column[j];
    if (v !== NONE) column[j] = newOf[v];
  }
}
