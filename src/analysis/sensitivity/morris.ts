/**
 * Morris elementary-effects screening measures, following SALib's `SALib.analyze.morris`.
 *
 * For each step of each trajectory the elementary effect of the factor that moved is
 *   EE = (y_after - y_before) / (±Δ)
 * with Δ in unit-hypercube coordinates (Morris 1991), so effects are per full factor range and
 * comparable across factors with different units. For an integer factor the run received a
 * rounded value, so the denominator is the change it actually received, in units of its range
 * (`layout.changes`); dividing by the nominal Δ overstated mu* by Δ / change (×1.5 for a factor
 * in [0, 1] with p = 4). Per factor, over the r trajectories:
 *   mu    = mean EE (Morris 1991): sign tells the direction of a monotonic effect,
 *   mu*   = mean |EE| (Campolongo et al. 2007): overall importance, immune to sign cancellation,
 *   sigma = sample sd of EE (n-1): non-linearity and/or interactions (Morris 1991).
 * The CI of mu* is a bootstrap over that factor's r effects (SALib: independent resamples per
 * factor, half-width z · sd(replicates)); the percentile interval is given too. With fewer
 * than two effects there is no interval (NaN bounds), where SALib gives one of width zero.
 */
import type { MorrisLayout } from '../../experiment/designs/morris.js';
import {
  defaultBootstrapRng,
  mean,
  randomIndex,
  sd,
  summarizeBootstrap,
  withoutInterval,
  type BootstrapSummary,
  type Rng,
} from './stats.js';

export interface MorrisAnalysisOptions {
  /** Bootstrap resamples for the CI of mu* (default 1000, as SALib). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  level?: number;
  /** Resampling RNG; defaults to a fixed seed so results are reproducible. */
  rng?: Rng;
}

export interface MorrisResult {
  factors: string[];
  mu: number[];
  muStar: number[];
  /** NaN with a single trajectory. */
  sigma: number[];
  /** Normal-approximation CI half-width of mu* (SALib's mu_star_conf). */
  muStarConf: number[];
  /** Full bootstrap summaries of mu*, including percentile intervals. */
  muStarBootstrap: BootstrapSummary[];
  /** effects[j] = the elementary effects of factor j (r, less any step that did not move it), in trajectory order. */
  effects: number[][];
  trajectories: number;
  resamples: number;
  level: number;
}

/** Elementary effects per factor from outputs in the Morris design's row order. */
export function elementaryEffects(layout: MorrisLayout, outputs: readonly number[]): number[][] {
  const k = layout.factors.length;
  const r = layout.steps.length;
  if (outputs.length !== r * (k + 1)) {
    throw new Error(
      `expected ${r * (k + 1)} outputs for ${r} trajectories of ${k} factors, got ${outputs.length}`,
    );
  }
  const bad = outputs.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`output ${bad} is not a finite number (${outputs[bad]})`);
  const effects: number[][] = Array.from({ length: k }, () => []);
  layout.steps.forEach((steps, t) => {
    if (steps.length !== k)
      throw new Error(`trajectory ${t} has ${steps.length} steps, expected ${k}`);
    const first = t * (k + 1);
    steps.forEach((step, s) => {
      const change = outputs[first + s + 1] - outputs[first + s];
      // The realised input change (integer factors move by less or more than Δ); a step whose
      // rounded value did not move has no effect to measure and is left out.
      const dx = layout.changes ? layout.changes[t][s] : step.direction * layout.delta;
      if (dx !== 0) effects[step.factor].push(change / dx);
    });
  });
  const moves = new Array<number>(k).fill(0);
  for (const steps of layout.steps) for (const step of steps) moves[step.factor]++;
  moves.forEach((n, j) => {
    if (n !== r)
      throw new Error(`factor ${layout.factors[j]} moved ${n} times in ${r} trajectories`);
  });
  return effects;
}

export function analyzeMorris(
  layout: MorrisLayout,
  outputs: readonly number[],
  options: MorrisAnalysisOptions = {},
): MorrisResult {
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new Error('resamples must be an integer >= 2');
  const level = options.level ?? 0.95;
  const rng = options.rng ?? defaultBootstrapRng('morris');
  const effects = elementaryEffects(layout, outputs);
  const r = layout.steps.length;

  // Per factor over its effects (r of them, fewer if an integer factor's step did not move it).
  const muStarBootstrap = effects.map((ee): BootstrapSummary => {
    const n = ee.length;
    const abs = ee.map(Math.abs);
    // One effect: every resample is that effect, so the replicates would give an interval of
    // width zero around it, a certainty one trajectory cannot give. No interval, as for sigma.
    if (n < 2) return withoutInterval(n === 0 ? NaN : abs[0], level);
    const replicates = new Array<number>(resamples);
    for (let b = 0; b < resamples; b++) {
      let total = 0;
      for (let t = 0; t < n; t++) total += abs[randomIndex(rng, n)];
      replicates[b] = total / n;
    }
    return summarizeBootstrap(mean(abs), replicates, level);
  });

  return {
    factors: [...layout.factors],
    mu: effects.map((ee) => (ee.length > 0 ? mean(ee) : NaN)),
    muStar: muStarBootstrap.map((s) => s.estimate),
    sigma: effects.map((ee) => (ee.length > 0 ? sd(ee) : NaN)),
    muStarConf: muStarBootstrap.map((s) => s.conf),
    muStarBootstrap,
    effects,
    trajectories: r,
    resamples,
    level,
  };
}
