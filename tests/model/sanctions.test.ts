import { describe, expect, it } from 'vitest';
import {
  encroachment,
  irreplaceability,
  respondToEncroachment,
  sanctionHazard,
} from '../../src/model/sanctions.js';
import { suppliersOf, type Relationship, type World } from '../../src/model/state.js';
import type { RelationshipType } from '../../src/scenario/parameters.js';
import { addTie, link, partnerOf, setCaps, tinyWorld } from './helpers.js';

/**
 * One supplier selling 90% of its output to a guarding, closely monitoring buyer. Its
 * production capability sits exactly at the buyer's requirements and the tie is new, so the
 * buyer could replace it at no cost (irreplaceability 0).
 */
function guardedWorld(opts: {
  design: number;
  type?: RelationshipType;
  seed?: number;
  rate?: number;
  memoryYears?: number;
  stepsPerYear?: number;
}) {
  const world = tinyWorld({
    seed: opts.seed ?? 1,
    stepsPerYear: opts.stepsPerYear,
    buyers: {
      q: {
        governance: 'quasi_hierarchy',
        guards: ['design', 'marketing'],
        monitoring: 1,
        requirements: { process: 0.5, product: 0.5 },
      },
    },
    partners: { uni: { kind: 'university' } },
    model: { sanctions: { rate: opts.rate ?? 4, memory_years: opts.memoryYears ?? 3 } },
    environment: { standards_growth: 0 },
  });
  const s = suppliersOf(world)[0];
  setCaps(s, [0.5, 0.5, opts.design, 0]);
  const r = link(world, s, world.buyers[0], opts.type ?? 'quasi_hierarchy', 0.9);
  return { world, s, r };
}

/** Run the sanction process step by step (nothing else changes), recording the weight after each. */
function runSanctions(world: World, r: Relationship, steps: number): number[] {
  const weights: number[] = [];
  for (let t = 0; t < steps; t++) {
    world.step++;
    respondToEncroachment(world);
    weights.push(r.weight);
  }
  return weights;
}

describe('lead-firm response to encroachment (process 6a)', () => {
  // Process 6 (docs/ODD.md §7.7): a guarding buyer cuts a dependent encroaching supplier's orders, then drops it.
  it('a guarding quasi-hierarchical buyer first cuts the weight of an encroaching supplier, then ends the tie', () => {
    let cutThenEnded = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { world, s, r } = guardedWorld({ design: 0.9, seed });
      expect(encroachment(s, r.buyer, world)).toBeGreaterThan(0.5);
      expect(irreplaceability(r, world)).toBe(0);
      const cut = world.scenario.model.sanctions.order_cut;
      let firstCut = -1;
      for (let t = 0; t < 200 && !r.ended; t++) {
        world.step++;
        const before = r.weight;
        respondToEncroachment(world);
        if (firstCut < 0 && !r.ended && r.weight < before) {
          firstCut = world.step;
          // The first sanction halves (order_cut) the weight and keeps the relationship.
          expect(r.weight).toBeCloseTo(before * (1 - cut), 12);
          expect(s.relationships.map((x) => x.ix)).toContain(r.ix);
          expect(world.counters.sanctions).toBe(1);
        }
      }
      expect(r.ended).toBe(true);
      expect(firstCut).toBeGreaterThan(0);
      // Ended on both sides.
      expect(s.relationships.map((x) => x.ix)).not.toContain(r.ix);
      expect(r.buyer.relationships.map((x) => x.ix)).not.toContain(r.ix);
      expect(world.counters.sanctions).toBeGreaterThanOrEqual(2);
      cutThenEnded++;
    }
    expect(cutThenEnded).toBe(20);
  });

  // The column holds a never-sanctioned tie's -Infinity as the least Int32 (state.ts
  // NEVER_SANCTIONED): the first sanction must still only cut, at the longest memory in steps the
  // parameter ranges allow (100 years of 365 steps), where a sentinel such as -1 would end the tie.
  it('a first sanction only cuts, even with the longest sanction memory the ranges allow', () => {
    const { world, r } = guardedWorld({
      design: 0.9,
      rate: 40,
      memoryYears: 100,
      stepsPerYear: 365,
    });
    expect(r.lastSanctionStep).toBe(Number.NEGATIVE_INFINITY);
    let firstCut = -1;
    for (let t = 0; t < 5000 && firstCut < 0; t++) {
      world.step++;
      const before = r.weight;
      respondToEncroachment(world);
      if (r.ended || r.weight < before) firstCut = world.step;
    }
    expect(firstCut).toBeGreaterThan(0);
    expect(r.ended).toBe(false);
    expect(r.lastSanctionStep).toBe(firstCut);
    // The next one, within the memory, ends the tie.
    for (let t = 0; t < 5000 && !r.ended; t++) {
      world.step++;
      respondToEncroachment(world);
    }
    expect(r.ended).toBe(true);
  });

  // Sanction memory: cut order weights recover toward 1 over time.
  it('weights cut by a sanction recover toward 1 over the sanction memory', () => {
    const { world, r } = guardedWorld({ design: 0.3 });
    r.weight = 0.5;
    const weights = runSanctions(world, r, 40);
    for (let i = 1; i < weights.length; i++) expect(weights[i]).toBeGreaterThan(weights[i - 1]);
    expect(weights[weights.length - 1]).toBeGreaterThan(0.9);
    expect(weights[weights.length - 1]).toBeLessThanOrEqual(1);
  });

  // Humphrey & Schmitz / Firm Y: a supplier the buyer cannot easily replace is safer.
  it('an irreplaceable supplier (long tenure, capability far above requirements) faces a lower hazard', () => {
    const a = guardedWorld({ design: 0.9 });
    const b = guardedWorld({ design: 0.9 });
    // Same encroachment; b is a ten-year supplier far above the buyer's requirements.
    setCaps(b.s, [0.95, 0.95, 0.9, 0]);
    b.world.step = 40;
    a.world.step = 40;
    a.r.startStep = 40;
    b.r.startStep = 0;
    expect(encroachment(b.s, b.r.buyer, b.world)).toBe(encroachment(a.s, a.r.buyer, a.world));
    expect(irreplaceability(b.r, b.world)).toBeGreaterThan(0.8);
    expect(sanctionHazard(b.r, b.world)).toBeLessThan(0.2 * sanctionHazard(a.r, a.world));
    expect(sanctionHazard(a.r, a.world)).toBeGreaterThan(0);
  });

  // Kang & Kim 2023: a trusted strategic network makes the supplier harder to replace.
  it('strategic network backing lowers the sanction hazard', () => {
    const a = guardedWorld({ design: 0.9 });
    const b = guardedWorld({ design: 0.9 });
    addTie(b.world, b.s, partnerOf(b.world, 'uni'), 1);
    addTie(b.world, b.s, partnerOf(b.world, 'uni'), 1);
    expect(irreplaceability(b.r, b.world)).toBeGreaterThan(0);
    expect(sanctionHazard(b.r, b.world)).toBeLessThan(sanctionHazard(a.r, a.world));
  });

  // Only captive ties are policed: a market buyer never sanctions, however much the supplier encroaches.
  it.each(['market', 'network', 'hierarchy'] as const)('a %s tie is never sanctioned', (type) => {
    const { world, r } = guardedWorld({ design: 1, type, rate: 50 });
    const weights = runSanctions(world, r, 200);
    expect(r.ended).toBe(false);
    expect(weights.every((w) => w === 1)).toBe(true);
    expect(world.counters.sanctions).toBe(0);
  });

  // Sanctions respond only to encroachment on the buyer's core functions.
  it('a non-encroaching supplier is never sanctioned', () => {
    const { world, s, r } = guardedWorld({ design: 0.44, rate: 50 });
    expect(encroachment(s, r.buyer, world)).toBe(0);
    expect(sanctionHazard(r, world)).toBe(0);
    runSanctions(world, r, 200);
    expect(r.ended).toBe(false);
    expect(r.weight).toBe(1);
    expect(world.counters.sanctions).toBe(0);
  });

  // A buyer guarding marketing sees own-brand sales as encroachment; one not guarding it does not.
  it('own-brand sales count as encroachment only for a buyer that guards marketing', () => {
    const { world, s, r } = guardedWorld({ design: 0 });
    s.exportVolume = 0.6;
    s.domesticVolume = 0.4;
    // Own-brand share of sales 0.25 is full encroachment, 0.125 half (the share is scaled by 4).
    s.ownBrandVolume = 0.25;
    expect(encroachment(s, r.buyer, world)).toBeCloseTo(1, 12);
    s.ownBrandVolume = 0.125;
    expect(encroachment(s, r.buyer, world)).toBeCloseTo(0.5, 12);
    r.buyer.guards[3] = false;
    expect(encroachment(s, r.buyer, world)).toBe(0);
  });

  // Encroachment: only guarded functions count, rising from the threshold to 1.
  it('encroachment rises with guarded capability above the threshold and ignores unguarded functions', () => {
    const { world, s, r } = guardedWorld({ design: 0.2 });
    const m = world.scenario.model;
    const t = m.sanctions.encroach_threshold;
    const at = (d: number) => (setCaps(s, [0.5, 0.5, d, 0]), encroachment(s, r.buyer, world));
    expect(at(t)).toBe(0);
    expect(at(t + 0.1)).toBeGreaterThan(0);
    expect(at(t + 0.2)).toBeGreaterThan(at(t + 0.1));
    expect(at(1)).toBe(1);
    r.buyer.guards[2] = false;
    expect(at(1)).toBe(0);
  });
});
