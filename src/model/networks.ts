/**
 * Process 4 — learning from the strategic network, and (in process 7) the formation and decay
 * of ties. Each tie passes on the partner's know-how where the partner is stronger than the
 * supplier: dt · ρ · trust · AC · damping · max(0, P_f − c_f). Diverse partners are strong in
 * different functions, so they cover more of them. Peer ties are damped by copying fears when
 * IPR is weak, and their trust is capped by peer trust in the cluster. A partner can also
 * perform a function for the supplier (a sales agent selling its products): the marketing
 * coverage is the best partner's marketing know-how times trust among the partners that cover
 * marketing, and it stands in for the supplier's own marketing. Marketing is the only function
 * whose coverage the model uses, so it is the only one computed and kept.
 */
import { NONE, type TieIx } from '../engine/columns.js';
import { eachActiveRow, ZERO, type RowBody } from '../engine/kernel.js';
import { append, unlink, type ListHeads, type ListLinks } from '../engine/lists.js';
import { once } from '../engine/lookup.js';
import { randomIndex } from '../engine/rng.js';
import type { EnvironmentParams, ModelParams } from '../scenario/types.js';
import { addGains, gapShare } from './learning.js';
import {
  MARKETING,
  N_FUNCTIONS,
  stepProbability,
  type Partner,
  type PartnerTraits,
  type Partners,
  type Supplier,
  type Tie,
  type World,
} from './state.js';

/**
 * The suppliers' tie lists as lists.ts sees them. Built per call from the current column
 * arrays: the supplier table grows when suppliers enter, which replaces its arrays.
 */
function tieHeads(world: World): ListHeads {
  const S = world.supplierTable.cols;
  return { first: S.tieFirst, last: S.tieLast, count: S.tieCount };
}

function tieLinks(world: World): ListLinks {
  const T = world.tieTable.cols;
  return { next: T.nextOfSupplier, prev: T.prevOfSupplier };
}

/**
 * Form a tie of supplier `s` with partner `p` at `trust`, starting this step, at the end of the
 * supplier's list (after its older ties). Returns the tie's row in world.tieTable.
 */
export function formTie(world: World, s: Supplier, p: Partner, trust: number): TieIx {
  return formTieAt(world, s.ix, p, trust);
}

/** formTie for the supplier in row i of the supplier table. */
export function formTieAt(world: World, i: number, p: Partner, trust: number): TieIx {
  const k = world.tieTable.add();
  const T = world.tieTable.cols; // read after add: adding may have replaced the arrays
  T.supplier[k] = i;
  T.partner[k] = p.id;
  T.trust[k] = trust;
  append(tieHeads(world), tieLinks(world), i, k);
  return k;
}

/**
 * Dissolve supplier `s`'s tie at row `k`: out of its list (the others keep their order) and the
 * row given back for reuse. A loop walking the list must read the next row before calling this.
 */
export function dissolveTie(world: World, s: Supplier, k: number): void {
  dissolveTieAt(world, s.ix, k);
}

/** dissolveTie for the supplier in row i of the supplier table. */
export function dissolveTieAt(world: World, i: number, k: number): void {
  unlink(tieHeads(world), tieLinks(world), i, k);
  world.tieTable.release(k as TieIx);
}

/** Dissolve all of supplier `s`'s ties (it exits). */
export function dissolveAllTies(world: World, s: Supplier): void {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  for (let k = S.tieFirst[s.ix]; k !== NONE;) {
    const next = T.nextOfSupplier[k];
    dissolveTie(world, s, k);
    k = next;
  }
}

/** Whether supplier `s` has a tie with partner `p`. */
export function hasTie(world: World, s: Supplier, p: Partner): boolean {
  return hasTieAt(world, s.ix, p);
}

/** hasTie for the supplier in row i of the supplier table. */
export function hasTieAt(world: World, i: number, p: Partner): boolean {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
    if (T.partner[k] === p.id) return true;
  }
  return false;
}

/**
 * Supplier `s`'s ties in the order they were formed, as frozen copies of their rows: for tests
 * and code off the hot paths, which walk the list in world.tieTable instead.
 */
export function tiesOf(world: World, s: Supplier): readonly Readonly<Tie>[] {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const out: Readonly<Tie>[] = [];
  for (let k = S.tieFirst[s.ix]; k !== NONE; k = T.nextOfSupplier[k]) {
    out.push(
      Object.freeze({
        partner: world.partners.at(T.partner[k]),
        trust: T.trust[k],
      }),
    );
  }
  return Object.freeze(out);
}

/**
 * The partners' fixed traits by id (a partner's position in world.partners), for loops over
 * ties, which then read numbers instead of loading partner objects: `peer` 1 for a peer
 * supplier, else 0; `knowHow` of function f at 4 × id + f; `coversMarketing` 1 for a partner
 * that covers marketing, else 0; `sector`.
 * Built once per world (nothing changes a partner after createPartners); read-only.
 */
export interface PartnerArrays {
  peer: Float64Array;
  knowHow: Float64Array;
  coversMarketing: Float64Array;
  sector: Int32Array;
}

/** The PartnerArrays of world.partners. */
export function partnerArrays(world: World): PartnerArrays {
  return once(world.partners, buildPartnerArrays);
}

function buildPartnerArrays(partners: Partners): PartnerArrays {
  const n = partners.length;
  const out: PartnerArrays = {
    peer: new Float64Array(n),
    knowHow: new Float64Array(N_FUNCTIONS * n),
    coversMarketing: new Float64Array(n),
    sector: new Int32Array(n),
  };
  for (let id = 0; id < n; id++) {
    const p = partners.traitsOf(id);
    out.peer[id] = p.kind === 'peer_supplier' ? 1 : 0;
    for (let f = 0; f < N_FUNCTIONS; f++) out.knowHow[N_FUNCTIONS * id + f] = p.knowHow[f];
    out.coversMarketing[id] = p.covers[MARKETING] ? 1 : 0;
    out.sector[id] = p.sector;
  }
  return out;
}

export function spilloverDamping(
  p: Partner,
  environment: EnvironmentParams,
  m: ModelParams,
): number {
  return p.kind === 'peer_supplier' ? peerSpilloverDamping(environment, m) : 1;
}

/** spilloverDamping of a peer supplier: copying fears when IPR is weak. */
export function peerSpilloverDamping(environment: EnvironmentParams, m: ModelParams): number {
  return 1 - m.learning.peer_imitation_damping * (1 - environment.ipr_protection);
}

export function trustCeiling(p: PartnerTraits, environment: EnvironmentParams): number {
  return p.kind === 'peer_supplier' ? environment.peer_trust : 1;
}

/**
 * trustCeiling of every partner, by id (its position in world.partners): for a loop over ties,
 * which then reads a number from a short array instead of loading the partner's object.
 */
export function trustCeilings(world: World): Float64Array {
  // Built once per world: the partners and the environment's parameters do not change during a
  // run. Built every step it was 8 bytes per partner of garbage a step (146 kB at 18,200
  // partners), kept until a full collection (docs/performance.md, session 15).
  return once(world, buildTrustCeilings);
}

function buildTrustCeilings(world: World): Float64Array {
  const environment = world.scenario.environment;
  const partners = world.partners;
  const ceilings = new Float64Array(partners.length);
  for (let id = 0; id < partners.length; id++)
    ceilings[id] = trustCeiling(partners.traitsOf(id), environment);
  return ceilings;
}

/** Whether a supplier can get a tie with this kind of partner: universities and associations need institutions. */
export function accessProbability(p: Partner, environment: EnvironmentParams): number {
  if (p.kind === 'university' || p.kind === 'association') return environment.institutions;
  if (p.kind === 'peer_supplier') return environment.peer_trust;
  return 1;
}

/**
 * Network backing in [0,1): how strongly the supplier's trusted partners stand behind it.
 * Saturating in total trust, so the first few strong ties matter most.
 */
export function networkBacking(s: Supplier, world: World): number {
  return networkBackingAt(world, s.ix);
}

/** networkBacking of the supplier in row i of the supplier table. */
export function networkBackingAt(world: World, i: number): number {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  let trust = 0;
  for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) trust += T.trust[k];
  return trustSaturation(trust);
}

/**
 * 1 − e^(−trust), in [0,1): how network backing (over all ties) and peer cooperation (over
 * peer ties) saturate in the trust summed over the ties, in their list order.
 */
export function trustSaturation(trust: number): number {
  return 1 - Math.exp(-trust);
}

export function learnFromNetwork(world: World): void {
  eachActiveRow(world, learnFromNetworkBody(world));
}

/**
 * learnFromNetwork for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function learnFromNetworkBody(world: World): RowBody {
  const { model: m, environment } = world.scenario;
  const rate = m.learning.network_rate * world.dt;
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const { peer, knowHow, coversMarketing } = partnerArrays(world);
  const peerDamping = peerSpilloverDamping(environment, m); // every other partner's is 1

  const gain = [ZERO, ZERO, ZERO, ZERO]; // doubles, as learnFromBuyersBody's (learning.ts)
  return (i) => {
    const at = 4 * i; // S.cap[at + f]: function f
    // Zeroed by a loop: fill() is a builtin call that costs more than these stores.
    for (let f = 0; f < N_FUNCTIONS; f++) gain[f] = 0;
    let coverage = 0;
    const absorptive = S.absorptive[i];
    for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
      const p = T.partner[k];
      const trust = T.trust[k];
      const w = rate * trust * absorptive * (peer[p] !== 0 ? peerDamping : 1);
      // closeGap(w, gap) for every function, with the one exponential it takes computed once.
      const share = gapShare(w);
      for (let f = 0; f < N_FUNCTIONS; f++) {
        const gap = knowHow[N_FUNCTIONS * p + f] - S.cap[at + f];
        if (gap > 0) gain[f] += gap * share;
      }
      if (coversMarketing[p] !== 0)
        coverage = Math.max(coverage, knowHow[N_FUNCTIONS * p + MARKETING] * trust);
    }
    S.marketingCoverage[i] = coverage;
    addGains(S.cap, at, gain);
  };
}

/** Process 7c — trust grows toward its ceiling; weak ties dissolve; suppliers below their target seek new ties. */
export function updateTies(world: World): void {
  const { model: m, environment } = world.scenario;
  const n = m.networks;
  const rng = world.streams.networks;
  const growth = 1 - Math.exp(-n.trust_growth * world.dt);
  const formation = stepProbability(n.formation_rate, world.dt);
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const groups = world.supplierGroups;
  const ceilings = trustCeilings(world);
  eachActiveRow(world, (i) => {
    for (let k = S.tieFirst[i]; k !== NONE;) {
      const next = T.nextOfSupplier[k]; // before dissolveTieAt unlinks k
      const ceiling = ceilings[T.partner[k]];
      T.trust[k] += (ceiling - T.trust[k]) * growth;
      if (rng() < stepProbability(n.decay_rate * (1 - T.trust[k]), world.dt)) {
        dissolveTieAt(world, i, k);
      }
      k = next;
    }
    const group = groups[S.groupCode[i]];
    const pool = group.partnerPool;
    if (S.tieCount[i] < group.intent.networkTies && pool.length > 0 && rng() < formation) {
      const p = world.partners.at(pool[randomIndex(rng, pool.length)]);
      if (rng() < accessProbability(p, environment) && !hasTieAt(world, i, p)) {
        formTieAt(world, i, p, Math.min(n.initial_trust, trustCeiling(p, environment)));
      }
    }
  });
}
