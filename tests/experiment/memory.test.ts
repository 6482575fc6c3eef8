/**
 * The memory estimate made before a run or sweep allocates anything (docs/performance.md,
 * "Memory estimate"), judged against a machine's memory given here, so no test allocates it.
 */
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import {
  checkHeap,
  checkMemory,
  commandMemory,
  memoryGuard,
  MEMORY_YOUNG_GENERATION,
  populationsOf,
  runHeap,
  runMemory,
} from '../../src/experiment/memory.js';
import { executeRun } from '../../src/experiment/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buildPlan } from '../../src/experiment/plan.js';
import { checkSweepMemory } from '../../src/experiment/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const WORLD = `
suppliers:
  a: { count: 1000 }
  b: { count: 3000 }
buyers:
  lead: { count: 10 }
partners:
  p: { count: 20 }
`;
const GB = 1e9;

describe('memory estimate', () => {
  const { scenario } = parseScenarioText(WORLD, 'w.yaml');

  it('counts every group, and a cell’s counts in place of the scenario’s', () => {
    expect(populationsOf(scenario)).toEqual({ suppliers: 4000, buyers: 10, partners: 20 });
    expect(populationsOf(scenario, new Map([['suppliers.b.count', 10]]))).toEqual({
      suppliers: 1010,
      buyers: 10,
      partners: 20,
    });
  });

  it('is 80 MB a process, 60 MB a worker, 0.9-3.4 KB a supplier, 1.3 KB a lead firm, 0.3 KB a partner', () => {
    expect(runMemory({ suppliers: 1e7, buyers: 0, partners: 0 })).toEqual({ low: 9e9, high: 34e9 });
    expect(runMemory({ suppliers: 0, buyers: 1000, partners: 1000 })).toEqual({
      low: 1.6e6,
      high: 1.6e6,
    });
    // gvc run: the run is in the main thread.
    expect(commandMemory({ suppliers: 1e6, buyers: 0, partners: 0 })).toEqual({
      low: 80e6 + 0.9e9,
      high: 80e6 + 3.4e9,
    });
    // A sweep: one run per worker at a time, each worker a thread of its own.
    expect(commandMemory({ suppliers: 1e6, buyers: 0, partners: 0 }, 4)).toEqual({
      low: 80e6 + 4 * 60e6 + 4 * 0.9e9,
      high: 80e6 + 4 * 60e6 + 4 * 3.4e9,
    });
  });

  it('refuses what cannot fit in the machine, warns about what may not fit in free memory', () => {
    const need = commandMemory({ suppliers: 1e7, buyers: 10, partners: 10 });
    expect(() =>
      checkMemory(need, 'w.yaml: a run', 'run fewer', { total: 8 * GB, free: 4 * GB }),
    ).toThrow(
      "w.yaml: a run needs an estimated 9.1 GB to 34 GB of memory (docs/performance.md), more than this machine's 8.0 GB; run fewer",
    );
    expect(checkMemory(need, 'w.yaml: a run', 'run fewer', { total: 64 * GB, free: 20 * GB })).toBe(
      'w.yaml: a run may need up to 34 GB of memory (estimated 9.1 GB to 34 GB, docs/performance.md); this machine has 20 GB free of 64 GB, so it may be slow or be stopped by the system',
    );
    expect(
      checkMemory(need, 'w.yaml: a run', 'run fewer', { total: 64 * GB, free: 40 * GB }),
    ).toBeUndefined();
  });

  it('a sweep is judged by its largest cell on every worker at once, before its folder is opened', () => {
    const spec = parseSweepSpec(
      { parameters: { 'suppliers.a.count': [10, 1000000, 20] } },
      'w.yaml',
      scenario,
    );
    const plan = buildPlan(scenario, spec);
    const o = { workers: 4, quiet: true, shard: null, loaded: { file: 'w.yaml' } };
    // Cell 2 on 3 workers (3 runs, so a fourth worker would idle): 80 + 3 × 60 MB + 3 × 1,003,000 × 0.9 KB...
    expect(() => checkSweepMemory(o, plan, { total: 2 * GB, free: 2 * GB })).toThrow(
      /^w\.yaml: the largest cell \(cell 2: 1,003,000 suppliers, 10 lead firms, 20 partners\) on 3 workers at once needs an estimated 3\.0 GB to 10 GB of memory .*more than this machine's 2\.0 GB; use fewer --workers, smaller populations, or a machine with more memory$/,
    );
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      checkSweepMemory({ ...o, quiet: false, workers: 1 }, plan, { total: 16 * GB, free: 2 * GB });
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^gvc: warning: w\.yaml: the largest cell \(cell 2: .*on 1 worker at once may need up to 3\.6 GB/,
        ),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it("with counts among the factors, the file's own populations are no run of the sweep", () => {
    // 3 × 10^7 suppliers in the file; every cell sets all three groups to 10-20 suppliers.
    const big = parseScenarioText(
      'suppliers:\n  a: { count: 10000000 }\n  b: { count: 10000000 }\n  c: { count: 10000000 }\nbuyers:\n  lead: { count: 1 }\n',
      'big.yaml',
    ).scenario;
    const spec = parseSweepSpec(
      {
        parameters: {
          'suppliers.a.count': [10, 20],
          'suppliers.b.count': [10],
          'suppliers.c.count': [10],
        },
      },
      'big.yaml',
      big,
    );
    const o = { workers: 1, quiet: true, shard: null, loaded: { file: 'big.yaml' } };
    expect(() =>
      checkSweepMemory(o, buildPlan(big, spec), { total: 1 * GB, free: 1 * GB }),
    ).not.toThrow();
    expect(() =>
      checkSweepMemory(
        o,
        buildPlan(
          big,
          parseSweepSpec({ parameters: { 'suppliers.a.count': [10] } }, 'big.yaml', big),
        ),
        {
          total: 1 * GB,
          free: 1 * GB,
        },
      ),
    ).toThrow(/cell 1: 20,000,010 suppliers/);
  });

  it('gvc run --threads N counts its N - 1 stage threads', () => {
    const p = populationsOf(scenario);
    expect(commandMemory(p, 0, 3).low - commandMemory(p, 0, 0).low).toBe(3 * 60e6);
    expect(commandMemory(p, 0, 3).high - commandMemory(p, 0, 0).high).toBe(3 * 60e6);
  });
});

describe('the memory guard between steps (entrants grow a world past any estimate)', () => {
  const MB = 1e6;
  const world = (step: number, suppliers: number) => ({
    step,
    supplierTable: { length: suppliers },
    buyers: { length: 10 },
    partners: { length: 0 },
  });
  /** A guard for a run of 50 steps, with 1000 MB of heap for old objects, on a 100 GB machine. */
  const guard = (total = 100 * GB) =>
    memoryGuard('w.yaml: the run', 50, { heapLimit: 1000 * MB + MEMORY_YOUNG_GENERATION, total });

  it('lets a run go on while its rows, grown twice again by the last step, fit 60% of the heap', () => {
    // 12 MB + 70 B x rows <= 600 MB up to 8.4 million rows.
    const check = guard();
    for (const [step, rows] of [
      [1, 1e6],
      [2, 2e6],
      [3, 3e6],
      [4, 4e6],
      [5, 5e6],
      [6, 6e6],
    ])
      expect(() => check(world(step, rows))).not.toThrow();
  });

  it('stops it, naming the run, step, rows, the estimate and remedies, before it would pass', () => {
    const check = guard();
    check(world(1, 6e6));
    // 6,799,900 + 2 x 799,900 = 8,399,700 rows: 12 MB + 587.98 MB + 4 kB for the 10 lead
    // firms = 599.98 MB, not over 60% of 1000 MB.
    expect(() => check(world(2, 6.8e6 - 100))).not.toThrow();
    expect(() => check(world(3, 7.6e6 + 1))).toThrow(
      "w.yaml: the run: stopped at step 3 of 50, before it ran out of memory: its supplier rows (entrants included) grew by 800,101 to 7,600,001 in the step, and two more steps of that growth make at least 9,200,203; that would need an estimated 656 MB of Node's heap, over 60% of the 1.0 GB it gives old objects; give Node a larger heap (NODE_OPTIONS=--max-old-space-size=1908, in MB, within the machine's memory) or run fewer agents, fewer steps or a lower model.entry.rate",
    );
  });

  it('never stops a world that does not grow, nor a run after its last step', () => {
    const check = guard();
    check(world(1, 9e6));
    expect(() => check(world(2, 9e6))).not.toThrow();
    const last = guard();
    last(world(49, 1e6));
    expect(() => last(world(50, 9e7))).not.toThrow();
  });

  it("stops a run whose rows would need more than the machine's memory", () => {
    // 2 GB machine: runMemory's low end, 900 B a row (+ 13 kB for the lead firms), passes it
    // at 2.22 million rows; the heap (70 B a row) would still fit.
    const check = guard(2 * GB);
    check(world(6, 1e6));
    expect(() => check(world(7, 1.6e6))).toThrow(
      "w.yaml: the run: stopped at step 7 of 50, before it ran out of memory: its supplier rows (entrants included) grew by 600,000 to 1,600,000 in the step, and two more steps of that growth make at least 2,800,000; that would need an estimated 2.5 GB of memory (docs/performance.md), more than this machine's 2.0 GB; run it on a machine with more memory or run fewer agents, fewer steps or a lower model.entry.rate",
    );
    // Grown by 400,000 instead: 2.2 million rows would fit (1.98 GB).
    const under = guard(2 * GB);
    under(world(6, 1e6));
    expect(() => under(world(7, 1.4e6))).not.toThrow();
  });

  it('decides from the rows alone: the same run gives the same verdict at the same step', () => {
    const verdicts = [0, 1].map(() => {
      const check = guard();
      for (let step = 1; step < 50; step++) {
        try {
          check(world(step, Math.round(1e5 * 1.25 ** step)));
        } catch {
          return step;
        }
      }
      return 0;
    });
    expect(verdicts[0]).toBeGreaterThan(0);
    expect(verdicts[1]).toBe(verdicts[0]);
  });
});

describe("the heap bound before a run (V8's limit, not the machine's memory)", () => {
  const MiB = 2 ** 20;
  /** heap_size_limit under --max-old-space-size=mb: the flag plus the young generation. */
  const flag = (mb: number) => mb * MiB + MEMORY_YOUNG_GENERATION;
  const world = (suppliers: number) => ({ suppliers, buyers: 40, partners: 70 });

  it('is 12 MB + 70 B a supplier + 400 B a lead firm + 100 B a partner', () => {
    expect(runHeap({ suppliers: 1e6, buyers: 1000, partners: 1000 })).toBe(12e6 + 70e6 + 0.5e6);
  });

  it('refuses a world over 60% of the old generation, saying what flag would do', () => {
    // --max-old-space-size=100: 60% of 104.9 MB is 62.9 MB, 12 MB + 70 B x 727,000 suppliers.
    // Measured under this flag: 700,000-730,000 suppliers (reference groups) finished 2-4 steps,
    // 1,000,000 died of V8's OOM; the bound admits about 725,000.
    expect(() => checkHeap(world(720_000), 'w.yaml: a run', flag(100))).not.toThrow();
    expect(() => checkHeap(world(1_000_000), 'w.yaml: a run', flag(100))).toThrow(
      "w.yaml: a run needs an estimated 82 MB of Node's heap (docs/performance.md), over 60% of the 105 MB Node gives old objects here; run fewer suppliers, or give Node a larger heap (NODE_OPTIONS=--max-old-space-size=131, in MB, within the machine's memory)",
    );
    // The flag it names is enough.
    expect(() => checkHeap(world(1_000_000), 'w.yaml: a run', flag(131))).not.toThrow();
  });

  it("admits 10^7 suppliers at Node 20's default limit (4,144 MiB on 64-bit), refuses 4 x 10^7", () => {
    expect(() => checkHeap(world(1e7), 'w.yaml: a run', 4144 * MiB)).not.toThrow();
    expect(() => checkHeap(world(4e7), 'w.yaml: a run', 4144 * MiB)).toThrow(
      /2\.8 GB of Node's heap/,
    );
  });

  it("a sweep's largest cell must fit one worker's heap, whatever the number of workers", () => {
    const { scenario } = parseScenarioText(WORLD, 'w.yaml');
    const spec = parseSweepSpec(
      { parameters: { 'suppliers.a.count': [10, 1e6] } },
      'w.yaml',
      scenario,
    );
    const o = { workers: 1, quiet: true, shard: null, loaded: { file: 'w.yaml' } };
    const machine = { total: 100 * GB, free: 100 * GB, heapLimit: flag(100) };
    expect(() => checkSweepMemory(o, buildPlan(scenario, spec), machine)).toThrow(
      /^w\.yaml: the largest cell \(cell 2: 1,003,000 suppliers, 10 lead firms, 20 partners\) needs an estimated 82 MB of Node's heap/,
    );
    expect(() =>
      checkSweepMemory(o, buildPlan(scenario, spec), { ...machine, heapLimit: flag(200) }),
    ).not.toThrow();
    // With --agents, each run keeps its final snapshot as text (2 x 220 B a supplier): 441 MB more.
    const keeping = { ...o, agents: { kind: 'final' } as const };
    expect(() =>
      checkSweepMemory(keeping, buildPlan(scenario, spec), { ...machine, heapLimit: flag(200) }),
    ).toThrow(/needs an estimated 524 MB of Node's heap/);
  });
});

describe("a validation's measure rows, counted before the run", () => {
  const MiB = 2 ** 20;
  const flag = (mb: number) => mb * MiB + MEMORY_YOUNG_GENERATION;
  // One step: the guard between steps never runs, so only this check sees the kept rows.
  const text = `time: { steps: 1 }\nsuppliers:\n  a: { count: 100000 }\nbuyers:\n  lead: { count: 10 }\npartners:\n  p: { count: 20 }\n`;
  const { scenario } = parseScenarioText(text, 'v.yaml');
  const plan = buildPlan(
    scenario,
    parseSweepSpec({ parameters: { 'environment.institutions': [0.4, 0.6] } }, 'v.yaml', scenario),
  );
  const o = { workers: 1, quiet: true, shard: null, loaded: { file: 'v.yaml' } };
  const machine = { total: 100 * GB, free: 100 * GB, heapLimit: flag(100) };
  const atEnd = { kind: 'mean', column: 'process', group: null, includeExited: false } as const;

  it('the final snapshot of the suppliers a measure reads: 650 B a row on top of the world', () => {
    // The world alone: 19 MB of heap, within 60% of 100 MiB.
    expect(() => checkSweepMemory(o, plan, machine)).not.toThrow();
    expect(() =>
      checkSweepMemory(
        { ...o, measures: [{ kind: 'metric', metric: 'share_oem', step: 'final', window: null }] },
        plan,
        machine,
      ),
    ).not.toThrow();
    // 100,000 rows kept to the end: 65 MB more.
    expect(() =>
      checkSweepMemory({ ...o, measures: [{ ...atEnd, step: 'final' }] }, plan, machine),
    ).toThrow(
      "v.yaml: each run (100,000 suppliers, 10 lead firms, 20 partners), keeping its supplier rows for its measures (100,000 supplier rows), needs an estimated 84 MB of Node's heap (docs/performance.md), over 60% of the 105 MB Node gives old objects here; run fewer suppliers, or give Node a larger heap (NODE_OPTIONS=--max-old-space-size=134, in MB, within the machine's memory)",
    );
  });

  it('a measure at step 0 keeps the starting rows too: two snapshots in a run of 1 step', () => {
    const larger = { ...machine, heapLimit: flag(200) };
    expect(() =>
      checkSweepMemory({ ...o, measures: [{ ...atEnd, step: 'final' }] }, plan, larger),
    ).not.toThrow();
    expect(() =>
      checkSweepMemory(
        {
          ...o,
          measures: [
            { ...atEnd, step: 0 },
            { ...atEnd, step: 'final' },
          ],
        },
        plan,
        larger,
      ),
    ).toThrow(
      /keeping its supplier rows for its measures \(200,000 supplier rows\), needs an estimated 149 MB/,
    );
  });
});

describe('the memory guard counts the rows a run keeps (--agents every:1 in a sweep)', () => {
  const MB = 1e6;
  const still = (step: number) => ({
    step,
    supplierTable: { length: 1000 },
    buyers: { length: 10 },
    partners: { length: 0 },
  });

  it('stops a world that does not grow when its kept rows would pass the heap', () => {
    // 100 MB of old generation: 60 MB allowed, 12.08 MB for the world; kept grows 10 MB a step.
    let held = 0;
    const check = memoryGuard(
      'w.yaml: the run',
      50,
      { heapLimit: 100 * MB + MEMORY_YOUNG_GENERATION, total: 100 * GB },
      () => held,
    );
    held = 10 * MB;
    expect(() => check(still(1))).not.toThrow(); // 12.08 + 10 + 2 x 10 = 42 MB
    held = 20 * MB;
    expect(() => check(still(2))).not.toThrow(); // 52 MB
    held = 30 * MB;
    expect(() => check(still(3))).toThrow(
      "w.yaml: the run: stopped at step 3 of 50, before it ran out of memory: the output rows it keeps for the CSV files (--agents, --relationships, --timeseries) hold an estimated 30 MB and two more steps may add 20 MB; that would need an estimated 62 MB of Node's heap, over 60% of the 100 MB it gives old objects; give Node a larger heap (NODE_OPTIONS=--max-old-space-size=191, in MB, within the machine's memory) or run fewer agents, fewer steps or fewer kept rows (a larger K in --agents or --timeseries every:K, or none)",
    );
  });

  it("counts kept rows against the machine's memory too", () => {
    let held = 0;
    const check = memoryGuard(
      'w.yaml: the run',
      50,
      { heapLimit: 100 * GB, total: 0.5 * GB },
      () => held,
    );
    held = 100 * MB;
    expect(() => check(still(1))).not.toThrow(); // 0.9 MB + 100 + 2 x 100 MB
    held = 300 * MB;
    // 0.9 MB + 300 + 2 x 200 MB
    expect(() => check(still(2))).toThrow(
      /hold an estimated 300 MB and two more steps may add 400 MB; that would need an estimated 701 MB of memory .*more than this machine's 500 MB/,
    );
  });

  it('projects what the last step keeps from the step before it (it comes before any check)', () => {
    const atEnd = vi.fn((): number => 40 * MB);
    const check = memoryGuard(
      'w.yaml: the run',
      50,
      { heapLimit: 100 * MB + MEMORY_YOUNG_GENERATION, total: 100 * GB },
      () => 0,
      atEnd,
    );
    expect(() => check(still(48))).not.toThrow();
    expect(atEnd).not.toHaveBeenCalled();
    // 12.08 MB of world + 40 MB the last step keeps: within 60 MB; + 50 MB: past it.
    expect(() => check(still(49))).not.toThrow();
    atEnd.mockReturnValue(50 * MB);
    expect(() => check(still(49))).toThrow(
      /stopped at step 49 of 50, before it ran out of memory: the output rows it will keep for the CSV files \(--agents, --relationships, --timeseries\) at the last step need an estimated 50 MB; that would need an estimated 62 MB/,
    );
    expect(() => check(still(50))).not.toThrow();
  });

  it('a sweep run keeping only its final suppliers fails with the message, and its rows come in chunks', () => {
    const scenario = loadScenario(
      join(import.meta.dirname, '..', '..', 'scenarios', 'baseline.yaml'),
      { steps: 3 },
    ).scenario;
    const run = (agents: { kind: 'final' } | { kind: 'every'; k: number }, allowed: number) =>
      executeRun(
        {
          base: scenario,
          factorPaths: [],
          timeseries: { kind: 'none' },
          agents,
          memoryLimits: { heapLimit: allowed / 0.6 + MEMORY_YOUNG_GENERATION, total: 100 * GB },
        },
        { runId: 3, seed: scenario.seed, values: [] },
      );
    // The world (~12.05 MB) fits in 12.2 MB; its final snapshot as text (~0.3 MB) does not.
    const final = run({ kind: 'final' }, 12.2 * MB);
    expect(final.ok).toBe(false);
    if (!final.ok) {
      expect(final.refused).toBe(true);
      expect(final.message).toMatch(
        /^run 3: stopped at step 2 of 3, .*at the last step need an estimated/,
      );
    }
    const roomy = run({ kind: 'every', k: 1 }, 100 * MB);
    expect(roomy.ok).toBe(true);
    if (roomy.ok) {
      // Never joined into one string (V8 bounds a string's length): a chunk per batch of rows.
      expect(roomy.suppliersCsv.length).toBeGreaterThan(1);
      for (const chunk of roomy.suppliersCsv) expect(chunk.endsWith('\n')).toBe(true);
    }
  });

  it('a sweep run that keeps every step of its suppliers fails with the message (errors.csv)', () => {
    const scenario = loadScenario(
      join(import.meta.dirname, '..', '..', 'scenarios', 'baseline.yaml'),
      { steps: 20 },
    ).scenario;
    // Room for the world and a little more: 12.05 MB of world, 13 MB allowed (60% of 21.7 MB).
    const memoryLimits = { heapLimit: (13 * MB) / 0.6 + MEMORY_YOUNG_GENERATION, total: 100 * GB };
    const run = (agents: { kind: 'every'; k: number } | { kind: 'none' }) =>
      executeRun(
        { base: scenario, factorPaths: [], timeseries: { kind: 'none' }, agents, memoryLimits },
        { runId: 7, seed: scenario.seed, values: [] },
      );
    const every = run({ kind: 'every', k: 1 });
    expect(every.ok).toBe(false);
    if (!every.ok) {
      expect(every.refused).toBe(true);
      expect(every.message).toMatch(
        /^run 7: stopped at step \d+ of 20, before it ran out of memory: the output rows it keeps .* hold an estimated /,
      );
    }
    // The same run streaming nothing back fits.
    expect(run({ kind: 'none' }).ok).toBe(true);
  });
});
