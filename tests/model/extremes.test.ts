/**
 * Extreme but allowed parameter values (long steps, huge rates) must not break the model's
 * bounds: learning never passes the teacher's know-how, decay never goes below zero, margins
 * stay finite. Each case once failed.
 */
import { describe, expect, it } from 'vitest';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const run = (yaml: string) => simulateToMemory(parseScenarioText(yaml, 'extreme.yaml').scenario);

describe('bounds hold at extreme parameter values', () => {
  it("a huge transfer rate with yearly steps stops at the buyer's know-how", () => {
    const { world } = run(`
time: { steps: 1, steps_per_year: 1 }
suppliers: { s: { count: 1, absorptive_capacity: 0.9, initial_buyers: 1, intent: { domestic: 0, reinvest: 0 }, capabilities: { process: { mean: 0.3, sd: 0 }, product: { mean: 0.3, sd: 0 } } } }
buyers: { b: { count: 1, governance: network, know_how: { process: 0.5, product: 0.5, design: 0.5, marketing: 0.5 } } }
environment: { domestic_market: { size: 0 } }
model: { learning: { transfer: { network: { process: 3 } } } }
`);
    const p = world.suppliers[0].cap[0];
    expect(p).toBeGreaterThan(0.3);
    expect(p).toBeLessThanOrEqual(0.5);
  });

  it("a partner spillover at rate 5 stops at the partner's know-how", () => {
    const { world } = run(`
time: { steps: 1, steps_per_year: 1 }
suppliers: { s: { count: 1, absorptive_capacity: 0.9, initial_buyers: 0, intent: { reinvest: 0, network_ties: 1 }, capabilities: { design: { mean: 0.1, sd: 0 } } } }
partners: { u: { kind: university, count: 1 } }
environment: { institutions: 1 }
model: { learning: { network_rate: 5 }, networks: { initial_trust: 1 }, partner_profiles: { university: { design: 0.5 } } }
`);
    const d = world.suppliers[0].cap[2];
    expect(d).toBeGreaterThan(0.1);
    expect(d).toBeLessThanOrEqual(0.5);
  });

  it('depreciation faster than one per step leaves a capability positive', () => {
    const { world } = run(`
time: { steps: 1, steps_per_year: 1 }
suppliers: { s: { count: 1, initial_buyers: 0, capabilities: { marketing: { mean: 0.2, sd: 0 } } } }
model: { learning: { depreciation: 2 } }
`);
    const m = world.suppliers[0].cap[3];
    expect(m).toBeGreaterThan(0);
    expect(m).toBeLessThan(0.2);
  });

  it('a vanishing domestic market gives no infinite margin', () => {
    const { timeseries } = run(`
time: { steps: 1 }
suppliers: { s: { count: 1, initial_buyers: 0 } }
environment: { domestic_market: { size: 5.0e-324 } }
`);
    const m = timeseries[1].mean_margin;
    expect(m === null || Number.isFinite(m)).toBe(true);
  });
});
