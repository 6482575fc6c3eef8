/**
 * Process 2 — prices and margins. Unit value follows a smile curve: assembly earns the base
 * price, product capability and the buyer's segment add value, the supplier's own design adds
 * more and its own brand the most. Price pressure from low-cost entrants and the exchange
 * rate hit export prices; a powerful buyer squeezes a supplier in proportion to how dependent
 * the supplier is on it. In the domestic channel there is no buyer squeeze, the base price is
 * lower, and weak IPR lets imitators erode the design and brand premiums. Process capability
 * lowers unit cost, rising wages and materials raise it; capacity carries a fixed cost whether
 * used or not.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow, type RowBody } from '../engine/kernel.js';
import { numbersById } from '../engine/lookup.js';
import type { EnvironmentParams, ModelParams } from '../scenario/types.js';
import { carriesSupplierDesign, effectiveMarketingAt, ownBrandFractionOf } from './orders.js';
import { RELATIONSHIP_TYPES, type RelationshipType } from '../scenario/parameters.js';
import {
  DESIGN,
  PROCESS,
  PRODUCT,
  quartersPerStep,
  type Buyer,
  type Environment,
  type Relationship,
  type Supplier,
  type World,
} from './state.js';

/** Share of design and brand premiums that survives imitation. */
export function ipRetention(environment: EnvironmentParams, m: ModelParams): number {
  return 1 - m.prices.imitation * (1 - environment.ipr_protection);
}

/**
 * Export unit price of a relationship (money/unit): the list price the buyer offers a
 * supplier of this capability for a tie of this type, less the squeeze a powerful buyer puts on
 * a supplier dependent on it (in proportion to the tie's sales share).
 */
export function exportPrice(r: Relationship, world: World): number {
  return exportPriceAt(world, r.supplier.columns.cap, r.supplier.ix, r.ix);
}

/**
 * exportPrice of the relationship in row `k` of world.relationshipTable, whose supplier's
 * capabilities are at `4 x i ..` of `cap` (see listPriceAt).
 */
function exportPriceAt(world: World, cap: Float64Array, i: number, k: number): number {
  const p = world.scenario.model.prices;
  const R = world.relationshipTable.cols;
  const b = world.buyers[R.buyer[k]];
  const squeeze = 1 - p.buyer_squeeze * b.config.bargaining_power * R.salesShare[k];
  return listPriceAt(cap, i, b, RELATIONSHIP_TYPES[R.type[k]], world) * squeeze;
}

/**
 * What buyer `b` pays supplier `s` per unit on a tie of type `type` before any squeeze
 * (money/unit): the smile-curve value of the product, the segment's premium, the supplier's
 * design where the buyer buys it, and on a relational (network) tie a premium that rewards the
 * supplier's non-contractible effort — reliability and quality that no contract can enforce,
 * paid as a rent the supplier would lose with the tie (Cajal-Grossi, Macchiavello & Noguera
 * 2023: about 11% higher markups for relational than for spot buyers within
 * exporter-product-time). Price pressure and the exchange rate apply to every tie.
 */
export function listPrice(s: Supplier, b: Buyer, type: RelationshipType, world: World): number {
  return listPriceAt(s.columns.cap, s.ix, b, type, world);
}

/** listPrice for the supplier whose capabilities are `cap[4 x i .. 4 x i + 3]` (row i of the cap column). */
export function listPriceAt(
  cap: Float64Array,
  i: number,
  b: Buyer,
  type: RelationshipType,
  world: World,
): number {
  const p = world.scenario.model.prices;
  // Computed whatever the type, the type only choosing it: the first network tie priced comes
  // steps into a run (kernel.ts, "Code that runs only from some step on").
  const relational = 1 + p.relational_premium;
  return listPriceOf(
    p,
    1 + p.product_premium * cap[4 * i + PRODUCT],
    p.sophistication_premium * b.config.sophistication,
    carriesSupplierDesign(type) ? p.design_premium * cap[4 * i + DESIGN] : 0,
    type === 'network' ? relational : 1,
    world.env,
  );
}

/**
 * listPrice from its terms: `product` = 1 + the product premium (the supplier's), `segment` =
 * the sophistication premium (the buyer's), `design` = the design premium where the buyer buys
 * the supplier's design, else 0, `relational` = the relational factor of the tie's type.
 */
function listPriceOf(
  p: ModelParams['prices'],
  product: number,
  segment: number,
  design: number,
  relational: number,
  env: Environment,
): number {
  const value = product + segment + design;
  return p.base_price * value * relational * (1 - env.pricePressure) * env.exchangeRate;
}

/** Revenue per unit sold through the supplier's own channels (domestic and extra sectors). */
export function ownChannelPrice(s: Supplier, world: World): number {
  return ownChannelPriceAt(s.columns.cap, s.columns.marketingCoverage, s.ix, world);
}

/** ownChannelPrice for supplier row i of the cap and marketingCoverage columns. */
function ownChannelPriceAt(
  cap: Float64Array,
  marketingCoverage: Float64Array,
  i: number,
  world: World,
): number {
  const { model: m, environment } = world.scenario;
  const p = m.prices;
  const retention = ipRetention(environment, m);
  const unbranded =
    1 +
    p.product_premium * cap[4 * i + PRODUCT] +
    p.design_premium * cap[4 * i + DESIGN] * retention;
  const marketing = effectiveMarketingAt(cap, marketingCoverage, i);
  const brand = p.brand_premium * marketing * retention * ownBrandFractionOf(marketing, m);
  return p.base_price * environment.domestic_market.price * (unbranded + brand);
}

/** `costLevel`: the environment's input-cost level this step (1 at the start). */
export function unitCost(s: Supplier, m: ModelParams, costLevel: number): number {
  return unitCostAt(s.columns.cap, s.ix, m, costLevel);
}

/** unitCost for supplier row i of the cap column. */
export function unitCostAt(
  cap: Float64Array,
  i: number,
  m: ModelParams,
  costLevel: number,
): number {
  return m.prices.unit_cost * costLevel * (1 - m.prices.process_cost_saving * cap[4 * i + PROCESS]);
}

export function settlePricesAndMargins(world: World): void {
  eachActiveRow(world, settlePricesAndMarginsBody(world));
}

/**
 * settlePricesAndMargins for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function settlePricesAndMarginsBody(world: World): RowBody {
  const m = world.scenario.model;
  const p = m.prices;
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  // exportPriceAt's terms of each buyer (by id) and relationship type (by code), for the step.
  const squeezeBy = numbersById(world.buyers, (b) => p.buyer_squeeze * b.config.bargaining_power);
  const segmentBy = numbersById(
    world.buyers,
    (b) => p.sophistication_premium * b.config.sophistication,
  );
  const designBy = numbersById(RELATIONSHIP_TYPES, (t) => (carriesSupplierDesign(t) ? 1 : 0));
  const relationalBy = numbersById(RELATIONSHIP_TYPES, (t) =>
    t === 'network' ? 1 + p.relational_premium : 1,
  );
  const env = world.env;
  const h = quartersPerStep(world.dt);
  return (i) => {
    const variableCost = unitCostAt(S.cap, i, m, env.costLevel);
    const product = 1 + p.product_premium * S.cap[4 * i + PRODUCT];
    const design = p.design_premium * S.cap[4 * i + DESIGN];
    let revenue = 0;
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
      // exportPriceAt, from the terms of the step.
      const j = R.buyer[k];
      const t = R.type[k];
      const list = listPriceOf(
        p,
        product,
        segmentBy[j],
        designBy[t] !== 0 ? design : 0,
        relationalBy[t],
        env,
      );
      const price = (R.price[k] = list * (1 - squeezeBy[j] * R.salesShare[k]));
      const volume = R.volume[k];
      revenue += price * volume;
      // Spell records for relationships.csv (the markup over the variable unit cost): the
      // volume delivered in the step, v · h, the rate v (units per quarter) over the step.
      const delivered = volume * h;
      R.totalVolume[k] += delivered;
      if (variableCost > 0) {
        R.costedVolume[k] += delivered;
        R.markupVolume[k] += delivered * (price / variableCost - 1);
      }
    }
    S.exportRevenue[i] = revenue;
    const own = S.domesticVolume[i] + S.sectorVolume[i];
    S.domesticPrice[i] = ownChannelPriceAt(S.cap, S.marketingCoverage, i, world);
    revenue += S.domesticPrice[i] * own;
    const cost = variableCost * (S.exportVolume[i] + own) + m.prices.fixed_cost * S.size[i];
    const profit = revenue - cost;
    S.revenue[i] = revenue;
    S.profit[i] = profit - Math.max(0, profit) * m.prices.tax_rate;
    // Below a millionth of capacity in revenue a margin is noise (and can overflow), so it is undefined.
    S.margin[i] = revenue > 1e-6 * S.size[i] ? profit / revenue : NaN; // NaN: no margin
    // Profit is a rate per quarter; the step earns profit · h of it (h = dt / dt₀).
    S.cash[i] += S.profit[i] * h;
  };
}
