/** Effect sizes and CIs of gvc validate: Welch contrasts checked against R, and the check logic. */
import { describe, expect, it } from 'vitest';
import {
  boundedContrastInterval,
  boundedMeanInterval,
  contrastInterval,
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

const run = (governance: string, ties: number, value: number): ValidationRun => ({
  factors: new Map<string, string | number>([
    ['gov', governance],
    ['ties', ties],
  ]),
  values: [value],
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
