/**
 * Paths as the operating system reads them. `path.resolve` and `path.join` drop `x/..`
 * lexically, but the system takes `..` from where `x` really is: when `x` is a symbolic link
 * to /elsewhere/sub, `x/../o5` is /elsewhere/o5 — what `mkdir -p`, `cp` and every other
 * program mean — not ./o5. gvc resolves every path it is given here, so it writes, checks and
 * names the folder the bytes really go to.
 */
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { errnoCode, inputReadFailure } from './os-errors.js';

/** Separators of this platform: `/` on POSIX (where `\` is a character of a name), both on Windows. */
export const SEPARATORS = sep === '\\' ? /[\\/]+/ : /\/+/;

/**
 * The absolute path the operating system means by `path` (relative to the working folder),
 * with no `.` or `..` part: each `..` goes up from the real folder reached so far (following
 * symbolic links before it), as the system does. Parts that do not exist yet are taken as
 * written (they will be created as plain folders, as `mkdir -p` creates them), and links not
 * followed by `..` are kept, so the last part may still be a link (callers that must not
 * replace a link check it).
 *
 * Throws where the system itself could not go up from a part before a `..`: a UserError
 * (exit 2) `<path>: <part> is a link to <target>, which does not exist`, `<part>: too many
 * levels of symbolic links (a link loop?)`, `<part> is a file, not a folder`, a name too
 * long (the codes of isNoFileError); a SystemError (exit 3) when the system refused to look
 * (permission denied, an I/O error).
 */
export function osResolve(path: string): string {
  if (!path.split(SEPARATORS).includes('..')) return resolve(path);
  const { root } = parse(path);
  let current = root === '' ? process.cwd() : resolve(root);
  for (const part of path.slice(root.length).split(SEPARATORS)) {
    if (part === '' || part === '.') continue;
    if (part !== '..') {
      current = join(current, part);
      continue;
    }
    current = dirname(realFolder(current, path));
  }
  return current;
}

/**
 * The real folder the absolute path `abs` names, as the system reaches it to go up from it
 * (for `<path>`, which messages name): `abs` with its links followed, or, when its last parts
 * do not exist yet, the real folder of the deepest part that does with the missing parts
 * appended (they will be created as folders). Throws as osResolve says when the deepest part
 * that exists is a link leading nowhere or in a loop, or is not a folder.
 */
function realFolder(abs: string, path: string): string {
  // Up to the deepest part that exists (lstat: a dangling link exists, as a link).
  let existing = abs;
  const missing: string[] = [];
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP')
        throw refusal(err, existing, path);
    }
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' && lstatSync(existing).isSymbolicLink())
      throw new UserError(
        `${path}: ${belowWorkingFolder(existing)} is a link to ${readlinkSync(existing)}, which does not exist`,
      );
    throw refusal(err, existing, path);
  }
  // `file/..` and `file/new/..` are refused by the system (not a directory), as here.
  if (!statSync(real).isDirectory())
    throw new UserError(`${path}: ${belowWorkingFolder(existing)} is a file, not a folder`);
  return join(real, ...missing);
}

/** The failure to follow `part` of `path`: bad input or the system's refusal (inputReadFailure). */
function refusal(err: unknown, part: string, path: string): unknown {
  const failure = inputReadFailure(err, belowWorkingFolder(part));
  return failure instanceof UserError ? new UserError(`${path}: ${failure.message}`) : failure;
}

/**
 * `path` as messages name it: as typed unless its `..` parts mean, to the operating system,
 * another place than they seem to (a symbolic link before a `..`); then the place itself,
 * relative to the working folder when it lies below it, otherwise absolute.
 */
export function shownOsPath(path: string): string {
  const real = osResolve(path);
  return real === resolve(path) ? path : belowWorkingFolder(real);
}

/** The absolute path `abs` relative to the working folder when it lies below it, else as is. */
export function belowWorkingFolder(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
