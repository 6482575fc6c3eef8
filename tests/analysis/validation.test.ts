/** Effect sizes and CIs of gvc validate: Welch contrasts checked against R, and the check logic. */
import { describe, expect, it } from 'vitest';
import {
  boundedContrastInterval,
  boundedMeanInterval,
  contrastInterval,
  pooledMeanInterval,
  wilsonInterval,
} from '../../src/analysis/sensitivity/stats.js';
import { analyzeCheck, type ValidationRun } from '../../src/analysis/validation.js';
import type { Check } from '../../src/experiment/validation-spec.js';

// R's sleep data: t.test(extra ~ group, data = sleep) gives mean difference -1.58,
// df = 17.776, 95% CI [-3.3654832, 0.2054832] (Welch).
const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('contrastInterval', () => {
  it('is the Welch two-sample interval for weights (1, -1)', () => {
    const ci = contrastInterval([
      { values: g1, weight: 1 },
      { values: g2, weight: -1 },
    ]);
    expect(ci.estimate).toBeCloseTo(-1.58, 10);
    expect(ci.df).toBeCloseTo(17.776, 3);
    expect(ci.lower).toBeCloseTo(-3.3654832, 5);
    expect(ci.upper).toBeCloseTo(0.2054832, 5);
  });

  it('is the one-sample t interval for one group (R: t.test(sleep$extra[1:10]) gives [-0.5297804, 2.0297804])', () => {
    const ci = contrastInterval([{ values: g1, weight: 1 }]);
    expect(ci.df).toBeCloseTo(9, 10);
    expect(ci.lower).toBeCloseTo(-0.5297804, 5);
    expect(ci.upper).toBeCloseTo(2.0297804, 5);
  });

  it('adds the variances of four groups for an interaction, and collapses to the point without spread', () => {
    const ci = contrastInterval([
      { values: g1, weight: 1 },
      { values: g2, weight: -1 },
      { values: g2, weight: -1 },
      { values: g1, weight: 1 },
    ]);
    expect(ci.estimate).toBeCloseTo(-3.16, 10);
    const two = contrastInterval([
      { values: g1, weight: 1 },
      { values: g2, weight: -1 },
    ]);
    expect(ci.se).toBeCloseTo(Math.SQRT2 * two.se, 10);
    expect(contrastInterval([{ values: [0.3, 0.3, 0.3], weight: 1 }])).toMatchObject({
      lower: 0.3,
      upper: 0.3,
    });
  });

  it('refuses groups with fewer than two values', () => {
    expect(() => contrastInterval([{ values: [1], weight: 1 }])).toThrow(/two observations/);
  });
});

/** A run with one check's value; `units`: the suppliers it is a share or mean over (NaN: none). */
const run = (governance: string, ties: number, value: number, units = NaN): ValidationRun => ({
  factors: new Map<string, string | number>([
    ['gov', governance],
    ['ties', ties],
  ]),
  values: [value],
  units: [units],
});
const base: Omit<Check, 'comparison' | 'above' | 'below' | 'within'> = {
  id: 'x',
  contrast: 'x',
  measure: { kind: 'metric', metric: 'share_oem', step: 'final', window: null },
  minus: null,
};

describe('analyzeCheck', () => {
  const runs = [
    ...[0.5, 0.6, 0.7].map((v) => run('q', 6, v)),
    ...[0.1, 0.2, 0.3].map((v) => run('q', 0, v)),
    ...[0.3, 0.4, 0.5].map((v) => run('m', 6, v)),
    ...[0.2, 0.3, 0.4].map((v) => run('m', 0, v)),
  ];

  it('estimates a difference within a subset of cells and passes only when the whole CI clears the bound', () => {
    const check: Check = {
      ...base,
      within: [['gov', 'q']],
      comparison: { kind: 'difference', path: 'ties', a: 6, b: 0 },
      above: 0,
      below: null,
    };
    const r = analyzeCheck(check, 0, runs);
    expect(r.effect).toBeCloseTo(0.4, 10);
    expect(r.nRuns).toBe(6);
    expect(r.pass).toBe(true);
    expect(analyzeCheck({ ...check, above: 0.35 }, 0, runs).pass).toBe(false);
  });

  it('estimates the interaction contrast (effect under q) minus (effect under m)', () => {
    const check: Check = {
      ...base,
      within: [],
      comparison: {
        kind: 'interaction',
        effect: { path: 'ties', a: 6, b: 0 },
        across: { path: 'gov', a: 'q', b: 'm' },
      },
      above: 0,
      below: null,
    };
    expect(analyzeCheck(check, 0, runs).effect).toBeCloseTo(0.3, 10);
  });

  it('leaves undefined values out and fails with a reason when too few remain', () => {
    const sparse = [run('q', 6, NaN), run('q', 6, 0.5), run('q', 6, NaN)];
    const r = analyzeCheck(
      { ...base, within: [], comparison: { kind: 'level' }, above: 0, below: null },
      0,
      sparse,
    );
    expect(r.pass).toBe(false);
    expect(r.problem).toMatch(/1 run/);
    expect(Number.isNaN(r.effect)).toBe(true);
  });
});

describe('analyzeCheck on bounded measures', () => {
  const level = (values: number[], measure: Check['measure'], minus: Check['minus'] = null) =>
    analyzeCheck(
      {
        ...base,
        measure,
        minus,
        within: [],
        comparison: { kind: 'level' },
        above: 0.5,
        below: null,
      },
      0,
      values.map((v) => run('q', 6, v)),
    );
  const oneFirm: Check['measure'] = {
    kind: 'share',
    condition: { kind: 'derived', name: 'odm_then_obm' },
    group: 'firm_y',
    includeExited: true,
    step: 'final',
  };

  it('a share near 1 stays inside [0, 1] (the t interval of these runs ends above 1)', () => {
    const values = [1, 1, 0.9, 1, 1, 0.8, 1, 1, 1, 0.8];
    const r = level(values, oneFirm);
    expect(contrastInterval([{ values, weight: 1 }]).upper).toBeGreaterThan(1);
    expect(r.ci95High).toBeLessThanOrEqual(1);
    expect(r.ci95Low).toBeGreaterThan(0.5);
    expect(r.ci95Low).toBeLessThan(r.effect);
  });

  it('a mean of a count never gets a negative lower bound; an unbounded measure keeps the Welch interval', () => {
    const counts = [0, 0, 0, 0, 3];
    const nBuyers: Check['measure'] = {
      kind: 'mean',
      column: 'n_buyers',
      group: null,
      includeExited: false,
      step: 'final',
    };
    expect(contrastInterval([{ values: counts, weight: 1 }]).lower).toBeLessThan(0);
    expect(level(counts, nBuyers).ci95Low).toBeGreaterThanOrEqual(0);
    const cash: Check['measure'] = { ...nBuyers, column: 'cash' };
    const welch = contrastInterval([{ values: counts, weight: 1 }]);
    expect(level(counts, cash)).toMatchObject({ ci95Low: welch.lower, ci95High: welch.upper });
  });

  it('a difference of shares is combined by MOVER from the two score intervals and stays in [-1, 1]', () => {
    // 0/1 outcomes, 3/4 minus 1/4: the t interval leaves [-1, 1] (its upper end is 1.5).
    const runs = [
      ...[1, 1, 0, 1].map((v) => run('q', 6, v)),
      ...[0, 0, 1, 0].map((v) => run('q', 0, v)),
    ];
    const r = analyzeCheck(
      {
        ...base,
        measure: oneFirm,
        within: [],
        comparison: { kind: 'difference', path: 'ties', a: 6, b: 0 },
        above: 0,
        below: null,
      },
      0,
      runs,
    );
    const welch = contrastInterval([
      { values: [1, 1, 0, 1], weight: 1 },
      { values: [0, 0, 1, 0], weight: -1 },
    ]);
    expect(welch.upper).toBeGreaterThan(1);
    expect(r.effect).toBe(0.5);
    expect(r.ci95High).toBeLessThanOrEqual(1);
    expect(r.ci95Low).toBeGreaterThanOrEqual(-1);
    // A within-run difference of two shares lies in [-1, 1]; with the hand-made MOVER bounds.
    const values = [0.2, 0.4, 0.3];
    const d = level(values, oneFirm, oneFirm);
    const own = boundedMeanInterval(values, [-1, 1]);
    expect(d).toMatchObject({ ci95Low: own.lower, ci95High: own.upper });
    expect(d.ci95Low).toBeGreaterThanOrEqual(-1);
  });

  it('boundedContrastInterval is boundedMeanInterval for one group and the MOVER sum for several', () => {
    const a = [0.2, 0.3, 0.5, 0.1];
    const b = [0.6, 0.7, 0.9];
    expect(boundedContrastInterval([{ values: a, weight: 1 }], [0, 1])).toMatchObject(
      boundedMeanInterval(a, [0, 1]),
    );
    const ia = boundedMeanInterval(a, [0, 1]);
    const ib = boundedMeanInterval(b, [0, 1]);
    const ma = 0.275;
    const mb = 0.7333333333333333;
    const c = boundedContrastInterval(
      [
        { values: a, weight: 1 },
        { values: b, weight: -1 },
      ],
      [0, 1],
    );
    expect(c.estimate).toBeCloseTo(ma - mb, 12);
    expect(c.lower).toBeCloseTo(ma - mb - Math.hypot(ma - ia.lower, ib.upper - mb), 12);
    expect(c.upper).toBeCloseTo(ma - mb + Math.hypot(ia.upper - ma, mb - ib.lower), 12);
  });
});

describe('runs that all give the same value: the Wilson interval of the pooled units', () => {
  const oneFirm: Check['measure'] = {
    kind: 'share',
    condition: { kind: 'derived', name: 'odm_then_obm' },
    group: 'firm_y',
    includeExited: true,
    step: 'final',
  };
  const manySuppliers: Check['measure'] = {
    kind: 'share',
    condition: { kind: 'derived', name: 'functionally_upgraded' },
    group: null,
    includeExited: false,
    step: 'final',
  };
  const check = (
    measure: Check['measure'],
    above: number | null,
    below: number | null,
    comparison: Check['comparison'] = { kind: 'level' },
    minus: Check['minus'] = null,
  ): Check => ({ ...base, measure, minus, within: [], comparison, above, below });

  it('2 runs of a one-firm share of 1: Wilson 2 of 2, [0.3424, 1], does not clear 0.5 (was [1, 1], PASS)', () => {
    // R: prop.test(2, 2, correct = FALSE)$conf.int and binom::binom.wilson(2, 2): [0.3423802, 1].
    const r = analyzeCheck(check(oneFirm, 0.5, null), 0, [run('q', 6, 1, 1), run('q', 6, 1, 1)]);
    expect(r.effect).toBe(1);
    expect(r.ci95Low).toBeCloseTo(0.3423802, 6);
    expect(r.ci95High).toBe(1);
    expect(r.pass).toBe(false);
  });

  it('a share of 0 in all 30 runs over 400 suppliers each: Wilson 0 of 12000, upper z²/(N + z²) = 0.00032', () => {
    const runs = Array.from({ length: 30 }, () => run('q', 6, 0, 400));
    const r = analyzeCheck(check(manySuppliers, null, 0.1), 0, runs);
    expect(r.ci95Low).toBe(0);
    expect(r.ci95High).toBeCloseTo(0.000320019123, 12);
    expect(r.pass).toBe(true);
    // 10 runs of 0 over differing supplier counts pool them: N = 4000.
    const ten = Array.from({ length: 10 }, (_, i) => run('q', 6, 0, i % 2 === 0 ? 300 : 500));
    expect(analyzeCheck(check(manySuppliers, null, 0.1), 0, ten).ci95High).toBeCloseTo(
      0.00095944329,
      12,
    );
  });

  it('a mean of a [0, 1] column that agrees: the binomial (largest) variance, 0.6 over 2 × 5 suppliers = Wilson 6 of 10', () => {
    // R: prop.test(6, 10, correct = FALSE)$conf.int: [0.3126738, 0.8318197].
    const topBuyer: Check['measure'] = {
      kind: 'mean',
      column: 'top_buyer_share',
      group: null,
      includeExited: false,
      step: 'final',
    };
    const r = analyzeCheck(check(topBuyer, 0.5, null), 0, [
      run('q', 6, 0.6, 5),
      run('q', 6, 0.6, 5),
    ]);
    expect(r.ci95Low).toBeCloseTo(0.3126738, 6);
    expect(r.ci95High).toBeCloseTo(0.8318197, 6);
  });

  it('a difference of cells combines the pooled intervals by MOVER (Newcombe 1998 on 2 of 2 and 0 of 2)', () => {
    const r = analyzeCheck(
      check(oneFirm, 0, null, { kind: 'difference', path: 'ties', a: 6, b: 0 }),
      0,
      [run('q', 6, 1, 1), run('q', 6, 1, 1), run('q', 0, 0, 1), run('q', 0, 0, 1)],
    );
    expect(r.effect).toBe(1);
    expect(r.ci95Low).toBeCloseTo(1 - Math.SQRT2 * (1 - 0.3423802), 6);
    expect(r.ci95High).toBe(1);
  });

  it('keeps the point where no units are known or no largest variance exists: a metric, a within-run difference, a count', () => {
    const same = [run('q', 6, 0.7, NaN), run('q', 6, 0.7, NaN)];
    expect(analyzeCheck(check(base.measure, null, null), 0, same)).toMatchObject({
      ci95Low: 0.7,
      ci95High: 0.7,
    });
    expect(
      analyzeCheck(check(oneFirm, null, null, { kind: 'level' }, oneFirm), 0, same),
    ).toMatchObject({
      ci95Low: 0.7,
      ci95High: 0.7,
    });
    const nBuyers: Check['measure'] = {
      kind: 'mean',
      column: 'n_buyers',
      group: null,
      includeExited: false,
      step: 'final',
    };
    expect(
      analyzeCheck(check(nBuyers, null, null), 0, [run('q', 6, 3, 50), run('q', 6, 3, 50)]),
    ).toMatchObject({ ci95Low: 3, ci95High: 3 });
  });

  it('runs that vary keep the run-level score interval, whatever their units', () => {
    // The 0/1 values of 10 runs of one firm, and the same values as shares over 400 suppliers:
    // pooling would give a much narrower interval for the second.
    const values = [1, 1, 0.9, 1, 1, 0.8, 1, 1, 1, 0.8];
    const own = boundedMeanInterval(values, [0, 1]);
    for (const units of [1, 400]) {
      const r = analyzeCheck(
        check(manySuppliers, null, null),
        0,
        values.map((v) => run('q', 6, v, units)),
      );
      expect(r).toMatchObject({ ci95Low: own.lower, ci95High: own.upper });
    }
    // By hand: m = 0.95, s² = 0.0072222, φ = s²/(m(1 − m)), w = t²(0.975, 9) φ / 10.
    expect(own.lower).toBeCloseTo(0.8505486, 6);
    expect(own.upper).toBeCloseTo(0.9844798, 6);
    expect(
      pooledMeanInterval(
        values,
        values.map(() => 400),
        [0, 1],
      ),
    ).toBeNull();
  });

  it('wilsonInterval and pooledMeanInterval: shapes, a rescaled domain, and refusals', () => {
    expect(wilsonInterval(0, 3).upper).toBeCloseTo(0.561497, 6); // R: binom.wilson(0, 3)
    expect(wilsonInterval(0, 3).lower).toBe(0);
    // 2 runs of 0.6 on [-1, 1] over 2 units each: 0.8 of 4 on [0, 1], mapped back.
    const w = wilsonInterval(3.2, 4);
    const m = pooledMeanInterval([0.6, 0.6], [2, 2], [-1, 1])!;
    expect(m.lower).toBeCloseTo(-1 + 2 * w.lower, 12);
    expect(m.upper).toBeCloseTo(-1 + 2 * w.upper, 12);
    expect(pooledMeanInterval([3, 3], [5, 5], [0, Infinity])).toBeNull();
    expect(pooledMeanInterval([1, 1], [1, 0], [0, 1])).toBeNull();
    expect(() => pooledMeanInterval([2, 2], [1, 1], [0, 1])).toThrow(/outside the domain/);
    expect(() => wilsonInterval(3, 2)).toThrow(/successes/);
    expect(() => wilsonInterval(0, 0)).toThrow(/trials/);
    // Without units a group keeps boundedMeanInterval's point.
    expect(boundedContrastInterval([{ values: [1, 1], weight: 1 }], [0, 1])).toMatchObject({
      lower: 1,
      upper: 1,
    });
  });
});
