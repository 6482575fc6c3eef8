/**
 * Process 3 — learning from buyers, and the decay of unused capabilities.
 * Gain per step in function f from relationship r:
 *   dt · τ(type, f) · g(r, f) · AC · share_r · max(0, K_bf − c_f)
 * τ is the governance-specific transfer intensity; g applies guarding (a quasi-hierarchical
 * buyer lets only a leak of its guarded functions through), developmental training in the
 * functions it does not guard, and monitoring (which speeds process and product transfer in
 * captive ties); AC is absorptive capacity (Cohen & Levinthal 1990) and share_r the
 * relationship's share of the supplier's sales (how intense the relationship is); the gap
 * to the buyer's know-how K bounds what can be learnt.
 */
import { eachActiveRow, ZERO, type RowBody } from '../engine/kernel.js';
import { rowsById } from '../engine/lookup.js';
import { FUNCTIONS, RELATIONSHIP_TYPES, type RelationshipType } from '../scenario/parameters.js';
import type { ModelParams } from '../scenario/types.js';
import { NONE, type SupplierIx } from '../engine/columns.js';
import {
  N_FUNCTIONS,
  PRODUCT,
  type Buyer,
  type Relationship,
  type Supplier,
  type SupplierColumns,
  type World,
} from './state.js';

export function absorptiveCapacity(rdStock: number, l: ModelParams['learning']): number {
  return (
    l.absorptive_floor + (1 - l.absorptive_floor) * (rdStock / (rdStock + l.absorptive_half_stock))
  );
}

/** Annual transfer intensity of function f in relationship r, after guarding, training and monitoring. */
export function transferIntensity(r: Relationship, f: number, m: ModelParams): number {
  return typeTransferIntensity(r.buyer, r.type, f, m);
}

/** transferIntensity for a tie of type `type` with buyer `b` (all it depends on). */
function typeTransferIntensity(
  b: Buyer,
  type: RelationshipType,
  f: number,
  m: ModelParams,
): number {
  const l = m.learning;
  let rate = l.transfer[type][FUNCTIONS[f]];
  if (type === 'quasi_hierarchy' && b.guards[f]) rate *= l.guard_leak;
  else if (b.config.developmental) rate *= 1 + l.developmental_boost;
  if (type === 'quasi_hierarchy' && f <= PRODUCT)
    rate *= 1 + l.monitoring_boost * b.config.monitoring;
  return rate;
}

/**
 * transferIntensity by buyer, relationship type and function, at [(buyer index x types + type)
 * x functions + function], filled on first use within a step (NaN: not yet computed). The
 * intensity depends on nothing else, so learnFromBuyers evaluates it (two string-keyed
 * parameter lookups) once per buyer and type in use rather than per relationship and function.
 */
function transferRates(world: World): Float64Array {
  const n = world.buyers.length * RELATIONSHIP_TYPES.length * N_FUNCTIONS;
  // One array per world, refilled each step: a new one each step was 128 bytes per buyer of
  // garbage a step (128 kB at 1,000 buyers), kept until a full collection
  // (docs/performance.md, session 15). A step's learning has one body (kernel.ts), so no two
  // users of the array overlap.
  let rates = transferRateScratch.get(world);
  if (rates === undefined || rates.length < n) {
    rates = new Float64Array(n);
    transferRateScratch.set(world, rates);
  }
  return rates.fill(NaN, 0, n);
}

/** transferRates' array by world, reused from step to step. */
const transferRateScratch = new WeakMap<World, Float64Array>();

/** The row of `rates` for relationship row `k` (filled if not yet). */
function rateRow(rates: Float64Array, world: World, k: number, m: ModelParams): number {
  const R = world.relationshipTable.cols;
  // Buyer ids are their positions in world.buyers (init.ts); a type's code is its position in RELATIONSHIP_TYPES.
  const row = (R.buyer[k] * RELATIONSHIP_TYPES.length + R.type[k]) * N_FUNCTIONS;
  if (Number.isNaN(rates[row])) {
    const b = world.buyers[R.buyer[k]];
    const type = RELATIONSHIP_TYPES[R.type[k]];
    for (let f = 0; f < N_FUNCTIONS; f++) rates[row + f] = typeTransferIntensity(b, type, f, m);
  }
  return row;
}

export function learnFromBuyers(world: World): void {
  eachActiveRow(world, learnFromBuyersBody(world));
}

/**
 * learnFromBuyers for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function learnFromBuyersBody(world: World): RowBody {
  const m = world.scenario.model;
  const dt = world.dt;
  const rates = transferRates(world);
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  // Each buyer's know-how by id, function f of buyer j at 4 j + f (numbers, not buyer objects).
  const knowHow = rowsById(world.buyers, N_FUNCTIONS, (b, f) => b.knowHow[f]);
  // Doubles from the start (ZERO, kernel.ts): an array literal of integers took double
  // elements at the first fraction stored, each step anew, and the body's compiled code,
  // made for the other kind, bailed out ("wrong map") and was compiled again
  // (docs/performance.md, 2026-12-01, session 16). Every element is written before it is read.
  const gain = [ZERO, ZERO, ZERO, ZERO];
  return (i) => {
    const cap = 4 * i; // S.cap[cap + f]: capability in function f
    for (let f = 0; f < N_FUNCTIONS; f++) gain[f] = 0; // a loop: fill() is a builtin call
    const absorbed = dt * S.absorptive[i];
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
      const weight = absorbed * R.salesShare[k];
      if (weight <= 0) continue;
      const row = rateRow(rates, world, k, m);
      const teacher = N_FUNCTIONS * R.buyer[k]; // knowHow[teacher + f]: the buyer's in function f
      for (let f = 0; f < N_FUNCTIONS; f++) {
        const gap = knowHow[teacher + f] - S.cap[cap + f];
        if (gap > 0) gain[f] += closeGap(weight * rates[row + f], gap);
      }
    }
    addGains(S.cap, cap, gain);
  };
}

/**
 * Share of a gap closed in one step at rate x: 1 − e^(−x), which equals x for the small rates
 * of the defaults and never overshoots the teacher's know-how for large ones.
 */
export function closeGap(x: number, gap: number): number {
  return gap * gapShare(x);
}

/** closeGap(x, gap) = gap x gapShare(x): for a caller that applies one rate to several gaps. */
export function gapShare(x: number): number {
  return -Math.expm1(-x);
}

/** Add gains, never beyond 1 (each gain is already bounded by a gap, but several sources add up). */
export function applyGains(s: Supplier, gain: number[]): void {
  addGains(s.columns.cap, 4 * s.ix, gain);
}

/** applyGains on the four capabilities at cap[at..at+3] (a supplier's block of the cap column). */
export function addGains(cap: Float64Array, at: number, gain: number[]): void {
  for (let f = 0; f < N_FUNCTIONS; f++) {
    const c = cap[at + f] + gain[f];
    cap[at + f] = c > 1 ? 1 : c;
  }
}

/**
 * How much of its capacity exercises each function this step: production exercises process
 * and product, sales carrying its own design exercise design, selling through its own
 * channels exercises marketing.
 */
export function exercised(
  S: SupplierColumns,
  i: SupplierIx,
  out: number[] = [0, 0, 0, 0],
): number[] {
  const own = S.domesticVolume[i] + S.sectorVolume[i];
  const produced = S.exportVolume[i] + own;
  const inv = S.size[i] > 0 ? 1 / S.size[i] : 0;
  out[0] = usedShare(produced, inv);
  out[1] = usedShare(produced, inv);
  out[2] = usedShare(S.ownDesignVolume[i], inv);
  out[3] = usedShare(own, inv);
  return out;
}

function usedShare(x: number, inv: number): number {
  return Math.min(1, x * inv);
}

/** Unused capabilities decay: c ← c · exp(−dt · δ · (1 − exercised)), never below 0. */
export function depreciateUnused(world: World): void {
  eachActiveRow(world, depreciateUnusedBody(world));
}

/**
 * depreciateUnused for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function depreciateUnusedBody(world: World): RowBody {
  const rate = world.scenario.model.learning.depreciation * world.dt;
  const S = world.supplierTable.cols;
  const used = [ZERO, ZERO, ZERO, ZERO]; // doubles, as learnFromBuyersBody's gain
  return (i) => {
    exercised(S, i, used);
    for (let f = 0; f < N_FUNCTIONS; f++) S.cap[4 * i + f] *= Math.exp(-rate * (1 - used[f]));
  };
}
