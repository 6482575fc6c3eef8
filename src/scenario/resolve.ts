/**
 * Resolution of scenarios, derived from the parameter registry.
 *
 * A raw scenario (the parsed file) is checked by check-raw.ts, then resolved in this order:
 * registry defaults, file values, `--set` overrides, `--seed` / `--steps`. Every error is a
 * one-line ScenarioError naming the source, position, dotted path, what was expected and what
 * was found.
 */
import { closest, distance } from 'fastest-levenshtein';
import { ScenarioError, UserError } from './errors.js';
import {
  FUNCTIONS,
  GROUP_SECTIONS,
  PARAM_BOUNDS,
  PARAMETERS,
  specFor,
  templateOf,
  type GroupSection,
  type ParamSpec,
  type ParamValue,
} from './parameters.js';
import { describe, getPath, isMapping, setPath, suggest } from './paths.js';
import { checkValue, percentHint, validateRawScenario } from './check-raw.js';
import { parseYamlValue, type Locator } from './safe-yaml.js';
import { checkText } from './text.js';
import { PARAMETER_TREE, cloneValue } from './tree.js';
import type { Scenario } from './types.js';

export type { Locator } from './safe-yaml.js';

export interface ResolveOptions {
  /** `path=value` overrides, applied in order (later wins). */
  sets?: readonly string[];
  /** Overrides `seed` (after `sets`). Strings are accepted because they come from the command line. */
  seed?: number | string;
  /** Overrides `time.steps` (after `sets`). */
  steps?: number | string;
  /** Positions of nodes in the source file, for error messages. */
  locate?: Locator;
  /** Scenario name used when the file has none (default: the file's basename without extension). */
  defaultName?: string;
}

/**
 * Where the value of a concrete parameter path came from, for messages about two values at
 * once (PARAM_BOUNDS): the file or flag that gave it (`w.yaml`, `--set x=0.3`, `--vary x=[…]`),
 * with the part of a file (`sweep.parameters`), or null for the registry's default.
 */
export interface ValueOrigin {
  source: string | null;
  part?: string;
}
export type OriginOf = (path: string) => ValueOrigin | undefined;

export interface ResolvedScenario {
  scenario: Scenario;
  /** Where each parameter's value came from: the file, a flag, or the default. */
  origin: OriginOf;
  /** Every change relative to the file, as `path=value`, in the order applied. */
  overrides: string[];
  /** The top-level `sweep` key, untouched (validated by the sweep machinery, not here). */
  sweep?: unknown;
  /** The top-level `validation` key, untouched (validated by gvc validate, not here). */
  validation?: unknown;
}

// ---------------------------------------------------------------- concrete paths

export interface ConcreteParam {
  /** Concrete dotted path (`buyers.us.count`). */
  path: string;
  segs: string[];
  spec: ParamSpec;
}

/**
 * Every concrete parameter path for the given groups, in registry order; the parameters of
 * a group section are listed group by group, groups in the order given.
 */
export function concreteParams(
  groupsOf: (section: GroupSection) => readonly string[],
): ConcreteParam[] {
  const out: ConcreteParam[] = [];
  const expanded = new Set<string>();
  for (const spec of PARAMETERS) {
    const segs = spec.path.split('.');
    if (segs[1] !== '*') {
      out.push({ path: spec.path, segs, spec });
      continue;
    }
    const section = segs[0] as GroupSection;
    if (expanded.has(section)) continue;
    expanded.add(section);
    const specs = PARAMETERS.filter((s) => s.path.startsWith(`${section}.*.`));
    for (const group of groupsOf(section)) {
      for (const s of specs) {
        const concrete = [section, group, ...s.path.split('.').slice(2)];
        out.push({ path: concrete.join('.'), segs: concrete, spec: s });
      }
    }
  }
  return out;
}

function groupsIn(obj: unknown): (section: GroupSection) => string[] {
  return (section) => {
    const v = isMapping(obj) ? obj[section] : undefined;
    return isMapping(v) ? Object.keys(v) : [];
  };
}

/** Concrete path → value of every parameter of a resolved scenario (registry order, groups in file order). */
export function flattenScenario(scenario: Scenario): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  for (const p of concreteParams(groupsIn(scenario))) {
    out.set(p.path, cloneValue(getPath(scenario, p.segs) as ParamValue));
  }
  return out;
}

// ---------------------------------------------------------------- resolution

function buildScenario(raw: Record<string, unknown>, defaultName: string): Scenario {
  const out: Record<string, unknown> = {
    name: typeof raw.name === 'string' ? raw.name : defaultName,
    description: typeof raw.description === 'string' ? raw.description : '',
  };
  // Sections first, so the resolved object keeps registry key order even for empty group sections.
  for (const [key, node] of PARAMETER_TREE.children)
    out[key] = node.kind === 'leaf' ? undefined : {};
  for (const p of concreteParams(groupsIn(raw))) {
    const fromFile = getPath(raw, p.segs);
    setPath(
      out,
      p.segs,
      cloneValue((fromFile === undefined ? p.spec.default : fromFile) as ParamValue),
    );
  }
  return out as unknown as Scenario;
}

/**
 * Sets the parameter at `path` of a resolved scenario to `value`, validated exactly like a file
 * value; throws a ScenarioError labelled `source`, which names where the value came from
 * (`--set buyers.us.count=3`). `typed`: the command-line text the value was read from, which a
 * message quotes instead of the number read (beyond 2^53 that number is not what was typed:
 * 9007199254740993 reads as 9007199254740992).
 */
function applyParam(
  scenario: Scenario,
  path: string,
  value: unknown,
  source: string,
  typed?: string,
): void {
  const fail = (info: {
    path: string;
    expected: string;
    found: string;
    suggestion?: string;
  }): never => {
    throw new ScenarioError({ file: source, ...info });
  };
  if (path === 'name' || path === 'description') {
    if (typeof value !== 'string') fail({ path, expected: 'a string', found: describe(value) });
    checkText(value as string, { file: source, path }, path === 'description');
    scenario[path] = value as string;
    return;
  }
  const segs = path.split('.');
  const section = segs[0] as GroupSection;
  const isGroupPath = (GROUP_SECTIONS as readonly string[]).includes(section) && segs.length > 2;
  if (isGroupPath) {
    const groups = Object.keys(scenario[section]);
    if (!groups.includes(segs[1])) {
      fail({
        path: `${section}.${segs[1]}`,
        expected:
          groups.length > 0
            ? `an existing ${section} group (${groups.join('|')})`
            : `an existing ${section} group (the scenario has none)`,
        found: describe(segs[1]),
        suggestion: suggest(segs[1], groups),
      });
    }
  }
  const spec = specFor(templateOf(path));
  if (!spec) {
    fail({
      path,
      expected: 'a parameter path (see gvc params)',
      found: `unknown path ${describe(path)}`,
      suggestion: suggestPath(path, scenario),
    });
  }
  const refersTo = spec!.type === 'names' ? Object.keys(scenario[spec!.refersTo]) : undefined;
  const problem = checkValue(spec!, value, refersTo);
  if (problem) {
    const at = problem.index === undefined ? path : `${path}[${problem.index}]`;
    fail({
      path: at,
      expected: problem.expected,
      found:
        typed !== undefined && typeof value === 'number'
          ? typed.trim() + (spec!.type === 'number' ? percentHint(spec!, value) : '')
          : problem.found,
      suggestion: problem.suggestion,
    });
  }
  setPath(scenario as unknown as Record<string, unknown>, segs, cloneValue(value as ParamValue));
}

function suggestPath(path: string, scenario: Scenario): string | undefined {
  const all = [...concreteParams(groupsIn(scenario)).map((p) => p.path), 'name', 'description'];
  // `--set ipr_protection=0.2`: the path is the tail of a parameter path, the prefix was left out.
  const tails = all.filter((p) => p.endsWith(`.${path}`));
  if (tails.length > 0) return closest(path, tails);
  // `environment.ipr`, `transfer.quasi.process`: correct each segment against the keys possible at that depth.
  let prefix = '';
  for (const seg of path.split('.')) {
    const keys = [
      ...new Set(
        all.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('.')[0]),
      ),
    ];
    const key = keys.includes(seg) ? seg : suggest(seg, keys);
    if (key === undefined) break;
    prefix += `${key}.`;
  }
  const walked = prefix.slice(0, -1);
  if (walked !== path && all.includes(walked)) return walked;
  const best = closest(path, all);
  return distance(path, best) <= Math.max(3, Math.floor(path.length / 3)) ? best : undefined;
}

/** Split `path=value` and parse the value as YAML (`0.2`, `[design]`, `quasi_hierarchy`). */
export function parseSetArg(
  arg: string,
  flag: '--set' | '--vary' = '--set',
): { path: string; value: unknown; text: string } {
  const source = `${flag} ${arg}`;
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new ScenarioError({
      file: flag,
      expected: flag === '--vary' ? 'path=values' : 'path=value',
      found: describe(arg),
    });
  const path = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1).trim();
  return { path, value: parseYamlValue(text, source), text };
}

/**
 * The value of a flag that has a `--set` twin (`--seed` is `--set seed=`, `--steps` is
 * `--set time.steps=`), read exactly as the twin reads it (one YAML scalar, so `0x10`, `1e3`
 * and `16` are the same seed whichever way it is given) and then checked by the same check.
 * A number came from a caller, not a command line, and is used as it is.
 */
function flagValue(v: number | string, flag: string): unknown {
  return typeof v === 'number' ? v : parseYamlValue(v, `${flag} ${v}`);
}

/**
 * Resolve a raw scenario: validate it, fill in registry defaults, then apply `sets`, `seed`
 * and `steps`. Throws a ScenarioError for the first problem found.
 */
export function resolveScenario(
  raw: unknown,
  fileLabel: string,
  opts: ResolveOptions = {},
): ResolvedScenario {
  validateRawScenario(raw, fileLabel, opts.locate);
  const scenario = buildScenario(raw, opts.defaultName ?? defaultNameOf(fileLabel));
  const setBy = new Map<string, string>();
  const overrides = applyCommandLine(scenario, opts, setBy);
  const origin: OriginOf = (path) => {
    const flag = setBy.get(path);
    if (flag !== undefined) return { source: flag };
    return { source: getPath(raw, path.split('.')) === undefined ? null : fileLabel };
  };
  checkConsistency(scenario, fileLabel, { origin });
  const result: ResolvedScenario = { scenario, overrides, origin };
  if (Object.prototype.hasOwnProperty.call(raw, 'sweep')) result.sweep = raw.sweep;
  if (Object.prototype.hasOwnProperty.call(raw, 'validation')) result.validation = raw.validation;
  return result;
}

/**
 * Apply command-line overrides (`--set`, `--seed`, `--steps`, in that order) to a resolved
 * scenario in place; returns them as `path=value` for the manifest.
 */
export function applyCommandLine(
  scenario: Scenario,
  opts: Pick<ResolveOptions, 'sets' | 'seed' | 'steps'>,
  setBy = new Map<string, string>(),
): string[] {
  const overrides: string[] = [];
  // Two values for one parameter on one command line are a contradiction, not an order of
  // precedence: refuse them rather than let the last silently decide the run. `setBy` records
  // the flag that gave each path, for messages about where a value came from.
  const conflict = (path: string, first: string, second: string): never => {
    throw new UserError(
      `${second}: ${path} is also given by ${first}; give each parameter one value`,
    );
  };
  for (const arg of opts.sets ?? []) {
    const { path, value, text } = parseSetArg(arg);
    const earlier = setBy.get(path);
    if (earlier !== undefined) conflict(path, earlier, `--set ${arg}`);
    setBy.set(path, `--set ${arg}`);
    applyParam(scenario, path, value, `--set ${arg}`, text);
    overrides.push(`${path}=${text}`);
  }
  if (opts.seed !== undefined && setBy.has('seed'))
    conflict('seed', setBy.get('seed')!, `--seed ${String(opts.seed)}`);
  if (opts.steps !== undefined && setBy.has('time.steps'))
    conflict('time.steps', setBy.get('time.steps')!, `--steps ${String(opts.steps)}`);
  if (opts.seed !== undefined) {
    applyParam(scenario, 'seed', flagValue(opts.seed, '--seed'), '--seed', String(opts.seed));
    overrides.push(`seed=${scenario.seed}`);
    setBy.set('seed', `--seed ${String(opts.seed)}`);
  }
  if (opts.steps !== undefined) {
    applyParam(
      scenario,
      'time.steps',
      flagValue(opts.steps, '--steps'),
      '--steps',
      String(opts.steps),
    );
    overrides.push(`time.steps=${scenario.time.steps}`);
    setBy.set('time.steps', `--steps ${String(opts.steps)}`);
  }
  return overrides;
}

/**
 * A copy of a resolved scenario with some parameters changed (e.g. one cell of a sweep),
 * each validated like a `--set` value. `source` labels error messages. `bounds: false` leaves
 * out the check of a parameter against the one that bounds it (PARAM_BOUNDS), for a value
 * checked alone that will be checked again with the values it comes with (a sweep factor's
 * value: the cell's other factors may move the bound; experiment/plan.ts checks each cell).
 * `origin`: where each value came from, for checkBounds' message (a derived file's `set:`
 * against a bound in its base names both files).
 */
export function applyParams(
  scenario: Scenario,
  values: Iterable<readonly [string, unknown]>,
  source = 'parameter',
  opts: { bounds?: boolean; origin?: OriginOf } = {},
): Scenario {
  const copy = structuredClone(scenario);
  for (const [path, value] of values) applyParam(copy, path, value, source);
  checkConsistency(copy, source, opts);
  return copy;
}

/**
 * Checks that involve several parameters at once, on a resolved scenario; `source` labels
 * the message. Throws a ScenarioError.
 *
 * A supplier group's reinvestment split weights are normalised into shares, so all four at
 * 0 state no intent at all. They are refused rather than replaced by equal shares: equal
 * shares would be an assumption the user never made, and a warning would be lost in a sweep.
 */
export function checkConsistency(
  scenario: Scenario,
  source: string,
  opts: { bounds?: boolean; origin?: OriginOf } = {},
): void {
  if (opts.bounds !== false) checkBounds(scenario, source, { origin: opts.origin });
  for (const [group, config] of Object.entries(scenario.suppliers)) {
    const split = config.intent.split;
    if (FUNCTIONS.every((f) => split[f] === 0)) {
      // Labelled with the flag that set a weight to 0, when one did: the file is not at fault.
      const flag = FUNCTIONS.map((f) => opts.origin?.(`suppliers.${group}.intent.split.${f}`))
        .map((o) => o?.source)
        .find((o) => o?.startsWith('--'));
      throw new ScenarioError({
        file: flag ?? source,
        path: `suppliers.${group}.intent.split`,
        expected:
          'at least one weight above 0 (the weights are normalised into the shares of reinvestment per function)',
        found: 'all four weights 0',
      });
    }
  }
}

/**
 * Refuses a parameter above the parameter that bounds it (PARAM_BOUNDS): the model would cap
 * it there, so the run would not be the one the scenario describes. Group pairs are checked
 * in every group of their section. `changed`: concrete path → value that replaces the
 * scenario's (a sweep cell's factors, checked without copying the scenario). `origin`: where
 * each value came from; the message is labelled with the flag or file that gave the lower
 * value (else the upper's, else `source`) and names the other's origin when it differs, so a
 * `--set` is not blamed on the file. `context`: what to add (the sweep cell). Throws a
 * ScenarioError.
 */
export function checkBounds(
  scenario: Scenario,
  source: string,
  opts: { changed?: ReadonlyMap<string, unknown>; origin?: OriginOf; context?: string } = {},
): void {
  const { changed, origin } = opts;
  for (const bound of PARAM_BOUNDS) {
    const lower = bound.lower.split('.');
    const upper = bound.upper.split('.');
    const groups = lower[1] === '*' ? Object.keys(scenario[lower[0] as GroupSection]) : [undefined];
    for (const group of groups) {
      const at = (segs: string[]) =>
        group === undefined ? segs : [segs[0], group, ...segs.slice(2)];
      const value = (segs: string[]) => {
        const path = segs.join('.');
        return (changed?.has(path) ? changed.get(path) : getPath(scenario, segs)) as number;
      };
      const low = value(at(lower));
      const high = value(at(upper));
      if (low <= high) continue;
      const lowPath = at(lower).join('.');
      const highPath = at(upper).join('.');
      const lowFrom = origin?.(lowPath);
      const highFrom = origin?.(highPath);
      // A flag first: the value given on this command line is the news, not the file.
      const flag = [lowFrom, highFrom].find((o) => o?.source?.startsWith('--'));
      const label = flag?.source ?? lowFrom?.source ?? highFrom?.source ?? source;
      // `, from --set x=0.3`, `, from sweep.parameters`, `, the default`; nothing when the value
      // came from the file or flag the message is labelled with.
      const from = (o: ValueOrigin | undefined): string => {
        if (o === undefined) return '';
        if (o.source === null) return ', the default';
        const where = o.source === label ? '' : o.source;
        return o.part !== undefined
          ? `, from ${o.part}${where ? ` in ${where}` : ''}`
          : where
            ? `, from ${where}`
            : '';
      };
      const lowNote = from(lowFrom).slice(2);
      throw new ScenarioError({
        file: label,
        path: lowPath,
        detail: `${low}${lowNote ? ` (${lowNote})` : ''} is above ${highPath} (${high}${from(highFrom)}), which bounds it (${bound.why}); lower ${lowPath} to at most ${high} or raise ${highPath} to at least ${low}${opts.context ?? ''}`,
      });
    }
  }
}

export function defaultNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
