/**
 * Latin hypercube sampling (McKay, Beckman & Conover 1979): each of the k dimensions is cut
 * into n equal strata and every stratum of every dimension holds exactly one of the n points.
 * The pairing of strata across dimensions is random (independent permutations), and within a
 * stratum the point is uniform (or at its centre with `centered`).
 *
 * Draw order (fixed so a seed reproduces the design): for each dimension in turn, a
 * Fisher–Yates shuffle of the strata (n-1 draws), then, unless centred, n jitter draws.
 */
import {
  assertBounds,
  assertPositiveInteger,
  scaleToBounds,
  type DesignBase,
  type FactorBounds,
  type Rng,
} from './types.js';

export interface LhsOptions {
  /** Put each point at the centre of its stratum instead of uniformly inside it (default false). */
  centered?: boolean;
}

export interface LhsDesign extends DesignBase<number> {
  method: 'lhs';
  bounds: FactorBounds[];
  /** The same points in [0,1)^k before scaling (unit[i][j] lies in stratum floor(n*unit[i][j])). */
  unit: number[][];
}

/** n points in [0,1)^k; column j is a Latin permutation of the strata [s/n, (s+1)/n). */
export function latinHypercubeUnit(
  n: number,
  k: number,
  rng: Rng,
  options: LhsOptions = {},
): number[][] {
  assertPositiveInteger(n, 'n');
  assertPositiveInteger(k, 'k');
  const points: number[][] = Array.from({ length: n }, () => new Array<number>(k));
  for (let j = 0; j < k; j++) {
    const strata = shuffledRange(n, rng);
    for (let i = 0; i < n; i++) {
      const offset = options.centered ? 0.5 : rng();
      // Clamp guards against an RNG returning exactly 1 pushing a point into the next stratum.
      points[i][j] = Math.min((strata[i] + offset) / n, justBelow((strata[i] + 1) / n));
    }
  }
  return points;
}

/** Latin hypercube of n points scaled to the factor bounds (uniform marginals). */
export function lhsDesign(
  bounds: readonly FactorBounds[],
  n: number,
  rng: Rng,
  options: LhsOptions = {},
): LhsDesign {
  assertBounds(bounds);
  const unit = latinHypercubeUnit(n, bounds.length, rng, options);
  return {
    method: 'lhs',
    factors: bounds.map((b) => b.name),
    rows: scaleToBounds(unit, bounds),
    bounds: bounds.map((b) => ({ ...b })),
    unit,
  };
}

/** Uniformly random permutation of 0..n-1 (Fisher–Yates, Durstenfeld's in-place form). */
export function shuffledRange(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const r = Math.min(Math.floor(rng() * (i + 1)), i);
    const t = a[i];
    a[i] = a[r];
    a[r] = t;
  }
  return a;
}

/** A double slightly (a few ulps) below x, for x > 0. */
function justBelow(x: number): number {
  return x - Math.max(2 * Number.EPSILON * x, Number.MIN_VALUE);
}
