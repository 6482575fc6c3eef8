/**
 * summary.csv from runs.csv: per cell and metric, n, mean, sd and a 95% t confidence interval
 * over replicates (for a metric with a bounded domain, the score interval of
 * boundedMeanInterval, which stays inside it). It reads runs.csv back rather than keeping values in memory, so it needs
 * memory for one cell at a time, and a sweep merged from shards (whose runs.csv is the same
 * bytes) gets exactly the same summary as one run in a single process.
 */
import { csvRecords, intCell, numberCell } from '../io/read-csv.js';
import { UserError } from '../scenario/errors.js';
import { TIMESERIES_COLUMNS, type ColumnSpec } from '../engine/observations.js';
import {
  boundedMeanInterval,
  meanConfidenceInterval,
  pooledMeanInterval,
} from './sensitivity/stats.js';
import { PER_ACTIVE_SUPPLIER_METRICS } from '../experiment/measures.js';
import { parseCsvBoolean } from '../io/csv.js';

/** A cell of runs.csv back to the value it was written from (numbers are already rounded, so this round-trips). */
function fromCell(text: string | undefined, column: ColumnSpec): unknown {
  if (text === undefined || text === '') return null;
  if (column.type === 'number' || column.type === 'integer') return Number(text);
  if (column.type === 'boolean') return parseCsvBoolean(text);
  return text;
}

export interface SummaryRow {
  cell_id: number;
  metric: string;
  n: number;
  mean: number | null;
  sd: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
  [factor: string]: unknown;
}

/**
 * n, mean, sd and the 95% interval of the mean of one cell's values of a metric. With a
 * `domain` the interval is boundedMeanInterval's (Wilson-type score interval with estimated
 * dispersion), inside the domain; without one, or if a value falls outside it, the t interval.
 * `units[r]`, when given, is the number of suppliers values[r] is a share or mean over
 * (unitsOfFinal): if every value is the same, the interval is then pooledMeanInterval's (the
 * Wilson interval of the pooled suppliers) rather than the point the run-level spread of 0 gives.
 */
export function summarizeValues(
  values: readonly number[],
  domain?: readonly [number, number],
  units?: readonly number[],
): Pick<SummaryRow, 'n' | 'mean' | 'sd' | 'ci95_low' | 'ci95_high'> {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci95_low: null, ci95_high: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: null, ci95_low: null, ci95_high: null };
  const ci = meanConfidenceInterval(values, 0.95);
  if (domain && values.every((v) => v >= domain[0] && v <= domain[1])) {
    const b =
      (units && pooledMeanInterval(values, units, domain, 0.95)) ||
      boundedMeanInterval(values, domain, 0.95);
    return { n, mean, sd: ci.sd, ci95_low: b.lower, ci95_high: b.upper };
  }
  return { n, mean, sd: ci.sd, ci95_low: ci.lower, ci95_high: ci.upper };
}

/**
 * The number of suppliers a run's final value of `metric` is a share or mean over, given the
 * run's final `n_suppliers`: that count for a metric of PER_ACTIVE_SUPPLIER_METRICS (role shares,
 * capability means, …), NaN for any other metric or when the count is missing.
 */
export function unitsOfFinal(metric: string, nSuppliers: number | null): number {
  return (PER_ACTIVE_SUPPLIER_METRICS as ReadonlySet<string>).has(metric) && nSuppliers !== null
    ? nSuppliers
    : NaN;
}

/** Stream runs.csv (rows grouped by cell, as sweeps write them) and emit summary rows in cell order. */
export async function summarizeRuns(
  runsCsv: string,
  factorColumns: readonly ColumnSpec[],
  metrics: readonly string[],
  emit: (row: SummaryRow) => void,
): Promise<void> {
  const domains = metrics.map(
    (metric) => TIMESERIES_COLUMNS.find((c) => c.name === metric)?.domain,
  );
  let cell: number | null = null;
  let factors: Record<string, unknown> = {};
  let values: number[][] = [];
  let units: number[][] = [];
  const flush = () => {
    if (cell === null) return;
    metrics.forEach((metric, j) =>
      emit({
        cell_id: cell!,
        ...factors,
        metric,
        ...summarizeValues(values[j], domains[j], units[j]),
      }),
    );
  };
  for await (const r of csvRecords(runsCsv, ['cell_id', ...metrics])) {
    const record = r.cells;
    const id = intCell(r, runsCsv, 'cell_id', 1);
    if (cell !== null && id < cell)
      throw new UserError(
        `${runsCsv}:${r.line}: cell_id ${id} after ${cell}: rows are out of cell order (damaged file)`,
      );
    if (id !== cell) {
      flush();
      cell = id;
      factors = Object.fromEntries(factorColumns.map((c) => [c.name, fromCell(record[c.name], c)]));
      values = metrics.map(() => []);
      units = metrics.map(() => []);
    }
    const nSuppliers = 'n_suppliers' in record ? numberCell(r, runsCsv, 'n_suppliers') : null;
    metrics.forEach((metric, j) => {
      const x = numberCell(r, runsCsv, metric);
      if (x === null) return;
      values[j].push(x);
      units[j].push(unitsOfFinal(metric, nSuppliers));
    });
  }
  flush();
}
