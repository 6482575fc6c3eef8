/**
 * A sweep from start to finish: plan the runs, execute them on worker threads, stream their
 * rows to journaled tables in run order, and, when every run is done, summarise, document and
 * move the folder into place. Interrupted sweeps (Ctrl-C, or kill -9 at any moment) resume
 * from the journal to the same bytes an uninterrupted sweep writes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { summarizeRuns } from '../analysis/summary.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
  type AgentsMode,
} from '../engine/observations.js';
import { writeCodebook, type CodebookEntry } from '../io/codebook.js';
import { CsvWriter, formatRows } from '../io/csv.js';
import { buildManifest, writeJson } from '../io/manifest.js';
import { openSweepDir } from '../io/sweep-dir.js';
import { Journal, JournaledTable } from '../io/sweep-files.js';
import type { LoadedScenario } from '../scenario/load.js';
import { flattenScenario } from '../scenario/resolve.js';
import { Progress } from '../cli/progress.js';
import type { RunOutcome, RunRequest, TimeseriesMode } from './execute.js';
import { buildPlan, shardRunCount, shardRunId, taskFor, type SweepPlan } from './plan.js';
import { runList } from './runner.js';
import {
  cellValue,
  errorsColumns,
  factorColumns,
  METRIC_COLUMNS,
  runHeadColumns,
  runsColumns,
  summaryColumns,
} from './sweep-columns.js';
import type { SweepSpec } from './sweep-spec.js';

export const RUNS_FILE = 'runs.csv';
export const TIMESERIES_FILE = 'timeseries.csv';
export const SUMMARY_FILE = 'summary.csv';
export const ERRORS_FILE = 'errors.csv';
export const SUPPLIERS_FILE = 'suppliers.csv';
export const RELATIONSHIPS_FILE = 'relationships.csv';
export const JOURNAL_FILE = 'progress.jsonl';

export interface Shard {
  index: number;
  count: number;
}

export interface SweepOptions {
  loaded: LoadedScenario;
  spec: SweepSpec;
  out: string;
  workers: number;
  timeseries: TimeseriesMode;
  /** Supplier rows per run for suppliers.csv (default none). */
  agents?: AgentsMode;
  /** Whether to write relationships.csv (default false). */
  relationships?: boolean;
  shard: Shard | null;
  force: boolean;
  resume: boolean;
  quiet: boolean;
  /** For tests: stop after this many runs, as if interrupted. */
  stopAfter?: number;
}

export interface SweepResult {
  outDir: string;
  plannedRuns: number;
  completedRuns: number;
  failedRuns: number;
  stopped: boolean;
  seconds: number;
}

/** The part of the design record that merge and sensitivity read back. */
export interface DesignRecord {
  fingerprint: string;
  design_fingerprint: string;
  scenario_file: string;
  scenario_name: string;
  design: SweepSpec['design'];
  replications: number;
  master_seed: number;
  samples: number;
  levels: number;
  factors: { path: string; values?: unknown[]; min?: number; max?: number }[];
  cells: number;
  total_runs: number;
  timeseries: string;
  /** Supplier rows per run (suppliers.csv): none, final or every:K; absent in older records means none. */
  agents?: string;
  /** Whether relationships.csv was written; absent in older records means no. */
  relationships?: boolean;
  shard: string | null;
  /** How to read the outputs back for sensitivity analysis (sobol and morris designs). */
  layout: SweepPlan['layout'];
}

export function describeMode(mode: TimeseriesMode): string {
  return mode.kind === 'every' ? `every:${mode.k}` : mode.kind;
}

/** The optional outputs of a sweep, as recorded in its design and fingerprint. */
export interface SweepOutputs {
  agents: AgentsMode;
  relationships: boolean;
}

const NO_EXTRA_OUTPUTS: SweepOutputs = { agents: { kind: 'none' }, relationships: false };

export function designRecord(
  plan: SweepPlan,
  loaded: LoadedScenario,
  mode: TimeseriesMode,
  shard: Shard | null,
  outputs: SweepOutputs = NO_EXTRA_OUTPUTS,
): DesignRecord {
  const shardText = shard ? `${shard.index}/${shard.count}` : null;
  return {
    fingerprint: `${plan.fingerprint}/${shardText ?? 'all'}`,
    design_fingerprint: plan.fingerprint,
    scenario_file: loaded.file,
    scenario_name: plan.base.name,
    design: plan.spec.design,
    replications: plan.spec.replications,
    master_seed: plan.spec.seed,
    samples: plan.spec.samples,
    levels: plan.spec.levels,
    factors: plan.spec.factors.map((f) => ({
      path: f.path,
      values: f.values,
      min: f.min,
      max: f.max,
    })),
    cells: plan.cells.length,
    total_runs: plan.totalRuns,
    timeseries: describeMode(mode),
    agents: describeMode(outputs.agents),
    relationships: outputs.relationships,
    shard: shardText,
    layout: plan.layout,
  };
}

export function planSweep(
  loaded: LoadedScenario,
  spec: SweepSpec,
  mode: TimeseriesMode,
  outputs: SweepOutputs = NO_EXTRA_OUTPUTS,
): SweepPlan {
  // The extra outputs enter the fingerprint only when asked for, so a sweep without them keeps
  // the fingerprint it had before they existed (and resumes across the upgrade).
  return buildPlan(loaded.scenario, spec, {
    steps: loaded.scenario.time.steps,
    timeseries: describeMode(mode),
    ...(outputs.agents.kind !== 'none' ? { agents: describeMode(outputs.agents) } : {}),
    ...(outputs.relationships ? { relationships: true } : {}),
  });
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const started = new Date();
  const outputs: SweepOutputs = {
    agents: o.agents ?? { kind: 'none' },
    relationships: o.relationships ?? false,
  };
  const plan = planSweep(o.loaded, o.spec, o.timeseries, outputs);
  const record = designRecord(plan, o.loaded, o.timeseries, o.shard, outputs);
  const dir = openSweepDir(o.out, { force: o.force, resume: o.resume, design: record });
  const factors = plan.spec.factors;
  const runCols = runsColumns(factors);
  // A runs.csv line is the run's identifiers and parameters, formatted here, then its final
  // metrics, formatted by the worker: the main thread never rebuilds the whole row as an
  // object (a 60-property copy per run; in a 20,000-run sweep these copies were most of what
  // the main thread's heap promoted to its old generation).
  const runHeadCols = runHeadColumns(factors);
  const errCols = errorsColumns(factors);
  const withTimeseries = o.timeseries.kind !== 'none';

  const journalPath = dir.file(JOURNAL_FILE);
  const last = dir.resumed ? Journal.lastEntry(journalPath) : null;
  const sizes = last?.sizes;
  const runsTable = new JournaledTable(dir.file(RUNS_FILE), runCols, sizes?.[0]);
  const errorsTable = new JournaledTable(dir.file(ERRORS_FILE), errCols, sizes?.[1]);
  const tsTable = withTimeseries
    ? new JournaledTable(dir.file(TIMESERIES_FILE), TIMESERIES_COLUMNS, sizes?.[2])
    : null;
  const supTable =
    outputs.agents.kind !== 'none'
      ? new JournaledTable(dir.file(SUPPLIERS_FILE), SUPPLIER_COLUMNS, sizes?.[3])
      : null;
  const relTable = outputs.relationships
    ? new JournaledTable(dir.file(RELATIONSHIPS_FILE), RELATIONSHIP_COLUMNS, sizes?.[4])
    : null;
  const journal = new Journal(journalPath, last !== null);

  // This process's runs, by position (journal entries count positions); first = the next to do.
  const planned = shardRunCount(plan.totalRuns, o.shard);
  const taskAt = (k: number) => taskFor(plan, shardRunId(k, o.shard));
  const first = last ? last.index + 1 : 0;

  const progress = new Progress(planned, `sweep ${plan.base.name}`, o.quiet);
  if (first > 0) progress.tick(first);
  let failed = 0;
  let completed = first;
  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    if (!o.quiet)
      process.stderr.write(
        '\ngvc: stopping after the runs in progress (Ctrl-C again to quit at once)\n',
      );
  };
  process.on('SIGINT', onSigint);

  const onOutcome = (outcome: RunOutcome) => {
    const task = taskAt(completed);
    const ids = {
      run_id: task.runId,
      cell_id: task.cellId,
      replicate: task.replicate,
      seed: task.seed,
    };
    const params = Object.fromEntries(factors.map((f, j) => [f.path, cellValue(task.values[j])]));
    if (outcome.ok) {
      runsTable.appendText(
        formatRows(runHeadCols, [{ ...ids, ...params }]).slice(0, -1) + ',' + outcome.finalCsv,
      );
      tsTable?.appendText(outcome.timeseriesCsv);
      supTable?.appendText(outcome.suppliersCsv);
      relTable?.appendText(outcome.relationshipsCsv);
    } else {
      failed++;
      errorsTable.append([{ ...ids, ...params, message: outcome.message }]);
    }
    journal.record({
      index: completed,
      runId: task.runId,
      sizes: [
        runsTable.size,
        errorsTable.size,
        tsTable?.size ?? 0,
        supTable?.size ?? 0,
        relTable?.size ?? 0,
      ],
    });
    completed++;
    progress.tick();
  };

  let status: 'done' | 'stopped';
  try {
    status = await runList({
      ctx: {
        base: plan.base,
        factorPaths: factors.map((f) => f.path),
        timeseries: o.timeseries,
        agents: outputs.agents,
        relationships: outputs.relationships,
      },
      count: Math.max(0, planned - first),
      request: (i): RunRequest => {
        const t = taskAt(first + i);
        return { runId: t.runId, seed: t.seed, values: t.values };
      },
      workers: o.workers,
      onOutcome,
      shouldStop: () => stopRequested || (o.stopAfter !== undefined && completed >= o.stopAfter),
    });
  } finally {
    process.off('SIGINT', onSigint);
    runsTable.close();
    errorsTable.close();
    tsTable?.close();
    supTable?.close();
    relTable?.close();
    journal.close();
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  const result = {
    outDir: o.out,
    plannedRuns: planned,
    completedRuns: completed,
    failedRuns: failed,
    seconds,
  };
  if (status === 'stopped') {
    progress.finish(
      `gvc: interrupted after ${completed} of ${planned} runs; the runs so far are in ${o.out}.partial (continue with --resume)`,
    );
    return { ...result, stopped: true };
  }

  // A resumed sweep also counts the failures recorded before the interruption.
  failed = countRows(dir.file(ERRORS_FILE));
  const files: CodebookEntry[] = [{ file: RUNS_FILE, columns: runCols }];
  if (withTimeseries) files.push({ file: TIMESERIES_FILE, columns: TIMESERIES_COLUMNS });
  if (supTable) files.push({ file: SUPPLIERS_FILE, columns: SUPPLIER_COLUMNS });
  if (relTable) files.push({ file: RELATIONSHIPS_FILE, columns: RELATIONSHIP_COLUMNS });
  if (!o.shard) {
    const sumCols = summaryColumns(factors);
    const writer = new CsvWriter(dir.file(SUMMARY_FILE), sumCols);
    await summarizeRuns(
      dir.file(RUNS_FILE),
      factorColumns(factors),
      METRIC_COLUMNS.map((c) => c.name),
      (row) => writer.write(row),
    );
    await writer.close();
    files.push({ file: SUMMARY_FILE, columns: sumCols });
  }
  files.push({ file: ERRORS_FILE, columns: errCols });
  await writeCodebook(dir.file('codebook.csv'), files);
  writeJson(dir.file('manifest.json'), {
    ...buildManifest({
      scenarioFile: o.loaded.file,
      scenarioSha256: o.loaded.sha256,
      scenarioBase: o.loaded.base,
      scenarioName: plan.base.name,
      parameters: Object.fromEntries(flattenScenario(plan.base)),
      seeds: [plan.spec.seed],
      startTime: started,
      endTime: new Date(),
    }),
    sweep: {
      ...record,
      completed_runs: planned - failed,
      failed_runs: failed,
      workers: o.workers,
      resumed: o.resume,
    },
  });
  rmSync(journalPath, { force: true });
  dir.commit(o.force);
  progress.finish(
    `gvc: ${planned} runs (${failed} failed) in ${seconds.toFixed(1)} s → ${o.out}/` +
      (o.shard ? ` (shard ${record.shard}; combine shards with gvc merge)` : ''),
  );
  return { ...result, failedRuns: failed, stopped: false };
}

/** Data rows of a CSV file (quoted newlines in messages make a line count wrong). */
function countRows(csvPath: string): number {
  return (parse(readFileSync(csvPath, 'utf8'), { columns: true }) as unknown[]).length;
}
