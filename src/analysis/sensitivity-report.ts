/**
 * `gvc sensitivity`: Sobol first-order and total indices, and second-order ones when the design
 * has them (sobol design), or Morris mu, mu* and sigma (morris design) for the metrics of a
 * finished sweep. Replicates of a cell are averaged first, so the indices describe the
 * expected outcome; the bootstrap intervals come from the estimators in sensitivity/
 * (Saltelli 2002, 2010, Jansen 1999; Morris 1991, Campolongo 2007).
 *
 * Nothing is dropped without a word: every metric of runs.csv gets either its indices or a row
 * saying why it has none (constant, runs without a value, zero variance), and
 * sensitivity-metrics.csv gives per metric the runs without a value, the cells they are in,
 * and the share of variance that is seed noise (one-way ANOVA over the replicates of a cell).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { osFailure } from '../io/os-errors.js';
import { readHead } from '../io/read-file.js';
import { registerCleanup } from '../io/cleanup.js';
import { removeStaleTempFiles } from '../io/staging.js';
import { join } from 'node:path';
import { csvRecords, intCell, numberCell } from '../io/read-csv.js';
import { CSV_FALSE, CSV_TRUE } from '../io/csv.js';
import { addRecords, assertRecordedUnchanged } from '../io/file-record.js';
import { assertEveryRun, readSweepDesign } from '../experiment/design-file.js';
import type { ColumnSpec } from '../engine/observations.js';
import type { CodebookEntry } from '../io/codebook.js';
import { CsvWriter, formatRows } from '../io/csv.js';
import { DESIGN_FILE, unfinishedSweepHint } from '../io/sweep-dir.js';
import { UserError } from '../scenario/errors.js';
import { suggest } from '../scenario/paths.js';
import { errorsColumns, METRIC_COLUMNS, runsColumns } from '../experiment/sweep-columns.js';
import { specFor, templateOf } from '../scenario/parameters.js';
import { analyzeMorris } from './sensitivity/morris.js';
import { analyzeSobol, isNegligibleSpread, twoPassMoments } from './sensitivity/sobol.js';
import type { MorrisLayout } from '../experiment/designs/morris.js';
import type { SaltelliLayout } from '../experiment/designs/saltelli.js';

export const SENSITIVITY_FILE = 'sensitivity.csv';
export const SENSITIVITY_METRICS_FILE = 'sensitivity-metrics.csv';

/** How runs without a value of a metric are treated. */
export type MissingPolicy = 'refuse' | 'available';

const about = 'Written by gvc sensitivity (sobol and morris sweeps). ';

export const SENSITIVITY_COLUMNS: readonly ColumnSpec[] = [
  {
    name: 'metric',
    type: 'string',
    unit: '',
    description: `${about}Metric of runs.csv analysed (cell means over replicates); every metric has at least one row.`,
  },
  { name: 'method', type: 'string', unit: '', description: 'sobol or morris.' },
  {
    name: 'factor',
    type: 'string',
    unit: '',
    description:
      'Varied parameter (dotted path); the first of the pair for S2; empty on the row of a metric that was not analysed.',
  },
  {
    name: 'factor_2',
    type: 'string',
    unit: '',
    description: 'Second parameter of the pair for S2 (second-order index); empty otherwise.',
  },
  {
    name: 'index',
    type: 'string',
    unit: '',
    description:
      'S1 (first order, Saltelli et al. 2010), ST (total order, Jansen 1999), S2 (second order, Saltelli 2002), mu, mu_star or sigma (Morris 1991; Campolongo et al. 2007); empty on the row of a metric that was not analysed.',
  },
  {
    name: 'value',
    type: 'number',
    unit: 'as index',
    description:
      "Estimate of the index: a share of the variance of cell means (S1, ST, S2) or the metric's change over a full factor range (mu, mu_star, sigma). Empty when the index is undefined; note says why.",
  },
  {
    name: 'ci95_low',
    type: 'number',
    unit: 'as index',
    description:
      'Lower bound of the 95% bootstrap percentile interval (Efron & Tibshirani 1993, §13.3) over base samples (S1, ST, S2) or over trajectories (mu_star); empty for mu and sigma, and when there is nothing to resample (one base sample, or one elementary effect; note says so).',
  },
  {
    name: 'ci95_high',
    type: 'number',
    unit: 'as index',
    description: 'Upper bound of the 95% bootstrap percentile interval; empty otherwise.',
  },
  {
    name: 'note',
    type: 'string',
    unit: '',
    description:
      'Why a value is missing, or what qualifies it (runs without a value, bootstrap replicates left out, Morris steps that did not move an integer factor); empty when there is nothing to say.',
  },
];

export const SENSITIVITY_METRICS_COLUMNS: readonly ColumnSpec[] = [
  {
    name: 'metric',
    type: 'string',
    unit: '',
    description: `${about}Metric of runs.csv; one row for every metric.`,
  },
  {
    name: 'analysed',
    type: 'boolean',
    unit: '',
    description: 'Whether sensitivity.csv has indices for the metric.',
  },
  {
    name: 'reason',
    type: 'string',
    unit: '',
    description: 'Why the metric was not analysed, or what qualifies its indices; empty otherwise.',
  },
  { name: 'cells', type: 'integer', unit: 'cells', description: 'Design points of the sweep.' },
  { name: 'runs', type: 'integer', unit: 'runs', description: 'Runs in runs.csv.' },
  {
    name: 'runs_missing',
    type: 'integer',
    unit: 'runs',
    description:
      'Runs with no value of the metric (e.g. no supplier left to average over); summary.csv has the count per cell as replications minus n.',
  },
  {
    name: 'cells_missing',
    type: 'string',
    unit: '',
    description:
      'cell_id of the cells with at least one such run (space-separated; empty if none).',
  },
  {
    name: 'noise_share',
    type: 'number',
    unit: 'share',
    description:
      'Share of the variance of single runs that lies between replicates of the same cell, i.e. is seed noise: pooled within-cell variance / total variance over runs (one-way ANOVA), capped at 1; empty with fewer than two replicates in every cell.',
  },
  {
    name: 'noise_share_of_means',
    type: 'number',
    unit: 'share',
    description:
      "Share of the variance of cell means (what S1, ST, mu* decompose) expected from seed noise alone: mean over cells of (pooled within-cell variance / replicates) / variance of the cell means, capped at 1. Near 1 the indices mostly measure noise: add replications or use sweep.common_random_numbers (under which the noise the runs of a block share cancels from the estimators' differences, though not from the variance Sobol' indices divide by).",
  },
];

/** Codebook entries of the files gvc sensitivity writes (listed by sobol and morris sweeps). */
export const SENSITIVITY_CODEBOOK: readonly CodebookEntry[] = [
  { file: SENSITIVITY_FILE, columns: SENSITIVITY_COLUMNS },
  { file: SENSITIVITY_METRICS_FILE, columns: SENSITIVITY_METRICS_COLUMNS },
];

export interface SensitivityRow {
  metric: string;
  method: string;
  factor: string;
  factor_2: string;
  index: string;
  value: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
  note: string;
}

export interface MetricStatusRow {
  metric: string;
  analysed: boolean;
  reason: string;
  cells: number;
  runs: number;
  runs_missing: number;
  cells_missing: string;
  noise_share: number | null;
  noise_share_of_means: number | null;
}

/** Every defined value of each metric, per cell: values[metric][cell] (cells in order). */
async function cellValues(
  runsCsv: string,
  metrics: readonly string[],
  cells: number,
  header: readonly string[],
): Promise<{ values: number[][][]; runsPerCell: number[] }> {
  const values = metrics.map(() => Array.from({ length: cells }, (): number[] => []));
  const runsPerCell = new Array<number>(cells).fill(0);
  if (!existsSync(runsCsv))
    throw new UserError(`${runsCsv}: missing (not a finished sweep folder)`);
  const domains = metrics.map((metric) => METRIC_COLUMNS.find((c) => c.name === metric)?.domain);
  const seen = new Map<number, number>();
  for await (const r of csvRecords(runsCsv, ['run_id', 'cell_id', ...metrics], header)) {
    // A run listed twice (a row copied, files concatenated) would count twice in its cell.
    const id = intCell(r, runsCsv, 'run_id', 1);
    const first = seen.get(id);
    if (first !== undefined)
      throw new UserError(
        `${runsCsv}:${r.line}: run_id: expected each run once, found run ${id} again (also line ${first})`,
      );
    seen.set(id, r.line);
    const c = intCell(r, runsCsv, 'cell_id', 1) - 1;
    if (c >= cells)
      throw new UserError(
        `${runsCsv}:${r.line}: cell_id: expected at most ${cells} (design.json's cells), found ${c + 1}`,
      );
    runsPerCell[c]++;
    metrics.forEach((metric, j) => {
      const x = numberCell(r, runsCsv, metric);
      if (x === null) return;
      // A value no run can produce (a share of 5) is a damaged file, not data to analyse.
      const domain = domains[j];
      if (domain && !(x >= domain[0] && x <= domain[1]))
        throw new UserError(
          `${runsCsv}:${r.line}: ${metric}: expected a value in [${domain[0]}, ${domain[1]}], found ${x} (the file is damaged)`,
        );
      values[j][c].push(x);
    });
  }
  return { values, runsPerCell };
}

/**
 * Share of variance due to replication (seed) noise, from the replicates within cells
 * (one-way random-effects ANOVA; e.g. Montgomery 2017, ch. 3). Cells with fewer than two
 * values contribute nothing to the within-cell variance. Null when no cell has two values or
 * the runs do not vary.
 */
export function noiseShares(perCell: readonly (readonly number[])[]): {
  runs: number | null;
  means: number | null;
} {
  let within = 0;
  let withinDf = 0;
  const all: number[] = [];
  const means: number[] = [];
  for (const v of perCell) {
    all.push(...v);
    if (v.length === 0) continue;
    const moments = twoPassMoments(v);
    means.push(moments.mean);
    if (v.length > 1) {
      within += moments.variance * v.length;
      withinDf += v.length - 1;
    }
  }
  if (withinDf === 0 || all.length < 2) return { runs: null, means: null };
  const sw2 = within / withinDf;
  const total = twoPassMoments(all);
  const sT2 = (total.variance * all.length) / (all.length - 1);
  const runs = isNegligibleSpread(Math.sqrt(sT2), total.maxAbs) ? null : Math.min(1, sw2 / sT2);
  let meansShare: number | null = null;
  if (means.length > 1) {
    const mm = twoPassMoments(means);
    const varMeans = (mm.variance * means.length) / (means.length - 1);
    let noise = 0;
    for (const v of perCell) if (v.length > 0) noise += sw2 / v.length;
    noise /= means.length;
    if (!isNegligibleSpread(Math.sqrt(varMeans), mm.maxAbs))
      meansShare = Math.min(1, noise / varMeans);
  }
  return { runs, means: meansShare };
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);

/** "cell 3", "cells 3, 7" or "cells 1, 2, …, 10, … (14)": at most ten ids, then the count. */
function listCells(ids: readonly number[]): string {
  const noun = ids.length === 1 ? 'cell' : 'cells';
  const shown =
    ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')}, … (${ids.length})`;
  return `${noun} ${shown}`;
}

export interface SensitivityOutput {
  rows: SensitivityRow[];
  metrics: MetricStatusRow[];
  /** One line per metric that was not analysed or whose indices are qualified (for stderr). */
  notes: string[];
}

/** A row of indices of one factor (or pair), before the metric, method and qualifier. */
type IndexRow = Omit<SensitivityRow, 'metric' | 'method' | 'factor_2' | 'note'> &
  Partial<SensitivityRow>;

/**
 * Opens a finished sobol or morris sweep folder for sensitivity analysis: its design.json,
 * the metrics to analyse (`metric`, or every metric of runs.csv), and per metric and cell the
 * values of runs.csv. Throws a UserError naming the file when the folder is not a finished
 * sweep, is a shard, has another design, names an unknown parameter, or when runs.csv and
 * errors.csv together do not hold every run that design.json records.
 */
async function openSweep(sweepDir: string, metric: string | undefined) {
  const design = readSweepDesign(
    sweepDir,
    `${sweepDir}: not a finished sweep folder (no ${DESIGN_FILE})${unfinishedSweepHint(sweepDir)}`,
  );
  if (design.shard)
    throw new UserError(`${sweepDir}: a single shard; merge the shards first (gvc merge)`);
  if (!design.layout) {
    throw new UserError(
      `${sweepDir}: a ${design.design} sweep; sensitivity indices need a sobol or morris design (see summary.csv for this one)`,
    );
  }
  const all = METRIC_COLUMNS.map((c) => c.name);
  if (metric !== undefined && !all.includes(metric)) {
    const hint = suggest(metric, all);
    throw new UserError(
      `--metric: expected a metric of runs.csv, found "${metric}"${hint ? `. Did you mean "${hint}"?` : ''}`,
    );
  }
  const metrics = metric ? [metric] : all;
  const factorSpecs = design.factors.map((f) => {
    const spec = specFor(templateOf(f.path));
    if (!spec)
      throw new UserError(
        `${join(sweepDir, DESIGN_FILE)}: factors: unknown parameter path ${JSON.stringify(f.path)} (damaged file)`,
      );
    return { path: f.path, spec };
  });
  const { values, runsPerCell } = await cellValues(
    join(sweepDir, 'runs.csv'),
    metrics,
    design.cells,
    runsColumns(factorSpecs).map((c) => c.name),
  );
  const runs = runsPerCell.reduce((a, b) => a + b, 0);
  // Every run is in runs.csv or (failed) in errors.csv: a file cut at a line boundary still
  // parses, so only the count shows it.
  const errorsCsv = join(sweepDir, 'errors.csv');
  let failed = 0;
  const errorsHeader = errorsColumns(factorSpecs).map((c) => c.name);
  if (existsSync(errorsCsv))
    for await (const r of csvRecords(errorsCsv, [], errorsHeader)) failed += r ? 1 : 0;
  assertEveryRun(join(sweepDir, 'runs.csv'), runs, failed, design.total_runs);
  return { design, layout: design.layout, metrics, values, runsPerCell, runs };
}

/**
 * Sobol' S1 and ST (and S2 when the design has them) of every factor from the cell means `y`
 * in the Saltelli design's order, with bootstrap 95% CIs; or why they are undefined. The
 * qualifier says how many bootstrap replicates were left out (zero variance), if any, or that
 * one base sample gives no interval; `ofDesign` is true when the qualifier comes from the
 * design alone (N = 1), so it holds for every metric and is said once, not once per metric.
 */
function sobolIndices(
  layout: SaltelliLayout,
  y: readonly number[],
): { rows: IndexRow[]; qualifier: string; ofDesign?: boolean } | { undefinedReason: string } {
  const r = analyzeSobol(layout, y);
  if (r.undefinedReason) return { undefinedReason: r.undefinedReason };
  const factors = layout.factors;
  const rows: IndexRow[] = [];
  const dropped =
    layout.N < 2
      ? 'one base sample: no interval (a bootstrap resample of one sample is that sample)'
      : r.droppedReplicates > 0
        ? `${r.droppedReplicates} of ${r.resamples} bootstrap replicates had zero variance in f(A) ∪ f(B) and were left out`
        : '';
  factors.forEach((f, k) => {
    for (const [index, est, b] of [
      ['S1', r.S1[k], r.bootstrap.S1[k]],
      ['ST', r.ST[k], r.bootstrap.ST[k]],
    ] as const) {
      rows.push({
        factor: f,
        index,
        value: finite(est),
        ci95_low: finite(b.lower),
        ci95_high: finite(b.upper),
        note: dropped,
      });
    }
  });
  if (r.S2 && r.bootstrap.S2) {
    for (let a = 0; a < factors.length; a++) {
      for (let b = a + 1; b < factors.length; b++) {
        const boot = r.bootstrap.S2[a][b];
        rows.push({
          factor: factors[a],
          factor_2: factors[b],
          index: 'S2',
          value: finite(r.S2[a][b]),
          ci95_low: finite(boot?.lower),
          ci95_high: finite(boot?.upper),
          note: dropped,
        });
      }
    }
  }
  return { rows, qualifier: dropped, ofDesign: layout.N < 2 };
}

/**
 * Morris mu, mu* (with a bootstrap 95% CI) and sigma of every factor from the cell means `y`
 * in the trajectories' order (Morris 1991; Campolongo, Cariboni & Saltelli 2007), each noting
 * steps that left a rounded factor unchanged.
 */
function morrisIndices(
  layout: MorrisLayout,
  y: readonly number[],
): { rows: IndexRow[]; qualifier: string } {
  const r = analyzeMorris(layout, y);
  const rows: IndexRow[] = [];
  layout.factors.forEach((f, k) => {
    const lost = r.trajectories - r.effects[k].length;
    const note =
      lost > 0
        ? `${lost} of ${r.trajectories} steps left the rounded value unchanged and have no effect`
        : '';
    rows.push({
      factor: f,
      index: 'mu',
      value: finite(r.mu[k]),
      ci95_low: null,
      ci95_high: null,
      note,
    });
    rows.push({
      factor: f,
      index: 'mu_star',
      value: finite(r.muStar[k]),
      ci95_low: finite(r.muStarBootstrap[k].lower),
      ci95_high: finite(r.muStarBootstrap[k].upper),
      note:
        r.effects[k].length === 1
          ? [note, 'its interval needs at least two elementary effects'].filter(Boolean).join('; ')
          : note,
    });
    rows.push({
      factor: f,
      index: 'sigma',
      value: finite(r.sigma[k]),
      ci95_low: null,
      ci95_high: null,
      note:
        r.effects[k].length < 2
          ? [note, 'sigma needs at least two elementary effects'].filter(Boolean).join('; ')
          : note,
    });
  });
  return { rows, qualifier: '' };
}

export async function sensitivityRows(
  sweepDir: string,
  metric?: string,
  missing: MissingPolicy = 'refuse',
  onMetric?: (done: number, total: number) => void,
): Promise<SensitivityOutput> {
  const { design, layout, metrics, values, runsPerCell, runs } = await openSweep(sweepDir, metric);
  const method = layout.kind;
  const rows: SensitivityRow[] = [];
  const statuses: MetricStatusRow[] = [];
  const notes: string[] = [];
  // Notes that follow from the design, not from a metric's values (one Sobol' base sample):
  // printed once before the metrics' own notes, naming the metrics they apply to.
  const designNotes = new Map<string, string[]>();

  metrics.forEach((metric, j) => {
    onMetric?.(j, metrics.length);
    const perCell = values[j];
    const missingCells: number[] = [];
    const emptyCells: number[] = [];
    let runsMissing = 0;
    perCell.forEach((v, c) => {
      const lacking = runsPerCell[c] - v.length;
      if (lacking > 0) {
        runsMissing += lacking;
        missingCells.push(c + 1);
        if (v.length === 0) emptyCells.push(c + 1);
      }
    });
    const noise = noiseShares(perCell);
    const status: MetricStatusRow = {
      metric: metric,
      analysed: false,
      reason: '',
      cells: design.cells,
      runs,
      runs_missing: runsMissing,
      cells_missing: missingCells.join(' '),
      noise_share: noise.runs,
      noise_share_of_means: noise.means,
    };
    statuses.push(status);
    const notAnalysed = (reason: string) => {
      status.reason = reason;
      rows.push({
        metric: metric,
        method,
        factor: '',
        factor_2: '',
        index: '',
        value: null,
        ci95_low: null,
        ci95_high: null,
        note: reason,
      });
      notes.push(`${metric}: not analysed: ${reason}`);
    };

    // Missing values: never averaged away without a word.
    let qualifier = '';
    if (runsMissing > 0) {
      const where = `${runsMissing} of ${runs} runs ${runsMissing === 1 ? 'has' : 'have'} no value, in ${listCells(missingCells)}`;
      if (emptyCells.length > 0)
        return notAnalysed(
          `${where}; ${listCells(emptyCells)} ${emptyCells.length === 1 ? 'has' : 'have'} none at all, so the design is incomplete`,
        );
      if (missing === 'refuse')
        return notAnalysed(
          `${where}; cell means over unequal replicates would mix noise levels (use --missing available to analyse them anyway)`,
        );
      qualifier = `cell means over the available runs: ${where}`;
    }
    const y = perCell.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    const spread = twoPassMoments(y);
    if (isNegligibleSpread(Math.sqrt(spread.variance), spread.maxAbs))
      return notAnalysed(
        `the cell means do not vary (all ${Number(y[0].toPrecision(6))} to within rounding): no variance to attribute`,
      );

    const push = (r: IndexRow) =>
      rows.push({
        metric: metric,
        method,
        factor_2: '',
        ...r,
        note: [qualifier, r.note ?? ''].filter(Boolean).join('; '),
      });

    const indices =
      layout.kind === 'sobol' ? sobolIndices(layout.layout, y) : morrisIndices(layout.layout, y);
    if ('undefinedReason' in indices) return notAnalysed(indices.undefinedReason);
    for (const r of indices.rows) push(r);
    const own = qualifier;
    if (indices.qualifier) qualifier = [qualifier, indices.qualifier].filter(Boolean).join('; ');
    status.analysed = true;
    status.reason = qualifier;
    if ('ofDesign' in indices && indices.ofDesign) {
      designNotes.set(indices.qualifier, [...(designNotes.get(indices.qualifier) ?? []), metric]);
      if (own) notes.push(`${metric}: ${own}`);
    } else if (qualifier) notes.push(`${metric}: ${qualifier}`);
    if (noise.means !== null && noise.means > 0.5) {
      const pct = `${metric}: ${Math.round(noise.means * 100)}% of the variance of cell means is seed noise`;
      // Under common random numbers the noise a block's runs share cancels from the
      // differences the estimators take, so recommending them would be wrong; what is left
      // is the noise in the variance Sobol' indices divide by, and any noise that differs
      // between the runs of a block.
      notes.push(
        !design.common_random_numbers
          ? `${pct}; its indices mostly measure noise (add replications or use sweep.common_random_numbers)`
          : method === 'sobol'
            ? `${pct}; with common random numbers it largely cancels from the estimators' differences but not from the variance they divide by, so the indices are shares of a variance that is mostly noise (add replications)`
            : `${pct}; with common random numbers it largely cancels from the elementary effects, which are differences within a trajectory (add replications to check)`,
      );
    }
  });
  onMetric?.(metrics.length, metrics.length);
  const once = [...designNotes].map(
    ([note, names]) =>
      `all ${names.length} analysed ${names.length === 1 ? 'metric' : 'metrics'}: ${note}`,
  );
  return { rows, metrics: statuses, notes: [...once, ...notes] };
}

/**
 * The rows of a table gvc sensitivity wrote earlier, by metric in the order of the file, with
 * each cell converted back to its column's type (strings exactly as read, so a rewrite gives the
 * same bytes). The file is checked against the folder's record as it is read (read-csv.ts).
 * Throws a UserError naming the file, line and column for a cell that is not of its type.
 */
async function earlierRows(
  path: string,
  cols: readonly ColumnSpec[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const byMetric = new Map<string, Record<string, unknown>[]>();
  const names = cols.map((c) => c.name);
  for await (const r of csvRecords(path, names, names)) {
    const row: Record<string, unknown> = {};
    for (const c of cols) {
      const text = r.cells[c.name];
      if (c.type === 'number' || c.type === 'integer') row[c.name] = numberCell(r, path, c.name);
      else if (c.type === 'boolean') {
        if (text !== CSV_TRUE && text !== CSV_FALSE)
          throw new UserError(
            `${path}:${r.line}: ${c.name}: expected ${CSV_TRUE} or ${CSV_FALSE}, found ${JSON.stringify(text.slice(0, 30))}`,
          );
        row[c.name] = text === CSV_TRUE;
      } else row[c.name] = text;
    }
    const metric = r.cells.metric;
    const list = byMetric.get(metric) ?? [];
    list.push(row);
    byMetric.set(metric, list);
  }
  return byMetric;
}

/**
 * `rows` of the analysed metric in place of its rows in the earlier table `earlier`, whose
 * other metrics' rows are kept in their order; a metric the earlier table lacks comes after
 * them. Returns the rows and the number of other metrics kept.
 */
function replaceMetricRows<R extends object>(
  earlier: Map<string, Record<string, unknown>[]>,
  metric: string,
  rows: readonly R[],
): { rows: object[]; kept: number } {
  const out: object[] = [];
  let placed = false;
  let kept = 0;
  for (const [m, old] of earlier) {
    if (m === metric) {
      if (!placed) out.push(...rows);
      placed = true;
    } else {
      out.push(...old);
      kept++;
    }
  }
  if (!placed) out.push(...rows);
  return { rows: out, kept };
}

/**
 * Write sensitivity.csv and sensitivity-metrics.csv into the sweep folder, each under a
 * temporary name first (an earlier run's files, written by this command, are replaced).
 * With `metric`, only that metric's rows are replaced: the rows an earlier analysis wrote for
 * the other metrics are read back (checked against the folder's record) and kept, so
 * analysing one metric again never discards a fuller earlier result; `kept` counts them.
 */
export async function writeSensitivity(
  sweepDir: string,
  metric?: string,
  missing: MissingPolicy = 'refuse',
  onMetric?: (done: number, total: number) => void,
): Promise<{
  path: string;
  rows: number;
  analysed: number;
  metrics: number;
  kept: number;
  notes: string[];
}> {
  const out = await sensitivityRows(sweepDir, metric, missing, onMetric);
  removeStaleTempFiles(sweepDir, [SENSITIVITY_FILE, SENSITIVITY_METRICS_FILE]);
  // Replaces only files gvc sensitivity wrote (recognised by their header) and that are
  // unchanged since (the manifest's record): a file of the user's is never overwritten.
  for (const [file, cols] of [
    [SENSITIVITY_FILE, SENSITIVITY_COLUMNS],
    [SENSITIVITY_METRICS_FILE, SENSITIVITY_METRICS_COLUMNS],
  ] as const) {
    const path = join(sweepDir, file);
    if (!existsSync(path)) continue;
    const header = formatRows(cols, null);
    let head = '';
    try {
      head = readHead(path, 'a sensitivity table', Buffer.byteLength(header));
    } catch (err) {
      throw osFailure(err, 'read', path);
    }
    if (head !== header)
      throw new UserError(
        `${path}: exists and was not written by gvc sensitivity (its header differs); move it away first`,
      );
    assertRecordedUnchanged(path, 'gvc sensitivity');
  }
  const write = async <R extends object>(file: string, cols: readonly ColumnSpec[], rows: R[]) => {
    const path = join(sweepDir, file);
    const tmp = `${path}.tmp-${process.pid}`;
    const removeTmp = (): void => {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // Left for the stale-file sweep of the next gvc sensitivity.
      }
    };
    // Ctrl-C or SIGTERM while the tables are written (close() lets the listener run) removes
    // the temporary file, as an error does; so does an exit before the rename.
    const unregister = registerCleanup(removeTmp);
    const writer = new CsvWriter<R>(tmp, cols);
    try {
      for (const r of rows) writer.write(r);
      await writer.close();
    } catch (err) {
      writer.discard();
      removeTmp();
      unregister();
      throw osFailure(err, 'write', path);
    }
    return () => {
      try {
        renameSync(tmp, path);
      } catch (err) {
        throw osFailure(err, 'write', path);
      } finally {
        unregister();
      }
    };
  };
  // With `metric`, each table keeps the rows an earlier analysis wrote for the other metrics.
  const withEarlier = async (file: string, cols: readonly ColumnSpec[], fresh: object[]) => {
    const path = join(sweepDir, file);
    if (metric === undefined || !existsSync(path)) return { rows: fresh, kept: 0 };
    return replaceMetricRows(await earlierRows(path, cols), metric, fresh);
  };
  const indices = await withEarlier(SENSITIVITY_FILE, SENSITIVITY_COLUMNS, out.rows);
  const statuses = await withEarlier(
    SENSITIVITY_METRICS_FILE,
    SENSITIVITY_METRICS_COLUMNS,
    out.metrics,
  );
  const kept = Math.max(indices.kept, statuses.kept);
  const commitRows = await write(SENSITIVITY_FILE, SENSITIVITY_COLUMNS, indices.rows);
  const commitMetrics = await write(
    SENSITIVITY_METRICS_FILE,
    SENSITIVITY_METRICS_COLUMNS,
    statuses.rows,
  );
  commitRows();
  commitMetrics();
  // So that gvc report checks them as it checks the sweep's own tables.
  await addRecords(sweepDir, [SENSITIVITY_FILE, SENSITIVITY_METRICS_FILE]);
  return {
    path: join(sweepDir, SENSITIVITY_FILE),
    rows: out.rows.filter((r) => r.value !== null).length,
    analysed: out.metrics.filter((metric) => metric.analysed).length,
    metrics: out.metrics.length,
    kept,
    notes: out.notes,
  };
}
