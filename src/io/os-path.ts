/**
 * Paths as the operating system reads them. `path.resolve` and `path.join` drop `x/..`
 * lexically, but the system takes `..` from where `x` really is: when `x` is a symbolic link
 * to /elsewhere/sub, `x/../o5` is /elsewhere/o5 — what `mkdir -p`, `cp` and every other
 * program mean — not ./o5. gvc resolves every path it is given here, so it writes, checks and
 * names the folder the bytes really go to.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';

/** Separators of this platform: `/` on POSIX (where `\` is a character of a name), both on Windows. */
export const SEPARATORS = sep === '\\' ? /[\\/]+/ : /\/+/;

/**
 * The absolute path the operating system means by `path` (relative to the working folder),
 * with no `.` or `..` part: each `..` goes up from the real folder reached so far (following
 * symbolic links before it), as the system does. Parts that do not exist yet are taken as
 * written (they will be created as plain folders), and links not followed by `..` are kept, so
 * the last part may still be a link (callers that must not replace a link check it). Never
 * throws: a part that cannot be read (permission, a loop) is taken as written, and the command
 * that then uses the path reports the system's refusal.
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
    let real = current;
    try {
      real = realpathSync(current);
    } catch {
      // Missing (to be created as a folder) or unreadable: as written.
    }
    current = dirname(real);
  }
  return current;
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
