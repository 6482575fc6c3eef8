/**
 * gvc validate: every validation scenario file run as a replicated experiment on the sweep
 * machinery (same plans, seeds and worker pool as gvc sweep), each check's effect size and
 * 95% CI computed, and the folder written atomically:
 *
 *   validation.csv  one row per check (the table)
 *   validation.md   the table for people, with titles, sources and the command
 *   measures.csv    every run's value of every check, to re-analyse or plot
 *   manifest.json, codebook.csv
 *
 * Files are processed in name order and runs in run_id order, so the output is a function of
 * the files and the replication count alone, whatever the worker count.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeCheck, type CheckResult, type ValidationRun } from '../analysis/validation.js';
import type { ColumnSpec } from '../engine/observations.js';
import { writeCodebook } from '../io/codebook.js';
import { CsvWriter } from '../io/csv.js';
import { FILES_KEY, recordFiles } from '../io/file-record.js';
import { checkOutputSize, checkRunCount, DEFAULT_LIMITS, type Limits } from './limits.js';
import { checkFileSections } from './sections.js';
import { commandArgs, commandLine, programInfo, writeManifest } from '../io/manifest.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { UserError } from '../scenario/errors.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import type { ParamValue } from '../scenario/parameters.js';
import { Progress } from '../cli/progress.js';
import type { Measure } from './measures.js';
import { buildPlan, taskFor } from './plan.js';
import { runList } from './runner.js';
import { inputReadFailure, osFailure } from '../io/os-errors.js';
import { checkSweepMemory } from './sweep.js';
import { cellValue } from './sweep-columns.js';
import { criterionText, parseValidationSpec, type ValidationSpec } from './validation-spec.js';
import { validationMarkdown, type ValidationRow } from './validation-markdown.js';

export type { ValidationRow };

export const VALIDATION_FILE = 'validation.csv';
export const VALIDATION_MD = 'validation.md';
export const MEASURES_FILE = 'measures.csv';

/** Codebook note on free text copied from experiment files (see STRINGIFY_OPTIONS in io/csv.ts). */
const FORMULA_NOTE =
  "Copied from the experiment file; text starting with =, +, -, @, tab or CR is written with a leading ' so spreadsheets show it as text, not a formula.";

export const VALIDATION_COLUMNS: readonly ColumnSpec[] = [
  {
    name: 'kind',
    type: 'string',
    unit: 'pattern|case',
    description: 'A literature pattern (docs/ODD.md §1.2) or a case narrative check (§1.3).',
  },
  {
    name: 'pattern',
    type: 'string',
    unit: '',
    description: 'Pattern id (P1..P8) or case name, from the validation file.',
  },
  { name: 'check', type: 'string', unit: '', description: 'Check id, unique within the pattern.' },
  {
    name: 'source',
    type: 'string',
    unit: '',
    description: `Literature the pattern or case comes from (author, year). ${FORMULA_NOTE}`,
  },
  {
    name: 'contrast',
    type: 'string',
    unit: '',
    description: `What is measured and compared. ${FORMULA_NOTE}`,
  },
  {
    name: 'effect',
    type: 'number',
    unit: 'unit of the measure',
    description:
      'Estimated contrast: a mean (level), a difference of means, or a 2x2 interaction contrast; empty if undefined.',
  },
  {
    name: 'ci95_low',
    type: 'number',
    unit: 'unit of the measure',
    description:
      'Lower end of the 95% confidence interval of the effect: for a measure bounded by definition (shares and 0/1 outcomes in [0, 1], counts >= 0, their within-run differences) score intervals of the means combined by MOVER (Zou & Donner 2008), inside the bounds; otherwise the Welch t interval.',
  },
  {
    name: 'ci95_high',
    type: 'number',
    unit: 'unit of the measure',
    description:
      'Upper end of the 95% confidence interval of the effect: for a measure bounded by definition (shares and 0/1 outcomes in [0, 1], counts >= 0, their within-run differences) score intervals of the means combined by MOVER (Zou & Donner 2008), inside the bounds; otherwise the Welch t interval.',
  },
  {
    name: 'criterion',
    type: 'string',
    unit: '',
    description: 'Where the 95% CI must lie for PASS.',
  },
  {
    name: 'n_runs',
    type: 'integer',
    unit: 'runs',
    description: 'Runs with a defined value that entered the estimate.',
  },
  {
    name: 'result',
    type: 'string',
    unit: 'PASS|FAIL',
    description: 'PASS when the whole 95% CI meets the criterion.',
  },
];

export const MEASURES_COLUMNS: readonly ColumnSpec[] = [
  { name: 'pattern', type: 'string', unit: '', description: 'Pattern id or case name.' },
  {
    name: 'run_id',
    type: 'integer',
    unit: '',
    description: "Run number within the pattern's experiment (as gvc sweep numbers it).",
  },
  {
    name: 'cell_id',
    type: 'integer',
    unit: '',
    description: "Cell of the experiment's sweep (1 when it has none).",
  },
  {
    name: 'replicate',
    type: 'integer',
    unit: '',
    description: 'Replicate number within the cell.',
  },
  { name: 'seed', type: 'integer', unit: '', description: "The run's seed." },
  {
    name: 'cell',
    type: 'string',
    unit: '',
    description:
      "The cell's parameter values as path=value; empty when the experiment has no sweep.",
  },
  { name: 'check', type: 'string', unit: '', description: 'Check id.' },
  {
    name: 'value',
    type: 'number',
    unit: 'unit of the measure',
    description:
      "The run's value of the check's measure (minus its within-run reference, if any); empty if undefined.",
  },
  {
    name: 'units',
    type: 'integer',
    unit: 'suppliers',
    description:
      "The number of suppliers the value is a share or mean over (for a metric at one step that is a share or mean over the active suppliers, such as share_oem, that step's n_suppliers); empty for any other metric, a metric averaged over a window of steps, or a within-run difference. Used for the interval when every run of a cell gives the same value.",
  },
];

export interface ValidateOptions {
  /** Validation scenario files, or folders whose .yaml files with a validation section are used. */
  inputs: string[];
  /** Run-count and output-size limits (default DEFAULT_LIMITS), checked before anything is written. */
  limits?: Limits;
  /** Replications per cell for every file (overrides the files' counts). */
  reps?: number;
  fast: boolean;
  out: string;
  workers: number;
  force: boolean;
  quiet: boolean;
  /**
   * Called once the inputs, limits and output folder have been checked, before the first run
   * (the CLI's warnings about the run, which should not precede an error in the inputs).
   */
  onStart?: () => void;
}

export interface ValidationOutcome {
  outDir: string;
  rows: ValidationRow[];
  experiments: { file: string; spec: ValidationSpec; replications: number }[];
  passed: boolean;
}

interface Experiment {
  file: string;
  loaded: LoadedScenario;
  spec: ValidationSpec;
}

/** The validation files named by the inputs, in a stable order. */
export function findValidationFiles(inputs: readonly string[]): Experiment[] {
  const experiments: Experiment[] = [];
  for (const input of inputs) {
    let isDir: boolean;
    try {
      isDir = statSync(input).isDirectory();
    } catch (err) {
      throw inputReadFailure(err, input);
    }
    if (!isDir) {
      const loaded = loadScenario(input);
      experiments.push({
        file: input,
        loaded,
        spec: parseValidationSpec(
          loaded.validation,
          loaded.sweep,
          input,
          loaded.scenario,
          loaded.locate,
        ),
      });
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(input)
        .filter((n) => /\.ya?ml$/i.test(n))
        .sort();
    } catch (err) {
      throw osFailure(err, 'read the folder', input);
    }
    let found = 0;
    for (const name of names) {
      const file = join(input, name);
      const loaded = loadScenario(file);
      // Shared worlds that experiments derive from (base:) live alongside them without a validation section.
      if (loaded.validation === undefined) {
        checkFileSections(loaded);
        continue;
      }
      experiments.push({
        file,
        loaded,
        spec: parseValidationSpec(
          loaded.validation,
          loaded.sweep,
          file,
          loaded.scenario,
          loaded.locate,
        ),
      });
      found++;
    }
    if (found === 0)
      throw new UserError(`${input}: no scenario file with a validation section in this folder`);
  }
  const ids = experiments.map((experiment) => experiment.spec.pattern);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup)
    throw new UserError(
      `validation: pattern "${dup}" is defined by more than one file (${experiments
        .filter((experiment) => experiment.spec.pattern === dup)
        .map((experiment) => experiment.file)
        .join(', ')})`,
    );
  return experiments;
}

/** The measures an experiment's runs evaluate: each check's, and its within-run reference. */
function measuresOf(spec: ValidationSpec): Measure[] {
  return spec.checks.flatMap((c) => (c.minus ? [c.measure, c.minus] : [c.measure]));
}

export async function runValidation(o: ValidateOptions): Promise<ValidationOutcome> {
  const startTime = new Date();
  const experiments = findValidationFiles(o.inputs);
  const totalRuns = experiments.reduce(
    (n, experiment) =>
      n + replicationsOf(experiment.spec, o) * Math.max(1, cellCount(experiment.spec)),
    0,
  );
  const limits = o.limits ?? DEFAULT_LIMITS;
  checkRunCount(
    'validate',
    totalRuns,
    `${experiments.length} ${experiments.length === 1 ? 'experiment' : 'experiments'}`,
    limits,
  );
  checkOutputSize(
    'validate',
    [
      {
        file: MEASURES_FILE,
        rows: experiments.reduce(
          (n, experiment) =>
            n +
            replicationsOf(experiment.spec, o) *
              Math.max(1, cellCount(experiment.spec)) *
              experiment.spec.checks.length,
          0,
        ),
        columns: MEASURES_COLUMNS.length,
      },
    ],
    limits,
  );
  // The same memory estimate as gvc sweep's, per experiment, before any run or folder.
  for (const experiment of experiments) {
    const sweep = { ...experiment.spec.sweep, replications: replicationsOf(experiment.spec, o) };
    checkSweepMemory(
      {
        workers: o.workers,
        quiet: o.quiet,
        shard: null,
        loaded: experiment.loaded,
        measures: measuresOf(experiment.spec),
      },
      buildPlan(experiment.loaded.scenario, sweep, {}, experiment.loaded.origin),
    );
  }
  // Ctrl-C: say what became of the work rather than end without a word after minutes of runs.
  // The staging folder is removed by prepareOutputDir's cleanup, on the signal or at the exit.
  // Listening from before the folder exists, so a Ctrl-C that finds the folder finds this too.
  let runsDone = 0;
  const onSigint = () => {
    process.stderr.write(
      `\ngvc: interrupted after ${runsDone} of ${totalRuns} runs; nothing was written to ${o.out} (a validation cannot be resumed: run it again)\n`,
    );
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    return await writeValidation();
  } finally {
    process.off('SIGINT', onSigint);
  }

  async function writeValidation(): Promise<ValidationOutcome> {
    const dir = prepareOutputDir(o.out, {
      force: o.force,
      kind: 'validation',
      inputs: [
        ...o.inputs,
        ...experiments.flatMap((experiment) =>
          experiment.loaded.base
            ? [experiment.file, experiment.loaded.base.file]
            : [experiment.file],
        ),
      ],
    });
    const measuresOut = new CsvWriter(dir.file(MEASURES_FILE), MEASURES_COLUMNS);
    try {
      o.onStart?.();
      const rows: ValidationRow[] = [];
      const used: ValidationOutcome['experiments'] = [];
      // Each worker's first two runs, slowed by compilation, are not in the rate (EtaEstimator).
      const progress = new Progress(totalRuns, 'validate', o.quiet, {
        warmup: 2 * Math.max(1, o.workers),
      });
      for (const experiment of experiments) {
        const replications = replicationsOf(experiment.spec, o);
        used.push({ file: experiment.file, spec: experiment.spec, replications });
        const runs = await runExperiment(
          experiment,
          replications,
          o.workers,
          (run, values, units) => {
            const cell = run.cellLabel;
            experiment.spec.checks.forEach((check, i) =>
              measuresOut.write({
                pattern: experiment.spec.pattern,
                run_id: run.runId,
                cell_id: run.cellId,
                replicate: run.replicate,
                seed: run.seed,
                cell,
                check: check.id,
                value: Number.isFinite(values[i]) ? values[i] : null,
                units: Number.isFinite(units[i]) ? units[i] : null,
              }),
            );
            runsDone++;
            progress.tick();
          },
        );
        experiment.spec.checks.forEach((check, i) =>
          rows.push(resultRow(experiment.spec, check, analyzeCheck(check, i, runs))),
        );
      }
      progress.finish(`validate: ${totalRuns} runs done`);
      await measuresOut.close();

      const table = new CsvWriter<ValidationRow>(dir.file(VALIDATION_FILE), VALIDATION_COLUMNS);
      for (const row of rows) table.write(row);
      await table.close();
      const program = programInfo();
      const command = ['gvc', ...process.argv.slice(2)].join(' ');
      // Inside the staging folder: the whole folder appears at once on commit.
      writeFileSync(
        dir.file(VALIDATION_MD),
        validationMarkdown(rows, used, {
          command,
          version: program.version,
          commit: program.gitCommit,
        }),
        'utf8',
      );
      await writeCodebook(dir.file('codebook.csv'), [
        { file: VALIDATION_FILE, columns: VALIDATION_COLUMNS },
        { file: MEASURES_FILE, columns: MEASURES_COLUMNS },
      ]);
      // After every file is complete: gvc report checks validation.csv against this record,
      // and --force replaces the folder only while each file still matches it.
      const records = await recordFiles(
        [VALIDATION_FILE, MEASURES_FILE, 'codebook.csv', VALIDATION_MD],
        (n) => dir.file(n),
      );
      writeManifest(dir.file('manifest.json'), {
        program: program.name,
        version: program.version,
        git_commit: program.gitCommit,
        git_dirty: program.gitDirty,
        mode: o.reps !== undefined ? `reps:${o.reps}` : o.fast ? 'fast' : 'full',
        experiments: used.map((u) => {
          const experiment = experiments.find((x) => x.file === u.file)!;
          return {
            pattern: u.spec.pattern,
            kind: u.spec.kind,
            scenario_file: u.file,
            scenario_sha256: experiment.loaded.sha256,
            base_file: experiment.loaded.base
              ? relative(process.cwd(), experiment.loaded.base.file)
              : null,
            base_sha256: experiment.loaded.base?.sha256 ?? null,
            replications: u.replications,
            master_seed: u.spec.sweep.seed,
            cells: cellCount(u.spec),
          };
        }),
        passed: rows.every((r) => r.result === 'PASS'),
        command_line: commandLine(process.argv),
        argv: commandArgs(process.argv),
        node_version: process.version,
        platform: `${process.platform}-${process.arch}`,
        start_time: startTime.toISOString(),
        end_time: new Date().toISOString(),
        [FILES_KEY]: records,
      });
      dir.commit();
      return {
        outDir: o.out,
        rows,
        experiments: used,
        passed: rows.every((r) => r.result === 'PASS'),
      };
    } catch (err) {
      measuresOut.discard();
      dir.abort();
      throw err;
    }
  }
}

function replicationsOf(spec: ValidationSpec, o: ValidateOptions): number {
  return o.reps ?? (o.fast ? spec.fastReplications : spec.sweep.replications);
}

function cellCount(spec: ValidationSpec): number {
  return spec.sweep.factors.reduce((n, f) => n * (f.values?.length ?? 1), 1);
}

interface RunInfo {
  runId: number;
  cellId: number;
  replicate: number;
  seed: number;
  cellLabel: string;
}

/** Every run of one experiment; returns what the analysis needs and streams each run to `onRun`. */
async function runExperiment(
  experiment: Experiment,
  replications: number,
  workers: number,
  onRun: (run: RunInfo, values: number[], units: number[]) => void,
): Promise<ValidationRun[]> {
  const sweep = { ...experiment.spec.sweep, replications };
  const plan = buildPlan(experiment.loaded.scenario, sweep, {}, experiment.loaded.origin);
  const measures = measuresOf(experiment.spec);
  const factorPaths = sweep.factors.map((f) => f.path);
  const runs: ValidationRun[] = [];
  let next = 0;
  await runList({
    ctx: { base: plan.base, factorPaths, timeseries: { kind: 'none' }, measures },
    count: plan.totalRuns,
    request: (i) => {
      const t = taskFor(plan, i + 1);
      return { runId: t.runId, seed: t.seed, values: t.values };
    },
    workers,
    onOutcome(outcome) {
      const task = taskFor(plan, ++next);
      if (!outcome.ok) {
        const message = `${experiment.file}: run ${outcome.runId} failed: ${outcome.message}`;
        // A run stopped on bad input (the memory guard) is the user's to fix, not a defect.
        throw outcome.refused ? new UserError(message) : new Error(message);
      }
      const raw = outcome.measures!;
      const rawUnits = outcome.measureUnits!;
      let k = 0;
      const values: number[] = [];
      // A within-run difference is not a mean over one set of units: it has none.
      const units: number[] = [];
      for (const c of experiment.spec.checks) {
        const v = raw[k];
        const n = rawUnits[k++];
        values.push(c.minus ? v - raw[k++] : v);
        units.push(c.minus ? NaN : n);
      }
      const factors = new Map<string, ParamValue>(factorPaths.map((p, j) => [p, task.values[j]]));
      runs.push({ factors, values, units });
      const cellLabel = factorPaths
        .map((p, j) => `${p}=${String(cellValue(task.values[j]))}`)
        .join(';');
      onRun(
        {
          runId: task.runId,
          cellId: task.cellId,
          replicate: task.replicate,
          seed: task.seed,
          cellLabel,
        },
        values,
        units,
      );
    },
  });
  return runs;
}

function resultRow(
  spec: ValidationSpec,
  check: ValidationSpec['checks'][number],
  r: CheckResult,
): ValidationRow {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    kind: spec.kind,
    pattern: spec.pattern,
    check: check.id,
    source: spec.source,
    contrast: r.problem ? `${check.contrast} (${r.problem})` : check.contrast,
    effect: num(r.effect),
    ci95_low: num(r.ci95Low),
    ci95_high: num(r.ci95High),
    criterion: criterionText(check),
    n_runs: r.nRuns,
    result: r.pass ? 'PASS' : 'FAIL',
  };
}
