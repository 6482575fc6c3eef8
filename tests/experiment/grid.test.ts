import { describe, expect, expectTypeOf, it } from 'vitest';
import { gridDesign } from '../../src/experiment/designs/grid.js';
import { toRecords } from '../../src/experiment/designs/types.js';

describe('gridDesign', () => {
  it('has one row per combination, first factor varying slowest', () => {
    const d = gridDesign([
      { name: 'a', values: [1, 2] },
      { name: 'b', values: ['x', 'y', 'z'] },
      { name: 'c', values: [true, false] },
    ]);
    expect(d.rows.length).toBe(2 * 3 * 2);
    expect(d.shape).toEqual([2, 3, 2]);
    expect(d.factors).toEqual(['a', 'b', 'c']);
    expect(d.rows.slice(0, 4)).toEqual([
      [1, 'x', true],
      [1, 'x', false],
      [1, 'y', true],
      [1, 'y', false],
    ]);
    expect(d.rows[6]).toEqual([2, 'x', true]);
    expect(d.rows[11]).toEqual([2, 'z', false]);
    // Every combination exactly once.
    expect(new Set(d.rows.map((r) => JSON.stringify(r))).size).toBe(12);
    // levelIndex points back into the value lists.
    d.rows.forEach((row, i) => {
      expect(
        d.levelIndex[i].map(
          (l, j) =>
            [
              [1, 2],
              ['x', 'y', 'z'],
              [true, false],
            ][j][l],
        ),
      ).toEqual(row);
    });
  });

  it('size is the product of the list lengths', () => {
    for (const lengths of [[1], [5], [2, 7], [3, 1, 4], [2, 2, 2, 2, 2]]) {
      const d = gridDesign(
        lengths.map((n, j) => ({ name: `f${j}`, values: Array.from({ length: n }, (_, i) => i) })),
      );
      expect(d.rows.length).toBe(lengths.reduce((a, b) => a * b, 1));
    }
  });

  it('types mixed-value grids as the union of the value types', () => {
    const d = gridDesign([
      { name: 'a', values: [1, 2] },
      { name: 'b', values: ['x'] },
    ]);
    expectTypeOf(d.rows).toEqualTypeOf<(number | string)[][]>();
  });

  it('converts to records', () => {
    const d = gridDesign([
      { name: 'a', values: [1] },
      { name: 'b', values: [2, 3] },
    ]);
    expect(toRecords(d)).toEqual([
      { a: 1, b: 2 },
      { a: 1, b: 3 },
    ]);
  });

  it('rejects empty and duplicate factors', () => {
    expect(() => gridDesign([])).toThrow();
    expect(() => gridDesign([{ name: 'a', values: [] }])).toThrow();
    expect(() =>
      gridDesign([
        { name: 'a', values: [1] },
        { name: 'a', values: [2] },
      ]),
    ).toThrow(/duplicate/);
  });
});
