/**
 * Parsing untrusted YAML (scenario files and `--set` values). The yaml package never runs
 * code, but it would still resolve YAML 1.1 tags (!!binary, !!set, timestamps), follow merge
 * keys and expand aliases without limit; all of that is switched off or bounded here so a
 * scenario file is plain data: mappings, lists, strings, numbers, booleans and null.
 */
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Scalar,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';
import { ScenarioError } from './errors.js';

/** Bound on alias expansion: a "billion laughs" document fails instead of exhausting memory. */
export const MAX_ALIAS_COUNT = 100;

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  merge: false,
  resolveKnownTags: false,
  customTags: [],
  uniqueKeys: true,
  stringKeys: true,
  strict: true,
  prettyErrors: true,
};

export interface Position {
  line: number;
  column: number;
}
/**
 * Where the node at a path of the parsed document starts (its key, or its value). A path the
 * document does not have gives its deepest node found, or undefined if `exact`.
 */
export type Locator = (
  segs: readonly (string | number)[],
  part: 'key' | 'value',
  exact?: boolean,
) => Position | undefined;

export interface ParsedYaml {
  value: unknown;
  locate: Locator;
}

/**
 * Parse one YAML document into plain JS values, or throw a one-line ScenarioError with the
 * line and column of the first syntax error. Unknown tags (which yaml only warns about) are
 * errors too: a tag the loader does not understand must not silently become a string.
 */
export function parseYaml(
  text: string,
  file: string,
  format: 'YAML' | 'JSON' = 'YAML',
): ParsedYaml {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { ...OPTIONS, lineCounter });
  } catch (err) {
    if (err instanceof RangeError) throw nestingError(file);
    throw err;
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  // yaml reports its own stack overflow on deep nesting as a parse error at some position.
  if (problem && /call stack/i.test(problem.message)) throw nestingError(file);
  if (problem) {
    const pos = problem.linePos?.[0];
    const what =
      problem.code === 'DUPLICATE_KEY'
        ? duplicateKeyMessage(text)
        : problem.code === 'MULTIPLE_DOCS'
          ? // The library's text names one of its own functions, which means nothing to a user.
            'a second document starts here (a "---" line); a file holds one document'
          : cleanYamlMessage(problem.message);
    throw new ScenarioError({
      file,
      line: pos?.line,
      column: pos?.col,
      detail:
        problem.code === 'TAG_RESOLVE_FAILED'
          ? `invalid ${format}: ${what} (tags are not allowed; a scenario is plain data)`
          : `invalid ${format}: ${what}`,
    });
  }
  const misread = misreadScalar(doc.contents, '');
  if (misread) {
    const range = misread.node.range;
    // A document that is one number (a --set value) needs no position: it is all there is.
    const pos = range && misread.path !== '' ? lineCounter.linePos(range[0]) : undefined;
    const typed = range ? text.slice(range[0], range[1]) : String(misread.node.source);
    throw new ScenarioError({
      file,
      line: pos?.line,
      column: pos?.col,
      path: misread.path || undefined,
      expected: MISREAD_EXPECTED[misread.kind],
      found: misread.kind === 'merge' ? 'a merge key (<<)' : typed,
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof RangeError) throw nestingError(file);
    // toJS throws a ReferenceError on alias bombs; anything else is equally a bad document.
    throw new ScenarioError({
      file,
      detail: `invalid ${format}: ${cleanYamlMessage((err as Error).message)}`,
    });
  }
  if (nestingDepth(value) > MAX_NESTING) throw nestingError(file);
  return { value, locate: makeLocator(doc, lineCounter) };
}

/**
 * The message for a document in which a mapping repeats a key: names the key and where it
 * is (`key "sme" appears twice in the mapping at suppliers`), found by parsing again with
 * repeated keys allowed (the text already parsed once, so this cannot fail otherwise).
 */
function duplicateKeyMessage(text: string): string {
  const generic = 'a key appears twice in the same mapping';
  let found: { key: string; at: string } | null = null;
  try {
    const doc = parseDocument(text, { ...OPTIONS, uniqueKeys: false });
    found = firstDuplicate(doc.contents, '');
  } catch {
    return generic;
  }
  if (found === null) return generic;
  return `key ${JSON.stringify(found.key)} appears twice in the mapping at ${found.at === '' ? 'the top level' : found.at}; give it once`;
}

/** The first repeated key of a mapping under `node` (depth first, in document order). */
function firstDuplicate(node: unknown, path: string): { key: string; at: string } | null {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) return { key, at: path };
      seen.add(key);
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const inner = firstDuplicate(pair.value, path === '' ? key : `${path}.${key}`);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = firstDuplicate(node.items[i], `${path}[${i}]`);
      if (inner) return inner;
    }
  }
  return null;
}

/** What parseYaml expected in place of each kind of scalar misreadScalar finds. */
const MISREAD_EXPECTED = {
  whole: `a whole number of at most ${Number.MAX_SAFE_INTEGER} in size (2^53 - 1: a larger one is not held exactly, so it would be read as another number; text made of digits goes in quotes)`,
  underflow: `0 or a number of at least ${Number.MIN_VALUE} in size (a smaller one is read as 0; write 0 if 0 is meant; text goes in quotes)`,
  merge:
    'the keys written out (merge keys are YAML 1.1, not the YAML 1.2 gvc reads; an alias of a whole value works, and base: builds on another scenario file)',
};

/** A whole number in integer notation: decimal, or YAML 1.2's 0x and 0o forms. */
const INTEGER_TEXT = /^[-+]?(\d+|0x[0-9a-fA-F]+|0o[0-7]+)$/;

/**
 * The first scalar under `node` that would not be read as written: a whole number that a
 * double does not hold exactly (kind 'whole': beyond 2^53 - 1 in size, 9007199254740993 is read
 * as 9007199254740992), a number other than 0 too small for a double, read as 0 (kind
 * 'underflow': 1e-400), or a YAML 1.1 merge key `<<` (kind 'merge': YAML 1.2 reads it as a key
 * named "<<", which would be reported as an unknown key), with its dotted
 * path (`a.b[2]`; '' for the document itself); null if there is none. Such a number would be
 * used, and shown in any message, as a number the user did not type. Aliases are skipped:
 * their anchor is checked where it is defined. Iterative, so depth is bounded only by memory
 * (nesting is checked after).
 */
function misreadScalar(
  root: unknown,
  rootPath: string,
): { node: Scalar; path: string; kind: keyof typeof MISREAD_EXPECTED } | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (isScalar(node)) {
      const v = node.value;
      if (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        !Number.isSafeInteger(v) &&
        typeof node.source === 'string' &&
        INTEGER_TEXT.test(node.source.trim())
      )
        return { node, path, kind: 'whole' };
      // A zero written with a digit other than 0 before its exponent (1e-400, 0.1e-330).
      if (
        v === 0 &&
        typeof node.source === 'string' &&
        /[1-9]/.test(node.source.trim().split(/[eE]/)[0])
      )
        return { node, path, kind: 'underflow' };
    } else if (isMap(node)) {
      // In reverse, so the stack gives the first entry in the file first.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        const at = path === '' ? key : `${path}.${key}`;
        if (isScalar(pair.key) && key === '<<' && pair.key.type === 'PLAIN')
          return { node: pair.key, path: at, kind: 'merge' };
        stack.push([pair.value, at]);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i], `${path}[${i}]`]);
    }
  }
  return null;
}

/** Deepest nesting of lists and mappings accepted in a file gvc reads (its own need a few levels). */
export const MAX_NESTING = 64;

/** Depth of nested lists/mappings in a parsed value (a scalar is 0), counted without recursion. */
export function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_NESTING) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

function nestingError(file: string): ScenarioError {
  return new ScenarioError({
    file,
    detail: `nesting deeper than ${MAX_NESTING} levels (lists or mappings inside each other); a scenario needs a few`,
  });
}

/** Parse a `--set` value as a YAML scalar or flow collection (`0.2`, `[design]`, `market`). */
export function parseYamlValue(text: string, label: string): unknown {
  return parseYaml(text, label).value;
}

/** Convert a character offset (e.g. from a JSON.parse error) into a 1-based position. */
export function positionOfOffset(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function cleanYamlMessage(message: string): string {
  // prettyErrors appends " at line L, column C:" and a source excerpt; position is reported separately.
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

function makeLocator(doc: Document.Parsed, lineCounter: LineCounter): Locator {
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  const startOf = (node: unknown): Position | undefined => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, column: col };
  };
  return (segs, part, exact = false) => {
    const missing = (deepest: Position | undefined) => (exact ? undefined : deepest);
    let node: unknown = doc.contents;
    let keyNode: unknown;
    // The deepest node found is the best position we have when the path runs out early.
    let best: Position | undefined = startOf(node);
    for (const seg of segs) {
      node = deref(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return missing(best);
        keyNode = pair.key;
        node = pair.value;
        best = startOf(node) ?? startOf(keyNode) ?? best;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) return missing(best);
        keyNode = undefined;
        node = item;
        best = startOf(node) ?? best;
      } else {
        return missing(best);
      }
    }
    if (part === 'key' && keyNode) return startOf(keyNode) ?? best;
    return best;
  };
}
