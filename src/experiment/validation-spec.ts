/**
 * The `validation:` section of a scenario file: which proposition it tests, its source, and
 * the checks — each a contrast of a run-level measure between cells of the file's sweep, with
 * the 95% confidence interval the result must clear. Everything a check compares is named in
 * the file; nothing here knows which pattern or case a file is about.
 *
 *   validation:
 *     pattern: P1
 *     kind: pattern                 # pattern | case
 *     title: Quasi-hierarchy raises process capability faster than market governance
 *     source: Humphrey & Schmitz (2002)
 *     fast_replications: 8          # gvc validate --fast
 *     checks:
 *       - id: process
 *         contrast: mean process capability at step 40, quasi-hierarchy minus market
 *         measure: { metric: mean_process }
 *         compare: { buyers.lead_firms.governance: [quasi_hierarchy, market] }
 *         expect: { above: 0 }
 *
 * Replications and the master seed come from the sweep section when there is one (so
 * `gvc sweep` on the same file reproduces the experiment's runs), otherwise from
 * `validation.replications` and `validation.seed`.
 */
import { ScenarioError, UserError, describeValue } from '../scenario/errors.js';
import type { Locator } from '../scenario/safe-yaml.js';
import { withPositions } from '../scenario/section-positions.js';
import { checkText } from '../scenario/text.js';
import { specFor, type ParamValue } from '../scenario/parameters.js';
import { checkValue } from '../scenario/check-raw.js';
import { suggest } from '../scenario/paths.js';
import type { Scenario } from '../scenario/types.js';
import { parseMeasure, type Measure } from './measures.js';
import { parseSweepSpec, type SweepSpec } from './sweep-spec.js';

/** Cells of the sweep a set of runs is drawn from: factor path → required value. */
export type CellFilter = [path: string, value: ParamValue][];

export type Comparison =
  | { kind: 'level' }
  | { kind: 'difference'; path: string; a: ParamValue; b: ParamValue }
  | {
      kind: 'interaction';
      effect: { path: string; a: ParamValue; b: ParamValue };
      across: { path: string; a: ParamValue; b: ParamValue };
    };

export interface Check {
  id: string;
  contrast: string;
  measure: Measure;
  /** Subtracted from `measure` within each run (a within-run contrast). */
  minus: Measure | null;
  within: CellFilter;
  comparison: Comparison;
  /** The 95% CI must lie entirely above `above` and below `below`. */
  above: number | null;
  below: number | null;
}

export interface ValidationSpec {
  pattern: string;
  kind: 'pattern' | 'case';
  title: string;
  source: string;
  sweep: SweepSpec;
  fastReplications: number;
  checks: Check[];
}

type Raw = Record<string, unknown>;
const isMap = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = describeValue;
const KEYS = [
  'pattern',
  'kind',
  'title',
  'source',
  'replications',
  'seed',
  'fast_replications',
  'checks',
];
const CHECK_KEYS = [
  'id',
  'contrast',
  'measure',
  'minus',
  'within',
  'compare',
  'interaction',
  'expect',
];

/**
 * The validation section `raw` (with the file's sweep section `rawSweep`) of the scenario file
 * `file` (resolved scenario `base`). Throws a one-line ScenarioError, at the line and column of
 * the offending entry when `locate` (the file's LoadedScenario.locate) is given.
 */
export function parseValidationSpec(
  raw: unknown,
  rawSweep: unknown,
  file: string,
  base: Scenario,
  locate?: Locator,
): ValidationSpec {
  return withPositions(file, { validation: raw, sweep: rawSweep }, locate, () =>
    parseValidationSection(raw, rawSweep, file, base),
  );
}

function parseValidationSection(
  raw: unknown,
  rawSweep: unknown,
  file: string,
  base: Scenario,
): ValidationSpec {
  const fail = (path: string, expected: string, found: string, suggestion?: string): never => {
    throw new ScenarioError({ file, path, expected, found, suggestion });
  };
  if (raw === undefined)
    throw new UserError(
      `${file}: no validation section; add one (see docs/validation.md) to use this file with gvc validate`,
    );
  if (!isMap(raw))
    return fail('validation', 'a mapping with pattern, title, source and checks', show(raw));
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key))
      fail(
        `validation.${key}`,
        `one of ${KEYS.join(', ')}`,
        `unknown key "${key}"`,
        suggest(key, KEYS),
      );
  const text = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v.trim() === '')
      fail(`validation.${key}`, 'a non-empty string', show(v));
    checkText(v as string, { file, path: `validation.${key}` }, true);
    return (v as string).trim().replace(/\s+/g, ' ');
  };
  const kind = raw.kind ?? 'pattern';
  if (kind !== 'pattern' && kind !== 'case')
    fail(
      'validation.kind',
      'pattern or case',
      show(kind),
      suggest(String(kind), ['pattern', 'case']),
    );

  let sweep: SweepSpec;
  if (rawSweep !== undefined) {
    for (const key of ['replications', 'seed']) {
      if (raw[key] !== undefined)
        fail(`validation.${key}`, `no ${key} here: the sweep section sets it`, show(raw[key]));
    }
    sweep = parseSweepSpec(rawSweep, file, base);
    if (sweep.design !== 'grid')
      fail(
        'sweep.design',
        'grid (validation contrasts compare the cells of a full factorial)',
        show(sweep.design),
      );
  } else {
    const integer = (key: string, min: number): number => {
      const v = raw[key];
      // The seed is a seed like a run's: the same range (and message) as `seed:`.
      const problem =
        key === 'seed' && v !== undefined ? checkValue(specFor('seed')!, v) : undefined;
      if (problem) fail(`validation.${key}`, problem.expected, problem.found);
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
        fail(
          `validation.${key}`,
          `a whole number >= ${min} (or a sweep section)`,
          v === undefined ? 'nothing' : show(v),
        );
      return v as number;
    };
    sweep = {
      design: 'grid',
      replications: integer('replications', 2),
      seed: integer('seed', 0),
      samples: 0,
      levels: 4,
      secondOrder: false,
      commonRandomNumbers: false,
      factors: [],
    };
  }
  const fastReplications =
    raw.fast_replications === undefined ? Math.min(sweep.replications, 8) : raw.fast_replications;
  if (
    typeof fastReplications !== 'number' ||
    !Number.isInteger(fastReplications) ||
    fastReplications < 2 ||
    fastReplications > sweep.replications
  ) {
    fail(
      'validation.fast_replications',
      `a whole number from 2 to the full replications (${sweep.replications})`,
      show(raw.fast_replications),
    );
  }

  if (!Array.isArray(raw.checks) || raw.checks.length === 0)
    fail(
      'validation.checks',
      'a non-empty list of checks',
      raw.checks === undefined ? 'nothing' : show(raw.checks),
    );
  const groups = Object.keys(base.suppliers);
  const checks = (raw.checks as unknown[]).map((c, i) =>
    parseCheck(c, `validation.checks[${i}]`, sweep, groups, file, fail),
  );
  checks.forEach((c, i) => {
    for (const [key, m] of [
      ['measure', c.measure],
      ['minus', c.minus],
    ] as const) {
      const last = m?.kind === 'metric' && m.window ? m.window[1] : m?.step;
      if (m && last !== 'final' && last !== undefined && last > base.time.steps) {
        fail(
          `validation.checks[${i}].${key}`,
          `steps of the run (0 to time.steps = ${base.time.steps})`,
          `step ${last}`,
        );
      }
    }
  });
  const ids = checks.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) fail('validation.checks', 'a unique id per check', `id "${dup}" twice`);
  return {
    pattern: text('pattern'),
    kind: kind as 'pattern' | 'case',
    title: text('title'),
    source: text('source'),
    sweep,
    fastReplications: fastReplications as number,
    checks,
  };
}

function parseCheck(
  raw: unknown,
  where: string,
  sweep: SweepSpec,
  groups: readonly string[],
  file: string,
  fail: (path: string, expected: string, found: string, suggestion?: string) => never,
): Check {
  if (!isMap(raw)) return fail(where, 'a check with id, contrast, measure and expect', show(raw));
  for (const key of Object.keys(raw))
    if (!CHECK_KEYS.includes(key))
      fail(
        `${where}.${key}`,
        `one of ${CHECK_KEYS.join(', ')}`,
        `unknown key "${key}"`,
        suggest(key, CHECK_KEYS),
      );
  if (typeof raw.id !== 'string' || !/^[a-z0-9_]+$/.test(raw.id))
    fail(`${where}.id`, 'a short snake_case id', show(raw.id));
  if (typeof raw.contrast !== 'string' || raw.contrast.trim() === '')
    fail(
      `${where}.contrast`,
      'a sentence saying what is measured and compared',
      show(raw.contrast),
    );
  checkText(raw.contrast as string, { file, path: `${where}.contrast` }, true);

  const factorValue = (path: string, value: unknown, at: string): ParamValue => {
    const factor = sweep.factors.find((f) => f.path === path);
    if (!factor?.values) {
      const paths = sweep.factors.map((f) => f.path);
      return fail(
        at,
        paths.length
          ? `a swept parameter (${paths.join(', ')})`
          : 'a swept parameter (this file has no sweep section)',
        `"${path}"`,
        suggest(path, paths),
      );
    }
    const match = factor.values.find((v) => v === value);
    if (match === undefined)
      fail(`${at}`, `one of the swept values ${factor.values.map(String).join(', ')}`, show(value));
    return match as ParamValue;
  };
  const pair = (swept: unknown, at: string): { path: string; a: ParamValue; b: ParamValue } => {
    if (!isMap(swept) || Object.keys(swept).length !== 1)
      return fail(at, 'one swept parameter with two values [a, b] (a minus b)', show(swept));
    const [path, values] = Object.entries(swept)[0];
    if (!Array.isArray(values) || values.length !== 2)
      return fail(`${at}.${path}`, 'two values [a, b]: the contrast is a minus b', show(values));
    return {
      path,
      a: factorValue(path, values[0], `${at}.${path}`),
      b: factorValue(path, values[1], `${at}.${path}`),
    };
  };

  const within: CellFilter = [];
  if (raw.within !== undefined) {
    if (!isMap(raw.within))
      fail(
        `${where}.within`,
        'a mapping from swept parameters to one value each',
        show(raw.within),
      );
    for (const [path, value] of Object.entries(raw.within as Raw))
      within.push([path, factorValue(path, value, `${where}.within.${path}`)]);
  }
  let comparison: Comparison = { kind: 'level' };
  if (raw.compare !== undefined && raw.interaction !== undefined)
    fail(where, 'either compare or interaction', 'both');
  if (raw.compare !== undefined)
    comparison = { kind: 'difference', ...pair(raw.compare, `${where}.compare`) };
  if (raw.interaction !== undefined) {
    const interaction = raw.interaction;
    if (!isMap(interaction))
      return fail(
        `${where}.interaction`,
        '{effect: {path: [a, b]}, across: {path: [c, d]}}',
        show(interaction),
      );
    for (const key of Object.keys(interaction))
      if (key !== 'effect' && key !== 'across')
        fail(
          `${where}.interaction.${key}`,
          'effect or across',
          `unknown key "${key}"`,
          suggest(key, ['effect', 'across']),
        );
    const effect = pair(interaction.effect, `${where}.interaction.effect`);
    const across = pair(interaction.across, `${where}.interaction.across`);
    if (effect.path === across.path)
      fail(`${where}.interaction`, 'two different swept parameters', `${effect.path} twice`);
    comparison = { kind: 'interaction', effect, across };
  }
  const used =
    comparison.kind === 'difference'
      ? [comparison.path]
      : comparison.kind === 'interaction'
        ? [comparison.effect.path, comparison.across.path]
        : [];
  const clash = within.find(([p]) => used.includes(p));
  if (clash)
    fail(
      `${where}.within.${clash[0]}`,
      'a parameter the check does not also compare',
      `"${clash[0]}"`,
    );

  if (!isMap(raw.expect))
    return fail(
      `${where}.expect`,
      '{above: x} and/or {below: y}: where the 95% CI must lie',
      raw.expect === undefined ? 'nothing' : show(raw.expect),
    );
  const expect = raw.expect as Raw;
  for (const key of Object.keys(expect))
    if (key !== 'above' && key !== 'below')
      fail(
        `${where}.expect.${key}`,
        'above or below',
        `unknown key "${key}"`,
        suggest(key, ['above', 'below']),
      );
  const bound = (key: 'above' | 'below'): number | null => {
    const v = expect[key];
    if (v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`${where}.expect.${key}`, 'a number', show(v));
    return v as number;
  };
  const above = bound('above');
  const below = bound('below');
  if (above === null && below === null) fail(`${where}.expect`, 'above and/or below', 'neither');
  if (above !== null && below !== null && above >= below)
    fail(`${where}.expect`, 'above < below', `above ${above}, below ${below}`);

  return {
    id: raw.id as string,
    contrast: (raw.contrast as string).trim().replace(/\s+/g, ' '),
    measure: parseMeasure(raw.measure, file, `${where}.measure`, groups),
    minus: raw.minus === undefined ? null : parseMeasure(raw.minus, file, `${where}.minus`, groups),
    within,
    comparison,
    above,
    below,
  };
}

/** The criterion in words, as printed in the report. */
export function criterionText(check: Pick<Check, 'above' | 'below'>): string {
  if (check.above !== null && check.below !== null)
    return `95% CI within (${check.above}, ${check.below})`;
  return check.above !== null ? `95% CI above ${check.above}` : `95% CI below ${check.below}`;
}
