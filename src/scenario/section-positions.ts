/**
 * Line and column for errors in the sections that are checked apart from the scenario's own
 * (`sweep:` and `validation:`, by experiment/sweep-spec.ts and validation-spec.ts; a derived
 * file's `set:`, by load.ts), as the scenario sections get them from check-raw.ts: those checks
 * name a dotted path, which is found in the sections and then in the parsed document
 * (safe-yaml.ts's Locator).
 */
import { ScenarioError } from './errors.js';
import { isMapping, type Segs } from './paths.js';
import type { Locator } from './safe-yaml.js';

/**
 * The keys and indices of a dotted path (`sweep.parameters.buyers.lead.governance[1]`) in
 * `root`, or undefined if `root` has no such entry. A key may itself hold dots (a swept
 * parameter's path), so at each mapping the longest key that the rest of the path starts with
 * is taken.
 */
export function segsOfPath(path: string, root: unknown): Segs | undefined {
  const segs: (string | number)[] = [];
  let rest = path;
  let node = root;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      if (!Array.isArray(node) || Number(index[1]) >= node.length) return undefined;
      segs.push(Number(index[1]));
      node = node[Number(index[1])];
      rest = rest.slice(index[0].length);
    } else {
      if (!isMapping(node)) return undefined;
      const fits = (k: string) =>
        rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`);
      const key = Object.keys(node)
        .filter(fits)
        .sort((a, b) => b.length - a.length)[0];
      if (key === undefined) return undefined;
      segs.push(key);
      node = node[key];
      rest = rest.slice(key.length);
    }
    if (rest.startsWith('.')) rest = rest.slice(1);
  }
  return segs;
}

/**
 * Runs `check` (which reads `sections`, e.g. `{ sweep: loaded.sweep }`, of the file `file`) and
 * returns its result; a ScenarioError it throws about `file` without a position gets the line
 * and column of its path in the document (`locate`). A path the document does not have
 * exactly (a value a flag added, e.g. --vary) gets none rather than a wrong one. A bare
 * parameter path (applyParams' errors) is looked up under `parameters`, the dotted path of the
 * mapping that holds parameter values (sweep.parameters, or a derived file's set).
 */
export function withPositions<T>(
  file: string,
  sections: Record<string, unknown>,
  locate: Locator | undefined,
  check: () => T,
  parameters = 'sweep.parameters',
): T {
  try {
    return check();
  } catch (err) {
    if (
      !locate ||
      !(err instanceof ScenarioError) ||
      err.file !== file ||
      err.line !== undefined ||
      err.path === ''
    )
      throw err;
    const segs =
      segsOfPath(err.path, sections) ?? segsOfPath(`${parameters}.${err.path}`, sections);
    // An unknown key (or parameter path) is shown at the key, as check-raw.ts does; anything
    // else at its value.
    const pos = segs && locate(segs, err.found.startsWith('unknown ') ? 'key' : 'value', true);
    if (!pos) throw err;
    throw new ScenarioError({
      file: err.file,
      path: err.path,
      line: pos.line,
      column: pos.column,
      expected: err.expected || undefined,
      found: err.found,
      suggestion: err.suggestion,
      detail: err.detail || undefined,
    });
  }
}
