/**
 * `gvc sweep <file>`: the scenario's `sweep:` section as one command — every core, resumable,
 * shardable, streamed to disk in run order.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TimeseriesMode } from '../../experiment/execute.js';
import { runSweep, type Shard } from '../../experiment/sweep.js';
import { parseSweepSpec } from '../../experiment/sweep-spec.js';
import { UserError } from '../../scenario/errors.js';
import { loadScenario, parseSetArg } from '../../scenario/load.js';
import { collect, parseAgentsMode, parseRelationshipsMode } from './run.js';

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
  shard?: string;
  resume?: boolean;
  quiet?: boolean;
  force?: boolean;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard: expected i/n with 1 <= i <= n (e.g. 2/8), found "${text}"`);
  }
  return { index, count };
}

export function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw new UserError(`--workers: expected a whole number >= 1, found "${text}"`);
  return Number(text);
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
  const number = (flag: string, text: string) => {
    if (!/^\d+$/.test(text.trim()))
      throw new UserError(`${flag}: expected a whole number, found "${text}"`);
    return Number(text);
  };
  if (opts.design !== undefined) raw.design = opts.design;
  if (opts.samples !== undefined) raw.samples = number('--samples', opts.samples);
  if (opts.sweepSeed !== undefined) raw.seed = number('--sweep-seed', opts.sweepSeed);
  if (opts.vary.length > 0) {
    const parameters = { ...((raw.parameters as Record<string, unknown> | undefined) ?? {}) };
    for (const arg of opts.vary) {
      const { path, value } = parseSetArg(arg);
      parameters[path] = value;
    }
    raw.parameters = parameters;
  }
  return raw;
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
      'vary a parameter: a list [a, b] or bounds {min: 0, max: 1, steps: 3} (repeatable; adds to sweep.parameters)',
      collect,
      [],
    )
    .option(
      '--samples <n>',
      'lhs points, sobol base samples or morris trajectories (overrides sweep.samples)',
    )
    .option('--sweep-seed <n>', 'master seed of the sweep (overrides sweep.seed)')
    .option('--workers <n>', 'worker threads (default: all cores)')
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
    .option('--shard <i/n>', 'run only part i of n of the design (combine with gvc merge)')
    .option('--resume', 'continue an interrupted sweep in <out>.partial')
    .option('--quiet', 'no progress output')
    .option('--force', 'replace an existing output folder or interrupted sweep')
    .action(async (file: string, opts: SweepCliOptions) => {
      const workers = parseWorkers(opts.workers);
      const timeseries = parseTimeseriesMode(opts.timeseries);
      const agents = parseAgentsMode(opts.agents);
      const relationships = parseRelationshipsMode(opts.relationships, false);
      const shard = opts.shard !== undefined ? parseShard(opts.shard) : null;
      const loaded = loadScenario(file, { sets: opts.set, steps: opts.steps });
      const spec = parseSweepSpec(sweepSection(loaded.sweep, opts), file, loaded.scenario, {
        replications: opts.reps,
      });
      const fixed = new Set(opts.set.map((s) => s.slice(0, s.indexOf('=')).trim()));
      for (const f of spec.factors) {
        if (fixed.has(f.path))
          throw new UserError(
            `--set ${f.path}: the sweep varies this parameter; remove it from --set or from sweep.parameters`,
          );
      }
      const result = await runSweep({
        loaded,
        spec,
        out: opts.out ?? join('output', loaded.scenario.name),
        workers,
        timeseries,
        agents,
        relationships,
        shard,
        force: Boolean(opts.force),
        resume: Boolean(opts.resume),
        quiet: Boolean(opts.quiet),
      });
      if (result.stopped) process.exitCode = 130;
      else if (result.failedRuns > 0) {
        process.stderr.write(
          `gvc: ${result.failedRuns} runs failed; see ${result.outDir}/errors.csv\n`,
        );
        process.exitCode = 1;
      }
    });
}
