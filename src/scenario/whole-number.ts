/**
 * Whole numbers typed on the command line (--threads, --workers, --reps, --max-runs, --shard...).
 * A double holds every whole number only up to 2^53 - 1 (Number.MAX_SAFE_INTEGER); above it
 * Number('9007199254740993') is 9007199254740992, so such a text would be read, and echoed in
 * messages, as a number the user did not type. It is refused instead, quoting the text.
 */
import { UserError } from './errors.js';

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
 * holds exactly, 2^53 - 1). `separators`: `_` between digits is allowed (1_000_000). Throws a
 * one-line UserError that quotes `text` as typed, e.g.
 * `--workers: expected a whole number >= 1, found "0"`.
 */
export function wholeNumberFlag(
  flag: string,
  text: string,
  opts: { min: number; max?: number; separators?: boolean },
): number {
  const n = exactWholeNumber(opts.separators ? text.replace(/_/g, '') : text);
  if (n !== undefined && n >= opts.min && (opts.max === undefined || n <= opts.max)) return n;
  const range =
    opts.max !== undefined
      ? `from ${opts.min} to ${opts.max}`
      : // A whole number too large to hold: say where the limit is, not only ">= 1".
        `>= ${opts.min}${n === undefined && /^\s*[\d_]+\s*$/.test(text) ? ` and at most ${Number.MAX_SAFE_INTEGER}` : ''}`;
  // 1e9 is a whole number to a reader, but flags take digits only (as the messages quote them).
  const digits = /^\s*[+-]?\d+(\.\d+)?e[+-]?\d+\s*$/i.test(text) ? ' written in digits' : '';
  throw new UserError(`${flag}: expected a whole number${digits} ${range}, found "${text}"`);
}
