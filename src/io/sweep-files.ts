/**
 * Append-only CSV tables with a journal, for sweeps that must survive interruption. After the
 * rows of a run reach every table, one journal line records the run and each table's size.
 * On resume, each table is cut back to the sizes of the last complete journal line, so rows
 * written after it (by a process killed mid-run, even with kill -9) vanish, and the sweep
 * carries on from the next run. Writes are synchronous: the journal must never get ahead of
 * the bytes it vouches for.
 */
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  statSync,
  writeSync,
  fstatSync,
} from 'node:fs';
import type { ColumnSpec } from '../engine/observations.js';
import { UserError } from '../scenario/errors.js';
import { formatRows } from './csv.js';
import { osFailure } from './os-errors.js';
import { readInputFile } from './read-file.js';

/** Writes all of `buf` to `fd` (at `position`, when given), naming `path` if the OS refuses. */
function writeAll(fd: number, buf: Buffer, path: string, position?: number): void {
  let off = 0;
  try {
    while (off < buf.length)
      off += writeSync(
        fd,
        buf,
        off,
        buf.length - off,
        position === undefined ? null : position + off,
      );
  } catch (err) {
    throw osFailure(err, 'write', path);
  }
}

export class JournaledTable {
  private fd: number;
  private bytes: number;

  /** A new table with its header, or, given `resumeAt`, an existing one cut back to that size. */
  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    resumeAt?: number,
  ) {
    try {
      this.fd = openSync(path, resumeAt === undefined ? 'w' : 'r+');
      if (resumeAt !== undefined) ftruncateSync(this.fd, resumeAt);
    } catch (err) {
      throw osFailure(err, 'open', path);
    }
    if (resumeAt === undefined) {
      this.bytes = 0;
      this.put(formatRows(columns, null));
    } else {
      this.bytes = resumeAt;
    }
  }

  get size(): number {
    return this.bytes;
  }

  append(rows: readonly object[]): void {
    if (rows.length > 0) this.put(formatRows(this.columns, rows));
  }

  /** Appends rows already formatted with formatRows(this.columns, ...) (e.g. by a worker thread). */
  appendText(text: string): void {
    if (text.length > 0) this.put(text);
  }

  close(): void {
    closeSync(this.fd);
  }

  private put(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    writeAll(this.fd, buf, this.path, this.bytes);
    this.bytes += buf.length;
  }
}

export interface JournalEntry {
  /** Position of the run in this process's run list (0-based) and its run_id. */
  index: number;
  runId: number;
  sizes: number[];
}

export class Journal {
  private fd: number;

  /**
   * Opens the journal: a new, empty one, or (given `keep`, the byte length of its last
   * complete line as found by readJournal) an existing one cut back to that length, so a line
   * torn by a kill is not continued by the next entry.
   */
  constructor(
    readonly path: string,
    keep: number | null,
  ) {
    try {
      this.fd = openSync(path, keep === null ? 'w' : 'r+');
      if (keep !== null) ftruncateSync(this.fd, keep);
    } catch (err) {
      throw osFailure(err, 'open', path);
    }
    this.offset = keep ?? 0;
  }

  private offset: number;

  record(entry: JournalEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    writeAll(this.fd, line, this.path, this.offset);
    this.offset += line.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** What readJournal found: the last complete entry and where the complete lines end. */
export interface JournalState {
  last: JournalEntry;
  /** Byte length of the journal's complete lines. */
  bytes: number;
}

/**
 * Reads a sweep's journal for --resume. Every complete line must be an entry following the
 * one before (index 0, 1, 2 …, sizes never shrinking); a torn last line (no newline: the
 * process was killed while writing it) is ignored. The last entry's sizes must not exceed
 * the tables' sizes (`tables[i]` is the file of sizes[i], or null when not written). Returns
 * null when there is no journal or no complete line. Throws a UserError naming the file and
 * line for a damaged journal, or the table that is shorter than the journal says.
 */
export function readJournal(path: string, tables: readonly (string | null)[]): JournalState | null {
  if (!existsSync(path)) return null;
  let buf: Buffer;
  try {
    buf = readInputFile(path, "a sweep's progress journal");
  } catch (err) {
    throw osFailure(err, 'read', path);
  }
  const end = buf.lastIndexOf(0x0a) + 1;
  const lines = buf.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  const damaged = (i: number, why: string): never => {
    throw new UserError(
      `${path}:${i + 1}: damaged progress journal: ${why}; start the sweep over with --force`,
    );
  };
  let last: JournalEntry | null = null;
  lines.forEach((text, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      damaged(i, 'not a JSON line');
    }
    const entry = parsed as Partial<JournalEntry> | null;
    const okSizes =
      Array.isArray(entry?.sizes) &&
      entry.sizes.length === tables.length &&
      entry.sizes.every((n) => Number.isSafeInteger(n) && n >= 0);
    if (
      entry === null ||
      typeof entry !== 'object' ||
      entry.index !== i ||
      !Number.isSafeInteger(entry.runId) ||
      !okSizes
    )
      damaged(i, `expected {"index": ${i}, "runId": …, "sizes": [${tables.length} byte counts]}`);
    const current = entry as JournalEntry;
    if (last && current.sizes.some((n, k) => n < last!.sizes[k])) damaged(i, 'a table shrinks');
    last = current;
  });
  if (last === null) return null;
  const entry: JournalEntry = last;
  tables.forEach((table, k) => {
    if (table === null) return;
    const size = statSync(table, { throwIfNoEntry: false })?.size;
    if (size === undefined)
      throw new UserError(
        `${table}: missing, but ${path}:${lines.length} records ${entry.sizes[k]} bytes of it; start the sweep over with --force`,
      );
    if (size < entry.sizes[k])
      throw new UserError(
        `${table}: ${size} bytes, shorter than the ${entry.sizes[k]} that ${path}:${lines.length} records (the file was truncated); start the sweep over with --force`,
      );
  });
  return { last: entry, bytes: end };
}

/** Size of a file in bytes (0 if absent). */
export function fileSize(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
