/**
 * Resource bounds, checked before any work starts: how many runs a plan has and roughly how
 * many cells (rows × columns) its CSV outputs will hold. A plan beyond a limit is refused
 * with the numbers and the flag that raises the limit, so a typo such as `steps: 100000` on
 * two grid factors (10^10 runs) fails at once instead of growing memory until the process
 * is killed. Counting never materialises the design.
 */
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
  type AgentsMode,
} from '../engine/observations.js';
import { UserError } from '../scenario/errors.js';
import { wholeNumberFlag } from '../scenario/whole-number.js';
import type { Scenario } from '../scenario/types.js';
import { METRIC_COLUMNS } from './sweep-columns.js';
import type { SweepSpec } from './sweep-spec.js';

export interface Limits {
  /** Most runs a sweep or validation plan may have (--max-runs). */
  maxRuns: number;
  /** Most cells (rows × columns, all CSV outputs together) a command may write (--max-output). */
  maxOutput: number;
}

/**
 * One million runs is ~50 times the largest sweep in docs/performance.md; a billion cells is
 * some 5–10 GB of CSV. Either is hours to days of computing: worth asking for explicitly.
 */
export const DEFAULT_LIMITS: Limits = { maxRuns: 1_000_000, maxOutput: 1_000_000_000 };

/** A --max-runs or --max-output value: a whole number >= 1 (`_` separators allowed). */
export function parseLimit(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  return wholeNumberFlag(flag, text, { min: 1, separators: true });
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** Rows a run keeps under a recording schedule over `steps` steps (step 0 included for every:K). */
export function recordedSteps(mode: AgentsMode, steps: number): number {
  if (mode.kind === 'none') return 0;
  if (mode.kind === 'final') return 1;
  return Math.floor(steps / mode.k) + 1 + (steps % mode.k === 0 ? 0 : 1);
}

/**
 * Cells of a sweep design (before replications), from the spec alone: grid, the product of
 * the factors' level counts; ofat, the baseline plus each factor's values other than its
 * baseline (an upper bound: repeats are not removed); lhs, the samples; sobol (Saltelli
 * 2002, first and total order), N(k + 2); morris (Morris 1991), r(k + 1).
 */
export function designCells(spec: SweepSpec): number {
  const k = spec.factors.length;
  switch (spec.design) {
    case 'grid':
      return spec.factors.reduce((n, f) => n * (f.values?.length ?? 1), 1);
    case 'ofat':
      return 1 + spec.factors.reduce((n, f) => n + (f.values?.length ?? 0), 0);
    case 'lhs':
      return spec.samples;
    case 'sobol':
      return spec.samples * (k + 2);
    case 'morris':
      return spec.samples * (k + 1);
  }
}

/** Throws when `runs` is above the limit, naming the numbers and --max-runs. */
export function checkRunCount(what: string, runs: number, detail: string, limits: Limits): void {
  if (runs <= limits.maxRuns) return;
  throw new UserError(
    `${what}: ${fmt(runs)} runs (${detail}) is above the limit of ${fmt(limits.maxRuns)} ${limits.maxRuns === 1 ? 'run' : 'runs'}; ` +
      `if you mean it, raise the limit with --max-runs ${runs > Number.MAX_SAFE_INTEGER ? 'N' : runs}`,
  );
}

/** Throws when the output cells are above the limit, naming each file's rows × columns and --max-output. */
export function checkOutputSize(
  what: string,
  files: { file: string; rows: number; columns: number; estimate?: string }[],
  limits: Limits,
): void {
  const total = files.reduce((n, f) => n + f.rows * f.columns, 0);
  if (total <= limits.maxOutput) return;
  const parts = files
    .filter((f) => f.rows > 0)
    .map(
      (f) =>
        `${f.file} ${f.estimate ? 'up to ' : ''}${fmt(f.rows)} rows × ${f.columns} columns${f.estimate ? ` (${f.estimate})` : ''}`,
    )
    .join(', ');
  throw new UserError(
    `${what}: the outputs would hold about ${fmt(total)} cells (${parts}), above the limit of ` +
      `${fmt(limits.maxOutput)}; if you mean it, raise the limit with --max-output ${total > Number.MAX_SAFE_INTEGER ? 'N' : Math.ceil(total)}`,
  );
}

/**
 * The bounds of a sweep: its run count (all shards: every shard builds the whole plan) and
 * the cells of runs.csv, timeseries.csv, summary.csv and, when the sweep writes it,
 * relationships.csv (`relationshipRows`: the rows of all runs, sweepRelationshipRows; null
 * when not written). Throws a UserError.
 */
export function checkSweepBounds(
  spec: SweepSpec,
  steps: number,
  timeseries: AgentsMode,
  limits: Limits,
  relationshipRows: number | null = null,
): void {
  const cells = designCells(spec);
  const runs = cells * spec.replications;
  checkRunCount(
    'sweep',
    runs,
    `${spec.design} design of ${fmt(cells)} ${cells === 1 ? 'cell' : 'cells'} × ${spec.replications} ${spec.replications === 1 ? 'replication' : 'replications'}`,
    limits,
  );
  const k = spec.factors.length;
  checkOutputSize(
    'sweep',
    [
      { file: 'runs.csv', rows: runs, columns: 4 + k + METRIC_COLUMNS.length },
      {
        file: 'timeseries.csv',
        rows: runs * recordedSteps(timeseries, steps),
        columns: TIMESERIES_COLUMNS.length,
      },
      { file: 'summary.csv', rows: cells * METRIC_COLUMNS.length, columns: 7 + k },
      {
        file: 'relationships.csv',
        rows: relationshipRows ?? 0,
        columns: RELATIONSHIP_COLUMNS.length,
        estimate: RELATIONSHIP_ESTIMATE,
      },
    ],
    limits,
  );
}

/** How a refusal words the relationships.csv estimate. */
const RELATIONSHIP_ESTIMATE =
  'an estimate from above: the starting ties, and every tie the buyers keep renewed once a step; runs usually write a tenth of it';

/**
 * The rows relationships.csv (one per relationship spell) may reach in one run of `scenario`
 * (with `changed`, concrete path → value, in place of its own values: a sweep cell's factors):
 * the tie slots the buyers keep (Σ count × suppliers_target: a buyer seeks suppliers only while
 * it has fewer, model/search.ts) times steps + 1, i.e. every tie renewed once a step. An
 * estimate from above, not a proven bound (a displacement can end a tie formed the same step),
 * and far above what runs write: the baseline (700 slots, 120 steps) writes about 8,100 spells,
 * a tenth of its 84,700 (85,200 with its 500 starting ties); plus the suppliers' starting
 * ties (Σ count × initial_buyers), which are made whatever the buyers' targets (with a target
 * of 1 and 5,000 suppliers, 5,100 spells in 2 steps). Entrant buyers do not exist (buyer groups are fixed).
 */
export function relationshipRowsEstimate(
  scenario: Scenario,
  changed?: ReadonlyMap<string, unknown>,
): number {
  // A sweep cell's value of a parameter (`changed`, concrete path → value), or the scenario's.
  const value = (path: string, own: number) => {
    const v = changed?.get(path);
    return typeof v === 'number' ? v : own;
  };
  const slots = Object.entries(scenario.buyers).reduce(
    (n, [name, g]) =>
      n +
      value(`buyers.${name}.count`, g.count) *
        value(`buyers.${name}.suppliers_target`, g.suppliers_target),
    0,
  );
  // The starting ties (initial_buyers a supplier) are made whatever the buyers' targets.
  const initial = Object.entries(scenario.suppliers).reduce(
    (n, [name, g]) =>
      n +
      value(`suppliers.${name}.count`, g.count) *
        value(`suppliers.${name}.initial_buyers`, g.initial_buyers),
    0,
  );
  return initial + slots * (value('time.steps', scenario.time.steps) + 1);
}

/**
 * The rows relationships.csv may reach over all runs of a sweep: relationshipRowsEstimate of
 * each cell (`cells[c]`: its factors' values, in the order of `factors`) of `base`, times the
 * replications. Each cell's own counts, targets and steps: a sweep over buyer counts is not
 * estimated from the base scenario's buyers.
 */
export function sweepRelationshipRows(
  base: Scenario,
  factors: readonly { path: string }[],
  cells: readonly { values: readonly unknown[] }[],
  replications: number,
): number {
  let rows = 0;
  for (const cell of cells) {
    const changed = new Map(factors.map((f, j) => [f.path, cell.values[j]]));
    rows += relationshipRowsEstimate(base, changed);
  }
  return rows * replications;
}

/**
 * The bounds of one run: timeseries.csv (steps + 1 rows), suppliers.csv (the initial
 * suppliers at each recorded step; entrants come on top, hence "about") and, when written
 * (`relationships`), relationships.csv (relationshipRowsEstimate). Throws a UserError.
 */
export function checkRunBounds(
  scenario: Scenario,
  agents: AgentsMode,
  limits: Limits,
  relationships = true,
): void {
  const steps = scenario.time.steps;
  const suppliers = Object.values(scenario.suppliers).reduce((n, g) => n + g.count, 0);
  checkOutputSize(
    'run',
    [
      { file: 'timeseries.csv', rows: steps + 1, columns: TIMESERIES_COLUMNS.length },
      {
        file: 'suppliers.csv',
        rows: suppliers * recordedSteps(agents, steps),
        columns: SUPPLIER_COLUMNS.length,
      },
      {
        file: 'relationships.csv',
        rows: relationships ? relationshipRowsEstimate(scenario) : 0,
        columns: RELATIONSHIP_COLUMNS.length,
        estimate: RELATIONSHIP_ESTIMATE,
      },
    ],
    limits,
  );
}
