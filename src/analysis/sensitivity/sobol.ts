/**
 * Sobol' variance-based sensitivity indices from a Saltelli design, following SALib's
 * `SALib.analyze.sobol.analyze` (estimators, output standardisation and bootstrap):
 *
 *   first order  S_j  = mean( f(B) (f(AB_j) - f(A)) ) / V            Saltelli et al. (2010), Table 2 (b)
 *   total order  ST_j = mean( (f(A) - f(AB_j))^2 ) / (2V)             Jansen (1999); Saltelli et al. (2010), Table 2 (f)
 *   second order S_jl = mean( f(BA_j) f(AB_l) - f(A) f(B) ) / V - S_j - S_l    Saltelli (2002)
 *
 * with V the (population) variance of the 2N outputs f(A) ∪ f(B). Outputs are first
 * standardised by their overall mean and standard deviation, as SALib does: the indices are
 * ratios, but centring reduces the variance of the products in the estimators.
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

/** Point estimates on the base samples listed in `idx` (the identity, or a bootstrap resample). */
function estimate(o: SaltelliOutputs, idx: ArrayLike<number>): Estimates {
  const n = idx.length;
  const k = o.AB.length;
  // Population variance of f(A) ∪ f(B) (numpy's np.var default, ddof = 0).
  let sum = 0;
  let sumSq = 0;
  for (let t = 0; t < n; t++) {
    const a = o.A[idx[t]];
    const b = o.B[idx[t]];
    sum += a + b;
    sumSq += a * a + b * b;
  }
  const m = sum / (2 * n);
  const V = sumSq / (2 * n) - m * m;

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
 * If the outputs are constant the indices are undefined and returned as NaN.
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

  const y = standardize(outputs);
  const o = separateOutputs(layout, y);
  const identity = Uint32Array.from({ length: N }, (_, i) => i);
  const point = estimate(o, identity);

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
  for (let r = 0; r < resamples; r++) {
    for (let t = 0; t < N; t++) idx[t] = randomIndex(rng, N);
    const e = estimate(o, idx);
    for (let j = 0; j < k; j++) {
      reps.S1[j][r] = e.S1[j];
      reps.ST[j][r] = e.ST[j];
      if (reps.S2 && e.S2) for (let l = j + 1; l < k; l++) reps.S2[j][l][r] = e.S2[j][l];
    }
  }

  const summarize = (estimateValue: number, replicates: number[]): BootstrapSummary => {
    // A resample can have zero output variance (tiny N): drop such replicates.
    const finite = replicates.filter(Number.isFinite);
    if (!Number.isFinite(estimateValue) || finite.length < 2) {
      return {
        estimate: estimateValue,
        se: NaN,
        conf: NaN,
        lower: NaN,
        upper: NaN,
        level,
        resamples: finite.length,
      };
    }
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
  };
}

/** (y - mean) / sd over all outputs (population sd, as numpy's y.std()); a constant y gives NaN. */
function standardize(outputs: readonly number[]): Float64Array {
  const n = outputs.length;
  let m = 0;
  for (const v of outputs) m += v;
  m /= n;
  let ss = 0;
  for (const v of outputs) ss += (v - m) ** 2;
  const s = Math.sqrt(ss / n);
  return Float64Array.from(outputs, (v) => (v - m) / s);
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
