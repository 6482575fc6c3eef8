/**
 * Row forms by supplier row: the hot loops of orders (1b), relationship types (6b), search (7a),
 * recruitment (7b) and re-sourcing (7e) read a supplier's fields from its row of the columns
 * (`fooAt(…, i, …)`). An index slip (`4 x i + f` read at the wrong row or function) would go
 * unnoticed at row 0, so every row of a five-supplier world is compared with what the state's
 * own inputs say (relatedness, intent, capability) or with the same function at row 0 of a
 * one-supplier world holding that supplier's values (the object forms call the row forms
 * with the supplier's own row, so comparing the two would compare a function with itself).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeStream } from '../../src/engine/rng.js';
import { initialType, initialTypeAt, startsCapableAt } from '../../src/model/governance.js';
import {
  allocateOrders,
  dependenceTarget,
  diversifyAt,
  perBuyerLimit,
  allocationScore,
} from '../../src/model/orders.js';
import { listPrice, listPriceAt } from '../../src/model/prices.js';
import { isRelated, isRelatedAt } from '../../src/model/relationships.js';
import {
  meetsRequirements,
  meetsRequirementsAt,
  takesOnBuyer,
  takesOnBuyerAt,
} from '../../src/model/search.js';
import {
  suppliersOf,
  productionCapability,
  productionCapabilityAt,
  type Buyer,
  type Supplier,
  type World,
} from '../../src/model/state.js';
import { RELATIONSHIP_TYPES } from '../../src/scenario/parameters.js';
import { buyerOf, link, setCaps, setIntent, tinyWorld } from './helpers.js';

const N = 5;
// fc.double favours the ends of the range (0, 1, tiny values); the grid adds values spread over it.
const unit = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 0, max: 1000 }).map((x) => x / 1000),
);

/** A random state of N suppliers and three buyers (emergent, captive and market styles). */
const state = fc.record({
  caps: fc.array(fc.array(unit, { minLength: 4, maxLength: 4 }), { minLength: N, maxLength: N }),
  // Diversify 0 (a loyal supplier: no draw) for about a third of the suppliers.
  diversify: fc.array(fc.oneof(fc.constant(0), unit), { minLength: N, maxLength: N }),
  topShare: fc.array(unit, { minLength: N, maxLength: N }),
  saturated: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
  links: fc.array(fc.boolean(), { minLength: 3 * N, maxLength: 3 * N }),
  requirements: fc.array(unit, { minLength: 2, maxLength: 2 }),
  predatesRun: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

type State = typeof state extends fc.Arbitrary<infer T> ? T : never;

const BUYERS = {
  e: { governance: 'emergent', complexity: 0.8, codifiability: 0.2, suppliers_target: 9 },
  q: { governance: 'quasi_hierarchy', suppliers_target: 9 },
  m: { governance: 'market', suppliers_target: 9 },
};

/** A world of `n` suppliers and the three buyers, the first buyer's requirements from the state. */
function buyersWorld(st: State, n: number) {
  const world = tinyWorld({ suppliers: n, buyers: BUYERS });
  const buyers = [buyerOf(world, 'e'), buyerOf(world, 'q'), buyerOf(world, 'm')];
  buyers[0].requirements.process = st.requirements[0];
  buyers[0].requirements.product = st.requirements[1];
  return { world, buyers };
}

/**
 * Gives supplier `s` of `world` supplier i's values from the state: capabilities, intent, links
 * to the three buyers, and (after the links, which do not touch them; the orders recompute
 * them) top-buyer share and saturation.
 */
function assign(world: World, buyers: Buyer[], s: Supplier, st: State, i: number): void {
  setCaps(s, st.caps[i]);
  setIntent(world, s, { diversify: st.diversify[i] });
  buyers.forEach((b, j) => {
    if (st.links[N * j + i]) link(world, s, b);
  });
  s.topBuyerShare = st.topShare[i];
  s.saturated = st.saturated[i];
}

function worldOf(st: State) {
  const { world, buyers } = buyersWorld(st, N);
  suppliersOf(world).forEach((s, i) => assign(world, buyers, s, st, i));
  return { world, buyers };
}

/** A one-supplier world (same buyers) whose supplier, at row 0, has supplier i's values. */
function soloOf(st: State, i: number) {
  const { world, buyers } = buyersWorld(st, 1);
  const s = suppliersOf(world)[0];
  assign(world, buyers, s, st, i);
  return { world, buyers, s };
}

describe('row forms give the object forms’ results for every supplier row', () => {
  it('capability, screening, type of a new tie, relatedness, list price, intent and consent', () => {
    fc.assert(
      fc.property(state, (st) => {
        const { world, buyers } = worldOf(st);
        const m = world.scenario.model;
        const S = world.supplierTable.cols;
        for (const s of suppliersOf(world)) {
          const i = s.ix;
          const solo = soloOf(st, i);
          const own = solo.s;
          const O = solo.world.supplierTable.cols;
          expect(productionCapabilityAt(S.cap, i)).toBe(0.5 * (st.caps[i][0] + st.caps[i][1]));
          expect(productionCapability(s)).toBe(productionCapabilityAt(S.cap, i));
          expect(diversifyAt(world, i)).toBe(st.diversify[i]);
          buyers.forEach((b, j) => {
            const alone = solo.buyers[j];
            const meets =
              st.caps[i][0] >= b.requirements.process && st.caps[i][1] >= b.requirements.product;
            expect(meetsRequirementsAt(S.cap, i, b)).toBe(meets);
            expect(meetsRequirements(s, b)).toBe(meets);
            expect(isRelatedAt(world, i, b)).toBe(st.links[N * j + i]);
            expect(isRelated(world, s, b)).toBe(st.links[N * j + i]);
            const type = initialTypeAt(b, S.cap, i, m, st.predatesRun);
            expect(type).toBe(initialType(alone, own, m, st.predatesRun).type);
            expect(type).toBe(initialTypeAt(alone, O.cap, 0, m, st.predatesRun));
            expect(startsCapableAt(S.cap, i, m)).toBe(startsCapableAt(O.cap, 0, m));
            for (const type of RELATIONSHIP_TYPES)
              expect(listPriceAt(S.cap, i, b, type, world)).toBe(
                listPrice(own, alone, type, solo.world),
              );
          });
          // The same answers from the same stream, and the same number of draws taken from it
          // (several approaches, so draws between diversify² and diversify tell saturation apart).
          const rowRng = makeStream(st.seed, 'row');
          const soloRng = makeStream(st.seed, 'row');
          for (let approach = 0; approach < 20; approach++)
            expect(takesOnBuyerAt(world, i, m, rowRng)).toBe(takesOnBuyer(own, m, soloRng));
          expect(rowRng()).toBe(soloRng());
        }
      }),
      { numRuns: 100 },
    );
  });

  it('orders: the scores and per-buyer limit kept by row are the object forms’', () => {
    fc.assert(
      fc.property(state, (st) => {
        const { world } = worldOf(st);
        const m = world.scenario.model;
        const S = world.supplierTable.cols;
        const R = world.relationshipTable.cols;
        for (const b of world.buyers) b.demand = 3;
        allocateOrders(world);
        for (const s of suppliersOf(world)) {
          if (s.relationshipCount === 0) continue;
          const own = soloOf(st, s.ix).s;
          own.size = s.size;
          // The score of each relationship, from the appeal computed by row, is its object form.
          for (const r of s.relationships) expect(R.score[r.ix]).toBe(allocationScore(r, world));
          expect(S.buyerLimit[s.ix]).toBe(perBuyerLimit(own, m));
          expect(S.buyerLimit[s.ix]).toBe(s.size * dependenceTarget(own, m));
        }
      }),
      { numRuns: 50 },
    );
  });
});
