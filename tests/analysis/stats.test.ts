import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  bootstrapDiffMeans,
  mean,
  meanConfidenceInterval,
  normalQuantile,
  percentileInterval,
  regularizedIncompleteBeta,
  sd,
  studentTCdf,
  studentTQuantile,
  summarizeBootstrap,
} from '../../src/analysis/sensitivity/stats.js';

/** Relative closeness, for checking special functions against reference values. */
function expectRelClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('descriptive statistics', () => {
  it('mean and sample sd', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935299395, 14); // n-1 denominator
    expect(sd([3])).toBeNaN();
    expect(() => mean([])).toThrow();
  });
});

describe('normal quantile (AS 241)', () => {
  it('matches reference values to ~1e-15', () => {
    // References: scipy.stats.norm.ppf.
    expectRelClose(normalQuantile(0.975), 1.959963984540054, 1e-15);
    expectRelClose(normalQuantile(0.3), -0.5244005127080409, 1e-14);
    expectRelClose(normalQuantile(1e-10), -6.361340902404056, 1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('Student t distribution', () => {
  // References: scipy.stats.t.ppf (and statistical tables to 3 decimals, e.g. t_{0.975,9} = 2.262).
  const quantiles: [p: number, df: number, t: number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 3, 3.1824463052837078],
    [0.975, 5, 2.5705818356363146],
    [0.975, 9, 2.262157162798205],
    [0.975, 30, 2.0422724563012378],
    [0.975, 120, 1.9799304050824402],
    [0.995, 10, 3.16927267261695],
    [0.95, 4, 2.1318467863266495],
    [0.9, 7.5, 1.4052118464159533],
    [0.025, 9, -2.2621571627982053],
    [0.6, 15, 0.25788530093726125],
  ];

  it.each(quantiles)('quantile p=%s df=%s', (p, df, t) => {
    expectRelClose(studentTQuantile(p, df), t, 1e-11);
  });

  it('textbook value t_{0.975, 9} = 2.262', () => {
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
  });

  it('cdf matches reference values', () => {
    expectRelClose(studentTCdf(-2.5, 4), 0.03338327240599407, 1e-12);
    expectRelClose(studentTCdf(1.3, 12.5), 0.8914689946828556, 1e-12);
    expect(studentTCdf(0, 3)).toBe(0.5);
  });

  it('approaches the normal for large df', () => {
    expectRelClose(studentTQuantile(0.975, 1e6), 1.959963984540054, 1e-5);
  });

  it('quantile inverts the cdf (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        (p, df) => {
          const t = studentTQuantile(p, df);
          const back = studentTCdf(t, df);
          // Compare on the smaller tail, where the relative error is meaningful.
          return Math.abs(back - p) <= 1e-10 * Math.min(p, 1 - p) + 1e-15;
        },
      ),
    );
  });

  it('incomplete beta special cases', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 15);
    expect(regularizedIncompleteBeta(0.7, 3.5, 1)).toBeCloseTo(0.7 ** 3.5, 14);
    expect(regularizedIncompleteBeta(0.2, 2.5, 4)).toBeCloseTo(
      1 - regularizedIncompleteBeta(0.8, 4, 2.5),
      14,
    );
  });

  it('rejects invalid arguments', () => {
    expect(() => studentTQuantile(0.5, 0)).toThrow();
    expect(() => studentTQuantile(1.5, 3)).toThrow();
  });
});

describe('confidence intervals', () => {
  it('t interval for a mean matches a hand computation', () => {
    const x = [4.1, 5.3, 6.0, 3.8, 5.5, 4.9, 6.2, 5.1, 4.4, 5.7];
    const ci = meanConfidenceInterval(x);
    // scipy: mean ± t.ppf(0.975, 9) * sd / sqrt(10)
    expect(ci.mean).toBeCloseTo(5.1, 12);
    expect(ci.sd).toBeCloseTo(0.8027729719194865, 12);
    expect(ci.df).toBe(9);
    expect(ci.tCritical).toBeCloseTo(2.262157162798205, 10);
    expect(ci.lower).toBeCloseTo(4.525730810610801, 10);
    expect(ci.upper).toBeCloseTo(5.6742691893892, 10);
    expect(() => meanConfidenceInterval([1])).toThrow();
  });

  it('t interval has about nominal coverage on normal data', () => {
    const rng = seedrandom('coverage');
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    let covered = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const ci = meanConfidenceInterval(Array.from({ length: 5 }, () => 3 + 2 * normal()));
      if (ci.lower <= 3 && 3 <= ci.upper) covered++;
    }
    // Binomial sd of the coverage is ~0.005; a z interval (1.96) would give ~0.88 with n = 5.
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });

  it('percentile interval uses type-7 quantiles', () => {
    const xs = [10, 3, 7, 0, 1, 2, 4, 5, 6, 8, 9]; // 0..10, unsorted
    const [lo, hi] = percentileInterval(xs, 0.9); // positions 0.05*10 and 0.95*10, interpolated
    expect(lo).toBeCloseTo(0.5, 12);
    expect(hi).toBeCloseTo(9.5, 12);
  });

  it('summarizeBootstrap gives SALib-style normal half-width', () => {
    const s = summarizeBootstrap(1, [0, 2], 0.95);
    expect(s.se).toBeCloseTo(Math.SQRT2, 14);
    expect(s.conf).toBeCloseTo(1.959963984540054 * Math.SQRT2, 12);
  });

  it('bootstrap CI for a difference of means', () => {
    const rng = seedrandom('two-samples');
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const a = Array.from({ length: 60 }, () => 1 + normal());
    const b = Array.from({ length: 80 }, () => 2 * normal());
    const boot = bootstrapDiffMeans(a, b, { resamples: 4000, rng: seedrandom('boot') });
    expect(boot.estimate).toBeCloseTo(mean(a) - mean(b), 12);
    expect(boot.lower).toBeLessThan(boot.estimate);
    expect(boot.upper).toBeGreaterThan(boot.estimate);
    // Width close to the normal-theory (Welch) interval: bootstrap se ≈ sqrt(s_a²/n_a + s_b²/n_b).
    const welchSe = Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
    expect(boot.se / welchSe).toBeGreaterThan(0.9);
    expect(boot.se / welchSe).toBeLessThan(1.1);
    expect((boot.upper - boot.lower) / (2 * 1.96 * welchSe)).toBeGreaterThan(0.9);
    expect((boot.upper - boot.lower) / (2 * 1.96 * welchSe)).toBeLessThan(1.1);
    // Reproducible for the same seed.
    const again = bootstrapDiffMeans(a, b, { resamples: 4000, rng: seedrandom('boot') });
    expect(again).toEqual(boot);
  });
});
