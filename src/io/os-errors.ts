/**
 * Failures of the operating system (a full disk, a read-only or busy folder, too many open
 * files …) as opposed to bad input. They are not bugs and not the user's typing: the CLI
 * prints one line naming the path and the cause in words and exits with status 3, so a
 * script can tell them from bad input (2) and from internal errors (1).
 */

import { UserError } from '../scenario/errors.js';

/** Exit status of `gvc` when the operating system refused a file operation. */
export const EXIT_OS_FAILURE = 3;

/** A file operation the operating system refused; the message names the path and the cause. */
export class SystemError extends Error {
  /** The errno code (ENOSPC, EACCES, …) when there was one. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'SystemError';
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EBUSY: 'the file or folder is busy (in use by another program)',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links (a link loop?)',
  EIO: 'input/output error (a failing disk or network share?)',
  EXDEV: 'cannot move across file systems',
  EFBIG: 'file too large for the file system',
  ETXTBSY: 'the file is busy',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'out of memory',
};

/** The errno code of an error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const c = (err as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** True for an error raised by a failed system call (it carries an errno code and a syscall). */
export function isOsError(err: unknown): err is NodeJS.ErrnoException {
  const error = err as NodeJS.ErrnoException | null;
  return (
    error instanceof Error &&
    typeof error.code === 'string' &&
    /^E[A-Z0-9]+$/.test(error.code) &&
    (typeof error.syscall === 'string' || typeof error.errno === 'number')
  );
}

/** The cause of an OS error in words ("no space left on device"), falling back to its code. */
export function errnoReason(err: unknown): string {
  const c = errnoCode(err);
  if (c !== undefined && REASONS[c] !== undefined) return REASONS[c];
  if (c !== undefined) return `system error ${c}`;
  return (err as Error | null)?.message ?? String(err);
}

/**
 * Wraps an OS error from an operation on `path` in a SystemError:
 * `cannot <action> <path>: <cause>`. Any other error is returned unchanged.
 */
export function osFailure(err: unknown, action: string, path: string): unknown {
  if (err instanceof SystemError || !isOsError(err)) return err;
  return new SystemError(`cannot ${action} ${path}: ${errnoReason(err)}`, err.code);
}

/**
 * The one line the CLI prints for an OS error that reached it unwrapped: the system call's
 * path (and destination, for a rename) and the cause in words.
 */
export function describeOsError(err: NodeJS.ErrnoException): string {
  const dest = (err as { dest?: unknown }).dest;
  const where =
    typeof err.path === 'string'
      ? typeof dest === 'string'
        ? `${err.path} → ${dest}`
        : err.path
      : 'a file';
  const what = err.syscall ? `${err.syscall} ${where}` : where;
  return `cannot ${what}: ${errnoReason(err)}`;
}

/**
 * An error reading the input file `path` (`what`: "scenario file", "CSV file"), worded as
 * every command words it: a path that does not name a file (missing, a folder, a part of it a
 * file) is bad input, a UserError (exit 2) `<path>: cannot read the <what>: no such file`; a
 * refusal of the system (permission, an I/O error, too many open files) is a SystemError
 * (exit 3) `cannot read <path>: permission denied`, as for any file operation. Other errors
 * are returned unchanged.
 */
export function inputReadFailure(err: unknown, path: string, what: string): unknown {
  if (!isOsError(err)) return err;
  if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'ENOTDIR')
    return new UserError(`${path}: cannot read the ${what}: ${errnoReason(err)}`);
  return osFailure(err, 'read', path);
}
