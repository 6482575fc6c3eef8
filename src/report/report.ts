/**
 * `gvc report`: figures and a self-contained report.html for an output folder. The kind of
 * folder is recognised from the files present:
 *
 *   validation.csv                → validation (gvc validate)
 *   sensitivity.csv + runs.csv    → sensitivity (a sobol/morris sweep after gvc sensitivity)
 *   runs.csv                      → sweep (gvc sweep)
 *   timeseries.csv                → run (gvc run; suppliers.csv is used when present)
 *
 * Everything is read and rendered before anything is written; the files then go into a
 * staging folder that is renamed into place, so a failure leaves no partial report.
 */
import { type Stats, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { isFile, readManifest, readUnits } from './data.js';
import { type Figure, plural } from './figure.js';
import { runReport } from './figures/run.js';
import {
  influenceRanking,
  readSensitivity,
  S2_TABLE_COLUMNS,
  secondOrderRows,
  sensitivityFigures,
  unanalysedMetrics,
  sensitivityMetrics,
} from './figures/sensitivity.js';
import { loadSweep, sweepFigures } from './figures/sweep.js';
import { forestFigure, readValidation, VALIDATION_COLUMNS } from './figures/validation.js';
import { buildHtml, type HtmlTable } from './html.js';
import type { RenderedFigure } from './render.js';
import { inputReadFailure } from '../io/os-errors.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { FILES_KEY, recordFiles } from '../io/file-record.js';
import { commandArgs, commandLine, programInfo, writeManifest } from '../io/manifest.js';
import { unfinishedSweepHint } from '../io/sweep-dir.js';

export type FolderKind = 'run' | 'sweep' | 'sensitivity' | 'validation';

export function detectKind(dir: string): FolderKind {
  let st: Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw inputReadFailure(err, dir); // a link loop, a name too long: bad input; permission: exit 3
  }
  if (!st) throw new UserError(`${dir}: no such folder${unfinishedSweepHint(dir)}`);
  if (!st.isDirectory()) throw new UserError(`${dir}: not a folder`);
  const has = (f: string) => isFile(join(dir, f));
  if (has('validation.csv')) return 'validation';
  if (has('runs.csv')) return has('sensitivity.csv') ? 'sensitivity' : 'sweep';
  if (has('timeseries.csv')) return 'run';
  throw new UserError(
    `${dir}: not a gvc output folder (expected timeseries.csv for a run, runs.csv for a sweep, sensitivity.csv for a sensitivity analysis, or validation.csv for a validation)`,
  );
}

export interface ReportOptions {
  out?: string;
  force?: boolean;
  /** Metrics for sweep and sensitivity figures (default: the key lock-in metrics present). */
  metrics?: string[];
  programVersion: string;
}

export interface ReportResult {
  kind: FolderKind;
  out: string;
  figures: RenderedFigure[];
  warnings: string[];
}

interface Content {
  figures: Figure[];
  tables: HtmlTable[];
  notes: string[];
}

function content(dir: string, kind: FolderKind, metrics: string[] | undefined): Content {
  const manifest = readManifest(dir);
  const units = readUnits(dir);
  switch (kind) {
    case 'run':
      return { ...runReport(dir, manifest), tables: [] };
    case 'sweep': {
      const data = loadSweep(dir, units, metrics);
      return {
        figures: sweepFigures(data),
        tables: [],
        notes: [
          `Swept parameters: ${data.factors.join(', ')}; ${plural(data.runs.rows.length, 'run')}.`,
        ],
      };
    }
    case 'sensitivity': {
      const t = readSensitivity(dir);
      const sm = sensitivityMetrics(t, metrics);
      const data = loadSweep(dir, units, metrics);
      const s2 = secondOrderRows(t, sm);
      const ranking = influenceRanking(
        t,
        data.runs.columns.includes('lockin_rate') ? 'lockin_rate' : sm[0],
      );
      return {
        figures: [
          ...sensitivityFigures(t, sm),
          ...sweepFigures(data, ranking.length >= 2 ? ranking : undefined),
        ],
        tables: s2.length
          ? [
              {
                title: 'Second-order Sobol indices',
                caption:
                  'S2 (Saltelli 2002): the share of the variance of cell means due to the interaction of each pair of parameters alone, with its 95% bootstrap percentile interval (sensitivity.csv).',
                columns: S2_TABLE_COLUMNS,
                rows: s2,
              },
            ]
          : [],
        notes: [
          `Sensitivity method: ${t.rows[0].method}; factors: ${[...new Set(t.rows.map((r) => r.factor).filter(Boolean))].join(', ')}; ${plural(data.runs.rows.length, 'run')}.`,
          ...unanalysedMetrics(t).map((u) => `Not analysed: ${u.metric}: ${u.reason}`),
        ],
      };
    }
    case 'validation': {
      const t = readValidation(dir);
      const pass = t.rows.filter((r) => r.result === 'PASS').length;
      return {
        figures: [forestFigure(t)],
        tables: [
          {
            title: 'Patterns and cases',
            caption: `validation.csv: ${pass} of ${t.rows.length} checks pass. Effect sizes with 95% confidence intervals; criterion is the condition for PASS. Numbers are rounded to 3 significant digits (validation.csv holds them in full).`,
            columns: VALIDATION_COLUMNS,
            rows: t.rows,
            resultColumn: 'result',
          },
        ],
        notes: [],
      };
    }
  }
}

export async function buildReport(dir: string, opts: ReportOptions): Promise<ReportResult> {
  const kind = detectKind(dir);
  // A run's and a validation's figures are fixed; a metric list would be ignored there.
  if (opts.metrics !== undefined && (kind === 'run' || kind === 'validation'))
    throw new UserError(
      `--metrics: only for sweep and sensitivity folders; ${dir} is a ${kind} folder, whose figures are fixed`,
    );
  const c = content(dir, kind, opts.metrics);
  // The output folder is checked (and its staging folder made) before the slow part.
  const out = opts.out ?? join(dir, 'report');
  const target = prepareOutputDir(out, {
    force: Boolean(opts.force),
    kind: 'report',
    inputs: [dir],
  });
  try {
    // vega is loaded only once the input has been read and checked, so bad input fails fast.
    const { renderFigures } = await import('./render.js');
    const figures = await renderFigures(c.figures);
    const html = buildHtml({
      kind,
      folder: dir,
      manifest: readManifest(dir),
      programVersion: opts.programVersion,
      figures,
      tables: c.tables,
      notes: c.notes,
    });
    for (const f of figures) {
      writeFileSync(target.file(`${f.id}.svg`), f.svg.endsWith('\n') ? f.svg : f.svg + '\n');
      writeFileSync(target.file(`${f.id}.vl.json`), JSON.stringify(f.spec, null, 2) + '\n');
    }
    writeFileSync(target.file('report.html'), html);
    // What the folder holds, with each file's size and sha256: a later `--force` replaces the
    // folder only while every file is still what gvc wrote (a restyled figure is the user's).
    const names = [...figures.flatMap((f) => [`${f.id}.svg`, `${f.id}.vl.json`]), 'report.html'];
    const program = programInfo();
    writeManifest(target.file('manifest.json'), {
      program: program.name,
      version: program.version,
      git_commit: program.gitCommit,
      git_dirty: program.gitDirty,
      report: { of: dir, kind },
      command_line: commandLine(process.argv),
      argv: commandArgs(process.argv),
      [FILES_KEY]: await recordFiles(names, (n) => target.file(n)),
    });
    target.commit();
    return {
      kind,
      out,
      figures,
      warnings: figures.flatMap((f) => f.warnings.map((w) => `${f.id}: ${w}`)),
    };
  } catch (err) {
    target.abort();
    throw err;
  }
}
