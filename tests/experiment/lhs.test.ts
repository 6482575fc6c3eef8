import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { latinHypercubeUnit, lhsDesign } from '../../src/experiment/designs/lhs.js';

function strataOf(points: number[][], j: number, n: number): number[] {
  return points.map((p) => Math.floor(p[j] * n)).sort((a, b) => a - b);
}

describe('Latin hypercube', () => {
  it('hits every stratum of every dimension exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.string(),
        (n, k, seed) => {
          const pts = latinHypercubeUnit(n, k, seedrandom(seed));
          expect(pts.length).toBe(n);
          const all = Array.from({ length: n }, (_, i) => i);
          for (let j = 0; j < k; j++) expect(strataOf(pts, j, n)).toEqual(all);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('centred variant puts points at stratum midpoints', () => {
    const pts = latinHypercubeUnit(4, 2, seedrandom('c'), { centered: true });
    for (const p of pts) for (const x of p) expect([0.125, 0.375, 0.625, 0.875]).toContain(x);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const bounds = [
      { name: 'a', lower: 0, upper: 10 },
      { name: 'b', lower: -1, upper: 1 },
    ];
    const d1 = lhsDesign(bounds, 20, seedrandom('x'));
    const d2 = lhsDesign(bounds, 20, seedrandom('x'));
    const d3 = lhsDesign(bounds, 20, seedrandom('y'));
    expect(d1.rows).toEqual(d2.rows);
    expect(d1.rows).not.toEqual(d3.rows);
  });

  it('scales to bounds, keeping one point per scaled stratum', () => {
    const bounds = [
      { name: 'a', lower: 0, upper: 10 },
      { name: 'b', lower: -1, upper: 1 },
    ];
    const n = 25;
    const d = lhsDesign(bounds, n, seedrandom('scale'));
    expect(d.factors).toEqual(['a', 'b']);
    bounds.forEach((b, j) => {
      const strata = d.rows
        .map((r) => Math.floor(((r[j] - b.lower) / (b.upper - b.lower)) * n))
        .sort((x, y) => x - y);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
      d.rows.forEach((r, i) =>
        expect(r[j]).toBeCloseTo(b.lower + d.unit[i][j] * (b.upper - b.lower), 12),
      );
    });
  });

  it('jitters points uniformly inside their strata', () => {
    // Position within the stratum should be U(0,1): mean 0.5 (sd of the mean here ~0.006).
    // A bug that always used the stratum start (or centre) would fail this.
    const n = 2000;
    const offsets = latinHypercubeUnit(n, 1, seedrandom('m')).map(
      (p) => p[0] * n - Math.floor(p[0] * n),
    );
    const m = offsets.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(m - 0.5)).toBeLessThan(0.03);
    expect(offsets.filter((x) => x < 0.1).length / n).toBeGreaterThan(0.07);
    expect(offsets.filter((x) => x > 0.9).length / n).toBeGreaterThan(0.07);
  });

  it('rejects bad input', () => {
    expect(() => lhsDesign([{ name: 'a', lower: 1, upper: 1 }], 5, seedrandom('x'))).toThrow();
    expect(() => latinHypercubeUnit(0, 2, seedrandom('x'))).toThrow();
  });
});
