/**
 * Saltelli sampling scheme for variance-based (Sobol') sensitivity indices
 * (Saltelli 2002; Saltelli et al. 2010, "Variance based sensitivity analysis of model output").
 *
 * Two independent N×k base matrices A and B are drawn; AB_j is A with column j taken from B
 * (and, for second-order indices, BA_j is B with column j taken from A). The first- and
 * total-order estimators in `analysis/sensitivity/sobol.ts` need f(A), f(B) and f(AB_j), i.e.
 * N(k+2) runs; second order adds the BA_j, N(2k+2) runs in all.
 *
 * Row order is SALib's (`SALib.sample.sobol.sample`): interleaved blocks, one per base index i,
 *
 *   A_i, AB_1,i, …, AB_k,i, [BA_1,i, …, BA_k,i,] B_i
 *
 * so output y[i*(k+2) + 0] is f(A_i), y[i*(k+2) + 1 + j] is f(AB_j,i) and y[i*(k+2) + k+1] is
 * f(B_i) (block size 2k+2 with second order, B last). As in SALib, A is made of the first k
 * coordinates of each base point in 2k dimensions and B of the last k.
 *
 * Base points come from the unscrambled Sobol' sequence (default; quasi-random, the choice of
 * Saltelli et al. 2010) or from a seeded RNG (plain Monte Carlo, for which the bootstrap
 * confidence intervals are exactly justified).
 */
import { MAX_SOBOL_DIMENSION, sobolPoints } from './sobol-sequence.js';
import {
  assertBounds,
  assertPositiveInteger,
  scaleToBounds,
  type DesignBase,
  type FactorBounds,
  type Rng,
} from './types.js';

export interface SaltelliOptions {
  /** Also generate the BA_j blocks needed for second-order indices (default false). */
  calcSecondOrder?: boolean;
  /** Where A and B come from (default 'sobol'). */
  base?: 'sobol' | 'random';
  /**
   * Sobol' points to skip before the first base point. Default: the smallest power of two
   * >= N, which drops the origin and keeps the net structure for N a power of two (Owen 2020).
   */
  skip?: number;
  /** Required when base = 'random'. */
  rng?: Rng;
}

/** What the Sobol' analysis needs to read outputs back in the design's row order. */
export interface SaltelliLayout {
  factors: string[];
  /** Number of base samples (rows of A and of B). */
  N: number;
  calcSecondOrder: boolean;
}

export interface SaltelliDesign extends DesignBase<number>, SaltelliLayout {
  method: 'saltelli';
  bounds: FactorBounds[];
  base: 'sobol' | 'random';
  /** Sobol' points skipped (0 for random base). */
  skip: number;
  /** Rows per base sample: k + 2, or 2k + 2 with second order. */
  blockSize: number;
  /** The same rows in [0,1)^k before scaling. */
  unit: number[][];
}

/** Rows per base sample for k factors. */
export function saltelliBlockSize(k: number, calcSecondOrder: boolean): number {
  return calcSecondOrder ? 2 * k + 2 : k + 2;
}

function smallestPowerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Saltelli design over uniform factors. N should be a power of two with the Sobol' base, as
 * Sobol' points are balanced in blocks of 2^m (SALib warns otherwise; we accept any N).
 */
export function saltelliDesign(
  bounds: readonly FactorBounds[],
  N: number,
  options: SaltelliOptions = {},
): SaltelliDesign {
  assertBounds(bounds);
  assertPositiveInteger(N, 'N');
  const k = bounds.length;
  const calcSecondOrder = options.calcSecondOrder ?? false;
  const base = options.base ?? 'sobol';

  let basePoints: number[][];
  let skip = 0;
  if (base === 'sobol') {
    if (2 * k > MAX_SOBOL_DIMENSION) {
      throw new Error(
        `Sobol' base supports at most ${MAX_SOBOL_DIMENSION / 2} factors; use base: 'random'`,
      );
    }
    skip = options.skip ?? smallestPowerOfTwoAtLeast(N);
    if (!Number.isInteger(skip) || skip < 0)
      throw new Error(`skip must be a non-negative integer, got ${skip}`);
    basePoints = sobolPoints(N, 2 * k, skip);
  } else if (base === 'random') {
    const rng = options.rng;
    if (!rng) throw new Error("saltelliDesign: base 'random' needs options.rng");
    // Row-wise draws: A_i then B_i, mirroring the column split of the Sobol' base.
    basePoints = Array.from({ length: N }, () => Array.from({ length: 2 * k }, () => rng()));
  } else {
    throw new Error(`unknown base: ${String(base)}`);
  }

  const unit: number[][] = [];
  for (const point of basePoints) {
    const a = point.slice(0, k);
    const b = point.slice(k, 2 * k);
    unit.push(a);
    for (let j = 0; j < k; j++) {
      const ab = [...a];
      ab[j] = b[j];
      unit.push(ab);
    }
    if (calcSecondOrder) {
      for (let j = 0; j < k; j++) {
        const ba = [...b];
        ba[j] = a[j];
        unit.push(ba);
      }
    }
    unit.push(b);
  }

  return {
    method: 'saltelli',
    factors: bounds.map((f) => f.name),
    rows: scaleToBounds(unit, bounds),
    bounds: bounds.map((f) => ({ ...f })),
    N,
    calcSecondOrder,
    base,
    skip,
    blockSize: saltelliBlockSize(k, calcSecondOrder),
    unit,
  };
}
