/**
 * Checking a raw (parsed) scenario against the parameter registry: each value against its
 * declaration (type, range, choices, list items), and the file's keys against PARAMETER_TREE
 * with a suggestion for misspelt ones. Every problem is a one-line ScenarioError naming the
 * source, position, dotted path, what was expected and what was found.
 */
import { distance } from 'fastest-levenshtein';
import { ScenarioError } from './errors.js';
import { PARAMETERS, type ParamSpec } from './parameters.js';
import { describe, isMapping, joinPath, suggest, type Segs } from './paths.js';
import type { Locator, Position } from './safe-yaml.js';
import { forbiddenCharacter } from './text.js';
import {
  GROUP_NAME_RULE,
  isGroupName,
  META_KEYS,
  PARAMETER_TREE,
  type BranchNode,
  type TreeNode,
} from './tree.js';

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
 * For a fraction (a number in [0, 1]) given as a percent — a number from 5 to 100 such as 30
 * or 80, or a text such as "90%" — the hint ` (a fraction, not a percent: 0.3?)`; '' for any other value or parameter.
 */
export function percentHint(
  spec: ParamSpec & { type: 'number' | 'integer' },
  value: unknown,
): string {
  if (spec.type !== 'number' || spec.min < 0 || spec.max !== 1) return '';
  let pct: number | null = null;
  // From 5 up: 1.5 or 2 for a fraction is as likely a slip of another kind as a percent.
  if (typeof value === 'number' && value >= 5 && value <= 100) pct = value;
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
  if (m && Number(m[1]) <= 100) pct = Number(m[1]);
  if (pct === null) return '';
  // Rounded to 10 significant digits, so 30 gives 0.3 and not 0.30000000000000004.
  return ` (a fraction, not a percent: ${Number((pct / 100).toPrecision(10))}?)`;
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
      const percent = percentHint(spec, value);
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { expected, found: describe(value) + percent };
      if (spec.type === 'integer' && !Number.isInteger(value))
        return { expected, found: String(value) };
      if (value < spec.min || value > spec.max) return { expected, found: String(value) + percent };
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
        if (!isGroupName(item)) {
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
        if (!isGroupName(name)) {
          this.fail([...segs, name], 'key', {
            expected: GROUP_NAME_RULE,
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
