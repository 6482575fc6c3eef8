/**
 * Shared vocabulary of the sampling designs. Every design returns its runs as `rows`
 * (one array of factor values per run, columns in the order of `factors`) plus whatever
 * metadata its analysis needs. The designs know nothing about the simulator: a sweep maps
 * factor names onto scenario parameters.
 */

/** A uniform random number generator on [0, 1), e.g. `seedrandom('x')`. */
export type Rng = () => number;

/** A value a factor may take in a grid or OFAT design (categorical factors are allowed there). */
export type FactorValue = number | string | boolean;

/** A continuous factor sampled uniformly between `lower` and `upper` (inclusive). */
export interface FactorBounds {
  name: string;
  lower: number;
  upper: number;
}

export interface DesignBase<V = number> {
  /** Factor names; column j of every row is the value of factors[j]. */
  factors: string[];
  /** One row per model run, in the order the analysis expects the outputs. */
  rows: V[][];
}

/** Rows as `{ factorName: value }` objects, in run order (convenient for building scenarios). */
export function toRecords<V>(design: DesignBase<V>): Record<string, V>[] {
  return design.rows.map((row) => {
    const record: Record<string, V> = {};
    design.factors.forEach((name, j) => {
      record[name] = row[j];
    });
    return record;
  });
}

/** Throws unless factor names are non-empty and unique. */
export function assertUniqueNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name.length === 0) throw new Error('factor names must be non-empty');
    if (seen.has(name)) throw new Error(`duplicate factor name: ${name}`);
    seen.add(name);
  }
}

/** Throws unless every bound is finite with lower < upper and names are unique. */
export function assertBounds(bounds: readonly FactorBounds[]): void {
  if (bounds.length === 0) throw new Error('at least one factor is required');
  assertUniqueNames(bounds.map((b) => b.name));
  for (const b of bounds) {
    if (!Number.isFinite(b.lower) || !Number.isFinite(b.upper) || !(b.lower < b.upper)) {
      throw new Error(`factor ${b.name}: need finite lower < upper, got [${b.lower}, ${b.upper}]`);
    }
  }
}

export function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${what} must be a positive integer, got ${value}`);
}

/** Maps points of the unit hypercube linearly onto the factor bounds (uniform marginals). */
export function scaleToBounds(
  unit: readonly (readonly number[])[],
  bounds: readonly FactorBounds[],
): number[][] {
  return unit.map((u) => {
    if (u.length !== bounds.length)
      throw new Error(`point has ${u.length} coordinates, expected ${bounds.length}`);
    return u.map((x, j) => bounds[j].lower + x * (bounds[j].upper - bounds[j].lower));
  });
}
