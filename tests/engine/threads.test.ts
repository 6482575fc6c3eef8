/**
 * --threads (engine/threads.ts): the order-independent stages on worker threads give the same
 * outputs, to the bit, as one thread. Worker threads load compiled modules, so the runs here use
 * dist/ (built by `npm test`'s pretest), typed as the sources they are compiled from.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shares, ThreadPool as SourceThreadPool } from '../../src/engine/threads.js';
import type { Scenario } from '../../src/scenario/types.js';
import { suppliersOf } from '../../src/model/state.js';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const load = async <T>(module: string): Promise<T> =>
  (await import(pathToFileURL(join(DIST, module)).href)) as T;
const { simulateToMemory } =
  await load<typeof import('../../src/engine/simulation.js')>('engine/simulation.js');
const { loadScenario } =
  await load<typeof import('../../src/scenario/load.js')>('scenario/load.js');
const { applyParams } =
  await load<typeof import('../../src/scenario/resolve.js')>('scenario/resolve.js');
const { ThreadPool } =
  await load<typeof import('../../src/engine/threads.js')>('engine/threads.js');
const { createWorld } = await load<typeof import('../../src/model/init.js')>('model/init.js');
const { orderIndependentStages, SCHEDULE } =
  await load<typeof import('../../src/engine/schedule.js')>('engine/schedule.js');

/** Everything a run reports (NaN kept apart from null), as digests. */
function outputs(scenario: Scenario, threads: number) {
  // Every thread takes a share however few the suppliers (down to 16 each).
  const r = simulateToMemory(scenario, {
    threads,
    threadMinShare: 16,
    agents: { kind: 'every', k: 5 },
    byGroup: true,
  });
  // Digests: a failure names the output that differs without a diff of megabytes of JSON.
  const json = (x: unknown) =>
    createHash('sha256')
      .update(JSON.stringify(x, (_k, v: unknown) => (Number.isNaN(v) ? 'NaN' : v)))
      .digest('hex');
  return {
    timeseries: json(r.timeseries),
    suppliers: json(r.suppliers),
    relationships: json(r.relationships),
    counters: r.world.counters,
    suppliersMade: suppliersOf(r.world).length,
  };
}

describe('gvc run --threads N: same outputs for any N', () => {
  const entry = [
    ['model.entry.rate', 0.8],
    ['model.exit.loss_steps', 2],
  ] as const;
  it.each([
    // Entry and exit: entrants grow the supplier table mid-run (new shared arrays for the
    // workers) and exits leave inactive rows; sanctions and network ties throughout.
    ['vicious-circle.yaml', entry, 'entries'],
    // Functional upgrades: the counter the workers report back.
    ['baseline.yaml', [...entry, ['time.steps', 60]], 'functionalUpgrades'],
    ['governance-network.yaml', [], 'functionalUpgrades'],
  ] as const)('%s with 1, 2 and 3 threads', (file, sets, counted) => {
    const scenario = applyParams(loadScenario(join('scenarios', file)).scenario, sets, 'test');
    const one = outputs(scenario, 1);
    expect(one.counters[counted]).toBeGreaterThan(0);
    expect(outputs(scenario, 2)).toEqual(one);
    expect(outputs(scenario, 3)).toEqual(one);
  });

  it('reports a worker that fails in a stage as an error of the run', () => {
    const scenario = loadScenario(join('scenarios', 'baseline.yaml')).scenario;
    const world = createWorld(scenario, true);
    const pool = new ThreadPool(scenario, 2, 16);
    try {
      // A stage the worker does not have: it fails on its share; the main thread's share
      // (no bodies) succeeds, and the run must not go on as if the worker had done its part.
      expect(() => pool.run(world, 99, [])).toThrow(/a worker thread failed: .*TypeError/s);
    } finally {
      pool.close();
    }
  });

  it('gives up on a worker that died instead of waiting for it for ever', async () => {
    const scenario = loadScenario(join('scenarios', 'baseline.yaml')).scenario;
    const world = createWorld(scenario, true);
    const pool = new ThreadPool(scenario, 2, 16, 2000);
    const stage = orderIndependentStages(SCHEDULE)[0];
    try {
      pool.start();
      // As if the worker had run out of memory: it stops without counting itself done.
      await (pool as unknown as { workers: Worker[] }).workers[0].terminate();
      expect(() => pool.run(world, 0, stage)).toThrow(
        /did not finish its share of a step within 2 s/,
      );
    } finally {
      pool.close();
    }
  });

  it('refuses what it cannot do rather than hang or run on the wrong memory', () => {
    const scenario = loadScenario(join('scenarios', 'baseline.yaml')).scenario;
    // The sources have no compiled worker entry: a clear error, not a wait for a worker that
    // never reports.
    expect(() => new SourceThreadPool(scenario, 2).start()).toThrow(/stage-worker\.js is missing/);
    const pool = new ThreadPool(scenario, 2, 16);
    try {
      const stage = orderIndependentStages(SCHEDULE)[0];
      pool.run(createWorld(scenario, true), 0, stage);
      expect(() => pool.run(createWorld(scenario, true), 0, stage)).toThrow(/one world/);
    } finally {
      pool.close();
    }
    expect(() => pool.start()).toThrow(/closed/);
  });

  it('runs from `node -e` too (a worker must not inherit the code as its Node options)', () => {
    const code = [
      `const { simulateToMemory } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'engine/simulation.js')).href)});`,
      `const { loadScenario } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'scenario/load.js')).href)});`,
      "const { scenario } = loadScenario('scenarios/governance-network.yaml', { steps: '3' });",
      'const r = simulateToMemory(scenario, { threads: 2, threadMinShare: 16 });',
      'console.log(r.timeseries.length);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: join(DIST, '..'),
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('4');
  });

  it('reports a worker that fails to start as an error of the run', () => {
    // A scenario without its sections: the worker fails building the lead firms.
    expect(() => new ThreadPool({} as Scenario, 2).start()).toThrow(
      /a worker thread failed: .*TypeError/s,
    );
    expect(() => new ThreadPool({} as Scenario, 1)).toThrow(/at least 2/);
  });
});

describe('shares: suppliers divided among threads by their work', () => {
  it('splits the rows into consecutive shares within one row of equal weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 9 }),
        (weights, parts) => {
          const bounds = shares((i) => weights[i], weights.length, parts);
          expect(bounds).toHaveLength(parts + 1);
          expect(bounds[0]).toBe(0);
          expect(bounds[parts]).toBe(weights.length);
          const total = weights.reduce((a, b) => a + b, 0);
          for (let p = 0; p < parts; p++) {
            expect(bounds[p + 1]).toBeGreaterThanOrEqual(bounds[p]);
            const share = weights.slice(bounds[p], bounds[p + 1]).reduce((a, b) => a + b, 0);
            // Each share ends at the first row where the running total reaches its quota.
            expect(Math.abs(share - total / parts)).toBeLessThan(Math.max(...weights, 0) + 1e-9);
          }
        },
      ),
    );
  });
});
