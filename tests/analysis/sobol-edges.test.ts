import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyzeSobol, twoPassMoments } from '../../src/analysis/sensitivity/sobol.js';
import { saltelliDesign } from '../../src/experiment/designs/saltelli.js';

// Sobol' G function (Saltelli & Sobol' 1995; Saltelli et al. 2008, §3.6):
// f = Π (|4x_i − 2| + a_i) / (1 + a_i), x_i ~ U(0, 1). V_i = 1 / (3 (1 + a_i)²),
// V = Π (1 + V_i) − 1, S_i = V_i / V, ST_i = V_i Π_{j≠i} (1 + V_j) / V.
const aG = [0, 1, 4.5, 9, 99];
const g = (x: number[]) =>
  x.reduce((p, v, i) => (p * (Math.abs(4 * v - 2) + aG[i])) / (1 + aG[i]), 1);
const Vi = aG.map((a) => 1 / (3 * (1 + a) ** 2));
const VG = Vi.reduce((p, v) => p * (1 + v), 1) - 1;
const S1_G = Vi.map((v) => v / VG);
const ST_G = Vi.map((v, i) => (v * Vi.reduce((p, w, j) => (j === i ? p : p * (1 + w)), 1)) / VG);
const unit = (k: number) =>
  Array.from({ length: k }, (_, j) => ({ name: `x${j}`, lower: 0, upper: 1 }));

describe('Sobol indices: analytic references and edge cases', () => {
  it("Sobol' G function matches its analytic S1 and ST", () => {
    // Analytic values, by hand: V = 0.46528, S1 of x0 = (1/3)/V = 0.7164, ST of x0 = 0.7873 for a = (0, 1, 4.5, 9, 99).
    expect(S1_G[0]).toBeCloseTo(0.7164, 4);
    expect(ST_G[0]).toBeCloseTo(0.7873, 4);
    const design = saltelliDesign(unit(5), 4096);
    const r = analyzeSobol(design, design.rows.map(g), { resamples: 200, rng: seedrandom('g') });
    expect(r.undefinedReason).toBeNull();
    for (let j = 0; j < 5; j++) {
      expect(Math.abs(r.S1[j] - S1_G[j])).toBeLessThan(0.02);
      expect(Math.abs(r.ST[j] - ST_G[j])).toBeLessThan(0.02);
    }
  });

  it('k = 1: the one factor explains everything (S1 = ST = 1)', () => {
    const design = saltelliDesign(unit(1), 64);
    const r = analyzeSobol(
      design,
      design.rows.map(([x]) => x ** 2),
      { resamples: 50 },
    );
    expect(r.S1[0]).toBeCloseTo(1, 1);
    expect(r.ST[0]).toBeCloseTo(1, 1);
  });

  it('N not a power of two still gives consistent estimates (linear model, S = c²/Σc²)', () => {
    const design = saltelliDesign(unit(2), 1000);
    const r = analyzeSobol(
      design,
      design.rows.map(([x, y]) => x + 2 * y),
      { resamples: 50 },
    );
    expect(r.S1[0]).toBeCloseTo(0.2, 2);
    expect(r.ST[1]).toBeCloseTo(0.8, 2);
  });

  it('variance is two-pass: no cancellation for large offsets', () => {
    const xs = [1e9 + 1, 1e9 + 2, 1e9 + 3];
    expect(twoPassMoments(xs).variance).toBeCloseTo(2 / 3, 9);
    // The one-pass formula E[x²] − E[x]² loses every digit here.
    const onePass =
      xs.reduce((s, v) => s + v * v, 0) / 3 - (xs.reduce((s, v) => s + v, 0) / 3) ** 2;
    expect(Math.abs(onePass - 2 / 3)).toBeGreaterThan(0.1);
  });

  it('constant A and B but one varying AB block: undefined, not 1e17 (issue 12, kind 1)', () => {
    // The sweep that showed the bug: a share constant except in one AB_j row. SALib's estimators
    // divide by Var(f(A) ∪ f(B)) = 0, so no index exists.
    const design = saltelliDesign(unit(3), 16);
    const y = design.rows.map(() => 0.333333);
    y[1 + 5 * 2] = 0.5; // AB_0 of base sample 2 (blocks of k + 2 = 5 rows)
    const r = analyzeSobol(design, y, { resamples: 100 });
    expect(r.undefinedReason).toMatch(/A and B samples do not vary/);
    for (const v of [...r.S1, ...r.ST, ...r.S1Conf]) expect(v).toBeNaN();
    for (const b of r.bootstrap.ST) expect(b.lower).toBeNaN();
  });

  it('outputs constant to within rounding are undefined too', () => {
    const design = saltelliDesign(unit(2), 8);
    const y = design.rows.map((_, i) => (i % 2 ? 0.1 + 0.2 : 0.3));
    expect(analyzeSobol(design, y, { resamples: 10 }).undefinedReason).toMatch(/do not vary/);
  });

  it('one base sample (N = 1): estimates without intervals, not intervals of width zero', () => {
    const design = saltelliDesign(unit(2), 1);
    // The one unscrambled Sobol' point is the same in A and B, so add what a stochastic
    // model adds, a different value per run, for V to be defined.
    const y = design.rows.map(([x, z], i) => x + 2 * z + 0.1 * i);
    const r = analyzeSobol(design, y, { resamples: 50, rng: seedrandom('n1') });
    expect(r.undefinedReason).toBeNull();
    expect(r.S1.every(Number.isFinite)).toBe(true);
    for (const b of [...r.bootstrap.S1, ...r.bootstrap.ST]) {
      // Every resample of one base sample is that sample: [estimate, estimate] before.
      expect(b.lower).toBeNaN();
      expect(b.upper).toBeNaN();
    }
    // N = 2 resamples something: intervals exist.
    const two = saltelliDesign(unit(2), 2);
    const r2 = analyzeSobol(
      two,
      two.rows.map(([x, z]) => x + 2 * z),
      { resamples: 50, rng: seedrandom('n2') },
    );
    expect(r2.bootstrap.ST.every((b) => Number.isFinite(b.lower))).toBe(true);
  });

  it('a bootstrap replicate whose V vanishes is left out and counted', () => {
    // A ∪ B vary only at base sample 0: resamples that miss it (≈ (7/8)^8 = 34%) have V = 0.
    const design = saltelliDesign(unit(2), 8);
    const y = design.rows.map(([x]) => x);
    for (let i = 1; i < 8; i++) {
      y[i * 4] = 0.25;
      y[i * 4 + 3] = 0.25;
    }
    const r = analyzeSobol(design, y, { resamples: 400, rng: seedrandom('drop') });
    expect(r.undefinedReason).toBeNull();
    expect(r.droppedReplicates).toBeGreaterThan(80);
    expect(r.droppedReplicates).toBeLessThan(200);
    expect(r.bootstrap.ST[0].resamples).toBe(400 - r.droppedReplicates);
    for (const b of [...r.bootstrap.S1, ...r.bootstrap.ST]) {
      expect(Math.abs(b.lower)).toBeLessThan(100);
      expect(Math.abs(b.upper)).toBeLessThan(100);
    }
  });
});
