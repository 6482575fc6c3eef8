/**
 * A sweep from start to finish: plan the runs, execute them on worker threads, stream their
 * rows to journaled tables in run order, and, when every run is done, summarise, document and
 * move the folder into place. Interrupted sweeps (Ctrl-C, or kill -9 at any moment) resume
 * from the journal to the same bytes an uninterrupted sweep writes.
 */
import { readFileSync } from 'node:fs';
import { SystemError } from '../io/os-errors.js';
import { UserError } from '../scenario/errors.js';
import { FILES_KEY, recordFiles } from '../io/file-record.js';
import { parse } from 'csv-parse/sync';
import { SENSITIVITY_CODEBOOK } from '../analysis/sensitivity-report.js';
import { summarizeRuns } from '../analysis/summary.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  timeseriesColumns,
  type AgentsMode,
  type ColumnSpec,
} from '../engine/observations.js';
import { writeCodebook, type CodebookEntry } from '../io/codebook.js';
import { CsvWriter, formatRows } from '../io/csv.js';
import { buildManifest, commandLine, writeManifest } from '../io/manifest.js';
import { DESIGN_FILE, openSweepDir, type SweepDir } from '../io/sweep-dir.js';
import {
  Journal,
  JournaledTable,
  readJournal,
  type JournalEntry,
  type ResumePoint,
} from '../io/sweep-files.js';
import type { LoadedScenario } from '../scenario/load.js';
import { flattenScenario } from '../scenario/resolve.js';
import { Progress } from '../cli/progress.js';
import type { RunOutcome, RunRequest, TimeseriesMode } from './execute.js';
import {
  ALLOW_MIXED_FLAG,
  checkSameProgram,
  currentProgram,
  type ProgramIdentity,
} from './provenance.js';
import {
  checkSweepBounds,
  DEFAULT_LIMITS,
  recordedSteps,
  sweepRelationshipRows,
  type Limits,
} from './limits.js';
import { buildPlan, shardRunCount, shardRunId, taskFor, type SweepPlan } from './plan.js';
import {
  checkHeap,
  MEMORY_HEAP_PER_KEPT_ROW,
  MEMORY_HEAP_PER_SUPPLIER_TEXT,
  checkMemory,
  commandMemory,
  describePopulations,
  populationsOf,
  runMemory,
  type MachineMemory,
  type Populations,
} from './memory.js';
import { supplierRecording, type Measure } from './measures.js';
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
/** The tables whose sizes and checksums each journal entry records, in its order. */
const JOURNAL_TABLES = [
  RUNS_FILE,
  ERRORS_FILE,
  TIMESERIES_FILE,
  SUPPLIERS_FILE,
  RELATIONSHIPS_FILE,
] as const;

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
  /** Timeseries rows by supplier group as well (default false). */
  byGroup?: boolean;
  shard: Shard | null;
  force: boolean;
  resume: boolean;
  quiet: boolean;
  /** Run-count and output-size limits (default DEFAULT_LIMITS), checked before anything is written. */
  limits?: Limits;
  /** Resume runs made by another program version or commit (recorded in the manifest). */
  allowMixedProvenance?: boolean;
  /** For tests: stop after this many runs, as if interrupted. */
  stopAfter?: number;
  /**
   * The command-line options that shape the design, as typed (--steps, --set, --vary, --reps,
   * --design, --samples, --sweep-seed and the output options): recorded in design.json so a
   * refused --resume can name what differs (sweep-dir.ts). Absent for sweeps started from code.
   */
  commandOptions?: CommandOptions;
}

/** The design-shaping command-line options of a sweep as typed; an option not given is absent. */
export type CommandOptions = Record<string, string | string[] | boolean>;

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
  /** Whether timeseries.csv has rows by supplier group; absent in older records means no. */
  by_group?: boolean;
  shard: string | null;
  /** How to read the outputs back for sensitivity analysis (sobol and morris designs). */
  layout: SweepPlan['layout'];
  /**
   * true when the runs of one Saltelli block / Morris trajectory share their seeds
   * (sweep.common_random_numbers); absent otherwise, as in older records.
   */
  common_random_numbers?: boolean;
  /** The program that made the runs; resume and merge refuse another (see provenance.ts). */
  program?: ProgramIdentity;
  /** sha256 of the scenario file's bytes (absent in older records): what a refused resume names. */
  scenario_sha256?: string;
  /** The design-shaping options the sweep was started with (SweepOptions.commandOptions). */
  command_options?: CommandOptions;
}

export function describeMode(mode: TimeseriesMode): string {
  return mode.kind === 'every' ? `every:${mode.k}` : mode.kind;
}

/** The optional outputs of a sweep, as recorded in its design and fingerprint. */
export interface SweepOutputs {
  agents: AgentsMode;
  relationships: boolean;
  byGroup: boolean;
}

const NO_EXTRA_OUTPUTS: SweepOutputs = {
  agents: { kind: 'none' },
  relationships: false,
  byGroup: false,
};

export function designRecord(
  plan: SweepPlan,
  loaded: LoadedScenario,
  mode: TimeseriesMode,
  shard: Shard | null,
  outputs: SweepOutputs = NO_EXTRA_OUTPUTS,
  commandOptions?: CommandOptions,
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
    by_group: outputs.byGroup,
    shard: shardText,
    layout: plan.layout,
    // Written only when set, so the records of other sweeps stay as they were.
    ...(plan.seedBlock > 1 ? { common_random_numbers: true } : {}),
    program: currentProgram(),
    // What the fingerprint is made of, for a refused --resume to name the difference.
    ...(commandOptions !== undefined
      ? { scenario_sha256: loaded.sha256, command_options: commandOptions }
      : {}),
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
  return buildPlan(
    loaded.scenario,
    spec,
    {
      steps: loaded.scenario.time.steps,
      timeseries: describeMode(mode),
      ...(outputs.agents.kind !== 'none' ? { agents: describeMode(outputs.agents) } : {}),
      ...(outputs.relationships ? { relationships: true } : {}),
      ...(outputs.byGroup ? { by_group: true } : {}),
    },
    loaded.origin,
  );
}

/**
 * Refuses, before the folder is opened, a sweep whose largest cell (by suppliers, then lead
 * firms and partners) on every worker at once cannot fit in this machine's memory; warns when
 * it may not fit in the memory free now. `machine`: the machine's memory (a test's figures).
 */
export function checkSweepMemory(
  o: Pick<SweepOptions, 'workers' | 'quiet' | 'shard' | 'agents'> & {
    loaded: { file: string };
    /** A validation's measures, whose supplier rows each run keeps until it ends (execute.ts). */
    measures?: readonly Measure[];
  },
  plan: SweepPlan,
  machine?: MachineMemory,
): void {
  const counts = plan.spec.factors.filter((f) =>
    /^(suppliers|buyers|partners)\.[^.]+\.count$/.test(f.path),
  );
  // With counts among the factors no run has the file's own populations: the largest cell is
  // found among the cells alone (a file of 10^7 suppliers swept over counts of 10 to 20 runs
  // worlds of at most 60 suppliers).
  let largest: { populations: Populations; cell: number } | undefined =
    counts.length > 0 && plan.cells.length > 0
      ? undefined
      : { populations: populationsOf(plan.base), cell: 0 };
  if (counts.length > 0) {
    for (const cell of plan.cells) {
      const changed = new Map(plan.spec.factors.map((f, j) => [f.path, cell.values[j]]));
      const p = populationsOf(plan.base, changed);
      const l = largest?.populations;
      const larger =
        l === undefined ||
        runMemory(p).high > runMemory(l).high ||
        (runMemory(p).high === runMemory(l).high && p.suppliers > l.suppliers);
      if (larger) largest = { populations: p, cell: cell.id };
    }
  }
  if (largest === undefined) return;
  const runs = shardRunCount(plan.totalRuns, o.shard);
  const workers = Math.max(1, Math.min(o.workers, runs));
  const run =
    `${o.loaded.file}: ${largest.cell > 0 ? `the largest cell (cell ${largest.cell}: ` : 'each run ('}` +
    `${describePopulations(largest.populations)})`;
  const what = `${run} on ${workers} worker${workers === 1 ? '' : 's'} at once`;
  const warning = checkMemory(
    commandMemory(largest.populations, workers),
    what,
    'use fewer --workers, smaller populations, or a machine with more memory',
    machine,
  );
  // Each worker has a heap of its own, with the main thread's limit: one run must fit in it,
  // with the final snapshot of its starting suppliers it keeps as text (twice: the message
  // copies it) if --agents asks for supplier rows; the run's guard projects the rest.
  const snapshot =
    (o.agents ?? { kind: 'none' }).kind === 'none'
      ? 0
      : 2 * MEMORY_HEAP_PER_SUPPLIER_TEXT * largest.populations.suppliers;
  // A validation's measures keep the supplier rows of every step they record (the starting
  // suppliers at each: entrants come on top) as objects until the run ends. Counted here:
  // the guard checks only between steps, so a run of 1 step is never checked by it at all.
  const steps = plan.base.time.steps;
  const measureRows =
    o.measures === undefined
      ? 0
      : largest.populations.suppliers * recordedSteps(supplierRecording(o.measures, steps), steps);
  const kept = snapshot + MEMORY_HEAP_PER_KEPT_ROW * measureRows;
  const keeping = [
    ...(snapshot > 0 ? ['for suppliers.csv (--agents)'] : []),
    ...(measureRows > 0
      ? [`for its measures (${measureRows.toLocaleString('en-US')} supplier rows)`]
      : []),
  ];
  checkHeap(
    largest.populations,
    keeping.length > 0 ? `${run}, keeping its supplier rows ${keeping.join(' and ')},` : run,
    machine?.heapLimit,
    kept,
  );
  if (warning !== undefined && !o.quiet) process.stderr.write(`gvc: warning: ${warning}\n`);
}

/**
 * Runs a sweep: checks its size, plans it, opens (or resumes) its folder, runs this process's
 * runs in run order and, when all are done, writes the summary, codebook and manifest and
 * moves the folder into place. Throws a UserError for bad input or a refused resume.
 */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const started = new Date();
  const steps = o.loaded.scenario.time.steps;
  const limits = o.limits ?? DEFAULT_LIMITS;
  // The run count first, from the spec alone: the plan below lists every cell.
  checkSweepBounds(o.spec, steps, o.timeseries, limits);
  const outputs: SweepOutputs = {
    agents: o.agents ?? { kind: 'none' },
    relationships: o.relationships ?? false,
    byGroup: o.byGroup ?? false,
  };
  const plan = planSweep(o.loaded, o.spec, o.timeseries, outputs);
  // relationships.csv as each cell's populations and steps make it.
  if (outputs.relationships)
    checkSweepBounds(
      o.spec,
      steps,
      o.timeseries,
      limits,
      sweepRelationshipRows(plan.base, plan.spec.factors, plan.cells, plan.spec.replications),
    );
  checkSweepMemory(o, plan);
  const record = designRecord(plan, o.loaded, o.timeseries, o.shard, outputs, o.commandOptions);
  const { dir, mixed } = openSweep(o, record);
  // The folder's lock is given back however the sweep ends (a kill leaves it to be taken over).
  try {
    const tables = openTables(dir, plan.spec.factors, o.timeseries.kind !== 'none', outputs);
    const planned = shardRunCount(plan.totalRuns, o.shard);
    const outcome = await executeRuns(o, plan, tables, planned, outputs);
    const seconds = (Date.now() - started.getTime()) / 1000;
    const result = {
      outDir: o.out,
      plannedRuns: planned,
      completedRuns: outcome.completed,
      seconds,
    };
    if (outcome.status === 'stopped') {
      outcome.progress.finish(
        `gvc: interrupted after ${outcome.completed} of ${planned} runs; the runs so far are in ${o.out}.partial; continue with: ${resumeCommand(o)}`,
      );
      return { ...result, failedRuns: outcome.failed, stopped: true };
    }
    let failed: number;
    try {
      failed = await finishSweep(o, plan, record, dir, tables, { started, planned, mixed });
    } catch (err) {
      throw withRunsKept(err, o, planned);
    }
    outcome.progress.finish(
      `gvc: ${planned} runs (${failed} failed) in ${seconds.toFixed(1)} s → ${o.out}/` +
        (o.shard ? ` (shard ${record.shard}; combine shards with gvc merge)` : ''),
    );
    return { ...result, failedRuns: failed, stopped: false };
  } finally {
    dir.release();
  }
}

/**
 * `err`, thrown once every run of the sweep `o` was done (its summary, manifest or move into
 * place refused or failed), with what became of the runs: kept in `<out>.partial`, which the
 * resume command finishes without running them again. Other errors as they are.
 */
function withRunsKept(err: unknown, o: SweepOptions, planned: number): unknown {
  const kept = `; the ${planned} finished run${planned === 1 ? ' is' : 's are'} kept in ${o.out}.partial: once that is put right, finish the sweep without running ${planned === 1 ? 'it' : 'them'} again with: ${resumeCommand(o)}`;
  if (err instanceof SystemError) return new SystemError(`${err.message}${kept}`, err.code);
  if (err instanceof UserError) return new UserError(`${err.message}${kept}`);
  return err;
}

/**
 * The command that continues the sweep `o` after an interruption: the scenario, --out, the
 * design-shaping options as typed (commandOptions), --force when it was given (to replace an
 * earlier result) and --resume, quoted for a POSIX shell.
 * Without commandOptions (a sweep started from code), the options recorded in the design.
 */
export function resumeCommand(o: SweepOptions): string {
  const args = ['gvc', 'sweep', o.loaded.file, '--out', o.out];
  for (const [flag, value] of Object.entries(o.commandOptions ?? {})) {
    if (value === false) continue;
    for (const v of Array.isArray(value) ? value : [value])
      args.push(`--${flag}`, ...(v === true ? [] : [String(v)]));
  }
  // Not part of the design, but the resume needs them again: raised limits, the consent to
  // combine programs.
  const limits = o.limits ?? DEFAULT_LIMITS;
  if (limits.maxRuns !== DEFAULT_LIMITS.maxRuns) args.push('--max-runs', String(limits.maxRuns));
  if (limits.maxOutput !== DEFAULT_LIMITS.maxOutput)
    args.push('--max-output', String(limits.maxOutput));
  if (o.allowMixedProvenance) args.push('--allow-mixed-provenance');
  // Started to replace an earlier result: the finished sweep replaces it still.
  if (o.force) args.push('--force');
  args.push('--resume');
  return commandLine(['node', 'gvc', ...args.slice(1)]);
}

/**
 * Opens the sweep's folder, new or resumed. A resume by another program is refused unless
 * allowed; `mixed` is then the difference, for the manifest.
 */
function openSweep(o: SweepOptions, record: DesignRecord): { dir: SweepDir; mixed: string | null } {
  let mixed: string | null = null;
  const dir = openSweepDir(o.out, {
    force: o.force,
    resume: o.resume,
    design: record,
    inputs: [o.loaded.file, ...(o.loaded.base ? [o.loaded.base.file] : [])],
    journalTables: JOURNAL_TABLES,
    onResume: (recorded) => {
      mixed = checkSameProgram(
        `cannot resume ${o.out}.partial: its runs so far`,
        (recorded as DesignRecord).program,
        record.program,
        o.allowMixedProvenance === true,
        'finish it with that program or start over with --force',
      );
    },
  });
  return { dir, mixed };
}

/** The journaled output tables of a sweep folder, cut back to the journal on resume. */
interface SweepTables {
  runCols: ColumnSpec[];
  errCols: ColumnSpec[];
  runs: JournaledTable;
  errors: JournaledTable;
  timeseries: JournaledTable | null;
  tsColumns: readonly ColumnSpec[];
  /** suppliers.csv (with --agents) and relationships.csv (with --relationships), per run. */
  suppliers: JournaledTable | null;
  relationships: JournaledTable | null;
  journal: Journal;
  journalPath: string;
  /** The last journal entry of a resumed sweep; null when starting afresh. */
  last: JournalEntry | null;
}

function openTables(
  dir: SweepDir,
  factors: SweepSpec['factors'],
  withTimeseries: boolean,
  outputs: SweepOutputs,
): SweepTables {
  const runCols = runsColumns(factors);
  const errCols = errorsColumns(factors);
  const journalPath = dir.file(JOURNAL_FILE);
  const journalState = dir.resumed
    ? readJournal(journalPath, [
        dir.file(RUNS_FILE),
        dir.file(ERRORS_FILE),
        withTimeseries ? dir.file(TIMESERIES_FILE) : null,
        outputs.agents.kind !== 'none' ? dir.file(SUPPLIERS_FILE) : null,
        outputs.relationships ? dir.file(RELATIONSHIPS_FILE) : null,
      ])
    : null;
  const last = journalState?.last ?? null;
  // Where table k continues after a resume (checked against the journal's checksum).
  const at = (k: number): ResumePoint | undefined =>
    last
      ? { size: last.sizes[k], checksum: last.checksums?.[k], journal: journalPath, table: k }
      : undefined;
  const tsColumns = timeseriesColumns(outputs.byGroup);
  return {
    runCols,
    errCols,
    runs: new JournaledTable(dir.file(RUNS_FILE), runCols, at(0)),
    errors: new JournaledTable(dir.file(ERRORS_FILE), errCols, at(1)),
    timeseries: withTimeseries
      ? new JournaledTable(dir.file(TIMESERIES_FILE), tsColumns, at(2))
      : null,
    tsColumns,
    suppliers:
      outputs.agents.kind !== 'none'
        ? new JournaledTable(dir.file(SUPPLIERS_FILE), SUPPLIER_COLUMNS, at(3))
        : null,
    relationships: outputs.relationships
      ? new JournaledTable(dir.file(RELATIONSHIPS_FILE), RELATIONSHIP_COLUMNS, at(4))
      : null,
    journal: new Journal(journalPath, journalState?.bytes ?? null),
    journalPath,
    last,
  };
}

/**
 * Runs this process's runs (those of its shard after the journal's last one) on the worker
 * pool and appends each outcome to the tables in run order, journaling it. Ctrl-C (SIGINT)
 * stops after the runs in flight; a second Ctrl-C exits at once. Closes the tables.
 */
async function executeRuns(
  o: SweepOptions,
  plan: SweepPlan,
  t: SweepTables,
  planned: number,
  outputs: SweepOutputs,
): Promise<{ status: 'done' | 'stopped'; completed: number; failed: number; progress: Progress }> {
  const factors = plan.spec.factors;
  // A runs.csv line is the run's identifiers and parameters, formatted here, then its final
  // metrics, formatted by the worker: the main thread never rebuilds the whole row as an
  // object (a 60-property copy per run; in a 20,000-run sweep these copies were most of what
  // the main thread's heap promoted to its old generation).
  const runHeadCols = runHeadColumns(factors);
  // This process's runs, by position (journal entries count positions); first = the next to do.
  const taskAt = (k: number) => taskFor(plan, shardRunId(k, o.shard));
  const first = t.last ? t.last.index + 1 : 0;

  // Runs done before a --resume count as done but not in the rate or ETA, nor do each
  // worker's first two runs in this process, slowed by compilation (EtaEstimator).
  const progress = new Progress(planned, `sweep ${plan.base.name}`, o.quiet, {
    alreadyDone: first,
    warmup: 2 * Math.max(1, o.workers),
  });
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
      t.runs.appendText(
        formatRows(runHeadCols, [{ ...ids, ...params }]).slice(0, -1) + ',' + outcome.finalCsv,
      );
      for (const text of outcome.timeseriesCsv) t.timeseries?.appendText(text);
      for (const text of outcome.suppliersCsv) t.suppliers?.appendText(text);
      for (const text of outcome.relationshipsCsv) t.relationships?.appendText(text);
    } else {
      failed++;
      t.errors.append([{ ...ids, ...params, message: outcome.message }]);
    }
    t.journal.record({
      index: completed,
      runId: task.runId,
      sizes: [
        t.runs.size,
        t.errors.size,
        t.timeseries?.size ?? 0,
        t.suppliers?.size ?? 0,
        t.relationships?.size ?? 0,
      ],
      checksums: [
        t.runs.checksum(),
        t.errors.checksum(),
        t.timeseries?.checksum() ?? '',
        t.suppliers?.checksum() ?? '',
        t.relationships?.checksum() ?? '',
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
        byGroup: outputs.byGroup,
      },
      count: Math.max(0, planned - first),
      request: (i): RunRequest => {
        const task = taskAt(first + i);
        return { runId: task.runId, seed: task.seed, values: task.values };
      },
      workers: o.workers,
      onOutcome,
      shouldStop: () => stopRequested || (o.stopAfter !== undefined && completed >= o.stopAfter),
    });
  } finally {
    process.off('SIGINT', onSigint);
    t.runs.close();
    t.errors.close();
    t.timeseries?.close();
    t.suppliers?.close();
    t.relationships?.close();
    t.journal.close();
  }
  return { status, completed, failed, progress };
}

/**
 * A finished sweep: summary.csv (not for a shard: gvc merge computes it from all runs),
 * codebook, manifest; then the journal goes and the folder moves into place. Returns the
 * number of failed runs, those recorded before an interruption included.
 */
async function finishSweep(
  o: SweepOptions,
  plan: SweepPlan,
  record: DesignRecord,
  dir: SweepDir,
  t: SweepTables,
  info: { started: Date; planned: number; mixed: string | null },
): Promise<number> {
  const factors = plan.spec.factors;
  const failed = countRows(dir.file(ERRORS_FILE));
  const files: CodebookEntry[] = [{ file: RUNS_FILE, columns: t.runCols }];
  if (t.timeseries) files.push({ file: TIMESERIES_FILE, columns: t.tsColumns });
  if (t.suppliers) files.push({ file: SUPPLIERS_FILE, columns: SUPPLIER_COLUMNS });
  if (t.relationships) files.push({ file: RELATIONSHIPS_FILE, columns: RELATIONSHIP_COLUMNS });
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
  files.push({ file: ERRORS_FILE, columns: t.errCols });
  const written = [...files.map((f) => f.file), 'codebook.csv'];
  // The columns of the files gvc sensitivity will add to this folder.
  if (!o.shard && plan.layout) files.push(...SENSITIVITY_CODEBOOK);
  await writeCodebook(dir.file('codebook.csv'), files);
  // Recorded once the tables are final (after a --resume too): what merge, report and
  // sensitivity check the files against (file-record.ts).
  // design.json too: gvc sensitivity takes the Saltelli layout and the Morris steps from it.
  const records = await recordFiles([...written, DESIGN_FILE], (n) => dir.file(n));
  writeManifest(dir.file('manifest.json'), {
    ...buildManifest({
      scenarioFile: o.loaded.file,
      scenarioSha256: o.loaded.sha256,
      scenarioBase: o.loaded.base,
      scenarioName: plan.base.name,
      // Without the scenario's top-level seed: no run of a sweep uses it (each run's seed is
      // drawn from the sweep's seed, recorded under seeds), so it is not a parameter of these runs.
      parameters: Object.fromEntries(
        [...flattenScenario(plan.base)].filter(([path]) => path !== 'seed'),
      ),
      seeds: [plan.spec.seed],
      startTime: info.started,
      endTime: new Date(),
    }),
    sweep: {
      ...record,
      completed_runs: info.planned - failed,
      failed_runs: failed,
      workers: o.workers,
      resumed: o.resume,
      ...(info.mixed !== null
        ? { mixed_provenance: { allowed_by: ALLOW_MIXED_FLAG, difference: info.mixed } }
        : {}),
    },
    [FILES_KEY]: records,
  });
  dir.commit(o.force, [JOURNAL_FILE]);
  return failed;
}

/** Data rows of a CSV file (quoted newlines in messages make a line count wrong). */
function countRows(csvPath: string): number {
  return (parse(readFileSync(csvPath, 'utf8'), { columns: true }) as unknown[]).length;
}
