/**
 * Folder paths typed on the command line, in the one form every message shows them.
 */
import { sep } from 'node:path';

/** Separators of this platform: `/` on POSIX (where `\` is a character of a name), both on Windows. */
const SEPARATORS = sep === '\\' ? /[\\/]+/ : /\/+/;

/**
 * `path` tidied as a folder path without changing the folder it names: `o3/`, `o3//` and
 * `./o3` are `o3`, `a/./b` is `a/b`. A `..` stays where it is: `lk/../o3` is not `o3` when
 * `lk` is a symbolic link (the system resolves `..` from the link's target), so it is not
 * tidied away here. On POSIX a `\` is part of a name and stays. The root stays
 * the root; the empty text stays empty, for the command's own check to refuse. Messages
 * built from the result read `o3.partial` and `o3/summary.csv`, not `o3/.partial` or
 * `o3//summary.csv` (and without a trailing `/`, lstat does not follow a symbolic link).
 */
export function folderArg(path: string): string {
  if (path === '') return path;
  const absolute = SEPARATORS.test(path[0]);
  const parts = path.split(SEPARATORS).filter((p) => p !== '' && p !== '.');
  const tidy = parts.join(sep);
  if (absolute) return `${sep}${tidy}`;
  return tidy === '' ? '.' : tidy;
}
