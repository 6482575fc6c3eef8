/**
 * Streaming CSV writer for the output contract (docs/ODD.md §4.11): UTF-8, header row,
 * comma separator, `.` decimal point, `\n` line endings, numbers in one deterministic format.
 *
 * Quoting is left to csv-stringify (escapeCell: it escapes each distinct string cell once; the
 * cells are joined with `,` and the records with `\n`). Rows are formatted into a small batch and the batch is
 * written with a blocking write once it fills up. Blocking on purpose: the engine
 * (ObservationSink) calls us synchronously from a loop that never yields, so an async
 * stream could neither apply backpressure nor drain while the loop runs — it would hold
 * the whole file in memory until the run ended. A blocking write makes the producer wait
 * for the disk instead, and memory stays at one batch whatever the run length.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { osFailure } from './os-errors.js';
import { stringify } from 'csv-stringify/sync';
import type { ColumnSpec, ColumnType } from '../engine/observations.js';

/**
 * How a boolean cell is written. `TRUE`/`FALSE` is the one spelling that every common reader
 * takes as logical with its default options: R's read.csv and readr (which would read
 * `true`/`false` as character in read.csv), pandas (TRUE is among its default true_values) and
 * polars (which matches true/false case-insensitively).
 */
export const CSV_TRUE = 'TRUE';
export const CSV_FALSE = 'FALSE';

/**
 * A boolean cell back to its value: `TRUE` (or `true`, as output folders written by earlier versions
 * boolean change hold) is true; anything else is false.
 */
export function parseCsvBoolean(text: string | undefined): boolean {
  return text !== undefined && text.toUpperCase() === CSV_TRUE;
}

/** Options shared by every write, so the same bytes come out of every writer. */
const STRINGIFY_OPTIONS = {
  delimiter: ',',
  quote: '"',
  record_delimiter: 'unix',
  eof: true,
  header: false,
  bom: false,
  // A text cell starting with =, +, -, @, tab or CR is a formula to Excel and LibreOffice
  // (CSV injection, OWASP): csv-stringify prefixes it with a single quote, which spreadsheets
  // show as text. Only string cells pass through csv-stringify; numbers are written by
  // formatNumber, so a negative number stays a number.
  escape_formulas: true,
} as const;

/**
 * A text cell read back from a CSV file gvc wrote, without the single quote that the writer puts
 * before a cell starting with =, +, -, @, tab or CR (escape_formulas above), for showing it
 * (reports, tables). Not an exact inverse: a text that itself began with a quote and one of those
 * characters loses its quote too.
 */
export function withoutFormulaGuard(text: string): string {
  return text.length > 1 && text[0] === "'" && '=+-@\t\r'.includes(text[1]) ? text.slice(1) : text;
}

/**
 * Rows kept before one write; at ~200 bytes a row this is ~13 KiB per write. Few: the pending
 * lines outlive the young generation's collections that come while they wait, and enough such
 * bytes make V8 grow it (docs/performance.md, 2026-12-01, session 16).
 */
const DEFAULT_BATCH_ROWS = 64;

/**
 * The one number format of every output file: integers exactly, with all their digits;
 * other numbers rounded to 6 significant digits, written as a plain decimal (no exponent)
 * without trailing zeros; `-0` as `0`. Throws a RangeError for NaN and ±Infinity.
 *
 * Why 6 digits: the model's quantities are indices, shares and money of a stylised model;
 * further digits carry only floating-point noise (0.30000000000000004), which makes the
 * files larger and diffs between runs unreadable.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot format ${x} as a number`);
  if (Number.isInteger(x)) {
    // toFixed(0) prints a safe integer's digits as String() does, and -0 as 0; unlike String()
    // it does not keep the text in V8's number-string cache, whose entries (an old object's)
    // outlive the young generation's collections: a file of 100,000 rows of ids and counts
    // made V8 grow the young generation for them (docs/performance.md, session 16). BigInt
    // prints every digit of a larger integer (toFixed switches to exponent notation at 1e21).
    return Number.isSafeInteger(x) ? x.toFixed(0) : BigInt(x).toString();
  }
  // toPrecision/toExponential round the exact binary value correctly and are fully
  // specified by ECMAScript, so every platform gives the same digits. toPrecision is
  // plain decimal for 1e-6 <= |x| < 1e6 (almost every value here): trim its zeros.
  const p = x.toPrecision(6);
  if (p.indexOf('e') === -1) {
    // No point: 6 integer digits (|x| >= 1e5), whose zeros are significant.
    if (p.indexOf('.') === -1) return p;
    let end = p.length;
    while (p.charCodeAt(end - 1) === 48 /* '0' */) end--;
    if (p.charCodeAt(end - 1) === 46 /* '.' */) end--;
    return p.slice(0, end);
  }
  // Otherwise move the point of the exponent form by hand.
  const s = x.toExponential(5);
  const exponentAt = s.indexOf('e');
  const exp = Number(s.slice(exponentAt + 1));
  const negative = s.charCodeAt(0) === 45; /* '-' */
  let digits = s.slice(negative ? 1 : 0, exponentAt).replace('.', '');
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  digits = digits.slice(0, end);
  let out: string;
  if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (exp >= digits.length - 1) out = digits + '0'.repeat(exp - digits.length + 1);
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  // A non-integer rounded to 6 significant digits is never zero, so the sign is kept.
  return negative ? '-' + out : out;
}

/** Thrown for a value that does not fit its column: always a defect in the producer. */
export class CsvValueError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
    this.name = 'CsvValueError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

function formatCell(
  value: unknown,
  type: ColumnType,
  column: string,
  where: string,
  exact = false,
): string {
  if (value === null || value === undefined) return '';
  const file = where === '' ? 'CSV output' : where;
  switch (type) {
    case 'number':
    case 'integer':
      if (typeof value !== 'number') break;
      if (!Number.isFinite(value)) {
        throw new CsvValueError(
          column,
          `${file}: column ${column} got ${value}; a non-finite value is a model defect`,
        );
      }
      if (type === 'integer' && !Number.isInteger(value)) {
        throw new CsvValueError(column, `${file}: integer column ${column} got ${value}`);
      }
      // String() is the shortest decimal that reads back as the same double (ECMAScript
      // Number::toString); `x + 0` turns -0 into 0.
      return exact ? String(value + 0) : formatNumber(value);
    case 'boolean':
      if (typeof value !== 'boolean') break;
      return value ? CSV_TRUE : CSV_FALSE;
    case 'string':
      if (typeof value !== 'string') break;
      return value;
  }
  throw new CsvValueError(column, `${file}: ${type} column ${column} got ${describe(value)}`);
}

/**
 * A string cell as csv-stringify writes it inside a record (quoted and escaped where needed).
 * csv-stringify decides; we only remember its answer per distinct value, because a column of
 * strings holds few distinct ones (group names, roles, relationship types) and running the
 * full stringifier over every record of a large output cost more than the simulation.
 * Numbers and booleans never need quoting (formatNumber writes only digits, `.` and `-`).
 */
const escapedCells = new Map<string, string>();
const MAX_ESCAPED_CELLS = 10_000;

export function escapeCell(value: string): string {
  let escaped = escapedCells.get(value);
  if (escaped === undefined) {
    // A two-field record, so the field is never alone on its line; drop the `,` and `\n` after it.
    const text = stringify([[value, '']], STRINGIFY_OPTIONS);
    escaped = text.slice(0, text.length - 2);
    // Error messages are all different: keep the memo bounded.
    if (escapedCells.size >= MAX_ESCAPED_CELLS) escapedCells.clear();
    escapedCells.set(value, escaped);
  }
  return escaped;
}

/** One record as a CSV line without its line end: formatted cells, string cells escaped by csv-stringify. */
function formatLine(cells: readonly string[], types: readonly ColumnType[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const text = types[i] === 'string' && c !== '' ? escapeCell(c) : c;
    line = i === 0 ? text : line + ',' + text;
  }
  return line;
}

/**
 * CSV text for `rows` (no header), or the header line alone when `rows` is null, formatted
 * exactly as CsvWriter does; for writers that manage their own files (e.g. the journaled
 * sweep tables). Throws a CsvValueError like CsvWriter.write.
 */
export function formatRows(columns: readonly ColumnSpec[], rows: readonly object[] | null): string {
  if (rows === null) return stringify([columns.map((c) => c.name)], STRINGIFY_OPTIONS);
  if (rows.length === 0) return '';
  const types = columns.map((c) => c.type);
  const cells = new Array<string>(columns.length);
  const lines = new Array<string>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++)
      cells[i] = formatCell(r[columns[i].name], types[i], columns[i].name, '', columns[i].exact);
    lines[k] = formatLine(cells, types);
  }
  // Joined rather than appended: `+=` left a rope of every cell (~2,400 bytes of heap for a
  // 200-character supplier row), which a sweep run keeps until it ends; join makes one flat string.
  return lines.join('\n') + '\n';
}

export interface CsvWriterOptions {
  /**
   * Columns whose cell is the same in every row (e.g. `run_id`), formatted once; the
   * row's own value for such a column is ignored. Cheaper than copying each row to set it.
   */
  constants?: Record<string, unknown>;
  /** Rows per write (tests use 1 to exercise the flushing). */
  batchRows?: number;
}

/**
 * Writes rows (objects keyed by column name) to a CSV file whose header is the column
 * names. Cells: null/undefined → empty; booleans → `TRUE`/`FALSE`; numbers → formatNumber,
 * or String(x) in a column marked `exact`; text cells starting with a formula character get
 * a leading `'` (see STRINGIFY_OPTIONS).
 * A value that does not fit its column type (NaN, ±Infinity, a fraction in an integer
 * column, a string in a number column …) throws a CsvValueError naming the column, and the
 * row is not written. Keys of the row that are not columns are ignored.
 */
export class CsvWriter<R extends object = Record<string, unknown>> {
  readonly path: string;
  readonly columns: readonly ColumnSpec[];
  private fd: number | null;
  private readonly names: string[];
  private readonly types: ColumnType[];
  private readonly exact: boolean[];
  /** Pre-formatted constant cells by column index; undefined where the row decides. */
  private readonly fixed: (string | undefined)[];
  private readonly batchRows: number;
  /** The cells of the row being formatted (reused: write formats one row at a time). */
  private readonly cells: string[];
  /** Formatted lines of the rows not yet written. */
  private batch: string[] = [];
  private rows = 0;

  constructor(path: string, columns: readonly ColumnSpec[], options: CsvWriterOptions = {}) {
    this.path = path;
    this.columns = columns;
    this.names = columns.map((c) => c.name);
    this.types = columns.map((c) => c.type);
    this.exact = columns.map((c) => c.exact === true);
    const seen = new Set<string>();
    for (const n of this.names) {
      if (seen.has(n)) throw new Error(`${path}: column ${n} is listed twice`);
      seen.add(n);
    }
    const constants = options.constants ?? {};
    for (const key of Object.keys(constants)) {
      if (!seen.has(key)) throw new Error(`${path}: constant given for unknown column ${key}`);
    }
    this.fixed = columns.map((c) =>
      Object.prototype.hasOwnProperty.call(constants, c.name)
        ? formatCell(constants[c.name], c.type, c.name, path, c.exact)
        : undefined,
    );
    this.batchRows = Math.max(1, Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS));
    this.cells = new Array<string>(columns.length);
    try {
      this.fd = openSync(path, 'w');
    } catch (err) {
      throw osFailure(err, 'create', path);
    }
    try {
      this.put(formatRows(columns, null));
    } catch (err) {
      closeSync(this.fd);
      this.fd = null;
      throw err;
    }
  }

  /** Data rows accepted so far (excluding the header). */
  get rowCount(): number {
    return this.rows;
  }

  write(row: R): void {
    if (this.fd === null) throw new Error(`${this.path}: write after close`);
    const r = row as Record<string, unknown>;
    const n = this.names.length;
    const cells = this.cells;
    for (let i = 0; i < n; i++) {
      const f = this.fixed[i];
      cells[i] =
        f !== undefined
          ? f
          : formatCell(r[this.names[i]], this.types[i], this.names[i], this.path, this.exact[i]);
    }
    this.batch.push(formatLine(cells, this.types));
    this.rows++;
    if (this.batch.length >= this.batchRows) this.flush();
  }

  /**
   * Writes what is left and closes the file. Resolves once every byte has been handed to
   * the operating system and the file is closed (no fsync: the outputs are reproducible
   * from the manifest, so surviving a power cut is not worth an fsync per file). Calling it
   * again does nothing.
   */
  async close(): Promise<void> {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      const fd = this.fd;
      this.fd = null;
      this.batch = [];
      closeSync(fd);
    }
  }

  /** Closes the file without writing the pending rows; for error paths. Never throws. */
  discard(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.batch = [];
    try {
      closeSync(fd);
    } catch {
      // The file is about to be deleted with its folder; a failed close changes nothing.
    }
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.join('\n') + '\n';
    this.batch = [];
    this.put(text);
  }

  private put(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    // writeSync may write fewer bytes than asked (e.g. on pipes or when interrupted).
    try {
      while (off < buf.length) off += writeSync(this.fd as number, buf, off, buf.length - off);
    } catch (err) {
      throw osFailure(err, 'write', this.path);
    }
  }
}
