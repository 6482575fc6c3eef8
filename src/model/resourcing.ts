/**
 * Process 7e — re-sourcing. A lead firm reviews each of its supplier ties from time to time
 * against outside offers: it samples a few suppliers that meet its requirements and have capacity to spare, takes the one
 * whose quote offers the most production capability per unit of price, and replaces the
 * incumbent if that quote beats the incumbent's by more than the cost of switching, provided the
 * newcomer takes the buyer on (as readily as it would look for a buyer itself: its
 * diversification intent). Every quote of an order round carries a transient, offer-specific
 * shock (lognormal, `model.resourcing.quote_dispersion`): inputs, loads and exchange of the
 * moment make the same supplier cheaper one season and dearer the next. This is the random-
 * utility choice with switching costs of Monarch's (2016) structural model of importer
 * switching.
 *
 * The cost of switching depends on the tie's type (Gereffi, Humphrey & Sturgeon 2005): low at
 * arm's length, where products are standard and no transaction-specific investment is made,
 * so market buyers re-source on price and capability and the higher-priced supplier is the
 * likelier to be replaced (Monarch 2016, US importers of Chinese goods: about 45% keep their
 * partner from one year to the next); high for captive ties, where the buyer has invested in
 * specifying, monitoring and training this supplier, and for relational ties, which rest on
 * trust and complementary competence built over time; prohibitive inside a hierarchy.
 */
import { normal, randomIndex, type Rng } from '../engine/rng.js';
import { initialType } from './governance.js';
import { listPrice } from './prices.js';
import { endRelationship, isRelated, linkSupplierToBuyer } from './relationships.js';
import { meetsRequirements } from './search.js';
import {
  productionCapability,
  stepProbability,
  type Buyer,
  type Relationship,
  type Supplier,
  type World,
} from './state.js';

/** Suppliers a buyer looks at in one review (as many as a search or a recruitment looks at). */
const CANDIDATES = 3;

/**
 * What a buyer gets per unit of money from supplier `s` on a tie of the given type: production
 * capability (index) over list price (money/unit), so the unit is capability per money.
 * Returns 0 for a zero price (no offer).
 */
export function offerValue(
  s: Supplier,
  b: Buyer,
  type: Relationship['type'],
  world: World,
): number {
  const price = listPrice(s, b, type, world);
  return price > 0 ? productionCapability(s) / price : 0;
}

/**
 * Whether an outside quote worth `outsideValue` beats the incumbent's quote `incumbentValue`
 * on tie `r` (both capability per money): by more than the switching cost of the tie's type,
 * `model.resourcing.switching_cost.<type>` (share of price).
 */
export function outbids(
  r: Relationship,
  incumbentValue: number,
  outsideValue: number,
  world: World,
): boolean {
  const cost = world.scenario.model.resourcing.switching_cost[r.type];
  return outsideValue > incumbentValue * (1 + cost);
}

/** The transient factor on one quote: exp(sigma x standard normal), sigma the quote dispersion. */
function quoteShock(world: World, rng: Rng): number {
  const sigma = world.scenario.model.resourcing.quote_dispersion;
  return sigma > 0 ? Math.exp(sigma * normal(rng)) : 1;
}

/** Process 7e: lead firms review their ties at `model.resourcing.review_rate` and re-source. */
export function resourceTies(world: World): void {
  const review = stepProbability(world.scenario.model.resourcing.review_rate, world.dt);
  if (review <= 0) return;
  const rng = world.streams.resourcing;
  for (const b of world.buyers) {
    // Ties formed in this process are not reviewed in the same step: review a copy of the list.
    for (const r of b.relationships.slice()) {
      if (r.ended || rng() >= review) continue;
      const best = bestOutsideOffer(world, b, rng);
      if (!best) continue;
      const incumbent = offerValue(r.supplier, b, r.type, world) * quoteShock(world, rng);
      if (!outbids(r, incumbent, best.value, world)) continue;
      if (rng() < best.supplier.intent.diversify) {
        endRelationship(world, r, 're_sourced');
        linkSupplierToBuyer(world, best.supplier, b);
      }
    }
  }
}

/** The best quote among a few sampled suppliers that qualify and have capacity to spare, or null. */
function bestOutsideOffer(
  world: World,
  b: Buyer,
  rng: Rng,
): { supplier: Supplier; value: number } | null {
  const n = world.suppliers.length;
  if (n === 0) return null;
  const m = world.scenario.model;
  let best: { supplier: Supplier; value: number } | null = null;
  for (let i = 0; i < CANDIDATES; i++) {
    const s = world.suppliers[randomIndex(rng, n)];
    // A supplier whose buyers already want more than it can make has no capacity to offer.
    if (!s.active || s.saturated || !meetsRequirements(s, b) || isRelated(s, b)) continue;
    const value =
      offerValue(s, b, initialType(b, s, m, false).type, world) * quoteShock(world, rng);
    if (!best || value > best.value) best = { supplier: s, value };
  }
  return best;
}
