import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUPPLIER_COLUMNS, TIMESERIES_COLUMNS } from '../../src/engine/observations.js';
import { CODEBOOK_COLUMNS, writeCodebook } from '../../src/io/codebook.js';
import { cleanupTemp, readRecords, tempDir } from './helpers.js';

afterAll(cleanupTemp);

describe('writeCodebook', () => {
  it('writes one row per written column, in order, with type, unit and description', async () => {
    const file = join(tempDir(), 'codebook.csv');
    await writeCodebook(file, [
      { file: 'timeseries.csv', columns: TIMESERIES_COLUMNS },
      { file: 'suppliers.csv', columns: SUPPLIER_COLUMNS },
    ]);
    const [header, ...rows] = readRecords(file);
    expect(header).toEqual(['file', 'column', 'type', 'unit', 'description']);
    expect(header).toEqual(CODEBOOK_COLUMNS.map((c) => c.name));
    const expected = [
      ...TIMESERIES_COLUMNS.map((c) => ['timeseries.csv', c.name, c.type, c.unit, c.description]),
      ...SUPPLIER_COLUMNS.map((c) => ['suppliers.csv', c.name, c.type, c.unit, c.description]),
    ];
    expect(rows).toEqual(expected);
  });

  it("says when a supplier column is taken: ties at the end of the step, or the step's sales", () => {
    // A new user found an active supplier with n_buyers 0 and top_buyer_share 0.40 (its tie
    // ended during the step, after its orders): the codebook must state the timing that
    // docs/ODD.md §4.11 gives, or the row reads as an error.
    const described = (name: string) => SUPPLIER_COLUMNS.find((c) => c.name === name)?.description;
    expect(described('n_buyers')).toMatch(/at the end of the step/);
    expect(described('main_buyer_governance')).toMatch(/at the end of the step/);
    expect(described('top_buyer_share')).toMatch(/the step's sales/);
  });

  it('writes only the files it is given', async () => {
    const file = join(tempDir(), 'codebook.csv');
    await writeCodebook(file, [{ file: 'timeseries.csv', columns: TIMESERIES_COLUMNS }]);
    const rows = readRecords(file).slice(1);
    expect(rows.length).toBe(TIMESERIES_COLUMNS.length);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['timeseries.csv']));
  });
});
