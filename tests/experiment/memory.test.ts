/**
 * The memory estimate made before a run or sweep allocates anything (docs/performance.md,
 * "Memory estimate"), judged against a machine's memory given here, so no test allocates it.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  checkMemory,
  commandMemory,
  memoryGuard,
  populationsOf,
  runMemory,
} from '../../src/experiment/memory.js';
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
  const world = (step: number, entries = 1) => ({
    step,
    suppliers: { length: 1234567 },
    counters: { entries },
  });
  const MB = 1e6;
  /** A guard fed these heap figures (MB) in turn, on a 100 GB machine at 1 GB resident. */
  const guard = (...heap: number[]) => {
    let i = 0;
    return memoryGuard('w.yaml: the run', () => ({
      heapUsed: heap[i++] * MB,
      heapLimit: 1000 * MB,
      rss: 1 * GB,
      total: 100 * GB,
    }));
  };

  it('lets a run go on while the heap, grown twice again by the last step, stays under 60%', () => {
    const check = guard(100, 200, 300, 380);
    for (let step = 1; step <= 4; step++) expect(() => check(world(step))).not.toThrow();
  });

  it('stops it, naming the run, step, suppliers, heap and remedies, before it would pass', () => {
    const check = guard(300, 400);
    check(world(1));
    // 400 MB + 2 x 100 MB = 600 MB is not past 60% of 1000 MB; 401 + 2 x 101 is.
    expect(() => guard(300, 400)(world(1))).not.toThrow();
    expect(() => check(world(2))).not.toThrow();
    const next = guard(300, 401);
    next(world(1));
    expect(() => next(world(2))).toThrow(
      "w.yaml: the run: stopped at step 2 with 1,234,567 suppliers created (entrants included) before it ran out of memory: its objects fill 401 MB of Node's heap limit of 1.0 GB and grow by the step; give Node a larger heap (NODE_OPTIONS=--max-old-space-size=1908, in MB, within the machine's memory) or run fewer agents, fewer steps or a lower model.entry.rate",
    );
  });

  it("stops a process that would fill the machine's memory", () => {
    const check = memoryGuard('run 3', () => ({
      heapUsed: 10 * MB,
      heapLimit: 1000 * MB,
      rss: 91 * GB,
      total: 100 * GB,
    }));
    // Without entrants the estimate made before the run judged the resident memory.
    expect(() => check(world(7, 0))).not.toThrow();
    expect(() => check(world(7))).toThrow(
      "run 3: stopped at step 7 with 1,234,567 suppliers created (entrants included) before it ran out of memory: the process holds 91 GB of this machine's 100 GB and grows by the step; run it on a machine with more memory or run fewer agents",
    );
  });
});
