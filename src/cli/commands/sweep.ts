/**
 * `gvc sweep <file>`: the scenario's `sweep:` section as one command — every core, resumable,
 * shardable, streamed to disk in run order.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { defaultOutputFolder } from '../../io/output-guard.js';
import type { TimeseriesMode } from '../../experiment/execute.js';
import { DEFAULT_LIMITS, parseLimit } from '../../experiment/limits.js';
import { checkFileSections } from '../../experiment/sections.js';
import { runSweep, type CommandOptions, type Shard } from '../../experiment/sweep.js';
import { parseSweepSpec, sweepSettingText, sweepWarnings } from '../../experiment/sweep-spec.js';
import { ScenarioError, UserError } from '../../scenario/errors.js';
import { loadScenario, parseSetArg, type LoadedScenario } from '../../scenario/load.js';
import { parseYamlValue } from '../../scenario/safe-yaml.js';
import { exactWholeNumber, wholeNumberFlag } from '../../scenario/whole-number.js';
import { collect, parseAgentsMode, parseRelationshipsMode } from './run.js';
import { fileArg, folderArg } from '../cli-path.js';

interface SweepCliOptions {
  design?: string;
  vary: string[];
  samples?: string;
  sweepSeed?: string;
  workers?: string;
  reps?: string;
  steps?: string;
  set: string[];
  out?: string;
  timeseries: string;
  agents: string;
  relationships?: string | boolean;
  byGroup?: boolean;
  shard?: string;
  resume?: boolean;
  quiet?: boolean;
  force?: boolean;
  maxRuns?: string;
  maxOutput?: string;
  allowMixedProvenance?: boolean;
}

/**
 * The options of `opts` that shape the sweep's design or outputs (and so its fingerprint), as
 * typed, keyed by flag name without `--`; options not given (or left at their default) are
 * absent. --workers, --quiet, --force, --resume and the limits do not change the design.
 */
export function designOptions(opts: SweepCliOptions): CommandOptions {
  const out: CommandOptions = {};
  if (opts.steps !== undefined) out.steps = opts.steps;
  if (opts.set.length > 0) out.set = [...opts.set];
  if (opts.design !== undefined) out.design = opts.design;
  if (opts.vary.length > 0) out.vary = [...opts.vary];
  if (opts.samples !== undefined) out.samples = opts.samples;
  if (opts.sweepSeed !== undefined) out['sweep-seed'] = opts.sweepSeed;
  if (opts.reps !== undefined) out.reps = opts.reps;
  if (opts.timeseries !== 'final') out.timeseries = opts.timeseries;
  if (opts.agents !== 'none') out.agents = opts.agents;
  if (opts.relationships !== undefined && opts.relationships !== false)
    out.relationships = opts.relationships;
  if (opts.byGroup) out['by-group'] = true;
  if (opts.shard !== undefined) out.shard = opts.shard;
  return out;
}

/** The top-level `seed:` the scenario file (or its base chain) gives, or undefined. */
function topLevelSeed(loaded: LoadedScenario): number | undefined {
  const origin = loaded.origin?.('seed');
  return origin !== undefined && origin.source !== null ? loaded.scenario.seed : undefined;
}

/** Whether the sweep section (with the flags applied, sweepSection) gives the sweep's seed. */
function sweepSeedGiven(section: unknown): boolean {
  return (
    typeof section === 'object' &&
    section !== null &&
    (section as Record<string, unknown>).seed !== undefined
  );
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? (exactWholeNumber(match[1]) ?? NaN) : NaN;
  const count = match ? (exactWholeNumber(match[2]) ?? NaN) : NaN;
  if (!match || !(count >= 1 && index >= 1 && index <= count)) {
    throw new UserError(`--shard: expected i/n with 1 <= i <= n (e.g. 2/8), found "${text}"`);
  }
  return { index, count };
}

/**
 * Most worker threads --workers accepts. Each worker holds a world of its own (tens of MB and
 * up), so thousands of them exhaust memory before they run anything; 1,024 is above the cores
 * of any one machine gvc is meant for. --threads has 64 (one run's stages).
 */
export const MAX_WORKERS = 1024;

/** --workers of gvc sweep and gvc validate: a whole number from 1 to MAX_WORKERS; default: the cores. */
export function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  return wholeNumberFlag('--workers', text, { min: 1, max: MAX_WORKERS });
}

/**
 * The warning (stderr, not under --quiet) for more workers than cores, as gvc run gives for
 * --threads: advice, not an error, since the outputs do not depend on the workers, only the
 * time and memory do.
 */
export function warnWorkers(workers: number, quiet: boolean): void {
  const cores = availableParallelism();
  if (workers > cores && !quiet)
    process.stderr.write(
      `gvc: warning: --workers ${workers}: more workers than cores (${cores}) cannot be faster and each holds a world in memory; running with ${workers} anyway (same outputs)\n`,
    );
}

export function parseTimeseriesMode(text: string): TimeseriesMode {
  try {
    return parseAgentsMode(text);
  } catch {
    throw new UserError(
      `--timeseries: expected final, none or every:K with K a whole number >= 1, found "${text}"`,
    );
  }
}

/**
 * The sweep section with the command-line flags applied: the flags build the same raw
 * section a file would hold, so both go through one validation.
 */
export function sweepSection(fromFile: unknown, opts: SweepCliOptions): unknown {
  const flagsUsed =
    opts.design !== undefined ||
    opts.vary.length > 0 ||
    opts.samples !== undefined ||
    opts.sweepSeed !== undefined;
  if (!flagsUsed) return fromFile;
  const raw: Record<string, unknown> =
    typeof fromFile === 'object' && fromFile !== null && !Array.isArray(fromFile)
      ? { ...fromFile }
      : {};
  if (opts.design !== undefined) raw.design = opts.design;
  // The same lower bounds as sweep.samples and sweep.seed in a file, so that a bad value gets
  // the same range whatever it is (`--samples 1e9` said ">= 0", `--samples 0` ">= 1").
  if (opts.samples !== undefined)
    raw.samples = wholeNumberFlag('--samples', opts.samples, { min: 1 });
  // A seed is read as sweep.seed in a file and --seed / --set seed= are (one YAML scalar, one
  // check), so 0x10, 1e3 and 16 are one seed whichever way it is given.
  if (opts.sweepSeed !== undefined)
    raw.seed = parseYamlValue(opts.sweepSeed, `--sweep-seed ${opts.sweepSeed}`);
  if (opts.vary.length > 0) {
    const parameters = { ...((raw.parameters as Record<string, unknown> | undefined) ?? {}) };
    const fromFlag = new Map<string, string>();
    for (const arg of opts.vary) {
      const { path, value } = parseSetArg(arg, '--vary');
      // The same path twice on the command line is a contradiction (the file's entry for a
      // path is what --vary replaces, as --set replaces a file's value).
      const earlier = fromFlag.get(path);
      if (earlier !== undefined)
        throw new UserError(
          `--vary ${arg}: ${path} is also varied by --vary ${earlier}; give each parameter one --vary`,
        );
      fromFlag.set(path, arg);
      parameters[path] = value;
    }
    raw.parameters = parameters;
  }
  return raw;
}

/** The sweep-section keys a flag can set, with the flag and its value on this command line. */
function flagsOfSweepKeys(opts: SweepCliOptions): [string, string, string | undefined][] {
  return [
    ['sweep.design', '--design', opts.design],
    ['sweep.samples', '--samples', opts.samples],
    ['sweep.seed', '--sweep-seed', opts.sweepSeed],
    ['sweep.replications', '--reps', opts.reps],
  ];
}

/**
 * An error in a sweep section built partly from flags names the flag, not the file: a bad
 * `--vary` value is reported as `--vary path=…`, a bad `--design` as `--design`, and so on.
 */
export function relabelSweepError(err: unknown, opts: SweepCliOptions): unknown {
  if (!(err instanceof ScenarioError)) return err;
  const relabel = (file: string, path: string) =>
    new ScenarioError({
      file,
      path,
      expected: err.expected || undefined,
      found: err.found,
      suggestion: err.suggestion,
      detail: err.detail || undefined,
    });
  for (const [path, flag, value] of flagsOfSweepKeys(opts))
    if (value !== undefined && err.path === path) return relabel(`${flag} ${value}`, '');
  for (const arg of [...opts.vary].reverse()) {
    if (arg.indexOf('=') <= 0) continue;
    const p = arg.slice(0, arg.indexOf('=')).trim();
    const path = err.path.startsWith('sweep.parameters.')
      ? err.path.slice('sweep.parameters.'.length)
      : err.path;
    // `buyers.x` (a group the scenario does not have) is the part of `buyers.x.count` at fault.
    if (
      path === p ||
      path.startsWith(`${p}.`) ||
      path.startsWith(`${p}[`) ||
      p.startsWith(`${path}.`)
    )
      return relabel(`--vary ${arg}`, path);
  }
  return err;
}

/**
 * A warning about a value that came from a flag names the flag, as errors do
 * (relabelSweepError): `--samples 100: N = 100 is not a power of two…`, not `sweep.samples: …`.
 */
export function relabelSweepWarning(warning: string, opts: SweepCliOptions): string {
  for (const [path, flag, value] of flagsOfSweepKeys(opts))
    if (value !== undefined && warning.startsWith(`${path}: `))
      return `${flag} ${value}: ${warning.slice(path.length + 2)}`;
  return warning;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'Run the sweep section of a scenario: a design of parameter cells x replications, on every core.',
    )
    .argument('<file>', 'scenario file with a sweep: section')
    .option('--design <name>', 'grid, ofat, lhs, sobol or morris (overrides sweep.design)')
    .option(
      '--vary <path=values>',
      'vary a parameter: a list [a, b] or bounds {min: 0, max: 1, steps: 3} (repeatable; adds to sweep.parameters, replacing its entry for the same path)',
      collect,
      [],
    )
    .option(
      '--samples <n>',
      'lhs points, sobol base samples or morris trajectories (overrides sweep.samples)',
    )
    .option('--sweep-seed <n>', 'master seed of the sweep (overrides sweep.seed)')
    .option(
      '--workers <n>',
      `worker threads, 1 to ${MAX_WORKERS} (default: all cores; more than the cores: a warning)`,
    )
    .option('--reps <n>', 'replications per cell (overrides sweep.replications)')
    .option('--steps <n>', 'steps per run (overrides time.steps)')
    .option('--set <path=value>', 'fix a parameter for every run (repeatable)', collect, [])
    .option('--out <dir>', 'output folder (default: output/<scenario name>)')
    .option('--timeseries <mode>', 'timeseries rows per run: final, every:K or none', 'final')
    .option(
      '--agents <mode>',
      'supplier rows per run in suppliers.csv: final, every:K or none',
      'none',
    )
    .option(
      '--relationships [mode]',
      'relationship-spell rows per run in relationships.csv: all or none (default: none; the bare flag: all)',
    )
    .option(
      '--by-group',
      'timeseries rows per supplier group after each whole-population row (adds a group column)',
    )
    .option('--shard <i/n>', 'run only part i of n of the design (combine with gvc merge)')
    .option('--resume', 'continue an interrupted sweep in <out>.partial')
    .option('--quiet', 'print nothing on success (no progress, warnings or summary line)')
    .option('--force', 'replace an existing output folder or interrupted sweep')
    .option(
      '--allow-mixed-provenance',
      'with --resume: continue runs made by another program version or commit (recorded in the manifest)',
    )
    .option('--max-runs <n>', `most runs the plan may have (default ${DEFAULT_LIMITS.maxRuns})`)
    .option(
      '--max-output <cells>',
      `most CSV cells (rows x columns) the outputs may hold (default ${DEFAULT_LIMITS.maxOutput})`,
    )
    .action(async (typed: string, opts: SweepCliOptions) => {
      const file = fileArg(typed);
      const limits = {
        maxRuns: parseLimit('--max-runs', opts.maxRuns, DEFAULT_LIMITS.maxRuns),
        maxOutput: parseLimit('--max-output', opts.maxOutput, DEFAULT_LIMITS.maxOutput),
      };
      const workers = parseWorkers(opts.workers);
      const timeseries = parseTimeseriesMode(opts.timeseries);
      const agents = parseAgentsMode(opts.agents);
      const relationships = parseRelationshipsMode(opts.relationships, false);
      const shard = opts.shard !== undefined ? parseShard(opts.shard) : null;
      if (opts.allowMixedProvenance && !opts.resume)
        throw new UserError(
          '--allow-mixed-provenance: only with --resume (it lets a resumed sweep continue runs of another program version)',
        );
      // Each run of a sweep has its own seed, drawn from the sweep's seed: a fixed seed
      // would be silently replaced in every run.
      for (const arg of opts.set)
        if (arg.slice(0, Math.max(0, arg.indexOf('='))).trim() === 'seed')
          throw new UserError(
            `--set ${arg}: each run of a sweep gets its own seed from the sweep's seed; use --sweep-seed (or sweep.seed) instead`,
          );
      for (const arg of opts.set) {
        const path = arg.slice(0, Math.max(0, arg.indexOf('='))).trim();
        const setting = sweepSettingText(path);
        if (setting !== undefined)
          throw new ScenarioError({
            file: `--set ${arg}`,
            path,
            expected: setting,
            found: `"${path}"`,
          });
      }
      let loaded;
      try {
        loaded = loadScenario(file, { sets: opts.set, steps: opts.steps });
      } catch (err) {
        // A misspelt --set path may be closest to `seed`, which a sweep refuses in turn.
        if (
          err instanceof ScenarioError &&
          err.suggestion === 'seed' &&
          err.file.startsWith('--set ')
        )
          throw new ScenarioError({
            file: err.file,
            path: err.path,
            expected: err.expected,
            found: err.found,
          });
        throw err;
      }
      checkFileSections(loaded, { sweep: true });
      const section = sweepSection(loaded.sweep, opts);
      let spec;
      try {
        spec = parseSweepSpec(
          section,
          file,
          loaded.scenario,
          {
            replications:
              opts.reps === undefined
                ? undefined
                : wholeNumberFlag('--reps', opts.reps, { min: 1 }),
            maxRuns: limits.maxRuns,
          },
          // Positions in the file; an error in a flag's value is relabelled without one.
          loaded.locate,
        );
      } catch (err) {
        throw relabelSweepError(err, opts);
      }
      // A factor --vary gave is named by the flag in messages (a cell crossing a bound).
      for (const arg of opts.vary) {
        const factor = spec.factors.find((f) => f.path === arg.slice(0, arg.indexOf('=')).trim());
        if (factor !== undefined) factor.source = `--vary ${arg}`;
      }
      warnWorkers(workers, Boolean(opts.quiet));
      const fileSeed = topLevelSeed(loaded);
      // Without sweep.seed or --sweep-seed, the file's top-level seed (gvc run's) becomes the
      // sweep's master seed, from which each run's seed is drawn: a reader may then take a run
      // of the sweep for gvc run of the file, so it is said once. A file that gives both seeds
      // (as the shipped sweep scenarios do, so that gvc run works on them) already keeps them
      // apart: no note. The manifest records the sweep's seed under seeds either way, never
      // the top-level one as a parameter of the runs.
      if (!opts.quiet && fileSeed !== undefined && !sweepSeedGiven(section))
        process.stderr.write(
          `gvc: note: ${loaded.file}: the file has no sweep.seed, so its seed: ${fileSeed} is the sweep's seed, from which each run's seed is drawn (no run has seed ${fileSeed} itself, as gvc run of the file has); set the sweep's seed with sweep.seed or --sweep-seed\n`,
        );
      if (!opts.quiet)
        for (const w of sweepWarnings(spec))
          process.stderr.write(`gvc: warning: ${relabelSweepWarning(w, opts)}\n`);
      const fixed = new Set(opts.set.map((s) => s.slice(0, s.indexOf('=')).trim()));
      for (const f of spec.factors) {
        if (fixed.has(f.path))
          throw new UserError(
            `--set ${f.path}: the sweep varies this parameter; remove it from --set or from sweep.parameters`,
          );
        if (f.path === 'time.steps' && opts.steps !== undefined)
          throw new UserError(
            `--steps ${opts.steps}: the sweep varies time.steps; remove --steps or time.steps from sweep.parameters`,
          );
      }
      const result = await runSweep({
        loaded,
        spec,
        out:
          opts.out !== undefined
            ? folderArg(opts.out)
            : defaultOutputFolder(loaded.scenario.name, loaded.file),
        workers,
        timeseries,
        agents,
        relationships,
        byGroup: Boolean(opts.byGroup),
        shard,
        force: Boolean(opts.force),
        resume: Boolean(opts.resume),
        quiet: Boolean(opts.quiet),
        limits,
        allowMixedProvenance: Boolean(opts.allowMixedProvenance),
        commandOptions: designOptions(opts),
      });
      if (result.stopped) process.exitCode = 130;
      else if (result.failedRuns > 0) {
        process.stderr.write(
          `gvc: ${result.failedRuns} run${result.failedRuns === 1 ? '' : 's'} failed; see ${result.outDir}/errors.csv\n`,
        );
        process.exitCode = 1;
      }
    });
}
