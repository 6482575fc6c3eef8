import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { saltelliDesign } from '../../src/experiment/designs/saltelli.js';
import { sobolPoints } from '../../src/experiment/designs/sobol-sequence.js';

const bounds = [
  { name: 'a', lower: 0, upper: 1 },
  { name: 'b', lower: -2, upper: 2 },
  { name: 'c', lower: 10, upper: 20 },
];

describe('saltelliDesign', () => {
  it('lays out N(k+2) rows in SALib order: A, AB_1..AB_k, B per base sample', () => {
    const N = 16;
    const k = bounds.length;
    const d = saltelliDesign(bounds, N);
    expect(d.rows.length).toBe(N * (k + 2));
    expect(d.blockSize).toBe(k + 2);
    expect(d.skip).toBe(16);
    // A = first k Sobol' coordinates, B = the next k, of points skip..skip+N-1.
    const base = sobolPoints(N, 2 * k, d.skip);
    for (let i = 0; i < N; i++) {
      const block = d.unit.slice(i * (k + 2), (i + 1) * (k + 2));
      const A = base[i].slice(0, k);
      const B = base[i].slice(k);
      expect(block[0]).toEqual(A);
      expect(block[k + 1]).toEqual(B);
      for (let j = 0; j < k; j++) {
        const expected = [...A];
        expected[j] = B[j];
        expect(block[1 + j]).toEqual(expected);
      }
    }
  });

  it('adds BA_j blocks for second order', () => {
    const k = bounds.length;
    const d = saltelliDesign(bounds, 8, { calcSecondOrder: true });
    expect(d.rows.length).toBe(8 * (2 * k + 2));
    const block = d.unit.slice(0, 2 * k + 2);
    const A = block[0];
    const B = block[2 * k + 1];
    for (let j = 0; j < k; j++) {
      const ba = [...B];
      ba[j] = A[j];
      expect(block[1 + k + j]).toEqual(ba);
    }
  });

  it('scales to bounds', () => {
    const d = saltelliDesign(bounds, 64);
    d.rows.forEach((row, i) =>
      row.forEach((v, j) => {
        expect(v).toBeGreaterThanOrEqual(bounds[j].lower);
        expect(v).toBeLessThan(bounds[j].upper);
        expect(v).toBeCloseTo(
          bounds[j].lower + d.unit[i][j] * (bounds[j].upper - bounds[j].lower),
          12,
        );
      }),
    );
  });

  it('random base is seeded and deterministic', () => {
    const d1 = saltelliDesign(bounds, 10, { base: 'random', rng: seedrandom('s') });
    const d2 = saltelliDesign(bounds, 10, { base: 'random', rng: seedrandom('s') });
    expect(d1.rows).toEqual(d2.rows);
    expect(d1.skip).toBe(0);
    expect(() => saltelliDesign(bounds, 10, { base: 'random' })).toThrow(/rng/);
  });
});
