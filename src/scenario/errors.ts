/**
 * Errors caused by the user's input. The CLI prints their message as one line
 * (`gvc: <message>`) and exits with status 2, so every message must stand on its own:
 * where the problem is, what was expected and what was found.
 */

/**
 * A value as an error message's "found" part: strings quoted (and shortened), lists and
 * mappings by kind, empty ones said to be empty — so a message never reads "expected a
 * mapping …, found a mapping" when the mapping was merely empty.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
  }
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return Object.keys(v).length === 0 ? 'an empty mapping' : 'a mapping';
  return String(v);
}

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface ScenarioErrorInfo {
  /** The scenario file, or the command-line source of the value (`--set x=1`, `--seed`). */
  file: string;
  /** Dotted path of the offending parameter or key (`buyers.us.governance`); '' when none. */
  path?: string;
  expected?: string;
  found?: string;
  /** 1-based position of the offending node, when it is known. */
  line?: number;
  column?: number;
  suggestion?: string;
  /** Free text used instead of "expected …, found …" (e.g. a YAML syntax error). */
  detail?: string;
}

/**
 * A problem at a known place in a scenario, formatted as
 * `file:line:column: path: expected X, found Y. Did you mean "Z"?`.
 */
export class ScenarioError extends UserError {
  readonly file: string;
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  readonly line?: number;
  readonly column?: number;
  readonly suggestion?: string;
  /** The free-text description, when the error has one instead of expected/found. */
  readonly detail: string;

  constructor(info: ScenarioErrorInfo) {
    super(formatScenarioError(info));
    this.name = 'ScenarioError';
    this.file = info.file;
    this.path = info.path ?? '';
    this.expected = info.expected ?? '';
    this.found = info.found ?? '';
    this.line = info.line;
    this.column = info.column;
    this.suggestion = info.suggestion;
    this.detail = info.detail ?? '';
  }
}

function formatScenarioError(info: ScenarioErrorInfo): string {
  let where = info.file;
  if (info.line !== undefined) {
    where += `:${info.line}`;
    if (info.column !== undefined) where += `:${info.column}`;
  }
  const what =
    info.expected !== undefined
      ? `expected ${info.expected}, found ${info.found ?? 'nothing'}`
      : (info.detail ?? 'invalid');
  let message = `${where}: ${info.path ? `${info.path}: ` : ''}${what}`;
  if (info.suggestion !== undefined) message += `. Did you mean "${info.suggestion}"?`;
  // The CLI contract is one line per error, whatever the input contained.
  return message.replace(/\s*[\r\n]+\s*/g, ' ');
}
