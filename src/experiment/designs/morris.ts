/**
 * Morris (1991) elementary-effects screening design: r random trajectories on a p-level grid
 * of the unit hypercube. A trajectory has k+1 points; consecutive points differ in exactly one
 * factor, by ±Δ with Δ = p / (2(p-1)), and every factor moves exactly once per trajectory.
 *
 * Construction (Morris 1991, eq. for B*; Campolongo et al. 2007, §2): a random base point x*
 * with coordinates on {0, 1/(p-1), …, 1-Δ}, a random direction d_j = ±1 per factor, and a random
 * order in which the factors move. Factor j starts at x*_j if d_j = +1 and at x*_j + Δ if
 * d_j = -1, so the trajectory never leaves [0, 1]. This is the matrix B* = (J x* + Δ/2 ((2B - J)
 * D* + J)) P* of Morris written out, and is what SALib's `morris.sample` produces (ungrouped).
 *
 * With `candidates` > r, that many trajectories are generated and r of them kept to spread the
 * sample over the input space, in the spirit of Campolongo et al. (2007). Their exact selection
 * (maximise the distance over all r-subsets) is combinatorial; we use the greedy forward
 * selection of Ruano et al. (2012), which gets close to it at a tiny fraction of the cost.
 *
 * Draw order per trajectory (fixed, so a seed reproduces the design): k draws for x*, k for the
 * directions, k-1 for the factor order (Fisher–Yates).
 */
import { shuffledRange } from './lhs.js';
import {
  assertBounds,
  assertPositiveInteger,
  scaleToBounds,
  type DesignBase,
  type FactorBounds,
  type Rng,
} from './types.js';

export interface MorrisOptions {
  /** Number of grid levels p; must be even and >= 2 (default 4, Saltelli et al. 2008). */
  levels?: number;
  /** Generate this many candidate trajectories and keep the r most spread out (default r: no selection). */
  candidates?: number;
}

export interface MorrisStep {
  /** Index of the factor that moves. */
  factor: number;
  /** +1 if it moves up by Δ, -1 if down. */
  direction: 1 | -1;
}

/** What the Morris analysis needs to read outputs back in the design's row order. */
export interface MorrisLayout {
  factors: string[];
  /** Step size Δ in unit-hypercube coordinates. */
  delta: number;
  /**
   * steps[t][s] describes the move from row t*(k+1)+s to row t*(k+1)+s+1; trajectory t occupies
   * rows t*(k+1) … t*(k+1)+k.
   */
  steps: MorrisStep[][];
  /**
   * changes[t][s]: the signed change the moved factor actually received in step s of
   * trajectory t, in units of its range, when it differs from direction · delta (integer
   * factors, whose values are rounded). Absent when every step is the nominal ±Δ.
   */
  changes?: number[][];
}

export interface MorrisDesign extends DesignBase<number>, MorrisLayout {
  method: 'morris';
  bounds: FactorBounds[];
  /** Number of trajectories. */
  r: number;
  levels: number;
  /** The same rows in [0,1]^k before scaling (multiples of 1/(p-1)). */
  unit: number[][];
}

interface Trajectory {
  points: number[][];
  steps: MorrisStep[];
}

function randomTrajectory(k: number, levels: number, rng: Rng): Trajectory {
  // Work in integer grid levels 0..p-1 and divide at the end, so points lie exactly on the grid.
  // Δ = p/(2(p-1)) is p/2 grid steps; base levels 0..p/2-1 (values 0..1-Δ) keep x* + Δ <= 1.
  const jump = levels / 2;
  const xStar = Array.from({ length: k }, () => Math.min(Math.floor(rng() * jump), jump - 1));
  const directions = Array.from({ length: k }, (): 1 | -1 => (rng() < 0.5 ? 1 : -1));
  const order = shuffledRange(k, rng);

  let current = xStar.map((x, j) => (directions[j] === 1 ? x : x + jump));
  const levelPoints = [current];
  const steps: MorrisStep[] = [];
  for (const j of order) {
    current = [...current];
    current[j] += directions[j] * jump;
    levelPoints.push(current);
    steps.push({ factor: j, direction: directions[j] });
  }
  return { points: levelPoints.map((p) => p.map((l) => l / (levels - 1))), steps };
}

/** Campolongo et al. (2007) distance between two trajectories: sum of all point-to-point distances. */
function trajectoryDistance(a: Trajectory, b: Trajectory): number {
  let total = 0;
  for (const p of a.points) {
    for (const q of b.points) {
      let sq = 0;
      for (let j = 0; j < p.length; j++) sq += (p[j] - q[j]) ** 2;
      total += Math.sqrt(sq);
    }
  }
  return total;
}

/**
 * Greedy forward selection (Ruano et al. 2012): start from the farthest pair, then repeatedly
 * add the candidate maximising the Campolongo spread sqrt(sum of squared pairwise distances)
 * of the selected set. Returns indices in ascending order so the design keeps generation order.
 */
function selectSpreadTrajectories(candidates: Trajectory[], r: number): number[] {
  const candidateCount = candidates.length;
  const dist = Array.from({ length: candidateCount }, () => new Float64Array(candidateCount));
  for (let i = 0; i < candidateCount; i++) {
    for (let j = i + 1; j < candidateCount; j++)
      dist[i][j] = dist[j][i] = trajectoryDistance(candidates[i], candidates[j]);
  }
  let bestPair: [number, number] = [0, 1];
  for (let i = 0; i < candidateCount; i++) {
    for (let j = i + 1; j < candidateCount; j++)
      if (dist[i][j] > dist[bestPair[0]][bestPair[1]]) bestPair = [i, j];
  }
  const chosen = r === 1 ? [bestPair[0]] : [...bestPair];
  // gain[c] = sum of squared distances from candidate c to the chosen set.
  const gain = new Float64Array(candidateCount);
  for (const c of chosen) for (let i = 0; i < candidateCount; i++) gain[i] += dist[i][c] ** 2;
  const isChosen = new Array<boolean>(candidateCount).fill(false);
  for (const c of chosen) isChosen[c] = true;
  while (chosen.length < r) {
    let best = -1;
    for (let i = 0; i < candidateCount; i++)
      if (!isChosen[i] && (best < 0 || gain[i] > gain[best])) best = i;
    chosen.push(best);
    isChosen[best] = true;
    for (let i = 0; i < candidateCount; i++) gain[i] += dist[i][best] ** 2;
  }
  return chosen.sort((x, y) => x - y);
}

export function morrisDesign(
  bounds: readonly FactorBounds[],
  r: number,
  rng: Rng,
  options: MorrisOptions = {},
): MorrisDesign {
  assertBounds(bounds);
  assertPositiveInteger(r, 'r (number of trajectories)');
  const levels = options.levels ?? 4;
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0) {
    // Odd p puts x* + Δ off the grid (Morris 1991 takes p even).
    throw new Error(`levels must be an even integer >= 2, got ${levels}`);
  }
  const candidates = options.candidates ?? r;
  if (!Number.isInteger(candidates) || candidates < r)
    throw new Error('candidates must be an integer >= r');
  const k = bounds.length;
  const delta = levels / (2 * (levels - 1));

  const pool = Array.from({ length: candidates }, () => randomTrajectory(k, levels, rng));
  const kept = candidates > r ? selectSpreadTrajectories(pool, r).map((i) => pool[i]) : pool;

  const unit = kept.flatMap((t) => t.points);
  return {
    method: 'morris',
    factors: bounds.map((b) => b.name),
    rows: scaleToBounds(unit, bounds),
    bounds: bounds.map((b) => ({ ...b })),
    r,
    levels,
    delta,
    steps: kept.map((t) => t.steps),
    unit,
  };
}
