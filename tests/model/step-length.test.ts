/**
 * The step length changes the resolution, not the meaning, of the parameters (ODD §2.8): the
 * same world run at 1, 2, 4 and 12 steps per year gives the same calendar-time results, up to
 * the noise of the run. Before the flows were converted (cash, investment, the *_steps
 * durations, recruitment all counted per step), 12 steps per year learnt three times as fast
 * per year: year-20 mean capability 0.92 against 0.66 at 4 steps per year, lock-in 0.005
 * against 0.49; 1 step per year learnt at a quarter of the speed (0.38, lock-in 0.30).
 *
 * The world is the baseline scaled to a quarter (100 suppliers, 10 lead firms, 21 partners), run
 * for 20 years with seeds 1–8. Tolerances are about 3–4 standard errors of the difference of two
 * 8-seed means, from the seed-to-seed spread at 4 steps per year (sd 0.10 for the lock-in rate
 * and OEM share, 0.025 for mean capability, 0.018 for investment per unit of capacity): SE of a
 * difference = sd · √(2/8), so 0.05, 0.0125 and 0.009. Exits are rare (about 3 in 20 years in
 * 100 suppliers), so their tolerance is Poisson: 8 · 20 · 0.15 ≈ 23 exits, sd of the difference
 * of two counts ≈ √46 ≈ 7, i.e. 0.04 a year per run; 3 of them is 0.12.
 */
import { describe, expect, it } from 'vitest';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { loadScenario } from '../../src/scenario/load.js';

const YEARS = 20;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const QUARTER_OF_BASELINE = [
  'suppliers.smes.count=75',
  'suppliers.established.count=25',
  'buyers.global_brands.count=3',
  'buyers.global_retailers.count=2',
  'buyers.regional_buyers.count=5',
  'partners.peers.count=10',
  'partners.universities.count=2',
  'partners.agents.count=3',
  'partners.other_brands.count=2',
  'partners.other_fields.count=3',
  'partners.associations.count=1',
];

interface Calendar {
  lockin: number;
  oem: number;
  capability: number;
  investment: number;
  exitsPerYear: number;
}

/** Means over SEEDS of the year-YEARS results at `stepsPerYear` steps per year. */
function yearEnd(stepsPerYear: number): Calendar {
  const sum: Calendar = { lockin: 0, oem: 0, capability: 0, investment: 0, exitsPerYear: 0 };
  for (const seed of SEEDS) {
    const { scenario } = loadScenario('scenarios/baseline.yaml', {
      sets: [
        ...QUARTER_OF_BASELINE,
        `time.steps_per_year=${stepsPerYear}`,
        `time.steps=${YEARS * stepsPerYear}`,
      ],
      seed,
    });
    const last = simulateToMemory(scenario).timeseries.at(-1)!;
    // A column left empty (null) would make the mean NaN and fail the comparison.
    const value = (x: number | null) => x ?? NaN;
    sum.lockin += value(last.lockin_rate);
    sum.oem += value(last.share_oem);
    sum.capability +=
      (value(last.mean_process) +
        value(last.mean_product) +
        value(last.mean_design) +
        value(last.mean_marketing)) /
      4;
    sum.investment += value(last.mean_investment);
    sum.exitsPerYear += value(last.cumulative_exits) / YEARS;
  }
  const n = SEEDS.length;
  return {
    lockin: sum.lockin / n,
    oem: sum.oem / n,
    capability: sum.capability / n,
    investment: sum.investment / n,
    exitsPerYear: sum.exitsPerYear / n,
  };
}

const TOLERANCE: Calendar = {
  lockin: 0.15,
  oem: 0.15,
  capability: 0.05,
  investment: 0.03,
  exitsPerYear: 0.12,
};

describe('calendar-time results do not depend on the step length', () => {
  const quarterly = yearEnd(4);

  it('the reference run is the world it is meant to be (some lock-in, some upgrading)', () => {
    // Guards the comparison against a degenerate world where everything is 0 at any step length.
    expect(quarterly.lockin).toBeGreaterThan(0.2);
    expect(quarterly.capability).toBeGreaterThan(0.5);
    expect(quarterly.capability).toBeLessThan(0.85);
    expect(quarterly.investment).toBeGreaterThan(0.03);
  });

  for (const stepsPerYear of [1, 2, 12]) {
    it(`${stepsPerYear} steps per year agree with 4 at year ${YEARS}`, () => {
      const other = yearEnd(stepsPerYear);
      for (const key of Object.keys(TOLERANCE) as (keyof Calendar)[])
        expect(
          Math.abs(other[key] - quarterly[key]),
          `${key}: ${other[key]} at ${stepsPerYear} steps/year, ${quarterly[key]} at 4`,
        ).toBeLessThanOrEqual(TOLERANCE[key]);
    });
  }
});
