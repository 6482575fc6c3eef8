/**
 * A sweep plan: the design expanded into cells (one parameter assignment each), every run
 * numbered and seeded. Everything here is a pure function of (base scenario, sweep spec), so
 * shards, workers and resumed processes all agree on which run is which without talking.
 *
 * Run numbering: run_id = (cell_id − 1) · replications + replicate, all 1-based, so a cell's
 * replicates are consecutive and outputs in run_id order are grouped by cell.
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { gridDesign } from './designs/grid.js';
import { lhsDesign } from './designs/lhs.js';
import { morrisDesign, type MorrisLayout } from './designs/morris.js';
import { ofatDesign } from './designs/ofat.js';
import { saltelliDesign, type SaltelliLayout } from './designs/saltelli.js';
import type { FactorBounds } from './designs/types.js';
import type { ParamValue } from '../scenario/parameters.js';
import { flattenScenario, getPath } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/types.js';
import type { SweepSpec } from './sweep-spec.js';

export interface Cell {
  id: number;
  /** One value per factor, in factor order. */
  values: ParamValue[];
}

export interface SweepPlan {
  spec: SweepSpec;
  base: Scenario;
  cells: Cell[];
  /** What the sensitivity estimators need to read the outputs back (sobol and morris designs). */
  layout:
    { kind: 'sobol'; layout: SaltelliLayout } | { kind: 'morris'; layout: MorrisLayout } | null;
  totalRuns: number;
  /** Hash of everything that determines the outputs; resume and merge refuse a mismatch. */
  fingerprint: string;
}

export interface RunTask {
  runId: number;
  cellId: number;
  replicate: number;
  seed: number;
  values: ParamValue[];
}

export function buildPlan(
  base: Scenario,
  spec: SweepSpec,
  extra: Record<string, unknown> = {},
): SweepPlan {
  const bounds = (): FactorBounds[] =>
    spec.factors.map((f) => ({ name: f.path, lower: f.min!, upper: f.max! }));
  const rng = seedrandom.alea(`gvc-abm/design/${spec.seed}`);
  let rows: ParamValue[][];
  let layout: SweepPlan['layout'] = null;
  switch (spec.design) {
    case 'grid':
      // No factors (replications of one scenario, as in gvc validate's case checks): one cell.
      if (spec.factors.length === 0) {
        rows = [[]];
        break;
      }
      rows = gridDesign(
        spec.factors.map((f) => ({
          name: f.path,
          values: f.values! as (number | string | boolean)[],
        })),
      ).rows as ParamValue[][];
      break;
    case 'ofat':
      rows = ofatDesign(
        spec.factors.map((f) => ({
          name: f.path,
          baseline: getPath(base, f.path) as number | string | boolean,
          values: f.values! as (number | string | boolean)[],
        })),
      ).rows as ParamValue[][];
      break;
    case 'lhs':
      rows = lhsDesign(bounds(), spec.samples, () => rng()).rows;
      break;
    case 'sobol': {
      const d = saltelliDesign(bounds(), spec.samples);
      rows = d.rows;
      layout = {
        kind: 'sobol',
        layout: { factors: d.factors, N: d.N, calcSecondOrder: d.calcSecondOrder },
      };
      break;
    }
    case 'morris': {
      const d = morrisDesign(bounds(), spec.samples, () => rng(), { levels: spec.levels });
      rows = d.rows;
      layout = { kind: 'morris', layout: { factors: d.factors, delta: d.delta, steps: d.steps } };
      break;
    }
  }
  // Integer parameters sampled from a range are rounded; the design's layout keeps the unrounded points.
  const cells = rows.map((row, i) => ({
    id: i + 1,
    values: row.map((v, j) =>
      spec.factors[j].spec.type === 'integer' && typeof v === 'number' ? Math.round(v) : v,
    ),
  }));
  const fingerprint = hashJson({
    base: Object.fromEntries(flattenScenario(base)),
    name: base.name,
    spec: {
      ...spec,
      factors: spec.factors.map((f) => ({
        path: f.path,
        values: f.values,
        min: f.min,
        max: f.max,
      })),
    },
    ...extra,
  });
  return { spec, base, cells, layout, totalRuns: cells.length * spec.replications, fingerprint };
}

/** Deterministic per-run seed from (master seed, cell, replicate): the first 32 bits of a SHA-256. */
export function runSeed(masterSeed: number, cellId: number, replicate: number): number {
  return createHash('sha256')
    .update(`gvc-abm/run/${masterSeed}/${cellId}/${replicate}`)
    .digest()
    .readUInt32BE(0);
}

export function taskFor(plan: SweepPlan, runId: number): RunTask {
  const reps = plan.spec.replications;
  const cellId = Math.floor((runId - 1) / reps) + 1;
  const replicate = ((runId - 1) % reps) + 1;
  return {
    runId,
    cellId,
    replicate,
    seed: runSeed(plan.spec.seed, cellId, replicate),
    values: plan.cells[cellId - 1].values,
  };
}

/** Shard i of n (1-based) runs every n-th run starting at i, which balances cells across shards. */
export function inShard(runId: number, shard: { index: number; count: number } | null): boolean {
  return !shard || (runId - 1) % shard.count === shard.index - 1;
}

/** How many of `totalRuns` runs fall in the shard (all of them without one). */
export function shardRunCount(
  totalRuns: number,
  shard: { index: number; count: number } | null,
): number {
  return shard ? Math.max(0, Math.floor((totalRuns - shard.index) / shard.count) + 1) : totalRuns;
}

/**
 * The run_id of the shard's k-th run (0-based): computed, not looked up, so a sweep never
 * holds a list of its runs (that list was the one thing in memory that grew with the sweep).
 */
export function shardRunId(k: number, shard: { index: number; count: number } | null): number {
  return shard ? shard.index + k * shard.count : k + 1;
}

function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
