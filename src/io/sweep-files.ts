/**
 * Append-only CSV tables with a journal, for sweeps that must survive interruption. After the
 * rows of a run reach every table, one journal line records the run and each table's size.
 * On resume, each table is cut back to the sizes of the last complete journal line, so rows
 * written after it (by a process killed mid-run, even with kill -9) vanish, and the sweep
 * carries on from the next run. Writes are synchronous: the journal must never get ahead of
 * the bytes it vouches for.
 *
 * Each journal line also records a checksum of every table up to its size (the first 16 hex
 * digits of its SHA-256: enough to catch any edit by hand or by another program, with a chance
 * of 2^-64 of missing one; the journal is not a defence against forgery). A finished
 * sweep's manifest records its files' checksums, and merge, sensitivity and report refuse a
 * file that no longer matches; without the same check here, a row edited by hand in an
 * interrupted sweep's folder (a value changed, the length kept) would be carried into the
 * finished folder and vouched for by its manifest.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  statSync,
  writeSync,
  fstatSync,
  readSync,
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

/** Where a resumed table continues: its size and checksum in the journal's last entry. */
export interface ResumePoint {
  size: number;
  /** Undefined for a journal written by a gvc that recorded no checksums: nothing to check. */
  checksum: string | undefined;
  /** The journal, and the table's position in its entries, to name the run whose rows changed. */
  journal: string;
  table: number;
}

/** The journal's checksum of the bytes fed to `hash` so far (it stays usable). */
function checksumOf(hash: Hash): string {
  return hash.copy().digest('hex').slice(0, 16);
}

/** Bytes read at a time when hashing a table. */
const HASH_CHUNK = 1 << 20;

/**
 * Feeds bytes [from, to) of the open file `fd` to `hash`. Throws the OS error as is, and a
 * plain Error when the file ends first (readJournal checked the size before).
 */
function hashRange(fd: number, hash: Hash, from: number, to: number, path: string): void {
  const buf = Buffer.alloc(Math.min(HASH_CHUNK, Math.max(1, to - from)));
  let pos = from;
  while (pos < to) {
    let got: number;
    try {
      got = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    } catch (err) {
      throw osFailure(err, 'read', path);
    }
    if (got === 0) throw new Error(`${path}: ended at byte ${pos}, before ${to}`);
    hash.update(buf.subarray(0, got));
    pos += got;
  }
}

export class JournaledTable {
  private fd: number;
  private bytes: number;
  /** SHA-256 of the table's bytes so far, for the journal's checksums. */
  private hash: Hash = createHash('sha256');

  /**
   * A new table with its header, or, given `resume`, an existing one cut back to that size
   * after checking that its bytes up to there are those the journal recorded. Throws a
   * UserError naming the table, the journal line and the run whose rows no longer match.
   */
  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    resume?: ResumePoint,
  ) {
    try {
      this.fd = openSync(path, resume === undefined ? 'w' : 'r+');
      if (resume !== undefined) ftruncateSync(this.fd, resume.size);
    } catch (err) {
      throw osFailure(err, 'open', path);
    }
    if (resume === undefined) {
      this.bytes = 0;
      this.put(formatRows(columns, null));
    } else {
      hashRange(this.fd, this.hash, 0, resume.size, path);
      this.bytes = resume.size;
      if (resume.checksum !== undefined && this.checksum() !== resume.checksum) {
        closeSync(this.fd);
        throw new UserError(changedRowsMessage(path, resume));
      }
    }
  }

  get size(): number {
    return this.bytes;
  }

  /** Checksum of the table's bytes so far: the first 16 hex digits of their SHA-256. */
  checksum(): string {
    return checksumOf(this.hash);
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
    this.hash.update(buf);
    this.bytes += buf.length;
  }
}

/**
 * The message for a table whose bytes differ from what the journal recorded: walks the
 * journal's entries and the table together to find the first run whose rows changed, and
 * names its first line in the table. Only reached on that error, so the second read costs
 * nothing in a normal resume.
 */
function changedRowsMessage(path: string, resume: ResumePoint): string {
  // --force deletes only what gvc wrote, unchanged (sweep-dir.ts): the edited table goes first.
  const fix = `the file was changed after gvc wrote it; move it out of the folder, then start the sweep over with --force`;
  let entries: JournalEntry[];
  try {
    const lines = readInputFile(resume.journal, "a sweep's progress journal")
      .toString('utf8')
      .split('\n');
    lines.pop(); // a torn last line, or the empty text after the last newline
    entries = lines.map((line) => JSON.parse(line) as JournalEntry);
  } catch {
    return `${path}: its first ${resume.size} bytes are not those ${resume.journal} records; ${fix}`;
  }
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    let from = 0;
    let line = 1;
    for (const [i, entry] of entries.entries()) {
      const to = entry.sizes[resume.table];
      const before = from;
      hashRange(fd, hash, from, to, path);
      from = to;
      const recorded = entry.checksums?.[resume.table];
      if (recorded !== undefined && checksumOf(hash) !== recorded) {
        const what = i === 0 ? 'the header or the rows of run' : 'the rows of run';
        return `${path}:${line}: ${what} ${entry.runId} (bytes ${before}–${to}) differ from those ${resume.journal}:${i + 1} records; ${fix}`;
      }
      const chunk = Buffer.alloc(to - before);
      readSync(fd, chunk, 0, chunk.length, before);
      for (const byte of chunk) if (byte === 0x0a) line++;
    }
  } finally {
    closeSync(fd);
  }
  return `${path}: its first ${resume.size} bytes are not those ${resume.journal} records; ${fix}`;
}

export interface JournalEntry {
  /** Position of the run in this process's run list (0-based) and its run_id. */
  index: number;
  runId: number;
  sizes: number[];
  /**
   * Checksum of each table up to its size ("" for a table the sweep does not write); absent in
   * journals written before gvc recorded them, which are resumed without this check.
   */
  checksums?: string[];
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
export function readJournal(
  path: string,
  tables: readonly (string | null)[],
  /**
   * For --force (tablesAgainstJournal): a table whose file is absent is not missing, and any
   * table's checksum may be empty; the caller compares what is there.
   */
  lenient = false,
): JournalState | null {
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
      `${path}:${i + 1}: damaged progress journal: ${why}; without it gvc cannot tell that the tables are as it wrote them, so --force will not delete the folder: remove it yourself if nothing in it is to be kept, or choose another --out`,
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
    const okChecksums =
      entry?.checksums === undefined ||
      (Array.isArray(entry.checksums) &&
        entry.checksums.length === tables.length &&
        entry.checksums.every(
          (h, k) =>
            typeof h === 'string' &&
            (tables[k] === null || (lenient && h === '') ? h === '' : /^[0-9a-f]{16}$/.test(h)),
        ));
    if (
      entry === null ||
      typeof entry !== 'object' ||
      entry.index !== i ||
      !Number.isSafeInteger(entry.runId) ||
      !okSizes ||
      !okChecksums
    )
      damaged(
        i,
        `expected {"index": ${i}, "runId": …, "sizes": [${tables.length} byte counts], "checksums": [${tables.length} checksums]}`,
      );
    const current = entry as JournalEntry;
    if (last && current.sizes.some((n, k) => n < last!.sizes[k])) damaged(i, 'a table shrinks');
    last = current;
  });
  if (last === null) return null;
  const entry: JournalEntry = last;
  tables.forEach((table, k) => {
    if (table === null) return;
    const size = statSync(table, { throwIfNoEntry: false })?.size;
    // --force compares what is there (tablesAgainstJournal): absent or short is for it to say.
    if (lenient && (size === undefined || size < entry.sizes[k])) return;
    if (size === undefined)
      throw new UserError(
        `${table}: missing, but ${path}:${lines.length} records ${entry.sizes[k]} bytes of it; start the sweep over with --force`,
      );
    if (size < entry.sizes[k])
      throw new UserError(
        `${table}: ${size} bytes, shorter than the ${entry.sizes[k]} that ${path}:${lines.length} records (the file was truncated); move it out of the folder, then start the sweep over with --force`,
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

/**
 * How the tables of an interrupted sweep compare with its journal at `path` (`tables[k]`: the
 * file of sizes[k]), for `gvc sweep --force`, which deletes the folder only while its tables
 * are what gvc wrote: `changed`, the tables whose first bytes (up to the size the last
 * complete entry records) no longer have the checksum it records; `unchecked`, the tables it
 * records no checksum for (a journal of a gvc before checksums). Rows after the recorded size
 * are those of runs in flight when the sweep stopped, which no journal entry vouches for yet.
 * A table shorter than the journal records is changed too. 'unreadable' when the journal is
 * damaged; a table that is absent (moved out) is nothing to delete, and no journal (no run
 * finished) is no table to check. Throws a SystemError when a table cannot
 * be read.
 */
export function tablesAgainstJournal(
  path: string,
  tables: readonly string[],
): { changed: string[]; unchecked: string[] } | 'unreadable' {
  let state: JournalState | null;
  try {
    // A table the sweep does not write has an empty checksum (and no file): named null.
    state = readJournal(path, tables, true);
  } catch (err) {
    if (err instanceof UserError) return 'unreadable';
    throw err;
  }
  const changed: string[] = [];
  const unchecked: string[] = [];
  if (state === null) return { changed, unchecked };
  const { last } = state;
  tables.forEach((table, k) => {
    // Moved out of the folder, or never written: nothing of it to delete.
    if (!existsSync(table)) return;
    const recorded = last.checksums?.[k];
    if (recorded === undefined) {
      unchecked.push(table);
      return;
    }
    // A table this sweep does not write (its checksum is empty), or cut short: not as gvc
    // wrote it.
    if (recorded === '' || statSync(table).size < last.sizes[k]) {
      changed.push(table);
      return;
    }
    const hash = createHash('sha256');
    let fd: number;
    try {
      fd = openSync(table, 'r');
    } catch (err) {
      throw osFailure(err, 'read', table);
    }
    try {
      hashRange(fd, hash, 0, last.sizes[k], table);
    } finally {
      closeSync(fd);
    }
    if (checksumOf(hash) !== recorded) changed.push(table);
  });
  return { changed, unchecked };
}
