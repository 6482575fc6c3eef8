/**
 * Reading the JSON files gvc wrote earlier (design.json, manifest.json) back defensively: a
 * file that is truncated, corrupt, nested absurdly deep or of the wrong shape is bad input
 * (a UserError naming the file and, for a syntax error, its line), never an internal error.
 */
import { UserError } from '../scenario/errors.js';
import { MAX_NESTING, nestingDepth, positionOfOffset } from '../scenario/safe-yaml.js';
import { inputReadFailure } from './os-errors.js';
import { readInputFile } from './read-file.js';
import { decodeUtf8 } from '../scenario/text.js';

/**
 * Parses JSON text from `file`. Throws a UserError `file:line:column: invalid JSON: …` for a
 * syntax error (a truncated file included) and `file: nesting deeper than N levels` for a
 * document too deep to be one of gvc's.
 */
export function parseJsonText(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (err) {
    if (err instanceof RangeError) throw nestingError(file);
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const pos = at ? positionOfOffset(text, Number(at[1])) : undefined;
    const where = pos ? `${file}:${pos.line}:${pos.column}` : file;
    const what = message
      .replace(/( in JSON)? at position \d+.*$/, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '')
      .split('\n')[0];
    throw new UserError(`${where}: invalid JSON: ${what}`);
  }
  if (nestingDepth(value) > MAX_NESTING) throw nestingError(file);
  return value;
}

export function nestingError(file: string): UserError {
  return new UserError(
    `${file}: nesting deeper than ${MAX_NESTING} levels (lists or mappings inside each other); no gvc file nests that deep`,
  );
}

/**
 * Reads `file` as a JSON object; `what` names it in messages ("the sweep's design record").
 * `check`, when given, sees the bytes first (e.g. checkRecordedBytes) and may throw.
 */
export function readJsonObject(
  file: string,
  what: string,
  check?: (file: string, bytes: Buffer) => void,
): Record<string, unknown> {
  let bytes: Buffer;
  try {
    bytes = readInputFile(file, what);
  } catch (err) {
    throw inputReadFailure(err, file);
  }
  check?.(file, bytes);
  const text = decodeUtf8(bytes, file);
  const value = parseJsonText(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UserError(
      `${file}: expected ${what} (a JSON object), found ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  return value as Record<string, unknown>;
}
