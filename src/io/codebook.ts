/**
 * codebook.csv: the data dictionary of an output folder, one row per column of every data
 * file written there. Generated from the same ColumnSpec lists the writers take their
 * headers from, so it cannot drift from the files it describes.
 */
import type { ColumnSpec } from '../engine/observations.js';
import { CsvWriter } from './csv.js';

export const CODEBOOK_COLUMNS: readonly ColumnSpec[] = [
  { name: 'file', type: 'string', unit: '', description: 'Data file in this folder.' },
  {
    name: 'column',
    type: 'string',
    unit: '',
    description: 'Column name as in the header row of the file.',
  },
  {
    name: 'type',
    type: 'string',
    unit: '',
    description:
      'integer, number, string or boolean (TRUE/FALSE, read as logical by default in R read.csv, readr, pandas and polars); empty cells mean "not applicable".',
  },
  {
    name: 'unit',
    type: 'string',
    unit: '',
    description: 'Unit of the values; empty when dimensionless or an identifier.',
  },
  { name: 'description', type: 'string', unit: '', description: 'What the column measures.' },
];

export interface CodebookEntry {
  file: string;
  columns: readonly ColumnSpec[];
}

export async function writeCodebook(path: string, files: readonly CodebookEntry[]): Promise<void> {
  const writer = new CsvWriter(path, CODEBOOK_COLUMNS);
  try {
    for (const { file, columns } of files) {
      for (const c of columns) {
        writer.write({
          file,
          column: c.name,
          type: c.type,
          unit: c.unit,
          description: c.description,
        });
      }
    }
    await writer.close();
  } catch (err) {
    writer.discard();
    throw err;
  }
}
