/**
 * Folder paths typed on the command line, in the one form every message shows them.
 */
import { normalize, sep } from 'node:path';

/**
 * `path` normalised as a folder path: `o3/`, `o3//` and `./o3` are `o3`, `a/./b/../c` is
 * `a/c`; a leading `..` stays (it is what the path says), and the root stays `/`. The empty
 * text stays empty, for the command's own check to refuse. Messages built from the result
 * read `o3.partial` and `o3/summary.csv`, not `o3/.partial` or `o3//summary.csv`; the folder
 * named is the same one (and a trailing `/` no longer makes lstat follow a symbolic link).
 */
export function folderArg(path: string): string {
  if (path === '') return path;
  const n = normalize(path);
  const trimmed = n.replace(/[/\\]+$/, '');
  return trimmed === '' ? sep : trimmed;
}
