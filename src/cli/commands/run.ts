/**
 * `gvc run <file>`: one simulation of a scenario, written to an output folder atomically.
 * Everything that can be wrong with the input (scenario, --set, --seed, --steps, --agents,
 * --out) is checked before the simulation starts, so bad input costs no time and leaves
 * nothing behind.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import type { AgentsMode, TimeseriesRow } from '../../engine/observations.js';
import { simulate } from '../../engine/simulation.js';
import { writeRunOutputs } from '../../io/run-output.js';
import { UserError } from '../../scenario/errors.js';
import { flattenScenario, loadScenario } from '../../scenario/load.js';

export function parseAgentsMode(text: string): AgentsMode {
  if (text === 'final') return { kind: 'final' };
  if (text === 'none') return { kind: 'none' };
  const m = /^every:(\d+)$/.exec(text);
  if (m && Number(m[1]) >= 1) return { kind: 'every', k: Number(m[1]) };
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
  force?: boolean;
  quiet?: boolean;
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
    .option('--force', 'replace a non-empty output folder')
    .option('--quiet', 'print nothing on success')
    .action(async (file: string, opts: RunOptions) => {
      const agents = parseAgentsMode(opts.agents);
      const relationships = parseRelationshipsMode(opts.relationships, true);
      const loaded = loadScenario(file, { sets: opts.set, seed: opts.seed, steps: opts.steps });
      const { scenario } = loaded;
      const outDir = opts.out ?? join('output', scenario.name);
      let last: TimeseriesRow | null = null;
      const started = Date.now();
      const result = await writeRunOutputs(
        {
          outDir,
          force: Boolean(opts.force),
          agents,
          relationships,
          runId: 1,
          manifest: {
            scenarioFile: loaded.file,
            scenarioSha256: loaded.sha256,
            scenarioBase: loaded.base,
            scenarioName: scenario.name,
            parameters: Object.fromEntries(flattenScenario(scenario)),
            seeds: [scenario.seed],
          },
        },
        (sink) => {
          simulate(
            scenario,
            {
              timeseries: (row) => {
                last = row;
                sink.timeseries(row);
              },
              suppliers: (rows) => sink.suppliers(rows),
              relationships: sink.relationships?.bind(sink),
            },
            { agents },
          );
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
function finalSummary(row: TimeseriesRow): string {
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  return (
    `final step ${row.step}: ${row.n_suppliers} suppliers; roles OEM ${f(row.share_oem)}, ODM ${f(row.share_odm)}, OBM ${f(row.share_obm)}; ` +
    `capabilities process ${f(row.mean_process)}, product ${f(row.mean_product)}, design ${f(row.mean_design)}, marketing ${f(row.mean_marketing)}; ` +
    `lock-in rate ${f(row.lockin_rate)}; mean top-buyer share ${f(row.mean_top_buyer_share)}\n`
  );
}
