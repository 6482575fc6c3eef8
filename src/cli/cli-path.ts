/**
 * Folder paths typed on the command line, in the one form every message shows them.
 */
import { sep } from 'node:path';
import { SEPARATORS, shownOsPath } from '../io/os-path.js';

/**
 * `path` tidied as a folder path without changing the folder it names: `o3/`, `o3//` and
 * `./o3` are `o3`, `a/./b` is `a/b`. A `..` stays where it is (`x/../o3`) unless the system
 * reads it otherwise: when `lk` is a symbolic link, `lk/../o3` is the folder o3 next to the
 * link's target (as for `mkdir -p`), and that folder is returned instead (os-path.ts), so every
 * command writes, checks and names the folder its bytes really go to. On POSIX a `\` is part
 * of a name and stays. The root stays the root; the empty text stays empty, for the command's
 * own check to refuse. Messages
 * built from the result read `o3.partial` and `o3/summary.csv`, not `o3/.partial` or
 * `o3//summary.csv` (and without a trailing `/`, lstat does not follow a symbolic link).
 */
export function folderArg(path: string): string {
  if (path === '') return path;
  const absolute = SEPARATORS.test(path[0]);
  const parts = path.split(SEPARATORS).filter((p) => p !== '' && p !== '.');
  const tidy = parts.join(sep);
  if (absolute) return shownOsPath(`${sep}${tidy}`);
  return tidy === '' ? '.' : shownOsPath(tidy);
}

/**
 * A file path typed on the command line: as typed, unless a `..` in it means another place to
 * the system than it seems to (after a symbolic link), and then that place (os-path.ts), so
 * a scenario's `base:` and the messages about the file name the file that is really read.
 */
export function fileArg(path: string): string {
  return path === '' ? path : shownOsPath(path);
}
