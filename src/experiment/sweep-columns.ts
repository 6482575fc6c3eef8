/**
 * Columns of the sweep outputs: runs.csv (one row per run: identifiers, the varied parameters
 * by path, the final value of every metric), summary.csv (one row per cell and metric) and
 * errors.csv (runs that threw). Built from the output contract, so the codebook documents
 * exactly what is written.
 */
import { TIMESERIES_COLUMNS, type ColumnSpec, type ColumnType } from '../engine/observations.js';
import type { SweepFactor } from './sweep-spec.js';

/** The metrics of a run: every timeseries column except the identifiers. */
export const METRIC_COLUMNS: readonly ColumnSpec[] = TIMESERIES_COLUMNS.filter(
  (c) => c.name !== 'run_id' && c.name !== 'step',
);

const id = (name: string, description: string): ColumnSpec => ({
  name,
  type: 'integer',
  unit: '',
  description,
});

export function factorColumns(factors: readonly SweepFactor[]): ColumnSpec[] {
  return factors.map((f) => {
    const type: ColumnType =
      f.spec.type === 'number' || f.spec.type === 'integer' || f.spec.type === 'boolean'
        ? f.spec.type
        : 'string';
    const numeric = type === 'number' || type === 'integer';
    return {
      name: f.path,
      type,
      unit: f.spec.unit ?? '',
      description:
        `Varied parameter: ${f.spec.description}` +
        (numeric
          ? ' Written exactly (the shortest decimal that reads back as the same number), so gvc run --seed <seed> --set <path>=<value> reruns the row.'
          : ''),
      exact: numeric,
    };
  });
}

/** The leading columns of runs.csv: the run's identifiers and parameter values. */
export function runHeadColumns(factors: readonly SweepFactor[]): ColumnSpec[] {
  return [
    id('run_id', 'Run number: (cell_id - 1) x replications + replicate.'),
    id('cell_id', 'Design point (parameter combination) of the run.'),
    id('replicate', 'Replicate number within the cell, from 1.'),
    id('seed', 'Seed of the run, derived by hashing (master seed, cell_id, replicate).'),
    ...factorColumns(factors),
  ];
}

/** runs.csv: the head columns, then the final-step metrics (which workers format). */
export function runsColumns(factors: readonly SweepFactor[]): ColumnSpec[] {
  return [
    ...runHeadColumns(factors),
    ...METRIC_COLUMNS.map((c) => ({
      ...c,
      description: `Value at the final step: ${c.description}`,
    })),
  ];
}

export function summaryColumns(factors: readonly SweepFactor[]): ColumnSpec[] {
  const stat = (name: string, description: string): ColumnSpec => ({
    name,
    type: 'number',
    unit: 'as metric',
    description,
  });
  return [
    id('cell_id', 'Design point (parameter combination).'),
    ...factorColumns(factors),
    {
      name: 'metric',
      type: 'string',
      unit: '',
      description: "Metric (a column of runs.csv) summarised over the cell's replicates.",
    },
    id('n', 'Replicates with a defined value of the metric.'),
    stat('mean', 'Mean over replicates.'),
    stat('sd', 'Sample standard deviation over replicates (empty if n < 2).'),
    stat(
      'ci95_low',
      "Lower bound of the 95% confidence interval of the mean (empty if n < 2): for a metric confined to a domain (shares and indices in [0, 1], counts and investment >= 0) Wilson's (1927) score interval with the quasi-likelihood dispersion s² / (mean(1 - mean)) (or s² / mean with only a lower bound) and t quantiles, which stays in the domain; when every replicate of a share or mean over the active suppliers (share_oem … share_obm, share_doing_oem … share_doing_obm, mean_process … mean_marketing) gives the same value, Wilson's interval of the suppliers pooled over the replicates (sum of n_suppliers), not the point; otherwise the t interval.",
    ),
    stat('ci95_high', 'Upper bound of the same 95% confidence interval (empty if n < 2).'),
  ];
}

export function errorsColumns(factors: readonly SweepFactor[]): ColumnSpec[] {
  return [
    id('run_id', 'Run number of the failed run.'),
    id('cell_id', 'Design point of the failed run.'),
    id('replicate', 'Replicate number.'),
    id('seed', "Seed of the failed run (rerun it with gvc run --seed and the cell's parameters)."),
    ...factorColumns(factors),
    { name: 'message', type: 'string', unit: '', description: 'What went wrong.' },
  ];
}

/** Lists (guarded functions, group names) go into one cell in the flow form `gvc params` prints. */
export function cellValue(v: unknown): unknown {
  return Array.isArray(v) ? `[${v.join(', ')}]` : v;
}
