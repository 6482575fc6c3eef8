/**
 * Each conversion to the step length (ODD §2.8), one process at a time: flows are rates per
 * quarter and a step of h = dt / dt₀ quarters accumulates rate · h; the *_steps durations count
 * quarters; buyers recruit once a quarter. At 4 steps per year every conversion is the identity.
 */
import { describe, expect, it } from 'vitest';
import { invest } from '../../src/model/investment.js';
import { exitLossMakers } from '../../src/model/population.js';
import { settlePricesAndMargins } from '../../src/model/prices.js';
import { dropAndRecruit } from '../../src/model/search.js';
import { suppliersOf, quartersPerStep, stepsForQuarters } from '../../src/model/state.js';
import { link, setCaps, tinyWorld } from './helpers.js';

describe('quarters per step and durations in quarters', () => {
  it('h = dt / dt₀ is exactly 1 at 4 steps per year, 4 at 1 and 1/3 at 12', () => {
    expect(quartersPerStep(1 / 4)).toBe(1);
    expect(quartersPerStep(1)).toBe(4);
    expect(quartersPerStep(1 / 12)).toBeCloseTo(1 / 3, 15);
  });

  it('n quarters last ⌈n · dt₀ / dt⌉ steps', () => {
    expect(stepsForQuarters(8, 4)).toBe(8);
    expect(stepsForQuarters(8, 1)).toBe(2);
    expect(stepsForQuarters(8, 12)).toBe(24);
    expect(stepsForQuarters(3, 1)).toBe(1); // three quarters: the one year-long step
    expect(stepsForQuarters(4, 3)).toBe(3);
    expect(stepsForQuarters(0, 12)).toBe(0);
  });
});

/** Cash and the spell's delivered volume added by one process 2 at `stepsPerYear`. */
function settleOnce(stepsPerYear: number) {
  const world = tinyWorld({ buyers: { b: {} }, stepsPerYear });
  const s = suppliersOf(world)[0];
  const r = link(world, s, world.buyers[0], 'market', 1);
  r.volume = 0.6;
  s.exportVolume = 0.6;
  const cash = s.cash;
  settlePricesAndMargins(world);
  return { profit: s.profit, cash: s.cash - cash, delivered: r.totalVolume };
}

describe('flows per quarter accumulate rate · h', () => {
  it('cash grows by profit · h and a spell by volume · h', () => {
    const quarterly = settleOnce(4);
    expect(quarterly.profit).toBeGreaterThan(0);
    expect(quarterly.cash).toBeCloseTo(quarterly.profit, 12);
    expect(quarterly.delivered).toBe(0.6);
    for (const [stepsPerYear, h] of [
      [1, 4],
      [12, 1 / 3],
    ]) {
      const other = settleOnce(stepsPerYear);
      // The same rate (prices and volumes do not depend on the step), over h quarters.
      expect(other.profit).toBe(quarterly.profit);
      expect(other.cash).toBeCloseTo(quarterly.profit * h, 12);
      expect(other.delivered).toBeCloseTo(0.6 * h, 12);
    }
  });

  it("a step invests out of the step's profit; the reported rate and the gain per year do not depend on the step", () => {
    const run = (stepsPerYear: number) => {
      const world = tinyWorld({ stepsPerYear, supplier: { cash: 100 } });
      const s = suppliersOf(world)[0];
      setCaps(s, [0.3, 0.3, 0.1, 0.05]);
      s.profit = 0.2;
      const cash = s.cash;
      const design = s.cap[2];
      invest(world);
      return { spent: cash - s.cash, rate: s.investment, gain: s.cap[2] - design };
    };
    const quarterly = run(4);
    const monthly = run(12);
    const yearly = run(1);
    expect(quarterly.spent).toBeGreaterThan(0);
    expect(quarterly.rate).toBeCloseTo(quarterly.spent, 12);
    expect(monthly.spent).toBeCloseTo(quarterly.spent / 3, 12);
    expect(yearly.spent).toBeCloseTo(quarterly.spent * 4, 12);
    expect(monthly.rate).toBeCloseTo(quarterly.rate, 12);
    expect(yearly.rate).toBeCloseTo(quarterly.rate, 12);
    // Far from the min(1, ·) bound the gain is linear in the amount: a third in a month.
    expect(monthly.gain).toBeCloseTo(quarterly.gain / 3, 12);
  });
});

describe('durations in quarters', () => {
  it('loss_steps = 8 quarters: exit after 2 yearly loss-making steps, or 24 monthly ones', () => {
    for (const [stepsPerYear, steps] of [
      [1, 2],
      [4, 8],
      [12, 24],
    ]) {
      const world = tinyWorld({ stepsPerYear });
      const s = suppliersOf(world)[0];
      s.profit = -0.1;
      for (let t = 1; t < steps; t++) exitLossMakers(world);
      expect(s.active, `${stepsPerYear} steps/year, step ${steps - 1}`).toBe(true);
      exitLossMakers(world);
      expect(s.active, `${stepsPerYear} steps/year, step ${steps}`).toBe(false);
    }
  });

  it('drop_grace_steps = 4 quarters: dropped a year after first seen below, at any step length', () => {
    for (const stepsPerYear of [1, 4, 12]) {
      const world = tinyWorld({
        stepsPerYear,
        buyers: { b: { requirements: { process: 0.5, product: 0.5 }, suppliers_target: 1 } },
        environment: { standards_growth: 0 },
      });
      const s = suppliersOf(world)[0];
      setCaps(s, [0.3, 0.3, 0, 0]);
      const r = link(world, s, world.buyers[0]);
      while (!r.ended && world.step < 100) {
        world.step++;
        dropAndRecruit(world);
      }
      // First seen below at step 1, dropped one year (stepsPerYear steps) later.
      expect(world.step).toBe(1 + stepsPerYear);
    }
  });
});

describe('buyers recruit once a quarter', () => {
  const recruitedInOneStep = (stepsPerYear: number) => {
    const world = tinyWorld({
      stepsPerYear,
      suppliers: 20,
      supplier: { intent: { diversify: 1 } },
      buyers: { b: { suppliers_target: 10 } },
    });
    world.step = 1;
    dropAndRecruit(world);
    return world.buyers[0].relationshipCount;
  };

  it('one round a step at 4 steps per year, four in a year-long step', () => {
    expect(recruitedInOneStep(4)).toBe(1);
    expect(recruitedInOneStep(1)).toBe(4);
  });

  it('at 12 steps per year about one step in three has a round', () => {
    // 120 buyers with room, each drawing its own round: at most one round each.
    const world = tinyWorld({
      stepsPerYear: 12,
      suppliers: 50,
      supplier: { intent: { diversify: 1 } },
      buyers: { b: { count: 120, suppliers_target: 5 } },
    });
    world.step = 1;
    dropAndRecruit(world);
    const counts = world.buyers.map((b) => b.relationshipCount);
    expect(Math.max(...counts)).toBe(1);
    const rounds = counts.reduce((a, b) => a + b, 0);
    // Binomial(120, 1/3): mean 40, sd 5.2; 4 sd either side (at 4 a year it would be 120).
    expect(rounds).toBeGreaterThan(19);
    expect(rounds).toBeLessThan(61);
  });
});
