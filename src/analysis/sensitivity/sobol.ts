/**
 * Sobol' variance-based sensitivity indices from a Saltelli design, following SALib's
 * `SALib.analyze.sobol.analyze` (estimators, output standardisation and bootstrap):
 *
 *   first order  S_j  = mean( f(B) (f(AB_j) - f(A)) ) / V            Saltelli et al. (2010), Table 2 (b)
 *   total order  ST_j = mean( (f(A) - f(AB_j))^2 ) / (2V)            Jansen (1999);
 *                                                                     Saltelli et al. (2010), Table 2 (f)
 *   second order S_jl = mean( f(BA_j) f(AB_l) - f(A) f(B) ) / V - S_j - S_l    Saltelli (2002)
 *
 * with V the (population) variance of the 2N outputs f(A) ∪ f(B). Outputs are first
 * standardised by their overall mean and standard deviation, as SALib does: the indices are
 * ratios, but centring reduces the variance of the products in the estimators. Every variance
 * is computed in two passes (mean first, then squared deviations), never as E[y²] − E[y]²,
 * whose cancellation turned a constant f(A) ∪ f(B) into V ≈ ±1e-19 and indices of 1e17.
 *
 * Undefined indices. When the outputs, or the outputs of A ∪ B that V is taken over, do not
 * vary (their standard deviation is at most NEGLIGIBLE_SPREAD times their largest absolute
 * value, i.e. zero to within rounding), every estimator divides by zero and the indices do not
 * exist: they are NaN and `undefinedReason` says why. The same test is applied to each
 * bootstrap replicate; replicates in which V vanishes are left out of the intervals and counted
 * in `droppedReplicates`.
 *
 * Confidence intervals come from a bootstrap over the N base samples (the same resampled
 * indices for every factor, as in SALib). We report SALib's normal-approximation half-width
 * `conf = z_{(1+level)/2} · sd(replicates)` and also the percentile interval. With a Sobol'
 * (quasi-random) base the points are not independent, so these intervals are conservative
 * rather than exact; with `base: 'random'` they are the usual Monte Carlo bootstrap.
 */
import { saltelliBlockSize, type SaltelliLayout } from '../../experiment/designs/saltelli.js';
import {
  defaultBootstrapRng,
  randomIndex,
  summarizeBootstrap,
  withoutInterval,
  type BootstrapSummary,
  type Rng,
} from './stats.js';

export interface SobolAnalysisOptions {
  /** Bootstrap resamples (default 1000; SALib's default is 100). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  level?: number;
  /** Resampling RNG; defaults to a fixed seed so results are reproducible. */
  rng?: Rng;
}

export interface SobolResult {
  factors: string[];
  /** First-order indices, in factor order. */
  S1: number[];
  /** Normal-approximation CI half-widths of S1 (SALib's S1_conf). */
  S1Conf: number[];
  /** Total-order indices. */
  ST: number[];
  STConf: number[];
  /** Second-order indices S2[j][l] for j < l (NaN elsewhere), or null if not computed. */
  S2: number[][] | null;
  S2Conf: number[][] | null;
  /** Full bootstrap summaries, including percentile intervals. */
  bootstrap: {
    S1: BootstrapSummary[];
    ST: BootstrapSummary[];
    S2: (BootstrapSummary | null)[][] | null;
  };
  N: number;
  resamples: number;
  level: number;
  /** Why the indices are undefined (NaN), or null when they are defined. */
  undefinedReason: string | null;
  /** Bootstrap replicates left out because V vanished in the resample (0 normally). */
  droppedReplicates: number;
}

/**
 * A spread (standard deviation) at most this fraction of the values' largest magnitude counts
 * as zero. Sweep outputs carry 6 significant digits (src/io/csv.ts), so a genuine spread is
 * never below ~1e-7 of the scale, while rounding noise of a two-pass variance is ~1e-16.
 */
export const NEGLIGIBLE_SPREAD = 1e-10;

/** Two-pass population mean and variance (ddof = 0) of xs[idx[t]]; also the largest |x|. */
export function twoPassMoments(
  xs: ArrayLike<number>,
  idx?: ArrayLike<number>,
): { mean: number; variance: number; maxAbs: number } {
  const n = idx ? idx.length : xs.length;
  let sum = 0;
  let maxAbs = 0;
  for (let t = 0; t < n; t++) {
    const v = xs[idx ? idx[t] : t];
    sum += v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  const sampleMean = sum / n;
  let ss = 0;
  for (let t = 0; t < n; t++) ss += (xs[idx ? idx[t] : t] - sampleMean) ** 2;
  return { mean: sampleMean, variance: ss / n, maxAbs };
}

/** Whether a sample with this standard deviation and largest |value| is constant to within rounding. */
export function isNegligibleSpread(sd: number, maxAbs: number): boolean {
  return !(sd > NEGLIGIBLE_SPREAD * maxAbs);
}

/** Outputs split into the Saltelli blocks (SALib's `separate_output_values`). */
interface SaltelliOutputs {
  A: Float64Array;
  B: Float64Array;
  AB: Float64Array[];
  BA: Float64Array[] | null;
}

function separateOutputs(layout: SaltelliLayout, y: Float64Array): SaltelliOutputs {
  const k = layout.factors.length;
  const N = layout.N;
  const step = saltelliBlockSize(k, layout.calcSecondOrder);
  const A = new Float64Array(N);
  const B = new Float64Array(N);
  const AB = Array.from({ length: k }, () => new Float64Array(N));
  const BA = layout.calcSecondOrder ? Array.from({ length: k }, () => new Float64Array(N)) : null;
  for (let i = 0; i < N; i++) {
    const base = i * step;
    A[i] = y[base];
    for (let j = 0; j < k; j++) AB[j][i] = y[base + 1 + j];
    if (BA) for (let j = 0; j < k; j++) BA[j][i] = y[base + 1 + k + j];
    B[i] = y[base + step - 1];
  }
  return { A, B, AB, BA };
}

interface Estimates {
  S1: number[];
  ST: number[];
  S2: number[][] | null;
}

/**
 * Point estimates on the base samples listed in `idx` (the identity, or a bootstrap resample).
 * `scale` = (mean, sd) of the standardisation, so the zero-variance test is made in the
 * outputs' own units. Returns null when V vanishes in this sample.
 */
function estimate(
  o: SaltelliOutputs,
  idx: ArrayLike<number>,
  scale: { mean: number; sd: number },
): Estimates | null {
  const n = idx.length;
  const k = o.AB.length;
  // Population variance of f(A) ∪ f(B) (numpy's np.var default, ddof = 0), in two passes.
  let sum = 0;
  let maxAbs = 0;
  for (let t = 0; t < n; t++) {
    const a = o.A[idx[t]];
    const b = o.B[idx[t]];
    sum += a + b;
    maxAbs = Math.max(
      maxAbs,
      Math.abs(scale.mean + scale.sd * a),
      Math.abs(scale.mean + scale.sd * b),
    );
  }
  const sampleMean = sum / (2 * n);
  let ss = 0;
  for (let t = 0; t < n; t++)
    ss += (o.A[idx[t]] - sampleMean) ** 2 + (o.B[idx[t]] - sampleMean) ** 2;
  const V = ss / (2 * n);
  if (isNegligibleSpread(Math.sqrt(V) * scale.sd, maxAbs)) return null;

  const S1 = new Array<number>(k);
  const ST = new Array<number>(k);
  for (let j = 0; j < k; j++) {
    const ab = o.AB[j];
    let first = 0;
    let total = 0;
    for (let t = 0; t < n; t++) {
      const i = idx[t];
      const diff = ab[i] - o.A[i];
      first += o.B[i] * diff;
      total += diff * diff;
    }
    S1[j] = first / n / V;
    ST[j] = total / (2 * n) / V;
  }

  let S2: number[][] | null = null;
  if (o.BA) {
    S2 = Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
    for (let j = 0; j < k; j++) {
      const ba = o.BA[j];
      for (let l = j + 1; l < k; l++) {
        const ab = o.AB[l];
        let v = 0;
        for (let t = 0; t < n; t++) {
          const i = idx[t];
          v += ba[i] * ab[i] - o.A[i] * o.B[i];
        }
        S2[j][l] = v / n / V - S1[j] - S1[l];
      }
    }
  }
  return { S1, ST, S2 };
}

/**
 * Sobol' indices from model outputs listed in the Saltelli design's row order
 * (`outputs[i]` is the output of `design.rows[i]`).
 *
 * If the outputs (or those of A ∪ B) are constant to within rounding, the indices are
 * undefined: NaN, with `undefinedReason` set. With N = 1 base sample the estimates are
 * given but their bootstrap intervals are NaN (a resample of one sample is that sample).
 * Throws when the number of outputs does not match the layout or an output is not finite.
 */
export function analyzeSobol(
  layout: SaltelliLayout,
  outputs: readonly number[],
  options: SobolAnalysisOptions = {},
): SobolResult {
  const k = layout.factors.length;
  const N = layout.N;
  const expected = N * saltelliBlockSize(k, layout.calcSecondOrder);
  if (outputs.length !== expected) {
    throw new Error(
      `expected ${expected} outputs for N=${N}, k=${k}` +
        `${layout.calcSecondOrder ? ' with second order' : ''}, got ${outputs.length}`,
    );
  }
  const bad = outputs.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`output ${bad} is not a finite number (${outputs[bad]})`);
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new Error('resamples must be an integer >= 2');
  const level = options.level ?? 0.95;
  const rng = options.rng ?? defaultBootstrapRng('sobol');

  const undefinedResult = (reason: string): SobolResult => {
    const none = withoutInterval(NaN, level);
    const nan = () => new Array<number>(k).fill(NaN);
    const s2 = () =>
      layout.calcSecondOrder
        ? Array.from({ length: k }, () => new Array<number>(k).fill(NaN))
        : null;
    return {
      factors: [...layout.factors],
      S1: nan(),
      S1Conf: nan(),
      ST: nan(),
      STConf: nan(),
      S2: s2(),
      S2Conf: s2(),
      bootstrap: {
        S1: layout.factors.map(() => none),
        ST: layout.factors.map(() => none),
        S2: layout.calcSecondOrder
          ? Array.from({ length: k }, (_, j) =>
              Array.from({ length: k }, (_, l) => (l > j ? none : null)),
            )
          : null,
      },
      N,
      resamples,
      level,
      undefinedReason: reason,
      droppedReplicates: 0,
    };
  };

  const moments = twoPassMoments(outputs);
  const scale = { mean: moments.mean, sd: Math.sqrt(moments.variance) };
  if (isNegligibleSpread(scale.sd, moments.maxAbs))
    return undefinedResult('the outputs do not vary (variance zero relative to their scale)');
  const y = Float64Array.from(outputs, (v) => (v - scale.mean) / scale.sd);
  const o = separateOutputs(layout, y);
  const identity = Uint32Array.from({ length: N }, (_, i) => i);
  const point = estimate(o, identity, scale);
  if (!point)
    return undefinedResult(
      'the outputs of the A and B samples do not vary (variance zero relative to their scale), and every estimator divides by that variance',
    );

  // Bootstrap: resample base-sample indices with replacement, re-estimate everything.
  const reps = {
    S1: Array.from({ length: k }, () => new Array<number>(resamples)),
    ST: Array.from({ length: k }, () => new Array<number>(resamples)),
    S2: point.S2
      ? Array.from({ length: k }, () =>
          Array.from({ length: k }, () => new Array<number>(resamples)),
        )
      : null,
  };
  const idx = new Uint32Array(N);
  let dropped = 0;
  for (let r = 0; r < resamples; r++) {
    for (let t = 0; t < N; t++) idx[t] = randomIndex(rng, N);
    // A resample in which V vanishes has no indices: mark it NaN, leave it out below, count it.
    const resampled = estimate(o, idx, scale);
    if (!resampled) dropped++;
    for (let j = 0; j < k; j++) {
      reps.S1[j][r] = resampled ? resampled.S1[j] : NaN;
      reps.ST[j][r] = resampled ? resampled.ST[j] : NaN;
      if (reps.S2)
        for (let l = j + 1; l < k; l++) reps.S2[j][l][r] = resampled?.S2 ? resampled.S2[j][l] : NaN;
    }
  }

  const summarize = (estimateValue: number, replicates: number[]): BootstrapSummary => {
    // Replicates whose V vanished are NaN: the interval is taken over the others.
    const finite = replicates.filter(Number.isFinite);
    // With one base sample every resample is that sample: the replicates all equal the
    // estimate, and their "interval" of width zero would claim a certainty the data lack.
    if (!Number.isFinite(estimateValue) || finite.length < 2 || N < 2)
      return withoutInterval(estimateValue, level, finite.length);
    return summarizeBootstrap(estimateValue, finite, level);
  };
  const S1 = point.S1.map((v, j) => summarize(v, reps.S1[j]));
  const ST = point.ST.map((v, j) => summarize(v, reps.ST[j]));
  let S2: (BootstrapSummary | null)[][] | null = null;
  if (point.S2 && reps.S2) {
    const s2 = point.S2;
    const r2 = reps.S2;
    S2 = s2.map((row, j) => row.map((v, l) => (l > j ? summarize(v, r2[j][l]) : null)));
  }

  return {
    factors: [...layout.factors],
    S1: S1.map((s) => s.estimate),
    S1Conf: S1.map((s) => s.conf),
    ST: ST.map((s) => s.estimate),
    STConf: ST.map((s) => s.conf),
    S2: S2 ? S2.map((row) => row.map((s) => (s ? s.estimate : NaN))) : null,
    S2Conf: S2 ? S2.map((row) => row.map((s) => (s ? s.conf : NaN))) : null,
    bootstrap: { S1, ST, S2 },
    N,
    resamples,
    level,
    undefinedReason: null,
    droppedReplicates: dropped,
  };
}

export interface SobolTableRow {
  factor: string;
  S1: number;
  S1_conf: number;
  S1_lower: number;
  S1_upper: number;
  ST: number;
  ST_conf: number;
  ST_lower: number;
  ST_upper: number;
}

/** One row per factor, SALib column names plus percentile bounds (convenient for CSV output). */
export function sobolTable(result: SobolResult): SobolTableRow[] {
  return result.factors.map((factor, j) => ({
    factor,
    S1: result.S1[j],
    S1_conf: result.S1Conf[j],
    S1_lower: result.bootstrap.S1[j].lower,
    S1_upper: result.bootstrap.S1[j].upper,
    ST: result.ST[j],
    ST_conf: result.STConf[j],
    ST_lower: result.bootstrap.ST[j].lower,
    ST_upper: result.bootstrap.ST[j].upper,
  }));
}
