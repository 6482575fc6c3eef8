/**
 * Intervals of bounded metrics (issue 12, kind 8): they stay in the metric's domain and hold
 * their nominal level in a seeded coverage simulation where the t interval does not; a cell
 * whose replicates all agree gets no zero-width interval for a share of known denominator.
 */
import seedrandom from 'seedrandom';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeRuns, summarizeValues, type SummaryRow } from '../../src/analysis/summary.js';
import {
  boundedMeanInterval,
  meanConfidenceInterval,
  type Rng,
} from '../../src/analysis/sensitivity/stats.js';
import { TIMESERIES_COLUMNS } from '../../src/engine/observations.js';

/** Gamma(k, 1) variate from uniforms (Marsaglia & Tsang 2000; k < 1 by Stuart's boost). */
function gamma(k: number, rng: Rng): number {
  if (k < 1) return gamma(k + 1, rng) * rng() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * x;
    } while (v <= 0);
    v = v ** 3;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
const beta = (a: number, b: number, rng: Rng) => {
  const x = gamma(a, rng);
  return x / (x + gamma(b, rng));
};
/** Poisson(λ) by Knuth's product of uniforms. */
const poisson = (lambda: number, rng: Rng) => {
  let k = 0;
  for (let p = rng(); p > Math.exp(-lambda); p *= rng()) k++;
  return k;
};

function coverage(
  draw: (rng: Rng) => number,
  truth: number,
  n: number,
  interval: (xs: number[]) => { lower: number; upper: number },
  trials = 1500,
): number {
  const rng = seedrandom(`coverage/${truth}/${n}`);
  let hit = 0;
  for (let t = 0; t < trials; t++) {
    const xs = Array.from({ length: n }, () => draw(rng));
    const ci = interval(xs);
    if (ci.lower <= truth && truth <= ci.upper) hit++;
  }
  return hit / trials;
}

describe('bounded intervals', () => {
  const unit = (xs: number[]) => boundedMeanInterval(xs, [0, 1]);
  const tInterval = (xs: number[]) => meanConfidenceInterval(xs);

  it('a share near 0: in [0, 1] and near 95% coverage, where the t interval leaves and under-covers', () => {
    // Beta(1, 9): mean 0.1, skewed towards the bound.
    const draw = (rng: Rng) => beta(1, 9, rng);
    for (const n of [5, 10]) {
      const c = coverage(draw, 0.1, n, unit);
      expect(c).toBeGreaterThanOrEqual(0.925);
      expect(c).toBeLessThanOrEqual(0.97);
      // The t interval's coverage here is about 0.89 (n = 5) and 0.91 (n = 10).
      expect(coverage(draw, 0.1, n, tInterval)).toBeLessThan(c);
    }
    const rng = seedrandom('range');
    for (let t = 0; t < 300; t++) {
      const ci = unit(Array.from({ length: 3 }, () => beta(0.5, 4.5, rng)));
      expect(ci.lower).toBeGreaterThanOrEqual(0);
      expect(ci.upper).toBeLessThanOrEqual(1);
    }
  });

  it('symmetric data: the same level as the t interval (Beta(5, 5), n = 5)', () => {
    const c = coverage((rng) => beta(5, 5, rng), 0.5, 5, unit);
    expect(c).toBeGreaterThanOrEqual(0.935);
    expect(c).toBeLessThanOrEqual(0.965);
  });

  it('counts (only a lower bound): quasi-Poisson score interval, >= 0, near 95%', () => {
    const c = coverage(
      (rng) => poisson(1.5, rng),
      1.5,
      8,
      (xs) => boundedMeanInterval(xs, [0, Infinity]),
    );
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
    expect(boundedMeanInterval([0, 0, 0, 3], [0, Infinity]).lower).toBeGreaterThanOrEqual(0);
  });

  it('edge cases: no spread, a mean on the bound, n = 2, values outside the domain', () => {
    expect(boundedMeanInterval([0, 0, 0], [0, 1])).toEqual({ lower: 0, upper: 0 });
    expect(boundedMeanInterval([1, 1], [0, 1])).toEqual({ lower: 1, upper: 1 });
    const two = boundedMeanInterval([0, 0.2], [0, 1]);
    expect(two.lower).toBeGreaterThanOrEqual(0);
    expect(two.upper).toBeGreaterThan(0.2);
    expect(() => boundedMeanInterval([0.5, 1.5], [0, 1])).toThrow(/outside the domain/);
    // Upper bound only: mirrored.
    const up = boundedMeanInterval([-0.1, -0.3, 0], [-Infinity, 0]);
    expect(up.upper).toBeLessThanOrEqual(0);
  });

  it('every timeseries column measured as a share declares the domain [0, 1]', () => {
    // A share without a domain gets the t interval, which leaves [0, 1] near the bounds (the
    // retention columns, added later, had none: a new user found ci95_high = 1.02).
    const shares = TIMESERIES_COLUMNS.filter((c) => c.unit === 'share');
    expect(shares.map((c) => c.name)).toContain('retention_network');
    for (const c of shares) expect(c.domain, c.name).toEqual([0, 1]);
    const retention = summarizeValues([1, 1, 1, 0.92, 1], [0, 1]);
    expect(meanConfidenceInterval([1, 1, 1, 0.92, 1]).upper).toBeGreaterThan(1);
    expect(retention.ci95_high).toBeLessThanOrEqual(1);
  });

  it('summary.csv: lockin_rate = 0, 0, 0.2 no longer gives ci95_low < 0', () => {
    const lockin = TIMESERIES_COLUMNS.find((c) => c.name === 'lockin_rate')!;
    expect(lockin.domain).toEqual([0, 1]);
    const s = summarizeValues([0, 0, 0.2], lockin.domain);
    expect(meanConfidenceInterval([0, 0, 0.2]).lower).toBeLessThan(-0.09);
    expect(s.ci95_low).toBeGreaterThanOrEqual(0);
    expect(s.ci95_high).toBeLessThanOrEqual(1);
    // Unbounded metrics keep the t interval.
    const t = summarizeValues([0, 0, 0.2]);
    expect(t.ci95_low).toBeCloseTo(meanConfidenceInterval([0, 0, 0.2]).lower, 12);
  });
});

describe('summary.csv when every replicate of a cell gives the same value', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gvc-summary-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // z² for a two-sided 95% interval; Wilson's upper bound for 0 of N is z² / (N + z²).
  const z2 = 1.959963984540054 ** 2;

  it('a share over the active suppliers gets the Wilson interval of the pooled suppliers, not the point', async () => {
    const runs = join(tmp, 'runs.csv');
    writeFileSync(
      runs,
      'run_id,cell_id,n_suppliers,share_obm,share_oem,lockin_rate\n' +
        '1,1,200,0,1,0\n2,1,150,0,1,0\n' +
        '3,2,200,0.1,0.8,0.2\n4,2,200,0.2,0.7,0.3\n',
    );
    const rows: SummaryRow[] = [];
    await summarizeRuns(runs, [], ['share_obm', 'share_oem', 'lockin_rate'], (r) => rows.push(r));
    const at = (cell: number, metric: string) =>
      rows.find((r) => r.cell_id === cell && r.metric === metric)!;
    // 0 OBM firms among 200 + 150 suppliers: [0, z²/(350 + z²)] = [0, 0.01086…].
    expect(at(1, 'share_obm').ci95_low).toBe(0);
    expect(at(1, 'share_obm').ci95_high).toBeCloseTo(z2 / (350 + z2), 12);
    expect(at(1, 'share_obm').ci95_high).toBeCloseTo(0.010856, 5);
    // All OEM: the mirror image.
    expect(at(1, 'share_oem').ci95_low).toBeCloseTo(350 / (350 + z2), 12);
    expect(at(1, 'share_oem').ci95_high).toBeCloseTo(1, 12);
    // lockin_rate's denominator (eligible suppliers) is not in runs.csv: the point stays.
    expect([at(1, 'lockin_rate').ci95_low, at(1, 'lockin_rate').ci95_high]).toEqual([0, 0]);
    // Replicates that differ keep the run-level interval.
    const spread = summarizeValues([0.1, 0.2], [0, 1]);
    expect(at(2, 'share_obm').ci95_low).toBe(spread.ci95_low);
    expect(at(2, 'share_obm').ci95_high).toBe(spread.ci95_high);
  });
});
