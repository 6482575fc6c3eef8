import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/engine/observations.js';
import { stringify } from 'csv-stringify/sync';
import {
  CsvValueError,
  CsvWriter,
  escapeCell,
  formatNumber,
  formatRows,
  parseCsvBoolean,
} from '../../src/io/csv.js';
import { cleanupTemp, readRecords, tempDir } from './helpers.js';

afterAll(cleanupTemp);

/** A text cell as written: one starting with a formula character gets a leading single quote. */
const asSpreadsheetText = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const COLS: ColumnSpec[] = [
  { name: 'id', type: 'integer', unit: '', description: 'id' },
  { name: 'label', type: 'string', unit: '', description: 'label' },
  { name: 'x', type: 'number', unit: 'share', description: 'x' },
  { name: 'flag', type: 'boolean', unit: '', description: 'flag' },
];

describe('formatNumber', () => {
  it('formats known values exactly', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [42, '42'],
      [-7, '-7'],
      [0.5, '0.5'],
      [0.1 + 0.2, '0.3'],
      [1 / 3, '0.333333'],
      [2 / 3, '0.666667'],
      [-2 / 3, '-0.666667'],
      [123456.7, '123457'],
      [120000.4, '120000'],
      [1234567.89, '1234570'],
      [999999.5, '1000000'],
      [0.000001, '0.000001'],
      [1.234567e-7, '0.000000123457'],
      [-1e-7, '-0.0000001'],
      [1e21, '1000000000000000000000'],
      [2 ** 60, '1152921504606846976'],
      [12345678, '12345678'],
    ];
    for (const [x, s] of cases) expect(formatNumber(x), String(x)).toBe(s);
  });

  it('prints every safe integer as String() does (toFixed, not the number-string cache)', () => {
    for (const x of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1])
      expect(formatNumber(x)).toBe(String(x));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (x) => formatNumber(x) === String(x)),
      { numRuns: 2000 },
    );
  });

  it('throws on NaN and infinities', () => {
    expect(() => formatNumber(NaN)).toThrow();
    expect(() => formatNumber(Infinity)).toThrow();
    expect(() => formatNumber(-Infinity)).toThrow();
  });

  it('is within 6 significant digits, plain decimal, no trailing zeros', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatNumber(x);
        expect(s).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        const y = Number(s);
        if (Number.isInteger(x)) {
          expect(y).toBe(x + 0);
        } else {
          // Half a unit in the 6th significant digit, plus parsing slack for subnormals.
          expect(Math.abs(y - x)).toBeLessThanOrEqual(
            5e-6 * Math.abs(x) * (1 + 1e-9) + Number.MIN_VALUE,
          );
          // And no more digits than needed.
          const significant = s
            .replace('-', '')
            .replace('.', '')
            .replace(/^0+/, '')
            .replace(/0+$/, '');
          expect(significant.length).toBeLessThanOrEqual(6);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('writes integers exactly', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double().filter(Number.isInteger)),
        (n) => {
          expect(Number(formatNumber(n))).toBe(n + 0);
          expect(formatNumber(n)).not.toMatch(/[e.]/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('CsvWriter', () => {
  it('writes the header from the column list, \\n line endings, no BOM', async () => {
    const file = join(tempDir(), 'a.csv');
    const w = new CsvWriter(file, COLS);
    w.write({ id: 1, label: 'a', x: 0.25, flag: true });
    await w.close();
    const text = readFileSync(file, 'utf8');
    expect(text).toBe('id,label,x,flag\n1,a,0.25,TRUE\n');
  });

  it('writes only the header for no rows', async () => {
    const file = join(tempDir(), 'a.csv');
    await new CsvWriter(file, COLS).close();
    expect(readFileSync(file, 'utf8')).toBe('id,label,x,flag\n');
  });

  it('quotes commas, quotes and newlines so they round-trip', async () => {
    const file = join(tempDir(), 'a.csv');
    const labels = [
      'a,b',
      'say "hi"',
      'two\nlines',
      'cr\rlf\r\n',
      ' spaced ',
      '',
      'ünïcødé ✓',
      '"',
      ',',
    ];
    const w = new CsvWriter(file, COLS, { batchRows: 2 });
    labels.forEach((label, i) => w.write({ id: i, label, x: null, flag: false }));
    await w.close();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"a,b"');
    expect(text).toContain('"say ""hi"""');
    const records = readRecords(file);
    expect(records[0]).toEqual(['id', 'label', 'x', 'flag']);
    expect(records.slice(1).map((r) => r[1])).toEqual(labels);
  });

  it('round-trips arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }),
        async (labels) => {
          const file = join(tempDir(), 'p.csv');
          const w = new CsvWriter(file, COLS, { batchRows: 3 });
          labels.forEach((label, i) => w.write({ id: i, label, x: 1, flag: true }));
          await w.close();
          const records = readRecords(file);
          expect(records.length).toBe(labels.length + 1);
          expect(records.slice(1).map((r) => r[1])).toEqual(labels.map(asSpreadsheetText));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes null and undefined as empty cells, booleans as TRUE/FALSE', async () => {
    const file = join(tempDir(), 'a.csv');
    const w = new CsvWriter(file, COLS);
    w.write({ id: null, label: undefined, x: undefined, flag: null });
    w.write({ id: 3, label: 'z', x: -0, flag: false });
    w.write({ id: 4 }); // missing keys are empty cells too
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe('id,label,x,flag\n,,,\n3,z,0,FALSE\n4,,,\n');
  });

  it('writes booleans in the one spelling R read.csv, readr, pandas and polars read as logical', async () => {
    const file = join(tempDir(), 'b.csv');
    const w = new CsvWriter(file, COLS);
    w.write({ id: 1, flag: true });
    w.write({ id: 2, flag: false });
    await w.close();
    const cells = readRecords(file)
      .slice(1)
      .map((r) => r[3]);
    expect(cells).toEqual(['TRUE', 'FALSE']);
    // Read back by the project's own readers, and older folders' lower case too.
    expect(cells.map(parseCsvBoolean)).toEqual([true, false]);
    expect(['true', 'false', '', undefined].map(parseCsvBoolean)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('throws an error naming the column for NaN or Infinity, and does not write the row', async () => {
    const file = join(tempDir(), 'a.csv');
    const w = new CsvWriter(file, COLS);
    expect(() => w.write({ id: 1, label: 'a', x: NaN, flag: true })).toThrow(/\bx\b/);
    expect(() => w.write({ id: 1, label: 'a', x: Infinity, flag: true })).toThrow(CsvValueError);
    try {
      w.write({ id: 1, label: 'a', x: -Infinity, flag: true });
      expect.unreachable();
    } catch (err) {
      expect((err as CsvValueError).column).toBe('x');
    }
    expect(w.rowCount).toBe(0);
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe('id,label,x,flag\n');
  });

  it('rejects values that do not fit the column type', () => {
    const w = new CsvWriter(join(tempDir(), 'a.csv'), COLS);
    expect(() => w.write({ id: 1.5 })).toThrow(/integer column id/);
    expect(() => w.write({ x: '0.5' })).toThrow(/column x/);
    expect(() => w.write({ flag: 1 })).toThrow(/column flag/);
    expect(() => w.write({ label: 7 })).toThrow(/column label/);
    w.discard();
  });

  it('fills constant columns once, ignoring the row value', async () => {
    const file = join(tempDir(), 'a.csv');
    const w = new CsvWriter(file, COLS, { constants: { id: 9 } });
    w.write({ id: null, label: 'a', x: 1, flag: true });
    w.write({ id: 1, label: 'b', x: 2, flag: false });
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe('id,label,x,flag\n9,a,1,TRUE\n9,b,2,FALSE\n');
  });

  it('writes to disk as it goes rather than holding the file in memory', () => {
    const file = join(tempDir(), 'a.csv');
    const w = new CsvWriter(file, COLS, { batchRows: 10 });
    for (let i = 0; i < 25; i++) w.write({ id: i, label: 'row', x: i / 7, flag: true });
    // Two full batches are on disk before close(); the last five rows are pending.
    expect(readFileSync(file, 'utf8').split('\n').length - 2).toBe(20);
    w.discard();
  });

  it('keeps every row of a large output, in order', async () => {
    const file = join(tempDir(), 'big.csv');
    const w = new CsvWriter(file, COLS);
    const n = 20_000;
    for (let i = 0; i < n; i++)
      w.write({ id: i, label: i % 3 === 0 ? 'a,b' : 'c', x: i / 3, flag: i % 2 === 0 });
    await w.close();
    const records = readRecords(file);
    expect(records.length).toBe(n + 1);
    expect(records[n]).toEqual([
      String(n - 1),
      (n - 1) % 3 === 0 ? 'a,b' : 'c',
      formatNumber((n - 1) / 3),
      'FALSE',
    ]);
  });

  it('refuses writes after close and a column listed twice', async () => {
    const w = new CsvWriter(join(tempDir(), 'a.csv'), COLS);
    await w.close();
    await w.close();
    expect(() => w.write({ id: 1 })).toThrow(/after close/);
    expect(() => new CsvWriter(join(tempDir(), 'b.csv'), [COLS[0], COLS[0]])).toThrow(/twice/);
  });
});

describe('formatRows', () => {
  it('gives the same bytes as CsvWriter, header and rows separately', async () => {
    const file = join(tempDir(), 'a.csv');
    const rows = [
      { id: 1, label: 'a,"b"', x: 1 / 3, flag: true },
      { id: null, label: 'line\nbreak', x: -0, flag: false },
    ];
    const w = new CsvWriter(file, COLS);
    for (const r of rows) w.write(r);
    await w.close();
    expect(formatRows(COLS, null) + formatRows(COLS, rows)).toBe(readFileSync(file, 'utf8'));
    expect(formatRows(COLS, [])).toBe('');
    expect(() => formatRows(COLS, [{ x: NaN }])).toThrow(/column x/);
  });
});

describe('text cells a spreadsheet would execute (CSV injection)', () => {
  it('are written with a leading single quote; numbers, negative ones included, are not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('=', '+', '-', '@', '\t', '\r'),
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true, max: -1e-300 }),
        async (lead, rest, negative) => {
          const file = join(tempDir(), 'f.csv');
          const w = new CsvWriter(file, COLS);
          w.write({ id: -3, label: lead + rest, x: negative, flag: true });
          await w.close();
          const [, row] = readRecords(file);
          expect(row[1]).toBe(`'${lead}${rest}`);
          expect(row[0]).toBe('-3');
          expect(row[2]).toBe(formatNumber(negative));
          expect(Number(row[2])).toBeLessThan(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leave other text as it is', () => {
    for (const v of ['a=b', 'x-1', ' =1', "'=1", '#x', 'é']) expect(escapeCell(v)).toBe(v);
    expect(escapeCell('=1+1')).toBe("'=1+1");
    expect(escapeCell('-1')).toBe("'-1");
  });
});

describe('escapeCell (memoised csv-stringify escaping)', () => {
  // The writer joins cells itself and asks csv-stringify only how to escape each distinct
  // string; the bytes must be exactly those of csv-stringify formatting the whole record.
  const whole = (records: unknown[][]) =>
    stringify(records, {
      delimiter: ',',
      quote: '"',
      record_delimiter: 'unix',
      eof: true,
      header: false,
      bom: false,
      escape_formulas: true,
    });

  it('escapes like csv-stringify does inside a record', () => {
    for (const v of ['', 'a', 'a,b', 'a"b', 'a\nb', 'a\rb', '"', ',', ' x ', 'é', '#x', 'a\r\nb']) {
      expect(`1,${escapeCell(v)},2\n`).toBe(whole([['1', v, '2']]));
      expect(escapeCell(v)).toBe(escapeCell(v)); // memoised answer is stable
    }
  });

  it('formatRows equals csv-stringify over whole records, for arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer(), fc.string({ unit: 'binary' }), fc.boolean()), {
          minLength: 1,
          maxLength: 5,
        }),
        (rows) => {
          const objs = rows.map(([id, label, flag]) => ({ id, label, x: null, flag }));
          const expected = whole(
            rows.map(([id, label, flag]) => [id, label, '', flag ? 'TRUE' : 'FALSE']),
          );
          expect(formatRows(COLS, objs)).toBe(expected);
        },
      ),
    );
  });
});

describe('validation.csv free text', () => {
  it('goes through the text-cell path (string columns), and the codebook says how formulas are neutralised', async () => {
    const { VALIDATION_COLUMNS } = await import('../../src/experiment/validate.js');
    for (const name of ['source', 'contrast']) {
      const col = VALIDATION_COLUMNS.find((c) => c.name === name)!;
      expect(col.type).toBe('string');
      expect(col.description).toMatch(/leading '/);
    }
    const line = formatRows(VALIDATION_COLUMNS, [
      { source: '=HYPERLINK("http://x")', contrast: '-1 minus 2', effect: -0.5 },
    ]);
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line).toContain("'-1 minus 2");
    expect(line).toContain(',-0.5,');
  });
});
