/**
 * Run-level measures for replicated experiments (gvc validate): one number per run, computed
 * inside the worker from what the run observed, so a worker ships a few numbers instead of
 * every supplier row. A measure is either a timeseries metric at a step, or a statistic over
 * the suppliers (optionally of one group) at the final step:
 *
 *   { metric: mean_process }                          population metric at the final step
 *   { metric: mean_margin, step: 4 }                  ... at step 4
 *   { metric: mean_margin, window: [101, 120] }       ... averaged over steps 101 to 120
 *   { mean: top_buyer_share, group: large_exporters } mean over the group's active suppliers
 *   { share: { role: [ODM, OBM] }, group: captive }   share of them meeting a condition
 *   { share: { top_buyer_share: { min: 0.8 } } }      numeric conditions are inclusive ranges
 *   { share: functionally_upgraded }                  a derived condition (see DERIVED)
 *   { share: { role: [OBM] }, step: 40 }             ... observed at step 40 instead of the end
 *
 * Suppliers that exited count only with `include_exited: true`, with their rows at the step
 * observed: capabilities, role, cash, size and the step_* history stay as they were when the
 * firm left, but its sales-based columns are empty and its buyer and partner counts are 0 (the
 * exit ends its ties), so such columns are refused with include_exited (NO_VALUE_AFTER_EXIT).
 * A statistic over no suppliers is NaN: the analysis reports it as missing rather than
 * inventing a value.
 */
import { ScenarioError, describeValue } from '../scenario/errors.js';
import { suggest } from '../scenario/paths.js';
import { RELATIONSHIP_TYPES } from '../scenario/parameters.js';
import {
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
  type AgentsMode,
  type ColumnSpec,
  type SupplierRow,
  type TimeseriesRow,
} from '../engine/observations.js';

type SupplierColumn = (typeof SUPPLIER_COLUMNS)[number]['name'];
type MetricColumn = (typeof TIMESERIES_COLUMNS)[number]['name'];

/** Supplier conditions that are not a single column: why they exist is in their description. */
export const DERIVED: Record<string, { description: string; test: (s: SupplierRow) => boolean }> = {
  functionally_upgraded: {
    description: 'became ODM or OBM at some step of the run (even if it later fell back)',
    test: (s) => s.step_odm !== null || s.step_obm !== null,
  },
  odm_then_obm: {
    description: 'became ODM first and OBM at a later step (the OEM to ODM to OBM sequence)',
    test: (s) => s.step_odm !== null && s.step_obm !== null && s.step_odm < s.step_obm,
  },
  partner_covers_marketing: {
    description:
      'a strategic partner performs more marketing for it than its own marketing capability',
    test: (s) => (s.partner_marketing ?? 0) > (s.marketing ?? 0),
  },
};

/**
 * suppliers.csv columns that hold no value of an exited firm as it was when it left: empty
 * after exit (computed from this step's sales, or the main buyer's tie) or reset to 0 by the
 * exit itself, which ends its relationships and network ties (model/population.ts:
 * exitSupplier). Averaging or testing them with `include_exited: true` would give the
 * active-only value or count exited firms as 0, so the parser refuses it; keeping each firm's
 * last active row would need a supplier row at every step.
 */
export const NO_VALUE_AFTER_EXIT: readonly string[] = [
  'oem_share',
  'odm_share',
  'obm_share',
  'n_buyers',
  'top_buyer_share',
  'buyer_hhi',
  'main_buyer_governance',
  'domestic_share',
  'own_brand_share',
  'margin',
  'network_degree',
];

export type Condition =
  | { kind: 'derived'; name: string }
  | { kind: 'in'; column: SupplierColumn; values: (string | number | boolean)[] }
  | { kind: 'range'; column: SupplierColumn; min: number; max: number };

export type Measure =
  | {
      kind: 'metric';
      metric: MetricColumn;
      step: number | 'final';
      window: [number, number] | null;
    }
  | {
      kind: 'mean';
      column: SupplierColumn;
      group: string | null;
      includeExited: boolean;
      step: number | 'final';
    }
  | {
      kind: 'share';
      condition: Condition;
      group: string | null;
      includeExited: boolean;
      step: number | 'final';
    };

const NUMERIC_SUPPLIER = SUPPLIER_COLUMNS.filter(
  (c) => c.type === 'number' || c.type === 'integer',
).map((c) => c.name) as SupplierColumn[];
const ALL_SUPPLIER = SUPPLIER_COLUMNS.map((c) => c.name) as SupplierColumn[];
const METRICS = TIMESERIES_COLUMNS.map((c) => c.name).filter(
  (n) => n !== 'run_id' && n !== 'step',
) as MetricColumn[];

type Raw = Record<string, unknown>;
const isMap = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = describeValue;

/** Parse a measure from a scenario file; `where` is its dotted path for error messages. */
export function parseMeasure(
  raw: unknown,
  file: string,
  where: string,
  groups: readonly string[],
): Measure {
  const fail = (path: string, expected: string, found: string, suggestion?: string): never => {
    throw new ScenarioError({ file, path, expected, found, suggestion });
  };
  const kinds = ['metric', 'mean', 'share'];
  if (!isMap(raw))
    return fail(
      where,
      'a measure: {metric: NAME}, {mean: COLUMN} or {share: CONDITION}',
      show(raw),
    );
  const kind = kinds.filter((k) => k in raw);
  if (kind.length !== 1) {
    const unknown = Object.keys(raw).find(
      (k) => ![...kinds, 'step', 'group', 'include_exited'].includes(k),
    );
    fail(
      where,
      'exactly one of metric, mean or share',
      kind.length === 0 ? `keys ${Object.keys(raw).join(', ') || 'none'}` : kind.join(' and '),
      unknown ? suggest(unknown, kinds) : undefined,
    );
  }
  const allowed =
    kind[0] === 'metric'
      ? ['metric', 'step', 'window']
      : [kind[0], 'group', 'include_exited', 'step'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key))
      fail(
        `${where}.${key}`,
        `one of ${allowed.join(', ')}`,
        `unknown key "${key}"`,
        suggest(key, allowed),
      );
  }
  const step = raw.step ?? 'final';
  if (step !== 'final' && !(typeof step === 'number' && Number.isInteger(step) && step >= 0))
    fail(`${where}.step`, 'a step number >= 0 or "final"', show(step));
  if (kind[0] === 'metric') {
    const metric = raw.metric as MetricColumn;
    if (!METRICS.includes(metric))
      fail(
        `${where}.metric`,
        'a timeseries column (see codebook.csv)',
        show(raw.metric),
        suggest(String(raw.metric), METRICS),
      );
    let window: [number, number] | null = null;
    if (raw.window !== undefined) {
      const w = raw.window;
      const ok =
        Array.isArray(w) &&
        w.length === 2 &&
        w.every((x) => Number.isInteger(x) && (x as number) >= 0) &&
        (w[0] as number) <= (w[1] as number);
      if (!ok) fail(`${where}.window`, 'two step numbers [from, to] with 0 <= from <= to', show(w));
      if (raw.step !== undefined) fail(`${where}`, 'either step or window', 'both');
      window = w as [number, number];
    }
    return { kind: 'metric', metric, step: step as number | 'final', window };
  }
  const group = raw.group === undefined ? null : String(raw.group);
  if (group !== null && !groups.includes(group))
    fail(
      `${where}.group`,
      `a supplier group of the scenario (${groups.join('|')})`,
      show(raw.group),
      suggest(group, groups),
    );
  if (raw.include_exited !== undefined && typeof raw.include_exited !== 'boolean')
    fail(`${where}.include_exited`, 'true or false', show(raw.include_exited));
  const includeExited = raw.include_exited === true;
  if (kind[0] === 'mean') {
    const column = raw.mean as SupplierColumn;
    if (!NUMERIC_SUPPLIER.includes(column))
      fail(
        `${where}.mean`,
        'a numeric suppliers.csv column',
        show(raw.mean),
        suggest(String(raw.mean), NUMERIC_SUPPLIER),
      );
    if (includeExited) refuseAfterExit(column, `${where}.mean`, fail);
    return { kind: 'mean', column, group, includeExited, step: step as number | 'final' };
  }
  const condition = parseCondition(raw.share, `${where}.share`, fail, groups);
  if (includeExited && condition.kind !== 'derived')
    refuseAfterExit(condition.column, `${where}.share.${condition.column}`, fail);
  return {
    kind: 'share',
    condition,
    group,
    includeExited,
    step: step as number | 'final',
  };
}

function refuseAfterExit(
  column: string,
  where: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
): void {
  if (NO_VALUE_AFTER_EXIT.includes(column))
    fail(
      where,
      'with include_exited: true, a column that keeps its value when a firm exits (or drop include_exited to measure active firms only)',
      `${column}, which is empty or 0 for exited firms (their sales and ties end with the exit)`,
    );
}

/**
 * The values a string column of suppliers.csv can hold, or null when any text can appear:
 * the options its codebook unit lists (role: OEM|ODM|OBM), the relationship types, the
 * scenario's supplier groups.
 */
function columnOptions(
  column: SupplierColumn,
  groups: readonly string[],
): readonly string[] | null {
  if (column === 'main_buyer_governance') return RELATIONSHIP_TYPES;
  if (column === 'group') return groups;
  const unit = SUPPLIER_COLUMNS.find((c) => c.name === column)!.unit;
  return unit.includes('|') ? unit.split('|') : null;
}

/**
 * Refuses a listed value that the column never holds: a quoted number ("2") for a count, a
 * misspelt role (odm), a number for a flag. It would match no supplier, and the share would
 * be 0 in every run with no sign why, as a silently wrong number.
 */
function checkColumnValue(
  column: SupplierColumn,
  value: unknown,
  path: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
  groups: readonly string[],
): void {
  const type = SUPPLIER_COLUMNS.find((c) => c.name === column)!.type;
  if (type === 'boolean') {
    if (typeof value !== 'boolean') fail(path, 'true or false', show(value));
    return;
  }
  if (type === 'integer' || type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value))
      fail(path, `a number (${column} is numeric)`, show(value));
    if (type === 'integer' && !Number.isInteger(value))
      fail(path, `a whole number (${column} holds whole numbers)`, show(value));
    return;
  }
  const options = columnOptions(column, groups);
  if (typeof value !== 'string' || (options !== null && !options.includes(value)))
    fail(
      path,
      options === null ? 'a text value' : `one of ${options.join('|')}`,
      show(value),
      options !== null && typeof value === 'string' ? suggest(value, options) : undefined,
    );
}

function parseCondition(
  raw: unknown,
  where: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
  groups: readonly string[],
): Condition {
  const derived = Object.keys(DERIVED);
  if (typeof raw === 'string') {
    if (!derived.includes(raw))
      fail(
        where,
        `a derived condition (${derived.join('|')}) or {column: values}`,
        show(raw),
        suggest(raw, derived),
      );
    return { kind: 'derived', name: raw };
  }
  if (!isMap(raw) || Object.keys(raw).length !== 1)
    return fail(
      where,
      'one suppliers.csv column with its values, e.g. {role: [ODM, OBM]}',
      show(raw),
    );
  const [column, spec] = Object.entries(raw)[0] as [SupplierColumn, unknown];
  if (!ALL_SUPPLIER.includes(column))
    fail(
      `${where}.${column}`,
      'a suppliers.csv column',
      `unknown column "${column}"`,
      suggest(column, ALL_SUPPLIER),
    );
  if (Array.isArray(spec)) {
    if (spec.length === 0)
      fail(`${where}.${column}`, 'a non-empty list of values', 'an empty list');
    spec.forEach((v, i) => checkColumnValue(column, v, `${where}.${column}[${i}]`, fail, groups));
    return { kind: 'in', column, values: spec as (string | number | boolean)[] };
  }
  if (isMap(spec) && NUMERIC_SUPPLIER.includes(column)) {
    for (const key of Object.keys(spec))
      if (key !== 'min' && key !== 'max')
        fail(
          `${where}.${column}.${key}`,
          'min or max',
          `unknown key "${key}"`,
          suggest(key, ['min', 'max']),
        );
    const min = spec.min ?? -Infinity;
    const max = spec.max ?? Infinity;
    if (typeof min !== 'number' || typeof max !== 'number' || min > max)
      fail(
        `${where}.${column}`,
        'numbers min <= max',
        `min ${show(spec.min)}, max ${show(spec.max)}`,
      );
    return { kind: 'range', column, min: min as number, max: max as number };
  }
  return fail(
    `${where}.${column}`,
    NUMERIC_SUPPLIER.includes(column) ? 'a list of values or {min, max}' : 'a list of values',
    show(spec),
  );
}

/**
 * The values a measure can take, [lower, upper] (either may be infinite), or null when nothing
 * bounds it: a share is in [0, 1]; a metric or a mean over suppliers has its column's domain
 * (observations.ts; a mean or a window average stays inside it); `minus` another measure gives
 * the range of the difference. Used so that confidence intervals stay inside it.
 */
export function measureDomain(
  measure: Measure,
  minus: Measure | null = null,
): readonly [number, number] | null {
  const own = (m: Measure): readonly [number, number] => {
    if (m.kind === 'share') return [0, 1];
    const columns: readonly ColumnSpec[] =
      m.kind === 'metric' ? TIMESERIES_COLUMNS : SUPPLIER_COLUMNS;
    const name = m.kind === 'metric' ? m.metric : m.column;
    return columns.find((c) => c.name === name)?.domain ?? [-Infinity, Infinity];
  };
  const a = own(measure);
  const d: readonly [number, number] = minus
    ? (() => {
        const b = own(minus);
        return [a[0] - b[1], a[1] - b[0]];
      })()
    : a;
  return Number.isFinite(d[0]) || Number.isFinite(d[1]) ? d : null;
}

/** The timeseries steps a set of measures needs kept ('final' is always kept). */
export function stepsNeeded(measures: readonly Measure[]): number[] {
  const steps = measures.flatMap((measure) => {
    if (measure.kind !== 'metric') return [];
    if (measure.window)
      return Array.from(
        { length: measure.window[1] - measure.window[0] + 1 },
        (_, i) => measure.window![0] + i,
      );
    return measure.step === 'final' ? [] : [measure.step];
  });
  return [...new Set(steps)];
}

/**
 * When supplier rows must be recorded for these measures, as the engine's agents mode: none,
 * the final step, or every k steps with k the greatest common divisor of the steps asked for
 * and the last one (so every step needed is among those recorded).
 */
export function supplierRecording(measures: readonly Measure[], lastStep: number): AgentsMode {
  const supplierMeasures = measures.filter((measure) => measure.kind !== 'metric');
  if (supplierMeasures.length === 0) return { kind: 'none' };
  const steps = supplierMeasures.flatMap((measure) =>
    measure.step === 'final' || measure.step === lastStep ? [] : [measure.step],
  );
  if (steps.length === 0) return { kind: 'final' };
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return { kind: 'every', k: Math.max(1, steps.reduce(gcd, lastStep)) };
}

/** What a run observed that measures read: timeseries rows and supplier rows by step ('final' included). */
export interface RunObservations {
  timeseries: Map<number | 'final', TimeseriesRow>;
  suppliers: Map<number | 'final', readonly SupplierRow[]>;
}

/**
 * The timeseries metrics that are a share or a mean over the active suppliers of their step,
 * so that a value at one step is a mean over that row's `n_suppliers` units: the role shares,
 * the shares doing each kind of work, the capability means and the mean network degree
 * (docs/ODD.md §4.11; model/metrics.ts: timeseriesRow divides each by the active count). The
 * other metrics divide by a count the row does not hold (suppliers with sales or revenue,
 * eligible suppliers, relationships) or are no mean at all.
 */
export const PER_ACTIVE_SUPPLIER_METRICS: ReadonlySet<MetricColumn> = new Set<MetricColumn>([
  'share_oem',
  'share_odm',
  'share_obm',
  'share_doing_oem',
  'share_doing_odm',
  'share_doing_obm',
  'mean_process',
  'mean_product',
  'mean_design',
  'mean_marketing',
  'mean_network_degree',
]);

/** A measure's value in one run (evaluateMeasureCounted's `value`). */
export function evaluateMeasure(measure: Measure, obs: RunObservations): number {
  return evaluateMeasureCounted(measure, obs).value;
}

/**
 * A measure's value in one run and the number of units it is a mean over: for a share k/n the
 * n suppliers it counts, for a mean the suppliers with a value of the column (0 when the value
 * is NaN for want of any). A metric at one step that is a share or mean over the active
 * suppliers (PER_ACTIVE_SUPPLIER_METRICS) is over that step's `n_suppliers`; any other metric,
 * and a metric averaged over a window of steps (a mean of means over changing sets of
 * suppliers, not one set), has `units` NaN. The analysis uses the units only when every run
 * gives the same value (analysis/sensitivity/stats.ts: pooledMeanInterval).
 */
export function evaluateMeasureCounted(
  measure: Measure,
  obs: RunObservations,
): { value: number; units: number } {
  if (measure.kind === 'metric') {
    const value = evaluateMetric(measure, obs);
    if (measure.window || !PER_ACTIVE_SUPPLIER_METRICS.has(measure.metric))
      return { value, units: NaN };
    const n = obs.timeseries.get(measure.step)?.n_suppliers;
    return { value, units: typeof n === 'number' ? n : NaN };
  }
  const pool = (obs.suppliers.get(measure.step) ?? []).filter(
    (s) =>
      (measure.group === null || s.group === measure.group) &&
      (measure.includeExited || s.active === true),
  );
  if (measure.kind === 'mean') {
    const values = pool
      .map((s) => s[measure.column])
      .filter((v): v is number => typeof v === 'number');
    return {
      value: values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length,
      units: values.length,
    };
  }
  if (pool.length === 0) return { value: NaN, units: 0 };
  const test = conditionTest(measure.condition);
  return { value: pool.filter(test).length / pool.length, units: pool.length };
}

function evaluateMetric(measure: Measure & { kind: 'metric' }, obs: RunObservations): number {
  const at = (step: number | 'final') => {
    const v = obs.timeseries.get(step)?.[measure.metric];
    return typeof v === 'number' ? v : NaN;
  };
  if (!measure.window) return at(measure.step);
  // Steps where the metric is undefined (e.g. no firm had revenue) are left out of the average.
  const values: number[] = [];
  for (let t = measure.window[0]; t <= measure.window[1]; t++)
    if (Number.isFinite(at(t))) values.push(at(t));
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function conditionTest(c: Condition): (s: SupplierRow) => boolean {
  switch (c.kind) {
    case 'derived':
      return DERIVED[c.name].test;
    case 'in':
      return (s) => c.values.includes(s[c.column] as string | number | boolean);
    case 'range':
      return (s) => {
        const v = s[c.column];
        return typeof v === 'number' && v >= c.min && v <= c.max;
      };
  }
}
