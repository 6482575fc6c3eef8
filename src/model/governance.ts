/**
 * Relationship types. A buyer with a fixed style gives every tie that type, except that a
 * quasi-hierarchical tie relaxes once the supplier is capable (Humphrey & Schmitz 2002,
 * proposition 4): into a network tie if the supplier also brings complementary design
 * competence, into a market tie if it has other customers to turn to; branding buyers let go
 * faster than sourcing buyers. An `emergent` buyer derives each tie's type from the three
 * Gereffi–Humphrey–Sturgeon (2005) determinants, with hysteresis on supplier capability so a
 * tie does not flip back and forth around the threshold; every move that hands the supplier
 * control (out of a captive or hierarchical tie, or into a relational one) happens at the
 * buyer type's relaxation rate, so branding buyers relax faster than sourcing buyers under
 * emergent governance too.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow } from '../engine/kernel.js';
import { RELATIONSHIP_TYPES, type RelationshipType } from '../scenario/parameters.js';
import type { ModelParams } from '../scenario/types.js';
import {
  DESIGN,
  productionCapabilityAt,
  stepProbability,
  typeCode,
  type Buyer,
  type RelationshipColumns,
  type Supplier,
  type SupplierColumns,
  type World,
} from './state.js';

/**
 * GHS mapping onto the four Humphrey–Schmitz types: low complexity → market; high complexity
 * with high codifiability and capable suppliers → modular, which we count as market; high
 * complexity, low codifiability, capable suppliers → relational (network); capable suppliers
 * missing → captive (quasi-hierarchy) when codifiable, hierarchy when not.
 */
export function ghsType(
  complexity: number,
  codifiability: number,
  capable: boolean,
  complementary: boolean,
): RelationshipType {
  if (complexity <= 0.5) return 'market';
  const codifiable = codifiability > 0.5;
  if (capable && codifiable) return 'market';
  if (capable && complementary) return 'network';
  if (capable) return 'quasi_hierarchy';
  return codifiable ? 'quasi_hierarchy' : 'hierarchy';
}

/** Capability judged with hysteresis: a capable supplier stays capable until it falls below threshold - band. */
export function judgeCapable(production: number, wasCapable: boolean, m: ModelParams): boolean {
  const t = m.governance.capable_threshold;
  const h = m.governance.hysteresis;
  return wasCapable ? production >= t - h : production >= t + h;
}

/**
 * The type a new tie starts with. `predatesRun`: a tie of the initial world has a history, so
 * an emergent buyer may already trust it; a tie formed during the run cannot start relational.
 */
export function initialType(
  buyer: Buyer,
  supplier: Supplier,
  m: ModelParams,
  predatesRun: boolean,
): { type: RelationshipType; capable: boolean } {
  return {
    type: initialTypeAt(buyer, supplier.columns.cap, supplier.ix, m, predatesRun),
    capable: startsCapableAt(supplier.columns.cap, supplier.ix, m),
  };
}

/**
 * initialType's type for the supplier whose capabilities are `cap[4 x i .. 4 x i + 3]`: supplier
 * row i of the cap column (`S.cap`).
 */
export function initialTypeAt(
  buyer: Buyer,
  cap: Float64Array,
  i: number,
  m: ModelParams,
  predatesRun: boolean,
): RelationshipType {
  const style = buyer.config.governance;
  if (style !== 'emergent') return style;
  const complementary = predatesRun && cap[4 * i + DESIGN] >= m.governance.network_competence;
  const capable = startsCapableAt(cap, i, m);
  return ghsType(buyer.config.complexity, buyer.config.codifiability, capable, complementary);
}

/**
 * initialType's `capable`: whether a new tie's supplier (capabilities at `cap[4 x i ..]`, as in
 * initialTypeAt) counts as capable, judged with no history (the hysteresis band counts against it).
 */
export function startsCapableAt(cap: Float64Array, i: number, m: ModelParams): boolean {
  return judgeCapable(productionCapabilityAt(cap, i), false, m);
}

/**
 * Whether moving a tie from `from` to `to` hands control to the supplier: leaving a captive
 * (quasi-hierarchy) or hierarchical tie, or becoming relational (network).
 */
export function loosens(from: RelationshipType, to: RelationshipType): boolean {
  if (to === 'network') return true;
  return (from === 'quasi_hierarchy' || from === 'hierarchy') && to === 'market';
}

/** Process 6b: relationship types move as supplier capability changes. */
export function updateRelationshipTypes(world: World): void {
  const m = world.scenario.model;
  const rng = world.streams.governance;
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  const buyers = buyerGovernance(world);
  eachActiveRow(world, (i) => {
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
      updateType(S, i, buyers, R.buyer[k], R, k, m, rng);
  });
}

/**
 * What process 6b needs of each buyer, by buyer id, worked out once per step rather than read
 * from the buyer's object for every tie: whether its governance is emergent; for an emergent
 * buyer, the code (typeCode) of the GHS type of a tie (ghsType) by the supplier's capability
 * and complementary competence, at [4 x id + 2 x capable + complementary]; and the probability
 * per step that it lets go of control (stepProbability of model.governance.relax_rate of its type).
 */
interface BuyerGovernance {
  emergent: Uint8Array;
  ghs: Uint8Array;
  relax: Float64Array;
}

function buyerGovernance(world: World): BuyerGovernance {
  const m = world.scenario.model;
  const n = world.buyers.length;
  const g = { emergent: new Uint8Array(n), ghs: new Uint8Array(4 * n), relax: new Float64Array(n) };
  for (const b of world.buyers) {
    const { governance, complexity, codifiability, type } = b.config;
    g.emergent[b.id] = governance === 'emergent' ? 1 : 0;
    for (const capable of [false, true])
      for (const complementary of [false, true])
        g.ghs[4 * b.id + (capable ? 2 : 0) + (complementary ? 1 : 0)] = typeCode(
          ghsType(complexity, codifiability, capable, complementary),
        );
    g.relax[b.id] = stepProbability(m.governance.relax_rate[type], world.dt);
  }
  return g;
}

const MARKET = typeCode('market');
const NETWORK = typeCode('network');
const QUASI_HIERARCHY = typeCode('quasi_hierarchy');

/** Process 6b for relationship row `k` of supplier row `i` with the buyer whose id is `b`. */
function updateType(
  S: SupplierColumns,
  i: number,
  buyers: BuyerGovernance,
  b: number,
  R: RelationshipColumns,
  k: number,
  m: ModelParams,
  rng: () => number,
): void {
  const capable = judgeCapable(productionCapabilityAt(S.cap, i), R.capable[k] === 1, m);
  R.capable[k] = capable ? 1 : 0;
  const complementary = S.cap[4 * i + DESIGN] >= m.governance.network_competence;
  const current = R.type[k];
  if (buyers.emergent[b] === 1) {
    // ghsType(complexity, codifiability, capable, complementary) of buyer b, as a type code.
    const type = buyers.ghs[4 * b + (capable ? 2 : 0) + (complementary ? 1 : 0)];
    if (type === current) return;
    // A buyer lets go of control only at its relaxation rate: relational ties rest on trust
    // built over time (GHS 2005), and leaving a captive or hierarchical tie means the buyer
    // giving up control it exercised, which branding buyers do readily and sourcing buyers
    // reluctantly (Humphrey & Schmitz 2002, proposition 4). Tightening is immediate.
    if (!loosens(RELATIONSHIP_TYPES[current], RELATIONSHIP_TYPES[type])) R.type[k] = type;
    else if (rng() < buyers.relax[b]) R.type[k] = type;
    return;
  }
  if (current !== QUASI_HIERARCHY || !capable) return;
  const hasExitOptions = S.topBuyerShare[i] < 0.5;
  if (!complementary && !hasExitOptions) return;
  // Draw only when a move is possible, so the governance stream is not consumed otherwise.
  if (rng() < buyers.relax[b]) {
    R.type[k] = complementary ? NETWORK : MARKET;
  }
}
