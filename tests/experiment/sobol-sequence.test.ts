/* eslint-disable no-loss-of-precision -- reference constants are quoted at their published precision */
import { describe, expect, it } from 'vitest';
import {
  MAX_SOBOL_DIMENSION,
  SobolSequence,
  sobolPoints,
} from '../../src/experiment/designs/sobol-sequence.js';

// Reference values from scipy.stats.qmc.Sobol(d, scramble=False, bits=32), which uses the
// same Joe–Kuo new-joe-kuo-6.21201 direction numbers.
describe('Sobol sequence', () => {
  it('supports at least 2k dimensions for k = 10+ factors', () => {
    expect(MAX_SOBOL_DIMENSION).toBeGreaterThanOrEqual(256);
  });

  it('starts with the known low-resolution points', () => {
    const pts = sobolPoints(8, 5);
    expect(pts).toEqual([
      [0, 0, 0, 0, 0],
      [0.5, 0.5, 0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25, 0.25, 0.75],
      [0.25, 0.75, 0.75, 0.75, 0.25],
      [0.375, 0.375, 0.625, 0.875, 0.375],
      [0.875, 0.875, 0.125, 0.375, 0.875],
      [0.625, 0.125, 0.875, 0.625, 0.625],
      [0.125, 0.625, 0.375, 0.125, 0.125],
    ]);
  });

  it('matches scipy deep in the sequence (all direction-number bits in use)', () => {
    const [p, q] = sobolPoints(2, 256, 123456);
    const expected: Record<number, [number, number]> = {
      0: [0.02649688720703125, 0.5264968872070312],
      1: [0.18274688720703125, 0.6827468872070312],
      2: [0.30725860595703125, 0.8072586059570312],
      5: [0.20325469970703125, 0.7032546997070312],
      20: [0.11809539794921875, 0.6180953979492188],
      39: [0.37097930908203125, 0.8709793090820312],
      100: [0.5315628051757812, 0.03156280517578125],
      255: [0.48700714111328125, 0.9870071411132812],
    };
    for (const [j, [a, b]] of Object.entries(expected)) {
      expect(p[Number(j)]).toBe(a);
      expect(q[Number(j)]).toBe(b);
    }
    const [far] = sobolPoints(1, 256, 1_000_000_007);
    expect(far[0]).toBe(0.1287523740902543);
    expect(far[3]).toBe(0.7190851317718625);
    expect(far[63]).toBe(0.9862174717709422);
    expect(far[200]).toBe(0.9058225573971868);
    expect(far[255]).toBe(0.4674277761951089);
  });

  it('matches scipy checksums over 3000 points x 256 dimensions', () => {
    const pts = sobolPoints(3000, 256, 5000);
    let sq = 0;
    let cross = 0;
    for (const p of pts) {
      for (let j = 0; j < 256; j++) {
        sq += p[j] * p[j] * (j + 1);
        if (j < 255) cross += p[j] * p[j + 1];
      }
    }
    expect(sq).toBeCloseTo(32893578.99765396, 5);
    expect(cross).toBeCloseTo(191239.95177400112, 6);
  });

  it('first 2^m points are stratified in every dimension', () => {
    const m = 7;
    const n = 2 ** m;
    const pts = sobolPoints(n, MAX_SOBOL_DIMENSION);
    for (let j = 0; j < MAX_SOBOL_DIMENSION; j++) {
      const cells = pts.map((p) => Math.floor(p[j] * n)).sort((a, b) => a - b);
      expect(cells).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('dimensions 1-2 form a (0, m, 2)-net: one point per elementary box', () => {
    const m = 8;
    const pts = sobolPoints(2 ** m, 2, 2 ** m); // any aligned block of 2^m points
    for (let a = 0; a <= m; a++) {
      const boxes = new Set(
        pts.map((p) => `${Math.floor(p[0] * 2 ** a)},${Math.floor(p[1] * 2 ** (m - a))}`),
      );
      expect(boxes.size).toBe(2 ** m);
    }
  });

  it('skip / seek agree with sequential generation', () => {
    const all = sobolPoints(300, 12);
    expect(sobolPoints(100, 12, 200)).toEqual(all.slice(200));
    const seq = new SobolSequence(12);
    seq.seek(137);
    expect(seq.next()).toEqual(all[137]);
    expect(seq.next()).toEqual(all[138]);
  });

  it('rejects unsupported dimensions', () => {
    expect(() => sobolPoints(1, MAX_SOBOL_DIMENSION + 1)).toThrow();
    expect(() => sobolPoints(1, 0)).toThrow();
  });
});
