import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
  type AgentsMode,
  type ObservationSink,
  type SupplierRow,
  type TimeseriesRow,
} from '../../src/engine/observations.js';
import { UserError } from '../../src/scenario/errors.js';
import { writeRunOutputs, type RunOutputOptions } from '../../src/io/run-output.js';
import { cleanupTemp, readRecords, tempDir, writeGvcManifest } from './helpers.js';

afterAll(cleanupTemp);

function tsRow(step: number): TimeseriesRow {
  const row: Record<string, unknown> = {};
  for (const c of TIMESERIES_COLUMNS) row[c.name] = c.type === 'integer' ? step : step / 3;
  row.run_id = null;
  return row as TimeseriesRow;
}

function supRow(step: number, id: number): SupplierRow {
  const row: Record<string, unknown> = {};
  for (const c of SUPPLIER_COLUMNS) {
    row[c.name] =
      c.type === 'integer' ? id : c.type === 'number' ? 0.5 : c.type === 'boolean' ? true : 'OEM';
  }
  Object.assign(row, {
    run_id: null,
    step,
    group: 'cluster, "north"',
    step_odm: null,
    main_buyer_governance: '',
  });
  return row as SupplierRow;
}

function opts(
  outDir: string,
  agents: AgentsMode = { kind: 'final' },
  force = false,
  relationships = false,
): RunOutputOptions {
  return {
    outDir,
    force,
    agents,
    relationships,
    runId: 3,
    manifest: { scenarioFile: null, scenarioName: 'unit', parameters: { a: 1 }, seeds: [11] },
  };
}

function produce(steps: number, suppliers: number) {
  return (sink: ObservationSink): void => {
    for (let s = 0; s <= steps; s++) sink.timeseries(tsRow(s));
    sink.suppliers(Array.from({ length: suppliers }, (_, i) => supRow(steps, i + 1)));
  };
}

describe('writeRunOutputs', () => {
  it('writes the four files with contracted headers and run_id stamped on every row', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    const rows: TimeseriesRow[] = [];
    const result = await writeRunOutputs(opts(out), (sink) => {
      const row = tsRow(0);
      rows.push(row);
      sink.timeseries(row);
      produce(4, 5)(sink);
    });
    expect(result).toEqual({
      outDir: out,
      // The manifest last: it records the size and sha256 of each CSV before it.
      files: ['timeseries.csv', 'suppliers.csv', 'codebook.csv', 'manifest.json'],
    });
    expect(readdirSync(out).sort()).toEqual([
      'codebook.csv',
      'manifest.json',
      'suppliers.csv',
      'timeseries.csv',
    ]);
    expect(readdirSync(parent)).toEqual(['run']);

    const ts = readRecords(join(out, 'timeseries.csv'));
    expect(ts[0]).toEqual(TIMESERIES_COLUMNS.map((c) => c.name));
    expect(ts.length).toBe(1 + 1 + 5);
    for (const r of ts.slice(1)) expect(r[0]).toBe('3');
    expect(ts[3][1]).toBe('1');

    const sup = readRecords(join(out, 'suppliers.csv'));
    expect(sup[0]).toEqual(SUPPLIER_COLUMNS.map((c) => c.name));
    expect(sup.length).toBe(1 + 5);
    const col = (name: string) => SUPPLIER_COLUMNS.findIndex((c) => c.name === name);
    for (const r of sup.slice(1)) {
      expect(r[col('run_id')]).toBe('3');
      expect(r[col('group')]).toBe('cluster, "north"');
      expect(r[col('step_odm')]).toBe('');
      expect(r[col('active')]).toBe('TRUE');
    }

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.run_id).toBe(3);
    expect(manifest.seeds).toEqual([11]);
    expect(manifest.parameters).toEqual({ a: 1 });
    expect(Date.parse(manifest.end_time)).toBeGreaterThanOrEqual(Date.parse(manifest.start_time));

    const codebook = readRecords(join(out, 'codebook.csv')).slice(1);
    expect(codebook.length).toBe(TIMESERIES_COLUMNS.length + SUPPLIER_COLUMNS.length);
  });

  it('with agents none writes no suppliers.csv and leaves it out of the codebook', async () => {
    const out = join(tempDir(), 'run');
    const result = await writeRunOutputs(opts(out, { kind: 'none' }), produce(2, 4));
    expect(result.files).toEqual(['timeseries.csv', 'codebook.csv', 'manifest.json']);
    expect(existsSync(join(out, 'suppliers.csv'))).toBe(false);
    const codebook = readRecords(join(out, 'codebook.csv')).slice(1);
    expect(codebook.length).toBe(TIMESERIES_COLUMNS.length);
    expect(codebook.every((r) => r[0] === 'timeseries.csv')).toBe(true);
  });

  it('leaves nothing behind when produce throws', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    await expect(
      writeRunOutputs(opts(out), (sink) => {
        produce(3, 2)(sink);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('leaves nothing behind when the model emits NaN, and names the column', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    await expect(
      writeRunOutputs(opts(out), async (sink) => {
        await Promise.resolve();
        sink.timeseries({ ...tsRow(0), mean_margin: NaN });
      }),
    ).rejects.toThrow(/mean_margin/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('keeps the old folder when a forced rerun fails, and replaces it when it succeeds', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    mkdirSync(out);
    writeFileSync(join(out, 'timeseries.csv'), 'old');
    // A folder gvc did not write is never replaced, forced or not.
    await expect(
      writeRunOutputs(opts(out, { kind: 'final' }, true), produce(1, 1)),
    ).rejects.toThrow(/not an output folder written by gvc/);
    expect(readdirSync(out)).toEqual(['timeseries.csv']);
    // An earlier run's folder (its manifest says so) is replaced, but only by a run that succeeds.
    writeGvcManifest(out, { scenario_name: 'x', parameters: {} });
    await expect(
      writeRunOutputs(opts(out, { kind: 'final' }, true), () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'timeseries.csv']);
    await expect(writeRunOutputs(opts(out), produce(1, 1))).rejects.toThrow(UserError);
    await writeRunOutputs(opts(out, { kind: 'final' }, true), produce(1, 1));
    expect(readdirSync(out).sort()).toEqual([
      'codebook.csv',
      'manifest.json',
      'suppliers.csv',
      'timeseries.csv',
    ]);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('fails with a UserError before calling produce when the folder cannot be written', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), 'x');
    let called = false;
    await expect(
      writeRunOutputs(opts(join(parent, 'file', 'run')), () => {
        called = true;
      }),
    ).rejects.toThrow(UserError);
    expect(called).toBe(false);
    expect(readdirSync(parent)).toEqual(['file']);
  });

  it('handles 100k supplier rows', async () => {
    const out = join(tempDir(), 'run');
    const row = supRow(1, 1);
    await writeRunOutputs(opts(out, { kind: 'every', k: 1 }), (sink) => {
      for (let s = 0; s < 100; s++) {
        sink.timeseries(tsRow(s));
        sink.suppliers(
          Array.from({ length: 1000 }, (_, i) => ({ ...row, step: s, supplier_id: i })),
        );
      }
    });
    const lines = readFileSync(join(out, 'suppliers.csv'), 'utf8').split('\n');
    expect(lines.length).toBe(1 + 100_000 + 1); // header, rows, empty string after the final \n
    // A budget, not a benchmark: 100k rows of 35 columns took 52 s on a 2-core machine at load 27.
  }, 120_000);
});
