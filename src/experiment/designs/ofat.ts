/**
 * One-factor-at-a-time design around a baseline point: each row equals the baseline except
 * for a single factor set to one of its alternative values.
 *
 * OFAT is a local screening design: it cannot detect interactions, so it complements rather
 * than replaces Morris or Sobol (Saltelli et al. 2008, ch. 1). Alternative values equal to the
 * baseline value are skipped, so every non-baseline row differs from the baseline in exactly
 * one factor and no run is duplicated.
 *
 * Order: the baseline row first (unless disabled), then factor by factor in the given order,
 * each factor's values in the given order.
 */
import { assertUniqueNames, type DesignBase, type FactorValue } from './types.js';

export interface OfatFactor<V extends FactorValue = FactorValue> {
  name: string;
  baseline: V;
  /** Values to try for this factor while the others stay at baseline. */
  values: readonly V[];
}

export interface OfatOptions {
  /** Include the baseline point itself as the first row (default true). */
  includeBaseline?: boolean;
}

export interface OfatDesign<V extends FactorValue = FactorValue> extends DesignBase<V> {
  method: 'ofat';
  baseline: V[];
  /** varied[i] = index of the factor changed in row i, or null for the baseline row. */
  varied: (number | null)[];
}

export function ofatDesign<F extends readonly OfatFactor[]>(
  factors: F,
  options: OfatOptions = {},
): OfatDesign<F[number]['baseline'] | F[number]['values'][number]> {
  type V = F[number]['baseline'] | F[number]['values'][number];
  if (factors.length === 0) throw new Error('OFAT design needs at least one factor');
  assertUniqueNames(factors.map((f) => f.name));
  const baseline = factors.map((f) => f.baseline);
  const rows: V[][] = [];
  const varied: (number | null)[] = [];
  if (options.includeBaseline ?? true) {
    rows.push([...baseline]);
    varied.push(null);
  }
  factors.forEach((f, j) => {
    const seen = new Set<V>();
    for (const v of f.values) {
      // Object.is-like equality (Set uses SameValueZero): skip the baseline and repeats.
      if (sameValue(v, f.baseline) || seen.has(v)) continue;
      seen.add(v);
      const row = [...baseline];
      row[j] = v;
      rows.push(row);
      varied.push(j);
    }
  });
  return { method: 'ofat', factors: factors.map((f) => f.name), rows, baseline, varied };
}

function sameValue(a: FactorValue, b: FactorValue): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
