/**
 * Dotted paths into nested scenario objects (`buyers.us.governance`), and the "did you mean"
 * suggestion for a misspelt key or path (Levenshtein distance).
 */
import { closest, distance } from 'fastest-levenshtein';
import { describeValue } from './errors.js';

/** A path as segments: keys of mappings and indices of lists. */
export type Segs = readonly (string | number)[];

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const describe = describeValue;

export function joinPath(segs: Segs): string {
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
