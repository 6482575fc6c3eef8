/** Run-level measures of gvc validate: parsing with clear errors, evaluation, and which rows a run must record. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate, SUPPLIER_BATCH } from '../../src/engine/simulation.js';
import { executeRun } from '../../src/experiment/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import {
  SUPPLIER_COLUMNS,
  type SupplierRow,
  type TimeseriesRow,
} from '../../src/engine/observations.js';
import {
  evaluateMeasure,
  evaluateMeasureCounted,
  NO_VALUE_AFTER_EXIT,
  parseMeasure,
  stepsNeeded,
  supplierRecording,
} from '../../src/experiment/measures.js';

const supplier = (over: Partial<SupplierRow>): SupplierRow =>
  ({
    group: 'smes',
    role: 'OEM',
    active: true,
    step_odm: null,
    step_obm: null,
    marketing: 0.2,
    partner_marketing: 0,
    top_buyer_share: 0.9,
    ...over,
  }) as SupplierRow;
const parse = (raw: unknown) =>
  parseMeasure(raw, 'v.yaml', 'validation.checks[0].measure', ['smes', 'big']);

describe('parseMeasure', () => {
  it('accepts the three kinds', () => {
    expect(parse({ metric: 'share_oem' })).toMatchObject({
      kind: 'metric',
      step: 'final',
      window: null,
    });
    expect(parse({ metric: 'mean_margin', window: [1, 8] })).toMatchObject({ window: [1, 8] });
    expect(parse({ mean: 'design', group: 'big' })).toMatchObject({
      kind: 'mean',
      column: 'design',
      group: 'big',
      includeExited: false,
    });
    expect(parse({ share: { role: ['ODM', 'OBM'] }, step: 40 })).toMatchObject({
      kind: 'share',
      step: 40,
      condition: { kind: 'in', column: 'role' },
    });
    expect(parse({ share: { top_buyer_share: { min: 0.8 } } })).toMatchObject({
      condition: { kind: 'range', min: 0.8, max: Infinity },
    });
    expect(parse({ share: 'functionally_upgraded', include_exited: true })).toMatchObject({
      condition: { kind: 'derived' },
      includeExited: true,
    });
  });

  it('refuses a listed value its column never holds, which would match no supplier', () => {
    const at = 'v.yaml: validation.checks[0].measure.share';
    expect(() => parse({ share: { role: ['odm'] } })).toThrow(
      `${at}.role[0]: expected one of OEM|ODM|OBM, found "odm". Did you mean "ODM"?`,
    );
    expect(() => parse({ share: { n_buyers: ['2'] } })).toThrow(
      `${at}.n_buyers[0]: expected a number (n_buyers is numeric), found "2"`,
    );
    expect(() => parse({ share: { n_buyers: [1.5] } })).toThrow(
      `${at}.n_buyers[0]: expected a whole number (n_buyers holds whole numbers), found 1.5`,
    );
    expect(() => parse({ share: { active: ['true'] } })).toThrow(
      `${at}.active[0]: expected true or false, found "true"`,
    );
    expect(() => parse({ share: { main_buyer_governance: ['netwrok'] } })).toThrow(
      /main_buyer_governance\[0\]: expected one of market\|network\|quasi_hierarchy\|hierarchy, found "netwrok"\. Did you mean "network"\?/,
    );
    expect(() => parse({ share: { group: ['smes', 'bigg'] } })).toThrow(
      `${at}.group[1]: expected one of smes|big, found "bigg". Did you mean "big"?`,
    );
    expect(parse({ share: { exit_cause: ['cash'] } })).toMatchObject({
      condition: { kind: 'in', column: 'exit_cause', values: ['cash'] },
    });
  });

  it('names the file, the dotted path and a suggestion for misspellings', () => {
    expect(() => parse({ metric: 'mean_proces' })).toThrow(
      /v\.yaml: validation\.checks\[0\]\.measure\.metric.*Did you mean "mean_process"/,
    );
    expect(() => parse({ mean: 'design', group: 'smez' })).toThrow(
      /measure\.group.*Did you mean "smes"/,
    );
    expect(() => parse({ share: 'functionaly_upgraded' })).toThrow(
      /Did you mean "functionally_upgraded"/,
    );
    expect(() => parse({ mean: 'role' })).toThrow(/numeric suppliers\.csv column/);
    expect(() => parse({ metric: 'share_oem', mean: 'design' })).toThrow(
      /exactly one of metric, mean or share/,
    );
    expect(() => parse({ metric: 'share_oem', window: [8, 1] })).toThrow(/\[from, to\]/);
  });
});

describe('evaluateMeasure', () => {
  const rows = [
    supplier({ role: 'ODM', step_odm: 10 }),
    supplier({ step_odm: 5, step_obm: 30, top_buyer_share: 0.3 }),
    supplier({ group: 'big', step_obm: 20, partner_marketing: 0.7 }),
    supplier({ active: false, step_odm: 3 }),
  ];
  const obs = {
    timeseries: new Map<number | 'final', TimeseriesRow>(),
    suppliers: new Map([['final' as const, rows]]),
  };

  it('computes shares and means over the active suppliers of a group, or all of them', () => {
    expect(evaluateMeasure(parse({ share: 'functionally_upgraded' }), obs)).toBeCloseTo(1, 12);
    expect(evaluateMeasure(parse({ share: 'odm_then_obm', group: 'smes' }), obs)).toBeCloseTo(
      0.5,
      12,
    );
    expect(
      evaluateMeasure(
        parse({ share: 'functionally_upgraded', group: 'smes', include_exited: true }),
        obs,
      ),
    ).toBe(1);
    expect(evaluateMeasure(parse({ share: { role: ['ODM'] }, include_exited: true }), obs)).toBe(
      0.25,
    );
    expect(evaluateMeasure(parse({ share: 'partner_covers_marketing' }), obs)).toBeCloseTo(
      1 / 3,
      12,
    );
    expect(evaluateMeasure(parse({ mean: 'top_buyer_share', group: 'smes' }), obs)).toBeCloseTo(
      0.6,
      12,
    );
    expect(evaluateMeasure(parse({ share: { top_buyer_share: { min: 0.8 } } }), obs)).toBeCloseTo(
      2 / 3,
      12,
    );
  });

  it('counts the units each value is a share or mean over', () => {
    expect(evaluateMeasureCounted(parse({ share: 'functionally_upgraded' }), obs)).toEqual({
      value: 1,
      units: 3,
    });
    expect(
      evaluateMeasureCounted(parse({ share: { role: ['ODM'] }, include_exited: true }), obs),
    ).toEqual({ value: 0.25, units: 4 });
    expect(evaluateMeasureCounted(parse({ share: 'odm_then_obm', group: 'big' }), obs)).toEqual({
      value: 0,
      units: 1,
    });
    // A mean counts the active suppliers of its group with a value of the column: 2 smes (0.9
    // and 0.3); over everyone 3, and an added supplier with an empty value does not count.
    expect(
      evaluateMeasureCounted(parse({ mean: 'top_buyer_share', group: 'smes' }), obs).units,
    ).toBe(2);
    const noShare = {
      ...obs,
      suppliers: new Map([['final' as const, [...rows, supplier({ top_buyer_share: null })]]]),
    };
    expect(evaluateMeasureCounted(parse({ mean: 'top_buyer_share' }), noShare)).toMatchObject({
      units: 3,
    });
    expect(evaluateMeasureCounted(parse({ mean: 'design', group: 'big', step: 40 }), obs)).toEqual({
      value: NaN,
      units: 0,
    });
    // A metric of a step the observations lack has no value and no count (its counts are the
    // next test's).
    expect(evaluateMeasureCounted(parse({ metric: 'mean_process' }), obs)).toEqual({
      value: NaN,
      units: NaN,
    });
  });

  it("counts a share or mean over the active suppliers of a step as that step's n_suppliers", () => {
    const ts = new Map<number | 'final', TimeseriesRow>([
      [40, { n_suppliers: 7, share_oem: 1, lockin_rate: 1 } as TimeseriesRow],
      [
        'final',
        { n_suppliers: 12, share_oem: 1, mean_process: 0.4, lockin_rate: 1 } as TimeseriesRow,
      ],
    ]);
    const at = { timeseries: ts, suppliers: new Map() };
    // 12 of 12 active suppliers OEM at the end, 7 of 7 at step 40: not "1 with certainty".
    expect(evaluateMeasureCounted(parse({ metric: 'share_oem' }), at)).toEqual({
      value: 1,
      units: 12,
    });
    expect(evaluateMeasureCounted(parse({ metric: 'share_oem', step: 40 }), at)).toEqual({
      value: 1,
      units: 7,
    });
    expect(evaluateMeasureCounted(parse({ metric: 'mean_process' }), at)).toEqual({
      value: 0.4,
      units: 12,
    });
    // Over eligible suppliers, a count the row does not hold; and a window of steps is a mean
    // of means over changing sets: no units.
    expect(evaluateMeasureCounted(parse({ metric: 'lockin_rate' }), at).units).toBeNaN();
    expect(
      evaluateMeasureCounted(parse({ metric: 'share_oem', window: [40, 40] }), at).units,
    ).toBeNaN();
  });

  it('is NaN for an empty group or a missing step, and averages a window over defined steps', () => {
    expect(evaluateMeasure(parse({ mean: 'design', group: 'big', step: 40 }), obs)).toBeNaN();
    const ts = new Map<number | 'final', TimeseriesRow>([
      [1, { mean_margin: 0.1 } as TimeseriesRow],
      [2, { mean_margin: null } as TimeseriesRow],
      [3, { mean_margin: 0.3 } as TimeseriesRow],
    ]);
    expect(
      evaluateMeasure(parse({ metric: 'mean_margin', window: [1, 3] }), {
        timeseries: ts,
        suppliers: new Map(),
      }),
    ).toBeCloseTo(0.2, 12);
  });
});

describe('what a run records', () => {
  it('keeps the timeseries steps and supplier snapshots the measures need, and no more', () => {
    const ms = [
      parse({ metric: 'mean_margin', window: [2, 4] }),
      parse({ metric: 'share_oem', step: 7 }),
    ];
    expect(stepsNeeded(ms).sort((a, b) => a - b)).toEqual([2, 3, 4, 7]);
    expect(supplierRecording(ms, 120)).toEqual({ kind: 'none' });
    expect(supplierRecording([parse({ mean: 'design' })], 120)).toEqual({ kind: 'final' });
    expect(
      supplierRecording(
        [parse({ mean: 'design', step: 40 }), parse({ mean: 'design', step: 60 })],
        120,
      ),
    ).toEqual({ kind: 'every', k: 20 });
  });
});

describe('the initial state (step 0)', () => {
  const scenario = loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'firm-i.yaml'), {
    steps: 6,
  }).scenario;

  it('is observed whenever supplier rows are recorded on a schedule', () => {
    const steps: number[] = [];
    simulate(
      scenario,
      {
        timeseries: () => {},
        // A step's rows may come in several calls (SUPPLIER_BATCH): the steps, once each.
        suppliers: (rows) => {
          for (const row of rows) if (steps.at(-1) !== row.step) steps.push(row.step as number);
        },
      },
      { agents: { kind: 'every', k: 4 } },
    );
    expect(steps).toEqual([0, 4, 6]);
  });

  it('gives a measure at step 0 a value: the mean over the initial suppliers', () => {
    const initial: SupplierRow[] = [];
    simulate(
      scenario,
      {
        timeseries: () => {},
        suppliers: (rows) => initial.push(...rows.filter((row) => row.step === 0)),
      },
      { agents: { kind: 'every', k: 1 } },
    );
    expect(initial[0].step).toBe(0);
    const expected = initial.reduce((a, s) => a + (s.marketing as number), 0) / initial.length;
    const outcome = executeRun(
      {
        base: scenario,
        factorPaths: [],
        timeseries: { kind: 'none' },
        measures: [parse({ mean: 'marketing', step: 0 })],
      },
      { runId: 1, seed: scenario.seed, values: [] },
    );
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.measures?.[0]).toBeCloseTo(expected, 12);
  });
});

describe('a step with more suppliers than one batch of rows', () => {
  // SUPPLIER_BATCH + 904 smes and 100 established: a recorded step comes in two calls.
  const count = SUPPLIER_BATCH + 904;
  const scenario = loadScenario(
    join(import.meta.dirname, '..', '..', 'scenarios', 'baseline.yaml'),
    {
      steps: 2,
      sets: [`suppliers.smes.count=${count}`],
    },
  ).scenario;

  it('reaches the sink in supplier order, a batch at a time, and measures see the whole step', () => {
    const calls: SupplierRow[][] = [];
    simulate(
      scenario,
      { timeseries: () => {}, suppliers: (rows) => calls.push(rows) },
      { agents: { kind: 'every', k: 1 } },
    );
    const all = calls.flat();
    expect(Math.max(...calls.map((rows) => rows.length))).toBe(SUPPLIER_BATCH);
    expect(calls.length).toBeGreaterThan(3);
    const n = all.length / 3;
    expect(n).toBeGreaterThanOrEqual(count + 100);
    // Steps 0, 1, 2 in turn, each with every supplier once in id order.
    all.forEach((row, j) => {
      expect(row.step).toBe(Math.floor(j / n));
      expect(row.supplier_id).toBe(j % n);
    });
    const step1 = all.filter((row) => row.step === 1);
    const expected = step1.reduce((a, s) => a + (s.marketing as number), 0) / step1.length;
    const outcome = executeRun(
      {
        base: scenario,
        factorPaths: [],
        timeseries: { kind: 'none' },
        measures: [parse({ mean: 'marketing', step: 1 }), parse({ mean: 'marketing' })],
      },
      { runId: 1, seed: scenario.seed, values: [] },
    );
    expect(outcome.ok).toBe(true);
    const final = all.filter((row) => row.step === 2);
    if (outcome.ok)
      expect(outcome.measures).toEqual([
        expect.closeTo(expected, 12),
        expect.closeTo(final.reduce((a, s) => a + (s.marketing as number), 0) / final.length, 12),
      ]);
  });
});

describe('include_exited: exited firms as they were when they left', () => {
  it('is refused for a column exited firms have no value of, and kept for the rest', () => {
    for (const raw of [
      { mean: 'margin', include_exited: true },
      { mean: 'n_buyers', include_exited: true },
      { share: { top_buyer_share: { min: 0.8 } }, include_exited: true },
    ])
      expect(() => parse(raw)).toThrow(/include_exited.*keeps its value when a firm exits/);
    expect(parse({ mean: 'margin' })).toMatchObject({ includeExited: false });
    expect(parse({ mean: 'design', include_exited: true })).toMatchObject({ includeExited: true });
    expect(parse({ share: 'functionally_upgraded', include_exited: true })).toMatchObject({
      includeExited: true,
    });
  });

  // A world where suppliers exit (vicious circle), every step recorded: the list of refused
  // columns is exactly those an exited firm's rows do not keep from the step it left.
  const scenario = loadScenario(
    join(import.meta.dirname, '..', '..', 'scenarios', 'vicious-circle.yaml'),
    { steps: 40 },
  ).scenario;
  const rows: SupplierRow[] = [];
  simulate(
    scenario,
    { timeseries: () => {}, suppliers: (batch) => rows.push(...batch) },
    { agents: { kind: 'every', k: 1 } },
  );

  it('keeps every other numeric and condition column at its value at the exit step', () => {
    const last = Math.max(...rows.map((r) => r.step as number));
    const exited = rows.filter((r) => r.step === last && r.active === false);
    expect(exited.length).toBeGreaterThan(0);
    const byKey = new Map(rows.map((r) => [`${r.supplier_id}@${r.step}`, r]));
    const kept = SUPPLIER_COLUMNS.map((c) => c.name).filter(
      (n) =>
        !NO_VALUE_AFTER_EXIT.includes(n) &&
        !['run_id', 'step', 'active', 'exit_step', 'exit_cause'].includes(n),
    );
    for (const r of exited) {
      const before = byKey.get(`${r.supplier_id}@${(r.exit_step as number) - 1}`)!;
      const atExit = byKey.get(`${r.supplier_id}@${r.exit_step}`)!;
      for (const n of kept)
        expect(r[n as keyof SupplierRow], n).toEqual(atExit[n as keyof SupplierRow]);
      // Refused columns: empty or 0 after the exit, though the firm had them the step before.
      for (const n of NO_VALUE_AFTER_EXIT) {
        const v = r[n as keyof SupplierRow];
        expect(v === null || v === 0, `${n} = ${String(v)}`).toBe(true);
      }
      expect(before.active).toBe(true);
    }
    // Each refused column had a value (not empty) the step before the exit for some exited
    // firm: the exit, not the column, makes it empty or 0.
    for (const n of NO_VALUE_AFTER_EXIT) {
      const some = exited.some((r) => {
        const v = byKey.get(`${r.supplier_id}@${(r.exit_step as number) - 1}`)![
          n as keyof SupplierRow
        ];
        return v !== null;
      });
      expect(some, n).toBe(true);
    }
  });
});
