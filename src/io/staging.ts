/**
 * Staging folders and temporary files, and removing those a killed process left behind.
 *
 * A staging folder is `.<name>.tmp-<pid>-<hex>` next to its target and holds a marker file,
 * STAGING_MARKER, recording the owning process's pid and host. A later command removes such
 * a folder only when it is recognisably gvc's (the name pattern and a marker naming the same
 * pid and this host — or a folder holding nothing or only the marker's temporary file, when the
 * process died before its marker was in place) and that process no longer exists. The marker is
 * written under a temporary name and renamed, so a kill while writing it never leaves a folder
 * with a partial marker, which no later command could recognise and remove. A temporary file
 * `<file>.tmp-<pid>` (manifest.json, sensitivity.csv) is removed on the same condition, by the
 * command that writes `<file>`.
 */
import { hostname } from 'node:os';
import { lstatSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from './os-errors.js';
import { readHead } from './read-file.js';

/** The marker file inside a staging folder; removed just before the folder is committed. */
export const STAGING_MARKER = '.gvc-staging';

/** The marker's name while it is being written (renamed to STAGING_MARKER when whole). */
export const STAGING_MARKER_PART = `${STAGING_MARKER}.part`;

const STAGING_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

/** The name of a new staging folder for a target named `name`. */
export function stagingName(name: string, hex: string): string {
  return `.${name}.tmp-${process.pid}-${hex}`;
}

/**
 * Writes the marker naming this process into a staging folder gvc has just created: whole or
 * not at all (written as STAGING_MARKER_PART, then renamed). Throws what the file system throws.
 */
export function writeStagingMarker(dir: string): void {
  const part = join(dir, STAGING_MARKER_PART);
  writeFileSync(
    part,
    `${JSON.stringify({ program: 'gvc-abm', pid: process.pid, host: hostname() })}\n`,
  );
  renameSync(part, join(dir, STAGING_MARKER));
}

/** True while a process with this pid exists (EPERM: it exists but is someone else's). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) !== 'ESRCH';
  }
}

function markerPid(dir: string): number | 'empty' | null {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  // Nothing, or only a marker still being written: the process died before writing anything
  // else (a staging folder's contents are written after its marker is in place).
  if (entries.length === 0 || (entries.length === 1 && entries[0] === STAGING_MARKER_PART))
    return 'empty';
  try {
    const marker = JSON.parse(readHead(join(dir, STAGING_MARKER), 'a staging marker', 4096)) as {
      program?: unknown;
      pid?: unknown;
      host?: unknown;
    };
    if (
      marker.program !== 'gvc-abm' ||
      marker.host !== hostname() ||
      typeof marker.pid !== 'number'
    )
      return null;
    return marker.pid;
  } catch {
    return null;
  }
}

/**
 * Removes, from folder `parent`, the staging folders of gvc processes that no longer exist.
 * Returns the names removed. Never throws: a folder that cannot be removed stays for later.
 * Only `.tmp-` folders: a leftover `.old-` folder may be the only copy of earlier results
 * (a kill between the two renames of a forced commit), so it is left for the user.
 */
export function removeStaleStaging(parent: string): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const match = STAGING_NAME.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (processAlive(pid)) continue;
    const dir = join(parent, entry);
    try {
      if (!lstatSync(dir).isDirectory()) continue;
      const owner = markerPid(dir);
      if (owner === 'empty') {
        rmSync(join(dir, STAGING_MARKER_PART), { force: true });
        rmdirSync(dir);
      } else if (owner === pid) rmSync(dir, { recursive: true, force: true });
      else continue;
      removed.push(entry);
    } catch {
      // Best effort: a folder we cannot remove does not stop this command.
    }
  }
  return removed;
}

/**
 * Removes `<file>.tmp-<pid>` files in `dir` whose process no longer exists, for the files
 * named in `files` (the temporary names gvc gives a file it writes atomically).
 */
export function removeStaleTempFiles(dir: string, files: readonly string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^(.+)\.tmp-(\d+)$/.exec(entry);
    if (!match || !files.includes(match[1]) || processAlive(Number(match[2]))) continue;
    try {
      if (lstatSync(join(dir, entry)).isFile()) rmSync(join(dir, entry));
    } catch {
      // Best effort, as above.
    }
  }
}
