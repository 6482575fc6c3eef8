import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Table } from '../../src/engine/columns.js';
import { FlatLists, float64Scratch } from '../../src/engine/flat-lists.js';
import { append, unlink } from '../../src/engine/lists.js';

const OWNERS = { first: 'ref', last: 'ref', count: 'i32' } as const;
const MEMBERS = { next: 'ref', prev: 'ref' } as const;

describe('FlatLists', () => {
  it('lays out each owner list in its order, owner after owner, and reuses its arrays', () => {
    const layout = new FlatLists();
    // Random lists over 5 owners (members added, some taken out), laid out twice into the same
    // FlatLists: the second, shorter layout must not show what the first left behind.
    const op = fc.record({ owner: fc.nat(4), drop: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.nat(119), (ops, cut) => {
        for (const upTo of [ops.length, Math.min(cut, ops.length)]) {
          const owners = new Table(OWNERS, 1);
          const rows = new Table(MEMBERS, 1);
          for (let o = 0; o < 5; o++) owners.add();
          const arrays: number[][] = [[], [], [], [], []];
          for (const { owner, drop } of ops.slice(0, upTo)) {
            const m = rows.add();
            append(owners.cols, rows.cols, owner, m);
            arrays[owner].push(m);
            if (drop && arrays[owner].length > 1) {
              const gone = arrays[owner].shift()!;
              unlink(owners.cols, rows.cols, owner, gone);
            }
          }
          layout.fill(owners.cols.first, rows.cols.next, 5, rows.length);
          for (let o = 0; o < 5; o++)
            expect(Array.from(layout.rows.subarray(layout.start[o], layout.start[o + 1]))).toEqual(
              arrays[o],
            );
          expect(layout.start[5]).toBe(arrays.flat().length);
        }
      }),
    );
  });

  it('throws when the lists hold more members than the bound it was given', () => {
    const owners = new Table(OWNERS, 1);
    const rows = new Table(MEMBERS, 1);
    owners.add();
    for (let j = 0; j < 3; j++) append(owners.cols, rows.cols, 0, rows.add());
    expect(() => new FlatLists().fill(owners.cols.first, rows.cols.next, 1, 2)).toThrow(
      /more than 2 members/,
    );
  });
});

describe('float64Scratch', () => {
  it('keeps an array that is long enough and replaces one that is not', () => {
    const a = new Float64Array(4);
    expect(float64Scratch(a, 4)).toBe(a);
    expect(float64Scratch(a, 2)).toBe(a);
    const b = float64Scratch(a, 5);
    expect(b).not.toBe(a);
    expect(b.length).toBe(5);
  });
});
