import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The files that take longest (tests/docs/commands.test.ts replays the README and tutorials,
 * one sequential test; tests/cli/validate.test.ts runs `gvc validate --fast` before its tests),
 * slowest first. They start first so that the other worker runs the many short files meanwhile,
 * rather than one of them starting last and running alone; on a clean clone (CI) vitest has no
 * durations cached and would start files by size. Only the order depends on this list.
 */
const SLOWEST_FIRST = [
  'tests/docs/commands.test.ts',
  'tests/cli/validate.test.ts',
  'tests/cli/sweep.test.ts',
  'tests/cli/run.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const k = SLOWEST_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return k === -1 ? SLOWEST_FIRST.length : k;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

// Timeouts guard against hangs only; nothing here measures speed. End-to-end tests spawn the
// CLI and run simulations, which on a loaded 2-core machine can take several times longer.
// Property-based tests use a fixed seed (tests/setup-fast-check.ts; FC_SEED overrides it).
// At least two test files run at once (vitest's default, availableParallelism - 1, is one on a
// 2-core machine): the suite spends much of its time starting child processes and in file
// system calls, and no two files share a folder, a port or an output path.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    setupFiles: ['tests/setup-fast-check.ts'],
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowestFirst },
  },
});
