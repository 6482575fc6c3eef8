/**
 * Process 7e — re-sourcing. A lead firm reviews each of its supplier ties from time to time
 * against outside offers: it samples a few suppliers that meet its requirements and could take
 * it on, takes the one whose quote offers the most production capability per unit of price,
 * and replaces the incumbent if that quote beats the incumbent's by more than the cost of
 * switching. Every quote of an order round carries a transient, offer-specific shock
 * (lognormal, `model.resourcing.quote_dispersion`): inputs, loads and exchange of the moment
 * make the same supplier cheaper one season and dearer the next. This is the random-utility
 * choice with switching costs of Monarch's (2016) structural model of importer switching.
 *
 * A supplier could take the buyer on if it has capacity to spare and consents (search.ts,
 * takesOnBuyer: always while it wants another buyer), or, for an arm's-length (market) tie, if
 * it is fully booked but sells at arm's length to a customer that pays no more than this buyer
 * would: an arm's-length order carries no commitment, so a fully booked supplier serves the
 * customers that pay best and gives up its lowest-paying arm's-length customer (end cause
 * `displaced`), which takes on the supplier just replaced if it qualifies (the two buyers swap
 * suppliers). Without displacement, a buyer could re-source only to the few suppliers with idle
 * capacity, and in a world where lead firms' demand exceeds the cluster's capacity arm's-length
 * ties would hardly ever turn over; without the swap, ties pile up on the most capable suppliers
 * and the others, left without a buyer, exit.
 *
 * The cost of switching depends on the tie's type (Gereffi, Humphrey & Sturgeon 2005): low at
 * arm's length, where products are standard and no transaction-specific investment is made,
 * so market buyers re-source on price and capability and the higher-priced supplier is the
 * likelier to be replaced (Monarch 2016, US importers of Chinese goods: about 45% keep their
 * partner from one year to the next); high for captive ties, where the buyer has invested in
 * specifying, monitoring and training this supplier, and for relational ties, which rest on
 * trust and complementary competence built over time; prohibitive inside a hierarchy.
 */
import { NONE } from '../engine/columns.js';
import { ZERO } from '../engine/kernel.js';
import { LeastMembers } from '../engine/memo.js';
import { normal, randomIndex, type Rng } from '../engine/rng.js';
import { RELATIONSHIP_TYPES, type RelationshipType } from '../scenario/parameters.js';
import { initialTypeAt } from './governance.js';
import { listPriceAt } from './prices.js';
import { endRelationship, isRelatedAt, linkSupplierToBuyer } from './relationships.js';
import { meetsRequirementsAt, takesOnBuyerAt } from './search.js';
import {
  productionCapabilityAt,
  relationshipAt,
  stepProbability,
  supplierAt,
  typeCode,
  type Buyer,
  type Relationship,
  type Supplier,
  type World,
} from './state.js';

/** Suppliers a buyer looks at in one review (as many as a search or a recruitment looks at). */
const CANDIDATES = 3;

const MARKET = typeCode('market');

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
  return offerValueAt(world, s.ix, b, type);
}

/** offerValue of the supplier in row `i`. */
function offerValueAt(world: World, i: number, b: Buyer, type: RelationshipType): number {
  const cap = world.supplierTable.cols.cap;
  const price = listPriceAt(cap, i, b, type, world);
  return price > 0 ? productionCapabilityAt(cap, i) / price : 0;
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
  return outbidsBy(
    world.scenario.model.resourcing.switching_cost[r.type],
    incumbentValue,
    outsideValue,
  );
}

/** outbids on a tie whose type's switching cost (share of price) is `cost`. */
function outbidsBy(cost: number, incumbentValue: number, outsideValue: number): boolean {
  return outsideValue > incumbentValue * (1 + cost);
}

/**
 * The transient factor on one quote: exp(sigma x standard normal), sigma the quote dispersion
 * (`model.resourcing.quote_dispersion`).
 */
function quoteShock(sigma: number, rng: Rng): number {
  return sigma > 0 ? Math.exp(sigma * normal(rng)) : 1;
}

/**
 * The best outside offer of a review (bestOutsideOffer): the supplier's row `i` (NONE for no
 * offer), its quote's value (capability per money) and the row of the tie it would give up for
 * it (NONE for none).
 */
interface Offer {
  i: number;
  value: number;
  displaces: number;
}

/** Process 7e: lead firms review their ties at `model.resourcing.review_rate` and re-source. */
export function resourceTies(world: World): void {
  const m = world.scenario.model;
  const review = stepProbability(m.resourcing.review_rate, world.dt);
  if (review <= 0) return;
  const rng = world.streams.resourcing;
  const sigma = m.resourcing.quote_dispersion;
  // By type code (state.ts typeCode), read once per step rather than by name per review. A
  // typed array: an array made by `map` took the elements kind of the values it met (integers
  // or fractions), so its hidden class could differ from one step to the next and throw away
  // resourceTies' compiled code (docs/performance.md, 2026-12-01, session 16).
  const switchingCost = Float64Array.from(
    RELATIONSHIP_TYPES,
    (type) => m.resourcing.switching_cost[type],
  );
  const S = world.supplierTable.cols;
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  const step = world.step;
  // One record for every review's best offer: bestOutsideOffer overwrites it. `value` starts as
  // ZERO so that the field is a double field from the start (kernel.ts): with the integer 0, the
  // first value stored changed the record's hidden class and threw away resourceTies' compiled
  // code, twice a run (docs/performance.md, 2026-12-01, session 16).
  const best: Offer = { i: NONE, value: ZERO, displaces: NONE };
  const lowestMarket = lowestMarketTies(world);
  for (const b of world.buyers) {
    // A review may end tie k (it leaves the list: read its next first) and add a tie at the end
    // of the list. A tie formed this step (by search, recruitment, or a re-sourcing or swap of
    // this process) is not reviewed until the next, so the walk passes over the added ones
    // without a draw, as a walk over a copy of the list made before the reviews would. No
    // other tie of b's list ends meanwhile (best.displaces is a tie of a supplier not related
    // to b), so `next` stays in the list.
    for (let k = B.relFirst[b.id], next; k !== NONE; k = next) {
      next = R.nextOfBuyer[k];
      if (R.startStep[k] === step || rng() >= review) continue;
      if (!bestOutsideOffer(world, b, rng, sigma, best, lowestMarket)) continue;
      const code = R.type[k];
      const incumbent = R.supplier[k];
      const incumbentValue =
        offerValueAt(world, incumbent, b, RELATIONSHIP_TYPES[code]) * quoteShock(sigma, rng);
      if (!outbidsBy(switchingCost[code], incumbentValue, best.value)) continue;
      endRelationship(world, k, 're_sourced');
      linkSupplierToBuyer(world, supplierAt(world, best.i), b);
      if (best.displaces !== NONE) {
        // The displaced customer takes on the capacity just freed, if that supplier qualifies:
        // in a thick arm's-length market the two buyers have, in effect, swapped suppliers.
        const displacedBuyer = world.buyers[R.buyer[best.displaces]];
        endRelationship(world, best.displaces, 'displaced');
        if (
          meetsRequirementsAt(S.cap, incumbent, displacedBuyer) &&
          !isRelatedAt(world, incumbent, displacedBuyer)
        )
          linkSupplierToBuyer(world, supplierAt(world, incumbent), displacedBuyer);
      }
    }
  }
}

/**
 * The arm's-length tie a fully booked supplier `s` would give up to take on buyer `b` at
 * arm's length: its market tie with the lowest price this step (ties formed this step, not yet
 * priced, excluded), if `b` would pay at least that price
 * (list price; `b` would have no sales share yet, so no squeeze); null if there is none.
 */
export function displaceableTie(s: Supplier, b: Buyer, world: World): Relationship | null {
  const k = displaceableTieAt(world, s.ix, b, lowestMarketTies(world).of(s.ix));
  return k === NONE ? null : relationshipAt(world, k);
}

/**
 * displaceableTie of the supplier in row `i`, as the tie's row (NONE for none), given the
 * supplier's market tie with the lowest price this step, `lowest` (lowestMarketTies).
 */
function displaceableTieAt(world: World, i: number, b: Buyer, lowest: number): number {
  const R = world.relationshipTable.cols;
  return lowest !== NONE &&
    listPriceAt(world.supplierTable.cols.cap, i, b, 'market', world) >= R.price[lowest]
    ? lowest
    : NONE;
}

/**
 * Each supplier's market tie with the lowest price this step (the first such in list order),
 * ties formed this step excluded (they have no price yet: process 2 sets it; and are not given
 * up unserved), NONE if it has none: `.of(i)` for the supplier in row i. For one pass of
 * resourceTies, during which no price or type changes and ties only end (end set) or are
 * formed (this step's, passed over), which is what the engine's LeastMembers needs to answer
 * for a supplier with thousands of lead firms without walking its list at every sampled offer.
 */
function lowestMarketTies(world: World): LeastMembers {
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  return new LeastMembers(
    (i) => S.relFirst[i],
    (i) => S.relCount[i],
    (k) => R.nextOfSupplier[k],
    (k) => R.type[k] === MARKET && R.startStep[k] !== world.step,
    (k) => R.price[k],
    (k) => R.end[k] >= 0,
  );
}

/**
 * The best quote among a few sampled suppliers that qualify and could take the buyer on (see
 * the file comment), each quote shocked at dispersion `sigma` (quoteShock): written to `best`
 * (winner's row, value, row of the tie it would give up or NONE); returns whether there is one.
 * `lowestMarket`: the pass's lowestMarketTies.
 */
function bestOutsideOffer(
  world: World,
  b: Buyer,
  rng: Rng,
  sigma: number,
  best: Offer,
  lowestMarket: LeastMembers,
): boolean {
  best.i = NONE;
  const n = world.supplierTable.length;
  if (n === 0) return false;
  const m = world.scenario.model;
  const S = world.supplierTable.cols;
  for (let c = 0; c < CANDIDATES; c++) {
    const i = randomIndex(rng, n);
    if (S.active[i] !== 1 || !meetsRequirementsAt(S.cap, i, b) || isRelatedAt(world, i, b))
      continue;
    const type = initialTypeAt(b, S.cap, i, m, false);
    let displaces = NONE;
    if (S.saturated[i] === 1) {
      if (type !== 'market') continue;
      displaces = displaceableTieAt(world, i, b, lowestMarket.of(i));
      if (displaces === NONE) continue;
    } else if (!takesOnBuyerAt(world, i, m, rng)) continue;
    const value = offerValueAt(world, i, b, type) * quoteShock(sigma, rng);
    if (best.i === NONE || value > best.value) {
      best.i = i;
      best.value = value;
      best.displaces = displaces;
    }
  }
  return best.i !== NONE;
}
