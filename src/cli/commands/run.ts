/**
 * `gvc run <file>`: one simulation of a scenario, written to an output folder atomically.
 * Everything that can be wrong with the input (scenario, --set, --seed, --steps, --agents,
 * --out) is checked before the simulation starts, so bad input costs no time and leaves
 * nothing behind.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { GROUP_ALL, type AgentsMode, type TimeseriesRow } from '../../engine/observations.js';
import { simulateYielding } from '../../engine/simulation.js';
import { checkRunBounds, DEFAULT_LIMITS, parseLimit } from '../../experiment/limits.js';
import { checkFileSections } from '../../experiment/sections.js';
import { defaultOutputFolder } from '../../io/output-guard.js';
import {
  checkHeap,
  checkMemory,
  commandMemory,
  memoryGuard,
  describePopulations,
  populationsOf,
} from '../../experiment/memory.js';
import { writeRunOutputs } from '../../io/run-output.js';
import { UserError } from '../../scenario/errors.js';
import { flattenScenario, loadScenario } from '../../scenario/load.js';
import { wholeNumberFlag } from '../../scenario/whole-number.js';
import { Progress } from '../progress.js';
import { fileArg, folderArg } from '../cli-path.js';
import { fixedNonZero } from '../../report/table.js';

export function parseAgentsMode(text: string): AgentsMode {
  if (text === 'final') return { kind: 'final' };
  if (text === 'none') return { kind: 'none' };
  const match = /^every:(\d+)$/.exec(text);
  if (match && Number(match[1]) >= 1) return { kind: 'every', k: Number(match[1]) };
  throw new UserError(
    `--agents: expected final, none or every:K with K a whole number >= 1, found "${text}"`,
  );
}

/**
 * --relationships: `all` (or the bare flag) writes relationships.csv, `none` skips it;
 * undefined (flag absent) takes the command's default.
 */
export function parseRelationshipsMode(
  value: string | boolean | undefined,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'all') return true;
  if (value === 'none') return false;
  throw new UserError(`--relationships: expected all or none, found "${String(value)}"`);
}

/** --threads: a whole number of threads, 1 (the default: no worker threads) to 64. */
export function parseThreads(text: string | undefined): number {
  if (text === undefined) return 1;
  return wholeNumberFlag('--threads', text, { min: 1, max: 64 });
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface RunOptions {
  seed?: string;
  steps?: string;
  set: string[];
  out?: string;
  agents: string;
  relationships?: string | boolean;
  byGroup?: boolean;
  force?: boolean;
  quiet?: boolean;
  maxOutput?: string;
  threads?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run one scenario; writes timeseries.csv, suppliers.csv, relationships.csv, manifest.json and codebook.csv.',
    )
    .argument('<file>', 'scenario file (.yaml, .yml or .json)')
    .option('--seed <n>', "seed of the run (overrides the scenario's seed)")
    .option('--steps <n>', 'number of steps (overrides time.steps)')
    .option('--set <path=value>', 'set a parameter by its dotted path (repeatable)', collect, [])
    .option('--out <dir>', 'output folder (default: output/<scenario name>)')
    .option('--agents <mode>', 'supplier rows: final, every:K or none', 'final')
    .option(
      '--relationships [mode]',
      'relationship-spell rows (relationships.csv): all or none (default: all)',
    )
    .option(
      '--by-group',
      'timeseries rows per supplier group after each whole-population row (adds a group column)',
    )
    .option(
      '--threads <n>',
      'threads for the order-independent processes of each step (default 1; same outputs for ' +
        'any n; a thread per 4,096 active suppliers at most, so it pays only for large worlds on idle cores)',
    )
    .option('--force', 'replace a non-empty output folder')
    .option('--quiet', 'print nothing on success')
    .option(
      '--max-output <cells>',
      `most CSV cells (rows x columns) the outputs may hold (default ${DEFAULT_LIMITS.maxOutput})`,
    )
    .action(async (typed: string, opts: RunOptions) => {
      const file = fileArg(typed);
      const agents = parseAgentsMode(opts.agents);
      const maxOutput = parseLimit('--max-output', opts.maxOutput, DEFAULT_LIMITS.maxOutput);
      const relationships = parseRelationshipsMode(opts.relationships, true);
      const threads = parseThreads(opts.threads);
      const loaded = loadScenario(file, { sets: opts.set, seed: opts.seed, steps: opts.steps });
      checkFileSections(loaded);
      const { scenario } = loaded;
      checkRunBounds(scenario, agents, { ...DEFAULT_LIMITS, maxOutput }, relationships);
      // Before the world is built: a population too large for this machine is refused now,
      // not when the system kills the process some way into the run.
      const populations = populationsOf(scenario);
      const what = `${loaded.file}: a run of ${describePopulations(populations)}`;
      const memory = checkMemory(
        commandMemory(populations, 0, threads - 1),
        what,
        'run fewer agents (suppliers.*.count, buyers.*.count, partners.*.count) or on a machine with more memory',
      );
      // The machine may have room where V8's heap (--max-old-space-size) has not.
      checkHeap(populations, what);
      if (memory !== undefined && !opts.quiet) process.stderr.write(`gvc: warning: ${memory}\n`);
      const cores = availableParallelism();
      // Advice, not an error: the outputs do not depend on the threads, only the time does (and
      // threads that share cores take turns); so silenced by --quiet, as sweep's warnings are.
      if (threads > cores && !opts.quiet)
        process.stderr.write(
          `gvc: warning: --threads ${threads}: more threads than cores (${cores}) cannot be faster; running with ${threads} anyway (same outputs)\n`,
        );
      const outDir =
        opts.out !== undefined
          ? folderArg(opts.out)
          : defaultOutputFolder(scenario.name, loaded.file);
      const byGroup = Boolean(opts.byGroup);
      let last: TimeseriesRow | null = null;
      const started = Date.now();
      const result = await writeRunOutputs(
        {
          outDir,
          force: Boolean(opts.force),
          agents,
          relationships,
          byGroup: Boolean(opts.byGroup),
          runId: 1,
          inputs: [loaded.file, ...(loaded.base ? [loaded.base.file] : [])],
          manifest: {
            scenarioFile: loaded.file,
            scenarioSha256: loaded.sha256,
            scenarioBase: loaded.base,
            scenarioName: scenario.name,
            parameters: Object.fromEntries(flattenScenario(scenario)),
            seeds: [scenario.seed],
          },
        },
        async (sink) => {
          // A large run takes tens of seconds: show steps, rate and ETA on a terminal.
          const progress = new Progress(scenario.time.steps, `run ${scenario.name}`, opts.quiet, {
            unit: 'steps',
            logWhenNotTty: false,
          });
          // Yielding: Ctrl-C or SIGTERM at any point removes the staging folder at once.
          await simulateYielding(
            scenario,
            {
              timeseries: (row) => {
                // The summary is of the whole population, not of the last group's row.
                if (row.group === undefined || row.group === GROUP_ALL) last = row;
                sink.timeseries(row);
                if ((row.step ?? 0) > 0) progress.tick();
              },
              suppliers: (rows) => sink.suppliers(rows),
              relationships: sink.relationships?.bind(sink),
            },
            // Entrants can outgrow any estimate: stop with a message, not V8's crash.
            {
              agents,
              byGroup,
              threads,
              afterStep: memoryGuard(`${loaded.file}: the run`, scenario.time.steps),
            },
          );
          progress.clear();
        },
      );
      if (!opts.quiet) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `gvc: wrote ${result.files.join(', ')} to ${outDir}/ in ${seconds} s\n`,
        );
        if (last) process.stdout.write(finalSummary(last));
      }
    });
}

/** A few headline numbers of the final step, so a user sees at a glance what happened. */
export function finalSummary(row: TimeseriesRow): string {
  // A small share or capability that is not zero (0.0004) is never printed as 0.000.
  const f = (x: number | null) => (x === null ? 'n/a' : fixedNonZero(x, 3));
  return (
    `final step ${row.step}: ${row.n_suppliers} suppliers; roles OEM ${f(row.share_oem)}, ODM ${f(row.share_odm)}, OBM ${f(row.share_obm)}; ` +
    `capabilities process ${f(row.mean_process)}, product ${f(row.mean_product)}, design ${f(row.mean_design)}, marketing ${f(row.mean_marketing)}; ` +
    `lock-in rate ${f(row.lockin_rate)}; mean top-buyer share ${f(row.mean_top_buyer_share)}\n`
  );
}
