/**
 * The `sweep:` section of a scenario file: which parameters vary, by which design, how many
 * replications and from which master seed. Validated here against the parameter registry
 * (through applyParams, the same check scenario files get) so a bad sweep fails before any run.
 *
 *   sweep:
 *     design: grid            # grid | ofat | lhs | sobol | morris
 *     replications: 30
 *     seed: 2024              # master seed; each run's seed is derived from it
 *     samples: 64             # lhs: points; sobol: base samples N; morris: trajectories
 *     levels: 4               # morris grid levels
 *     parameters:
 *       buyers.lead_firms.governance: [market, network, quasi_hierarchy]
 *       suppliers.smes.intent.network_ties: { min: 0, max: 6, steps: 4 }
 *       environment.ipr_protection: { min: 0.1, max: 0.9 }
 */
import { ScenarioError, UserError, describeValue } from '../scenario/errors.js';
import { specFor, templateOf, type ParamSpec, type ParamValue } from '../scenario/parameters.js';
import { applyParams, suggest } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/types.js';

export const DESIGNS = ['grid', 'ofat', 'lhs', 'sobol', 'morris'] as const;
export type DesignName = (typeof DESIGNS)[number];
const NEEDS_BOUNDS: readonly DesignName[] = ['lhs', 'sobol', 'morris'];
const DEFAULT_SAMPLES: Record<DesignName, number> = {
  grid: 0,
  ofat: 0,
  lhs: 50,
  sobol: 64,
  morris: 10,
};
const KEYS = ['design', 'replications', 'seed', 'samples', 'levels', 'parameters'];

export interface SweepFactor {
  path: string;
  spec: ParamSpec;
  /** Explicit values (lists, or ranges with steps); absent for bounds-only factors. */
  values?: ParamValue[];
  /** Bounds, for lhs, sobol and morris. */
  min?: number;
  max?: number;
}

export interface SweepSpec {
  design: DesignName;
  replications: number;
  seed: number;
  samples: number;
  levels: number;
  factors: SweepFactor[];
}

export interface SweepOverrides {
  replications?: number | string;
}

type Raw = Record<string, unknown>;
const isMap = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = describeValue;

export function parseSweepSpec(
  raw: unknown,
  file: string,
  base: Scenario,
  overrides: SweepOverrides = {},
): SweepSpec {
  const fail = (path: string, expected: string, found: string, suggestion?: string): never => {
    throw new ScenarioError({ file, path, expected, found, suggestion });
  };
  if (raw === undefined)
    throw new UserError(
      `${file}: no sweep section; add one (see docs/experiments.md) to run a sweep`,
    );
  if (!isMap(raw))
    fail('sweep', 'a mapping with design, replications, seed and parameters', show(raw));
  const r = raw as Raw;
  for (const key of Object.keys(r))
    if (!KEYS.includes(key))
      fail(`sweep.${key}`, `one of ${KEYS.join(', ')}`, `unknown key "${key}"`, suggest(key, KEYS));

  const design = (r.design ?? 'grid') as DesignName;
  if (!DESIGNS.includes(design))
    fail(
      'sweep.design',
      `one of ${DESIGNS.join('|')}`,
      show(r.design),
      suggest(String(r.design), DESIGNS),
    );

  const integer = (path: string, value: unknown, min: number, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
      fail(path, `a whole number >= ${min}`, show(value));
    return n as number;
  };
  const replications = integer(
    overrides.replications !== undefined ? '--reps' : 'sweep.replications',
    overrides.replications ?? r.replications,
    1,
    1,
  );
  const seed = integer('sweep.seed', r.seed, 0, base.seed);
  if (seed > 4294967295) fail('sweep.seed', 'an integer in [0, 4294967295]', String(seed));
  const samples = integer('sweep.samples', r.samples, 1, DEFAULT_SAMPLES[design]);
  const levels = integer('sweep.levels', r.levels, 2, 4);

  if (!isMap(r.parameters) || Object.keys(r.parameters).length === 0) {
    fail(
      'sweep.parameters',
      'at least one parameter to vary: a mapping from parameter paths to a list of values or {min, max}',
      show(r.parameters),
    );
  }
  const factors = Object.entries(r.parameters as Raw).map(([path, v]) =>
    parseFactor(path, v, design, base, file, fail),
  );
  return { design, replications, seed, samples, levels, factors };
}

function parseFactor(
  path: string,
  raw: unknown,
  design: DesignName,
  base: Scenario,
  file: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
): SweepFactor {
  const where = `sweep.parameters.${path}`;
  // applyParams validates the path (with suggestions) and each value exactly as a file value would be.
  const check = (value: unknown) => applyParams(base, [[path, value]], file);
  const spec = specFor(templateOf(path));
  if (!spec) {
    check(0);
    fail(where, 'a parameter path', `unknown path "${path}"`);
  }
  const param = spec as ParamSpec;
  const numeric = param.type === 'number' || param.type === 'integer';
  if (Array.isArray(raw)) {
    if (NEEDS_BOUNDS.includes(design))
      fail(where, `bounds {min, max} (the ${design} design samples a range)`, 'a list of values');
    if (raw.length === 0) fail(where, 'a non-empty list of values', 'an empty list');
    for (const v of raw) check(v);
    return { path, spec: param, values: raw as ParamValue[] };
  }
  if (!isMap(raw)) fail(where, 'a list of values or {min, max}', show(raw));
  const m = raw as Raw;
  for (const key of Object.keys(m))
    if (!['min', 'max', 'steps'].includes(key))
      fail(
        `${where}.${key}`,
        'min, max or steps',
        `unknown key "${key}"`,
        suggest(key, ['min', 'max', 'steps']),
      );
  if (!numeric) fail(where, `a list of values (${path} is not numeric)`, 'a range');
  const { min, max } = m;
  if (typeof min !== 'number' || typeof max !== 'number')
    fail(where, 'numbers min and max', `min ${show(min)}, max ${show(max)}`);
  if ((min as number) >= (max as number))
    fail(where, 'min < max', `an empty or inverted range [${min}, ${max}]`);
  check(min);
  check(max);
  const factor: SweepFactor = { path, spec: param, min: min as number, max: max as number };
  if (m.steps !== undefined) {
    if (typeof m.steps !== 'number' || !Number.isInteger(m.steps) || m.steps < 2)
      fail(`${where}.steps`, 'a whole number >= 2', show(m.steps));
    factor.values = evenlySpaced(
      min as number,
      max as number,
      m.steps as number,
      param.type === 'integer',
    );
  } else if (!NEEDS_BOUNDS.includes(design)) {
    fail(
      where,
      `a list of values or {min, max, steps} (the ${design} design needs levels)`,
      'a range without steps',
    );
  }
  return factor;
}

/** `steps` evenly spaced values from min to max inclusive; integer parameters are rounded and de-duplicated. */
export function evenlySpaced(min: number, max: number, steps: number, integer: boolean): number[] {
  const values = Array.from({ length: steps }, (_, i) => min + ((max - min) * i) / (steps - 1));
  if (!integer) return values.map((v) => Number(v.toPrecision(12)));
  return [...new Set(values.map((v) => Math.round(v)))];
}
