/**
 * Statistics of gvc validate: each check's effect size with a 95% confidence interval, from
 * one value per run. Runs are independent replications, so a contrast between cells is a
 * contrast of independent means. A measure whose values are bounded (a share or a 0/1 outcome
 * in [0, 1], a count >= 0; experiment/measures.ts: measureDomain) gets the score interval of
 * each mean (boundedMeanInterval, as summary.csv) combined over the groups by MOVER
 * (boundedContrastInterval), which stays inside the measure's range; an unbounded measure gets
 * the Welch t contrast (contrastInterval). Runs whose measure is undefined (NaN, e.g. a group
 * with no active supplier left) are left out and the number kept is reported.
 *
 * When every run of a compared set gives the same value, the run-level spread is estimated as 0
 * and both intervals shrink to the point (2 runs of a one-firm 0/1 outcome, 1 and 1, would show
 * [1, 1]). For a share, or a mean of a column with a two-sided domain, that set then gets the
 * Wilson (1927) interval of its units pooled over its runs (K of N suppliers;
 * stats.ts: pooledMeanInterval, which says why pooling is only this floor); so does a metric
 * at one step that is a share or mean over the active suppliers (share_oem: K of the step's
 * n_suppliers; experiment/measures.ts: PER_ACTIVE_SUPPLIER_METRICS). Any other metric, a metric
 * averaged over a window, a within-run difference (`minus`), and a mean of a column with a
 * one-sided or no bound keep the point: their units are unknown, not one set, or have no
 * largest variance to assume.
 */
import type { ParamValue } from '../scenario/parameters.js';
import type { Check, CellFilter } from '../experiment/validation-spec.js';
import { measureDomain } from '../experiment/measures.js';
import { boundedContrastInterval, contrastInterval } from './sensitivity/stats.js';

/**
 * One run as the analysis sees it: its factor values (by path), one value per check, and per
 * check the number of suppliers the value is a share or mean over (NaN when it is not one set:
 * most metrics, a window average, a within-run difference).
 */
export interface ValidationRun {
  factors: ReadonlyMap<string, ParamValue>;
  values: readonly number[];
  units: readonly number[];
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
  const group = (filter: CellFilter, weight: number) => {
    const kept = runs.filter(
      (r) => matches(r, [...check.within, ...filter]) && Number.isFinite(r.values[index]),
    );
    return {
      values: kept.map((r) => r.values[index]),
      units: kept.map((r) => r.units[index]),
      weight,
    };
  };
  const c = check.comparison;
  const groups =
    c.kind === 'level'
      ? [group([], 1)]
      : c.kind === 'difference'
        ? [group([[c.path, c.a]], 1), group([[c.path, c.b]], -1)]
        : [
            group(
              [
                [c.effect.path, c.effect.a],
                [c.across.path, c.across.a],
              ],
              1,
            ),
            group(
              [
                [c.effect.path, c.effect.b],
                [c.across.path, c.across.a],
              ],
              -1,
            ),
            group(
              [
                [c.effect.path, c.effect.a],
                [c.across.path, c.across.b],
              ],
              -1,
            ),
            group(
              [
                [c.effect.path, c.effect.b],
                [c.across.path, c.across.b],
              ],
              1,
            ),
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
