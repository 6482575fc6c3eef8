import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NONE, Table } from '../../src/engine/columns.js';
import { append, unlink } from '../../src/engine/lists.js';

const OWNERS = { first: 'ref', last: 'ref', count: 'i32' } as const;
const MEMBERS = { next: 'ref', prev: 'ref', owner: 'i32' } as const;

describe('ref columns', () => {
  it('start at NONE in new, grown and reused rows', () => {
    const t = new Table({ r: 'ref', n: 'i32' } as const, 1);
    const a = t.add();
    const b = t.add(); // grows
    expect([t.cols.r[a], t.cols.r[b], t.cols.n[b]]).toEqual([NONE, NONE, 0]);
    t.cols.r[a] = 5;
    t.release(a);
    expect(t.add()).toBe(a);
    expect(t.cols.r[a]).toBe(NONE);
    expect(t.cols.r[t.capacity - 1]).toBe(NONE);
  });
});

describe('lists kept in column tables', () => {
  it('hold their members in the order an array kept by push and splice would', () => {
    // Random sequences of "add a member to owner o" and "remove the j-th live member".
    const op = fc.oneof(fc.record({ add: fc.nat(3) }), fc.record({ remove: fc.nat(1000) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const owners = new Table(OWNERS, 1);
        const rows = new Table(MEMBERS, 1);
        for (let o = 0; o < 4; o++) owners.add();
        const arrays: number[][] = [[], [], [], []];
        const live: number[] = [];
        for (const o of ops) {
          if ('add' in o) {
            const m = rows.add();
            rows.cols.owner[m] = o.add;
            append(owners.cols, rows.cols, o.add, m);
            arrays[o.add].push(m);
            live.push(m);
          } else if (live.length > 0) {
            const m = live.splice(o.remove % live.length, 1)[0];
            const owner = rows.cols.owner[m];
            unlink(owners.cols, rows.cols, owner, m);
            arrays[owner].splice(arrays[owner].indexOf(m), 1);
            rows.release(m);
          }
        }
        for (let o = 0; o < 4; o++) {
          const forth: number[] = [];
          for (let k = owners.cols.first[o]; k !== NONE; k = rows.cols.next[k]) forth.push(k);
          expect(forth).toEqual(arrays[o]);
          expect(owners.cols.count[o]).toBe(arrays[o].length);
          const back: number[] = [];
          for (let k = owners.cols.last[o]; k !== NONE; k = rows.cols.prev[k]) back.push(k);
          expect(back.reverse()).toEqual(arrays[o]);
        }
      }),
    );
  });
});
