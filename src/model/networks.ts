/**
 * Process 4 — learning from the strategic network, and (in process 7) the formation and decay
 * of ties. Each tie passes on the partner's know-how where the partner is stronger than the
 * supplier: dt · ρ · trust · AC · damping · max(0, P_f − c_f). Diverse partners are strong in
 * different functions, so they cover more of them. Peer ties are damped by copying fears when
 * IPR is weak, and their trust is capped by peer trust in the cluster. A partner can also
 * perform a function for the supplier (a sales agent selling its products): coverage_f is the
 * best such partner's know-how times trust, and it stands in for the supplier's own marketing.
 */
import { eachActiveSupplier, type SupplierBody } from '../engine/kernel.js';
import { randomIndex } from '../engine/rng.js';
import type { EnvironmentParams, ModelParams } from '../scenario/types.js';
import { addGains, gapShare } from './learning.js';
import {
  N_FUNCTIONS,
  stepProbability,
  type Partner,
  type Supplier,
  type Tie,
  type World,
} from './state.js';

export function spilloverDamping(
  p: Partner,
  environment: EnvironmentParams,
  m: ModelParams,
): number {
  return p.kind === 'peer_supplier'
    ? 1 - m.learning.peer_imitation_damping * (1 - environment.ipr_protection)
    : 1;
}

export function trustCeiling(p: Partner, environment: EnvironmentParams): number {
  return p.kind === 'peer_supplier' ? environment.peer_trust : 1;
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
export function networkBacking(s: Supplier): number {
  let trust = 0;
  for (const t of s.ties) trust += t.trust;
  return 1 - Math.exp(-trust);
}

export function learnFromNetwork(world: World): void {
  eachActiveSupplier(world, learnFromNetworkBody(world));
}

/**
 * learnFromNetwork for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveSupplier, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function learnFromNetworkBody(world: World): SupplierBody {
  const { model: m, environment } = world.scenario;
  const rate = m.learning.network_rate * world.dt;
  const S = world.supplierTable.cols;
  const gain = [0, 0, 0, 0];
  return (s, i) => {
    const at = 4 * i; // S.cap[at + f], S.coverage[at + f]: function f
    gain.fill(0);
    S.coverage.fill(0, at, at + N_FUNCTIONS);
    for (const t of s.ties) {
      const p = t.partner;
      const w = rate * t.trust * S.absorptive[i] * spilloverDamping(p, environment, m);
      // closeGap(w, gap) for every function, with the one exponential it takes computed once.
      const share = gapShare(w);
      for (let f = 0; f < N_FUNCTIONS; f++) {
        const gap = p.knowHow[f] - S.cap[at + f];
        if (gap > 0) gain[f] += gap * share;
        if (p.covers[f]) S.coverage[at + f] = Math.max(S.coverage[at + f], p.knowHow[f] * t.trust);
      }
    }
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
  eachActiveSupplier(world, (s) => {
    let kept: Tie[] | null = null;
    for (let i = 0; i < s.ties.length; i++) {
      const t = s.ties[i];
      t.trust += (trustCeiling(t.partner, environment) - t.trust) * growth;
      const dissolves = rng() < stepProbability(n.decay_rate * (1 - t.trust), world.dt);
      if (dissolves && !kept) kept = s.ties.slice(0, i);
      else if (!dissolves && kept) kept.push(t);
    }
    if (kept) s.ties = kept;
    const pool = s.partnerPool;
    if (s.ties.length < s.intent.networkTies && pool.length > 0 && rng() < formation) {
      const p = pool[randomIndex(rng, pool.length)];
      if (rng() < accessProbability(p, environment) && !s.ties.some((t) => t.partner === p)) {
        s.ties.push({
          partner: p,
          trust: Math.min(n.initial_trust, trustCeiling(p, environment)),
          startStep: world.step,
        });
      }
    }
  });
}
