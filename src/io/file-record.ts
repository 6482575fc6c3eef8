/**
 * The record of the CSV files an output folder holds, and the check of a file against it when
 * gvc reads the folder back (gvc merge, report, sensitivity).
 *
 * Every output folder's manifest.json lists, under `files`, each CSV gvc wrote there with its
 * size in bytes and its sha256, taken once the file is complete. A file that is shorter or
 * different when read back was cut short (a copy that stopped, a full disk, `head -c`) or
 * changed after gvc wrote it; parsing alone does not show it when the cut falls on a line
 * boundary, or when it falls inside a number (5.875 → 5.8). Folders written before the record
 * existed have no `files` key and are accepted as before.
 *
 * Independently of the record: every CSV gvc writes has a header row and ends with `\n`
 * (CsvWriter, JournaledTable), so one whose last byte is not `\n` was cut short.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { manifestState, programInfo, writeJson, writeManifest } from './manifest.js';
import { readInputFile } from './read-file.js';
import { osFailure } from './os-errors.js';
import { readJsonObject } from './read-json.js';

/** Size and content hash of one file as gvc wrote it. */
export interface FileRecord {
  /** Size in bytes. */
  bytes: number;
  /** sha256 of the bytes, lowercase hex. */
  sha256: string;
}

/** The key of manifest.json under which the records are kept: file name → FileRecord. */
export const FILES_KEY = 'files';

const MANIFEST = 'manifest.json';

/**
 * Size and sha256 of each file of `names` (file name → its path: `pathOf`), read as a stream
 * (a sweep's tables can be gigabytes). Throws a SystemError naming the file when it cannot be
 * read.
 */
export async function recordFiles(
  names: readonly string[],
  pathOf: (name: string) => string,
): Promise<Record<string, FileRecord>> {
  const out: Record<string, FileRecord> = {};
  for (const name of names) {
    const path = pathOf(name);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(path)) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    } catch (err) {
      throw osFailure(err, 'read', path);
    }
    out[name] = { bytes, sha256: hash.digest('hex') };
  }
  return out;
}

/**
 * Size and sha256 of the file `path`, read synchronously in 1 MiB pieces (so a sweep table of
 * gigabytes is never held whole): for the check that a file --force would replace is still
 * what gvc recorded (output-guard.ts). Throws the OS error when it cannot be read.
 */
export function hashFileSync(path: string): FileRecord {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Whether `entry` (a value under a manifest's `files`) is a well-formed record: `bytes` a
 * whole number >= 0, `sha256` 64 lowercase hex digits.
 */
export function isFileRecord(entry: unknown): entry is FileRecord {
  const e = entry as Partial<FileRecord> | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    Number.isSafeInteger(e.bytes) &&
    (e.bytes as number) >= 0 &&
    typeof e.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(e.sha256)
  );
}

/**
 * The `files` mapping of the manifest `contents` (read from the file `manifest`): file name →
 * entry, each to be checked with isFileRecord; null when it has no `files` key (a folder
 * written before the record existed). A `files` that is not a mapping is a UserError naming it.
 */
function filesOf(
  contents: Record<string, unknown>,
  manifest: string,
): Record<string, unknown> | null {
  const files = contents[FILES_KEY];
  if (files === undefined) return null;
  if (files === null || typeof files !== 'object' || Array.isArray(files))
    throw new UserError(
      `${manifest}: ${FILES_KEY}: expected a mapping of file names to sizes and hashes, found ${JSON.stringify(files).slice(0, 40)} (the file is damaged)`,
    );
  return files as Record<string, unknown>;
}

/**
 * The `files` record of the manifest.json in the folder `dir` (filesOf); null when the folder
 * has no manifest or the manifest no `files` key. A damaged manifest is a UserError naming it.
 */
export function recordedFilesIn(dir: string): Record<string, unknown> | null {
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) return null;
  return filesOf(readJsonObject(manifest, 'a manifest'), manifest);
}

/**
 * The record of `path` in the manifest.json of its folder; null when the folder has no
 * manifest, the manifest no `files` record (a folder written before it existed), or no entry
 * for this file. A damaged manifest or entry is a UserError naming it. `onlyOurs` (for gvc
 * table, which takes any CSV file): also null when the manifest is not this program's (not a
 * readable JSON object whose `program` is this program's name), e.g. another tool's manifest
 * beside a user's CSV file, which says nothing about the CSV.
 */
export function recordOf(
  path: string,
  onlyOurs = false,
): { record: FileRecord; manifest: string } | null {
  const manifest = join(dirname(path), MANIFEST);
  if (!existsSync(manifest)) return null;
  let contents: Record<string, unknown>;
  try {
    contents = readJsonObject(manifest, 'a manifest');
  } catch (err) {
    if (onlyOurs) return null;
    throw err;
  }
  if (onlyOurs && contents.program !== programInfo().name) return null;
  const files = filesOf(contents, manifest);
  if (files === null) return null;
  const name = basename(path);
  if (!Object.prototype.hasOwnProperty.call(files, name)) return null;
  const entry = files[name];
  if (!isFileRecord(entry))
    throw new UserError(
      `${manifest}: ${FILES_KEY}.${name}: expected {"bytes": …, "sha256": …}, found ${JSON.stringify(entry).slice(0, 60)} (the file is damaged)`,
    );
  return { record: entry, manifest };
}

const CHANGED = 'the file was cut short or changed after gvc wrote it';

/**
 * Checks a CSV file gvc wrote before it is read back. The constructor compares the file's
 * size with its folder's record and its last byte with `\n`; update() takes the bytes as
 * they are read and finish() compares their hash with the record. Each mismatch is a
 * UserError naming the file, what the record (or the format) expects and what was found.
 * An empty file passes the line-end check: the readers report it as empty.
 */
export class WrittenFileCheck {
  private readonly hash: Hash | null;
  private readonly record: FileRecord | null;
  private readonly manifest: string;
  private bytes = 0;

  constructor(readonly path: string) {
    const found = recordOf(path);
    this.record = found?.record ?? null;
    this.manifest = found?.manifest ?? '';
    this.hash = this.record ? createHash('sha256') : null;
    let size: number;
    let last = 0x0a;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      size = fstatSync(fd).size;
      if (size > 0) {
        const b = Buffer.alloc(1);
        readSync(fd, b, 0, 1, size - 1);
        last = b[0];
      }
    } catch (err) {
      throw osFailure(err, 'read', path);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (this.record && size !== this.record.bytes)
      throw new UserError(
        `${path}: ${size.toLocaleString('en-US')} bytes, but ${this.manifest} records ${this.record.bytes.toLocaleString('en-US')}: ${CHANGED}`,
      );
    if (last !== 0x0a)
      throw new UserError(
        `${path}: its last line has no line break (every CSV gvc writes ends with one): ${CHANGED}`,
      );
  }

  /** Takes the next bytes of the file, in order. */
  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
  }

  /** After the last update(): the bytes read must be those the record describes. */
  finish(): void {
    if (!this.record || !this.hash) return;
    const digest = this.hash.digest('hex');
    if (this.bytes !== this.record.bytes)
      throw new UserError(
        `${this.path}: ${this.bytes.toLocaleString('en-US')} bytes read, but ${this.manifest} records ${this.record.bytes.toLocaleString('en-US')}: ${CHANGED}`,
      );
    if (digest !== this.record.sha256)
      throw new UserError(
        `${this.path}: sha256 ${digest.slice(0, 12)}…, but ${this.manifest} records ${this.record.sha256.slice(0, 12)}… for these ${this.bytes.toLocaleString('en-US')} bytes: ${CHANGED}`,
      );
  }
}

/**
 * For a file gvc wrote that is not a CSV table (a sweep's design.json, which gvc sensitivity
 * takes the Morris steps and the Saltelli layout from): when its folder's manifest records it,
 * `bytes` must be the recorded ones. A UserError naming the file and the record otherwise.
 */
export function checkRecordedBytes(path: string, bytes: Buffer): void {
  const found = recordOf(path);
  if (!found) return;
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== found.record.bytes || digest !== found.record.sha256)
    throw new UserError(
      `${path}: ${bytes.length.toLocaleString('en-US')} bytes with sha256 ${digest.slice(0, 12)}…, but ${found.manifest} records ${found.record.bytes.toLocaleString('en-US')} bytes with ${found.record.sha256.slice(0, 12)}…: ${CHANGED}`,
    );
}

/**
 * Before gvc replaces a file it wrote into an output folder earlier (gvc sensitivity's tables
 * in a sweep folder): throws a UserError naming `path` unless its folder's manifest records
 * it and its size and sha256 are the recorded ones — a file that is not recorded, or was
 * changed since, is the user's, and no command overwrites it. `what`: the command, for the
 * message. A SystemError when the file cannot be read.
 */
export function assertRecordedUnchanged(path: string, what: string): void {
  const found = recordOf(path);
  const moveAway = `${what} replaces only a file it wrote and that is unchanged since; move it away first (or copy your changes elsewhere), then run again`;
  if (!found)
    throw new UserError(
      `${path}: exists, but its folder's manifest.json records no checksum for it, so gvc cannot tell it is unchanged: ${moveAway}`,
    );
  let now: FileRecord;
  try {
    now = hashFileSync(path);
  } catch (err) {
    throw osFailure(err, 'read', path);
  }
  if (now.bytes !== found.record.bytes || now.sha256 !== found.record.sha256)
    throw new UserError(
      `${path}: was changed after gvc wrote it (${now.bytes.toLocaleString('en-US')} bytes with sha256 ${now.sha256.slice(0, 12)}…, but ${found.manifest} records ${found.record.bytes.toLocaleString('en-US')} bytes with ${found.record.sha256.slice(0, 12)}…): ${moveAway}`,
    );
}

/** WrittenFileCheck of a file already read whole into `bytes`. */
export function checkWrittenBytes(path: string, bytes: Buffer): void {
  const check = new WrittenFileCheck(path);
  check.update(bytes);
  check.finish();
}

/**
 * Adds the records of `names` (files of `dir` that a later command wrote into an output
 * folder, such as gvc sensitivity's tables in a sweep folder) to the folder's manifest.json.
 * A folder whose manifest has no `files` record (written before it existed, or not by gvc)
 * is left as it is. The manifest's own checksum (manifest.ts MANIFEST_SHA256_KEY) is renewed
 * only when it still matched. Throws a UserError for a damaged manifest, a SystemError when the
 * operating system refuses to read or write.
 */
export async function addRecords(dir: string, names: readonly string[]): Promise<void> {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return;
  const manifest = readJsonObject(path, 'a manifest');
  const files = manifest[FILES_KEY];
  if (files === null || typeof files !== 'object' || Array.isArray(files)) return;
  // Its own checksum is renewed only for a manifest still as gvc wrote it: one edited by the
  // user, or from a gvc that recorded none, must not become one that --force takes for gvc's.
  const vouched = manifestState(readInputFile(path, 'a manifest')) === 'unchanged';
  const added = await recordFiles(names, (n) => join(dir, n));
  (vouched ? writeManifest : writeJson)(path, { ...manifest, [FILES_KEY]: { ...files, ...added } });
}
