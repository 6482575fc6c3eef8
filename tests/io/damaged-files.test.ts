/**
 * Kind 3: every file gvc reads back is parsed defensively. Random truncations and random
 * bytes of design.json, runs.csv, errors.csv, timeseries.csv, manifest.json and a sweep's
 * progress journal, given to gvc merge, gvc sensitivity, gvc report or gvc sweep --resume,
 * give exit 2 with a one-line message naming the file — never exit 1 or a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gvcInProcess } from '../report/cli.js';
import { cleanupTemp, tempDir } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');
const SCENARIO = `name: t
seed: 3
time: {steps: 3, steps_per_year: 4}
suppliers:
  sme: {count: 5}
buyers:
  us: {count: 2}
sweep:
  design: morris
  samples: 2
  replications: 1
  parameters:
    suppliers.sme.intent.network_ties: {min: 0, max: 3}
    buyers.us.count: {min: 1, max: 3}
`;

let dir = '';
beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir, 's.yaml'), SCENARIO);
  const sweep = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, 'sweep', 's.yaml', '--workers', '1', '--quiet', ...args], {
      cwd: dir,
    });
  sweep('--out', 'full');
  sweep('--out', 'shard1', '--shard', '1/2');
  sweep('--out', 'shard2', '--shard', '2/2');
}, 120_000);
afterAll(cleanupTemp);

/** A damaged copy of a file: a strict prefix (at least 3 bytes shorter) or random bytes. */
const damage = (original: Buffer) =>
  fc.oneof(
    fc
      .integer({ min: 0, max: Math.max(0, original.length - 3) })
      .map((n) => original.subarray(0, n)),
    fc.uint8Array({ minLength: 0, maxLength: 400 }).map((a) => Buffer.from(a)),
  );

/** Runs `command` with `file` damaged every way fast-check chooses; the file is restored after. */
async function checkDamaged(
  file: string,
  command: () => Promise<{ code: number; stderr: string }>,
  numRuns = 12,
): Promise<void> {
  const original = readFileSync(file);
  try {
    await fc.assert(
      fc.asyncProperty(damage(original), async (bytes) => {
        writeFileSync(file, bytes);
        const r = await command();
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
        expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
        // Named: the file itself, or (for an empty shard file) the folder it belongs to.
        expect(r.stderr).toContain(file.slice(0, file.lastIndexOf('/')));
      }),
      { numRuns },
    );
  } finally {
    writeFileSync(file, original);
  }
}

describe('damaged files give exit 2 naming the file (kind 3)', () => {
  const merge = () =>
    gvcInProcess(
      'merge',
      join(dir, 'shard1'),
      join(dir, 'shard2'),
      '--out',
      join(dir, 'merged'),
      '--force',
      '--quiet',
    );

  it.each(['design.json', 'runs.csv', 'errors.csv', 'timeseries.csv', 'manifest.json'])(
    'gvc merge with a damaged shard %s',
    async (name) => {
      await checkDamaged(join(dir, 'shard2', name), merge);
      // Undamaged, the merge works (the property did not pass by always failing).
      expect((await merge()).code).toBe(0);
    },
  );

  const sensitivity = () => gvcInProcess('sensitivity', join(dir, 'full'), '--quiet');
  it.each(['design.json', 'runs.csv', 'errors.csv'])(
    'gvc sensitivity with a damaged %s',
    async (name) => {
      await checkDamaged(join(dir, 'full', name), sensitivity);
      expect((await sensitivity()).code).toBe(0);
    },
  );

  it('gvc report with a damaged manifest.json or design.json', async () => {
    const report = () =>
      gvcInProcess('report', join(dir, 'full'), '--out', join(dir, 'rep'), '--force', '--quiet');
    await checkDamaged(join(dir, 'full', 'manifest.json'), report, 6);
    await checkDamaged(join(dir, 'full', 'design.json'), report, 6);
  });

  it('gvc sweep --resume with a damaged design.json or progress journal', async () => {
    // An interrupted sweep: the finished one's files, moved back to .partial, plus a journal.
    const partial = join(dir, 'res.partial');
    cpSync(join(dir, 'full'), partial, { recursive: true });
    rmSync(join(dir, 'res'), { recursive: true, force: true });
    const resume = () =>
      gvcInProcess('sweep', join(dir, 's.yaml'), '--out', join(dir, 'res'), '--resume', '--quiet');
    await checkDamaged(join(partial, 'design.json'), resume);
    // A journal line that is complete (ends with a newline) but not an entry is damage; a
    // torn last line alone is what a kill leaves and is not.
    const journal = join(partial, 'progress.jsonl');
    for (const text of ['garbage\n', '{"index": 0, "runId": 1, "sizes": [1, 2]}\n', '\u0000\n']) {
      writeFileSync(journal, text);
      const r = await resume();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${journal}:1: damaged progress journal`);
    }
    writeFileSync(
      journal,
      `{"index": 0, "runId": 1, "sizes": [999999999, 0, 0, 0, 0], "checksums": ["${'0'.repeat(16)}", "${'0'.repeat(16)}", "${'0'.repeat(16)}", "", ""]}\n`,
    );
    const r = await resume();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/runs\.csv: \d+ bytes, shorter than the 999999999/);
  });
});
