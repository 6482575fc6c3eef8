/**
 * Reading the CSV and JSON files of an output folder for reports and tables. Every problem a
 * user can cause (a missing file, a missing column, a value that is not a number) becomes a
 * one-line UserError naming the file and the column.
 */
import { inputReadFailure } from '../io/os-errors.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../scenario/errors.js';
import { readJsonObject } from '../io/read-json.js';
import { readInputFile } from '../io/read-file.js';
import { checkWrittenBytes, recordOf } from '../io/file-record.js';
import { decimalNumber, requireDistinctColumns } from '../io/read-csv.js';
import { decodeUtf8 } from '../scenario/text.js';
import { withoutFormulaGuard } from '../io/csv.js';

export type Row = Record<string, string>;

export interface Table {
  /** The file as it appears in messages. */
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

/**
 * Reads a CSV file with a header row, for reports and tables. A file of an output folder
 * (`written`, the default) is first checked against the size and sha256 its folder's manifest
 * records and for its final line break (file-record.ts). `gvc table`, which takes any CSV file,
 * passes 'if-recorded': a file its folder's manifest records (summary.csv of a sweep) is
 * checked the same way, so a table for a paper is never made from a file cut short or changed
 * after gvc wrote it; any other CSV file is read as it is, also beside a manifest.json that is
 * not gvc's (recordOf). Text cells are shown as written,
 * without the quote gvc's writer puts before a cell that a spreadsheet would take for a formula
 * (withoutFormulaGuard). Throws a UserError for an unreadable, cut, changed, empty or invalid
 * file or a repeated column name.
 */
export function readCsv(path: string, written: boolean | 'if-recorded' = true): Table {
  let text: string;
  try {
    const bytes = readInputFile(path, 'a CSV file');
    if (written === true || (written === 'if-recorded' && recordOf(path, true) !== null))
      checkWrittenBytes(path, bytes);
    text = decodeUtf8(bytes, path);
  } catch (err) {
    throw inputReadFailure(err, path, 'CSV file');
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new UserError(`${path}: not a valid CSV file: ${(err as Error).message.split('\n')[0]}`);
  }
  if (records.length === 0) throw new UserError(`${path}: empty file (expected a header row)`);
  const columns = records[0];
  requireDistinctColumns(path, columns);
  const rows = records
    .slice(1)
    .map(
      (r) => Object.fromEntries(columns.map((c, i) => [c, withoutFormulaGuard(r[i] ?? '')])) as Row,
    );
  return { file: path, columns, rows };
}

/** Throws a UserError naming the first of `needed` that the table lacks. */
export function requireColumns(table: Table, needed: readonly string[]): void {
  const missing = needed.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new UserError(
      `${table.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
}

/** A numeric cell: null when empty; a UserError when it is not a number. */
export function num(table: Table, row: Row, column: string): number | null {
  const text = row[column];
  if (text === undefined || text === '') return null;
  const x = decimalNumber(text);
  if (!Number.isFinite(x))
    throw new UserError(
      `${table.file}: column ${column}: expected a number, found "${text.length > 30 ? text.slice(0, 30) + '…' : text}"`,
    );
  return x;
}

/** True when `path` is a regular file; a path the system cannot follow throws as inputReadFailure. */
export function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch (err) {
    throw inputReadFailure(err, path);
  }
}

/** The parts of manifest.json a report shows; every field is optional (other tools write manifests too). */
export interface ManifestSummary {
  scenario_name?: string;
  scenario_file?: string | null;
  seeds?: number[];
  version?: string;
  program?: string;
  git_commit?: string | null;
  git_dirty?: boolean | null;
  steps_per_year?: number;
  command_line?: string;
}

/** Reads manifest.json when present; null when absent. A manifest that is not JSON is a UserError. */
export function readManifest(dir: string): ManifestSummary | null {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  const manifest = readJsonObject(path, 'a manifest');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const params = (manifest.parameters ?? {}) as Record<string, unknown>;
  const spy = params['time.steps_per_year'];
  const seeds = Array.isArray(manifest.seeds)
    ? manifest.seeds.filter((s): s is number => typeof s === 'number')
    : typeof manifest.seed === 'number'
      ? [manifest.seed]
      : undefined;
  return {
    scenario_name: str(manifest.scenario_name),
    scenario_file: str(manifest.scenario_file) ?? null,
    seeds,
    version: str(manifest.version),
    program: str(manifest.program),
    git_commit: str(manifest.git_commit) ?? null,
    git_dirty: typeof manifest.git_dirty === 'boolean' ? manifest.git_dirty : null,
    steps_per_year: typeof spy === 'number' ? spy : undefined,
    command_line: str(manifest.command_line),
  };
}

/** Units of columns from codebook.csv (file → column → unit); empty when there is no codebook. */
export function readUnits(dir: string): Map<string, Map<string, string>> {
  const units = new Map<string, Map<string, string>>();
  const path = join(dir, 'codebook.csv');
  if (!isFile(path)) return units;
  const t = readCsv(path);
  if (!t.columns.includes('file') || !t.columns.includes('column') || !t.columns.includes('unit'))
    return units;
  for (const r of t.rows) {
    if (!units.has(r.file)) units.set(r.file, new Map());
    units.get(r.file)!.set(r.column, r.unit);
  }
  return units;
}
