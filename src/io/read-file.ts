/**
 * Reading a whole input file into memory, bounded. A path can name something that is not a
 * file of finite size: `/dev/zero` or `/dev/urandom` (endless: reading grows memory until the
 * process aborts), a named pipe (reading waits for a writer forever), or a file larger than
 * a JavaScript string can hold. Each is refused before reading, with the path and the reason.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError } from '../scenario/errors.js';

/** The most bytes gvc reads whole (V8's longest string is just under 2^29 characters). */
export const MAX_READ_BYTES = 512 * 1024 * 1024;

/**
 * The most bytes of a scenario file. Shipped ones are a few kilobytes; the bound keeps the
 * YAML parser's time (about 0.4 MB/s) to seconds.
 */
export const MAX_SCENARIO_BYTES = 8 * 1024 * 1024;

/**
 * Throws a UserError when `path` exists but is not a regular file (a device, a pipe, a
 * socket) or is larger than `maxBytes`. `what` names the file in the message ("a CSV file").
 * An error of the operating system (no such file, permission) is thrown as is, for the
 * caller to word.
 */
export function assertReadableFile(path: string, what: string, maxBytes = MAX_READ_BYTES): void {
  const st = statSync(path);
  if (st.isDirectory()) return; // the caller's read fails with EISDIR and words it
  if (!st.isFile())
    throw new UserError(
      `${path}: not a regular file (a device, pipe or socket); expected ${what} as a file on disk`,
    );
  if (st.size > maxBytes)
    throw new UserError(
      `${path}: ${st.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} bytes ${what} may have`,
    );
}

/** The bytes of `path` after assertReadableFile; OS errors are thrown as is. */
export function readInputFile(path: string, what: string, maxBytes = MAX_READ_BYTES): Buffer {
  assertReadableFile(path, what, maxBytes);
  return readFileSync(path);
}

/**
 * The first `n` bytes of `path` (fewer when the file is shorter), as UTF-8 text, after the
 * regular-file check: enough to recognise a header without reading a large file whole.
 */
export function readHead(path: string, what: string, n: number): string {
  assertReadableFile(path, what, Number.POSITIVE_INFINITY);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
