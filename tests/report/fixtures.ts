/**
 * Small output folders of every kind `gvc report` reads, written from known numbers so the
 * figures' marks can be counted: a run (11 steps, 12 suppliers), a grid sweep (governance ×
 * network ties, 2 replicates), Sobol and Morris sensitivity folders and a validation folder
 * shaped like `gvc validate`'s validation.csv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { SUPPLIER_COLUMNS, TIMESERIES_COLUMNS } from '../../src/engine/observations.js';
import { METRIC_COLUMNS } from '../../src/experiment/sweep-columns.js';

type Cell = string | number | null;

function writeCsv(
  path: string,
  columns: readonly string[],
  rows: readonly Record<string, Cell>[],
): void {
  writeFileSync(
    path,
    stringify([
      columns as string[],
      ...rows.map((r) =>
        columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))),
      ),
    ]),
  );
}

function manifest(dir: string, name: string, extra: object = {}): void {
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify(
      {
        program: 'gvc-abm',
        version: '0.1.0',
        git_commit: 'abc123',
        scenario_name: name,
        scenario_file: `scenarios/${name}.yaml`,
        seeds: [7],
        parameters: { 'time.steps_per_year': 4 },
        ...extra,
      },
      null,
      2,
    ),
  );
}

export const RUN_STEPS = 11;
/** Top-buyer shares of the active suppliers at the final step (one has no lead-firm sales). */
export const TOP_SHARES = [0.12, 0.13, 0.31, 0.33, 0.34, 0.55, 0.81, 0.82, 0.95, 1, null];

export function makeRun(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const ts = TIMESERIES_COLUMNS.map((c) => c.name);
  const rows: Record<string, Cell>[] = [];
  for (let s = 0; s < RUN_STEPS; s++) {
    const t = s / (RUN_STEPS - 1);
    const row: Record<string, Cell> = Object.fromEntries(ts.map((c) => [c, 0]));
    Object.assign(row, {
      run_id: 1,
      step: s,
      n_suppliers: 12,
      share_oem: 1 - 0.5 * t,
      share_odm: 0.4 * t,
      share_obm: 0.1 * t,
      mean_process: 0.3 + 0.6 * t,
      mean_product: 0.3 + 0.5 * t,
      mean_design: 0.1 + 0.2 * t,
      mean_marketing: 0.05 + 0.1 * t,
      mean_top_buyer_share: s === 0 ? null : 0.6,
      share_rel_market: 0.2,
      share_rel_network: 0.1 * t,
      share_rel_quasi_hierarchy: 0.7 - 0.1 * t,
      share_rel_hierarchy: 0.1,
      // No retention: the relationship figures are tested on their own (relationships.test.ts).
      retention_market: null,
      retention_network: null,
      retention_quasi_hierarchy: null,
      retention_hierarchy: null,
    });
    rows.push(row);
  }
  writeCsv(join(dir, 'timeseries.csv'), ts, rows);
  const sup = SUPPLIER_COLUMNS.map((c) => c.name);
  const srows: Record<string, Cell>[] = TOP_SHARES.map((share, i) => ({
    run_id: 1,
    step: RUN_STEPS - 1,
    supplier_id: i,
    role: 'OEM',
    active: 'TRUE',
    top_buyer_share: share,
  }));
  srows.push({
    run_id: 1,
    step: RUN_STEPS - 1,
    supplier_id: 99,
    role: 'OEM',
    active: 'false',
    top_buyer_share: 0.5,
  });
  // An earlier snapshot (as with --agents every:K) is not part of the final distribution.
  srows.push({
    run_id: 1,
    step: 5,
    supplier_id: 0,
    role: 'OEM',
    active: 'TRUE',
    top_buyer_share: 0.5,
  });
  writeCsv(join(dir, 'suppliers.csv'), sup, srows);
  manifest(dir, 'tiny-run');
  return dir;
}

/** Final roles of the grouped run: exporters OEM, OEM, ODM; a single firm OBM. */
export const GROUP_ROLES: Record<string, string[]> = {
  exporters: ['OEM', 'OEM', 'ODM'],
  firm_y: ['OBM'],
};

/** A run whose suppliers.csv has two supplier groups recorded every 5 steps (--agents every:5). */
export function makeGroupedRun(dir: string): string {
  makeRun(dir);
  const sup = SUPPLIER_COLUMNS.map((c) => c.name);
  const srows: Record<string, Cell>[] = [];
  for (const step of [0, 5, 10]) {
    let id = 0;
    for (const [group, roles] of Object.entries(GROUP_ROLES)) {
      for (const role of roles) {
        const t = step / 10;
        srows.push({
          run_id: 1,
          step,
          supplier_id: id++,
          group,
          role: step === 10 ? role : 'OEM',
          process: 0.3 + 0.5 * t,
          product: 0.3 + 0.4 * t,
          design: 0.1 + (group === 'firm_y' ? 0.6 : 0.1) * t,
          marketing: 0.05 + 0.2 * t,
          active: 'TRUE',
          top_buyer_share: group === 'firm_y' ? 0.4 : 0.9,
        });
      }
    }
  }
  writeCsv(join(dir, 'suppliers.csv'), sup, srows);
  return dir;
}

export const GOVERNANCE = ['market', 'network', 'quasi_hierarchy'];
export const TIES = [0, 2, 6];
export const REPS = 2;
const METRICS = METRIC_COLUMNS.map((c) => c.name);

function metricRow(base: number, k: number): Record<string, Cell> {
  const row: Record<string, Cell> = Object.fromEntries(METRICS.map((m) => [m, 0.5]));
  Object.assign(row, {
    lockin_rate: Math.min(1, base + 0.02 * k),
    share_oem: 0.5 + base / 4,
    share_odm: 0.3,
    share_obm: 0.1 - base / 20 + 0.01 * k,
    mean_design: 0.2 + base / 5,
    mean_marketing: 0.1 + 0.01 * k,
    mean_top_buyer_share: 0.6,
    cumulative_functional_upgrades: 10 + 3 * k,
  });
  return row;
}

/** A grid sweep: runs.csv, summary.csv (only read for its presence), design.json, manifest. */
export function makeSweep(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const factors = ['buyers.lead_firms.governance', 'suppliers.smes.intent.network_ties'];
  const rows: Record<string, Cell>[] = [];
  let run = 0;
  let cell = 0;
  for (const g of GOVERNANCE) {
    for (const t of TIES) {
      cell++;
      for (let r = 1; r <= REPS; r++) {
        run++;
        const base = (g === 'quasi_hierarchy' ? 0.8 : g === 'market' ? 0.4 : 0.1) - t / 20;
        rows.push({
          run_id: run,
          cell_id: cell,
          replicate: r,
          seed: 1000 + run,
          [factors[0]]: g,
          [factors[1]]: t,
          ...metricRow(base, r),
        });
      }
    }
  }
  writeCsv(
    join(dir, 'runs.csv'),
    ['run_id', 'cell_id', 'replicate', 'seed', ...factors, ...METRICS],
    rows,
  );
  writeCsv(
    join(dir, 'summary.csv'),
    ['cell_id', ...factors, 'metric', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high'],
    [],
  );
  writeFileSync(
    join(dir, 'design.json'),
    JSON.stringify({ design: 'grid', factors: factors.map((path) => ({ path })) }),
  );
  writeCsv(
    join(dir, 'codebook.csv'),
    ['file', 'column', 'type', 'unit', 'description'],
    [
      {
        file: 'runs.csv',
        column: 'suppliers.smes.intent.network_ties',
        type: 'integer',
        unit: 'ties',
        description: 'Varied parameter',
      },
      {
        file: 'runs.csv',
        column: 'lockin_rate',
        type: 'number',
        unit: 'share',
        description: 'Lock-in',
      },
    ],
  );
  manifest(dir, 'tiny-sweep', { seeds: [2026] });
  return dir;
}

export const SA_FACTORS = [
  'environment.ipr_protection',
  'environment.institutions',
  'environment.peer_trust',
];
export const SA_RUNS = 40;

/** A sensitivity folder: a sweep over three continuous factors plus sensitivity.csv. */
export function makeSensitivity(dir: string, method: 'sobol' | 'morris'): string {
  mkdirSync(dir, { recursive: true });
  const rows: Record<string, Cell>[] = [];
  for (let i = 0; i < SA_RUNS; i++) {
    const x = SA_FACTORS.map((_, k) => ((i * (k + 3) * 7919) % 97) / 96);
    rows.push({
      run_id: i + 1,
      cell_id: i + 1,
      replicate: 1,
      seed: i,
      [SA_FACTORS[0]]: x[0],
      [SA_FACTORS[1]]: x[1],
      [SA_FACTORS[2]]: x[2],
      ...metricRow(0.4 + 0.55 * x[1] - 0.35 * x[0], 0),
    });
  }
  writeCsv(
    join(dir, 'runs.csv'),
    ['run_id', 'cell_id', 'replicate', 'seed', ...SA_FACTORS, ...METRICS],
    rows,
  );
  writeCsv(
    join(dir, 'summary.csv'),
    ['cell_id', ...SA_FACTORS, 'metric', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high'],
    [],
  );
  const srows: Record<string, Cell>[] = [];
  for (const metric of ['lockin_rate', 'share_oem']) {
    SA_FACTORS.forEach((factor, k) => {
      const v = [0.1, 0.6, 0.02][k];
      if (method === 'sobol') {
        srows.push({
          metric,
          method,
          factor,
          index: 'S1',
          value: v,
          ci95_low: v - 0.05,
          ci95_high: v + 0.05,
        });
        srows.push({
          metric,
          method,
          factor,
          index: 'ST',
          value: v + 0.05,
          ci95_low: v,
          ci95_high: v + 0.1,
        });
      } else {
        srows.push({
          metric,
          method,
          factor,
          index: 'mu',
          value: -v,
          ci95_low: null,
          ci95_high: null,
        });
        srows.push({
          metric,
          method,
          factor,
          index: 'mu_star',
          value: v,
          ci95_low: v / 2,
          ci95_high: v * 1.5,
        });
        srows.push({
          metric,
          method,
          factor,
          index: 'sigma',
          value: v / 3,
          ci95_low: null,
          ci95_high: null,
        });
      }
    });
  }
  writeCsv(
    join(dir, 'sensitivity.csv'),
    ['metric', 'method', 'factor', 'index', 'value', 'ci95_low', 'ci95_high'],
    srows,
  );
  writeFileSync(join(dir, 'design.json'), JSON.stringify({ design: method }));
  manifest(dir, `tiny-${method}`);
  return dir;
}

export const VALIDATION_ROWS: Record<string, Cell>[] = [
  {
    kind: 'pattern',
    pattern: 'P1',
    check: 'process',
    source: 'Humphrey & Schmitz 2002',
    contrast: 'quasi_hierarchy - market, mean_process',
    effect: 0.12,
    ci95_low: 0.08,
    ci95_high: 0.16,
    criterion: '95% CI above 0',
    n_runs: 40,
    result: 'PASS',
  },
  {
    kind: 'pattern',
    pattern: 'P2',
    check: 'upgrades',
    source: 'Humphrey & Schmitz 2002',
    contrast: 'quasi_hierarchy - market, share_odm+share_obm',
    effect: -0.2,
    ci95_low: -0.3,
    ci95_high: -0.1,
    criterion: '95% CI below 0',
    n_runs: 40,
    result: 'PASS',
  },
  {
    kind: 'pattern',
    pattern: 'P5',
    check: 'diversified',
    source: 'Navas-Alemán 2011',
    contrast: 'low - high dependence, upgrade rate',
    effect: 0.03,
    ci95_low: -0.02,
    ci95_high: 0.08,
    criterion: '95% CI above 0',
    n_runs: 40,
    result: 'FAIL',
  },
  {
    kind: 'case',
    pattern: 'sinos-valley',
    check: 'lockin',
    source: 'Schmitz 1999 <Sinos & "shoes">',
    contrast: 'lockin_rate at year 30',
    effect: 0.7,
    ci95_low: 0.6,
    ci95_high: 0.8,
    criterion: '95% CI above 0.5',
    n_runs: 10,
    result: 'PASS',
  },
  {
    kind: 'pattern',
    pattern: 'P4',
    check: 'middle',
    source: 'Kang & Kim 2023',
    contrast: 'share_odm at year 30',
    effect: 0.5,
    ci95_low: 0.4,
    ci95_high: 0.6,
    criterion: '95% CI within (0.2, 0.8)',
    n_runs: 10,
    result: 'PASS',
  },
  // A count: on one axis with the shares it would squeeze their intervals into pixels.
  {
    kind: 'case',
    pattern: 'firm-y',
    check: 'many_buyers',
    source: 'Kang & Kim 2023',
    contrast: 'number of lead firms Firm Y sells to at year 30',
    effect: 12,
    ci95_low: 9.74967,
    ci95_high: 14.2503,
    criterion: '95% CI above 3',
    n_runs: 4,
    result: 'PASS',
  },
  // A small difference, written with full precision as gvc validate writes it.
  {
    kind: 'pattern',
    pattern: 'P7',
    check: 'design_investment',
    source: 'ILO 2007',
    contrast: 'mean design investment per unit of capacity, weak minus strong IPR protection',
    effect: -0.00814306,
    ci95_low: -0.0113227,
    ci95_high: -0.00496342,
    criterion: '95% CI below 0',
    n_runs: 24,
    result: 'PASS',
  },
];

export function makeValidation(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeCsv(
    join(dir, 'validation.csv'),
    [
      'kind',
      'pattern',
      'check',
      'source',
      'contrast',
      'effect',
      'ci95_low',
      'ci95_high',
      'criterion',
      'n_runs',
      'result',
    ],
    VALIDATION_ROWS,
  );
  writeFileSync(join(dir, 'validation.md'), '# Validation\n\n3 of 4 checks pass.\n');
  manifest(dir, 'validation');
  return dir;
}
