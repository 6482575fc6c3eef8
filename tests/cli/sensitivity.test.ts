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

  it('a run without a value: the metric is not analysed by default, flagged with --missing available', () => {
    cpSync(join(tmp, 'so'), join(tmp, 'gap'), { recursive: true });
    const runs = csv('gap', 'runs.csv');
    runs[5].mean_process = ''; // run 6 = cell 3, replicate 2
    const header = Object.keys(runs[0]);
    writeFileSync(join(tmp, 'gap', 'runs.csv'), stringify(runs, { header: true, columns: header }));
    const strict = gvc('sensitivity', 'gap');
    expect(strict.code).toBe(0);
    expect(strict.stderr).toMatch(
      /mean_process: not analysed: 1 of \d+ runs have no value, in cells 3;/,
    );
    const s = csv('gap', 'sensitivity-metrics.csv').find((x) => x.metric === 'mean_process')!;
    expect(s).toMatchObject({ analysed: 'FALSE', runs_missing: '1', cells_missing: '3' });
    const lenient = gvc('sensitivity', 'gap', '--missing', 'available');
    expect(lenient.stderr).toMatch(/mean_process: cell means over the available runs: 1 of/);
    const rows = csv('gap', 'sensitivity.csv').filter((x) => x.metric === 'mean_process');
    expect(rows.filter((x) => x.value !== '').length).toBeGreaterThan(0);
    for (const x of rows) expect(x.note).toMatch(/1 of \d+ runs have no value, in cells 3/);
    expect(gvc('sensitivity', 'gap', '--missing', 'drop').code).toBe(2);
  });
});

describe('common random numbers', () => {
  it('remove seed noise from the Saltelli differences: a seed-only metric gets ST = 0', () => {
    writeFileSync(join(tmp, 'crn.yaml'), scenario('crn', '  common_random_numbers: true'));
    writeFileSync(join(tmp, 'plain.yaml'), scenario('plain', ''));
    for (const n of ['crn', 'plain']) {
      expect(gvc('sweep', `${n}.yaml`, '--out', n, '--reps', '1', '--quiet').code).toBe(0);
      expect(gvc('sensitivity', n, '--metric', 'exchange_rate', '--quiet').code).toBe(0);
    }
    const st = (n: string) =>
      csv(n, 'sensitivity.csv')
        .filter((x) => x.index === 'ST')
        .map((x) => Number(x.value));
    // Without CRN the noise is attributed to the factors (ST well above 0 for each).
    for (const v of st('plain')) expect(v).toBeGreaterThan(0.1);
    expect(st('crn')).toEqual([0, 0, 0]);
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
    expect(r.stderr).toMatch(/sweep\.levels/);
    expect(existsSync(join(tmp, 'odd'))).toBe(false);
    expect(existsSync(join(tmp, 'odd.partial'))).toBe(false);
  });
});
