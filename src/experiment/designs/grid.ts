/**
 * Full factorial design: every combination of the listed factor levels.
 *
 * Order is that of nested loops with the first factor outermost (the first factor varies
 * slowest, the last fastest), i.e. the order of Python's itertools.product. It is fixed so
 * that run numbers, and therefore run seeds, are reproducible from the design alone.
 */
import { assertUniqueNames, type DesignBase, type FactorValue } from './types.js';

export interface GridFactor<V extends FactorValue = FactorValue> {
  name: string;
  /** Levels in the order they should appear; must be non-empty. */
  values: readonly V[];
}

export interface GridDesign<V extends FactorValue = FactorValue> extends DesignBase<V> {
  method: 'grid';
  /** Number of levels per factor; rows.length is their product. */
  shape: number[];
  /** levelIndex[i][j] = index into factor j's `values` used in row i (for main-effect tables). */
  levelIndex: number[][];
}

/** Value type of a list of factors (the union over factors, so mixed-type grids type-check). */
export type GridValueOf<F extends readonly { values: readonly FactorValue[] }[]> =
  F[number]['values'][number];

export function gridDesign<F extends readonly GridFactor[]>(
  factors: F,
): GridDesign<GridValueOf<F>> {
  type V = GridValueOf<F>;
  if (factors.length === 0) throw new Error('grid design needs at least one factor');
  assertUniqueNames(factors.map((f) => f.name));
  for (const f of factors) {
    if (f.values.length === 0) throw new Error(`factor ${f.name} has no values`);
  }
  const shape = factors.map((f) => f.values.length);
  const total = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(total)) throw new Error('grid is too large');

  const rows: V[][] = [];
  const levelIndex: number[][] = [];
  // Odometer: increment the last digit, carrying leftwards, so the first factor varies slowest.
  const idx = new Array<number>(factors.length).fill(0);
  for (let i = 0; i < total; i++) {
    levelIndex.push([...idx]);
    rows.push(idx.map((l, j) => factors[j].values[l] as V));
    for (let j = factors.length - 1; j >= 0; j--) {
      idx[j]++;
      if (idx[j] < shape[j]) break;
      idx[j] = 0;
    }
  }
  return { method: 'grid', factors: factors.map((f) => f.name), rows, shape, levelIndex };
}
