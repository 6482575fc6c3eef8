import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/scenario/errors.js';
import { prepareOutputDir, registerCleanup } from '../../src/io/output-dir.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterAll(cleanupTemp);

/** Everything in `parent` except `keep`: staging or old folders left behind would show here. */
function leftovers(parent: string, ...keep: string[]): string[] {
  return readdirSync(parent).filter((e) => !keep.includes(e));
}

describe('prepareOutputDir', () => {
  it('stages next to the target and moves it into place on commit', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    const dir = prepareOutputDir(target, false);
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
    prepareOutputDir(join(parent, 'run'), false).commit();
    expect(statSync(join(parent, 'run')).mode).toBe(statSync(join(parent, 'plain')).mode);
  });

  it('creates missing parent folders', () => {
    const parent = tempDir();
    const target = join(parent, 'a', 'b', 'run');
    const dir = prepareOutputDir(target, false);
    dir.commit();
    expect(existsSync(target)).toBe(true);
  });

  it('removes the staging folder and the parents it created on abort', () => {
    const parent = tempDir();
    const dir = prepareOutputDir(join(parent, 'a', 'b', 'run'), false);
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
    writeFileSync(join(target, 'old.txt'), 'old');
    let err: unknown;
    try {
      prepareOutputDir(target, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `output folder ${target} is not empty; use --force to replace it`,
    );
    expect(leftovers(parent, 'run')).toEqual([]);
    expect(readFileSync(join(target, 'old.txt'), 'utf8')).toBe('old');
  });

  it('accepts an existing empty folder without force', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    const dir = prepareOutputDir(target, false);
    writeFileSync(dir.file('a.txt'), 'new');
    dir.commit();
    expect(readdirSync(target)).toEqual(['a.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('with force, replaces the old folder only at commit', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    writeFileSync(join(target, 'old.txt'), 'old');
    const dir = prepareOutputDir(target, true);
    writeFileSync(dir.file('new.txt'), 'new');
    expect(readdirSync(target)).toEqual(['old.txt']);
    dir.commit();
    expect(readdirSync(target)).toEqual(['new.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('with force, an aborted run keeps the old folder untouched', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    mkdirSync(target);
    writeFileSync(join(target, 'old.txt'), 'old');
    const dir = prepareOutputDir(target, true);
    writeFileSync(dir.file('new.txt'), 'new');
    dir.abort();
    expect(readdirSync(target)).toEqual(['old.txt']);
    expect(leftovers(parent, 'run')).toEqual([]);
  });

  it('refuses when the folder was filled by someone else during the run', () => {
    const parent = tempDir();
    const target = join(parent, 'run');
    const dir = prepareOutputDir(target, false);
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
    expect(() => prepareOutputDir(target, true)).toThrow(UserError);
    expect(() => prepareOutputDir(target, true)).toThrow(`cannot write output folder ${target}: `);
    expect(leftovers(parent, 'file')).toEqual([]);
  });

  it('gives a UserError for a target that is a file', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'run'), 'x');
    expect(() => prepareOutputDir(join(parent, 'run'), true)).toThrow(UserError);
    expect(readFileSync(join(parent, 'run'), 'utf8')).toBe('x');
  });

  it.runIf(process.platform === 'linux')(
    'gives a UserError (and does not hang) for a folder under /proc',
    () => {
      expect(() => prepareOutputDir('/proc/x', false)).toThrow(
        /^cannot write output folder \/proc\/x: /,
      );
      expect(() => prepareOutputDir('/proc/gvc-no-such/a/b', false)).toThrow(UserError);
    },
  );

  it('refuses to replace the current folder or one above it', () => {
    expect(() => prepareOutputDir('.', true)).toThrow(/current folder/);
    expect(() => prepareOutputDir('..', true)).toThrow(UserError);
  });

  it('removes staging folders left by dead processes, but not live ones', () => {
    const parent = tempDir();
    // pid 2^22+1 is above Linux's pid_max limit, so no process can have it.
    const stale = join(parent, `.run.tmp-${2 ** 22 + 1}-abc123`);
    const live = join(parent, `.run.tmp-${process.ppid}-abc123`);
    const other = join(parent, `.other.tmp-${2 ** 22 + 1}-abc123`);
    for (const d of [stale, live, other]) mkdirSync(d);
    writeFileSync(join(stale, 'partial.csv'), 'x');
    prepareOutputDir(join(parent, 'run'), false).commit();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
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
      const dir = prepareOutputDir(join(parent, 'run'), false);
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
