/**
 * The code path of `gvc run` for the single-run bench scripts (bench/probe.mjs,
 * bench/cpu-split.mjs), from the build in dist/ (run `npm run build` first): load the scenario,
 * simulate, and write timeseries.csv (and suppliers.csv unless agents is 'none') to a temporary
 * folder, which is removed at the end. The scripts time around it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { simulate } = await import(join(root, 'dist/engine/simulation.js'));
const { loadScenario } = await import(join(root, 'dist/scenario/load.js'));
const { writeRunOutputs } = await import(join(root, 'dist/io/run-output.js'));
const { parseAgentsMode } = await import(join(root, 'dist/cli/commands/run.js'));

/** The resolved scenario of `file` with `sets` (path=value strings) and `steps` (a string or undefined). */
export function benchScenario(file, sets = [], steps = undefined) {
  return loadScenario(file, { sets, steps }).scenario;
}

/**
 * Runs `scenario` (from `file`) as `gvc run` does, with `agents` (a --agents value) and
 * `threads`. Hooks, each optional: `simulating()` once the output folder is ready, just before
 * the simulation; `timeseries(row)` for every timeseries row, before it is written;
 * `simulated()` after the simulation, before the files are closed.
 */
export async function runAsGvc(file, scenario, { agents = 'final', threads = 1 } = {}, hooks = {}) {
  const out = mkdtempSync(join(tmpdir(), 'gvc-bench-'));
  const mode = parseAgentsMode(agents);
  try {
    await writeRunOutputs(
      {
        outDir: join(out, 'run'),
        force: true,
        agents: mode,
        runId: 1,
        manifest: {
          scenarioFile: file,
          scenarioSha256: '',
          scenarioName: scenario.name,
          parameters: {},
          seeds: [scenario.seed],
        },
      },
      (sink) => {
        hooks.simulating?.();
        simulate(
          scenario,
          {
            timeseries(row) {
              hooks.timeseries?.(row);
              sink.timeseries(row);
            },
            suppliers: (rows) => sink.suppliers(rows),
          },
          { agents: mode, threads },
        );
        hooks.simulated?.();
      },
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
