import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { analyzeMorris, elementaryEffects } from '../../src/analysis/sensitivity/morris.js';
import { morrisDesign } from '../../src/experiment/designs/morris.js';

const unitBounds = (k: number) =>
  Array.from({ length: k }, (_, j) => ({ name: `x${j + 1}`, lower: 0, upper: 1 }));

describe('Morris screening', () => {
  it('linear model: mu* equals the coefficients and ranks the factors', () => {
    const design = morrisDesign(unitBounds(3), 10, seedrandom('lin'));
    const y = design.rows.map(([x1, x2, x3]) => 10 * x1 + 3 * x2 + 0.1 * x3);
    const res = analyzeMorris(design, y, { rng: seedrandom('b') });
    [10, 3, 0.1].forEach((c, j) => {
      expect(res.muStar[j]).toBeCloseTo(c, 10);
      expect(res.mu[j]).toBeCloseTo(c, 10);
      expect(res.sigma[j]).toBeCloseTo(0, 10);
    });
    const ranking = [...res.factors].sort(
      (p, q) => res.muStar[res.factors.indexOf(q)] - res.muStar[res.factors.indexOf(p)],
    );
    expect(ranking).toEqual(['x1', 'x2', 'x3']);
  });

  it('effects are per full factor range (scale-free across bounds)', () => {
    const bounds = [
      { name: 'wide', lower: 0, upper: 100 },
      { name: 'narrow', lower: 5, upper: 5.5 },
    ];
    const design = morrisDesign(bounds, 4, seedrandom('scale'));
    // y = 0.01·wide + 1·narrow: a full-range change moves y by 1 and by 0.5 respectively.
    const res = analyzeMorris(
      design,
      design.rows.map(([w, n]) => 0.01 * w + n),
    );
    expect(res.muStar[0]).toBeCloseTo(1, 10);
    expect(res.muStar[1]).toBeCloseTo(0.5, 10);
  });

  it('negative effects: mu < 0 but mu* > 0', () => {
    const design = morrisDesign(unitBounds(2), 8, seedrandom('neg'));
    const res = analyzeMorris(
      design,
      design.rows.map(([x1, x2]) => -4 * x1 + x2),
    );
    expect(res.mu[0]).toBeCloseTo(-4, 10);
    expect(res.muStar[0]).toBeCloseTo(4, 10);
  });

  it('nonlinear model with an interaction: sigma > 0 exactly where expected', () => {
    // x1 linear, x2 quadratic (non-linear), x3·x4 interaction, x5 inert.
    const design = morrisDesign(unitBounds(5), 40, seedrandom('nl'));
    const y = design.rows.map(([x1, x2, x3, x4]) => 2 * x1 + 3 * x2 ** 2 + 5 * x3 * x4);
    const res = analyzeMorris(design, y, { rng: seedrandom('b') });
    expect(res.sigma[0]).toBeCloseTo(0, 10);
    expect(res.sigma[4]).toBe(0);
    expect(res.muStar[4]).toBe(0);
    for (const j of [1, 2, 3]) expect(res.sigma[j]).toBeGreaterThan(0.5);
    // With p = 4, Δ = 2/3: EE of x2 is 3(2x+Δ) for x in {0, 1/3}, so in {2, 4}; mu* of x3, x4 is 5·E[x_other] ≈ 2.5.
    for (const e of res.effects[1])
      expect([2, 4].some((v) => Math.abs(Math.abs(e) - v) < 1e-9)).toBe(true);
    expect(res.muStar[0]).toBeCloseTo(2, 10);
    expect(res.muStar[2]).toBeGreaterThan(1.5);
    expect(res.muStar[3]).toBeGreaterThan(1.5);
    expect(res.muStar[4]).toBeLessThan(res.muStar[0]);
  });

  it('mu* bootstrap CI covers the known value and shrinks with r', () => {
    // y = x1 x2 on [0,1]^2: EE of x1 = x2 at the step, x2 uniform over the grid {0,1/3,2/3,1}: mu* = 0.5.
    const run = (r: number) => {
      const design = morrisDesign(unitBounds(2), r, seedrandom(`ci${r}`));
      return analyzeMorris(
        design,
        design.rows.map(([x1, x2]) => x1 * x2),
        { rng: seedrandom('b'), resamples: 1000 },
      );
    };
    const small = run(20);
    const large = run(200);
    for (const res of [small, large]) {
      expect(Math.abs(res.muStar[0] - 0.5)).toBeLessThanOrEqual(res.muStarConf[0]);
      expect(res.muStarBootstrap[0].lower).toBeLessThanOrEqual(0.5);
      expect(res.muStarBootstrap[0].upper).toBeGreaterThanOrEqual(0.5);
    }
    expect(large.muStarConf[0]).toBeLessThan(small.muStarConf[0] / 2);
  });

  it('k = 1: one factor, one step per trajectory; mu* is the slope per full range', () => {
    const design = morrisDesign([{ name: 'x', lower: 2, upper: 4 }], 6, seedrandom('k1'));
    expect(design.rows).toHaveLength(12);
    // y = 1.5 x on [2, 4]: a full-range change moves y by 3; sigma 0 (linear).
    const res = analyzeMorris(
      design,
      design.rows.map(([x]) => 1.5 * x),
    );
    expect(res.muStar[0]).toBeCloseTo(3, 12);
    expect(res.sigma[0]).toBeCloseTo(0, 12);
    expect(res.muStarBootstrap[0].lower).toBeCloseTo(3, 12);
  });

  it('one elementary effect per factor (r = 1): mu* without an interval, not one of width zero', () => {
    const design = morrisDesign(unitBounds(2), 1, seedrandom('one'));
    const y = design.rows.map(([x1, x2]) => 10 * x1 + 3 * x2);
    const res = analyzeMorris(design, y, { rng: seedrandom('b1') });
    expect(res.muStar[0]).toBeCloseTo(10, 10);
    expect(res.muStar[1]).toBeCloseTo(3, 10);
    for (const b of res.muStarBootstrap) {
      // Every resample of one effect is that effect: SALib's [mu*, mu*] claims certainty.
      expect(b.lower).toBeNaN();
      expect(b.upper).toBeNaN();
      expect(b.conf).toBeNaN();
    }
    expect(res.sigma.every(Number.isNaN)).toBe(true);
    // Two trajectories already resample something: a proper interval around mu* = 10.
    const two = morrisDesign(unitBounds(2), 2, seedrandom('two'));
    const res2 = analyzeMorris(
      two,
      two.rows.map(([x1, x2]) => 10 * x1 + 3 * x2),
      { rng: seedrandom('b2') },
    );
    expect(res2.muStarBootstrap[0].lower).toBeCloseTo(10, 10);
    expect(res2.muStarBootstrap[0].upper).toBeCloseTo(10, 10);
  });

  it('zero variance: a constant output gives mu = mu* = sigma = 0 (as SALib), never NaN', () => {
    const design = morrisDesign(unitBounds(3), 5, seedrandom('const'));
    const res = analyzeMorris(
      design,
      design.rows.map(() => 0.333333),
    );
    for (const v of [...res.mu, ...res.muStar, ...res.sigma]) expect(v).toBe(0);
    for (const b of res.muStarBootstrap) expect([b.lower, b.upper]).toEqual([0, 0]);
  });

  it('elementary effects follow the step metadata, not row differences of other factors', () => {
    const design = morrisDesign(unitBounds(3), 3, seedrandom('ee'));
    const y = design.rows.map(([x1, x2, x3]) => x1 + 10 * x2 + 100 * x3);
    const ee = elementaryEffects(design, y);
    expect(ee.map((e) => e.length)).toEqual([3, 3, 3]);
    ee.forEach((e, j) => e.forEach((v) => expect(v).toBeCloseTo(10 ** j, 9)));
    expect(() => elementaryEffects(design, y.slice(1))).toThrow();
  });
});
