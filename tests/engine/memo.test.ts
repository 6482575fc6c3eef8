import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONE, Table } from '../../src/engine/columns.js';
import { append, unlink } from '../../src/engine/lists.js';
import { LeastMembers } from '../../src/engine/memo.js';

const OWNERS = { first: 'ref', last: 'ref', count: 'i32' } as const;
const MEMBERS = {
  next: 'ref',
  prev: 'ref',
  owner: 'i32',
  key: 'f64',
  eligible: 'u8',
  gone: 'u8',
} as const;

/** Owners' lists in column tables, with a key, an eligibility flag and a gone flag per member. */
function lists(owners: number) {
  const o = new Table(OWNERS, owners);
  const m = new Table(MEMBERS, 16);
  for (let j = 0; j < owners; j++) o.add();
  const add = (owner: number, key: number, eligible: boolean) => {
    const k = m.add();
    m.cols.owner[k] = owner;
    m.cols.key[k] = key;
    m.cols.eligible[k] = eligible ? 1 : 0;
    append(o.cols, m.cols, owner, k);
    return k;
  };
  const remove = (k: number) => {
    unlink(o.cols, m.cols, m.cols.owner[k], k);
    m.cols.gone[k] = 1;
  };
  /** The answer LeastMembers must give: a walk of the list as the model wrote it. */
  const walk = (owner: number) => {
    let least = NONE;
    for (let k = o.cols.first[owner]; k !== NONE; k = m.cols.next[k]) {
      if (m.cols.eligible[k] !== 1) continue;
      if (least === NONE || m.cols.key[k] < m.cols.key[least]) least = k;
    }
    return least;
  };
  let eligibleCalls = 0;
  const memo = () =>
    new LeastMembers(
      (j) => o.cols.first[j],
      (j) => o.cols.count[j],
      (k) => m.cols.next[k],
      (k) => (eligibleCalls++, m.cols.eligible[k] === 1),
      (k) => m.cols.key[k],
      (k) => m.cols.gone[k] === 1,
    );
  return { o, m, add, remove, walk, memo, eligibleCalls: () => eligibleCalls };
}

describe('LeastMembers', () => {
  it('answers as a walk of the list while members leave and ineligible ones join', () => {
    // Few distinct keys (ties in list order), ±0 and, now and then, NaN; lists short and long
    // (over the length at which they are ranked instead of walked).
    const key = fc.oneof(
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom(-0, 0, 0.5, Number.NaN, Infinity, -Infinity),
    );
    const member = fc.record({ owner: fc.nat(2), key, eligible: fc.boolean() });
    const op = fc.oneof(
      fc.record({ ask: fc.nat(2) }),
      fc.record({ remove: fc.nat(10_000) }),
      fc.record({ join: fc.nat(2), key }),
    );
    fc.assert(
      fc.property(
        // size 'large': fast-check's default size would keep the lists below 16 members.
        fc.array(member, { maxLength: 120, size: 'large' }),
        fc.array(op, { maxLength: 200, size: 'large' }),
        (members, ops) => {
          const l = lists(3);
          const live = members.map((x) => l.add(x.owner, x.key, x.eligible));
          const memo = l.memo();
          for (const x of ops) {
            if ('ask' in x) expect(memo.of(x.ask)).toBe(l.walk(x.ask));
            else if ('join' in x) l.add(x.join, x.key, false);
            else if (live.length > 0) l.remove(live.splice(x.remove % live.length, 1)[0]);
          }
          for (let owner = 0; owner < 3; owner++) expect(memo.of(owner)).toBe(l.walk(owner));
        },
      ),
    );
  });

  it('walks a long list once however often its least member is taken out', () => {
    const l = lists(1);
    const n = 1000;
    for (let j = 0; j < n; j++) l.add(0, (j * 7919) % 101, true);
    const memo = l.memo();
    for (let asked = 0; asked < n; asked++) {
      const least = memo.of(0);
      expect(least).toBe(l.walk(0));
      l.remove(least);
    }
    expect(memo.of(0)).toBe(NONE);
    // A walk per question would have asked about 500,000 members; the memo asks about each
    // once, and walks the list again only once it is short.
    expect(l.eligibleCalls()).toBeLessThan(2 * n);
  });
});
