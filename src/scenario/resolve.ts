/**
 * Validation and resolution of scenarios, derived from the parameter registry.
 *
 * A raw scenario (the parsed file) is validated by walking it alongside PARAMETER_TREE, then
 * resolved in this order: registry defaults, file values, `--set` overrides, `--seed` /
 * `--steps`. Every error is a one-line ScenarioError naming the source, position, dotted path,
 * what was expected and what was found.
 */
import { closest, distance } from 'fastest-levenshtein';
import { ScenarioError, describeValue } from './errors.js';
import {
  FUNCTIONS,
  GROUP_SECTIONS,
  PARAMETERS,
  specFor,
  templateOf,
  type GroupSection,
  type ParamSpec,
  type ParamValue,
} from './parameters.js';
import { parseYamlValue, type Locator, type Position } from './safe-yaml.js';
import { checkText, forbiddenCharacter } from './text.js';
import {
  GROUP_NAME_PATTERN,
  META_KEYS,
  PARAMETER_TREE,
  cloneValue,
  type BranchNode,
  type TreeNode,
} from './tree.js';
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

export interface ResolvedScenario {
  scenario: Scenario;
  /** Every change relative to the file, as `path=value`, in the order applied. */
  overrides: string[];
  /** The top-level `sweep` key, untouched (validated by the sweep machinery, not here). */
  sweep?: unknown;
  /** The top-level `validation` key, untouched (validated by gvc validate, not here). */
  validation?: unknown;
}

type Segs = readonly (string | number)[];

// ---------------------------------------------------------------- small helpers

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const describe = describeValue;

function joinPath(segs: Segs): string {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Value at a dotted path (or segment list) of a nested object; undefined if absent. */
export function getPath(obj: unknown, path: string | readonly string[]): unknown {
  const segs = typeof path === 'string' ? path.split('.') : path;
  let cur: unknown = obj;
  for (const s of segs) {
    if (!isMapping(cur) || !Object.prototype.hasOwnProperty.call(cur, s)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Set the value at a dotted path, creating intermediate objects. Does no validation. */
export function setPath(
  obj: Record<string, unknown>,
  path: string | readonly string[],
  value: unknown,
): void {
  const segs = typeof path === 'string' ? path.split('.') : path;
  let cur = obj;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (FORBIDDEN_SEGMENTS.has(s)) throw new Error(`setPath: refusing path segment ${s}`);
    if (i === segs.length - 1) {
      cur[s] = value;
      return;
    }
    if (!isMapping(cur[s])) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
}

/**
 * "Did you mean" for a mistyped word: a case-insensitive match, a unique prefix relation,
 * or the closest candidate if it is near enough to be a plausible typo.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || input === '') return undefined;
  const lower = input.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const related = candidates.filter(
    (c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()),
  );
  if (related.length === 1) return related[0];
  const pool = related.length > 1 ? related : candidates;
  const best = closest(
    lower,
    pool.map((c) => c.toLowerCase()),
  );
  const original = pool.find((c) => c.toLowerCase() === best)!;
  if (related.length > 1) return original;
  const limit = Math.max(2, Math.floor(Math.max(lower.length, best.length) / 3));
  return distance(lower, best) <= limit ? original : undefined;
}

// ---------------------------------------------------------------- checking one value

export interface ValueProblem {
  expected: string;
  found: string;
  suggestion?: string;
  /** Index of the offending item when the value is a list. */
  index?: number;
}

function numberExpectation(spec: ParamSpec & { type: 'number' | 'integer' }): string {
  return `${spec.type === 'integer' ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}]`;
}

/**
 * Check a value against its spec. For `names` parameters, `groups` lists the existing groups
 * of the referred section; without it only the shape is checked.
 */
export function checkValue(
  spec: ParamSpec,
  value: unknown,
  groups?: readonly string[],
): ValueProblem | undefined {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const expected = numberExpectation(spec);
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { expected, found: describe(value) };
      if (spec.type === 'integer' && !Number.isInteger(value))
        return { expected, found: String(value) };
      if (value < spec.min || value > spec.max) return { expected, found: String(value) };
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : { expected: 'true or false', found: describe(value) };
    case 'enum': {
      if (typeof value === 'string' && spec.options.includes(value)) return undefined;
      const expected = `one of ${spec.options.join('|')}`;
      return {
        expected,
        found: describe(value),
        suggestion: typeof value === 'string' ? suggest(value, spec.options) : undefined,
      };
    }
    case 'set': {
      const options = spec.options;
      if (!Array.isArray(value)) {
        const expected = `a list of items from ${options.join('|')}`;
        // `guards: design, marketing` is a common slip for `[design, marketing]`.
        const parts = typeof value === 'string' ? value.split(',').map((p) => p.trim()) : [];
        const fits = parts.length > 0 && parts.every((p) => options.includes(p));
        return {
          expected,
          found: describe(value),
          suggestion: fits ? `[${parts.join(', ')}]` : undefined,
        };
      }
      return checkItems(value, options, `one of ${options.join('|')}`);
    }
    case 'names': {
      if (!Array.isArray(value))
        return { expected: `a list of ${spec.refersTo} group names`, found: describe(value) };
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item !== 'string' || !GROUP_NAME_PATTERN.test(item)) {
          return { expected: `a ${spec.refersTo} group name`, found: describe(item), index: i };
        }
      }
      if (groups) {
        const expected =
          groups.length > 0
            ? `the name of a ${spec.refersTo} group (${groups.join('|')})`
            : `the name of a ${spec.refersTo} group (the scenario has none)`;
        const problem = checkItems(value, groups, expected);
        if (problem) return problem;
      }
      return checkDuplicates(value);
    }
  }
}

function checkItems(
  items: unknown[],
  allowed: readonly string[],
  expected: string,
): ValueProblem | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== 'string' || !allowed.includes(item)) {
      return {
        expected,
        found: describe(item),
        index: i,
        suggestion: typeof item === 'string' ? suggest(item, allowed) : undefined,
      };
    }
  }
  return checkDuplicates(items);
}

function checkDuplicates(items: unknown[]): ValueProblem | undefined {
  const seen = new Set<unknown>();
  for (let i = 0; i < items.length; i++) {
    if (seen.has(items[i]))
      return { expected: 'each item at most once', found: `${describe(items[i])} again`, index: i };
    seen.add(items[i]);
  }
  return undefined;
}

// ---------------------------------------------------------------- validating a raw scenario

/** Registry template paths ending in each key, for "did you mean" across levels. */
const PATHS_BY_KEY: Map<string, string[]> = (() => {
  const map = new Map<string, string[]>();
  const add = (key: string, path: string): void => {
    const list = map.get(key) ?? [];
    if (!list.includes(path)) list.push(path);
    map.set(key, list);
  };
  for (const spec of PARAMETERS) {
    const segs = spec.path.split('.');
    segs.forEach((s, i) => {
      if (s !== '*') add(s, segs.slice(0, i + 1).join('.'));
    });
  }
  for (const k of META_KEYS) add(k, k);
  return map;
})();

class Validator {
  private readonly nameChecks: {
    segs: string[];
    spec: ParamSpec & { type: 'names' };
    value: unknown[];
  }[] = [];

  constructor(
    private readonly file: string,
    private readonly locate: Locator | undefined,
  ) {}

  fail(
    segs: Segs,
    part: 'key' | 'value',
    info: { expected: string; found: string; suggestion?: string },
  ): never {
    const pos: Position | undefined = this.locate?.(segs, part);
    throw new ScenarioError({
      file: this.file,
      path: joinPath(segs),
      line: pos?.line,
      column: pos?.column,
      ...info,
    });
  }

  root(raw: unknown): void {
    if (raw === null || raw === undefined) {
      this.fail([], 'value', {
        expected: 'a scenario mapping with at least one supplier group',
        found: 'an empty document',
      });
    }
    if (!isMapping(raw))
      this.fail([], 'value', { expected: 'a mapping of scenario sections', found: describe(raw) });
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'name' || key === 'description') {
        if (typeof value !== 'string')
          this.fail([key], 'value', { expected: 'a string', found: describe(value) });
        const multiline = key === 'description';
        const bad = forbiddenCharacter(value as string, multiline);
        if (bad)
          this.fail([key], 'value', {
            expected: multiline
              ? 'text without control characters (tab and line breaks are allowed)'
              : 'one line of text without control characters',
            found: `${bad.code} at character ${bad.index}`,
          });
        continue;
      }
      if (key === 'sweep' || key === 'validation') continue;
      const child = PARAMETER_TREE.children.get(key);
      if (!child) this.unknownKey([key], PARAMETER_TREE);
      this.node(value, child, [key]);
    }
    const suppliers = raw.suppliers;
    if (suppliers === undefined) {
      // No node to point at: the position of the document start would mislead.
      throw new ScenarioError({
        file: this.file,
        path: 'suppliers',
        expected: 'at least one supplier group',
        found: 'no suppliers section',
      });
    }
    if (!isMapping(suppliers) || Object.keys(suppliers).length === 0) {
      this.fail(['suppliers'], 'key', { expected: 'at least one supplier group', found: 'none' });
    }
    for (const check of this.nameChecks) {
      const section = raw[check.spec.refersTo];
      const groups = isMapping(section) ? Object.keys(section) : [];
      const problem = checkValue(check.spec, check.value, groups);
      if (problem) this.leafProblem(check.segs, problem);
    }
  }

  private node(value: unknown, node: TreeNode, segs: string[]): void {
    if (node.kind === 'leaf') {
      const problem = checkValue(node.spec, value);
      if (problem) this.leafProblem(segs, problem);
      if (node.spec.type === 'names')
        this.nameChecks.push({ segs, spec: node.spec, value: value as unknown[] });
      return;
    }
    // An empty section (`buyers:` or `us:` with nothing under it) means "all defaults".
    if (value === null) return;
    if (!isMapping(value)) {
      const expected =
        node.kind === 'groups' ? `a mapping of ${segs[0]} groups by name` : 'a mapping';
      this.fail(segs, 'value', { expected, found: describe(value) });
    }
    if (node.kind === 'groups') {
      for (const [name, group] of Object.entries(value)) {
        if (!GROUP_NAME_PATTERN.test(name)) {
          this.fail([...segs, name], 'key', {
            expected: `a group name matching ${GROUP_NAME_PATTERN.source}`,
            found: describe(name),
          });
        }
        this.node(group, node.item, [...segs, name]);
      }
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childNode = node.children.get(key);
      if (!childNode) this.unknownKey([...segs, key], node);
      this.node(child, childNode, [...segs, key]);
    }
  }

  private leafProblem(segs: Segs, problem: ValueProblem): never {
    const at = problem.index === undefined ? segs : [...segs, problem.index];
    this.fail(at, 'value', {
      expected: problem.expected,
      found: problem.found,
      suggestion: problem.suggestion,
    });
  }

  private unknownKey(segs: string[], parent: BranchNode): never {
    const key = segs[segs.length - 1];
    const parentSegs = segs.slice(0, -1);
    const allowed = [...parent.children.keys(), ...(parent === PARAMETER_TREE ? META_KEYS : [])];
    const expected =
      allowed.length <= 10
        ? `one of ${allowed.join('|')}`
        : `a key of ${joinPath(parentSegs) || 'the scenario'}`;
    this.fail(segs, 'key', {
      expected,
      found: `unknown key ${describe(key)}`,
      suggestion: suggestKey(key, allowed, parentSegs),
    });
  }
}

/**
 * A close typo at the same level wins; otherwise, if the key exists elsewhere in the
 * registry (`unit_cost` written under `model`), point at its full path.
 */
function suggestKey(
  key: string,
  allowed: readonly string[],
  parentSegs: readonly string[],
): string | undefined {
  const near = suggest(key, allowed);
  if (near !== undefined && distance(near.toLowerCase(), key.toLowerCase()) <= 2) return near;
  const elsewhere = PATHS_BY_KEY.get(key);
  if (elsewhere && elsewhere.length > 0) {
    const path = elsewhere[0].split('.');
    // Inside a group, name the user's own group rather than `*`.
    if (path[1] === '*')
      path[1] = path[0] === parentSegs[0] && parentSegs.length > 1 ? parentSegs[1] : '<name>';
    return path.join('.');
  }
  return near;
}

/** Validate a raw (parsed) scenario; throws the first problem as a ScenarioError. */
export function validateRawScenario(
  raw: unknown,
  file: string,
  locate?: Locator,
): asserts raw is Record<string, unknown> {
  new Validator(file, locate).root(raw);
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
 * Set one parameter of a resolved scenario, validated exactly like a file value. `source`
 * names where the value came from (`--set buyers.us.count=3`) for the error message.
 */
function applyParam(scenario: Scenario, path: string, value: unknown, source: string): void {
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
      found: problem.found,
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

/** Numbers from the command line arrive as strings; only plain decimal notation counts as a number. */
function commandLineNumber(v: number | string): unknown {
  if (typeof v === 'number') return v;
  const t = v.trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : v;
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
  const overrides = applyCommandLine(scenario, opts);
  checkConsistency(scenario, fileLabel);
  const result: ResolvedScenario = { scenario, overrides };
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
): string[] {
  const overrides: string[] = [];
  for (const arg of opts.sets ?? []) {
    const { path, value, text } = parseSetArg(arg);
    applyParam(scenario, path, value, `--set ${arg}`);
    overrides.push(`${path}=${text}`);
  }
  if (opts.seed !== undefined) {
    applyParam(scenario, 'seed', commandLineNumber(opts.seed), '--seed');
    overrides.push(`seed=${scenario.seed}`);
  }
  if (opts.steps !== undefined) {
    applyParam(scenario, 'time.steps', commandLineNumber(opts.steps), '--steps');
    overrides.push(`time.steps=${scenario.time.steps}`);
  }
  return overrides;
}

/**
 * A copy of a resolved scenario with some parameters changed (e.g. one cell of a sweep),
 * each validated like a `--set` value. `source` labels error messages.
 */
export function applyParams(
  scenario: Scenario,
  values: Iterable<readonly [string, unknown]>,
  source = 'parameter',
): Scenario {
  const copy = structuredClone(scenario);
  for (const [path, value] of values) applyParam(copy, path, value, source);
  checkConsistency(copy, source);
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
export function checkConsistency(scenario: Scenario, source: string): void {
  for (const [group, config] of Object.entries(scenario.suppliers)) {
    const split = config.intent.split;
    if (FUNCTIONS.every((f) => split[f] === 0)) {
      throw new ScenarioError({
        file: source,
        path: `suppliers.${group}.intent.split`,
        expected:
          'at least one weight above 0 (the weights are normalised into the shares of reinvestment per function)',
        found: 'all four weights 0',
      });
    }
  }
}

export function defaultNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
