/**
 * Statistics of gvc validate: each check's effect size with a 95% confidence interval, from
 * one value per run. Runs are independent replications, so a contrast between cells is a
 * contrast of independent means. A measure whose values are bounded (a share or a 0/1 outcome
 * in [0, 1], a count >= 0; experiment/measures.ts: measureDomain) gets the score interval of
 * each mean (boundedMeanInterval, as summary.csv) combined over the groups by MOVER
 * (boundedContrastInterval), which stays inside the measure's range and does not shrink to a
 * point when every run agrees; an unbounded measure gets the Welch t contrast (contrastInterval).
 * Runs whose measure is undefined (NaN, e.g. a group with no active supplier left) are left out
 * and the number kept is reported.
 */
import type { ParamValue } from '../scenario/parameters.js';
import type { Check, CellFilter } from '../experiment/validation-spec.js';
import { measureDomain } from '../experiment/measures.js';
import { boundedContrastInterval, contrastInterval } from './sensitivity/stats.js';

/** One run as the analysis sees it: its factor values (by path) and one value per check. */
export interface ValidationRun {
  factors: ReadonlyMap<string, ParamValue>;
  values: readonly number[];
}

export interface CheckResult {
  effect: number;
  ci95Low: number;
  ci95High: number;
  nRuns: number;
  pass: boolean;
  /** Why there is no estimate, when there is none. */
  problem: string | null;
}

const matches = (run: ValidationRun, filter: CellFilter) =>
  filter.every(([path, value]) => run.factors.get(path) === value);

export function analyzeCheck(
  check: Check,
  index: number,
  runs: readonly ValidationRun[],
): CheckResult {
  const valuesWhere = (filter: CellFilter) =>
    runs
      .filter((r) => matches(r, [...check.within, ...filter]))
      .map((r) => r.values[index])
      .filter((v) => Number.isFinite(v));
  const c = check.comparison;
  const groups =
    c.kind === 'level'
      ? [{ values: valuesWhere([]), weight: 1 }]
      : c.kind === 'difference'
        ? [
            { values: valuesWhere([[c.path, c.a]]), weight: 1 },
            { values: valuesWhere([[c.path, c.b]]), weight: -1 },
          ]
        : [
            {
              values: valuesWhere([
                [c.effect.path, c.effect.a],
                [c.across.path, c.across.a],
              ]),
              weight: 1,
            },
            {
              values: valuesWhere([
                [c.effect.path, c.effect.b],
                [c.across.path, c.across.a],
              ]),
              weight: -1,
            },
            {
              values: valuesWhere([
                [c.effect.path, c.effect.a],
                [c.across.path, c.across.b],
              ]),
              weight: -1,
            },
            {
              values: valuesWhere([
                [c.effect.path, c.effect.b],
                [c.across.path, c.across.b],
              ]),
              weight: 1,
            },
          ];
  const nRuns = groups.reduce((n, g) => n + g.values.length, 0);
  const smallest = Math.min(...groups.map((g) => g.values.length));
  if (smallest < 2) {
    return {
      effect: NaN,
      ci95Low: NaN,
      ci95High: NaN,
      nRuns,
      pass: false,
      problem: `a compared set has ${smallest} run(s) with a defined value; at least 2 are needed`,
    };
  }
  const domain = measureDomain(check.measure, check.minus);
  // A value outside the declared domain would make the score interval throw; as in summary.csv
  // such a sample falls back to the t interval rather than stopping the whole validation.
  const inDomain =
    domain !== null && groups.every((g) => g.values.every((v) => v >= domain[0] && v <= domain[1]));
  const ci = inDomain ? boundedContrastInterval(groups, domain) : contrastInterval(groups);
  const pass =
    (check.above === null || ci.lower > check.above) &&
    (check.below === null || ci.upper < check.below);
  return { effect: ci.estimate, ci95Low: ci.lower, ci95High: ci.upper, nRuns, pass, problem: null };
}
