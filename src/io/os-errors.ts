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
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many levels of symbolic links (a link loop?)',
  ENXIO: 'no such device or address',
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
 * Errno codes saying that a path names no file that could be read: it is missing, a folder
 * where a file was wanted, a part of it is a file, a symbolic link leads nowhere or round in
 * a loop, a name is longer than the file system allows, a special file with no device behind
 * it. They are the path's fault, bad input (exit 2), not a refusal of the system (exit 3).
 */
const NO_FILE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG', 'ENXIO']);

/**
 * Errno codes saying that an output path can never be written, whatever the permissions: a
 * name longer than the file system allows, a link loop, a part of the path that is a file.
 * Bad input (exit 2), as the same codes are for an input path (NO_FILE_CODES).
 */
const BAD_OUTPUT_PATH_CODES = new Set(['ENAMETOOLONG', 'ELOOP', 'ENOTDIR']);

/**
 * `cannot write output folder <target>: <reason>` as a UserError (exit 2) when `code` is the
 * path's fault (BAD_OUTPUT_PATH_CODES), else as a SystemError (exit 3) carrying `code`.
 */
export function outputFolderFailure(target: string, reason: string, code?: string): Error {
  const message = `cannot write output folder ${target}: ${reason}`;
  return isBadOutputPath(code) ? new UserError(message) : new SystemError(message, code);
}

/** Whether errno `code` is the output path's fault (BAD_OUTPUT_PATH_CODES). */
export function isBadOutputPath(code: string | undefined): boolean {
  return code !== undefined && BAD_OUTPUT_PATH_CODES.has(code);
}

/** True for an OS error meaning the path names no readable file (NO_FILE_CODES): bad input. */
export function isNoFileError(err: unknown): err is NodeJS.ErrnoException {
  return isOsError(err) && NO_FILE_CODES.has(err.code as string);
}

/**
 * An error reading or examining the input path `path` (a file or folder the user named),
 * classified as every command classifies it: a path that names no readable file
 * (isNoFileError) is a UserError (exit 2) `<path>: cannot read the <what>: <cause>` (or
 * `<path>: <cause>` without `what`); a refusal of the system (permission, an I/O error, too
 * many open files) is a SystemError (exit 3) `cannot read <path>: <cause>`, as for any file
 * operation. Other errors are returned unchanged.
 */
export function inputReadFailure(err: unknown, path: string, what?: string): unknown {
  if (!isOsError(err)) return err;
  if (isNoFileError(err))
    return new UserError(
      `${path}: ${what === undefined ? '' : `cannot read the ${what}: `}${errnoReason(err)}`,
    );
  return osFailure(err, 'read', path);
}
