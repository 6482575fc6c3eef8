/**
 * gvc merge reports its progress in bytes of the shards' tables (issue 15, item 3): the count
 * only grows, and it ends exactly at the total, shared headers included.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/experiment/merge.js';
import { runSweep } from '../../src/experiment/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { loadScenario } from '../../src/scenario/load.js';
import { cliInTempDir } from '../cli/spawn.js';

const { tmp } = cliInTempDir('gvc-merge-progress-');

describe('gvc merge progress', () => {
  it('grows monotonically to exactly the bytes of the shards', async () => {
    const file = join(tmp, 's.yaml');
    writeFileSync(
      file,
      `name: mp
time: { steps: 3 }
suppliers:
  smes: { count: 5 }
buyers:
  lead: { count: 1 }
sweep:
  replications: 2
  parameters:
    environment.ipr_protection: [0.2, 0.8]
`,
    );
    const loaded = loadScenario(file);
    const spec = parseSweepSpec(loaded.sweep, file, loaded.scenario);
    for (const index of [1, 2])
      await runSweep({
        loaded,
        spec,
        out: join(tmp, `sh${index}`),
        workers: 0,
        timeseries: { kind: 'every', k: 1 },
        shard: { index, count: 2 },
        force: false,
        resume: false,
        quiet: true,
      });
    const calls: [number, number][] = [];
    await mergeShards([join(tmp, 'sh1'), join(tmp, 'sh2')], join(tmp, 'm'), false, false, (d, t) =>
      calls.push([d, t]),
    );
    expect(calls.length).toBeGreaterThan(2);
    const total = calls[0][1];
    expect(total).toBeGreaterThan(0);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i][1]).toBe(total);
      expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
    }
    expect(calls[calls.length - 1][0]).toBe(total);
  });
});
