import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { STAGING_MARKER, STAGING_MARKER_PART } from '../../src/io/staging.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/scenario/errors.js';
import { SystemError } from '../../src/io/os-errors.js';
import { prepareOutputDir, registerCleanup, removeReplaced } from '../../src/io/output-dir.js';
import { cleanupTemp, tempDir, writeGvcManifest } from './helpers.js';

afterAll(cleanupTemp);

const RUN = { force: false, kind: 'run' } as const;
const RUN_FORCE = { force: true, kind: 'run' } as const;

/**
 * Makes `dir` look like the output of an earlier `gvc run`: its manifest, recording the files
 * `dir` holds now (call it after writing them).
 */
function markAsRun(dir: string): void {
  writeGvcManifest(dir, { scenario_name: 'x', parameters: {} });
}

/** Everything in `parent` except `keep`: staging or old folders left behind would show here. */
function leftovers(parent: string, ...keep: string[]): string[] {
  return readdirSync(parent).filter((e) => !keep.includes(e));
}

describe('prepareOutputDir', () => {
  it('stages next to the target and moves it into place on commit', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    const dir = prepareOutputDir(target, RUN);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(parent)).toEqual([
      expect.stringMatching(new RegExp(`^\\.run\\.tmp-${process.pid}-\\w+$`)),
    ]);
    writeFileSync(dir.file('a.txt'), 'new');
    expect(existsSync(join(target, 'a.txt'))).toBe(false);
    dir.commit();
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('new');
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('gives the output folder the same mode as any folder the user creates (not 0700)', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'plain'));
    prepareOutputDir(join(parent, 'run'), RUN).commit();
    expect(statSync(join(parent, 'run')).mode).toBe(statSync(join(parent, 'plain')).mode);
  });

  it('creates missing parent folders', () => {
    const parent = tempDir();
    const target = join(parent, 'a', 'b', 'run');
    const dir = prepareOutputDir(target, RUN);
    dir.commit();
    expect(existsSync(target)).toBe(true);
  });

  it('removes the staging folder and the parents it created on abort', () => {
    const parent = tempDir();
    const dir = prepareOutputDir(join(parent, 'a', 'b', 'run'), RUN);
    writeFileSync(dir.file('a.txt'), 'partial');
    dir.abort();
    dir.abort();
    expect(readdirSync(parent)).toEqual([]);
    expect(() => dir.commit()).toThrow();
  });

  it('refuses a non-empty folder without force, naming it and --force', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    writeFileSync(join(target, 'timeseries.csv'), 'old');
    markAsRun(target);
    let err: unknown;
    try {
      prepareOutputDir(target, RUN);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `output folder ${target} is not empty; use --force to replace it`,
    );
    expect(leftovers(parent, 'run')).toEqual([]);
    expect(readFileSync(join(target, 'timeseries.csv'), 'utf8')).toBe('old');
  });

  it('suggests --force only where it would work (found by a new user)', () => {
    // A sweep pasted after `npm start` into output/baseline was told "use --force", which was
    // then refused because the folder held a run: the first message must give that reason.
    const parent = tempDir();
    const theirs = join(parent, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'old.txt'), 'old');
    const run = join(parent, 'run');
    mkdirSync(run);
    markAsRun(run);
    const refusal = (target: string, kind: 'run' | 'report') => {
      try {
        prepareOutputDir(target, { force: false, kind });
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal(theirs, 'run')).toBe(
      `output folder ${theirs}: not an output folder written by gvc (no gvc manifest.json); --force replaces only gvc run's own folders: choose another folder or remove it yourself`,
    );
    expect(refusal(run, 'report')).toBe(
      `output folder ${run}: it holds the output of gvc run, not of gvc report; --force will not replace it: choose another folder`,
    );
    expect(readFileSync(join(theirs, 'old.txt'), 'utf8')).toBe('old');
    expect(leftovers(parent, 'theirs', 'run')).toEqual([]);
  });

  it('accepts an existing empty folder without force', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    const dir = prepareOutputDir(target, RUN);
    writeFileSync(dir.file('a.txt'), 'new');
    dir.commit();
    expect(readdirSync(target)).toEqual(['a.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('with force, replaces the old folder only at commit', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    writeFileSync(join(target, 'timeseries.csv'), 'old');
    markAsRun(target);
    const dir = prepareOutputDir(target, RUN_FORCE);
    writeFileSync(dir.file('new.txt'), 'new');
    expect(readdirSync(target).sort()).toEqual(['manifest.json', 'timeseries.csv']);
    dir.commit();
    expect(readdirSync(target)).toEqual(['new.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('with force, an aborted run keeps the old folder untouched', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    writeFileSync(join(target, 'timeseries.csv'), 'old');
    markAsRun(target);
    const dir = prepareOutputDir(target, RUN_FORCE);
    writeFileSync(dir.file('new.txt'), 'new');
    dir.abort();
    expect(readdirSync(target).sort()).toEqual(['manifest.json', 'timeseries.csv']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('refuses when the folder was filled by someone else during the run', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    const dir = prepareOutputDir(target, RUN);
    mkdirSync(target);
    writeFileSync(join(target, 'other.txt'), 'other');
    expect(() => dir.commit()).toThrow(UserError);
    dir.abort();
    expect(readdirSync(target)).toEqual(['other.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('gives a UserError for a target under a regular file', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), 'x');
    const target = join(parent, 'file', 'run');
    expect(() => prepareOutputDir(target, RUN_FORCE)).toThrow(UserError);
    expect(() => prepareOutputDir(target, RUN_FORCE)).toThrow(
      `cannot write output folder ${target}: `,
    );
    expect(leftovers(parent, 'file')).toEqual([]);
  });

  it('gives a UserError for a target that is a file', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'run'), 'x');
    expect(() => prepareOutputDir(join(parent, 'run'), RUN_FORCE)).toThrow(UserError);
    expect(readFileSync(join(parent, 'run'), 'utf8')).toBe('x');
  });

  it.runIf(process.platform === 'linux')(
    'gives a SystemError (and does not hang) for a folder under /proc',
    () => {
      expect(() => prepareOutputDir('/proc/x', RUN)).toThrow(
        /^cannot write output folder \/proc\/x: /,
      );
      expect(() => prepareOutputDir('/proc/gvc-no-such/a/b', RUN)).toThrow(SystemError);
    },
  );

  it('refuses to replace the current folder or one above it', () => {
    expect(() => prepareOutputDir('.', RUN_FORCE)).toThrow(/current folder/);
    expect(() => prepareOutputDir('..', RUN_FORCE)).toThrow(UserError);
  });

  it('removes staging folders left by dead gvc processes, but not live ones or foreign ones', () => {
    const parent = tempDir();
    // pid 2^22+1 is above Linux's pid_max limit, so no process can have it.
    const dead = 2 ** 22 + 1;
    const marker = (pid: number) =>
      JSON.stringify({ program: 'gvc-abm', pid, host: hostname() }) + '\n';
    const stale = join(parent, `.run.tmp-${dead}-abc123`);
    const staleOther = join(parent, `.other.tmp-${dead}-abc123`);
    const emptyStale = join(parent, `.x.tmp-${dead}-abc123`);
    const live = join(parent, `.run.tmp-${process.ppid}-abc123`);
    const foreign = join(parent, `.mine.tmp-${dead}-abc123`);
    const wrongPid = join(parent, `.run.tmp-${dead}-def456`);
    for (const d of [stale, staleOther, emptyStale, live, foreign, wrongPid]) mkdirSync(d);
    for (const d of [stale, staleOther]) {
      writeFileSync(join(d, STAGING_MARKER), marker(dead));
      writeFileSync(join(d, 'partial.csv'), 'x');
    }
    writeFileSync(join(live, STAGING_MARKER), marker(process.ppid));
    writeFileSync(join(foreign, 'notes.txt'), 'a user folder that happens to match the pattern');
    writeFileSync(join(wrongPid, STAGING_MARKER), marker(dead + 1));
    prepareOutputDir(join(parent, 'run'), RUN).commit();
    expect(readdirSync(parent).sort()).toEqual(
      [
        'run',
        `.mine.tmp-${dead}-abc123`,
        `.run.tmp-${dead}-def456`,
        `.run.tmp-${process.ppid}-abc123`,
      ].sort(),
    );
  });

  it("removes a dead process's staging folder whose marker was still being written", () => {
    // A kill while writing the marker leaves only the marker's temporary file: the folder is
    // still recognisably gvc's (a partial marker written in place was not, and stayed forever).
    const parent = tempDir();
    const dead = 2 ** 22 + 1;
    const half = join(parent, `.run.tmp-${dead}-abc123`);
    const other = join(parent, `.run.tmp-${dead}-def456`);
    mkdirSync(half);
    writeFileSync(join(half, STAGING_MARKER_PART), '{"program":"gv');
    mkdirSync(other);
    writeFileSync(join(other, STAGING_MARKER_PART), '');
    writeFileSync(join(other, 'notes.txt'), 'more than a marker: not ours to remove');
    prepareOutputDir(join(parent, 'run'), RUN).commit();
    expect(readdirSync(parent).sort()).toEqual(['run', `.run.tmp-${dead}-def456`].sort());
  });

  it('writes the marker whole: no temporary marker is left in a staging folder', () => {
    const parent = tempDir();
    const dir = prepareOutputDir(join(parent, 'run'), RUN);
    expect(readdirSync(dir.staging)).toEqual([STAGING_MARKER]);
    const marker = JSON.parse(readFileSync(join(dir.staging, STAGING_MARKER), 'utf8'));
    expect(marker).toEqual({ program: 'gvc-abm', pid: process.pid, host: hostname() });
    dir.abort();
  });

  it('leaves no staging marker in the committed folder', () => {
    const parent = tempDir();
    const dir = prepareOutputDir(join(parent, 'run'), RUN);
    expect(existsSync(join(dir.staging, STAGING_MARKER))).toBe(true);
    dir.commit();
    expect(readdirSync(join(parent, 'run'))).toEqual([]);
  });
});

describe('registerCleanup', () => {
  it('listens for SIGINT only while something is registered, and runs the cleanup on it', () => {
    const before = process.listenerCount('SIGINT');
    let ran = 0;
    const unregister = registerCleanup(() => ran++);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    unregister();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(ran).toBe(0);

    // Emitting the event runs the listener without a real signal; another listener keeps
    // the handler from re-raising the signal and killing the test process.
    const keepAlive = (): void => {};
    process.on('SIGINT', keepAlive);
    try {
      const parent = tempDir();
      const dir = prepareOutputDir(join(parent, 'run'), RUN);
      writeFileSync(dir.file('partial.csv'), 'x');
      registerCleanup(() => ran++);
      process.emit('SIGINT', 'SIGINT');
      expect(ran).toBe(1);
      expect(readdirSync(parent)).toEqual([]);
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
    } finally {
      process.removeListener('SIGINT', keepAlive);
    }
  });
});

describe('previous results a forced replacement could not remove', () => {
  it('are reported with their path and cause, not kept silently', () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    // Below a file: rmSync fails (ENOTDIR), as it does on a folder another user owns.
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      removeReplaced(join(file, '.out.old-1'), 'out');
      expect(write).toHaveBeenCalledWith(
        expect.stringMatching(
          /^gvc: warning: the new out is in place, but its previous contents could not be removed and are kept in .*\.out\.old-1: /,
        ),
      );
    } finally {
      write.mockRestore();
    }
  });
});
