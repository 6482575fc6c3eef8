/**
 * Only the timeseries rows an output keeps are built (issue 14 item 2b): a sweep with
 * `--timeseries final` builds one row per run instead of one per step, and what it writes is
 * byte for byte the last row of the full timeseries of the same run. The observation's
 * bookkeeping (type changes of spells, the spell counts retention compares with a year later)
 * still runs at every step, which the retention and n_type_changes cells below depend on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  timeseriesColumns,
  type TimeseriesRow,
} from '../../src/engine/observations.js';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { runSweep } from '../../src/experiment/sweep.js';
import type { TimeseriesMode } from '../../src/experiment/execute.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { formatRows } from '../../src/io/csv.js';
import { loadScenario } from '../../src/scenario/load.js';

// The row builder, counted: the steps it was called for (the rows are the real ones).
const built = vi.hoisted(() => ({ steps: [] as (number | null)[] }));
vi.mock('../../src/model/metrics.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/model/metrics.js')>();
  return {
    ...real,
    timeseriesRow: (...args: Parameters<typeof real.timeseriesRow>) => {
      built.steps.push(args[0].step);
      return real.timeseriesRow(...args);
    },
  };
});
beforeEach(() => {
  built.steps = [];
});

const tmp = mkdtempSync(join(tmpdir(), 'gvc-kept-rows-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('simulate builds only the timeseries rows asked for (the engine under gvc run)', () => {
  // 40 steps of 4 a year: retention is defined from step 4 on, and types change over spells.
  const { scenario } = loadScenario('scenarios/baseline.yaml', { steps: '40' });
  const last = scenario.time.steps;
  const ts = (rows: TimeseriesRow[], byGroup = false) =>
    formatRows(timeseriesColumns(byGroup), rows);

  it('the final row alone is the last row of the full timeseries, byte for byte', () => {
    const full = simulateToMemory(scenario);
    expect(built.steps).toEqual(Array.from({ length: last + 1 }, (_, t) => t));
    built.steps = [];
    const final = simulateToMemory(scenario, { timeseriesAt: (t) => t === last });
    expect(built.steps).toEqual([last]);
    expect(final.timeseries).toHaveLength(1);
    expect(ts(final.timeseries)).toBe(ts(full.timeseries.slice(-1)));
    // The cells that need every step's bookkeeping are there to compare.
    const row = final.timeseries[0];
    expect(row.retention_market ?? row.retention_quasi_hierarchy).not.toBeNull();
    expect(full.relationships.some((r) => (r.n_type_changes ?? 0) > 0)).toBe(true);
    // The other tables do not depend on which rows were built.
    expect(formatRows(RELATIONSHIP_COLUMNS, final.relationships)).toBe(
      formatRows(RELATIONSHIP_COLUMNS, full.relationships),
    );
    expect(formatRows(SUPPLIER_COLUMNS, final.suppliers)).toBe(
      formatRows(SUPPLIER_COLUMNS, full.suppliers),
    );
  });

  it('by group: the steps kept have their whole-population and group rows, the others none', () => {
    const full = simulateToMemory(scenario, { byGroup: true }).timeseries;
    const perStep = 1 + Object.keys(scenario.suppliers).length;
    const keep = (t: number) => t % 7 === 0 || t === last;
    built.steps = [];
    const some = simulateToMemory(scenario, { byGroup: true, timeseriesAt: keep }).timeseries;
    const kept = Array.from({ length: last + 1 }, (_, t) => t).filter(keep);
    expect(built.steps).toEqual(kept.flatMap((t) => Array(perStep).fill(t)));
    expect(ts(some, true)).toBe(
      ts(
        full.filter((r) => keep(r.step!)),
        true,
      ),
    );
  });
});

describe('gvc sweep --timeseries final', () => {
  const SCENARIO = `
name: kept-rows
time: { steps: 24 }
suppliers:
  smes: { count: 30, intent: { network_ties: 1 } }
buyers:
  lead: { count: 3, governance: emergent, suppliers_target: 10 }
partners:
  peers: { kind: peer_supplier, count: 5 }
sweep:
  design: grid
  replications: 2
  seed: 7
  parameters:
    environment.ipr_protection: [0.2, 0.8]
`;
  writeFileSync(join(tmp, 's.yaml'), SCENARIO);
  const loaded = loadScenario(join(tmp, 's.yaml'));
  const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);
  const last = loaded.scenario.time.steps;
  const runs = 4;
  const sweep = (out: string, timeseries: TimeseriesMode) =>
    runSweep({
      loaded,
      spec,
      out: join(tmp, out),
      workers: 0,
      timeseries,
      relationships: true,
      shard: null,
      force: false,
      resume: false,
      quiet: true,
    });
  const read = (out: string, file: string) => readFileSync(join(tmp, out, file), 'utf8');

  it('writes, byte for byte, the last row of each run of the full timeseries', async () => {
    await sweep('every', { kind: 'every', k: 1 });
    expect(built.steps).toHaveLength(runs * (last + 1));
    built.steps = [];
    await sweep('final', { kind: 'final' });
    // One row built per run, not 25.
    expect(built.steps).toEqual(Array(runs).fill(last));
    const [header, ...rows] = read('every', 'timeseries.csv').trimEnd().split('\n');
    const step = header.split(',').indexOf('step');
    const lastRows = rows.filter((line) => Number(line.split(',')[step]) === last);
    expect(lastRows).toHaveLength(runs);
    expect(read('final', 'timeseries.csv')).toBe([header, ...lastRows].join('\n') + '\n');
    for (const f of ['runs.csv', 'summary.csv', 'relationships.csv'])
      expect(read('final', f)).toBe(read('every', f));
  });

  it('every:K builds the rows of steps 0, K, 2K, ... and the last; none builds the last only', async () => {
    await sweep('every5', { kind: 'every', k: 5 });
    const due = [0, 5, 10, 15, 20, last];
    expect(built.steps).toEqual(Array.from({ length: runs }, () => due).flat());
    built.steps = [];
    await sweep('none', { kind: 'none' });
    expect(built.steps).toEqual(Array(runs).fill(last));
    expect(read('none', 'runs.csv')).toBe(read('every5', 'runs.csv'));
  });
});
