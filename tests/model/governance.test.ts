import { describe, expect, it } from 'vitest';
import {
  ghsType,
  initialType,
  judgeCapable,
  loosens,
  updateRelationshipTypes,
} from '../../src/model/governance.js';
import { suppliersOf, type World } from '../../src/model/state.js';
import { buyerOf, link, setCaps, tinyWorld } from './helpers.js';

describe('GHS determinants (ghsType)', () => {
  // Gereffi, Humphrey & Sturgeon (2005) mapped onto the four Humphrey–Schmitz types.
  it('low complexity → market whatever the other determinants', () => {
    for (const cod of [0, 0.4, 0.6, 1]) {
      for (const capable of [false, true]) {
        for (const comp of [false, true]) expect(ghsType(0.3, cod, capable, comp)).toBe('market');
      }
    }
  });

  // GHS: modular (market) when codifiable, relational (network) when tacit but complementary.
  it('high complexity: codifiable & capable → market (modular); not codifiable, capable & complementary → network', () => {
    expect(ghsType(0.8, 0.8, true, false)).toBe('market');
    expect(ghsType(0.8, 0.8, true, true)).toBe('market');
    expect(ghsType(0.8, 0.2, true, true)).toBe('network');
  });

  // GHS: captive when codifiable, hierarchy when not — missing supplier capability.
  it('high complexity, suppliers not capable: codifiable → quasi_hierarchy (captive), not codifiable → hierarchy', () => {
    expect(ghsType(0.8, 0.8, false, false)).toBe('quasi_hierarchy');
    expect(ghsType(0.8, 0.8, false, true)).toBe('quasi_hierarchy');
    expect(ghsType(0.8, 0.2, false, false)).toBe('hierarchy');
    expect(ghsType(0.8, 0.2, false, true)).toBe('hierarchy');
  });

  // GHS: no network tie without complementary design competence.
  it('capable but without complementary competence and tacit know-how stays captive', () => {
    expect(ghsType(0.8, 0.2, true, false)).toBe('quasi_hierarchy');
  });
});

describe('capability judged with hysteresis (judgeCapable)', () => {
  const world = tinyWorld();
  const m = world.scenario.model;
  const t = m.governance.capable_threshold;
  const h = m.governance.hysteresis;

  // A tie does not flip back and forth around the threshold.
  it('does not flip inside the band, flips outside it', () => {
    expect(h).toBeGreaterThan(0);
    for (const x of [t - 0.9 * h, t, t + 0.9 * h]) {
      expect(judgeCapable(x, false, m)).toBe(false);
      expect(judgeCapable(x, true, m)).toBe(true);
    }
    expect(judgeCapable(t + 1.1 * h, false, m)).toBe(true);
    expect(judgeCapable(t - 1.1 * h, true, m)).toBe(false);
  });

  // Hysteresis protects emergent ties from flipping around the capability threshold.
  it('an emergent tie keeps its type while capability wanders inside the band', () => {
    const w = tinyWorld({
      buyers: { e: { governance: 'emergent', complexity: 0.8, codifiability: 0.8 } },
    });
    const s = suppliersOf(w)[0];
    const setProd = (x: number) => setCaps(s, [x, x, 0, 0]);
    // Linked when already capable, so the tie starts market (modular) without a paced relaxation.
    setProd(t + 1.5 * h);
    const r = link(w, s, w.buyers[0]);
    updateRelationshipTypes(w);
    expect(r.type).toBe('market');
    for (const x of [t - 0.5 * h, t + 0.5 * h, t - 0.9 * h]) {
      setProd(x);
      updateRelationshipTypes(w);
      expect(r.type).toBe('market');
    }
    setProd(t - 1.5 * h);
    updateRelationshipTypes(w);
    expect(r.type).toBe('quasi_hierarchy');
    setProd(t + 0.5 * h);
    updateRelationshipTypes(w);
    expect(r.type).toBe('quasi_hierarchy');
  });

  // A new tie's type: the buyer's fixed style, or the GHS determinants for emergent buyers.
  it('initialType: fixed styles give their own type; emergent follows the determinants for ties of the initial world', () => {
    const w = tinyWorld({
      buyers: {
        q: { governance: 'quasi_hierarchy' },
        e: { governance: 'emergent', complexity: 0.8, codifiability: 0.2 },
      },
    });
    const s = suppliersOf(w)[0];
    setCaps(s, [0.9, 0.9, 0.6, 0]);
    expect(initialType(buyerOf(w, 'q'), s, w.scenario.model, true).type).toBe('quasi_hierarchy');
    expect(initialType(buyerOf(w, 'e'), s, w.scenario.model, true)).toEqual({
      type: 'network',
      capable: true,
    });
    setCaps(s, [0.2, 0.2, 0.6, 0]);
    expect(initialType(buyerOf(w, 'e'), s, w.scenario.model, true)).toEqual({
      type: 'hierarchy',
      capable: false,
    });
  });

  // GHS 2005: relational linkages rest on trust built over time, so a tie formed during the run
  // starts captive even with a capable, complementary supplier.
  it('initialType: a tie formed during the run never starts relational', () => {
    const w = tinyWorld({
      buyers: { e: { governance: 'emergent', complexity: 0.8, codifiability: 0.2 } },
    });
    const s = suppliersOf(w)[0];
    setCaps(s, [0.9, 0.9, 0.6, 0]);
    expect(initialType(buyerOf(w, 'e'), s, w.scenario.model, false)).toEqual({
      type: 'quasi_hierarchy',
      capable: true,
    });
    w.step = 5;
    expect(link(w, s, buyerOf(w, 'e')).type).toBe('quasi_hierarchy');
  });
});

describe('emergent ties turn relational over time (process 6b)', () => {
  /** n capable, design-competent suppliers in new captive ties with one emergent buyer of the given type. */
  function emergentWorld(type: 'branding' | 'sourcing', n: number, seed: number): World {
    const world = tinyWorld({
      seed,
      suppliers: n,
      buyers: { e: { governance: 'emergent', type, complexity: 0.8, codifiability: 0.2 } },
    });
    world.step = 1;
    for (const s of suppliersOf(world)) {
      setCaps(s, [0.9, 0.9, 0.6, 0]);
      link(world, s, world.buyers[0]);
    }
    return world;
  }
  const networkShare = (w: World) =>
    w.buyers[0].relationships.filter((r) => r.type === 'network').length /
    w.buyers[0].relationships.length;

  // The buyer's relaxation rate sets the pace: after one year about 1 - exp(-rate) of the ties are relational.
  it("ties whose determinants call for network turn relational at the buyer's relaxation rate, branding faster than sourcing", () => {
    const shares: Record<string, number> = {};
    for (const type of ['branding', 'sourcing'] as const) {
      const w = emergentWorld(type, 2000, 3);
      expect(networkShare(w)).toBe(0);
      for (let t = 0; t < w.scenario.time.steps_per_year; t++) {
        w.step++;
        updateRelationshipTypes(w);
      }
      shares[type] = networkShare(w);
      const expected = 1 - Math.exp(-w.scenario.model.governance.relax_rate[type]);
      expect(Math.abs(shares[type] - expected)).toBeLessThan(0.04);
    }
    expect(shares.branding).toBeGreaterThan(2 * shares.sourcing);
  });

  // Humphrey & Schmitz 2002 (proposition 4) under emergent governance too: a captive tie whose
  // supplier becomes capable turns modular (market) at the buyer type's relaxation rate.
  it('captive ties of capable suppliers turn market at the relaxation rate, branding faster than sourcing', () => {
    const shares: Record<string, number> = {};
    for (const type of ['branding', 'sourcing'] as const) {
      const w = tinyWorld({
        seed: 4,
        suppliers: 2000,
        buyers: { e: { governance: 'emergent', type, complexity: 0.8, codifiability: 0.8 } },
      });
      w.step = 1;
      for (const s of suppliersOf(w)) {
        setCaps(s, [0.3, 0.3, 0.1, 0]);
        expect(link(w, s, w.buyers[0]).type).toBe('quasi_hierarchy');
        setCaps(s, [0.9, 0.9, 0.1, 0]);
      }
      for (let t = 0; t < w.scenario.time.steps_per_year; t++) {
        w.step++;
        updateRelationshipTypes(w);
      }
      const rels = w.buyers[0].relationships;
      shares[type] = rels.filter((r) => r.type === 'market').length / rels.length;
      const expected = 1 - Math.exp(-w.scenario.model.governance.relax_rate[type]);
      expect(Math.abs(shares[type] - expected)).toBeLessThan(0.04);
    }
    expect(shares.branding).toBeGreaterThan(2 * shares.sourcing);
  });

  // Tightening is immediate: a market tie whose supplier falls below capability turns captive at once.
  it('a market tie whose supplier loses capability turns captive at once', () => {
    const w = tinyWorld({
      buyers: {
        e: { governance: 'emergent', type: 'sourcing', complexity: 0.8, codifiability: 0.8 },
      },
    });
    const s = suppliersOf(w)[0];
    setCaps(s, [0.9, 0.9, 0.1, 0]);
    const r = link(w, s, w.buyers[0]);
    expect(r.type).toBe('market');
    setCaps(s, [0.3, 0.3, 0.1, 0]);
    updateRelationshipTypes(w);
    expect(r.type).toBe('quasi_hierarchy');
  });

  it('loosens: out of captive or hierarchy, or into network', () => {
    expect(loosens('quasi_hierarchy', 'market')).toBe(true);
    expect(loosens('hierarchy', 'market')).toBe(true);
    expect(loosens('quasi_hierarchy', 'network')).toBe(true);
    expect(loosens('market', 'quasi_hierarchy')).toBe(false);
    expect(loosens('network', 'quasi_hierarchy')).toBe(false);
    expect(loosens('quasi_hierarchy', 'hierarchy')).toBe(false);
  });

  // Only the move into network is paced; losing the capability ends a relational tie at once.
  it('a relational tie whose supplier loses its design competence turns captive at once', () => {
    const w = emergentWorld('branding', 1, 1);
    const r = w.buyers[0].relationships[0];
    r.type = 'network';
    setCaps(suppliersOf(w)[0], [0.9, 0.9, 0.1, 0]);
    updateRelationshipTypes(w);
    expect(r.type).toBe('quasi_hierarchy');
  });
});

describe('relaxation of quasi-hierarchical ties (process 6b)', () => {
  /** n capable, design-competent suppliers each in a captive tie with one buyer of the given type. */
  function captiveWorld(
    type: 'branding' | 'sourcing',
    n: number,
    seed: number,
    caps = [0.9, 0.9, 0.6, 0],
  ): World {
    const world = tinyWorld({
      seed,
      suppliers: n,
      buyers: { q: { governance: 'quasi_hierarchy', type } },
    });
    for (const s of suppliersOf(world)) {
      setCaps(s, caps);
      s.topBuyerShare = 0.9;
      link(world, s, world.buyers[0], 'quasi_hierarchy', 0.9);
    }
    return world;
  }

  function relaxedShare(world: World, steps: number): number {
    for (let t = 0; t < steps; t++) {
      world.step++;
      updateRelationshipTypes(world);
    }
    const rels = world.buyers[0].relationships;
    return rels.filter((r) => r.type !== 'quasi_hierarchy').length / rels.length;
  }

  // Humphrey & Schmitz 2002 proposition 4: branding buyers let capable suppliers go faster than sourcing buyers.
  it('a capable, design-competent supplier relaxes to network faster under a branding than a sourcing buyer', () => {
    let branding = 0;
    let sourcing = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const b = captiveWorld('branding', 100, seed);
      const s = captiveWorld('sourcing', 100, seed);
      branding += relaxedShare(b, 8);
      sourcing += relaxedShare(s, 8);
      // Complementary design competence: they become network ties.
      for (const r of b.buyers[0].relationships)
        expect(['quasi_hierarchy', 'network']).toContain(r.type);
    }
    expect(branding / 5).toBeGreaterThan(0.25);
    expect(sourcing / 5).toBeLessThan(0.2);
    expect(branding).toBeGreaterThan(2 * sourcing);
    expect(sourcing).toBeGreaterThan(0);
  });

  // Humphrey & Schmitz proposition 4: relaxation needs a capable supplier.
  it('a supplier that is not capable never relaxes', () => {
    const world = captiveWorld('branding', 50, 1, [0.4, 0.4, 0.9, 0]);
    expect(relaxedShare(world, 40)).toBe(0);
  });

  // Relaxation target: network needs design competence; otherwise market, and only with exit options.
  it('a capable dependent supplier without design competence stays captive; with exit options it relaxes to market', () => {
    const world = captiveWorld('branding', 50, 2, [0.9, 0.9, 0.1, 0]);
    expect(relaxedShare(world, 40)).toBe(0);
    for (const s of suppliersOf(world)) s.topBuyerShare = 0.3;
    expect(relaxedShare(world, 40)).toBeGreaterThan(0.5);
    for (const r of world.buyers[0].relationships)
      expect(['quasi_hierarchy', 'market']).toContain(r.type);
  });

  // Only captive ties relax; fixed market and network styles stay as they are.
  it('fixed market and network ties never change type', () => {
    for (const type of ['market', 'network'] as const) {
      const world = tinyWorld({ suppliers: 20, buyers: { b: { governance: type } } });
      for (const s of suppliersOf(world)) {
        setCaps(s, [0.9, 0.9, 0.9, 0.9]);
        link(world, s, world.buyers[0]);
      }
      relaxedShare(world, 20);
      for (const r of world.buyers[0].relationships) expect(r.type).toBe(type);
    }
  });
});
