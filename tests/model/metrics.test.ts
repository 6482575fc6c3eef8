import { describe, expect, it } from 'vitest';
import { timeseriesRow } from '../../src/model/metrics.js';
import { unitCost } from '../../src/model/prices.js';
import { suppliersOf, OEM } from '../../src/model/state.js';
import { link, setCaps, tinyWorld } from './helpers.js';

/**
 * The observation's means from a hand-made world, each against the sum written out here. The
 * loop that computes them (activeTotals) adds a term or 0 for every supplier rather than
 * branching (kernel.ts, "Code that runs only from some step on"), so these pin which suppliers
 * and ties count.
 */
describe('the timeseries row (process 9)', () => {
  it('relational markup premium: only suppliers selling to both a network and a market buyer, only ties with volume', () => {
    const world = tinyWorld({
      suppliers: 3,
      buyers: { a: { count: 3, governance: 'market' } },
    });
    world.step = 1;
    const [b0, b1, b2] = world.buyers;
    const [s0, s1, s2] = suppliersOf(world);
    const tie = (
      s: typeof s0,
      b: typeof b0,
      type: 'network' | 'market',
      volume: number,
      price: number,
    ) => {
      const r = link(world, s, b, type, 0.2);
      r.volume = volume;
      r.price = price;
    };
    // s0: one network tie that sells, one market tie that sells, one market tie without volume.
    tie(s0, b0, 'network', 2, 3);
    tie(s0, b1, 'market', 1, 2);
    tie(s0, b2, 'market', 0, 100);
    // s1: market ties only; s2: its network tie sells nothing.
    tie(s1, b0, 'market', 1, 5);
    tie(s1, b1, 'market', 1, 1);
    tie(s2, b0, 'network', 0, 9);
    tie(s2, b1, 'market', 1, 1);
    const c = unitCost(s0, world.scenario.model, world.env.costLevel);
    expect(c).toBeGreaterThan(0);
    const row = timeseriesRow(world, [null, null, null, null]);
    expect(row.relational_markup_premium).toBe((2 * (3 / c - 1)) / 2 - (1 * (2 / c - 1)) / 1);
  });

  it('margins, investment, lock-in and dependence: over the suppliers that count for each', () => {
    const world = tinyWorld({ suppliers: 4 });
    const m = world.scenario.model;
    world.step = 8;
    const [a, b, c, d] = suppliersOf(world);
    // Margins: a and b have one, c has none (null), d entered this step (its flows do not count).
    a.margin = 0.25;
    b.margin = -0.5;
    c.margin = null;
    d.margin = 0.9;
    world.supplierTable.cols.entryStep[d.ix] = 8;
    // Investment per unit of capacity: over those present when the processes ran, with capacity.
    a.investment = 1;
    b.investment = 3;
    c.investment = 0;
    d.investment = 7;
    a.size = 2;
    b.size = 4;
    c.size = 1;
    // Lock-in: a is eligible (long enough with lead firms), capable and OEM; b eligible, not capable.
    const tenureSteps = Math.ceil(m.lockin.min_tenure_years / world.dt);
    a.leadFirmSteps = tenureSteps;
    b.leadFirmSteps = tenureSteps;
    c.leadFirmSteps = tenureSteps - 1;
    setCaps(a, [0.99, 0.99, 0, 0]);
    setCaps(b, [0, 0, 0, 0]);
    a.role = OEM;
    // Dependence: only suppliers with sales count (a: exports; c: none).
    a.exportVolume = 1;
    a.topBuyerShare = 0.75;
    a.buyerHhi = 0.6;
    b.domesticVolume = 2;
    b.topBuyerShare = 0;
    b.buyerHhi = 1;
    const row = timeseriesRow(world, [null, null, null, null]);
    expect(row.mean_margin).toBe((0.25 + -0.5) / 2);
    expect(row.mean_investment).toBe((1 / 2 + 3 / 4 + 0 / 1) / 3);
    expect(row.lockin_rate).toBe(1 / 2);
    expect(row.mean_top_buyer_share).toBe((0.75 + 0) / 2);
    expect(row.mean_buyer_hhi).toBe((0.6 + 1) / 2);
    expect(row.mean_domestic_share).toBe((0 + 1) / 2);
  });
});
