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
 *     levels: 4               # morris grid levels (even)
 *     second_order: false     # sobol: also the BA blocks for second-order indices
 *     common_random_numbers: false  # sobol/morris: one seed per Saltelli block / trajectory
 *     parameters:
 *       buyers.lead_firms.governance: [market, network, quasi_hierarchy]
 *       suppliers.smes.intent.network_ties: { min: 0, max: 6, steps: 4 }
 *       environment.ipr_protection: { min: 0.1, max: 0.9 }
 */
import { MAX_SOBOL_DIMENSION } from './designs/sobol-sequence.js';
import { ScenarioError, UserError, describeValue } from '../scenario/errors.js';
import { checkRunCount, DEFAULT_LIMITS } from './limits.js';
import { specFor, templateOf, type ParamSpec, type ParamValue } from '../scenario/parameters.js';
import { applyParams } from '../scenario/resolve.js';
import { checkValue } from '../scenario/check-raw.js';
import { suggest } from '../scenario/paths.js';
import type { Locator } from '../scenario/safe-yaml.js';
import { withPositions } from '../scenario/section-positions.js';
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
const KEYS = [
  'design',
  'replications',
  'seed',
  'samples',
  'levels',
  'second_order',
  'common_random_numbers',
  'parameters',
];
/** Names of the leading (identifier) columns of runs.csv, errors.csv and summary.csv: never a factor. */
export const RESERVED_FACTORS: readonly string[] = ['run_id', 'cell_id', 'replicate', 'seed'];

/** The flag that sets each key of a sweep section, for messages that point to it. */
const SWEEP_KEY_FLAGS: Record<string, string> = {
  design: '--design',
  replications: '--reps',
  seed: '--sweep-seed',
  samples: '--samples',
  parameters: '--vary',
};

/**
 * What to write instead of a sweep setting (`sweep.seed`) given where a model parameter
 * goes (`--vary`, `--set`, `sweep.parameters`): the text of an "expected …" for the message,
 * or undefined when `path` is not under `sweep.`.
 */
export function sweepSettingText(path: string): string | undefined {
  if (!path.startsWith('sweep.')) return undefined;
  const key = path.slice('sweep.'.length);
  // Not a key of the section (`sweep.seeds`, `sweep.parameters.x`): say so, rather than tell
  // the user to write a key the file would refuse in turn.
  if (key.startsWith('parameters.')) {
    const factor = key.slice('parameters.'.length);
    return `a model parameter (${path} is a factor of the sweep: give it with --vary ${factor}=[…] or under parameters: in the file's sweep section)`;
  }
  if (!KEYS.includes(key) || key === 'parameters') {
    const near = suggest(key, KEYS);
    return `a model parameter (${path} is neither a model parameter nor a setting of the sweep, whose settings are ${KEYS.join(', ')}${near ? `; did you mean sweep.${near}?` : ''})`;
  }
  const flag = SWEEP_KEY_FLAGS[key];
  return `a model parameter (${path} is a setting of the sweep itself, one value for the whole sweep: give it ${flag ? `with ${flag} or ` : ''}as ${key}: in the file's sweep section${key === 'seed' ? "; each run's seed is derived from it, and replications give each cell several" : ''})`;
}

/** Paths that are not factors, so never suggested as one (they would be refused in turn). */
const NOT_FACTORS: readonly string[] = [...RESERVED_FACTORS, 'name', 'description'];

export interface SweepFactor {
  path: string;
  spec: ParamSpec;
  /** Explicit values (lists, or ranges with steps); absent for bounds-only factors. */
  values?: ParamValue[];
  /** Bounds, for lhs, sobol and morris. */
  min?: number;
  max?: number;
  /** Where the factor was given, for messages: the file, or the `--vary` flag that replaced it. */
  source?: string;
}

export interface SweepSpec {
  design: DesignName;
  replications: number;
  seed: number;
  samples: number;
  levels: number;
  /** sobol: also generate the BA_j blocks, for second-order indices (Saltelli 2002). */
  secondOrder: boolean;
  /**
   * sobol/morris: every row of one Saltelli block (A_i, AB_j,i, [BA_j,i,] B_i) or one Morris
   * trajectory gets the same seed per replicate (common random numbers), so the differences
   * the estimators take are free of seed noise.
   */
  commonRandomNumbers: boolean;
  factors: SweepFactor[];
}

export interface SweepOverrides {
  /** --reps, already read as a whole number by the command line. */
  replications?: number;
  /** Most runs a plan may have (--max-runs): a factor with more levels is refused at once. */
  maxRuns?: number;
}

type Raw = Record<string, unknown>;
const isMap = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = describeValue;

/**
 * The sweep section `raw` of the scenario file `file` (resolved scenario `base`), checked
 * against the parameter registry, with the flags' `overrides`. Throws a one-line
 * ScenarioError, at the line and column of the offending entry when `locate` (the file's
 * LoadedScenario.locate) is given.
 */
export function parseSweepSpec(
  raw: unknown,
  file: string,
  base: Scenario,
  overrides: SweepOverrides = {},
  locate?: Locator,
): SweepSpec {
  return withPositions(file, { sweep: raw }, locate, () =>
    parseSweepSection(raw, file, base, overrides),
  );
}

function parseSweepSection(
  raw: unknown,
  file: string,
  base: Scenario,
  overrides: SweepOverrides,
): SweepSpec {
  const fail = (path: string, expected: string, found: string, suggestion?: string): never => {
    throw new ScenarioError({ file, path, expected, found, suggestion });
  };
  if (raw === undefined)
    throw new UserError(
      `${file}: no sweep section; add one (see docs/experiments.md) or give the parameters to vary with --vary path=[a, b]`,
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
    // A number, as every number of the file is read: a quoted "2" is text and refused, as
    // `time.steps: "2"` is (not read as its digits here only). A whole number past 2^53 - 1
    // (1e20) is not held exactly by a double: refused with where the limit is.
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
      fail(
        path,
        typeof value === 'number' && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER
          ? `a whole number >= ${min} and at most ${Number.MAX_SAFE_INTEGER}`
          : `a whole number >= ${min}`,
        show(value),
      );
    return value as number;
  };
  const replications = integer(
    overrides.replications !== undefined ? '--reps' : 'sweep.replications',
    overrides.replications ?? r.replications,
    1,
    1,
  );
  // The master seed is a seed like a run's: the same check, range and message as `seed`.
  let seed = base.seed;
  if (r.seed !== undefined) {
    const problem = checkValue(specFor('seed')!, r.seed);
    if (problem) fail('sweep.seed', problem.expected, problem.found);
    seed = r.seed as number;
  }
  // A key the design does not use would be silently ignored: refuse it instead.
  if (r.samples !== undefined && (design === 'grid' || design === 'ofat'))
    fail(
      'sweep.samples',
      `no samples for the ${design} design (its cells are the listed values); remove it or choose lhs, sobol or morris`,
      show(r.samples),
    );
  if (r.levels !== undefined && design !== 'morris')
    fail(
      'sweep.levels',
      `no levels for the ${design} design (levels are the grid of a morris design); remove it`,
      show(r.levels),
    );
  const samples = integer('sweep.samples', r.samples, 1, DEFAULT_SAMPLES[design]);
  const levels = integer('sweep.levels', r.levels, 2, 4);
  // Odd p puts a Morris step x* + Δ off the grid (Morris 1991 takes p even).
  if (design === 'morris' && levels % 2 !== 0)
    fail(
      'sweep.levels',
      'an even whole number >= 2 (Morris grid levels)',
      show(r.levels),
      String(levels - 1),
    );
  const flag = (key: string, designs: readonly DesignName[]): boolean => {
    const v = r[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') fail(`sweep.${key}`, 'true or false', show(v));
    if (v && !designs.includes(design))
      fail(
        `sweep.${key}`,
        `false or absent (it applies to ${designs.join(' and ')} designs; this is ${design})`,
        'true',
      );
    return v as boolean;
  };
  const secondOrder = flag('second_order', ['sobol']);
  const commonRandomNumbers = flag('common_random_numbers', ['sobol', 'morris']);

  if (!isMap(r.parameters) || Object.keys(r.parameters).length === 0) {
    fail(
      'sweep.parameters',
      'at least one parameter to vary: a mapping from parameter paths to a list of values or {min, max}',
      show(r.parameters),
    );
  }
  for (const path of Object.keys(r.parameters as Raw)) {
    // The seed of each run is derived from (sweep.seed, cell, replicate) and would silently
    // replace a varied seed, while runs.csv showed two columns named `seed`.
    if (RESERVED_FACTORS.includes(path))
      fail(
        `sweep.parameters.${path}`,
        `a model parameter (${RESERVED_FACTORS.join(', ')} are columns of runs.csv that identify a run; each run's seed is derived from the sweep's seed (--sweep-seed, or seed: in the file's sweep section), and --reps or replications: give each cell several)`,
        `"${path}"`,
      );
    if (path === 'name' || path === 'description')
      fail(
        `sweep.parameters.${path}`,
        `a model parameter (${path} labels the scenario and its output folder, the same for every run)`,
        `"${path}"`,
      );
    const setting = sweepSettingText(path);
    if (setting !== undefined) fail(`sweep.parameters.${path}`, setting, `"${path}"`);
  }
  const factors = Object.entries(r.parameters as Raw).map(([path, v]) =>
    parseFactor(path, v, design, base, file, fail, overrides.maxRuns ?? DEFAULT_LIMITS.maxRuns),
  );
  if (design === 'sobol' && 2 * factors.length > MAX_SOBOL_DIMENSION)
    fail(
      'sweep.parameters',
      `at most ${MAX_SOBOL_DIMENSION / 2} parameters (the Sobol' sequence has ${MAX_SOBOL_DIMENSION} dimensions, two per factor)`,
      `${factors.length} parameters`,
    );
  return {
    design,
    replications,
    seed,
    samples,
    levels,
    secondOrder,
    commonRandomNumbers,
    factors,
  };
}

/** Fewest Sobol' base samples / Morris trajectories for which a bootstrap interval is worth a warning-free run. */
export const MIN_SOBOL_SAMPLES = 32;
export const MIN_MORRIS_TRAJECTORIES = 10;

/**
 * Problems that do not stop a sweep but weaken what its analysis can say: a Sobol' N that is
 * not a power of two (the sequence is balanced only over blocks of 2^m points: Sobol' 1967;
 * Owen 2020), N or r too small for a bootstrap interval to mean much (Efron & Tibshirani
 * 1993; r = 10 is the usual minimum, Campolongo et al. 2007), one replication (no estimate of
 * seed noise), or an integer factor with fewer values than Morris grid levels.
 */
export function sweepWarnings(spec: SweepSpec): string[] {
  const out: string[] = [];
  const N = spec.samples;
  if (spec.design === 'sobol') {
    if ((N & (N - 1)) !== 0) {
      let lower = 1;
      while (lower * 2 < N) lower *= 2;
      out.push(
        `sweep.samples: N = ${N} is not a power of two; the Sobol' sequence is balanced only over 2^m points (use ${lower} or ${lower * 2})`,
      );
    }
    if (N < MIN_SOBOL_SAMPLES)
      out.push(
        `sweep.samples: N = ${N} base ${N === 1 ? 'sample' : 'samples'} is too few for the bootstrap intervals of the indices to mean much (use at least ${MIN_SOBOL_SAMPLES})`,
      );
  }
  if (spec.design === 'morris') {
    if (N < MIN_MORRIS_TRAJECTORIES)
      out.push(
        `sweep.samples: r = ${N} ${N === 1 ? 'trajectory' : 'trajectories'} is too few for the interval of mu* to mean much (use at least ${MIN_MORRIS_TRAJECTORIES})`,
      );
    for (const f of spec.factors) {
      if (f.spec.type !== 'integer' || f.min === undefined || f.max === undefined) continue;
      const values = Math.floor(f.max) - Math.ceil(f.min) + 1;
      if (values < spec.levels)
        out.push(
          `sweep.parameters.${f.path}: ${values} integer values for ${spec.levels} Morris levels, so some values are visited more often than others (use levels <= ${values})`,
        );
    }
  }
  if ((spec.design === 'sobol' || spec.design === 'morris') && spec.replications < 2)
    out.push(
      'sweep.replications: 1 replication per cell, so gvc sensitivity cannot estimate how much of the variance is seed noise',
    );
  return out;
}

function parseFactor(
  path: string,
  raw: unknown,
  design: DesignName,
  base: Scenario,
  file: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
  maxRuns: number,
): SweepFactor {
  const where = `sweep.parameters.${path}`;
  // applyParams validates the path (with suggestions) and each value exactly as a file value
  // would be; a value against the parameter that bounds it only with the cell's other factors
  // (plan.ts: `initial: [0.6, 0.8]` with `max: [0.8, 0.9]` crosses no bound in any cell).
  const check = (value: unknown) => applyParams(base, [[path, value]], file, { bounds: false });
  const spec = specFor(templateOf(path));
  if (!spec) {
    try {
      check(0);
    } catch (err) {
      // The path's suggestion comes from every path --set takes: drop one that is no factor
      // (`sweep.seed` suggested `seed`, which is refused as a factor in turn).
      if (err instanceof ScenarioError && NOT_FACTORS.includes(err.suggestion ?? ''))
        fail(err.path, err.expected, err.found);
      throw err;
    }
    fail(where, 'a parameter path', `unknown path "${path}"`);
  }
  const param = spec as ParamSpec;
  const numeric = param.type === 'number' || param.type === 'integer';
  if (Array.isArray(raw)) {
    if (NEEDS_BOUNDS.includes(design))
      fail(where, `bounds {min, max} (the ${design} design samples a range)`, 'a list of values');
    if (raw.length === 0) fail(where, 'a non-empty list of values', 'an empty list');
    for (const v of raw) check(v);
    // A value listed twice makes two cells of the same parameters: a grid would run them
    // twice over and summary.csv would show one condition as two. A set-valued parameter
    // (guards, buyer_groups, partner_groups; the model uses them as sets) is the same value
    // in any order: [design, marketing] and [marketing, design] are one condition.
    const isSet = param.type === 'set' || param.type === 'names';
    const seen = new Map<string, number>();
    raw.forEach((v, i) => {
      const key = JSON.stringify(isSet && Array.isArray(v) ? [...v].sort() : v);
      const first = seen.get(key);
      if (first !== undefined)
        fail(
          `${where}[${i}]`,
          'each value once (replications repeat a cell)',
          JSON.stringify(v) !== JSON.stringify(raw[first])
            ? `[${(v as string[]).join(', ')}], the same set as item ${first} in another order`
            : `${Array.isArray(v) ? `[${v.join(', ')}]` : show(v)} again (also item ${first})`,
        );
      seen.set(key, i);
    });
    return { path, spec: param, values: raw as ParamValue[], source: file };
  }
  if (!isMap(raw)) fail(where, 'a list of values or {min, max}', show(raw));
  const range = raw as Raw;
  for (const key of Object.keys(range))
    if (!['min', 'max', 'steps'].includes(key))
      fail(
        `${where}.${key}`,
        'min, max or steps',
        `unknown key "${key}"`,
        suggest(key, ['min', 'max', 'steps']),
      );
  if (!numeric) fail(where, `a list of values (${path} is not numeric)`, 'a range');
  const { min, max } = range;
  if (typeof min !== 'number' || typeof max !== 'number')
    fail(where, 'numbers min and max', `min ${show(min)}, max ${show(max)}`);
  if ((min as number) >= (max as number))
    fail(where, 'min < max', `an empty or inverted range [${min}, ${max}]`);
  check(min);
  check(max);
  const factor: SweepFactor = {
    path,
    spec: param,
    min: min as number,
    max: max as number,
    source: file,
  };
  if (range.steps !== undefined && NEEDS_BOUNDS.includes(design))
    fail(
      `${where}.steps`,
      `no steps (the ${design} design samples the range; steps would be ignored)`,
      `steps ${show(range.steps)}`,
    );
  if (range.steps !== undefined) {
    if (typeof range.steps !== 'number' || !Number.isInteger(range.steps) || range.steps < 2)
      fail(`${where}.steps`, 'a whole number >= 2', show(range.steps));
    // Every level is at least one run: refuse before the levels are built (steps: 1e9 would
    // fill the memory here).
    checkRunCount(`${file}: ${where}.steps`, range.steps as number, `at least one run per level`, {
      ...DEFAULT_LIMITS,
      maxRuns,
    });
    factor.values = evenlySpaced(
      min as number,
      max as number,
      range.steps as number,
      param.type === 'integer',
    );
    // Rounded levels of an integer parameter would be unevenly spaced or repeat (min 0, max 5,
    // steps 4 gives 0, 1.67, 3.33, 5): refused rather than silently changed.
    if (param.type === 'integer') {
      const exact = evenlySpaced(min as number, max as number, range.steps as number, false);
      if (exact.some((v) => !Number.isInteger(v)))
        fail(
          `${where}.steps`,
          `steps that give whole-number levels (${path} is an integer; max - min must be a multiple of steps - 1), or a list of values`,
          `steps ${range.steps}: levels ${exact.map((v) => Number(v.toPrecision(3))).join(', ')}`,
        );
    }
  } else if (!NEEDS_BOUNDS.includes(design)) {
    fail(
      where,
      `a list of values or {min, max, steps} (the ${design} design needs levels)`,
      'a range without steps',
    );
  }
  return factor;
}

/**
 * `steps` evenly spaced values from min to max inclusive; integer parameters are rounded and
 * de-duplicated (parseFactor refuses ranges whose levels are not whole numbers before this matters).
 */
export function evenlySpaced(min: number, max: number, steps: number, integer: boolean): number[] {
  const values = Array.from({ length: steps }, (_, i) => min + ((max - min) * i) / (steps - 1));
  if (!integer) return values.map((v) => Number(v.toPrecision(12)));
  return [...new Set(values.map((v) => Math.round(v)))];
}
