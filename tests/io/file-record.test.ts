/**
 * Output folders record the size and sha256 of every CSV in their manifest, and the commands
 * that read a folder back (merge, report, sensitivity) refuse a file that is not what was
 * recorded, or that does not end with a line break, naming the file (exit 2). A file cut at
 * a row boundary parses cleanly, and one cut inside its last line was glued to the next
 * shard's first row by merge: neither was noticed before.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/experiment/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { loadScenario } from '../../src/scenario/load.js';
import { gvcInProcess } from '../report/cli.js';
import { cleanupTemp, tempDir } from './helpers.js';

const SCENARIO = `name: t
seed: 3
time: {steps: 6, steps_per_year: 4}
suppliers:
  sme: {count: 6}
buyers:
  us: {count: 2}
sweep:
  design: morris
  samples: 2
  replications: 2
  parameters:
    suppliers.sme.intent.network_ties: {min: 0, max: 3}
    buyers.us.count: {min: 1, max: 3}
`;
const TABLES = ['--timeseries', 'every:1', '--agents', 'final', '--relationships', 'all'];

let dir = '';
const at = (...p: string[]) => join(dir, ...p);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');
/** The real binary (a sweep's worker threads need the built program); throws on failure. */
const gvc = (...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args, '--quiet'], { stdio: 'pipe' });
const ok = async (...args: string[]) => {
  const r = await gvcInProcess(...args, '--quiet');
  expect(r.code, r.stderr).toBe(0);
};

beforeAll(() => {
  dir = tempDir();
  writeFileSync(at('s.yaml'), SCENARIO);
  const sweep = (...args: string[]) =>
    gvc('sweep', at('s.yaml'), '--workers', '1', ...TABLES, ...args);
  sweep('--out', at('full'));
  sweep('--out', at('shard1'), '--shard', '1/2');
  sweep('--out', at('shard2'), '--shard', '2/2');
  gvc('run', at('s.yaml'), '--out', at('run'), '--relationships', 'all');
}, 120_000);
afterAll(cleanupTemp);

let copies = 0;
/** A copy of folder `name` to damage. */
function copyOf(name: string): string {
  const to = at(`${name}-copy${++copies}`);
  cpSync(at(name), to, { recursive: true });
  return to;
}
const manifestOf = (d: string) =>
  JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as Record<string, unknown>;
/** The folder's manifest as written before the record existed. */
function dropRecord(d: string): void {
  const m = manifestOf(d);
  delete m.files;
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}
/** `head -c -n`. */
const cutBytes = (file: string, n: number) =>
  writeFileSync(file, readFileSync(file).subarray(0, -n));
/**
 * Cuts the file inside its last value, keeping that value's first character (5.875 → 5): the
 * row keeps its columns, so the file still parses.
 */
function cutLastValue(file: string): void {
  const text = readFileSync(file, 'utf8');
  const last = text.slice(text.lastIndexOf(',') + 1, -1);
  cutBytes(file, 1 + Math.max(0, last.length - 1));
}
/** Removes the last row, keeping the file's line break at its end. */
function cutLastRow(file: string): void {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  expect(lines.length, `${file} needs a data row to cut`).toBeGreaterThan(3);
  writeFileSync(file, lines.slice(0, -2).join('\n') + '\n');
}
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function merge(first: string, expectCode: number): Promise<string> {
  const r = await gvcInProcess(
    'merge',
    first,
    at('shard2'),
    '--out',
    at('merged'),
    '--force',
    '--quiet',
  );
  expect(r.code, r.stderr).toBe(expectCode);
  if (expectCode === 2) expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
  return r.stderr;
}

describe('the manifest records every CSV of the folder', () => {
  it.each(['full', 'shard1', 'run'])(
    '%s: size and sha256 of each CSV (and design.json)',
    (name) => {
      const files = manifestOf(at(name)).files as Record<string, { bytes: number; sha256: string }>;
      // A sweep's design.json too: gvc sensitivity takes the Saltelli layout and Morris steps from it.
      const csvs = readdirSync(at(name)).filter((f) => f.endsWith('.csv') || f === 'design.json');
      expect(Object.keys(files).sort()).toEqual(csvs.sort());
      for (const f of csvs) {
        expect(files[f].bytes).toBe(readFileSync(at(name, f)).length);
        expect(files[f].sha256).toBe(sha(at(name, f)));
      }
    },
  );

  it('a merged sweep records its own files, and gvc sensitivity adds its tables', async () => {
    await merge(at('shard1'), 0);
    const files = manifestOf(at('merged')).files as Record<string, { sha256: string }>;
    expect(files['suppliers.csv'].sha256).toBe(sha(at('merged', 'suppliers.csv')));
    expect(files['summary.csv'].sha256).toBe(sha(at('merged', 'summary.csv')));
    expect(files['design.json'].sha256).toBe(sha(at('merged', 'design.json')));
    await ok('sensitivity', at('merged'));
    const after = manifestOf(at('merged')).files as Record<string, { sha256: string }>;
    expect(after['sensitivity.csv'].sha256).toBe(sha(at('merged', 'sensitivity.csv')));
    expect(after['sensitivity-metrics.csv'].sha256).toBe(
      sha(at('merged', 'sensitivity-metrics.csv')),
    );
  });

  it('a resumed sweep records its final files', async () => {
    const loaded = loadScenario(at('s.yaml'));
    const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);
    const stopped = await runSweep({
      loaded,
      spec,
      out: at('resumed'),
      workers: 0,
      timeseries: { kind: 'every', k: 1 },
      agents: { kind: 'final' },
      relationships: true,
      shard: null,
      force: false,
      resume: false,
      quiet: true,
      stopAfter: 3,
    });
    expect(stopped.stopped).toBe(true);
    gvc('sweep', at('s.yaml'), '--workers', '1', '--out', at('resumed'), ...TABLES, '--resume');
    const files = manifestOf(at('resumed')).files as Record<string, { sha256: string }>;
    for (const f of ['runs.csv', 'timeseries.csv', 'suppliers.csv', 'relationships.csv'])
      expect(files[f].sha256, f).toBe(sha(at('resumed', f)));
  });
});

describe('gvc merge refuses a shard file that is not what gvc wrote', () => {
  it('suppliers.csv cut inside its last row (head -c -4)', async () => {
    const s = copyOf('shard1');
    cutBytes(join(s, 'suppliers.csv'), 4);
    const err = await merge(s, 2);
    expect(err).toContain(`${join(s, 'suppliers.csv')}: `);
    expect(err).toMatch(/bytes, but .*manifest\.json records [\d,]+: the file was cut short/);
  });

  it.each(['suppliers.csv', 'timeseries.csv', 'relationships.csv'])(
    '%s cut at a row boundary',
    async (file) => {
      const s = copyOf('shard1');
      cutLastRow(join(s, file));
      const err = await merge(s, 2);
      expect(err).toContain(`${join(s, file)}: `);
      expect(err).toMatch(/manifest\.json records/);
    },
  );

  it('a changed value of the same size (the hash)', async () => {
    const s = copyOf('shard1');
    const file = join(s, 'runs.csv');
    const text = readFileSync(file, 'utf8');
    const i = text.lastIndexOf('\n', text.length - 2) + 1;
    // The last digit of the last row, changed: the file keeps its size and stays well-formed.
    const j = text.search(/\d(?=\D*$)/);
    expect(j).toBeGreaterThan(i);
    writeFileSync(file, text.slice(0, j) + String((Number(text[j]) + 1) % 10) + text.slice(j + 1));
    const err = await merge(s, 2);
    expect(err).toContain(`${file}: sha256 `);
  });

  it('an edited design.json (valid JSON of the right shape, another value)', async () => {
    const s = copyOf('shard1');
    const file = join(s, 'design.json');
    const text = readFileSync(file, 'utf8');
    // A Morris direction reversed: still a well-formed design record, so only the record shows it.
    expect(text).toContain('"direction": 1');
    writeFileSync(file, text.replace('"direction": 1', '"direction": -1'));
    const err = await merge(s, 2);
    expect(err).toContain(`${file}: `);
    expect(err).toContain('the file was cut short or changed after gvc wrote it');
  });

  it("runs.csv without its final line break names the shard's file, not a staging file", async () => {
    const s = copyOf('shard1');
    dropRecord(s);
    cutBytes(join(s, 'runs.csv'), 1);
    const err = await merge(s, 2);
    expect(err).toContain(`${join(s, 'runs.csv')}: its last line has no line break`);
    expect(err).not.toMatch(/\.tmp-/);
  });

  it('a shard whose manifest has no record (written before it existed) is merged, but a cut one is not', async () => {
    const s = copyOf('shard1');
    dropRecord(s);
    await merge(s, 0);
    cutBytes(join(s, 'suppliers.csv'), 4);
    const err = await merge(s, 2);
    expect(err).toContain(`${join(s, 'suppliers.csv')}: its last line has no line break`);
  });
});

describe('gvc report and gvc sensitivity refuse a cut file', () => {
  const report = (d: string) => gvcInProcess('report', d, '--out', at('rep'), '--force', '--quiet');
  const sensitivity = (d: string) => gvcInProcess('sensitivity', d, '--quiet');

  it.each([
    ['report', report],
    ['sensitivity', sensitivity],
  ] as const)('gvc %s on runs.csv cut inside its last value', async (_, command) => {
    for (const old of [false, true]) {
      const d = copyOf('full');
      if (old) dropRecord(d);
      expect((await command(d)).code).toBe(0);
      cutLastValue(join(d, 'runs.csv'));
      const r = await command(d);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
      expect(r.stderr).toContain(`${join(d, 'runs.csv')}: `);
    }
  });

  it.each([
    ['report', report],
    ['sensitivity', sensitivity],
  ] as const)('gvc %s on a sweep whose design.json was edited', async (_, command) => {
    // gvc sensitivity takes the Morris steps from design.json: a reversed direction gave
    // other indices with exit 0 before design.json was recorded in the manifest.
    const d = copyOf('full');
    const file = join(d, 'design.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"direction": 1');
    writeFileSync(file, text.replace('"direction": 1', '"direction": -1'));
    const r = await command(d);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
    expect(r.stderr).toContain(`${file}: `);
    expect(r.stderr).toContain('the file was cut short or changed after gvc wrote it');
  });

  it('sensitivity tables the record does not match (a kill before the record was updated): refused, and mended once moved away', async () => {
    // The README's "What can remain after a kill" promises this way out. gvc cannot tell such
    // a table from one the user edited, so it overwrites neither: the user moves them away.
    const d = copyOf('full');
    expect((await sensitivity(d)).code).toBe(0);
    const table = join(d, 'sensitivity.csv');
    const text = readFileSync(table, 'utf8');
    writeFileSync(table, text + text.split('\n')[1] + '\n');
    const metric = text.split('\n')[1].split(',')[0];
    const partial = await gvcInProcess('sensitivity', d, '--metric', metric, '--quiet');
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain(`${table}: `);
    expect((await report(d)).code).toBe(2);
    const full = await sensitivity(d);
    expect(full.code).toBe(2);
    expect(full.stderr).toContain(`${table}: was changed after gvc wrote it`);
    expect(readFileSync(table, 'utf8')).not.toBe(text);
    rmSync(table);
    rmSync(join(d, 'sensitivity-metrics.csv'));
    expect((await sensitivity(d)).code).toBe(0);
    expect(readFileSync(table, 'utf8')).toBe(text);
    expect((await report(d)).code).toBe(0);
  });

  it('gvc report on a run whose timeseries.csv lost its last row', async () => {
    const d = copyOf('run');
    cutLastRow(join(d, 'timeseries.csv'));
    const r = await report(d);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${join(d, 'timeseries.csv')}: `);
    expect(r.stderr).toMatch(/manifest\.json records/);
  });

  it('gvc table reads any CSV file, with or without a final line break', async () => {
    const file = at('plain.csv');
    writeFileSync(file, 'a,b\n1,2');
    const r = await gvcInProcess('table', file, '--format', 'markdown');
    expect(r.code, r.stderr).toBe(0);
  });
});
