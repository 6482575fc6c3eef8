/**
 * `gvc sensitivity`: Sobol first-order and total indices (sobol design) or Morris mu, mu* and
 * sigma (morris design) for the metrics of a finished sweep. Replicates of a cell are averaged
 * first, so the indices describe the expected outcome; the bootstrap intervals come from the
 * estimators in sensitivity/ (Saltelli 2010, Jansen 1999; Morris 1991, Campolongo 2007).
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { osFailure } from '../io/os-errors.js';
import { removeStaleTempFiles } from '../io/staging.js';
import { join } from 'node:path';
import { csvRecords, intCell, numberCell } from '../io/read-csv.js';
import { readDesignFile } from '../experiment/design-file.js';
import type { ColumnSpec } from '../engine/observations.js';
import { CsvWriter, formatRows } from '../io/csv.js';
import { DESIGN_FILE } from '../io/sweep-dir.js';
import { UserError } from '../scenario/errors.js';
import { suggest } from '../scenario/resolve.js';
import { errorsColumns, METRIC_COLUMNS, runsColumns } from '../experiment/sweep-columns.js';
import { specFor, templateOf } from '../scenario/parameters.js';
import { analyzeMorris } from './sensitivity/morris.js';
import { analyzeSobol } from './sensitivity/sobol.js';

export const SENSITIVITY_FILE = 'sensitivity.csv';

export const SENSITIVITY_COLUMNS: readonly ColumnSpec[] = [
  {
    name: 'metric',
    type: 'string',
    unit: '',
    description: 'Metric of runs.csv analysed (cell means over replicates).',
  },
  { name: 'method', type: 'string', unit: '', description: 'sobol or morris.' },
  { name: 'factor', type: 'string', unit: '', description: 'Varied parameter (dotted path).' },
  {
    name: 'index',
    type: 'string',
    unit: '',
    description: 'S1 (first order), ST (total order), mu, mu_star or sigma.',
  },
  {
    name: 'value',
    type: 'number',
    unit: 'as index',
    description: 'Estimate of the index (empty when the metric does not vary).',
  },
  {
    name: 'ci95_low',
    type: 'number',
    unit: 'as index',
    description: 'Lower bound of the 95% bootstrap percentile interval (S1, ST, mu_star).',
  },
  {
    name: 'ci95_high',
    type: 'number',
    unit: 'as index',
    description: 'Upper bound of the 95% bootstrap percentile interval (S1, ST, mu_star).',
  },
];

export interface SensitivityRow {
  metric: string;
  method: string;
  factor: string;
  index: string;
  value: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
}

/** Mean of each metric per cell, in cell order. */
async function cellMeans(
  runsCsv: string,
  metrics: readonly string[],
  cells: number,
  header: readonly string[],
): Promise<{ means: number[][]; runs: number }> {
  let runs = 0;
  const sums = metrics.map(() => new Array<number>(cells).fill(0));
  const counts = metrics.map(() => new Array<number>(cells).fill(0));
  if (!existsSync(runsCsv))
    throw new UserError(`${runsCsv}: missing (not a finished sweep folder)`);
  for await (const r of csvRecords(runsCsv, ['cell_id', ...metrics], header)) {
    runs++;
    const c = intCell(r, runsCsv, 'cell_id', 1) - 1;
    if (c >= cells)
      throw new UserError(
        `${runsCsv}:${r.line}: cell_id: expected at most ${cells} (design.json's cells), found ${c + 1}`,
      );
    metrics.forEach((m, j) => {
      const x = numberCell(r, runsCsv, m);
      if (x !== null) {
        sums[j][c] += x;
        counts[j][c]++;
      }
    });
  }
  return {
    means: sums.map((row, j) => row.map((s, c) => (counts[j][c] > 0 ? s / counts[j][c] : NaN))),
    runs,
  };
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);

export async function sensitivityRows(
  sweepDir: string,
  metric?: string,
): Promise<SensitivityRow[]> {
  const designPath = join(sweepDir, DESIGN_FILE);
  if (!existsSync(designPath))
    throw new UserError(`${sweepDir}: not a finished sweep folder (no ${DESIGN_FILE})`);
  const design = readDesignFile(sweepDir);
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
  const factors = design.factors.map((f) => {
    const spec = specFor(templateOf(f.path));
    if (!spec)
      throw new UserError(
        `${join(sweepDir, DESIGN_FILE)}: factors: unknown parameter path ${JSON.stringify(f.path)} (damaged file)`,
      );
    return { path: f.path, spec };
  });
  const { means, runs } = await cellMeans(
    join(sweepDir, 'runs.csv'),
    metrics,
    design.cells,
    runsColumns(factors).map((c) => c.name),
  );
  // Every run is in runs.csv or (failed) in errors.csv: a file cut at a line boundary still
  // parses, so only the count shows it.
  const errorsCsv = join(sweepDir, 'errors.csv');
  let failed = 0;
  const errorsHeader = errorsColumns(factors).map((c) => c.name);
  if (existsSync(errorsCsv))
    for await (const r of csvRecords(errorsCsv, [], errorsHeader)) failed += r ? 1 : 0;
  if (runs + failed !== design.total_runs)
    throw new UserError(
      `${join(sweepDir, 'runs.csv')}: ${runs} runs (and ${failed} in errors.csv), but ${DESIGN_FILE} records ${design.total_runs}; the sweep's files are incomplete or damaged`,
    );
  const rows: SensitivityRow[] = [];
  metrics.forEach((m, j) => {
    const y = means[j];
    const missing = y.findIndex((v) => !Number.isFinite(v));
    const constant = y.every((v) => v === y[0]);
    const factors = design.layout!.layout.factors;
    if (missing >= 0 || constant) {
      // No defined value in some cell, or nothing to attribute: the indices do not exist.
      if (metric)
        throw new UserError(
          `--metric ${m}: ${missing >= 0 ? `cell ${missing + 1} has no value` : 'the metric does not vary across cells'}`,
        );
      return;
    }
    if (design.layout!.kind === 'sobol') {
      const r = analyzeSobol(design.layout!.layout, y);
      factors.forEach((f, k) => {
        rows.push({
          metric: m,
          method: 'sobol',
          factor: f,
          index: 'S1',
          value: finite(r.S1[k]),
          ci95_low: finite(r.bootstrap.S1[k].lower),
          ci95_high: finite(r.bootstrap.S1[k].upper),
        });
        rows.push({
          metric: m,
          method: 'sobol',
          factor: f,
          index: 'ST',
          value: finite(r.ST[k]),
          ci95_low: finite(r.bootstrap.ST[k].lower),
          ci95_high: finite(r.bootstrap.ST[k].upper),
        });
      });
    } else {
      const r = analyzeMorris(design.layout!.layout, y);
      factors.forEach((f, k) => {
        rows.push({
          metric: m,
          method: 'morris',
          factor: f,
          index: 'mu',
          value: finite(r.mu[k]),
          ci95_low: null,
          ci95_high: null,
        });
        rows.push({
          metric: m,
          method: 'morris',
          factor: f,
          index: 'mu_star',
          value: finite(r.muStar[k]),
          ci95_low: finite(r.muStarBootstrap[k].lower),
          ci95_high: finite(r.muStarBootstrap[k].upper),
        });
        rows.push({
          metric: m,
          method: 'morris',
          factor: f,
          index: 'sigma',
          value: finite(r.sigma[k]),
          ci95_low: null,
          ci95_high: null,
        });
      });
    }
  });
  return rows;
}

/** Write sensitivity.csv into the sweep folder, under a temporary name first. */
export async function writeSensitivity(
  sweepDir: string,
  metric?: string,
): Promise<{ path: string; rows: number }> {
  const rows = await sensitivityRows(sweepDir, metric);
  const path = join(sweepDir, SENSITIVITY_FILE);
  removeStaleTempFiles(sweepDir, [SENSITIVITY_FILE]);
  // Replaces only a sensitivity.csv gvc wrote (recognised by its header): a file of the
  // user's by that name is never overwritten.
  if (existsSync(path)) {
    const header = formatRows(SENSITIVITY_COLUMNS, null);
    let head = '';
    try {
      head = readFileSync(path, 'utf8').slice(0, header.length);
    } catch (err) {
      throw osFailure(err, 'read', path);
    }
    if (head !== header)
      throw new UserError(
        `${path}: exists and was not written by gvc sensitivity (its header differs); move it away first`,
      );
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const writer = new CsvWriter<SensitivityRow>(tmp, SENSITIVITY_COLUMNS);
  try {
    for (const r of rows) writer.write(r);
    await writer.close();
    renameSync(tmp, path);
  } catch (err) {
    writer.discard();
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Left for the stale-file sweep of the next gvc sensitivity.
    }
    throw osFailure(err, 'write', path);
  }
  return { path, rows: rows.length };
}
