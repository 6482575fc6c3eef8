/**
 * Loading scenario files: read, parse (YAML or JSON, by extension), validate against the
 * parameter registry and resolve. The file's exact bytes are hashed for the run manifest.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve as resolvePath, sep } from 'node:path';
import { belowWorkingFolder, osResolve } from '../io/os-path.js';
import { errnoCode, errnoReason, inputReadFailure } from '../io/os-errors.js';
import { ScenarioError, UserError } from './errors.js';
import { MAX_SCENARIO_BYTES, readInputFile } from '../io/read-file.js';
import {
  applyCommandLine,
  applyParams,
  checkConsistency,
  resolveScenario,
  defaultNameOf,
  type OriginOf,
  type ResolveOptions,
} from './resolve.js';
import { suggest } from './paths.js';
import { withPositions } from './section-positions.js';
import { MAX_NESTING, parseYaml, positionOfOffset, type Locator } from './safe-yaml.js';
import { decodeUtf8 } from './text.js';
import type { Scenario } from './types.js';

export {
  applyCommandLine,
  applyParams,
  concreteParams,
  flattenScenario,
  parseSetArg,
  resolveScenario,
} from './resolve.js';
export { getPath, setPath, suggest } from './paths.js';
export { checkValue, validateRawScenario } from './check-raw.js';
export type { ConcreteParam, Locator, ResolveOptions, ResolvedScenario } from './resolve.js';
export type { ValueProblem } from './check-raw.js';

export interface LoadOptions {
  /** `path=value` overrides, applied in order after the file's values. */
  sets?: readonly string[];
  /** Overrides `seed` (after `sets`). */
  seed?: number | string;
  /** Overrides `time.steps` (after `sets`). */
  steps?: number | string;
  /** Parse as this format instead of deciding by the file extension. */
  format?: 'yaml' | 'json';
  /** Internal: the files whose `base:` led here, outermost first (to report cycles). */
  chain?: readonly string[];
}

export interface LoadedScenario {
  scenario: Scenario;
  /** The file as given (or the label passed to parseScenarioText). */
  file: string;
  /** The file's text as read. */
  text: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  /** Every change relative to the file, as `path=value`, in the order applied. */
  overrides: string[];
  /** The top-level `sweep` key, untouched; present only if the file has one. */
  sweep?: unknown;
  /** The top-level `validation` key, untouched; present only if the file has one. */
  validation?: unknown;
  /** For a file derived from another (`base:`), that file and its hash. */
  base?: { file: string; sha256: string };
  /** Where each parameter's value came from (this file, its base, a flag, the default). */
  origin?: OriginOf;
  /**
   * Positions in the file's parsed document, for the errors of the sections checked later
   * (sweep, validation: section-positions.ts); absent for a scenario built in memory.
   */
  locate?: Locator;
}

/** Keys a derived scenario file (one with `base:`) may have. */
const DERIVED_KEYS = ['name', 'description', 'base', 'set', 'sweep', 'validation'];

const EXTENSIONS: Record<string, 'yaml' | 'json'> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

/** Read, validate and resolve a scenario file. Throws a one-line UserError on any problem. */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  const format = opts.format ?? EXTENSIONS[extname(file).toLowerCase()];
  if (!format) {
    throw new ScenarioError({
      file,
      expected: 'a .yaml, .yml or .json scenario file',
      found: `extension ${JSON.stringify(extname(file))}`,
    });
  }
  let bytes: Buffer;
  try {
    bytes = readInputFile(file, 'a scenario file', MAX_SCENARIO_BYTES);
  } catch (err) {
    if (err instanceof UserError) throw err;
    // Not a file (missing, a folder) is bad input; a refusal of the system (permission) exit 3.
    const failure = inputReadFailure(err, file, 'scenario file');
    if (!(failure instanceof UserError)) throw failure;
    const code = errnoCode(err);
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : errnoReason(err);
    throw new ScenarioError({ file, detail: `cannot read scenario file: ${reason}` });
  }
  const loaded = parseScenarioText(decodeUtf8(bytes, file), file, { ...opts, format });
  // Hash the bytes, not the decoded text, so the manifest identifies the file exactly.
  loaded.sha256 = createHash('sha256').update(bytes).digest('hex');
  return loaded;
}

/**
 * Validate and resolve scenario text. `fileLabel` names the source in error messages and
 * gives the default scenario name; its extension picks JSON or YAML unless `opts.format` does.
 */
export function parseScenarioText(
  text: string,
  fileLabel: string,
  opts: LoadOptions = {},
): LoadedScenario {
  const format = opts.format ?? (extname(fileLabel).toLowerCase() === '.json' ? 'json' : 'yaml');
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // JSON goes through the YAML parser too (JSON is YAML 1.2 flow syntax), which gives node
  // positions for error messages; JSON.parse then insists the file really is JSON.
  // Strict JSON first, so a .json file's own syntax errors are reported as JSON's; the YAML
  // parser then finds what JSON.parse lets pass (a duplicate key), labelled as JSON too.
  if (format === 'json') assertStrictJson(body, fileLabel);
  const { value, locate } = parseYaml(body, fileLabel, format === 'json' ? 'JSON' : 'YAML');
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'base' in value) {
    return deriveScenario(value as Record<string, unknown>, text, fileLabel, { ...opts, locate });
  }
  const resolveOpts: ResolveOptions = {
    sets: opts.sets,
    seed: opts.seed,
    steps: opts.steps,
    locate,
    defaultName: defaultNameOf(fileLabel),
  };
  const { scenario, overrides, origin } = resolveScenario(value, fileLabel, resolveOpts);
  return {
    ...loadedScenario(value as Record<string, unknown>, text, fileLabel, scenario, overrides),
    locate,
    origin,
  };
}

/** The loaded form of a file: its resolved scenario, and its sweep and validation sections untouched. */
function loadedScenario(
  raw: Record<string, unknown>,
  text: string,
  file: string,
  scenario: Scenario,
  overrides: string[],
): LoadedScenario {
  const loaded: LoadedScenario = {
    scenario,
    file,
    text,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    overrides,
  };
  if ('sweep' in raw) loaded.sweep = raw.sweep;
  if ('validation' in raw) loaded.validation = raw.validation;
  return loaded;
}

/**
 * A derived scenario: another scenario file (`base:`, relative to this one) with some
 * parameters changed (`set:`, dotted paths). It lets an experiment state only the conditions
 * that differ from a shared world, so a reader sees exactly what was changed.
 */
function deriveScenario(
  raw: Record<string, unknown>,
  text: string,
  fileLabel: string,
  opts: LoadOptions & { locate?: Locator },
): LoadedScenario {
  const fail = (path: string, expected: string, found: string, suggestion?: string): never => {
    throw new ScenarioError({ file: fileLabel, path, expected, found, suggestion });
  };
  for (const key of Object.keys(raw)) {
    if (!DERIVED_KEYS.includes(key)) {
      fail(
        key,
        `one of ${DERIVED_KEYS.join(', ')} (a file with base: changes parameters under set:)`,
        `unknown key "${key}"`,
        suggest(key, DERIVED_KEYS),
      );
    }
  }
  if (typeof raw.base !== 'string' || raw.base.trim() === '')
    fail('base', 'the path of a scenario file, relative to this one', JSON.stringify(raw.base));
  const set = raw.set ?? {};
  if (set === null || typeof set !== 'object' || Array.isArray(set))
    fail(
      'set',
      'a mapping from parameter paths to values',
      Array.isArray(set) ? 'a list' : String(set),
    );
  // As the system reads it: a `..` in either part goes up from where a symbolic link leads
  // (so not path.join, which drops `link/..` by its spelling).
  const baseText = raw.base as string;
  const baseFile = osResolve(
    isAbsolute(baseText) ? baseText : `${dirname(osResolve(fileLabel))}${sep}${baseText}`,
  );
  const chain = [...(opts.chain ?? []), fileLabel];
  const loc = opts.locate?.(['base'], 'value');
  const failBase = (detail: string): never => {
    throw new ScenarioError({
      file: fileLabel,
      line: loc?.line,
      column: loc?.column,
      path: 'base',
      detail,
    });
  };
  // A file that names itself (or a file naming it back) as its base would be loaded
  // forever; say which files form the loop instead.
  const seen = chain.findIndex((f) => sameFile(f, baseFile));
  if (seen >= 0)
    failBase(
      `the base files form a cycle: ${[...chain.slice(seen), baseFile].map(shownPath).join(' → ')}`,
    );
  let parent: LoadedScenario;
  try {
    parent = loadScenario(baseFile, { chain });
  } catch (err) {
    if (err instanceof ScenarioError && err.file === baseFile && /^cannot read/.test(err.detail))
      failBase(`${raw.base as string} (${baseFile}): ${err.detail}`);
    throw err;
  }
  if (parent.base)
    fail(
      'base',
      'a scenario file without a base of its own',
      `${raw.base} is itself derived from ${parent.base.file}`,
    );
  const entries: [string, unknown][] = Object.entries(set as Record<string, unknown>);
  for (const key of ['name', 'description'] as const) {
    if (raw[key] !== undefined) entries.push([key, raw[key]]);
  }
  if (raw.name === undefined) entries.push(['name', defaultNameOf(fileLabel)]);
  const inSet = new Set(entries.map(([path]) => path));
  // A value of `set:` or of the base file: a bound crossed between the two names both files.
  const fileOrigin: OriginOf = (path) =>
    inSet.has(path) ? { source: fileLabel, part: 'set' } : parent.origin?.(path);
  const scenario = withPositions(
    fileLabel,
    raw,
    opts.locate,
    () => applyParams(parent.scenario, entries, fileLabel, { origin: fileOrigin }),
    'set',
  );
  const setBy = new Map<string, string>();
  const overrides = applyCommandLine(scenario, opts, setBy);
  const origin: OriginOf = (path) => {
    const flag = setBy.get(path);
    return flag !== undefined ? { source: flag } : fileOrigin(path);
  };
  checkConsistency(scenario, fileLabel, { origin });
  return {
    ...loadedScenario(raw, text, fileLabel, scenario, overrides),
    base: { file: baseFile, sha256: parent.sha256 },
    locate: opts.locate,
    origin,
  };
}

function assertStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError)
      throw new ScenarioError({
        file,
        detail: `nesting deeper than ${MAX_NESTING} levels (lists or mappings inside each other); a scenario needs a few`,
      });
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const pos = at ? positionOfOffset(text, Number(at[1])) : undefined;
    throw new ScenarioError({
      file,
      line: pos?.line,
      column: pos?.column,
      detail: `invalid JSON: ${message.replace(/( in JSON)? at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`,
    });
  }
}

/** A path as messages show it: relative to the working folder when it lies below it. */
function shownPath(p: string): string {
  return belowWorkingFolder(resolvePath(p));
}

/** True when two paths name the same file (by real path when both exist). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolvePath(p);
    }
  };
  return real(a) === real(b);
}
