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
import { normal, randomIndex, type Rng } from '../engine/rng.js';
import { initialType } from './governance.js';
import { listPrice } from './prices.js';
import { endRelationship, isRelated, linkSupplierToBuyer } from './relationships.js';
import { meetsRequirements, meetsRequirementsAt, takesOnBuyer } from './search.js';
import {
  productionCapability,
  stepProbability,
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
  const B = world.buyerTable.cols;
  const R = world.relationshipTable.cols;
  for (const b of world.buyers) {
    // A review may end tie k (it leaves the list: read its next first) and add a tie at the end
    // of the list. A tie formed this step (by search, recruitment, or a re-sourcing or swap of
    // this process) is not reviewed until the next, so the walk passes over the added ones
    // without a draw, as a walk over a copy of the list made before the reviews would. No
    // other tie of b's list ends meanwhile (best.displaces is a tie of a supplier not related
    // to b), so `next` stays in the list.
    for (let k = B.relFirst[b.id], next; k !== NONE; k = next) {
      next = R.nextOfBuyer[k];
      if (R.startStep[k] === world.step || rng() >= review) continue;
      const r = world.relationships.byRow[k];
      const best = bestOutsideOffer(world, b, rng);
      if (!best) continue;
      const incumbent = offerValue(r.supplier, b, r.type, world) * quoteShock(world, rng);
      if (!outbids(r, incumbent, best.value, world)) continue;
      const incumbentSupplier = r.supplier;
      endRelationship(world, r, 're_sourced');
      linkSupplierToBuyer(world, best.supplier, b);
      if (best.displaces) {
        // The displaced customer takes on the capacity just freed, if that supplier qualifies:
        // in a thick arm's-length market the two buyers have, in effect, swapped suppliers.
        const displacedBuyer = best.displaces.buyer;
        endRelationship(world, best.displaces, 'displaced');
        if (
          meetsRequirements(incumbentSupplier, displacedBuyer) &&
          !isRelated(world, incumbentSupplier, displacedBuyer)
        )
          linkSupplierToBuyer(world, incumbentSupplier, displacedBuyer);
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
  const R = world.relationshipTable.cols;
  let lowest = NONE;
  for (let k = world.supplierTable.cols.relFirst[s.ix]; k !== NONE; k = R.nextOfSupplier[k]) {
    // A tie formed this step has no price yet (process 2 sets it) and is not given up unserved.
    if (R.type[k] !== MARKET || R.startStep[k] === world.step) continue;
    if (lowest === NONE || R.price[k] < R.price[lowest]) lowest = k;
  }
  return lowest !== NONE && listPrice(s, b, 'market', world) >= R.price[lowest]
    ? world.relationships.byRow[lowest]
    : null;
}

/**
 * The best quote among a few sampled suppliers that qualify and could take the buyer on (see
 * the file comment), with the tie the winner would give up for it, or null.
 */
function bestOutsideOffer(
  world: World,
  b: Buyer,
  rng: Rng,
): { supplier: Supplier; value: number; displaces: Relationship | null } | null {
  const n = world.suppliers.length;
  if (n === 0) return null;
  const m = world.scenario.model;
  let best: { supplier: Supplier; value: number; displaces: Relationship | null } | null = null;
  const S = world.supplierTable.cols;
  for (let c = 0; c < CANDIDATES; c++) {
    const i = randomIndex(rng, n);
    // The columns first: the supplier's object is loaded only for a candidate that qualifies.
    if (S.active[i] !== 1 || !meetsRequirementsAt(S.cap, i, b)) continue;
    const s = world.suppliers[i];
    if (isRelated(world, s, b)) continue;
    const type = initialType(b, s, m, false).type;
    let displaces: Relationship | null = null;
    if (s.saturated) {
      if (type !== 'market') continue;
      displaces = displaceableTie(s, b, world);
      if (!displaces) continue;
    } else if (!takesOnBuyer(s, m, rng)) continue;
    const value = offerValue(s, b, type, world) * quoteShock(world, rng);
    if (!best || value > best.value) best = { supplier: s, value, displaces };
  }
  return best;
}
