import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RELATIONSHIP_COLUMNS, timeseriesColumns } from '../../src/engine/observations.js';
import { readCsv } from '../../src/report/data.js';
import { survivalByTenure } from '../../src/report/figures/relationships.js';
import { buildReport } from '../../src/report/report.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';

vi.setConfig({ testTimeout: 60_000 });

const count = (svg: string, role: string) => svg.split(`aria-roledescription="${role}"`).length - 1;

function writeCsv(path: string, columns: readonly string[], rows: Record<string, unknown>[]) {
  writeFileSync(
    path,
    stringify([
      [...columns],
      ...rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : r[c]))),
    ]),
  );
}

/**
 * A run of 12 steps (4 a year) with --by-group (groups all and a), and five spells:
 * market 0-4 (re-tied 8-), market 0-active, captive 0-active, network 4-6.
 */
const SPELLS = [
  {
    type_start: 'market',
    type_end: 'market',
    start_step: 0,
    end_step: 4,
    end_cause: 'succession',
    volume: 2,
    mean_markup: 0.2,
  },
  {
    type_start: 'market',
    type_end: 'market',
    start_step: 0,
    end_step: null,
    end_cause: null,
    volume: 5,
    mean_markup: 0.3,
  },
  {
    type_start: 'quasi_hierarchy',
    type_end: 'quasi_hierarchy',
    start_step: 0,
    end_step: null,
    end_cause: null,
    volume: 6,
    mean_markup: 0.1,
  },
  {
    type_start: 'network',
    type_end: 'network',
    start_step: 4,
    end_step: 6,
    end_cause: 'sanctioned',
    volume: 1,
    mean_markup: 0.4,
  },
  {
    type_start: 'market',
    type_end: 'market',
    start_step: 8,
    end_step: null,
    end_cause: null,
    volume: 1,
    mean_markup: null,
  },
];

let root: string;
let run: string;
beforeAll(() => {
  root = tempDir('gvc-rel-report-');
  run = join(root, 'run');
  mkdirSync(run);
  const cols = timeseriesColumns(true).map((c) => c.name);
  const rows: Record<string, unknown>[] = [];
  for (let step = 0; step <= 12; step++)
    for (const group of ['all', 'a']) {
      const row: Record<string, unknown> = Object.fromEntries(cols.map((c) => [c, 0.5]));
      Object.assign(row, { run_id: 1, step, group, n_suppliers: 3 });
      for (const t of ['market', 'network', 'quasi_hierarchy', 'hierarchy'])
        row[`retention_${t}`] = step < 4 || t === 'hierarchy' ? null : group === 'all' ? 0.5 : 0.9;
      rows.push(row);
    }
  writeCsv(join(run, 'timeseries.csv'), cols, rows);
  writeCsv(
    join(run, 'relationships.csv'),
    RELATIONSHIP_COLUMNS.map((c) => c.name),
    SPELLS.map((s, i) => ({
      run_id: 1,
      supplier_id: i,
      supplier_group: 'a',
      buyer_id: 0,
      buyer_group: 'b',
      n_type_changes: 0,
      ...s,
    })),
  );
  writeFileSync(
    join(run, 'manifest.json'),
    JSON.stringify({ parameters: { 'time.steps_per_year': 4 } }),
  );
});
afterAll(cleanupTemp);

describe('relationship figures of a run folder', () => {
  it('spell survival by tenure counts only spells that could have lasted that long', () => {
    const s = survivalByTenure(readCsv(join(run, 'relationships.csv')), 12, 4);
    const at = (type: string, years: number) => s.find((x) => x.type === type && x.years === years);
    // Market: 3 spells at risk at 0 years; at 1 year the two from step 0 (one lasted 4 steps = 1 year).
    expect(at('market', 0)).toMatchObject({ survival: 1, at_risk: 3 });
    expect(at('market', 1)).toMatchObject({ survival: 1, at_risk: 3 });
    expect(at('market', 2)).toMatchObject({ survival: 0.5, at_risk: 2 });
    expect(at('market', 3)).toMatchObject({ survival: 0.5, at_risk: 2 });
    // Network: one spell from step 4, ended after 2 steps.
    expect(at('network', 1)).toMatchObject({ survival: 0, at_risk: 1 });
    expect(at('network', 3)).toBeUndefined();
    expect(s.some((x) => x.type === 'hierarchy')).toBe(false);
  });

  it('adds retention, survival, markup and end-cause figures, reading the all rows', async () => {
    const r = await buildReport(run, { programVersion: 'test' });
    const ids = r.figures.map((f) => f.id);
    expect(ids.slice(-4)).toEqual(['retention', 'spell-survival', 'markups', 'end-causes']);
    expect(r.warnings).toEqual([]);
    const [ret, , markups, ends] = r.figures.slice(-4);
    // Three types with ties, from the whole population's rows only (0.5, not the group's 0.9).
    expect(count(ret.svg, 'line mark')).toBe(3);
    expect(ret.spec.data).toMatchObject({ values: expect.any(Array) });
    const values = (ret.spec.data as { values: { retention: number }[] }).values;
    expect(new Set(values.map((v) => v.retention))).toEqual(new Set([0.5]));
    expect(values).toHaveLength(9 * 3);
    expect(markups.caption).toContain('4 spells with deliveries');
    const ended = (ends.spec.data as { values: { type: string; cause: string; spells: number }[] })
      .values;
    // Plain copies: vega tags the data objects it rendered.
    expect(ended.map(({ type, cause, spells }) => ({ type, cause, spells }))).toEqual(
      expect.arrayContaining([
        { type: 'market', cause: 'succession', spells: 1 },
        { type: 'market', cause: 'still active', spells: 2 },
        { type: 'network', cause: 'sanctioned', spells: 1 },
        { type: 'quasi-hierarchy', cause: 'still active', spells: 1 },
      ]),
    );
    expect(readFileSync(join(run, 'report', 'report.html'), 'utf8')).toContain(
      'How relationship spells ended',
    );
  });

  it('list in the legend only the types that have a line, and say which have none', async () => {
    const r = await buildReport(run, { programVersion: 'test', force: true });
    const [ret, survival] = r.figures.slice(-4);
    // The legend's values, from the label vega gives it (the fixture has no hierarchy spell).
    const legend = (svg: string) =>
      /aria-roledescription="legend" aria-label="[^"]* with \d+ values?: ([^"]*)"/.exec(svg)?.[1];
    for (const f of [ret, survival]) {
      expect(legend(f.svg), f.id).toBe('market, network, quasi-hierarchy');
      // Colour, dash and marker share one legend.
      expect(f.svg, f.id).toMatch(
        /legend titled '[^']*' for shape, fill color, stroke color and strokeDash with/,
      );
    }
    expect(survival.caption).toContain(
      'No spell started as hierarchy: no curve, and not in the legend.',
    );
    expect(ret.caption).toContain(
      'hierarchy had no ties a year earlier at any step: no line, and not in the legend.',
    );
    expect(count(survival.svg, 'line mark')).toBe(3);
  });

  it('tell governance types apart by colour, dash and marker, not by dash alone', async () => {
    const r = await buildReport(run, { programVersion: 'test', force: true });
    for (const f of r.figures.slice(-4, -2)) {
      const layers = (
        f.spec as unknown as {
          layer: { encoding: Record<string, { scale: { domain: string[]; range: unknown[] } }> }[];
        }
      ).layer;
      const enc = Object.assign({}, ...layers.map((l) => l.encoding)) as Record<
        string,
        { scale: { domain: string[]; range: unknown[] } }
      >;
      for (const channel of ['color', 'strokeDash', 'shape']) {
        const scale = enc[channel]?.scale;
        expect(scale, `${f.id}: ${channel}`).toBeDefined();
        expect(scale.domain, `${f.id}: ${channel}`).toEqual([
          'market',
          'network',
          'quasi-hierarchy',
        ]);
        // One distinct value per type drawn.
        expect(new Set(scale.range.map((v) => JSON.stringify(v))).size, `${f.id}: ${channel}`).toBe(
          3,
        );
      }
    }
  });
});
