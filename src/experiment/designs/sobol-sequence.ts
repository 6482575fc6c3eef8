/**
 * Sobol' low-discrepancy sequence (Sobol' 1967) in base 2 with the Joe & Kuo (2008) direction
 * numbers, generated in Gray-code order (Antonov & Saleev 1979) as in SALib and scipy
 * (`scipy.stats.qmc.Sobol(d, scramble=False)`), whose points it reproduces exactly.
 *
 * Unscrambled and deterministic: point 0 is the origin. Consumers that map points to bounds
 * usually skip a leading block (see `saltelliDesign`); skipping a multiple of a power of two
 * at least as large as the number of points keeps the (t, m, s)-net balance (Owen 2020).
 */
import { JOE_KUO_DIRECTIONS } from './sobol-directions.js';
import { assertPositiveInteger } from './types.js';

/** Bits of precision: points are multiples of 2^-32. */
const BITS = 32;
const SCALE = 2 ** BITS;

/** Highest dimension supported by the embedded direction-number table. */
export const MAX_SOBOL_DIMENSION = JOE_KUO_DIRECTIONS.length + 1;

/** Point indices are kept below 2^31 so they fit JavaScript's 32-bit bitwise operators. */
export const MAX_SOBOL_INDEX = 2 ** 31 - 1;

/**
 * Direction integers V_1..V_32 of one dimension, V_i = m_i * 2^(32-i), by the Bratley & Fox
 * (1988) recurrence as written in Joe & Kuo's reference implementation.
 */
function directionIntegers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS + 1); // 1-based, v[0] unused
  if (dimension === 0) {
    for (let i = 1; i <= BITS; i++) v[i] = 2 ** (BITS - i); // all m_i = 1
    return v;
  }
  const [s, a, m] = JOE_KUO_DIRECTIONS[dimension - 1];
  for (let i = 1; i <= Math.min(s, BITS); i++) v[i] = m[i - 1] * 2 ** (BITS - i);
  for (let i = s + 1; i <= BITS; i++) {
    let value = v[i - s] ^ (v[i - s] >>> s);
    for (let k = 1; k <= s - 1; k++) {
      if ((a >>> (s - 1 - k)) & 1) value ^= v[i - k];
    }
    v[i] = value >>> 0;
  }
  return v;
}

/** Stateful generator of the first `dimension` coordinates of the Sobol' sequence. */
export class SobolSequence {
  readonly dimension: number;
  private readonly directions: Uint32Array[];
  private readonly state: Uint32Array;
  /** Index of the point that `next()` returns. */
  private index = 0;

  constructor(dimension: number, skip = 0) {
    assertPositiveInteger(dimension, 'dimension');
    if (dimension > MAX_SOBOL_DIMENSION) {
      throw new Error(
        `Sobol' sequence supports at most ${MAX_SOBOL_DIMENSION} dimensions, got ${dimension}`,
      );
    }
    this.dimension = dimension;
    this.directions = Array.from({ length: dimension }, (_, d) => directionIntegers(d));
    this.state = new Uint32Array(dimension);
    this.seek(skip);
  }

  /** Position the generator so that the next point returned is point `index` (0-based). */
  seek(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index > MAX_SOBOL_INDEX) {
      throw new Error(`Sobol' index must be an integer in [0, ${MAX_SOBOL_INDEX}], got ${index}`);
    }
    // Point n is the XOR of the direction integers selected by the bits of its Gray code.
    const gray = index ^ (index >>> 1);
    for (let d = 0; d < this.dimension; d++) {
      let x = 0;
      for (let bit = 0; bit < 31; bit++) {
        if ((gray >>> bit) & 1) x ^= this.directions[d][bit + 1];
      }
      this.state[d] = x >>> 0;
    }
    this.index = index;
  }

  /** The next point, coordinates in [0, 1). */
  next(): number[] {
    if (this.index > MAX_SOBOL_INDEX) throw new Error("Sobol' sequence exhausted");
    const point = Array.from(this.state, (x) => x / SCALE);
    // Gray-code update: the next point differs in the direction integer numbered by the
    // position of the lowest zero bit of the current index (Antonov & Saleev 1979).
    const c = lowestZeroBit(this.index) + 1;
    for (let d = 0; d < this.dimension; d++)
      this.state[d] = (this.state[d] ^ this.directions[d][c]) >>> 0;
    this.index++;
    return point;
  }
}

/** 0-based position of the lowest zero bit of a non-negative integer below 2^31. */
function lowestZeroBit(n: number): number {
  let c = 0;
  while ((n >>> c) & 1) c++;
  return c;
}

/** Points skip .. skip+n-1 of the `dimension`-dimensional Sobol' sequence. */
export function sobolPoints(n: number, dimension: number, skip = 0): number[][] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer, got ${n}`);
  if (skip + n - 1 > MAX_SOBOL_INDEX) throw new Error("too many Sobol' points requested");
  const sequence = new SobolSequence(dimension, skip);
  return Array.from({ length: n }, () => sequence.next());
}
