/**
 * Kind 2: failures of the operating system are reported as such (exit 3, one line naming the
 * path and the cause), leave nothing the next command cannot clean up, and an interrupted
 * sweep resumes once the cause is gone. Failures are injected into node:fs, since tests run
 * as root (chmod does not stop root) and a full disk cannot be arranged.
 */
import * as realFs from 'node:fs';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { gvcInProcess } from '../report/cli.js';
import { loadScenario } from '../../src/scenario/load.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { runSweep } from '../../src/experiment/sweep.js';
import type { TimeseriesMode } from '../../src/experiment/execute.js';
import { inputReadFailure, SystemError } from '../../src/io/os-errors.js';
import { UserError } from '../../src/scenario/errors.js';
import { cleanupTemp, tempDir } from './helpers.js';

/**
 * The next `after` calls of a mocked function succeed, then it fails with `code`; with `match`,
 * only calls whose first argument (a path) ends with it count.
 */
const inject = vi.hoisted(() => ({ code: '', fn: '', after: 0, match: '' }));

function osError(code: string, syscall: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated, ${syscall}`) as NodeJS.ErrnoException;
  e.code = code;
  e.errno = -28;
  e.syscall = syscall;
  return e;
}

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrap =
    <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
    (...args: A): R => {
      if (inject.fn === name && String(args[0]).endsWith(inject.match)) {
        if (inject.after <= 0) throw osError(inject.code, name.replace(/Sync$/, ''));
        inject.after--;
      }
      return f(...args);
    };
  const mocked = {
    ...fs,
    writeSync: wrap('writeSync', fs.writeSync),
    openSync: wrap('openSync', fs.openSync),
    mkdirSync: wrap('mkdirSync', fs.mkdirSync),
    renameSync: wrap('renameSync', fs.renameSync),
    readFileSync: wrap('readFileSync', fs.readFileSync),
    readdirSync: wrap('readdirSync', fs.readdirSync),
  };
  return { ...mocked, default: mocked };
});

afterEach(() => {
  inject.fn = '';
  inject.match = '';
});
afterAll(cleanupTemp);

const SCENARIO = `name: t
seed: 3
time: {steps: 4, steps_per_year: 4}
suppliers:
  sme: {count: 6}
buyers:
  us: {count: 2}
sweep:
  design: grid
  replications: 3
  parameters:
    suppliers.sme.intent.network_ties: [0, 3]
`;

/**
 * Writes SCENARIO to `<dir>/s.yaml` and returns a function that runs its sweep (in this
 * process, with `timeseries`) into `<dir>/<out>`, afresh or resumed.
 */
function sweepIn(dir: string, timeseries: TimeseriesMode) {
  writeFileSync(join(dir, 's.yaml'), SCENARIO);
  const loaded = loadScenario(join(dir, 's.yaml'));
  const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);
  return (out: string, resume: boolean) =>
    runSweep({
      loaded,
      spec,
      out: join(dir, out),
      workers: 0,
      timeseries,
      shard: null,
      force: false,
      resume,
      quiet: true,
    });
}

describe('OS failures: exit 3, one line naming path and cause (kind 2)', () => {
  it.each([
    ['ENOSPC', 'writeSync', 'no space left on device'],
    ['EROFS', 'mkdirSync', 'read-only file system'],
    ['EACCES', 'openSync', 'permission denied'],
    ['EMFILE', 'openSync', 'too many open files in this process'],
    ['EBUSY', 'renameSync', 'busy'],
    ['EIO', 'writeSync', 'input/output error'],
  ])('%s in %s during gvc run', async (code, fn, words) => {
    const dir = tempDir();
    writeFileSync(join(dir, 's.yaml'), SCENARIO);
    const out = join(dir, 'out');
    Object.assign(inject, { code, fn, after: fn === 'writeSync' ? 3 : 0 });
    const r = await gvcInProcess('run', join(dir, 's.yaml'), '--out', out, '--quiet');
    inject.fn = '';
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/internal error|bug/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(words);
    expect(r.stderr).toContain(dir);
    // Nothing partial: no output folder and no staging folder.
    expect(readdirSync(dir)).toEqual(['s.yaml']);
    // The next command succeeds once the cause is gone.
    expect((await gvcInProcess('run', join(dir, 's.yaml'), '--out', out, '--quiet')).code).toBe(0);
  });

  it('ENFILE at the final rename: exit 3 naming the output folder', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 's.yaml'), SCENARIO);
    Object.assign(inject, { code: 'ENFILE', fn: 'renameSync', after: 0 });
    const r = await gvcInProcess('run', join(dir, 's.yaml'), '--out', join(dir, 'o'), '--quiet');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^gvc: cannot .*too many open files on this system\n$/);
  });

  it('a sweep stopped by a full disk resumes to the same bytes once space is free', async () => {
    const dir = tempDir();
    const sweep = sweepIn(dir, { kind: 'every', k: 2 });
    await sweep('full', false);
    // Fail a write in the middle of the sweep (after the headers and a few runs' rows).
    Object.assign(inject, { code: 'ENOSPC', fn: 'writeSync', after: 9 });
    await expect(sweep('cut', false)).rejects.toThrow(SystemError);
    inject.fn = '';
    expect(realFs.existsSync(join(dir, 'cut.partial'))).toBe(true);
    await sweep('cut', true);
    for (const f of ['runs.csv', 'timeseries.csv', 'summary.csv', 'errors.csv'])
      expect(readFileSync(join(dir, 'cut', f)).equals(readFileSync(join(dir, 'full', f)))).toBe(
        true,
      );
  });

  it('a sweep that cannot be moved into place keeps its finished runs and says how to finish it', async () => {
    const dir = tempDir();
    const sweep = sweepIn(dir, { kind: 'final' });
    await sweep('full', false);
    // Every run done, the summary and manifest written: the move of the folder fails.
    Object.assign(inject, { code: 'EBUSY', fn: 'renameSync', after: 0, match: 'moved.partial' });
    const err = (await sweep('moved', false).catch((e: unknown) => e)) as Error;
    inject.fn = '';
    expect(err).toBeInstanceOf(SystemError);
    expect(err.message).toBe(
      `cannot move the finished sweep into ${join(dir, 'moved')}: the file or folder is busy (in use by another program); the 6 finished runs are kept in ${join(dir, 'moved')}.partial: once that is put right, finish the sweep without running them again with: gvc sweep ${join(dir, 's.yaml')} --out ${join(dir, 'moved')} --resume`,
    );
    // The journal is kept until the folder is in place: the resume runs nothing again.
    const journal = readFileSync(join(dir, 'moved.partial', 'progress.jsonl'), 'utf8');
    expect(journal.trimEnd().split('\n')).toHaveLength(6);
    await sweep('moved', true);
    expect(realFs.existsSync(join(dir, 'moved', 'progress.jsonl'))).toBe(false);
    for (const f of ['runs.csv', 'summary.csv', 'errors.csv', 'codebook.csv'])
      expect(readFileSync(join(dir, 'moved', f)).equals(readFileSync(join(dir, 'full', f)))).toBe(
        true,
      );
  });

  it.each([
    [
      'gvc run',
      'readFileSync',
      (dir: string) => ['run', join(dir, 's.yaml'), '--out', join(dir, 'o')],
      's.yaml',
    ],
    [
      'gvc table',
      'readFileSync',
      (dir: string) => ['table', join(dir, 's.csv'), '--format', 'markdown'],
      's.csv',
    ],
    [
      'gvc validate',
      'readdirSync',
      (dir: string) => ['validate', dir, '--out', join(dir, 'v')],
      '',
    ],
  ] as const)(
    '%s: an input the system will not let gvc read is an OS failure (exit 3), not bad input',
    async (_, fn, args, file) => {
      const dir = tempDir();
      writeFileSync(join(dir, 's.yaml'), SCENARIO);
      writeFileSync(join(dir, 's.csv'), 'a,b\n1,2\n');
      Object.assign(inject, { code: 'EACCES', fn, after: 0 });
      const r = await gvcInProcess(...args(dir));
      inject.fn = '';
      expect(r.stderr).toBe(
        `gvc: cannot read ${fn === 'readdirSync' ? `the folder ${dir}` : join(dir, file)}: permission denied\n`,
      );
      expect(r.code).toBe(3);
    },
  );
});

describe('a path that names no readable file is bad input (exit 2), in every command', () => {
  it.each([
    ['ELOOP', UserError],
    ['ENAMETOOLONG', UserError],
    ['ENOTDIR', UserError],
    ['ENOENT', UserError],
    ['EACCES', SystemError],
    ['EIO', SystemError],
    ['EMFILE', SystemError],
  ] as const)('inputReadFailure classifies %s', (code, kind) => {
    const failure = inputReadFailure(osError(code, 'open'), 'x.csv', 'CSV file');
    expect(failure).toBeInstanceOf(kind);
    if (kind === UserError) expect(failure).not.toBeInstanceOf(SystemError);
  });

  // Real paths, nothing injected: l1 and l2 are symbolic links to each other (ELOOP), and a
  // name of 300 characters is longer than any file system allows (ENAMETOOLONG).
  const dir = tempDir();
  for (const ext of ['yaml', 'csv', '']) {
    realFs.symlinkSync(`l2${ext && '.'}${ext}`, join(dir, `l1${ext && '.'}${ext}`));
    realFs.symlinkSync(`l1${ext && '.'}${ext}`, join(dir, `l2${ext && '.'}${ext}`));
  }
  realFs.symlinkSync('nowhere', join(dir, 'dangling'));
  const long = join(dir, 'a'.repeat(300));
  const DANGLING = 'a symbolic link to nowhere, which does not exist (a dangling link)';
  const scenario = join(import.meta.dirname, '..', '..', 'scenarios', 'baseline.yaml');
  const sweep = join(import.meta.dirname, '..', '..', 'scenarios', 'lockin-sweep.yaml');
  const LOOP = 'too many levels of symbolic links (a link loop?)';
  const LONG = 'the name is too long for the file system';
  it.each([
    [['run', join(dir, 'l1.yaml')], `${join(dir, 'l1.yaml')}: cannot read scenario file: ${LOOP}`],
    [
      ['table', join(dir, 'l1.csv'), '--format', 'markdown'],
      `${join(dir, 'l1.csv')}: cannot read the CSV file: ${LOOP}`,
    ],
    [['validate', join(dir, 'l1'), '--out', join(dir, 'v')], `${join(dir, 'l1')}: ${LOOP}`],
    [['report', join(dir, 'l1')], `${join(dir, 'l1')}: ${LOOP}`],
    [['run', `${long}.yaml`], `${long}.yaml: cannot read scenario file: ${LONG}`],
    [
      ['table', `${long}.csv`, '--format', 'markdown'],
      `${long}.csv: cannot read the CSV file: ${LONG}`,
    ],
    [['report', long], `${long}: ${LONG}`],
    // An output folder's name too long is the same bad input as an input's (exit 2, not 3),
    // however the path is written and whatever the command.
    [
      ['run', scenario, '--steps', '1', '--out', long],
      `cannot write output folder ${long}: ${LONG}`,
    ],
    [
      ['run', scenario, '--steps', '1', '--out', join(dir, 'x', '..', 'a'.repeat(300))],
      `cannot write output folder ${join(dir, 'x', '..', 'a'.repeat(300))}: ${LONG}`,
    ],
    [
      // --quiet: the file's note on its top-level seed (not used by a sweep) is not the subject.
      ['sweep', sweep, '--quiet', '--out', long],
      `cannot write output folder ${long}: cannot use ${long}.partial: ${LONG}`,
    ],
    [
      ['sweep', sweep, '--quiet', '--out', join(dir, 'b'.repeat(250))],
      `cannot write output folder ${join(dir, 'b'.repeat(250))}: cannot use ${join(dir, 'b'.repeat(250))}.partial: ${LONG}`,
    ],
    // A sweep folder that is a link loop or a link to nothing is named as such.
    [['merge', join(dir, 'l1'), '--out', join(dir, 'm')], `${join(dir, 'l1')}: ${LOOP}`],
    [['sensitivity', join(dir, 'l1')], `${join(dir, 'l1')}: ${LOOP}`],
    [
      ['merge', join(dir, 'dangling'), '--out', join(dir, 'm')],
      `${join(dir, 'dangling')}: ${DANGLING}`,
    ],
    [['sensitivity', join(dir, 'dangling')], `${join(dir, 'dangling')}: ${DANGLING}`],
  ])('gvc %j', async (args, message) => {
    const r = await gvcInProcess(...args);
    expect(r.stderr).toBe(`gvc: ${message}\n`);
    expect(r.code).toBe(2);
  });
});
