/**
 * Whole numbers typed on the command line (--threads, --workers, --reps, --max-runs, --shard...).
 * A double holds every whole number only up to 2^53 - 1 (Number.MAX_SAFE_INTEGER); above it
 * Number('9007199254740993') is 9007199254740992, so such a text would be read, and echoed in
 * messages, as a number the user did not type. It is refused instead, quoting the text.
 */
import { ScenarioError, UserError } from './errors.js';
import { parseYamlValue } from './safe-yaml.js';

/**
 * `text` (decimal digits, surrounding spaces ignored) as a number, or undefined if it is not a
 * whole number or is one a double cannot hold exactly (above 2^53 - 1).
 */
export function exactWholeNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The whole number given to `flag` as `text`, from `min` to `max` (default: the largest a double
 * holds exactly, 2^53 - 1). The text is read as one YAML scalar, as `--set` and a scenario file
 * read a value, so a flag and its file twin agree (`--reps 0x10`, `--samples 1e3` and
 * `sweep.samples: 1e3` are read alike; `--seed` and `--set seed=` already were).
 * `separators`: `_` between digits is allowed (1_000_000). Throws a one-line UserError that
 * quotes `text` as typed, e.g. `--workers: expected a whole number >= 1, found "0"`, or the
 * range for a number no double holds exactly (9007199254740993).
 */
export function wholeNumberFlag(
  flag: string,
  text: string,
  opts: { min: number; max?: number; separators?: boolean },
): number {
  const t = opts.separators && /^\s*\d[\d_]*\s*$/.test(text) ? text.replace(/_/g, '') : text;
  // What the reader refuses (a number no double holds) is refused here with the flag's range.
  let value: unknown;
  try {
    value = parseYamlValue(t, `${flag} ${text}`);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
  }
  const n = typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
  // Digits past 2^53 - 1 (refused by the reader) or a whole number read past it (1e20).
  const tooLarge =
    n === undefined &&
    (/^\s*[\d_]+\s*$/.test(text) ||
      (typeof value === 'number' && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER));
  if (n !== undefined && n >= opts.min && (opts.max === undefined || n <= opts.max)) return n;
  const range =
    opts.max !== undefined
      ? `from ${opts.min} to ${opts.max}`
      : // A whole number too large to hold: say where the limit is, not only ">= 1".
        `>= ${opts.min}${tooLarge ? ` and at most ${Number.MAX_SAFE_INTEGER}` : ''}`;
  throw new UserError(`${flag}: expected a whole number ${range}, found "${text}"`);
}
