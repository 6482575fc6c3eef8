/**
 * Process 5 — investment. A supplier reinvests the intended share of its profit, as far as its
 * cash above a safety buffer allows (so thin margins and losses starve investment: the vicious
 * circle). The split across functions follows strategic intent, adjusted for expected payoff:
 * weak IPR discounts design and brand (imitators erode the premium), and a supplier dependent
 * on buyers that guard a function holds back investment in it in proportion to the sanction
 * risk — what it holds back goes to process and product, the immediate cash of OEM work.
 * Investment raises capability with diminishing returns, more so where home institutions are
 * strong and, in design and brand, where trusted peers pool their investment; it builds the
 * R&D stock that sets absorptive capacity.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow, ZERO, type RowBody } from '../engine/kernel.js';
import { numbersById, rowsById } from '../engine/lookup.js';
import { ipRetention } from './prices.js';
import { absorptiveCapacity } from './learning.js';
import { networkBackingAt, partnerArrays, trustSaturation } from './networks.js';
import { buyerSanctionTerms, irreplaceabilityOf, type BuyerSanctionTerms } from './sanctions.js';
import {
  DESIGN,
  MARKETING,
  N_FUNCTIONS,
  productionCapabilityAt,
  quartersPerStep,
  typeCode,
  type Supplier,
  type World,
} from './state.js';

const QUASI_HIERARCHY = typeCode('quasi_hierarchy');

/**
 * Sanction risk the supplier perceives in function f: its sales in captive ties with buyers
 * guarding f, weighted by replaceability.
 */
export function sanctionRisk(s: Supplier, f: number, world: World): number {
  return sanctionRisks(s, world)[f];
}

/** Sanction risk in every function at once: one pass over relationships, one irreplaceability each. */
export function sanctionRisks(s: Supplier, world: World, risk: number[] = [0, 0, 0, 0]): number[] {
  return sanctionRisksAt(world, s.ix, risk);
}

/**
 * sanctionRisks of the supplier in row i of the supplier table, by function (index f, each in
 * [0,1]), written into `risk` and returned.
 */
export function sanctionRisksAt(world: World, i: number, risk: number[]): number[] {
  return sanctionRisksWith(investmentTerms(world), world, i, risk, NaN);
}

/**
 * What investmentWeights reads of the world other than the supplier's own state, as it is
 * this step: prepared once per step (investBody) so that the loop over a supplier's
 * relationships reads numbers by buyer id instead of loading buyer objects.
 */
interface InvestmentTerms {
  buyers: BuyerSanctionTerms;
  /** Each supplier group's intended split, function f of group g at 4 g + f. */
  splits: Float64Array;
  /** ipRetention of the scenario. */
  retention: number;
  aversion: number;
  backingWeight: number;
  step: number;
  dt: number;
}

function investmentTerms(world: World): InvestmentTerms {
  const { model: m, environment } = world.scenario;
  return {
    buyers: buyerSanctionTerms(world),
    splits: rowsById(world.supplierGroups, N_FUNCTIONS, (g, f) => g.intent.split[f]),
    retention: ipRetention(environment, m),
    aversion: m.investment.sanction_aversion,
    backingWeight: m.networks.backing_weight,
    step: world.step,
    dt: world.dt,
  };
}

/**
 * sanctionRisksAt from the step's `terms`; `trust`: the trust summed over the supplier's ties
 * in list order (networkBackingAt's sum), or NaN to have it summed here if needed.
 */
function sanctionRisksWith(
  terms: InvestmentTerms,
  world: World,
  i: number,
  risk: number[],
  trust: number,
): number[] {
  // Zeroed by a loop: Array.prototype.fill is a builtin call that costs more than four stores.
  for (let f = 0; f < N_FUNCTIONS; f++) risk[f] = 0;
  const { requirement, guards } = terms.buyers;
  // The supplier's terms of irreplaceability (tieIrreplaceability), once and only if needed.
  let known = false;
  let production = 0;
  let network = 0;
  const R = world.relationshipTable.cols;
  for (let k = world.supplierTable.cols.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
    if (R.type[k] !== QUASI_HIERARCHY) continue;
    if (!known) {
      production = productionCapabilityAt(world.supplierTable.cols.cap, i);
      const backing = Number.isNaN(trust) ? networkBackingAt(world, i) : trustSaturation(trust);
      network = terms.backingWeight * backing;
      known = true;
    }
    const j = R.buyer[k];
    const tenureYears = (terms.step - R.startStep[k]) * terms.dt;
    const exposure =
      R.salesShare[k] * (1 - irreplaceabilityOf(production, requirement[j], tenureYears, network));
    for (let f = 0; f < N_FUNCTIONS; f++)
      if (guards[N_FUNCTIONS * j + f] !== 0) risk[f] += exposure;
  }
  for (let f = 0; f < N_FUNCTIONS; f++) risk[f] = Math.min(1, risk[f]);
  return risk;
}

/**
 * Investment productivity: a strong home innovation system (design schools, test labs, export
 * promotion) makes upgrading cheaper.
 */
export function investmentEfficiency(world: World): number {
  const { model: m, environment } = world.scenario;
  return Math.max(
    0,
    m.investment.efficiency *
      (1 + m.investment.institution_support * (environment.institutions - 0.5)),
  );
}

/** Reused by investmentWeights, which reads it before returning (the model is single-threaded). */
const riskScratch = [0, 0, 0, 0];

/**
 * The shares of this step's investment by function (process, product, design, marketing): the
 * intended split, design and marketing discounted by imitation (IPR) and by the sanction risk
 * the supplier perceives, what is held back going to production. Written into `w` (a new array
 * unless the caller passes one to reuse) and returned.
 */
export function investmentWeights(s: Supplier, world: World, w: number[] = [0, 0, 0, 0]): number[] {
  return investmentWeightsAt(world, s.ix, w);
}

/** investmentWeights of the supplier in row i of the supplier table, written into `w` and returned. */
export function investmentWeightsAt(world: World, i: number, w: number[]): number[] {
  return investmentWeightsWith(investmentTerms(world), world, i, w, NaN);
}

/** investmentWeightsAt from the step's `terms`; `trust` as for sanctionRisksWith. */
function investmentWeightsWith(
  terms: InvestmentTerms,
  world: World,
  i: number,
  w: number[],
  trust: number,
): number[] {
  const split = terms.splits;
  const g = N_FUNCTIONS * world.supplierTable.cols.groupCode[i]; // split[g + f]: function f
  let intended = 0;
  for (let f = 0; f < N_FUNCTIONS; f++) {
    w[f] = split[g + f];
    intended += split[g + f];
  }
  w[DESIGN] *= terms.retention;
  w[MARKETING] *= terms.retention;
  const risk = sanctionRisksWith(terms, world, i, riskScratch, trust);
  let total = 0;
  for (let f = 0; f < N_FUNCTIONS; f++) {
    if (f === DESIGN || f === MARKETING) w[f] *= Math.max(0, 1 - terms.aversion * risk[f]);
    total += w[f];
  }
  const held = intended - total;
  // What is held back from the upper functions goes to production, split as intended between process and product.
  const production = split[g] + split[g + 1];
  if (held > 0 && production > 0) {
    w[0] += (held * split[g]) / production;
    w[1] += (held * split[g + 1]) / production;
  } else if (held > 0) {
    w[0] += held;
  }
  return w;
}

/**
 * Peer cooperation in [0,1): how far the supplier's trusted peer ties let it pool design and
 * brand investment with other firms of the cluster (a collective design centre or brand,
 * Humphrey & Schmitz's way out (c)). Copying fears cap peer trust, so mistrust blocks it.
 */
export function peerCooperation(s: Supplier, world: World): number {
  return peerCooperationAt(world, s.ix, peerPartners(world));
}

/**
 * Whether each partner is a peer supplier (1) or not (0), by id (its position in
 * world.partners): for a loop over ties, which then reads a number from a short array instead
 * of loading the partner's object. Shared and read-only (partnerArrays).
 */
export function peerPartners(world: World): Float64Array {
  return partnerArrays(world).peer;
}

/** peerCooperation of the supplier in row i of the supplier table; `peer`: peerPartners(world). */
export function peerCooperationAt(world: World, i: number, peer: Float64Array): number {
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  let trust = 0;
  for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
    if (peer[T.partner[k]] === 1) trust += T.trust[k];
  }
  return trustSaturation(trust);
}

export function invest(world: World): void {
  eachActiveRow(world, investBody(world));
}

/**
 * invest for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function investBody(world: World): RowBody {
  const m = world.scenario.model;
  const inv = m.investment;
  const dt = world.dt;
  const h = quartersPerStep(dt);
  const rdKeep = Math.exp(-m.learning.rd_depreciation * dt);
  const efficiency = investmentEfficiency(world);
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const terms = investmentTerms(world);
  const reinvest = numbersById(world.supplierGroups, (g) => g.intent.reinvest);
  const peer = peerPartners(world);
  // investmentWeights' result, reused (read before the next call); doubles from the start, as
  // learnFromBuyersBody's gain (learning.ts).
  const weights = [ZERO, ZERO, ZERO, ZERO];
  return (i) => {
    // The step's profit is profit · h (a rate per quarter over h quarters); I is an amount.
    const wanted = Math.max(0, S.profit[i]) * h * reinvest[S.groupCode[i]];
    const amount = Math.min(wanted, Math.max(0, S.cash[i] - inv.cash_buffer * S.size[i]));
    // Reported, like the other flows, as a rate per quarter: I / h.
    const rate = amount / h;
    S.investment[i] = rate;
    const perCapacity = S.size[i] > 0 ? amount / S.size[i] : 0;
    const at = 4 * i; // S.cap[at + f]: function f
    // Stored once, after the branch: a store only in the `else` branch first ran steps into a
    // run (the first supplier with nothing to invest; kernel.ts, "Code that runs only from some
    // step on"). Nothing between reads it.
    let designRate = 0;
    if (amount > 0) {
      // The trust in all the supplier's ties (networkBacking's sum) and in its peer ties
      // (peerCooperation's), each in list order, in one walk over them.
      let trust = 0;
      let peerTrust = 0;
      for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
        trust += T.trust[k];
        if (peer[T.partner[k]] === 1) peerTrust += T.trust[k];
      }
      const w = investmentWeightsWith(terms, world, i, weights, trust);
      const pooling = 1 + inv.collective_pooling * trustSaturation(peerTrust);
      const absorptive = S.absorptive[i];
      designRate = rate * w[DESIGN];
      for (let f = 0; f < N_FUNCTIONS; f++) {
        const reach = f === DESIGN || f === MARKETING ? pooling : 1;
        S.cap[at + f] +=
          Math.min(1, efficiency * reach * absorptive * perCapacity * w[f]) * (1 - S.cap[at + f]);
      }
      S.cash[i] -= amount;
    }
    S.designInvestment[i] = designRate;
    S.rdStock[i] = S.rdStock[i] * rdKeep + perCapacity;
    S.absorptive[i] = absorptiveCapacity(S.rdStock[i], m.learning);
    // Expand only into demand that exists: when buyers asked for more than the supplier could make.
    if (S.profit[i] > 0 && S.saturated[i] === 1) S.size[i] *= 1 + inv.capacity_growth * dt;
  };
}
