import { describe, expect, it } from 'vitest';
import {
  dissolveAllTies,
  learnFromNetwork,
  networkBacking,
  spilloverDamping,
  tiesOf,
  updateTies,
} from '../../src/model/networks.js';
import { allocateOrders, effectiveMarketing, ownBrandFraction } from '../../src/model/orders.js';
import { suppliersOf, DESIGN, MARKETING, PROCESS, PRODUCT } from '../../src/model/state.js';
import { addTie, gainOf, partnerOf, setCaps, tinyWorld } from './helpers.js';

describe('strategic network (processes 4 and 7c)', () => {
  // Firm I / Firm S (Kang & Kim 2023): a sales agent performs marketing the supplier lacks.
  it('a sales agent tie covers marketing with know-how × trust, enabling own-brand sales with zero own marketing', () => {
    const world = tinyWorld({
      supplier: { capabilities: { marketing: { mean: 0, sd: 0 }, design: { mean: 0.7, sd: 0 } } },
      partners: { agents: { kind: 'sales_agent' } },
      model: { partner_profiles: { sales_agent: { marketing: 0.9 } } },
      environment: { domestic_market: { size: 1 } },
    });
    const s = suppliersOf(world)[0];
    const agent = partnerOf(world, 'agents');
    const m = world.scenario.model;
    expect(s.cap[MARKETING]).toBe(0);
    expect(ownBrandFraction(s, m)).toBe(0);

    addTie(world, s, agent, 0.8);
    learnFromNetwork(world);
    expect(s.marketingCoverage).toBeCloseTo(0.9 * 0.8, 15);
    // Own marketing stays far below the own-brand threshold; the partner's stands in for it.
    expect(s.cap[MARKETING]).toBeLessThan(0.05);
    expect(effectiveMarketing(s)).toBeCloseTo(0.72, 15);
    expect(ownBrandFraction(s, m)).toBeGreaterThan(0);

    // Orders: the supplier sells under its own brand in its own channel.
    allocateOrders(world);
    expect(s.domesticVolume).toBeGreaterThan(0);
    expect(s.ownBrandVolume).toBeCloseTo(s.domesticVolume * ownBrandFraction(s, m), 12);
    expect(s.ownBrandVolume).toBeGreaterThan(0);
  });

  // Coverage comes from current ties only: the best covering partner, zero when the tie is gone.
  it('coverage takes the best covering partner and is reset when the tie goes', () => {
    const world = tinyWorld({ partners: { a: { kind: 'sales_agent', count: 2 } } });
    const s = suppliersOf(world)[0];
    addTie(world, s, world.partners.at(0), 0.3);
    addTie(world, s, world.partners.at(1), 0.9);
    learnFromNetwork(world);
    expect(s.marketingCoverage).toBeCloseTo(0.7 * 0.9, 15);
    dissolveAllTies(world, s);
    learnFromNetwork(world);
    expect(s.marketingCoverage).toBe(0);
  });

  // Only marketing coverage enters the model (effective marketing): a partner that covers other
  // functions but not marketing gives none, however much marketing know-how it has.
  it('a partner covering functions other than marketing gives no marketing coverage', () => {
    const world = tinyWorld({
      partners: { a: { kind: 'sales_agent', count: 2 } },
      model: {
        partner_profiles: { sales_agent: { marketing: 0.9, covers: ['process', 'design'] } },
      },
    });
    const s = suppliersOf(world)[0];
    addTie(world, s, world.partners.at(0), 0.8);
    learnFromNetwork(world);
    expect(s.marketingCoverage).toBe(0);
    expect(effectiveMarketing(s)).toBe(s.cap[MARKETING]);
  });

  // Process 4 (docs/ODD.md §7.5): peer mistrust and imitation fears damp peer ties under weak IPR.
  it('peer spillovers are damped under weak IPR; non-peer spillovers are not', () => {
    const gainUnder = (ipr: number, kind: 'peer_supplier' | 'university') => {
      const world = tinyWorld({ partners: { p: { kind } }, environment: { ipr_protection: ipr } });
      const s = suppliersOf(world)[0];
      setCaps(s, [0.1, 0.1, 0.1, 0.05]);
      addTie(world, s, partnerOf(world, 'p'), 0.5);
      return gainOf(s, () => learnFromNetwork(world));
    };
    const weak = gainUnder(0.1, 'peer_supplier');
    const strong = gainUnder(0.9, 'peer_supplier');
    for (const f of [PROCESS, PRODUCT, DESIGN, MARKETING]) {
      expect(weak[f]).toBeGreaterThan(0);
      expect(weak[f]).toBeLessThan(strong[f]);
    }
    expect(gainUnder(0.1, 'university')).toEqual(gainUnder(0.9, 'university'));
  });

  // Imitation fears damp only peer ties, in proportion to missing IPR protection.
  it('spillover damping: 1 for non-peers, 1 − damping × (1 − IPR) for peers', () => {
    const world = tinyWorld({
      partners: { p: { kind: 'peer_supplier' }, u: { kind: 'university' } },
      environment: { ipr_protection: 0.2 },
    });
    const { model: m, environment: env } = world.scenario;
    expect(spilloverDamping(partnerOf(world, 'u'), env, m)).toBe(1);
    expect(spilloverDamping(partnerOf(world, 'p'), env, m)).toBeCloseTo(
      1 - m.learning.peer_imitation_damping * 0.8,
      15,
    );
  });

  // Process 4: spillovers flow where the partner is stronger, scaled by trust.
  it('spillover flows only where the partner knows more, and scales with trust', () => {
    const world = tinyWorld({ suppliers: 2, partners: { u: { kind: 'university' } } });
    const [a, b] = suppliersOf(world);
    const uni = partnerOf(world, 'u');
    // University know-how: process 0.5, product 0.7, design 0.8, marketing 0.1.
    setCaps(a, [0.6, 0.2, 0.2, 0.3]);
    setCaps(b, [0.6, 0.2, 0.2, 0.3]);
    addTie(world, a, uni, 0.2);
    addTie(world, b, uni, 0.8);
    const before = [a.cap.slice(), b.cap.slice()];
    learnFromNetwork(world);
    const ga = a.cap.map((c, f) => c - before[0][f]);
    const gb = b.cap.map((c, f) => c - before[1][f]);
    expect(ga[PROCESS]).toBe(0);
    expect(ga[MARKETING]).toBe(0);
    expect(ga[DESIGN]).toBeGreaterThan(0);
    // gain = gap · (1 − e^(−k·trust)): recover k from a's gain and predict b's.
    const gap = uni.knowHow[DESIGN] - 0.2;
    const k = -Math.log(1 - ga[DESIGN] / gap) / 0.2;
    expect(gb[DESIGN]).toBeCloseTo(gap * -Math.expm1(-k * 0.8), 12);
    expect(gb[DESIGN]).toBeGreaterThan(3.9 * ga[DESIGN]);
  });

  // Peer trust in the cluster caps the trust of peer ties (initial ties and those formed later).
  it('updateTies keeps peer trust at or below environment.peer_trust while other ties grow past it', () => {
    const world = tinyWorld({
      suppliers: 10,
      supplier: { intent: { network_ties: 4 } },
      partners: {
        peers: { kind: 'peer_supplier', count: 6 },
        brands: { kind: 'other_brand', count: 6 },
      },
      environment: { peer_trust: 0.3 },
      model: {
        networks: { trust_growth: 2, formation_rate: 20, initial_trust: 0.5, decay_rate: 0.5 },
      },
    });
    let sawPeer = false;
    let sawHighBrand = false;
    for (let t = 0; t < 100; t++) {
      world.step++;
      updateTies(world);
      for (const s of suppliersOf(world)) {
        for (const tie of tiesOf(world, s)) {
          expect(tie.trust).toBeGreaterThanOrEqual(0);
          expect(tie.trust).toBeLessThanOrEqual(1);
          if (tie.partner.kind === 'peer_supplier') {
            sawPeer = true;
            expect(tie.trust).toBeLessThanOrEqual(0.3 + 1e-12);
          } else if (tie.trust > 0.3) sawHighBrand = true;
        }
      }
    }
    expect(sawPeer).toBe(true);
    expect(sawHighBrand).toBe(true);
  });

  // Initial peer ties obey the peer-trust cap too.
  it('initial peer ties start at or below peer trust', () => {
    const world = tinyWorld({
      suppliers: 30,
      supplier: { intent: { network_ties: 3 } },
      partners: { peers: { kind: 'peer_supplier', count: 10 } },
      environment: { peer_trust: 0.9 },
      model: { networks: { initial_trust: 0.95 } },
    });
    const ties = suppliersOf(world).flatMap((s) => tiesOf(world, s));
    expect(ties.length).toBeGreaterThan(0);
    for (const t of ties) expect(t.trust).toBeLessThanOrEqual(0.9);
  });

  // Weak institutions: universities and associations are out of reach.
  it('updateTies never forms ties with universities or associations when institutions are 0', () => {
    const world = tinyWorld({
      suppliers: 20,
      supplier: { intent: { network_ties: 5 } },
      partners: {
        u: { kind: 'university', count: 3 },
        a: { kind: 'association', count: 3 },
        f: { kind: 'other_field_firm', count: 3 },
      },
      environment: { institutions: 0 },
      model: { networks: { formation_rate: 20 } },
    });
    for (let t = 0; t < 50; t++) {
      world.step++;
      updateTies(world);
    }
    const kinds = new Set(
      suppliersOf(world).flatMap((s) => tiesOf(world, s).map((t) => t.partner.kind)),
    );
    expect(kinds.has('other_field_firm')).toBe(true);
    expect(kinds.has('university')).toBe(false);
    expect(kinds.has('association')).toBe(false);
  });

  // Network backing (irreplaceability): the first strong ties matter most.
  it('network backing saturates in total trust', () => {
    const world = tinyWorld({ partners: { u: { kind: 'university', count: 3 } } });
    const s = suppliersOf(world)[0];
    expect(networkBacking(s, world)).toBe(0);
    addTie(world, s, world.partners.at(0), 1);
    const one = networkBacking(s, world);
    addTie(world, s, world.partners.at(1), 1);
    const two = networkBacking(s, world);
    expect(two).toBeGreaterThan(one);
    expect(two - one).toBeLessThan(one);
    expect(two).toBeLessThan(1);
  });
});
