/**
 * Process 7 — a supplier's diversification intent as a dependence target: it wants another
 * lead firm while its top-buyer share is above 1 − diversify·(1 − buyer_share_floor), takes on
 * an approaching buyer then, and otherwise only rarely; its search slows once the target is met.
 */
import { describe, expect, it } from 'vitest';
import { alea } from 'seedrandom';
import { dependenceTarget } from '../../src/model/orders.js';
import {
  dropAndRecruit,
  searchRate,
  takesOnBuyer,
  wantsAnotherBuyer,
} from '../../src/model/search.js';
import { suppliersOf, type World } from '../../src/model/state.js';
import { buyerOf, link, setCaps, tinyWorld } from './helpers.js';

const world = (diversify: number, suppliers = 1): World =>
  tinyWorld({
    suppliers,
    supplier: { intent: { diversify } },
    buyers: { lead: { governance: 'quasi_hierarchy', count: 3, suppliers_target: 1000 } },
  });

describe('dependence target', () => {
  it('is the per-buyer limit as a share: 1 at intent 0, the floor at intent 1', () => {
    const floor = world(0).scenario.model.orders.buyer_share_floor;
    expect(dependenceTarget(suppliersOf(world(0))[0], world(0).scenario.model)).toBe(1);
    const w1 = world(1);
    expect(dependenceTarget(suppliersOf(w1)[0], w1.scenario.model)).toBeCloseTo(floor, 12);
    const w3 = world(0.3);
    expect(dependenceTarget(suppliersOf(w3)[0], w3.scenario.model)).toBeCloseTo(
      1 - 0.3 * (1 - floor),
      12,
    );
  });

  it('a supplier wants another buyer with none, or above its target; never at intent 0', () => {
    const w = world(0.5);
    const s = suppliersOf(w)[0];
    const m = w.scenario.model;
    expect(wantsAnotherBuyer(s, m)).toBe(true); // no lead firm yet
    link(w, s, w.buyers[0]);
    const target = dependenceTarget(s, m);
    s.topBuyerShare = target + 0.01;
    expect(wantsAnotherBuyer(s, m)).toBe(true);
    s.topBuyerShare = target;
    expect(wantsAnotherBuyer(s, m)).toBe(false);
    const zero = world(0);
    expect(wantsAnotherBuyer(suppliersOf(zero)[0], zero.scenario.model)).toBe(false);
  });
});

describe('consent and search once the target is met', () => {
  it('takes an approach always while it wants a buyer, without drawing', () => {
    const w = world(0.2);
    const rng = alea('x');
    const probe = alea('x');
    expect(takesOnBuyer(suppliersOf(w)[0], w.scenario.model, rng)).toBe(true);
    expect(rng()).toBe(probe()); // nothing was drawn
  });

  it('then accepts at rate diversify with idle capacity and diversify² when fully booked', () => {
    const w = world(0.4);
    const s = suppliersOf(w)[0];
    const m = w.scenario.model;
    link(w, s, w.buyers[0]);
    s.topBuyerShare = 0.1; // well below the target
    const rate = (saturated: boolean) => {
      s.saturated = saturated;
      const rng = alea('consent');
      let yes = 0;
      for (let i = 0; i < 20000; i++) if (takesOnBuyer(s, m, rng)) yes++;
      return yes / 20000;
    };
    expect(rate(false)).toBeCloseTo(0.4, 1);
    expect(rate(true)).toBeCloseTo(0.16, 1);
  });

  it('searches at rate x diversify while it wants a buyer and at rate x diversify² after', () => {
    const w = world(0.5);
    const s = suppliersOf(w)[0];
    const m = w.scenario.model;
    expect(searchRate(s, m)).toBeCloseTo(m.search.rate * 0.5, 12);
    link(w, s, w.buyers[0]);
    s.topBuyerShare = 0.2;
    expect(searchRate(s, m)).toBeCloseTo(m.search.rate * 0.25, 12);
  });
});

describe('recruitment (process 7b)', () => {
  // Schmitz 1999: Sinos exporters loyal to one buyer turned others away, however often asked.
  it('a loyal supplier that meets its target is not worn down by repeated approaches; a diversifier is recruited', () => {
    const run = (diversify: number) => {
      const w = world(diversify, 200);
      for (const s of suppliersOf(w)) {
        setCaps(s, [0.6, 0.6, 0.1, 0]);
        link(w, s, buyerOf(w, 'lead'));
        // One buyer takes 80% of sales; the rest goes to the supplier's own channels.
        s.topBuyerShare = 0.8;
        s.saturated = true;
      }
      for (let t = 1; t <= 100; t++) {
        w.step = t;
        dropAndRecruit(w);
      }
      return (
        suppliersOf(w).filter((s) => s.relationships.length > 1).length / suppliersOf(w).length
      );
    };
    // The two other buyers make 2 x 100 approaches to 200 suppliers.
    // Intent 0.05: target 0.965, so 0.8 is within it; consent 0.05² per approach.
    expect(run(0.05)).toBeLessThan(0.02);
    // Intent 0.9: target 0.37, so every supplier wants another buyer and takes the first that asks.
    expect(run(0.9)).toBeGreaterThan(0.45);
  });

  it('a buyer takes on the most capable supplier that is willing, not only the most capable one', () => {
    const w = tinyWorld({
      suppliers: 2,
      supplier: { intent: { diversify: 0.05 } },
      buyers: { lead: { governance: 'quasi_hierarchy', count: 2, suppliers_target: 5 } },
    });
    const [able, willing] = suppliersOf(w);
    setCaps(able, [0.9, 0.9, 0.1, 0]);
    setCaps(willing, [0.5, 0.5, 0.1, 0]);
    // The abler one already sells within its target to the other buyer; the other has no buyer.
    link(w, able, w.buyers[1]);
    able.topBuyerShare = 0.5;
    able.saturated = true;
    for (let t = 1; t <= 30 && w.buyers[0].relationships.length === 0; t++) {
      w.step = t;
      dropAndRecruit(w);
    }
    expect(w.buyers[0].relationships.map((r) => r.supplier.ix)).toContain(willing.ix);
  });
});
