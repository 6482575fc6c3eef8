/**
 * `gvc table`: a CSV file (summary.csv, runs.csv, sensitivity.csv, validation.csv …) as a
 * table for a paper: LaTeX (booktabs) or Markdown (pipe table). Columns can be chosen and
 * rows filtered; numbers are rounded to a fixed number of decimals and right-aligned.
 */
import { UserError } from '../scenario/errors.js';
import { suggest } from '../scenario/paths.js';
import type { Table } from './data.js';

export type TableFormat = 'latex' | 'markdown';

export interface TableOptions {
  format: TableFormat;
  columns?: readonly string[];
  /** Decimals of numbers (default 3); a column of whole numbers is kept as written. */
  digits?: number;
  /** Keep only rows where column = value (all must hold). */
  where?: readonly (readonly [string, string])[];
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/** Text safe in LaTeX's text mode: every special character replaced in one pass. */
export function escapeLatex(s: string): string {
  return s.replace(/[\\&%$#_{}~^<>|]/g, (c) => LATEX_SPECIALS[c]).replace(/\r?\n/g, ' ');
}

/** Text safe in a Markdown pipe-table cell. */
export function escapeMarkdown(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a cell is a number as CSV writers write it (integer, decimal or exponent form). */
export function isNumeric(text: string): boolean {
  return NUMBER.test(text.trim());
}

/**
 * A number cell with `digits` significant digits (for tables that mix scales, e.g. a count
 * and a difference of shares in one column); integers as written; other text unchanged.
 */
export function formatSignificant(text: string, digits: number): string {
  if (!isNumeric(text)) return text;
  const x = Number(text);
  if (Number.isInteger(x) && !/[.eE]/.test(text)) return text.trim();
  // Number(…) drops trailing zeros and keeps plain notation down to 1e-7.
  const s = Number(x.toPrecision(digits)).toString();
  return s === '-0' ? '0' : s;
}

/** Columns whose every non-empty cell is a number (and that have at least one). */
export function numericColumns(
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): boolean[] {
  return columns.map(
    (c) =>
      rows.some((r) => (r[c] ?? '') !== '') &&
      rows.every((r) => (r[c] ?? '') === '' || isNumeric(r[c])),
  );
}

/** Whether a cell is a whole number written without a decimal point or exponent ("30"). */
function isWhole(text: string): boolean {
  return isNumeric(text) && !/[.eE]/.test(text) && Number.isInteger(Number(text));
}

/**
 * `x` with `digits` decimals, except that a number other than zero is never shown as zero: one
 * that `digits` decimals would round to 0.000 (or -0.000) gets 3 significant digits instead
 * (0.000412, -0.000412; 4.12e-7 below 1e-6), as a small effect or share printed as 0.000
 * reads as none at all. Zero, and -0, is `0.000` (a minus on a zero reads as a sign error).
 */
export function fixedNonZero(x: number, digits: number): string {
  const s = x.toFixed(digits);
  if (Number(s) !== 0) return s;
  if (x !== 0 && Number.isFinite(x)) return Number(x.toPrecision(3)).toString();
  return s.startsWith('-') ? s.slice(1) : s;
}

/**
 * A number cell with `digits` decimals (a small non-zero one with 3 significant digits,
 * fixedNonZero); a whole number as written when `keepWhole` (the default), as for a column of
 * counts. Other text unchanged.
 */
export function formatCell(text: string, digits: number, keepWhole = true): string {
  if (!isNumeric(text)) return text;
  const x = Number(text);
  if (keepWhole && isWhole(text)) return text.trim();
  return fixedNonZero(x, digits);
}

function chooseColumns(table: Table, columns: readonly string[] | undefined): string[] {
  if (!columns || columns.length === 0) return [...table.columns];
  for (const c of columns) {
    if (!table.columns.includes(c)) {
      const hint = suggest(c, table.columns);
      throw new UserError(
        `--columns: ${table.file} has no column "${c}"${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
  }
  return [...columns];
}

/** Values of a column listed when a --where value matches no row. */
const MAX_VALUES_SHOWN = 8;

export function formatTable(table: Table, opts: TableOptions): string {
  const digits = opts.digits ?? 3;
  const columns = chooseColumns(table, opts.columns);
  let rows = table.rows;
  for (const [col, value] of opts.where ?? []) {
    if (!table.columns.includes(col)) {
      const hint = suggest(col, table.columns);
      throw new UserError(
        `--where: ${table.file} has no column "${col}"${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
    const kept = rows.filter((r) => r[col] === value);
    // Say which filter left nothing and what the column holds there, so a typo or a value
    // written differently (0.5 for 0.50) shows at once.
    if (kept.length === 0 && rows.length > 0) {
      const values = [...new Set(rows.map((r) => r[col]))];
      // A number is matched by value (0.5 for 0.50), never by spelling: 7 is not "like" 1.
      const numeric = value.trim() !== '' && Number.isFinite(Number(value));
      const hint = numeric
        ? values.find((v) => v.trim() !== '' && Number(v) === Number(value))
        : suggest(value, values);
      const shown = values
        .slice(0, MAX_VALUES_SHOWN)
        .map((v) => JSON.stringify(v))
        .join(', ');
      const more = values.length > MAX_VALUES_SHOWN ? `, … (${values.length} in all)` : '';
      throw new UserError(
        `--where ${col}=${value}: no row of ${table.file} has ${col} = "${value}"${opts.where!.length > 1 ? ' (with the --where filters before it)' : ''}; it has ${shown}${more}${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
    rows = kept;
  }
  if (rows.length === 0)
    throw new UserError(
      `${table.file}: no rows${opts.where && opts.where.length > 0 ? ' match --where' : ''}`,
    );
  // A column is numeric when every non-empty cell is a number: right-aligned.
  const numeric = numericColumns(columns, rows);
  // Whole numbers stay as written only in a column of whole numbers (counts, steps, ids): in a
  // column of decimals a mean of exactly 0 is written with the others' decimals (0.00), so the
  // column reads as one precision and its figures align.
  const whole = columns.map((c) => rows.every((r) => (r[c] ?? '') === '' || isWhole(r[c])));
  const cells = rows.map((r) =>
    columns.map((c, j) => (numeric[j] ? formatCell(r[c], digits, whole[j]) : r[c])),
  );
  return opts.format === 'latex'
    ? latex(columns, numeric, cells)
    : markdown(columns, numeric, cells);
}

function latex(
  columns: readonly string[],
  numeric: readonly boolean[],
  cells: readonly string[][],
): string {
  const lines = [
    '% requires \\usepackage{booktabs}',
    `\\begin{tabular}{${numeric.map((n) => (n ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    `${columns.map(escapeLatex).join(' & ')} \\\\`,
    '\\midrule',
    ...cells.map((row) => `${row.map(escapeLatex).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
  ];
  return lines.join('\n') + '\n';
}

function markdown(
  columns: readonly string[],
  numeric: readonly boolean[],
  cells: readonly string[][],
): string {
  const head = columns.map(escapeMarkdown);
  const body = cells.map((row) => row.map(escapeMarkdown));
  const width = head.map((h, j) => Math.max(3, h.length, ...body.map((r) => r[j].length)));
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(width[j]) : s.padEnd(width[j]));
  const line = (row: readonly string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = `| ${width.map((w, j) => (numeric[j] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n') + '\n';
}
