/* eslint-disable no-loss-of-precision -- reference constants are quoted at their published precision */
/**
 * Small statistics toolkit for summarising replicated runs and bootstrap replicates.
 *
 * simple-statistics supplies means, standard deviations, quantiles and log-gamma. It has no
 * Student t quantile, and its `probit` uses a closed-form erf inverse that is only good to
 * ~3 decimals (probit(0.975) = 1.9572), so both quantile functions are implemented here:
 * the normal quantile with Wichura's AS 241 (accurate to ~1e-16) and the t quantile by
 * inverting the t CDF, itself written through the regularised incomplete beta function.
 */
import seedrandom from 'seedrandom';
import {
  gammaln,
  mean as ssMean,
  quantileSorted,
  sampleStandardDeviation,
} from 'simple-statistics';
import type { Rng } from '../../experiment/designs/types.js';

export type { Rng };

/** Deterministic default for bootstrap resampling, so analyses are reproducible unless told otherwise. */
export function defaultBootstrapRng(label: string): Rng {
  return seedrandom(`gvc-abm/bootstrap/${label}`);
}

// ---------------------------------------------------------------------------------------------
// Descriptive statistics
// ---------------------------------------------------------------------------------------------

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of an empty sample');
  return ssMean(xs);
}

/** Sample standard deviation (n - 1 denominator); NaN for a single observation. */
export function sd(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('sd of an empty sample');
  if (xs.length === 1) return NaN;
  return sampleStandardDeviation(xs);
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i];
  return value;
}

/** Standard normal quantile Φ⁻¹(p) (Wichura 1988, algorithm AS 241, PPND16). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`probability must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

/**
 * ln Γ(a + b) - ln Γ(a). For large a the two log-gammas nearly cancel, so the difference is
 * taken analytically from Stirling's series (keeps t distributions with huge df accurate).
 */
function logGammaRatio(a: number, b: number): number {
  if (a < 15) return gammaln(a + b) - gammaln(a);
  // ln Γ(x) = (x - 1/2) ln x - x + ln √(2π) + c(x), c(x) = 1/(12x) - 1/(360x³) + 1/(1260x⁵) - 1/(1680x⁷) + …
  const c = (x: number): number => {
    const x2 = x * x;
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x;
  };
  return (a + b - 0.5) * Math.log1p(b / a) + b * Math.log(a) - b + c(a + b) - c(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b). */
function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  return gammaln(small) - logGammaRatio(big, small);
}

/**
 * Regularised incomplete beta function I_x(a, b), by the continued fraction of
 * Numerical Recipes (Press et al. 2007, §6.4) evaluated with the modified Lentz method.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new Error(`incomplete beta needs x in [0, 1], got ${x}`);
  return incompleteBeta(x, 1 - x, a, b);
}

/**
 * I_x(a, b) with y = 1 - x supplied by the caller, who can often compute it without the
 * cancellation of 1 - x (as in TOMS 708), which matters when x is close to 1.
 */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new Error('incomplete beta needs a > 0 and b > 0');
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // ln x via log1p(-y) when x is near 1: with a large (big df), a·ln x would amplify its rounding.
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const logFront = a * logX + b * logY - logBeta(a, b);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry
  // I_x(a, b) = 1 - I_y(b, a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let term = 1; term <= 10_000; term++) {
    const twiceTerm = 2 * term;
    let aa = (term * (b - term) * x) / ((qam + twiceTerm) * (a + twiceTerm));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + term) * (qab + term) * x) / ((a + twiceTerm) * (qap + twiceTerm));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

function assertDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df))
    throw new Error(`degrees of freedom must be positive and finite, got ${df}`);
}

/*
 * For t >= 0 the t distribution splits into a central mass P(0 < T < t) = ½ I_y(½, ν/2) and an
 * upper tail P(T > t) = ½ I_x(ν/2, ½), with x = ν/(ν+t²) and y = t²/(ν+t²) = 1 - x both
 * computed directly, so each is accurate relative to its own size (no 1 - (…) cancellation).
 */
function studentTCentral(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * incompleteBeta(t2 / (df + t2), df / (df + t2), 0.5, df / 2);
}

function studentTUpperTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** Student t cumulative distribution function P(T <= t) with df degrees of freedom (df may be fractional). */
export function studentTCdf(t: number, df: number): number {
  assertDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = studentTUpperTail(Math.abs(t), df);
  return t > 0 ? 1 - tail : tail;
}

function studentTPdf(t: number, df: number): number {
  const logC = logGammaRatio(df / 2, 0.5) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile: the t with P(T <= t) = p. Closed forms for df = 1 and 2; otherwise
 * Newton's method, safeguarded by bisection inside a bracket, on the central mass (p near ½)
 * or on the upper tail (p in the tails), whichever is the small, accurately computed quantity.
 */
export function studentTQuantile(p: number, df: number): number {
  assertDf(df);
  if (!(p >= 0 && p <= 1)) throw new Error(`probability must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const sign = p > 0.5 ? 1 : -1;
  const tail = p > 0.5 ? 1 - p : p; // exact: 1 - p has no rounding error for p in [½, 1]
  if (df === 1) return sign / Math.tan(Math.PI * tail); // Cauchy
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));

  // Solve g(t) = target for t >= 0 with g increasing and g' = pdf.
  const central = tail > 0.25;
  const target = central ? Math.abs(p - 0.5) : -tail;
  const g = central
    ? (t: number) => studentTCentral(t, df)
    : (t: number) => -studentTUpperTail(t, df);
  // Bracket [lo, hi] with g(lo) <= target < g(hi); the t quantile exceeds the normal one.
  let lo = 0;
  let hi = Math.max(1, Math.abs(normalQuantile(p)));
  while (g(hi) <= target) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return sign * Infinity;
  }
  let t = (lo + hi) / 2;
  for (let iter = 0; iter < 200; iter++) {
    const f = g(t) - target;
    if (f === 0) return sign * t;
    if (f < 0) lo = t;
    else hi = t;
    let next = t - f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2; // Newton left the bracket: bisect
    if (
      Math.abs(next - t) <= 4 * Number.EPSILON * Math.abs(t) ||
      hi - lo <= 4 * Number.EPSILON * hi
    ) {
      return sign * next;
    }
    t = next;
  }
  return sign * t;
}

// ---------------------------------------------------------------------------------------------
// Confidence intervals
// ---------------------------------------------------------------------------------------------

export interface MeanConfidenceInterval {
  n: number;
  mean: number;
  sd: number;
  /** Standard error sd / sqrt(n). */
  se: number;
  df: number;
  level: number;
  /** Critical value t_{(1+level)/2, n-1}. */
  tCritical: number;
  halfWidth: number;
  lower: number;
  upper: number;
}

/** Two-sided t-based confidence interval for a mean (normal data, or large n); needs n >= 2. */
export function meanConfidenceInterval(
  xs: readonly number[],
  level = 0.95,
): MeanConfidenceInterval {
  assertLevel(level);
  if (xs.length < 2) throw new Error('a t confidence interval needs at least two observations');
  const n = xs.length;
  const sampleMean = mean(xs);
  const s = sd(xs);
  const se = s / Math.sqrt(n);
  const tCritical = studentTQuantile(0.5 + level / 2, n - 1);
  const halfWidth = tCritical * se;
  return {
    n,
    mean: sampleMean,
    sd: s,
    se,
    df: n - 1,
    level,
    tCritical,
    halfWidth,
    lower: sampleMean - halfWidth,
    upper: sampleMean + halfWidth,
  };
}

/**
 * Confidence interval for the mean of a metric confined to `domain` = [lo, hi] (hi may be
 * Infinity), that never leaves the domain and keeps close to its nominal level when the mean
 * lies near a bound, where the symmetric t interval both leaves the domain and under-covers
 * (Beta(1, 9) data, n = 5: 89% for a 95% t interval).
 *
 * Both bounds finite: the Wilson (1927) score interval for a proportion, with the binomial
 * variance μ(1 − μ)/n scaled by the quasi-likelihood dispersion φ = s² / (x̄(1 − x̄))
 * (McCullagh & Nelder 1989, §9.2) and the t quantile for n − 1 df in place of z: the set of
 * μ with (x̄ − μ)² ≤ t² φ μ(1 − μ) / n, on x rescaled to [0, 1]. Only a lower bound: the same
 * with the quasi-Poisson variance φ μ / n, φ = s² / x̄. No bound: the t interval. Coverage is
 * checked by simulation in tests/analysis/bounded-interval.test.ts.
 *
 * Needs n ≥ 2; a sample with no spread (or a mean on a bound) gives the point itself (gvc
 * validate then uses pooledMeanInterval when it knows the units each value is a mean over).
 * Throws when a value lies outside the domain.
 */
export function boundedMeanInterval(
  xs: readonly number[],
  domain: readonly [number, number],
  level = 0.95,
): { lower: number; upper: number } {
  const [lo, hi] = domain;
  const hasLo = Number.isFinite(lo);
  const hasHi = Number.isFinite(hi);
  if (!hasLo && !hasHi) {
    const ci = meanConfidenceInterval(xs, level);
    return { lower: ci.lower, upper: ci.upper };
  }
  if (!hasLo) {
    // Only an upper bound: mirror it into a lower one.
    const r = boundedMeanInterval(
      xs.map((x) => -x),
      [-hi, Infinity],
      level,
    );
    return { lower: -r.upper, upper: -r.lower };
  }
  for (const x of xs)
    if (!(x >= lo && x <= hi)) throw new Error(`value ${x} outside the domain [${lo}, ${hi}]`);
  const ci = meanConfidenceInterval(xs, level);
  const n = xs.length;
  const width = hasHi ? hi - lo : 1;
  const scaledMean = (ci.mean - lo) / width;
  const s2 = (ci.sd / width) ** 2;
  const clamp = (v: number) => Math.min(hasHi ? hi : Infinity, Math.max(lo, v));
  const varianceShape = hasHi ? scaledMean * (1 - scaledMean) : scaledMean;
  if (s2 === 0 || !(varianceShape > 0)) return { lower: clamp(ci.mean), upper: clamp(ci.mean) };
  const t2 = ci.tCritical ** 2;
  const w = (t2 * (s2 / varianceShape)) / n;
  let a: number;
  let b: number;
  if (hasHi) {
    // (m − μ)² = w μ(1 − μ)  ⇒  μ = (m + w/2 ± √(w m(1 − m) + w²/4)) / (1 + w)
    const centre = (scaledMean + w / 2) / (1 + w);
    const half = Math.sqrt(w * scaledMean * (1 - scaledMean) + (w * w) / 4) / (1 + w);
    a = centre - half;
    b = centre + half;
  } else {
    // (m − μ)² = w μ  ⇒  μ = m + w/2 ± √(w m + w²/4)
    const half = Math.sqrt(w * scaledMean + (w * w) / 4);
    a = scaledMean + w / 2 - half;
    b = scaledMean + w / 2 + half;
  }
  // The roots lie in the domain mathematically; clamping only removes rounding.
  return { lower: clamp(lo + a * width), upper: clamp(lo + b * width) };
}

/**
 * Wilson (1927, JASA 22:209) score interval for a binomial proportion: `successes` out of
 * `trials` (successes may be fractional, see pooledMeanInterval), with the normal quantile z
 * for `level`: the set of p with (k/N − p)² ≤ z² p(1 − p)/N. Inside [0, 1]; 0 of N gives
 * [0, z²/(N + z²)], 2 of 2 at 95% gives [0.3424, 1]. Throws unless 0 ≤ successes ≤ trials and
 * trials > 0.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  level = 0.95,
): { lower: number; upper: number } {
  assertLevel(level);
  if (!(trials > 0) || !Number.isFinite(trials))
    throw new Error(`a Wilson interval needs trials > 0, got ${trials}`);
  if (!(successes >= 0 && successes <= trials))
    throw new Error(`successes must be in [0, ${trials}], got ${successes}`);
  const z2 = normalQuantile(0.5 + level / 2) ** 2;
  const p = successes / trials;
  const w = z2 / trials;
  const centre = (p + w / 2) / (1 + w);
  const half = Math.sqrt(w * p * (1 - p) + (w * w) / 4) / (1 + w);
  // The roots lie in [0, 1] mathematically; clamping only removes rounding.
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Interval for the mean of runs' values xs[r], each itself the mean of units[r] values in
 * `domain` = [lo, hi] (a share k_r / n_r of n_r suppliers; a mean of a column over n_r
 * suppliers), **when the runs' values have no spread**: the Wilson (1927) interval of the
 * pooled units, K = Σ n_r (x_r − lo)/(hi − lo) out of N = Σ n_r, mapped back to the domain.
 * For a share it is the score interval of K suppliers out of N; for a mean of a column with
 * values in [lo, hi], the binomial variance is the largest any value in [lo, hi] with that mean
 * can have (Bhatia & Davis 2000), so the interval is conservative for it.
 *
 * Why only without spread: the units within a run are not independent in general (suppliers of
 * one run share its market, buyers and shocks), so N overstates the information and the
 * run-level variation is the measure's uncertainty whenever it can be estimated. When every run
 * gives the same value that variation is estimated as 0 and the run-level interval would be the
 * point; the pooled interval is then the floor the data still support (2 runs of a one-firm
 * share of 1: N = 2, [0.342, 1]; 30 runs of 0 over 400 suppliers each: N = 12000,
 * [0, 0.00032]). Returns null when it does not apply: the values differ, a bound is infinite
 * (no largest variance exists), or some run has no finite count n_r > 0. Throws when the value
 * lies outside the domain.
 */
export function pooledMeanInterval(
  xs: readonly number[],
  units: readonly number[],
  domain: readonly [number, number],
  level = 0.95,
): { lower: number; upper: number } | null {
  const [lo, hi] = domain;
  if (xs.length === 0 || units.length !== xs.length) return null;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) return null;
  // Exact equality, not sd === 0: the sd of equal values can round to a tiny positive number.
  if (!xs.every((x) => x === xs[0])) return null;
  if (!units.every((n) => Number.isFinite(n) && n > 0)) return null;
  if (!(xs[0] >= lo && xs[0] <= hi))
    throw new Error(`value ${xs[0]} outside the domain [${lo}, ${hi}]`);
  const scaled = (xs[0] - lo) / (hi - lo);
  const trials = units.reduce((a, b) => a + b, 0);
  const r = wilsonInterval(scaled * trials, trials, level);
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  return { lower: clamp(lo + r.lower * (hi - lo)), upper: clamp(lo + r.upper * (hi - lo)) };
}

/**
 * Confidence interval for a linear contrast Σ w_g · mean_g of independent groups of a metric
 * confined to `domain`, built from each group's boundedMeanInterval by the method of variance
 * estimates recovery (MOVER; Zou & Donner 2008, Stat Med 27:1693; for a difference of two
 * proportions it is Newcombe's 1998 hybrid score interval, his method 10):
 *
 *   lower = Σ w_g m_g − √Σ (w_g m_g − min(w_g l_g, w_g u_g))²
 *   upper = Σ w_g m_g + √Σ (max(w_g l_g, w_g u_g) − w_g m_g)²
 *
 * with [l_g, u_g] group g's interval. One group with weight 1 gives boundedMeanInterval itself.
 * As √(a² + b²) ≤ a + b, the interval lies within the contrast's own range (a difference of
 * two shares within [−1, 1]). A group that gives `units` (the number of units each value is
 * the mean of) and whose values have no spread gets pooledMeanInterval instead of the point
 * (see there why only then); for a difference of two such groups this is Newcombe's interval
 * on the pooled counts. Every group needs n ≥ 2; throws when a value lies outside the domain.
 */
export function boundedContrastInterval(
  groups: readonly { values: readonly number[]; weight: number; units?: readonly number[] }[],
  domain: readonly [number, number],
  level = 0.95,
): { estimate: number; lower: number; upper: number } {
  if (groups.length === 0) throw new Error('a contrast needs at least one group');
  const groupInterval = (g: (typeof groups)[number]) =>
    (g.units && pooledMeanInterval(g.values, g.units, domain, level)) ||
    boundedMeanInterval(g.values, domain, level);
  let estimate = 0;
  let down = 0;
  let up = 0;
  for (const g of groups) {
    if (g.values.length < 2)
      throw new Error('every group of a contrast needs at least two observations');
    const m = g.weight * mean(g.values);
    const ci = groupInterval(g);
    // One group of weight 1: exactly its interval, without the rounding of m − (m − l).
    if (groups.length === 1 && g.weight === 1) return { estimate: m, ...ci };
    const a = g.weight * ci.lower;
    const b = g.weight * ci.upper;
    estimate += m;
    down += (m - Math.min(a, b)) ** 2;
    up += (Math.max(a, b) - m) ** 2;
  }
  return { estimate, lower: estimate - Math.sqrt(down), upper: estimate + Math.sqrt(up) };
}

export interface ContrastInterval {
  estimate: number;
  se: number;
  /** Welch–Satterthwaite degrees of freedom (Infinity when se is 0). */
  df: number;
  lower: number;
  upper: number;
}

/**
 * t interval for a linear contrast of independent group means, Σ w_g · mean_g, without
 * assuming equal variances (Welch–Satterthwaite). One group with weight 1 is the ordinary
 * one-sample interval; weights (1, −1) the Welch two-sample interval; (1, −1, −1, 1) a 2×2
 * interaction. Every group needs n >= 2. With zero spread in every group the interval is the
 * point itself.
 */
export function contrastInterval(
  groups: readonly { values: readonly number[]; weight: number }[],
  level = 0.95,
): ContrastInterval {
  assertLevel(level);
  if (groups.length === 0) throw new Error('a contrast needs at least one group');
  let estimate = 0;
  let variance = 0;
  let dfDenominator = 0;
  for (const g of groups) {
    const n = g.values.length;
    if (n < 2) throw new Error('every group of a contrast needs at least two observations');
    const v = (g.weight * g.weight * sd(g.values) ** 2) / n;
    estimate += g.weight * mean(g.values);
    variance += v;
    dfDenominator += (v * v) / (n - 1);
  }
  const se = Math.sqrt(variance);
  if (se === 0) return { estimate, se, df: Infinity, lower: estimate, upper: estimate };
  const df = (variance * variance) / dfDenominator;
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  return { estimate, se, df, lower: estimate - half, upper: estimate + half };
}

function assertLevel(level: number): void {
  if (!(level > 0 && level < 1))
    throw new Error(`confidence level must be in (0, 1), got ${level}`);
}

/** Equal-tailed percentile interval of bootstrap replicates (quantiles by linear interpolation, R type 7). */
export function percentileInterval(replicates: readonly number[], level = 0.95): [number, number] {
  assertLevel(level);
  if (replicates.length === 0) throw new Error('no bootstrap replicates');
  const sorted = [...replicates].sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}

export interface BootstrapSummary {
  /** Point estimate on the full sample. */
  estimate: number;
  /** Standard deviation of the bootstrap replicates (bootstrap standard error). */
  se: number;
  /**
   * Normal-approximation half-width z_{(1+level)/2} * se: SALib's `*_conf` convention
   * (SALib reports `norm.ppf(0.5 + conf_level / 2) * replicates.std(ddof=1)`).
   */
  conf: number;
  /** Percentile interval of the replicates (Efron & Tibshirani 1993, §13.3). */
  lower: number;
  upper: number;
  level: number;
  resamples: number;
}

/**
 * A BootstrapSummary with no interval (se, conf and bounds NaN) around `estimate`, for a sample
 * whose resamples cannot tell anything (one value: every resample is that value) or that has no
 * estimate; `resamples` is the number of usable replicates there were (0 when none was drawn).
 */
export function withoutInterval(estimate: number, level: number, resamples = 0): BootstrapSummary {
  return { estimate, se: NaN, conf: NaN, lower: NaN, upper: NaN, level, resamples };
}

/** Summarises bootstrap replicates both the SALib way (normal half-width) and by percentiles. */
export function summarizeBootstrap(
  estimate: number,
  replicates: readonly number[],
  level = 0.95,
): BootstrapSummary {
  const [lower, upper] = percentileInterval(replicates, level);
  const se = replicates.length > 1 ? sampleStandardDeviation(replicates) : NaN;
  return {
    estimate,
    se,
    conf: normalQuantile(0.5 + level / 2) * se,
    lower,
    upper,
    level,
    resamples: replicates.length,
  };
}

export interface BootstrapOptions {
  /** Number of bootstrap resamples (default 2000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  level?: number;
  /** Resampling RNG; defaults to a fixed seed so results are reproducible. */
  rng?: Rng;
}

/** Index of a uniform draw from 0..n-1. */
export function randomIndex(rng: Rng, n: number): number {
  return Math.min(Math.floor(rng() * n), n - 1);
}

function resampleMean(xs: readonly number[], rng: Rng): number {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += xs[randomIndex(rng, xs.length)];
  return total / xs.length;
}

/**
 * Bootstrap CI for mean(a) - mean(b), the two samples resampled independently (e.g. replicate
 * runs of two scenarios). Makes no normality assumption; prefer many replicates per sample,
 * since percentile intervals undercover for small n.
 */
export function bootstrapDiffMeans(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): BootstrapSummary {
  if (a.length === 0 || b.length === 0) throw new Error('both samples must be non-empty');
  const resamples = options.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new Error('resamples must be an integer >= 2');
  const rng = options.rng ?? defaultBootstrapRng('diff-means');
  const replicates = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) replicates[r] = resampleMean(a, rng) - resampleMean(b, rng);
  return summarizeBootstrap(mean(a) - mean(b), replicates, options.level ?? 0.95);
}
