/**
 * For tests that generate scenarios one parameter at a time: PARAM_BOUNDS makes some pairs
 * depend on each other (price_pressure.initial <= .max, requirements <= know_how), so a value
 * drawn independently can make the scenario illegal. This lowers, in a raw scenario object,
 * each bounded parameter that is above its bound (its own value or default against the bound's
 * value or default) to the bound's value, and returns what it changed (concrete path → value).
 */
import { PARAM_BOUNDS, specFor } from '../../src/scenario/parameters.js';

export function respectBounds(raw: Record<string, unknown>): Map<string, number> {
  const changed = new Map<string, number>();
  const get = (segs: string[]): unknown => {
    let cur: unknown = raw;
    for (const s of segs) cur = (cur as Record<string, unknown> | undefined)?.[s];
    return cur;
  };
  for (const bound of PARAM_BOUNDS) {
    const lower = bound.lower.split('.');
    const upper = bound.upper.split('.');
    const section = raw[lower[0]];
    const groups =
      lower[1] === '*' ? Object.keys((section ?? {}) as Record<string, unknown>) : [undefined];
    for (const g of groups) {
      const at = (segs: string[]) => (g === undefined ? segs : [segs[0], g, ...segs.slice(2)]);
      const low = (get(at(lower)) ?? specFor(bound.lower)!.default) as number;
      const high = (get(at(upper)) ?? specFor(bound.upper)!.default) as number;
      if (low <= high) continue;
      const segs = at(lower);
      let cur = raw;
      for (const s of segs.slice(0, -1)) cur = (cur[s] ??= {}) as Record<string, unknown>;
      cur[segs[segs.length - 1]] = high;
      changed.set(segs.join('.'), high);
    }
  }
  return changed;
}
