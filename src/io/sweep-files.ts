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
  readFileSync,
  writeSync,
  fstatSync,
} from 'node:fs';
import type { ColumnSpec } from '../engine/observations.js';
import { formatRows } from './csv.js';

export class JournaledTable {
  private fd: number;
  private bytes: number;

  /** A new table with its header, or, given `resumeAt`, an existing one cut back to that size. */
  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    resumeAt?: number,
  ) {
    if (resumeAt === undefined) {
      this.fd = openSync(path, 'w');
      this.bytes = 0;
      this.put(formatRows(columns, null));
    } else {
      this.fd = openSync(path, 'r+');
      ftruncateSync(this.fd, resumeAt);
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
    let off = 0;
    while (off < buf.length)
      off += writeSync(this.fd, buf, off, buf.length - off, this.bytes + off);
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

  constructor(
    readonly path: string,
    append: boolean,
  ) {
    this.fd = openSync(path, append ? 'a' : 'w');
  }

  record(entry: JournalEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    let off = 0;
    while (off < line.length) off += writeSync(this.fd, line, off, line.length - off);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The last complete entry of a journal file, or null; a torn last line is ignored. */
  static lastEntry(path: string): JournalEntry | null {
    if (!existsSync(path)) return null;
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.pop(); // whatever follows the last newline is incomplete (or empty)
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return JSON.parse(lines[i]) as JournalEntry;
      } catch {
        // a damaged line: look further back
      }
    }
    return null;
  }
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
