/** Effect sizes and CIs of gvc validate: Welch contrasts checked against R, and the check logic. */
import { describe, expect, it } from 'vitest';
import { contrastInterval } from '../../src/analysis/sensitivity/stats.js';
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
