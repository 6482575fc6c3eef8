/**
 * The least member of an owner's list, asked for again and again during a pass in which the
 * lists only lose members (issue 14: cost that grew with the square of the number of buyers).
 * Nothing here changes a result: `of` returns what a walk of the list returns.
 */
import { NONE } from './columns.js';

/** Lists at most this long are walked at every question: ranking them would cost more. */
const SHORT_LIST = 16;

/** An owner's ranked members and how many of them have been found gone. */
interface Ranked {
  members: Int32Array;
  passed: number;
}

/**
 * `of(o)` returns what this walk of owner o's list returns: the first member k (in list order)
 * that `eligible(k)` admits with the least `key(k)`, by `key(k) < key(least)`; NONE if none is
 * eligible. The lists are read through `first(o)` (owner o's first member), `count(o)` (its
 * members) and `next(k)` (the member after k; NONE ends a list), as in src/engine/lists.ts:
 * functions, not arrays, because a pass that forms relationships may grow the table and replace
 * its arrays (columns.ts), and a kept array would then be stale.
 *
 * A long list is walked only the first time its owner is asked about: its eligible members are
 * then ranked by key (equal keys in list order), and later answers are the first ranked member
 * that `gone(k)` does not say has left the list. That gives the walk's answer only while, over
 * the pass, for every owner asked about: members leave the lists, members join them that
 * `eligible` turns down, and no key or eligibility changes. A member that leaves from before
 * the least one had a greater key; one that leaves from after it, a key no smaller; so the
 * least member stays the same until it leaves itself, and then the next ranked one takes its
 * place. Make the memo for the pass and drop it after.
 *
 * Keys that are NaN compare as the walk compares them (never less, nothing less than them),
 * which no ranking reproduces: an owner with an eligible NaN key is walked at every question.
 */
export class LeastMembers {
  private readonly ranked = new Map<number, Ranked | null>();

  constructor(
    private readonly first: (o: number) => number,
    private readonly count: (o: number) => number,
    private readonly next: (k: number) => number,
    private readonly eligible: (k: number) => boolean,
    private readonly key: (k: number) => number,
    private readonly gone: (k: number) => boolean,
  ) {}

  /** The least eligible member of owner `o`'s list (see the class comment); NONE if none. */
  of(o: number): number {
    if (this.count(o) <= SHORT_LIST) return this.walk(o);
    let r = this.ranked.get(o);
    if (r === undefined) this.ranked.set(o, (r = this.rank(o)));
    if (r === null) return this.walk(o);
    const members = r.members;
    while (r.passed < members.length && this.gone(members[r.passed])) r.passed++;
    return r.passed < members.length ? members[r.passed] : NONE;
  }

  private walk(o: number): number {
    let least = NONE;
    for (let k = this.first(o); k !== NONE; k = this.next(k)) {
      if (!this.eligible(k)) continue;
      if (least === NONE || this.key(k) < this.key(least)) least = k;
    }
    return least;
  }

  /** Owner o's eligible members by key, equal keys in list order; null if a key is NaN. */
  private rank(o: number): Ranked | null {
    const rows: number[] = [];
    for (let k = this.first(o); k !== NONE; k = this.next(k)) if (this.eligible(k)) rows.push(k);
    const keys = rows.map(this.key);
    if (keys.some((x) => Number.isNaN(x))) return null;
    // Positions in list order, sorted by key, position breaking ties (so that the answer does
    // not rest on the sort being stable).
    const at = rows.map((_, j) => j);
    at.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    const members = new Int32Array(rows.length);
    for (let j = 0; j < at.length; j++) members[j] = rows[at[j]];
    return { members, passed: 0 };
  }
}
