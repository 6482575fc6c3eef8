/**
 * The row forms of processes 5, 6a and 7d (fooAt(world, i, ...)) read a supplier's row, its
 * relationships' and ties' rows and its group by code; the object forms read the Supplier and
 * the Relationship views (which read the same relationship columns) and the tie objects. These
 * tests build worlds of several suppliers with intents, relationships and ties of their own and
 * check, supplier by supplier, that what the row forms compute equals the equation evaluated
 * from the objects (same operations in the same order, so equal to the bit): a row form that
 * read another supplier's row, another relationship's row or column, or another group's intent
 * would disagree. (A wrong value written into a relationship's column would not: both forms
 * read it; the list and invariants tests check the rows' parties.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONE } from '../../src/engine/columns.js';
import {
  invest,
  investmentWeights,
  peerCooperation,
  sanctionRisks,
} from '../../src/model/investment.js';
import { networkBacking, tiesOf, updateTies } from '../../src/model/networks.js';
import { ipRetention } from '../../src/model/prices.js';
import { encroachment, irreplaceability, sanctionHazard } from '../../src/model/sanctions.js';
import {
  suppliersOf,
  DESIGN,
  MARKETING,
  clamp01,
  type Buyer,
  type Relationship,
  type Supplier,
  type World,
} from '../../src/model/state.js';
import { RELATIONSHIP_TYPES } from '../../src/scenario/parameters.js';
import { addTie, link, setCaps, setIntent, tinyWorld } from './helpers.js';

const SUPPLIERS = 4;

const unit = fc.double({ min: 0, max: 1, noNaN: true });

/** One supplier's random state: capabilities, intent, flows, and which buyers and partners it links to. */
const supplierState = fc.record({
  caps: fc.array(unit, { minLength: 4, maxLength: 4 }),
  split: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
  reinvest: unit,
  profit: fc.double({ min: -1, max: 2, noNaN: true }),
  cash: fc.double({ min: 0, max: 5, noNaN: true }),
  volumes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
  links: fc.array(
    fc.record({
      buyer: fc.nat(2),
      type: fc.constantFrom(...RELATIONSHIP_TYPES),
      share: unit,
      age: fc.nat(60),
    }),
    { maxLength: 3 },
  ),
  ties: fc.array(fc.record({ partner: fc.nat(3), trust: unit }), { maxLength: 3 }),
});

/** Three lead firms (two guarding, one captive and monitoring) and four partners of two kinds. */
function baseWorld(): World {
  return tinyWorld({
    suppliers: SUPPLIERS,
    buyers: {
      q: {
        governance: 'quasi_hierarchy',
        guards: ['design', 'marketing'],
        monitoring: 1,
        requirements: { process: 0.4, product: 0.3 },
      },
      g: { governance: 'quasi_hierarchy', guards: ['design'], monitoring: 0.5 },
      m: { governance: 'market', guards: [] },
    },
    partners: { p: { kind: 'peer_supplier', count: 2 }, u: { kind: 'university', count: 2 } },
  });
}

type State = typeof supplierState extends fc.Arbitrary<infer T> ? T : never;

/** The world with each supplier given its state (each its own group, hence its own intent). */
function worldOf(states: State[]): World {
  const world = baseWorld();
  world.step = 60;
  states.forEach((st, i) => {
    const s = suppliersOf(world)[i];
    setCaps(s, st.caps);
    const total = st.split.reduce((a, b) => a + b, 0);
    setIntent(world, s, { split: st.split.map((x) => x / total), reinvest: st.reinvest });
    s.profit = st.profit;
    s.cash = st.cash;
    [s.exportVolume, s.domesticVolume, s.sectorVolume, s.ownBrandVolume] = st.volumes;
    for (const l of st.links) {
      const r = link(world, s, world.buyers[l.buyer], l.type, l.share);
      r.startStep = world.step - l.age;
    }
    const seen = new Set<number>();
    for (const t of st.ties) {
      if (seen.has(t.partner)) continue;
      seen.add(t.partner);
      addTie(world, s, world.partners.at(t.partner), t.trust);
    }
  });
  return world;
}

// The equations of sanctions.ts and investment.ts, evaluated from the objects.

function backingOf(s: Supplier, world: World): number {
  let trust = 0;
  for (const t of tiesOf(world, s)) trust += t.trust;
  return 1 - Math.exp(-trust);
}

function irreplaceabilityOf(r: Relationship, world: World): number {
  const req = 0.5 * (r.buyer.requirements.process + r.buyer.requirements.product);
  const production = 0.5 * (r.supplier.cap[0] + r.supplier.cap[1]);
  const lead = req < 1 ? clamp01((production - req) / (1 - req)) : 0;
  const relational = lead * Math.min(1, ((world.step - r.startStep) * world.dt) / 8);
  const network = world.scenario.model.networks.backing_weight * backingOf(r.supplier, world);
  return 1 - (1 - relational) * (1 - network);
}

function encroachmentOf(s: Supplier, b: Buyer, world: World): number {
  const t = world.scenario.model.sanctions.encroach_threshold;
  let level = 0;
  for (let f = 0; f < 4; f++)
    if (b.guards[f] && t < 1) level = Math.max(level, clamp01((s.cap[f] - t) / (1 - t)));
  const sales = s.exportVolume + s.domesticVolume + s.sectorVolume;
  if (b.guards[MARKETING] && sales > 0)
    level = Math.max(level, clamp01((s.ownBrandVolume / sales) * 4));
  return level;
}

function risksOf(s: Supplier, world: World): number[] {
  const risk = [0, 0, 0, 0];
  for (const r of s.relationships) {
    if (r.type !== 'quasi_hierarchy') continue;
    const exposure = r.salesShare * (1 - irreplaceabilityOf(r, world));
    for (let f = 0; f < 4; f++) if (r.buyer.guards[f]) risk[f] += exposure;
  }
  return risk.map((x) => Math.min(1, x));
}

function weightsOf(s: Supplier, world: World): number[] {
  const { model: m, environment } = world.scenario;
  const retention = ipRetention(environment, m);
  const split = s.intent.split;
  const w = [...split];
  const intended = split.reduce((a, b) => a + b, 0);
  w[DESIGN] *= retention;
  w[MARKETING] *= retention;
  const risk = risksOf(s, world);
  let total = 0;
  for (let f = 0; f < 4; f++) {
    if (f === DESIGN || f === MARKETING)
      w[f] *= Math.max(0, 1 - m.investment.sanction_aversion * risk[f]);
    total += w[f];
  }
  const held = intended - total;
  const production = split[0] + split[1];
  if (held > 0 && production > 0) {
    w[0] += (held * split[0]) / production;
    w[1] += (held * split[1]) / production;
  } else if (held > 0) w[0] += held;
  return w;
}

const states = fc.array(supplierState, { minLength: SUPPLIERS, maxLength: SUPPLIERS });

describe('row forms agree with the objects (processes 5, 6a, 7d)', () => {
  it('sanctions: encroachment, irreplaceability and hazard of each relationship', () => {
    fc.assert(
      fc.property(states, (sts) => {
        const world = worldOf(sts);
        const m = world.scenario.model;
        for (const s of suppliersOf(world)) {
          expect(networkBacking(s, world)).toBe(backingOf(s, world));
          for (const r of s.relationships) {
            expect(encroachment(s, r.buyer, world)).toBe(encroachmentOf(s, r.buyer, world));
            expect(irreplaceability(r, world)).toBe(irreplaceabilityOf(r, world));
            const level = encroachmentOf(s, r.buyer, world);
            expect(sanctionHazard(r, world)).toBe(
              level <= 0
                ? 0
                : m.sanctions.rate *
                    r.buyer.config.monitoring *
                    level *
                    (1 - irreplaceabilityOf(r, world)),
            );
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('investment: sanction risks, weights, peer cooperation and each supplier’s investment', () => {
    fc.assert(
      fc.property(states, (sts) => {
        const world = worldOf(sts);
        const inv = world.scenario.model.investment;
        const expected = suppliersOf(world).map((s) => {
          expect(sanctionRisks(s, world)).toEqual(risksOf(s, world));
          const w = weightsOf(s, world);
          expect(investmentWeights(s, world)).toEqual(w);
          let peerTrust = 0;
          for (const t of tiesOf(world, s))
            if (t.partner.kind === 'peer_supplier') peerTrust += t.trust;
          expect(peerCooperation(s, world)).toBe(1 - Math.exp(-peerTrust));
          const wanted = Math.max(0, s.profit) * s.intent.reinvest;
          const amount = Math.min(wanted, Math.max(0, s.cash - inv.cash_buffer * s.size));
          return { amount, design: amount > 0 ? amount * w[DESIGN] : 0 };
        });
        invest(world);
        suppliersOf(world).forEach((s, i) => {
          expect(s.investment).toBe(expected[i].amount);
          expect(s.designInvestment).toBe(expected[i].design);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('tie formation and decay by row (process 7d)', () => {
  it('each supplier forms ties up to its own target, held in its own list, one per partner', () => {
    const world = tinyWorld({
      suppliers: SUPPLIERS,
      partners: { p: { kind: 'peer_supplier', count: 3 }, u: { kind: 'university', count: 3 } },
      environment: { institutions: 1, peer_trust: 1 },
      model: { networks: { formation_rate: 50, decay_rate: 0.5 } },
    });
    const targets = [0, 1, 3, 6];
    suppliersOf(world).forEach((s, i) => setIntent(world, s, { networkTies: targets[i] }));
    const T = world.tieTable.cols;
    const most = [0, 0, 0, 0];
    for (let step = 1; step <= 80; step++) {
      world.step = step;
      updateTies(world);
      suppliersOf(world).forEach((s, i) => {
        const ties = tiesOf(world, s);
        // Formation stops at the target; decay can only take ties away.
        expect(ties.length).toBeLessThanOrEqual(targets[i]);
        expect(new Set(ties.map((t) => t.partner.id)).size).toBe(ties.length);
        most[i] = Math.max(most[i], ties.length);
        for (let k = world.supplierTable.cols.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k])
          expect(T.supplier[k]).toBe(i);
      });
    }
    // With a formation rate this high, each supplier reaches its own target.
    expect(most).toEqual(targets);
  });
});
