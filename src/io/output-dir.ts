/**
 * Atomic output folders: a run writes into a hidden staging folder next to the target and
 * only a finished run is renamed into place, so an output folder is either complete or
 * absent — never half-written by a crash, an error or Ctrl-C. With --force an old folder is
 * replaced only at that final rename, so a failed rerun keeps the previous results.
 */
import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  lstatSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { UserError } from '../scenario/errors.js';

export interface OutputDir {
  /** The output folder as the user gave it (used in messages). */
  readonly target: string;
  /** The staging folder to write into until commit(). */
  readonly staging: string;
  /** Path of a file inside the staging folder. */
  file(name: string): string;
  /** Moves the staging folder into place (replacing the old folder when forced). */
  commit(): void;
  /** Removes the staging folder and any parent folders this call created. Never throws. */
  abort(): void;
}

// ---------------------------------------------------------------------------------------
// Cleanup on interruption

type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // One failed cleanup must not keep the others from running while the process dies.
    }
  }
}

function onExit(): void {
  runCleanups();
}

function install(): void {
  if (signalHandlers.size > 0) return;
  for (const sig of SIGNALS) {
    const handler = (): void => {
      runCleanups();
      uninstall();
      // Our listener replaced Node's default action (exit); restore it by re-raising, so
      // the exit status still says "killed by SIGINT" — unless someone else listens too,
      // in which case the decision is theirs.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const [sig, handler] of signalHandlers) process.removeListener(sig, handler);
  signalHandlers.clear();
  process.removeListener('exit', onExit);
}

/**
 * Registers a synchronous cleanup to run if the process is interrupted (SIGINT, SIGTERM,
 * SIGHUP) or exits before the returned function is called to unregister it. The signal
 * listeners exist only while at least one cleanup is registered, so Node's default Ctrl-C
 * behaviour is untouched otherwise.
 *
 * Node runs signal listeners from the event loop, so a long synchronous computation delays
 * them until it returns; prepareOutputDir also removes staging folders left behind by dead
 * processes (e.g. killed with SIGKILL) to cover what no handler can.
 */
export function registerCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}

// ---------------------------------------------------------------------------------------
// Helpers

function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'not a folder';
    case 'ENOENT':
      return 'no such file or folder';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENAMETOOLONG':
      return 'name too long';
    default:
      return e?.message ?? String(err);
  }
}

function cannotWrite(target: string, reason: string): UserError {
  return new UserError(`cannot write output folder ${target}: ${reason}`);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/**
 * Creates `dir` and its missing parents one by one, recording what it created so abort()
 * can take it back. Not `mkdirSync(…, {recursive: true})`: in Node 20 that loops forever
 * on paths such as /proc/x/y, where mkdir fails with ENOENT under an existing parent.
 */
function ensureDir(dir: string, created: string[], target: string): void {
  const missing: string[] = [];
  for (let d = dir; ;) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (err) {
      if (code(err) !== 'ENOENT') throw cannotWrite(target, `cannot use ${d}: ${errnoReason(err)}`);
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!isDir) throw cannotWrite(target, `${d} is a file, not a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (err) {
      if (code(err) === 'EEXIST' && statSync(d, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw cannotWrite(target, `cannot create ${d}: ${errnoReason(err)}`);
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return code(err) !== 'ESRCH';
  }
}

/**
 * Removes staging folders for the same target left by processes that no longer exist.
 * Only `.tmp-` folders: a leftover `.old-` folder may be the only copy of earlier results
 * (a crash between the two renames of a forced commit), so it is left for the user.
 */
function sweepStaleStaging(parent: string, name: string): void {
  const pattern = new RegExp(`^\\.${escapeRegExp(name)}\\.tmp-(\\d+)-[A-Za-z0-9]+$`);
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(join(parent, entry), { recursive: true, force: true });
    } catch {
      // Best effort: a folder we cannot remove does not stop this run.
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------

/**
 * Checks the target and creates the staging folder. Throws a UserError — before any
 * simulation work, which is why this comes first — when the target exists and is not
 * empty (unless `force`), is a file, contains the current folder, or when the folder
 * cannot be created or written.
 */
export function prepareOutputDir(target: string, force: boolean): OutputDir {
  const abs = resolve(target);
  const parent = dirname(abs);
  const name = basename(abs);
  if (parent === abs || name === '') throw cannotWrite(target, 'it is the root of the file system');
  // Replacing the folder we run in (or one above it) would pull the ground from under the
  // user's shell and delete their files; no flag makes that what they meant.
  if (isInside(process.cwd(), abs)) {
    throw cannotWrite(target, 'it is (or contains) the current folder; choose a new folder');
  }

  let exists = false;
  try {
    const st = lstatSync(abs);
    exists = true;
    const isDir =
      st.isDirectory() ||
      (st.isSymbolicLink() && statSync(abs, { throwIfNoEntry: false })?.isDirectory());
    if (!isDir) throw new UserError(`output folder ${target} exists and is not a folder`);
    if (!force && readdirSync(abs).length > 0) {
      throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (code(err) === 'ENOTDIR')
      throw cannotWrite(target, 'a part of the path is a file, not a folder');
    if (code(err) !== 'ENOENT') throw cannotWrite(target, errnoReason(err));
  }

  const created: string[] = [];
  if (!exists) ensureDir(parent, created, target);
  sweepStaleStaging(parent, name);

  let staging = '';
  // Not mkdtemp: it creates the folder with mode 0700, which would become the mode of the
  // final output folder; mkdir honours the user's umask like any other folder they create.
  for (let attempt = 0; staging === ''; attempt++) {
    const candidate = join(parent, `.${name}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(candidate);
      staging = candidate;
    } catch (err) {
      if (code(err) === 'EEXIST' && attempt < 10) continue;
      removeCreated(created);
      throw cannotWrite(target, `cannot create a folder in ${parent}: ${errnoReason(err)}`);
    }
  }

  let state: 'open' | 'committed' | 'aborted' = 'open';

  const abort = (): void => {
    if (state !== 'open') return;
    state = 'aborted';
    unregister();
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // Nothing more can be done here; the stale sweep of a later run removes it.
    }
    removeCreated(created);
  };
  const unregister = registerCleanup(abort);

  const commit = (): void => {
    if (state !== 'open') throw new Error(`output folder ${target} was already ${state}`);
    const current = lstatSync(abs, { throwIfNoEntry: false });
    if (current && force) {
      const old = join(parent, `.${name}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        renameSync(abs, old);
      } catch (err) {
        throw cannotWrite(target, `cannot move the old folder away: ${errnoReason(err)}`);
      }
      try {
        renameSync(staging, abs);
      } catch (err) {
        try {
          renameSync(old, abs);
        } catch {
          // The old results stay in `old` for the user; the error below names the target.
        }
        throw cannotWrite(target, errnoReason(err));
      }
      state = 'committed';
      unregister();
      try {
        rmSync(old, { recursive: true, force: true });
      } catch {
        // The new results are in place; a leftover hidden copy of the old ones is harmless.
      }
      return;
    }
    try {
      // An empty target may be replaced without --force; rmdir first because rename onto
      // an existing folder fails on Windows. rmdir refuses if it has been filled meanwhile.
      if (current) rmdirSync(abs);
      renameSync(staging, abs);
    } catch (err) {
      const c = code(err);
      if (c === 'ENOTEMPTY' || c === 'EEXIST' || c === 'ENOTDIR' || c === 'EISDIR') {
        throw new UserError(
          `output folder ${target} appeared while the run was going and is not empty; use --force to replace it`,
        );
      }
      throw cannotWrite(target, errnoReason(err));
    }
    state = 'committed';
    unregister();
  };

  return {
    target,
    staging,
    file: (fileName: string) => join(staging, fileName),
    commit,
    abort,
  };
}

function removeCreated(created: string[]): void {
  for (let i = created.length - 1; i >= 0; i--) {
    try {
      rmdirSync(created[i]);
    } catch {
      // Not empty any more (someone else wrote there) or already gone: leave it.
    }
  }
}

/** Creates a folder and its missing parents, with the same errors as prepareOutputDir (for the sweep's resumable folder). */
export function ensureFolder(dir: string, target: string): void {
  ensureDir(resolve(dir), [], target);
}
