import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyzeSobol, sobolTable } from '../../src/analysis/sensitivity/sobol.js';
import { saltelliDesign } from '../../src/experiment/designs/saltelli.js';

// Ishigami & Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U(-π, π).
const a = 7;
const b = 0.1;
const ishigami = ([x1, x2, x3]: number[]): number =>
  Math.sin(x1) + a * Math.sin(x2) ** 2 + b * x3 ** 4 * Math.sin(x1);
const ishigamiBounds = ['x1', 'x2', 'x3'].map((name) => ({
  name,
  lower: -Math.PI,
  upper: Math.PI,
}));

// Analytic partial variances (e.g. Saltelli et al. 2008, §4.8; Sobol' & Levitan 1999).
const pi = Math.PI;
const V1 = 0.5 * (1 + (b * pi ** 4) / 5) ** 2;
const V2 = a ** 2 / 8;
const V13 = (8 * b ** 2 * pi ** 8) / 225;
const V = V1 + V2 + V13;
const S1_TRUE = [V1 / V, V2 / V, 0];
const ST_TRUE = [(V1 + V13) / V, V2 / V, V13 / V];
const S13_TRUE = V13 / V;

describe('Sobol indices on the Ishigami function', () => {
  it('analytic values are the textbook ones', () => {
    const close = (x: number[], y: number[]) => x.forEach((v, j) => expect(v).toBeCloseTo(y[j], 3));
    close(S1_TRUE, [0.3139, 0.4424, 0]);
    close(ST_TRUE, [0.5576, 0.4424, 0.2437]);
  });

  it('first- and total-order indices from a Sobol-sequence base', () => {
    const design = saltelliDesign(ishigamiBounds, 4096);
    const result = analyzeSobol(design, design.rows.map(ishigami), {
      resamples: 500,
      rng: seedrandom('boot'),
    });
    expect(result.factors).toEqual(['x1', 'x2', 'x3']);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(result.S1[j] - S1_TRUE[j])).toBeLessThan(0.02);
      expect(Math.abs(result.ST[j] - ST_TRUE[j])).toBeLessThan(0.02);
      // Both CI flavours cover the analytic values…
      expect(Math.abs(result.S1[j] - S1_TRUE[j])).toBeLessThanOrEqual(result.S1Conf[j]);
      expect(Math.abs(result.ST[j] - ST_TRUE[j])).toBeLessThanOrEqual(result.STConf[j]);
      expect(result.bootstrap.S1[j].lower).toBeLessThanOrEqual(S1_TRUE[j]);
      expect(result.bootstrap.S1[j].upper).toBeGreaterThanOrEqual(S1_TRUE[j]);
      expect(result.bootstrap.ST[j].lower).toBeLessThanOrEqual(ST_TRUE[j]);
      expect(result.bootstrap.ST[j].upper).toBeGreaterThanOrEqual(ST_TRUE[j]);
      // …without being uselessly wide.
      expect(result.S1Conf[j]).toBeLessThan(0.05);
      expect(result.STConf[j]).toBeLessThan(0.05);
    }
    expect(result.S2).toBeNull();
    const table = sobolTable(result);
    expect(table[1].factor).toBe('x2');
    expect(table[1].ST).toBe(result.ST[1]);
  });

  it('plain Monte Carlo base (seeded) converges too', () => {
    const design = saltelliDesign(ishigamiBounds, 4096, { base: 'random', rng: seedrandom('mc') });
    const result = analyzeSobol(design, design.rows.map(ishigami), {
      resamples: 500,
      rng: seedrandom('boot'),
    });
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(result.S1[j] - S1_TRUE[j])).toBeLessThan(0.05);
      expect(Math.abs(result.ST[j] - ST_TRUE[j])).toBeLessThan(0.05);
      expect(Math.abs(result.S1[j] - S1_TRUE[j])).toBeLessThanOrEqual(result.S1Conf[j]);
      expect(Math.abs(result.ST[j] - ST_TRUE[j])).toBeLessThanOrEqual(result.STConf[j]);
    }
  });

  it('second-order indices: only the x1-x3 interaction', () => {
    const design = saltelliDesign(ishigamiBounds, 2048, { calcSecondOrder: true });
    const result = analyzeSobol(design, design.rows.map(ishigami), {
      resamples: 300,
      rng: seedrandom('boot'),
    });
    const S2 = result.S2!;
    const S2Conf = result.S2Conf!;
    expect(Math.abs(S2[0][2] - S13_TRUE)).toBeLessThan(0.03);
    expect(Math.abs(S2[0][1])).toBeLessThan(0.03);
    expect(Math.abs(S2[1][2])).toBeLessThan(0.03);
    expect(Math.abs(S2[0][2] - S13_TRUE)).toBeLessThanOrEqual(S2Conf[0][2]);
    expect(Math.abs(S2[0][1])).toBeLessThanOrEqual(S2Conf[0][1]);
    expect(S2[1][0]).toBeNaN(); // only j < l is filled
    // First/total order from the same (longer) layout still agree.
    for (let j = 0; j < 3; j++) expect(Math.abs(result.ST[j] - ST_TRUE[j])).toBeLessThan(0.03);
  });
});

describe('Sobol indices, other checks', () => {
  it('additive linear model: S1 = ST = c_j² / Σc²', () => {
    const c = [1, 2, 3];
    const bounds = c.map((_, j) => ({ name: `x${j}`, lower: 0, upper: 1 }));
    const design = saltelliDesign(bounds, 1024);
    const result = analyzeSobol(
      design,
      design.rows.map((x) => x.reduce((s, v, j) => s + c[j] * v, 0)),
      { resamples: 100 },
    );
    const expected = c.map((v) => v ** 2 / 14);
    for (let j = 0; j < 3; j++) {
      expect(result.S1[j]).toBeCloseTo(expected[j], 2);
      expect(result.ST[j]).toBeCloseTo(expected[j], 2);
    }
  });

  it('a factor the model ignores gets S1 = ST = 0', () => {
    const bounds = ['u', 'dummy'].map((name) => ({ name, lower: 0, upper: 1 }));
    const design = saltelliDesign(bounds, 256);
    const result = analyzeSobol(
      design,
      design.rows.map(([u]) => Math.exp(u)),
      { resamples: 50 },
    );
    expect(result.ST[1]).toBe(0);
    expect(result.S1[1]).toBe(0);
    expect(result.ST[0]).toBeCloseTo(1, 2);
  });

  it('is reproducible and depends on the resampling seed only through the CIs', () => {
    const design = saltelliDesign(ishigamiBounds, 256);
    const y = design.rows.map(ishigami);
    const r1 = analyzeSobol(design, y, { resamples: 100, rng: seedrandom('s') });
    const r2 = analyzeSobol(design, y, { resamples: 100, rng: seedrandom('s') });
    const r3 = analyzeSobol(design, y, { resamples: 100, rng: seedrandom('t') });
    expect(r2).toEqual(r1);
    expect(r3.S1).toEqual(r1.S1);
    expect(r3.S1Conf).not.toEqual(r1.S1Conf);
    // Default RNG is fixed, so results are reproducible without passing one.
    expect(analyzeSobol(design, y, { resamples: 50 })).toEqual(
      analyzeSobol(design, y, { resamples: 50 }),
    );
  });

  it('validates outputs', () => {
    const design = saltelliDesign(ishigamiBounds, 8);
    const y = design.rows.map(ishigami);
    expect(() => analyzeSobol(design, y.slice(1))).toThrow(/expected 40 outputs/);
    expect(() =>
      analyzeSobol(
        design,
        y.map((v, i) => (i === 3 ? NaN : v)),
      ),
    ).toThrow(/output 3/);
    const constant = analyzeSobol(
      design,
      y.map(() => 1),
      { resamples: 10 },
    );
    expect(constant.S1.every(Number.isNaN)).toBe(true);
  });
});
