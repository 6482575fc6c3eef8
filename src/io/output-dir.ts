/**
 * Atomic output folders: a command writes into a hidden staging folder next to the target and
 * only a finished result is renamed into place, so an output folder is either complete or
 * absent — never half-written by a crash, an error or Ctrl-C. With --force an old folder is
 * replaced only at that final rename, so a failed rerun keeps the previous results; and only
 * a folder gvc itself wrote, of the same kind, is ever replaced (output-guard.ts).
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
import { basename, dirname, join } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { registerCleanup } from './cleanup.js';
import { errnoCode, errnoReason, outputFolderFailure } from './os-errors.js';
import { osResolve } from './os-path.js';
import { assertNotLink, assertReplaceable, type OutputKind } from './output-guard.js';
import { removeStaleStaging, STAGING_MARKER, stagingName, writeStagingMarker } from './staging.js';

export { registerCleanup } from './cleanup.js';

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

export interface OutputOptions {
  /** Replace a non-empty target (only one gvc wrote, of the same kind). */
  force: boolean;
  /** What the command writes; --force replaces only a folder of this kind. */
  kind: OutputKind;
  /** The command's input files and folders: a target holding one is never replaced. */
  inputs?: readonly string[];
}

/**
 * Creates `dir` and its missing parents one by one, recording what it created so abort()
 * can take it back. Not `mkdirSync(…, {recursive: true})`: in Node 20 that loops forever
 * on paths such as /proc/x/y, where mkdir fails with ENOENT under an existing parent.
 * Throws a UserError when a part of the path is a file, a SystemError when the OS refuses.
 */
function ensureDir(dir: string, created: string[], target: string): void {
  const missing: string[] = [];
  for (let d = dir; ;) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (err) {
      if (errnoCode(err) === 'ENOTDIR')
        throw new UserError(`cannot write output folder ${target}: a part of ${d} is a file`);
      if (errnoCode(err) !== 'ENOENT')
        throw outputFolderFailure(target, `cannot use ${d}: ${errnoReason(err)}`, errnoCode(err));
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!isDir)
      throw new UserError(`cannot write output folder ${target}: ${d} is a file, not a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && statSync(d, { throwIfNoEntry: false })?.isDirectory())
        continue;
      removeCreated(created);
      throw outputFolderFailure(target, `cannot create ${d}: ${errnoReason(err)}`, errnoCode(err));
    }
  }
}

/**
 * Checks the target and creates the staging folder. Throws — before any work, which is why
 * this comes first — a UserError when the target exists and is not empty (unless `force`,
 * and then unless it is a gvc folder of `kind` holding none of `inputs`), is a file, is or
 * contains the current folder or gvc's own; a SystemError when the OS refuses to create or
 * write the folder. Also removes staging folders that killed gvc processes left next to it.
 */
export function prepareOutputDir(target: string, options: OutputOptions): OutputDir {
  const { force, kind } = options;
  const inputs = options.inputs ?? [];
  // Where the system puts it: `link/../o` is next to the link's target (os-path.ts).
  const abs = osResolve(target);
  const parent = dirname(abs);
  const name = basename(abs);
  const exists = checkTarget(target, abs, { force, kind, inputs });

  const created: string[] = [];
  if (!exists) ensureDir(parent, created, target);
  removeStaleStaging(parent);
  const staging = createStaging(target, parent, name, created);

  let state: 'open' | 'committed' | 'aborted' = 'open';

  const abort = (): void => {
    if (state !== 'open') return;
    state = 'aborted';
    unregister();
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // Nothing more can be done here; the stale sweep of a later command removes it.
    }
    removeCreated(created);
  };
  const unregister = registerCleanup(abort);
  try {
    writeStagingMarker(staging);
  } catch (err) {
    abort();
    throw outputFolderFailure(
      target,
      `cannot write in ${parent}: ${errnoReason(err)}`,
      errnoCode(err),
    );
  }

  const commit = (): void => {
    if (state !== 'open') throw new Error(`output folder ${target} was already ${state}`);
    rmSync(join(staging, STAGING_MARKER), { force: true });
    const current = lstatSync(abs, { throwIfNoEntry: false });
    if (current && force && readdirSync(abs).length > 0) {
      // Checked again: the folder may have changed since the run started.
      assertReplaceable(abs, { kind, inputs, replacing: true, shown: target });
      const old = swapIntoPlace(target, abs, staging);
      state = 'committed';
      unregister();
      removeReplaced(old, target);
      return;
    }
    moveIntoPlace(target, abs, staging, current !== undefined);
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

/**
 * Whether the target `abs` (given by the user as `target`) exists, after checking that a
 * command may write there: not the file system's root, not a folder assertReplaceable
 * protects, a folder if it exists, and empty unless `force` (and then a gvc folder of `kind`
 * holding none of `inputs`). Throws a UserError for each of these, a SystemError when the OS
 * refuses to look.
 */
function checkTarget(
  target: string,
  abs: string,
  options: { force: boolean; kind: OutputKind; inputs: readonly string[] },
): boolean {
  const { force, kind, inputs } = options;
  if (dirname(abs) === abs || basename(abs) === '')
    throw new UserError(`cannot write output folder ${target}: it is the root of the file system`);
  assertReplaceable(abs, { kind, inputs, replacing: false, shown: target });
  try {
    const st = lstatSync(abs);
    // The output folder is put in place by renaming the staging folder onto the target, which
    // would replace a link by a folder: the user's link would be gone. Refuse it instead.
    if (st.isSymbolicLink()) assertNotLink(abs, target);
    if (!st.isDirectory())
      throw new UserError(`output folder ${target} exists and is not a folder`);
    if (readdirSync(abs).length > 0) {
      // Checked before the hint below, so --force is suggested only where it would work; a
      // folder it may not replace is refused at once with the reason.
      assertReplaceable(abs, { kind, inputs, replacing: true, shown: target });
      if (!force)
        throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
    }
    return true;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (errnoCode(err) === 'ENOTDIR')
      throw new UserError(
        `cannot write output folder ${target}: a part of the path is a file, not a folder`,
      );
    if (errnoCode(err) !== 'ENOENT')
      throw outputFolderFailure(target, errnoReason(err), errnoCode(err));
    return false;
  }
}

/**
 * Creates the hidden staging folder for `name` in `parent` and returns its path; on failure
 * removes the parent folders recorded in `created` and throws a SystemError.
 */
function createStaging(target: string, parent: string, name: string, created: string[]): string {
  // Not mkdtemp: it creates the folder with mode 0700, which would become the mode of the
  // final output folder; mkdir honours the user's umask like any other folder they create.
  for (let attempt = 0; ; attempt++) {
    const candidate = join(parent, stagingName(name, randomBytes(6).toString('hex')));
    try {
      mkdirSync(candidate);
      return candidate;
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && attempt < 10) continue;
      removeCreated(created);
      throw outputFolderFailure(
        target,
        `cannot create a folder in ${parent}: ${errnoReason(err)}`,
        errnoCode(err),
      );
    }
  }
}

/**
 * Replaces the non-empty folder `abs` by `staging` (--force): the old folder is renamed to a
 * hidden `.<name>.old-<pid>-<hex>` next to it first, and renamed back if the second rename
 * fails. Returns the old folder's new path, for the caller to remove once committed. Throws
 * a SystemError naming `target` when a rename fails.
 */
function swapIntoPlace(target: string, abs: string, staging: string): string {
  const old = join(
    dirname(abs),
    `.${basename(abs)}.old-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    renameSync(abs, old);
  } catch (err) {
    throw outputFolderFailure(
      target,
      `cannot move the old folder away: ${errnoReason(err)}`,
      errnoCode(err),
    );
  }
  try {
    renameSync(staging, abs);
  } catch (err) {
    try {
      renameSync(old, abs);
    } catch {
      // The old results stay in `old` for the user; the error below names the target.
    }
    throw outputFolderFailure(target, errnoReason(err), errnoCode(err));
  }
  return old;
}

/**
 * Renames `staging` to `abs`, which is absent or (`exists`) an empty folder. Throws a
 * UserError when the target was filled while the command ran, a SystemError otherwise.
 */
function moveIntoPlace(target: string, abs: string, staging: string, exists: boolean): void {
  try {
    // An empty target may be replaced without --force; rmdir first because rename onto
    // an existing folder fails on Windows. rmdir refuses if it has been filled meanwhile.
    if (exists) rmdirSync(abs);
    renameSync(staging, abs);
  } catch (err) {
    const c = errnoCode(err);
    if (c === 'ENOTEMPTY' || c === 'EEXIST' || c === 'ENOTDIR' || c === 'EISDIR') {
      throw new UserError(
        `output folder ${target} appeared while the command was running and is not empty; use --force to replace it`,
      );
    }
    throw outputFolderFailure(target, errnoReason(err), c);
  }
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

/**
 * Creates a folder and its missing parents, with the same errors as prepareOutputDir (for the
 * sweep's resumable folder).
 */
export function ensureFolder(dir: string, target: string): void {
  ensureDir(osResolve(dir), [], target);
}

/**
 * Removes the previous results that a forced replacement moved aside (`old`). The new results
 * are already in place, so a failure (a read-only file inside, another user's folder) is a
 * warning, not an error; but it is said, with the path, so the hidden copy is not a surprise.
 */
export function removeReplaced(old: string, target: string): void {
  try {
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    process.stderr.write(
      `gvc: warning: the new ${target} is in place, but its previous contents could not be removed and are kept in ${old}: ${errnoReason(err)}\n`,
    );
  }
}
