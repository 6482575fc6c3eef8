import { describe, expect, it } from 'vitest';
import { endRelationship, isRelated } from '../../src/model/relationships.js';
import { suppliersOf, type World } from '../../src/model/state.js';
import { link, tinyWorld } from './helpers.js';

/**
 * Counts the list steps taken while `fn` runs: reads of the relationships' next links along
 * suppliers' and buyers' lists.
 */
function listSteps(world: World, fn: () => void): number {
  // Swapped for counting proxies, and back (the columns are read-only to the model).
  const R = world.relationshipTable.cols as unknown as Record<
    'nextOfSupplier' | 'nextOfBuyer',
    Int32Array
  >;
  const saved = { s: R.nextOfSupplier, b: R.nextOfBuyer };
  let steps = 0;
  const counted = (a: Int32Array) =>
    new Proxy(a, {
      get(target, p) {
        if (typeof p === 'string' && /^\d+$/.test(p)) steps++;
        return Reflect.get(target, p) as unknown;
      },
    });
  R.nextOfSupplier = counted(saved.s);
  R.nextOfBuyer = counted(saved.b);
  try {
    fn();
  } finally {
    R.nextOfSupplier = saved.s;
    R.nextOfBuyer = saved.b;
  }
  return steps;
}

describe('isRelated', () => {
  // One supplier with many lead firms, and one lead firm with many suppliers: the lopsided
  // lists of a world with many more buyers than suppliers, and the other way round.
  const world = tinyWorld({
    suppliers: 60,
    buyers: { many: { count: 60, suppliers_target: 100 } },
  });
  const [hub, ...others] = suppliersOf(world);
  const [bigBuyer, ...smallBuyers] = world.buyers;
  for (const b of smallBuyers) link(world, hub, b);
  for (const s of others) link(world, s, bigBuyer);
  // A few ended ones, which leave both lists.
  const ended = [world.supplierTable.cols.relFirst[hub.ix], world.buyerTable.cols.relFirst[0]];
  for (const k of ended) endRelationship(world, k, 'dropped_requirements');

  it('says whether a supplier and a buyer are related, whichever list is the longer', () => {
    for (const s of suppliersOf(world))
      for (const b of world.buyers) {
        let related = false;
        for (let k = 0; k < world.relationshipTable.length; k++) {
          const R = world.relationshipTable.cols;
          if (R.end[k] < 0 && R.supplier[k] === s.ix && R.buyer[k] === b.id) related = true;
        }
        expect(isRelated(world, s, b)).toBe(related);
      }
  });

  it('walks the shorter of the two lists', () => {
    // The hub has 58 lead firms, each of those at most one supplier: at most one step, not up
    // to 58 (the walk of the hub's list).
    for (const b of smallBuyers)
      expect(listSteps(world, () => isRelated(world, hub, b))).toBeLessThanOrEqual(1);
    // The big buyer has 58 suppliers, each of those at most one buyer.
    for (const s of others)
      expect(listSteps(world, () => isRelated(world, s, bigBuyer))).toBeLessThanOrEqual(1);
  });
});
