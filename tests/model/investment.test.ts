import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  invest,
  investmentEfficiency,
  investmentWeights,
  peerCooperation,
  sanctionRisk,
} from '../../src/model/investment.js';
import { advanceEnvironment } from '../../src/model/environment.js';
import {
  exportPrice,
  ipRetention,
  ownChannelPrice,
  settlePricesAndMargins,
  unitCost,
} from '../../src/model/prices.js';
import {
  suppliersOf,
  DESIGN,
  MARKETING,
  PROCESS,
  PRODUCT,
  type Supplier,
  type World,
} from '../../src/model/state.js';
import {
  addTie,
  buyerOf,
  gainOf,
  link,
  partnerOf,
  setCaps,
  tinyWorld,
  type TinyOptions,
} from './helpers.js';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

function iprWorld(ipr: number, extra: TinyOptions = {}): World {
  return tinyWorld({ environment: { ipr_protection: ipr }, ...extra });
}

describe('IPR and the returns to design and brand (proposition 7)', () => {
  // Weak IPR lets imitators erode design and brand premiums.
  it('weak IPR lowers ipRetention', () => {
    const weak = iprWorld(0.1).scenario;
    const strong = iprWorld(0.9).scenario;
    expect(ipRetention(weak.environment, weak.model)).toBeLessThan(
      ipRetention(strong.environment, strong.model),
    );
    expect(ipRetention({ ...strong.environment, ipr_protection: 1 }, strong.model)).toBe(1);
  });

  // Proposition 7: weak IPR lowers design investment.
  it('weak IPR lowers the design (and marketing) weight of investment and shifts it to production', () => {
    const weakWorld = iprWorld(0.1);
    const strongWorld = iprWorld(0.9);
    const weak = investmentWeights(suppliersOf(weakWorld)[0], weakWorld);
    const strong = investmentWeights(suppliersOf(strongWorld)[0], strongWorld);
    expect(weak[DESIGN]).toBeLessThan(strong[DESIGN]);
    expect(weak[MARKETING]).toBeLessThan(strong[MARKETING]);
    expect(weak[PROCESS]).toBeGreaterThan(strong[PROCESS]);
    // Weights stay a split of the whole amount.
    expect(sum(weak)).toBeCloseTo(1, 12);
    expect(sum(strong)).toBeCloseTo(1, 12);
  });

  // Proposition 7: weak IPR erodes the design and brand premiums in the own channel.
  it('weak IPR lowers the own-channel design and brand premium', () => {
    const premium = (ipr: number) => {
      const world = iprWorld(ipr);
      const s = suppliersOf(world)[0];
      setCaps(s, [0.5, 0.5, 0.8, 0.9]);
      const full = ownChannelPrice(s, world);
      setCaps(s, [0.5, 0.5, 0, 0]);
      const plain = ownChannelPrice(s, world);
      return { full, premium: full - plain };
    };
    const weak = premium(0.1);
    const strong = premium(0.9);
    expect(weak.premium).toBeGreaterThan(0);
    expect(weak.premium).toBeLessThan(strong.premium);
    expect(weak.full).toBeLessThan(strong.full);
  });

  // Process 2 (docs/ODD.md §7.3): smile curve — own design and own brand earn more than assembly.
  it('own-channel price rises with design and more again with an own brand', () => {
    const world = iprWorld(0.9);
    const s = suppliersOf(world)[0];
    const price = (caps: number[]) => (setCaps(s, caps), ownChannelPrice(s, world));
    const assembly = price([0.5, 0.5, 0, 0]);
    const designed = price([0.5, 0.5, 0.8, 0]);
    const branded = price([0.5, 0.5, 0.8, 0.9]);
    expect(designed).toBeGreaterThan(assembly);
    expect(branded).toBeGreaterThan(designed);
  });
});

describe('export prices and margins (process 2)', () => {
  // Buyer power squeezes dependent suppliers; price pressure and the exchange rate hit export prices.
  it('export price falls with dependence on a powerful buyer and with price pressure', () => {
    const world = tinyWorld({
      buyers: { b: { governance: 'quasi_hierarchy', bargaining_power: 1 } },
    });
    const s = suppliersOf(world)[0];
    const r = link(world, s, world.buyers[0], 'quasi_hierarchy', 0.1);
    const diversified = exportPrice(r, world);
    r.salesShare = 0.9;
    const dependent = exportPrice(r, world);
    expect(dependent).toBeLessThan(diversified);
    world.env.pricePressure = 0.3;
    expect(exportPrice(r, world)).toBeCloseTo(dependent * 0.7, 12);
    world.env.exchangeRate = 0.5;
    expect(exportPrice(r, world)).toBeCloseTo(dependent * 0.35, 12);
  });

  // Smile curve in exports: only buyers that buy the supplier's design pay its design premium.
  it('only market and network buyers pay for the supplier design', () => {
    const world = tinyWorld({ buyers: { b: { governance: 'market' } } });
    const s = suppliersOf(world)[0];
    const r = link(world, s, world.buyers[0], 'market', 0.5);
    const price = (design: number) => ((s.cap[DESIGN] = design), exportPrice(r, world));
    expect(price(0.9)).toBeGreaterThan(price(0));
    r.type = 'quasi_hierarchy';
    expect(price(0.9)).toBe(price(0));
  });

  // The vicious circle's cost side (docs/evidence.md): rising wages and materials raise unit cost year on year.
  it('input-cost growth compounds into the unit cost the margin is computed with', () => {
    const margin = (growth: number) => {
      const world = tinyWorld({
        environment: { input_cost_growth: growth },
        buyers: { b: { governance: 'market' } },
      });
      const s = suppliersOf(world)[0];
      const r = link(world, s, world.buyers[0], 'market', 1);
      world.step = 10 * world.scenario.time.steps_per_year;
      advanceEnvironment(world);
      r.volume = 1;
      s.exportVolume = 1;
      settlePricesAndMargins(world);
      return { level: world.env.costLevel, margin: s.margin ?? NaN };
    };
    const flat = margin(0);
    const rising = margin(0.01);
    expect(flat.level).toBe(1);
    expect(rising.level).toBeCloseTo(1.01 ** 10, 12);
    expect(rising.margin).toBeLessThan(flat.margin);
  });

  // Process 2 accounting: profit = revenue − variable and fixed cost, booked into cash.
  it('settlePricesAndMargins books revenue − cost into cash and margin = profit / revenue', () => {
    const world = tinyWorld({ buyers: { b: { governance: 'market' } } });
    const s = suppliersOf(world)[0];
    const r = link(world, s, world.buyers[0], 'market', 0.6);
    r.volume = 0.6;
    s.exportVolume = 0.6;
    s.domesticVolume = 0.4;
    s.sectorVolume = 0;
    const cash = s.cash;
    settlePricesAndMargins(world);
    const m = world.scenario.model;
    const revenue = r.price * 0.6 + s.domesticPrice * 0.4;
    const profit = revenue - unitCost(s, m, world.env.costLevel) * 1 - m.prices.fixed_cost * s.size;
    expect(s.revenue).toBeCloseTo(revenue, 12);
    expect(s.profit).toBeCloseTo(profit, 12);
    expect(s.cash).toBeCloseTo(cash + profit, 12);
    expect(s.margin).toBeCloseTo(profit / revenue, 12);
  });
});

describe('investment (process 5)', () => {
  /** A supplier selling `share` of its output in a new captive tie with a buyer guarding design. */
  function dependentWorld(share: number): { world: World; s: Supplier } {
    const world = tinyWorld({
      buyers: {
        q: { governance: 'quasi_hierarchy', guards: ['design', 'marketing'] },
        m: { governance: 'market', guards: [] },
      },
    });
    const s = suppliersOf(world)[0];
    link(world, s, buyerOf(world, 'q'), 'quasi_hierarchy', share);
    link(world, s, buyerOf(world, 'm'), 'market', 1 - share - 0.05);
    return { world, s };
  }

  // Process 5 (docs/ODD.md §7.6): a dependent supplier weighs the risk that upgrading into its
  // buyer's core triggers sanction.
  it('a supplier selling most to a design-guarding quasi tie gets a lower design weight than a diversified one', () => {
    const dep = dependentWorld(0.9);
    const div = dependentWorld(0.15);
    expect(sanctionRisk(dep.s, DESIGN, dep.world)).toBeGreaterThan(
      sanctionRisk(div.s, DESIGN, div.world),
    );
    const wDep = investmentWeights(dep.s, dep.world);
    const wDiv = investmentWeights(div.s, div.world);
    expect(wDep[DESIGN]).toBeLessThan(0.5 * wDiv[DESIGN]);
    expect(wDep[MARKETING]).toBeLessThan(wDiv[MARKETING]);
    // What is held back goes to production.
    expect(wDep[PROCESS]).toBeGreaterThan(wDiv[PROCESS]);
    expect(wDep[PRODUCT]).toBeGreaterThan(wDiv[PRODUCT]);
    expect(sum(wDep)).toBeCloseTo(1, 12);
  });

  // Sanction risk comes only from captive ties with a buyer guarding the function.
  it('the same sales in a market tie carry no sanction risk', () => {
    const world = tinyWorld({ buyers: { q: { governance: 'market', guards: ['design'] } } });
    const s = suppliersOf(world)[0];
    link(world, s, world.buyers[0], 'market', 0.9);
    expect(sanctionRisk(s, DESIGN, world)).toBe(0);
  });

  // Proposition 8: zero strategic intent means no investment-driven upgrading.
  it('zero reinvestment leaves capabilities unchanged', () => {
    const world = tinyWorld({ supplier: { intent: { reinvest: 0 }, cash: 100 } });
    const s = suppliersOf(world)[0];
    s.profit = 5;
    const caps = s.cap.slice();
    invest(world);
    expect(s.cap).toEqual(caps);
    expect(s.investment).toBe(0);
    expect(s.cash).toBe(100 * s.size);
  });

  // Process 5: reinvested profit raises capabilities (bounded by 1) per the intended split.
  it('positive reinvestment raises the capabilities it funds, with diminishing returns', () => {
    const world = tinyWorld({ supplier: { intent: { reinvest: 1 }, cash: 100 } });
    const s = suppliersOf(world)[0];
    s.profit = 0.5;
    const caps = s.cap.slice();
    const weights = investmentWeights(s, world);
    invest(world);
    for (let f = 0; f < 4; f++) expect(s.cap[f]).toBeGreaterThan(caps[f]);
    expect(s.investment).toBeCloseTo(0.5, 12);
    expect(weights[DESIGN]).toBeGreaterThan(0);
    expect(s.designInvestment).toBeCloseTo(0.5 * weights[DESIGN], 12);
  });

  // Humphrey & Schmitz way out (c), blocked by copying fears: trusted peers pool design and brand investment.
  it('trusted peer ties make design and marketing investment go further, and only those', () => {
    const gains = (peerTrust: number, kind: 'peer_supplier' | 'university') => {
      const world = tinyWorld({
        supplier: { intent: { reinvest: 1 }, cash: 100 },
        partners: { p: { kind } },
      });
      const s = suppliersOf(world)[0];
      if (peerTrust > 0) addTie(world, s, partnerOf(world, 'p'), peerTrust);
      s.profit = 0.2;
      return gainOf(s, () => invest(world));
    };
    const alone = gains(0, 'peer_supplier');
    const mistrust = gains(0.15, 'peer_supplier');
    const trust = gains(0.6, 'peer_supplier');
    for (const f of [DESIGN, MARKETING]) {
      expect(mistrust[f]).toBeGreaterThan(alone[f]);
      expect(trust[f]).toBeGreaterThan(mistrust[f]);
    }
    for (const f of [PROCESS, PRODUCT]) expect(trust[f]).toBe(alone[f]);
    // Trust in other kinds of partner pools nothing.
    expect(gains(0.6, 'university')).toEqual(alone);
  });

  it('peerCooperation saturates in the total trust of peer ties', () => {
    const world = tinyWorld({
      partners: { p: { kind: 'peer_supplier' }, u: { kind: 'university' } },
    });
    const s = suppliersOf(world)[0];
    expect(peerCooperation(s, world)).toBe(0);
    addTie(world, s, partnerOf(world, 'u'), 0.9);
    expect(peerCooperation(s, world)).toBe(0);
    addTie(world, s, partnerOf(world, 'p'), 0.5);
    expect(peerCooperation(s, world)).toBeCloseTo(1 - Math.exp(-0.5), 12);
  });

  // Home institutions raise investment productivity (innovation system support).
  it('strong institutions make investment more productive', () => {
    const weak = tinyWorld({ environment: { institutions: 0 } });
    const strong = tinyWorld({ environment: { institutions: 1 } });
    expect(investmentEfficiency(strong)).toBeGreaterThan(investmentEfficiency(weak));
  });

  // The vicious circle: thin margins and losses starve investment; cash never falls below the buffer.
  it('investment never takes cash below the buffer, and a loss-maker invests nothing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 20, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (cash, profit, reinvest, buffer, size) => {
          const world = tinyWorld({
            supplier: { intent: { reinvest } },
            model: { investment: { cash_buffer: buffer } },
          });
          const s = suppliersOf(world)[0];
          s.size = size;
          s.cash = cash;
          s.profit = profit;
          const caps = s.cap.slice();
          invest(world);
          expect(s.investment).toBeGreaterThanOrEqual(0);
          expect(s.investment).toBeLessThanOrEqual(Math.max(0, profit) * reinvest + 1e-12);
          expect(s.cash).toBeCloseTo(cash - s.investment, 9);
          if (cash >= buffer * size) expect(s.cash).toBeGreaterThanOrEqual(buffer * size - 1e-9);
          else expect(s.investment).toBe(0);
          if (profit <= 0) expect(s.cap).toEqual(caps);
          for (const c of s.cap) expect(c).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
