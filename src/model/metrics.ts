/**
 * Process 9 — observation: the metrics of the output contract, computed from state. The
 * lock-in definition lives here and only here (thresholds: model.lockin.*).
 */
import { NONE } from '../engine/columns.js';
import { ZERO } from '../engine/kernel.js';
import type { SupplierRow, TimeseriesRow } from '../engine/observations.js';
import { RELATIONSHIP_TYPES } from '../scenario/parameters.js';
import type { ModelParams } from '../scenario/types.js';
import { unitCostAt } from './prices.js';
import { salesAt, workVolumes, workVolumesAt, type WorkVolumes } from './roles.js';
import { retentionColumns } from './spells.js';
import {
  DESIGN,
  MARKETING,
  OEM,
  PROCESS,
  PRODUCT,
  ROLE_NAMES,
  typeCode,
  zeroCounters,
  type Supplier,
  type SupplierColumns,
  type World,
} from './state.js';

const MARKET = typeCode('market');
const NETWORK = typeCode('network');

/**
 * Capable producer (process and product above the threshold) that has supplied lead firms long
 * enough, yet still OEM.
 */
export function isLockedIn(s: Supplier, m: ModelParams, dt: number): boolean {
  return lockinEligible(s, m, dt) && isCapableProducer(s, m) && s.role === OEM;
}

export function lockinEligible(s: Supplier, m: ModelParams, dt: number): boolean {
  return lockinEligibleAt(s.columns, s.ix, m, dt);
}

/** lockinEligible for the supplier at row `i` of the supplier table's columns `S`. */
function lockinEligibleAt(S: SupplierColumns, i: number, m: ModelParams, dt: number): boolean {
  const active = S.active[i] === 1;
  const tenured = S.leadFirmSteps[i] * dt >= m.lockin.min_tenure_years;
  return active && tenured;
}

export function isCapableProducer(s: Supplier, m: ModelParams): boolean {
  return isCapableProducerAt(s.columns, s.ix, m);
}

/** isCapableProducer for the supplier at row `i` of the supplier table's columns `S`. */
function isCapableProducerAt(S: SupplierColumns, i: number, m: ModelParams): boolean {
  const t = m.lockin.production_threshold;
  const process = S.cap[4 * i + PROCESS] > t;
  const product = S.cap[4 * i + PRODUCT] > t;
  return process && product;
}

/**
 * Share of this step's sales through the supplier's own channels; NaN without sales (a number
 * either way: a result that may be null is boxed on every call the loop does not inline).
 */
function ownChannelShareAt(S: SupplierColumns, i: number): number {
  const sales = salesAt(S, i);
  const share = (S.domesticVolume[i] + S.sectorVolume[i]) / sales;
  return sales > 0 ? share : NaN;
}

const mean = (sum: number, n: number): number | null => (n > 0 ? sum / n : null);

/** `x`, or null for NaN (a value the output leaves empty). */
const nullIfNaN = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * Sums and counts, which timeseriesRow turns into means. Stocks (roles, capabilities, ties,
 * relationships) are over the suppliers active at the end of the step. Flows (margin,
 * investment) are over the suppliers that had them: those that ran the step's processes,
 * i.e. active since before the step, including any that exited in 8c at its end (their losses
 * are the step's), and excluding entrants of 8c (no flows yet). Averaging flows over the
 * survivors instead is survivorship bias: it dropped exactly the loss-makers.
 */
interface ActiveTotals {
  n: number;
  roles: number[];
  /** Suppliers doing any OEM, ODM, OBM work this step. */
  doing: number[];
  cap: number[];
  withSales: number;
  top: number;
  hhi: number;
  domestic: number;
  withRevenue: number;
  margin: number;
  /** Suppliers that ran process 5 this step with positive capacity (denominator of the investment means). */
  investors: number;
  investment: number;
  designInvestment: number;
  eligible: number;
  locked: number;
  degree: number;
  relCounts: number[];
  relTotal: number;
  /** Sum and count of the suppliers' terms of the relational markup premium (markupPremiumAt). */
  premium: number;
  withPremium: number;
}

/**
 * The loop of timeseriesRow, in a function of its own. V8 compiles a hot loop separately
 * (on-stack replacement) and enters that code on every later call; when code after the loop
 * in the same function bailed out (a mean whose count had stayed 0 turning fractional), the
 * loop's code was not replaced but bailed out again at every step: --trace-deopt counted
 * 60-440 bailouts per run of the reference, each ~0.3 ms plus the rest of the call in the
 * interpreter. Here nothing follows the loop that could bail out.
 */
function activeTotals(world: World, group: string | null): ActiveTotals {
  const m = world.scenario.model;
  let count = 0;
  const roles = [0, 0, 0];
  const doing = [0, 0, 0];
  const cap = [0, 0, 0, 0];
  let withSales = 0;
  let top = 0;
  let hhi = 0;
  let domestic = 0;
  let withRevenue = 0;
  let margin = 0;
  let investors = 0;
  let investment = 0;
  let designInvestment = 0;
  let eligible = 0;
  let locked = 0;
  let degree = 0;
  // By position in RELATIONSHIP_TYPES: market, network, quasi_hierarchy, hierarchy.
  const relCounts = [0, 0, 0, 0];
  let relTotal = 0;
  let premium = 0;
  let withPremium = 0;
  const step = world.step;
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  const groups = world.supplierGroups;
  const work: WorkVolumes = { oem: ZERO, odm: ZERO, obm: ZERO };
  const n = world.supplierTable.length;
  // Every term is computed for every supplier, and a supplier that does not count adds 0 (-0:
  // a double, which adds nothing) or nothing to a count: kernel.ts, "Code that runs only from
  // some step on".
  for (let i = 0; i < n; i++) {
    const exitedNow = S.exitStep[i] === step;
    if (
      (S.active[i] === 0 && !exitedNow) ||
      (group !== null && groups[S.groupCode[i]].name !== group)
    )
      continue;
    // Flows of this step: firms present when its processes ran (at step 0 none has run).
    const ran = S.entryStep[i] < step;
    // The margin column is NaN when the margin is undefined (Supplier.margin reads null).
    const supplierMargin = S.margin[i];
    const marginDefined = !Number.isNaN(supplierMargin);
    const hasMargin = ran && marginDefined;
    withRevenue += hasMargin ? 1 : 0;
    margin += hasMargin ? supplierMargin : ZERO;
    const sized = S.size[i] > 0;
    const invested = S.investment[i] / S.size[i];
    const designInvested = S.designInvestment[i] / S.size[i];
    const invests = ran && sized;
    investors += invests ? 1 : 0;
    investment += invests ? invested : ZERO;
    designInvestment += invests ? designInvested : ZERO;
    if (exitedNow) continue;
    count++;
    roles[S.role[i]]++;
    workVolumesAt(world, i, work);
    doing[0] += work.oem > 0 ? 1 : 0;
    doing[1] += work.odm > 0 ? 1 : 0;
    doing[2] += work.obm > 0 ? 1 : 0;
    for (let f = 0; f < 4; f++) cap[f] += S.cap[4 * i + f];
    const own = ownChannelShareAt(S, i);
    const sold = !Number.isNaN(own);
    const topShare = S.topBuyerShare[i];
    const buyerHhi = S.buyerHhi[i];
    withSales += sold ? 1 : 0;
    top += sold ? topShare : ZERO;
    hhi += sold ? buyerHhi : ZERO;
    domestic += sold ? own : ZERO;
    const eligibleNow = lockinEligibleAt(S, i, m, world.dt);
    const capable = isCapableProducerAt(S, i, m);
    const oem = S.role[i] === OEM;
    eligible += eligibleNow ? 1 : 0;
    locked += eligibleNow && capable && oem ? 1 : 0;
    degree += S.tieCount[i];
    // A type's code is its position in RELATIONSHIP_TYPES.
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) relCounts[R.type[k]]++;
    relTotal += S.relCount[i];
    const gap = markupPremiumAt(world, i);
    const hasGap = !Number.isNaN(gap);
    premium += hasGap ? gap : ZERO;
    withPremium += hasGap ? 1 : 0;
  }
  return {
    n: count,
    roles,
    doing,
    cap,
    withSales,
    top,
    hhi,
    domestic,
    withRevenue,
    margin,
    investors,
    investment,
    designInvestment,
    eligible,
    locked,
    degree,
    relCounts,
    relTotal,
    premium,
    withPremium,
  };
}

/** The cumulative counters of one supplier group, from its members' records. */
function groupCounters(world: World, group: string): World['counters'] {
  const c = zeroCounters();
  const S = world.supplierTable.cols;
  const groups = world.supplierGroups;
  for (let i = 0; i < world.supplierTable.length; i++) {
    if (groups[S.groupCode[i]].name !== group) continue;
    if (S.active[i] === 0) c.exits++;
    if (S.entryStep[i] > 0) c.entries++;
    c.functionalUpgrades += S.functionalUpgrades[i];
    c.chainUpgrades += S.sectorCount[i] - 1;
    c.sanctions += S.sanctionsSuffered[i];
  }
  return c;
}

/**
 * The timeseries row of the current step, over the whole population or (given `group`) over
 * one supplier group's suppliers, their relationships and their counters. `retention`:
 * year-on-year tie retention by type of the same population (SpellObserver), which needs the
 * history this function does not keep.
 */
export function timeseriesRow(
  world: World,
  retention: readonly (number | null)[],
  group?: string,
): TimeseriesRow {
  const {
    n,
    roles,
    doing,
    cap,
    withSales,
    top,
    hhi,
    domestic,
    withRevenue,
    margin,
    investors,
    investment,
    designInvestment,
    eligible,
    locked,
    degree,
    relCounts,
    relTotal,
    premium,
    withPremium,
  } = activeTotals(world, group ?? null);
  const c = group === undefined ? world.counters : groupCounters(world, group);
  const row: TimeseriesRow = {
    run_id: null,
    step: world.step,
    n_suppliers: n,
    share_oem: mean(roles[0], n),
    share_odm: mean(roles[1], n),
    share_obm: mean(roles[2], n),
    share_doing_oem: mean(doing[0], n),
    share_doing_odm: mean(doing[1], n),
    share_doing_obm: mean(doing[2], n),
    mean_process: mean(cap[PROCESS], n),
    mean_product: mean(cap[PRODUCT], n),
    mean_design: mean(cap[DESIGN], n),
    mean_marketing: mean(cap[MARKETING], n),
    mean_top_buyer_share: mean(top, withSales),
    mean_buyer_hhi: mean(hhi, withSales),
    lockin_rate: mean(locked, eligible),
    share_rel_market: mean(relCounts[0], relTotal),
    share_rel_network: mean(relCounts[1], relTotal),
    share_rel_quasi_hierarchy: mean(relCounts[2], relTotal),
    share_rel_hierarchy: mean(relCounts[3], relTotal),
    ...retentionColumns(retention),
    relational_markup_premium: mean(premium, withPremium),
    mean_margin: mean(margin, withRevenue),
    mean_investment: mean(investment, investors),
    mean_design_investment: mean(designInvestment, investors),
    mean_domestic_share: mean(domestic, withSales),
    price_pressure: world.env.pricePressure,
    cost_level: world.env.costLevel,
    exchange_rate: world.env.exchangeRate,
    cumulative_exits: c.exits,
    cumulative_entries: c.entries,
    cumulative_functional_upgrades: c.functionalUpgrades,
    cumulative_chain_upgrades: c.chainUpgrades,
    cumulative_sanctions: c.sanctions,
    mean_network_degree: mean(degree, n),
  };
  if (group !== undefined) row.group = group;
  return row;
}

/**
 * One supplier's term of the within-supplier relational markup premium (timeseries.csv
 * `relational_markup_premium`, the mean of these terms over the suppliers that have one): the
 * volume-weighted mean markup p / c - 1 on its network ties minus that on its market ties, c
 * its variable unit cost (markup points). NaN when it did not sell to both a network-type and a
 * market-type lead firm this step, or its unit cost is not positive. The comparison holds the
 * supplier fixed, as Cajal-Grossi, Macchiavello & Noguera (2023) hold exporter-product-time
 * fixed.
 */
function markupPremiumAt(world: World, i: number): number {
  const S = world.supplierTable.cols;
  if (S.relCount[i] < 2) return NaN;
  const R = world.relationshipTable.cols;
  const c = unitCostAt(S.cap, i, world.scenario.model, world.env.costLevel);
  if (c <= 0) return NaN;
  let netV = 0;
  let netM = 0;
  let mktV = 0;
  let mktM = 0;
  // Every tie's terms computed, those of ties that do not count added as -0 (kernel.ts, "Code
  // that runs only from some step on").
  for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
    const volume = R.volume[k];
    const markup = volume * (R.price[k] / c - 1);
    const sold = volume > 0;
    const network = R.type[k] === NETWORK;
    const market = R.type[k] === MARKET;
    const net = sold && network;
    const mkt = sold && market;
    netV += net ? volume : ZERO;
    netM += net ? markup : ZERO;
    mktV += mkt ? volume : ZERO;
    mktM += mkt ? markup : ZERO;
  }
  const premium = netM / netV - mktM / mktV;
  const sellsNetwork = netV > 0;
  const sellsMarket = mktV > 0;
  return sellsNetwork && sellsMarket ? premium : NaN;
}

export function supplierRow(s: Supplier, world: World): SupplierRow {
  // The main buyer's tie: the largest sales share (the first such in list order).
  const S = world.supplierTable.cols;
  const i = s.ix;
  const R = world.relationshipTable.cols;
  let main = NONE;
  for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
    if (main === NONE || R.salesShare[k] > R.salesShare[main]) main = k;
  const sales = salesAt(s.columns, s.ix);
  const work = s.active && sales > 0 ? workVolumes(s, world) : null;
  return {
    run_id: null,
    step: world.step,
    supplier_id: s.id,
    group: s.group,
    role: ROLE_NAMES[s.role],
    oem_share: work ? work.oem / sales : null,
    odm_share: work ? work.odm / sales : null,
    obm_share: work ? work.obm / sales : null,
    process: S.cap[4 * i + PROCESS],
    product: S.cap[4 * i + PRODUCT],
    design: S.cap[4 * i + DESIGN],
    marketing: S.cap[4 * i + MARKETING],
    partner_marketing: S.marketingCoverage[i],
    absorptive_capacity: s.absorptive,
    n_buyers: s.relationshipCount,
    top_buyer_share: s.active ? s.topBuyerShare : null,
    buyer_hhi: s.active ? s.buyerHhi : null,
    main_buyer_governance: main !== NONE ? RELATIONSHIP_TYPES[R.type[main]] : null,
    domestic_share: s.active ? nullIfNaN(ownChannelShareAt(s.columns, s.ix)) : null,
    own_brand_share: s.active && sales > 0 ? s.ownBrandVolume / sales : null,
    margin: s.active ? s.margin : null,
    cash: s.cash,
    size: s.size,
    network_degree: world.supplierTable.cols.tieCount[s.ix],
    n_sectors: world.supplierTable.cols.sectorCount[s.ix],
    active: s.active,
    exit_step: s.exitStep,
    exit_cause: s.exitCause,
    step_odm: s.stepOdm,
    step_obm: s.stepObm,
    initial_process: S.initialCap[4 * i + PROCESS],
    initial_product: S.initialCap[4 * i + PRODUCT],
    initial_design: S.initialCap[4 * i + DESIGN],
    initial_marketing: S.initialCap[4 * i + MARKETING],
    initial_size: s.initialSize,
  };
}
