/**
 * `gvc sensitivity` end to end (issue 12): every metric is analysed or listed with its reason,
 * missing runs are reported and honoured, the seed-noise share is reported, common random
 * numbers remove seed noise from the Saltelli differences, second-order indices are written,
 * the codebook documents every column, and design options are checked when the file is read.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC_COLUMNS } from '../../src/experiment/sweep-columns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gvc.js');
const tmp = mkdtempSync(join(tmpdir(), 'gvc-sens-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const gvc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const csv = (dir: string, f: string) =>
  parse(readFileSync(join(tmp, dir, f), 'utf8'), { columns: true }) as Record<string, string>[];
/**
 * Replaces a sweep's runs.csv with synthetic rows. The manifest's record of the file gvc wrote
 * is dropped with it: gvc refuses a runs.csv that differs from its record as changed.
 */
function writeRuns(dir: string, runs: Record<string, string>[]): void {
  writeFileSync(
    join(tmp, dir, 'runs.csv'),
    stringify(runs, { header: true, columns: Object.keys(runs[0]) }),
  );
  const path = join(tmp, dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, unknown> };
  delete manifest.files['runs.csv'];
  writeFileSync(path, JSON.stringify(manifest, null, 2));
}

const scenario = (name: string, extra: string) => `
name: ${name}
time: { steps: 12 }
suppliers:
  smes: { count: 20, intent: { network_ties: 1 } }
buyers:
  lead: { count: 3, governance: quasi_hierarchy, suppliers_target: 8 }
partners:
  peers: { kind: peer_supplier, count: 4 }
sweep:
  design: sobol
  samples: 8
  replications: 2
  seed: 3
${extra}
  parameters:
    model.prices.unit_cost: { min: 0.6, max: 0.9 }
    environment.ipr_protection: { min: 0, max: 1 }
    suppliers.smes.intent.network_ties: { min: 0, max: 2 }
`;
const METRICS = METRIC_COLUMNS.map((c) => c.name);

describe('gvc sensitivity on a small sobol sweep with second order', () => {
  writeFileSync(join(tmp, 'so.yaml'), scenario('so', '  second_order: true'));
  const sweep = gvc('sweep', 'so.yaml', '--out', 'so', '--workers', '1');

  it('warns about the small N at sweep time', () => {
    expect(sweep.code).toBe(0);
    expect(sweep.stderr).toMatch(/warning: sweep\.samples: N = 8 base samples is too few/);
  });

  it('lists every metric, analysed or with its reason, and S2 for every pair', () => {
    const r = gvc('sensitivity', 'so');
    expect(r.code).toBe(0);
    const rows = csv('so', 'sensitivity.csv');
    const status = csv('so', 'sensitivity-metrics.csv');
    expect(status.map((s) => s.metric)).toEqual(METRICS);
    expect(new Set(rows.map((x) => x.metric))).toEqual(new Set(METRICS));
    for (const s of status) {
      const mine = rows.filter((x) => x.metric === s.metric);
      if (s.analysed === 'TRUE') {
        expect(mine.filter((x) => x.index === 'ST')).toHaveLength(3);
        expect(
          mine.filter((x) => x.index === 'S2').map((x) => `${x.factor}|${x.factor_2}`),
        ).toEqual([
          'model.prices.unit_cost|environment.ipr_protection',
          'model.prices.unit_cost|suppliers.smes.intent.network_ties',
          'environment.ipr_protection|suppliers.smes.intent.network_ties',
        ]);
      } else {
        expect(mine).toHaveLength(1);
        expect(mine[0].value).toBe('');
        expect(s.reason).not.toBe('');
        expect(mine[0].note).toBe(s.reason);
        expect(r.stderr).toContain(`${s.metric}: not analysed: ${s.reason}`);
      }
      if (s.noise_share !== '') {
        expect(Number(s.noise_share)).toBeGreaterThanOrEqual(0);
        expect(Number(s.noise_share)).toBeLessThanOrEqual(1);
      }
    }
    // A constant metric (no chain upgrading in 12 steps) is listed, not dropped.
    const chain = status.find((s) => s.metric === 'cumulative_chain_upgrades')!;
    expect(chain.analysed).toBe('FALSE');
    expect(chain.reason).toMatch(/do not vary/);
    // The exchange rate depends on the seed alone: its cell means are all noise.
    const fx = status.find((s) => s.metric === 'exchange_rate')!;
    expect(Number(fx.noise_share)).toBeGreaterThan(0.9);
    expect(r.stderr).toMatch(/exchange_rate: \d+% of the variance of cell means is seed noise/);
  });

  it('documents every column it writes in the codebook', () => {
    const book = csv('so', 'codebook.csv');
    for (const file of ['sensitivity.csv', 'sensitivity-metrics.csv']) {
      const header = readFileSync(join(tmp, 'so', file), 'utf8')
        .split('\n')[0]
        .split(',');
      expect(book.filter((b) => b.file === file).map((b) => b.column)).toEqual(header);
    }
    expect(
      book.find((b) => b.column === 'value' && b.file === 'sensitivity.csv')!.description,
    ).not.toMatch(/empty when the metric does not vary/);
  });

  it("--metric after a full analysis replaces that metric's rows and keeps every other metric's", () => {
    cpSync(join(tmp, 'so'), join(tmp, 'one'), { recursive: true });
    const files = ['sensitivity.csv', 'sensitivity-metrics.csv'];
    const full = files.map((f) => readFileSync(join(tmp, 'one', f), 'utf8'));
    const r = gvc('sensitivity', 'one', '--metric', 'lockin_rate');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `indices for [01] of 1 metrics to .*; the earlier rows of ${METRICS.length - 1} other metrics are kept there`,
      ),
    );
    // The same sweep analysed again: the files are what the full analysis wrote, byte for byte
    // (each metric in its place), not lockin_rate's rows alone.
    expect(files.map((f) => readFileSync(join(tmp, 'one', f), 'utf8'))).toEqual(full);
    // The manifest's record of the rewritten files is current: gvc reads them back.
    expect(gvc('sensitivity', 'one', '--metric', 'exchange_rate').code).toBe(0);
  });

  it('--metric with an earlier table edited by hand: exit 2 naming it, nothing replaced', () => {
    cpSync(join(tmp, 'so'), join(tmp, 'edited'), { recursive: true });
    const path = join(tmp, 'edited', 'sensitivity.csv');
    const text = readFileSync(path, 'utf8');
    const edited = text.replace(/,S1,0\.\d/, ',S1,0.9');
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    const metrics = readFileSync(join(tmp, 'edited', 'sensitivity-metrics.csv'), 'utf8');
    const r = gvc('sensitivity', 'edited', '--metric', 'lockin_rate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /sensitivity\.csv: was changed after gvc wrote it .*move it away first/,
    );
    expect(readFileSync(path, 'utf8')).toBe(edited);
    expect(readFileSync(join(tmp, 'edited', 'sensitivity-metrics.csv'), 'utf8')).toBe(metrics);
  });

  it('A and B constant but one AB cell not: the indices are undefined, said in the file and on stderr (kind 1)', () => {
    // The sweep that showed the bug: a share constant in the A and B blocks and different in
    // one AB block. Every Sobol' estimator divides by Var(f(A) ∪ f(B)) = 0; the one-pass
    // variance made that ±1e-19 and wrote S1 = 8.6e14, ST = −3.3e17.
    cpSync(join(tmp, 'so'), join(tmp, 'flat'), { recursive: true });
    // The full analysis of the copied sweep is of other runs: this one stands alone.
    for (const f of ['sensitivity.csv', 'sensitivity-metrics.csv']) rmSync(join(tmp, 'flat', f));
    const runs = csv('flat', 'runs.csv');
    // Blocks of 2k + 2 = 8 cells (A, AB_1..AB_3, BA_1..BA_3, B): cell 18 is AB_1 of block 3.
    for (const r of runs) r.share_rel_network = r.cell_id === '18' ? '0.5' : '0.333333';
    writeRuns('flat', runs);
    const r = gvc('sensitivity', 'flat', '--metric', 'share_rel_network');
    expect(r.code).toBe(0);
    const rows = csv('flat', 'sensitivity.csv');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ metric: 'share_rel_network', value: '', ci95_low: '' });
    expect(rows[0].note).toMatch(/A and B samples do not vary/);
    expect(csv('flat', 'sensitivity-metrics.csv')[0]).toMatchObject({
      analysed: 'FALSE',
      reason: rows[0].note,
    });
    expect(r.stderr).toContain(`share_rel_network: not analysed: ${rows[0].note}`);
    expect(r.stdout).toMatch(/wrote 0 indices for 0 of 1 metrics/);
  });

  it('a run without a value: the metric is not analysed by default, flagged with --missing available', () => {
    cpSync(join(tmp, 'so'), join(tmp, 'gap'), { recursive: true });
    const runs = csv('gap', 'runs.csv');
    runs[5].mean_process = ''; // run 6 = cell 3, replicate 2
    writeRuns('gap', runs);
    const strict = gvc('sensitivity', 'gap');
    expect(strict.code).toBe(0);
    expect(strict.stderr).toMatch(
      /mean_process: not analysed: 1 of \d+ runs has no value, in cell 3;/,
    );
    const s = csv('gap', 'sensitivity-metrics.csv').find((x) => x.metric === 'mean_process')!;
    expect(s).toMatchObject({ analysed: 'FALSE', runs_missing: '1', cells_missing: '3' });
    const lenient = gvc('sensitivity', 'gap', '--missing', 'available');
    expect(lenient.stderr).toMatch(/mean_process: cell means over the available runs: 1 of/);
    const rows = csv('gap', 'sensitivity.csv').filter((x) => x.metric === 'mean_process');
    expect(rows.filter((x) => x.value !== '').length).toBeGreaterThan(0);
    for (const x of rows) expect(x.note).toMatch(/1 of \d+ runs has no value, in cell 3/);
    expect(gvc('sensitivity', 'gap', '--missing', 'drop').code).toBe(2);
  });
});

describe('Morris effects of an integer factor, read back from design.json (kind 3)', () => {
  it('divide by the change the runs received: y = ties + 3 ipr gives mu* = 2 and 3 exactly', () => {
    // network_ties in [0, 2] with p = 4 levels: the grid values 0, 1/3, 2/3, 1 become 0, 1, 1,
    // 2, so every step of Δ = 2/3 moves the factor by 1 (half its range). Dividing by Δ gave
    // mu* = 1 / (2/3) = 1.5 per full range; the realised change gives 1 / 0.5 = 2.
    writeFileSync(
      join(tmp, 'mi.yaml'),
      scenario('mi', '').replace('design: sobol', 'design: morris'),
    );
    expect(gvc('sweep', 'mi.yaml', '--out', 'mi', '--workers', '1', '--quiet').code).toBe(0);
    // mean_margin: a metric without bounds, so a synthetic y beyond [0, 1] is not damage.
    const runs = csv('mi', 'runs.csv');
    for (const r of runs)
      r.mean_margin = String(
        Number(r['suppliers.smes.intent.network_ties']) +
          3 * Number(r['environment.ipr_protection']),
      );
    writeRuns('mi', runs);
    expect(gvc('sensitivity', 'mi', '--metric', 'mean_margin', '--quiet').code).toBe(0);
    const muStar = Object.fromEntries(
      csv('mi', 'sensitivity.csv')
        .filter((x) => x.index === 'mu_star')
        .map((x) => [x.factor, Number(x.value)]),
    );
    expect(muStar).toEqual({
      'model.prices.unit_cost': 0,
      'environment.ipr_protection': 3,
      'suppliers.smes.intent.network_ties': 2,
    });
    // design.json is recorded in the manifest like the tables: an edit that keeps its shape
    // (a change doubled) gave other indices with exit 0; now it is refused.
    const designPath = join(tmp, 'mi', 'design.json');
    const design = JSON.parse(readFileSync(designPath, 'utf8'));
    design.layout.layout.changes[0][0] *= 2;
    writeFileSync(designPath, JSON.stringify(design, null, 2) + '\n');
    const edited = gvc('sensitivity', 'mi', '--metric', 'mean_margin');
    expect(edited.code).toBe(2);
    expect(edited.stderr.trim()).toMatch(
      /^gvc: mi\/design\.json: [\d,]+ bytes with sha256 [0-9a-f]{12}…, but mi\/manifest\.json records [\d,]+ bytes with [0-9a-f]{12}…: the file was cut short or changed after gvc wrote it$/,
    );
    // Without the record (a folder from before it), the changes are still read back checked:
    // a damaged list is a one-line error, not NaN indices.
    const manifestPath = join(tmp, 'mi', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    delete manifest.files['design.json'];
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    design.layout.layout.changes[0] = [0.5];
    writeFileSync(designPath, JSON.stringify(design));
    const bad = gvc('sensitivity', 'mi', '--metric', 'mean_margin');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/design\.json: layout\.layout\.changes: expected one list of 3/);
  });
});

describe('common random numbers', () => {
  it('remove seed noise from the Saltelli differences: a seed-only metric gets ST = 0', () => {
    writeFileSync(join(tmp, 'crn.yaml'), scenario('crn', '  common_random_numbers: true'));
    writeFileSync(join(tmp, 'plain.yaml'), scenario('plain', ''));
    const notes: Record<string, string> = {};
    for (const n of ['crn', 'plain']) {
      expect(gvc('sweep', `${n}.yaml`, '--out', n, '--quiet').code).toBe(0);
      const r = gvc('sensitivity', n, '--metric', 'exchange_rate');
      expect(r.code).toBe(0);
      notes[n] = r.stderr;
    }
    const st = (n: string) =>
      csv(n, 'sensitivity.csv')
        .filter((x) => x.index === 'ST')
        .map((x) => Number(x.value));
    // Without CRN the noise is attributed to the factors (ST well above 0 for each).
    for (const v of st('plain')) expect(v).toBeGreaterThan(0.1);
    expect(st('crn')).toEqual([0, 0, 0]);
    // The folder records the option, and the noise note does not recommend what is in use.
    const design = (n: string) => JSON.parse(readFileSync(join(tmp, n, 'design.json'), 'utf8'));
    expect(design('crn').common_random_numbers).toBe(true);
    expect('common_random_numbers' in design('plain')).toBe(false);
    expect(notes.plain).toMatch(/exchange_rate: \d+% .* use sweep\.common_random_numbers/);
    expect(notes.crn).toMatch(
      /exchange_rate: \d+% of the variance of cell means is seed noise; with common random numbers/,
    );
    expect(notes.crn).not.toMatch(/use sweep\.common_random_numbers/);
  });
});

describe('design options are checked when the file is read', () => {
  it('odd Morris levels: exit 2 naming sweep.levels, nothing written', () => {
    writeFileSync(
      join(tmp, 'odd.yaml'),
      scenario('odd', '  levels: 5').replace('design: sobol', 'design: morris'),
    );
    const r = gvc('sweep', 'odd.yaml', '--out', 'odd', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /sweep\.levels: expected an even whole number.*found 5\. Did you mean "4"\?/,
    );
    expect(existsSync(join(tmp, 'odd'))).toBe(false);
    expect(existsSync(join(tmp, 'odd.partial'))).toBe(false);
  });
});

describe('a Sobol design with one base sample (N = 1)', () => {
  it('says once, not once per metric, that the indices have no interval', () => {
    const yaml = scenario('n1', '').replace('samples: 8', 'samples: 1');
    writeFileSync(join(tmp, 'n1.yaml'), yaml);
    const sweep = gvc('sweep', 'n1.yaml', '--out', 'n1', '--workers', '1');
    expect(sweep.code).toBe(0);
    expect(sweep.stderr).toMatch(/warning: sweep\.samples: N = 1 base sample is too few/);
    const r = gvc('sensitivity', 'n1');
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('one base sample'));
    expect(lines).toHaveLength(1);
    const analysed = csv('n1', 'sensitivity-metrics.csv').filter((s) => s.analysed === 'TRUE');
    expect(analysed.length).toBeGreaterThan(1);
    expect(lines[0]).toBe(
      `gvc: all ${analysed.length} analysed metrics: one base sample: no interval (a bootstrap resample of one sample is that sample)`,
    );
    // The files still say it for each metric.
    for (const s of analysed) expect(s.reason).toContain('one base sample');
  });
});
