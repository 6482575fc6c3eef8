/**
 * A sweep plan: the design expanded into cells (one parameter assignment each), every run
 * numbered and seeded. Everything here is a pure function of (base scenario, sweep spec), so
 * shards, workers and resumed processes all agree on which run is which without talking.
 *
 * Run numbering: run_id = (cell_id − 1) · replications + replicate, all 1-based, so a cell's
 * replicates are consecutive and outputs in run_id order are grouped by cell.
 *
 * Integer factors sampled from a range (lhs, sobol) take floor(lo + u·(hi − lo + 1)), clamped
 * to hi, of the design's unit coordinate u, so each of the hi − lo + 1 integers has
 * probability 1/(hi − lo + 1) and an LHS keeps its strata per integer level as far as n
 * allows; rounding lo + u·(hi − lo) instead gives the two end values half weight. Morris
 * designs place their p grid levels on the nearest integers (the levels stay equiprobable)
 * and record the change each step actually made, which the elementary effects divide by.
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { gridDesign } from './designs/grid.js';
import { lhsDesign } from './designs/lhs.js';
import { morrisDesign, type MorrisLayout } from './designs/morris.js';
import { ofatDesign } from './designs/ofat.js';
import { saltelliDesign, type SaltelliLayout } from './designs/saltelli.js';
import type { FactorBounds } from './designs/types.js';
import { PARAM_BOUNDS, templateOf, type ParamValue } from '../scenario/parameters.js';
import { checkBounds, flattenScenario, type OriginOf } from '../scenario/resolve.js';
import { getPath } from '../scenario/paths.js';
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
  /**
   * Consecutive cells that share a seed per replicate: a Saltelli block or a Morris trajectory
   * with common random numbers, otherwise 1 (every cell its own seeds).
   */
  seedBlock: number;
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
  origin?: OriginOf,
): SweepPlan {
  const bounds = (): FactorBounds[] =>
    spec.factors.map((f) => ({ name: f.path, lower: f.min!, upper: f.max! }));
  const rng = seedrandom.alea(`gvc-abm/design/${spec.seed}`);
  let rows: ParamValue[][];
  let unit: number[][] | null = null;
  let layout: SweepPlan['layout'] = null;
  let seedBlock = 1;
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
    case 'lhs': {
      const d = lhsDesign(bounds(), spec.samples, () => rng());
      rows = d.rows;
      unit = d.unit;
      break;
    }
    case 'sobol': {
      const d = saltelliDesign(bounds(), spec.samples, { calcSecondOrder: spec.secondOrder });
      rows = d.rows;
      unit = d.unit;
      layout = {
        kind: 'sobol',
        layout: { factors: d.factors, N: d.N, calcSecondOrder: d.calcSecondOrder },
      };
      if (spec.commonRandomNumbers) seedBlock = d.blockSize;
      break;
    }
    case 'morris': {
      const d = morrisDesign(bounds(), spec.samples, () => rng(), { levels: spec.levels });
      rows = d.rows;
      layout = { kind: 'morris', layout: { factors: d.factors, delta: d.delta, steps: d.steps } };
      if (spec.commonRandomNumbers) seedBlock = d.factors.length + 1;
      break;
    }
  }
  const isInteger = spec.factors.map((f) => f.spec.type === 'integer');
  const cells = rows.map((row, i) => ({
    id: i + 1,
    values: row.map((v, j) => {
      if (!isInteger[j] || typeof v !== 'number') return v;
      const f = spec.factors[j];
      if (unit) {
        const lo = Math.ceil(f.min!);
        const hi = Math.floor(f.max!);
        return Math.min(hi, Math.floor(lo + unit[i][j] * (hi - lo + 1)));
      }
      return Math.round(v);
    }),
  }));
  if (layout?.kind === 'morris' && isInteger.some(Boolean)) {
    // Elementary effects divide by the change the run received, in units of the factor's range.
    const morris = layout.layout;
    const k = morris.factors.length;
    morris.changes = morris.steps.map((steps, t) =>
      steps.map((step, s) => {
        const j = step.factor;
        if (!isInteger[j]) return step.direction * morris.delta;
        const f = spec.factors[j];
        const before = cells[t * (k + 1) + s].values[j] as number;
        const after = cells[t * (k + 1) + s + 1].values[j] as number;
        return (after - before) / (f.max! - f.min!);
      }),
    );
  }
  checkCellBounds(base, spec, cells, origin);
  const fingerprint = hashJson({
    base: Object.fromEntries(flattenScenario(base)),
    name: base.name,
    spec: {
      ...spec,
      // Absent unless set, so sweeps without these options keep their fingerprints.
      secondOrder: spec.secondOrder || undefined,
      commonRandomNumbers: spec.commonRandomNumbers || undefined,
      factors: spec.factors.map((f) => ({
        path: f.path,
        values: f.values,
        min: f.min,
        max: f.max,
      })),
    },
    ...extra,
  });
  return {
    spec,
    base,
    cells,
    layout,
    seedBlock,
    totalRuns: cells.length * spec.replications,
    fingerprint,
  };
}

/**
 * Refuses a plan with a cell whose factors put a parameter above the one that bounds it
 * (PARAM_BOUNDS: two factors whose ranges cross, e.g. price_pressure.initial and .max), before
 * any run. The spec checks each value alone without the bounds; the cell is where they meet.
 */
function checkCellBounds(
  base: Scenario,
  spec: SweepSpec,
  cells: readonly Cell[],
  baseOrigin?: OriginOf,
): void {
  const bounded = new Set(PARAM_BOUNDS.flatMap((b) => [b.lower, b.upper]));
  if (!spec.factors.some((f) => bounded.has(templateOf(f.path)))) return;
  // A factor's value came from the sweep section of its file or from its --vary flag; any
  // other value from wherever the scenario got it (the file, a --set, the default).
  const origin: OriginOf = (path) => {
    const f = spec.factors.find((factor) => factor.path === path);
    if (f === undefined) return baseOrigin?.(path);
    if (f.source === undefined) return { source: 'sweep.parameters' };
    return f.source.startsWith('--')
      ? { source: f.source }
      : { source: f.source, part: 'sweep.parameters' };
  };
  for (const cell of cells) {
    const changed = new Map(spec.factors.map((f, j) => [f.path, cell.values[j]]));
    checkBounds(base, 'sweep.parameters', {
      changed,
      origin,
      context: `; in cell ${cell.id} of the ${spec.design} design (${spec.factors
        .map((f, j) => `${f.path}=${String(cell.values[j])}`)
        .join(', ')}): narrow the ranges so no cell crosses`,
    });
  }
}

/**
 * Seed of the runs of a block of cells under common random numbers: every cell of Saltelli
 * block or Morris trajectory `block` gets this seed in replicate `replicate`.
 */
export function blockSeed(masterSeed: number, block: number, replicate: number): number {
  return createHash('sha256')
    .update(`gvc-abm/block/${masterSeed}/${block}/${replicate}`)
    .digest()
    .readUInt32BE(0);
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
    seed:
      plan.seedBlock > 1
        ? blockSeed(plan.spec.seed, Math.floor((cellId - 1) / plan.seedBlock) + 1, replicate)
        : runSeed(plan.spec.seed, cellId, replicate),
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
