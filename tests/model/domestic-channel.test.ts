/**
 * Process 7c — the domestic channel. The supplier compares the price of its own channels with
 * the average price it got from lead firms this step; that average must cover every tie that
 * delivered this step, including one that ended afterwards (succession, a drop, re-sourcing),
 * or the export price would look lower than it was and push capacity into the domestic channel.
 */
import { describe, expect, it } from 'vitest';
import { allocateOrders } from '../../src/model/orders.js';
import { settlePricesAndMargins } from '../../src/model/prices.js';
import { endRelationship } from '../../src/model/relationships.js';
import { adjustDomesticReserve } from '../../src/model/search.js';
import { suppliersOf, type World } from '../../src/model/state.js';
import { buyerOf, link, setCaps, tinyWorld } from './helpers.js';

/** One supplier selling to a cheap and a dear market buyer, orders placed and priced for this step. */
function pricedWorld(): World {
  const world = tinyWorld({
    supplier: { intent: { diversify: 0, domestic: 0.1 } },
    buyers: {
      // A sophisticated buyer pays a segment premium, so the two ties differ in price.
      dear: { governance: 'market', sophistication: 0.9, suppliers_target: 1 },
      cheap: { governance: 'market', sophistication: 0.1, suppliers_target: 1 },
    },
    environment: { domestic_market: { size: 0.05, price: 1 } },
  });
  const s = suppliersOf(world)[0];
  setCaps(s, [0.6, 0.6, 0.2, 0.3]);
  link(world, s, buyerOf(world, 'dear'));
  link(world, s, buyerOf(world, 'cheap'));
  world.step = 1;
  allocateOrders(world);
  settlePricesAndMargins(world);
  return world;
}

describe('domestic channel (process 7c)', () => {
  it('a tie that ended after delivering this step still counts in the export price', () => {
    const kept = pricedWorld();
    const ended = pricedWorld();
    const s = suppliersOf(ended)[0];
    const dear = s.relationships.find((r) => r.buyer.group === 'dear')!;
    expect(dear.volume).toBeGreaterThan(0);
    expect(dear.price).toBeGreaterThan(s.relationships.find((r) => r.ix !== dear.ix)!.price);
    endRelationship(ended, dear.ix, 'succession');
    adjustDomesticReserve(kept);
    adjustDomesticReserve(ended);
    // The decision reads this step's deliveries, whatever became of the ties since.
    expect(suppliersOf(ended)[0].domesticReserve).toBe(suppliersOf(kept)[0].domesticReserve);
  });

  it('the export price it compares is revenue from lead firms over volume sold to them', () => {
    const world = pricedWorld();
    const s = suppliersOf(world)[0];
    let revenue = 0;
    for (const r of s.relationships) revenue += r.price * r.volume;
    expect(s.exportRevenue).toBeCloseTo(revenue, 12);
    expect(s.exportVolume).toBeGreaterThan(0);
  });
});
