/**
 * Streaming a CSV file gvc wrote earlier (runs.csv of a sweep or of shards) back defensively:
 * a record csv-parse rejects, a cell that is not what its column holds, or a file that is not
 * what its folder's manifest records or lacks its final line break (file-record.ts), is a
 * UserError naming the file — never an internal error or a silent NaN.
 */
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { UserError } from '../scenario/errors.js';
import { inputReadFailure, osFailure } from './os-errors.js';
import { assertReadableFile } from './read-file.js';
import { WrittenFileCheck } from './file-record.js';

export interface CsvRecord {
  /** Cells by column name. */
  cells: Record<string, string>;
  /** Line of the record's end in the file (1-based; the header is line 1). */
  line: number;
}

/** Converts a csv-parse error into a UserError naming `path` and the line; OS errors into SystemErrors. */
export function csvReadError(err: unknown, path: string): unknown {
  // Every csv-parse error is a CsvError; not all of their codes start with CSV_
  // (INVALID_OPENING_QUOTE does not), so the class, not the code, tells them apart.
  if (err instanceof CsvError) {
    const lines = (err as CsvError & { lines?: unknown }).lines;
    return new UserError(
      `${path}:${typeof lines === 'number' ? lines : '?'}: not a valid CSV record: ${err.message.split('\n')[0]}`,
    );
  }
  return osFailure(err, 'read', path);
}

/**
 * Throws a UserError if two columns of the header `columns` of the CSV file `path` have the same
 * name: records are read by column name, so the second would hide the first one's values.
 */
export function requireDistinctColumns(path: string, columns: readonly string[]): void {
  const twice = columns.findIndex((c, j) => columns.indexOf(c) !== j);
  if (twice >= 0)
    throw new UserError(
      `${path}:1: column "${columns[twice]}" appears twice (columns ${columns.indexOf(columns[twice]) + 1} and ${twice + 1}); the columns need distinct names`,
    );
}

/** The records of a CSV file with a header row, as an async iterable; errors as csvReadError. */
export async function* csvRecords(
  path: string,
  required: readonly string[] = [],
  exactHeader?: readonly string[],
): AsyncGenerator<CsvRecord> {
  let header: string[] | null = null;
  try {
    assertReadableFile(path, 'a CSV file', Number.POSITIVE_INFINITY);
  } catch (err) {
    throw inputReadFailure(err, path, 'CSV file');
  }
  // Against the folder's record and for its final line break, as it is read.
  const check = new WrittenFileCheck(path);
  const stream = createReadStream(path);
  stream.on('data', (chunk) => check.update(chunk as Buffer));
  const parser = stream.pipe(
    parse({
      columns: (h: string[]) => {
        if (
          exactHeader &&
          (h.length !== exactHeader.length || h.some((c, i) => c !== exactHeader[i]))
        )
          throw new UserError(
            `${path}:1: expected the columns gvc writes (${exactHeader.slice(0, 4).join(', ')}, …), found ${JSON.stringify(h.join(',').slice(0, 40))}`,
          );
        requireDistinctColumns(path, h);
        return (header = h);
      },
      info: true,
      relax_column_count: false,
    }),
  );
  let checked = false;
  try {
    for await (const r of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (!checked) {
        const missing = required.filter((c) => !(c in r.record));
        if (missing.length > 0)
          throw new UserError(
            `${path}:1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
          );
        checked = true;
      }
      yield { cells: r.record, line: r.info.lines };
    }
    check.finish();
    if (header === null) throw new UserError(`${path}: empty file (expected a header row)`);
    if (!checked) {
      const names: string[] = header;
      const missing = required.filter((c) => !names.includes(c));
      if (missing.length > 0)
        throw new UserError(
          `${path}:1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        );
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw csvReadError(err, path);
  } finally {
    parser.destroy();
  }
}

/** A whole number >= min in a cell, or a UserError naming file, line and column. */
export function intCell(r: CsvRecord, path: string, column: string, min: number): number {
  const text = r.cells[column] ?? '';
  const x = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(x) || x < min)
    throw new UserError(
      `${path}:${r.line}: ${column}: expected a whole number >= ${min}, found ${JSON.stringify(text.slice(0, 30))}`,
    );
  return x;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** The number a CSV cell holds in plain decimal notation, or NaN for anything else. */
export function decimalNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/** A number in a cell (null when empty), or a UserError naming file, line and column. */
export function numberCell(r: CsvRecord, path: string, column: string): number | null {
  const text = r.cells[column];
  if (text === undefined || text === '') return null;
  // Number() also takes ' 1', '0x1' and '1_0'-free oddities such as '0b1'; gvc writes plain
  // decimal numbers, so anything else is a damaged or hand-edited cell.
  const x = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(x))
    throw new UserError(
      `${path}:${r.line}: ${column}: expected a number, found ${JSON.stringify(text.slice(0, 30))}`,
    );
  return x;
}
