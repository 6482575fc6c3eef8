/**
 * Extreme but allowed parameter values (long steps, huge rates) must not break the model's
 * bounds: learning never passes the teacher's know-how, decay never goes below zero, margins
 * stay finite. Each case once failed.
 */
import { describe, expect, it } from 'vitest';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { suppliersOf } from '../../src/model/state.js';

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
    const p = suppliersOf(world)[0].cap[0];
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
    const d = suppliersOf(world)[0].cap[2];
    expect(d).toBeGreaterThan(0.1);
    expect(d).toBeLessThanOrEqual(0.5);
  });

  it('depreciation faster than one per step leaves a capability positive', () => {
    const { world } = run(`
time: { steps: 1, steps_per_year: 1 }
suppliers: { s: { count: 1, initial_buyers: 0, capabilities: { marketing: { mean: 0.2, sd: 0 } } } }
model: { learning: { depreciation: 2 } }
`);
    const m = suppliersOf(world)[0].cap[3];
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

/**
 * Exports that fill a supplier's capacity end a rounding step off it (a running sum, a scaling
 * product). Each case below, found by tests/engine/registry-ranges.test.ts, once wrote a share
 * outside [0, 1] or a role out of a residue of 1e-15 units.
 */
describe('a capacity filled up to rounding leaves nothing for the own channels', () => {
  const rows = (yaml: string) =>
    simulateToMemory(parseScenarioText(yaml, 'rounding.yaml').scenario, {
      agents: { kind: 'every', k: 1 },
    }).suppliers.filter((s) => s.active && s.step! > 0);

  it('no negative domestic share when exports pass the capacity by a rounding step', () => {
    const suppliers = rows(`
time: { steps: 6 }
suppliers: { s1: { count: 8, intent: { domestic: 0 } }, s2: { count: 8 } }
buyers: { b1: { count: 3 }, b2: { count: 3 } }
`);
    expect(suppliers.length).toBeGreaterThan(0);
    // Was -2.6e-16 for supplier 2 at step 2, with own_brand_share likewise below 0.
    for (const s of suppliers) {
      expect(s.domestic_share).toBeGreaterThanOrEqual(0);
      expect(s.own_brand_share).toBeGreaterThanOrEqual(0);
    }
  });

  it('no top-buyer share above 1 when rationing scales a single tie to the capacity', () => {
    const suppliers = rows(`
time: { steps: 1 }
suppliers: { s1: { count: 5, intent: { diversify: 0, domestic: 0 } } }
buyers: { b1: { count: 3, suppliers_target: 1, demand_per_supplier: 234.375 } }
model: { orders: { capability_weight: 0 } }
`);
    // Was 1.0000000000000002 (and an HHI of 1.0000000000000004) for supplier 4.
    expect(suppliers.some((s) => s.top_buyer_share === 1)).toBe(true);
    for (const s of suppliers) {
      expect(s.top_buyer_share).toBeLessThanOrEqual(1);
      expect(s.buyer_hhi).toBeLessThanOrEqual(1);
    }
  });

  it('no ODM share above 1 when all sales carry the supplier’s design', () => {
    const suppliers = rows(`
time: { steps: 6 }
suppliers: { s2: { count: 1, capabilities: { product: { sd: 0 } }, size: { sd_log: 0 } } }
buyers:
  b1: { count: 3, sophistication: 0, complexity: 0 }
  b2: { count: 3, demand_per_supplier: 0, complexity: 0 }
model: { investment: { capacity_growth: 2 }, roles: { odm_design: 0 } }
`);
    // Was 1.0000000000000002 at step 4: the own-design volume summed in another order than sales.
    expect(suppliers.some((s) => s.odm_share === 1)).toBe(true);
    for (const s of suppliers) expect(s.odm_share).toBeLessThanOrEqual(1);
  });

  it('a fully booked hierarchy supplier is not ODM through a residue sold at home', () => {
    const suppliers = rows(`
time: { steps: 6 }
suppliers:
  s1:
    count: 1
    capabilities: { product: { sd: 0 }, design: { mean: 1 } }
    size: { mean: 15.63484375, sd_log: 3 }
    intent: { domestic: 0 }
    initial_buyers: 3
buyers: { b1: { count: 3, demand_per_supplier: 1000 }, b2: { count: 0 } }
`);
    // Was ODM from step 2 on, selling 3.6e-15 of its 27 units in the domestic channel. Its
    // exports fill its capacity until step 4; from step 5 its capacity outgrows them and it
    // sells its own design at home for real (ODM).
    expect(suppliers).toHaveLength(6);
    expect(suppliers[4].domestic_share).toBeGreaterThan(1e-4);
    for (const s of suppliers.slice(0, 4)) {
      expect(s.main_buyer_governance).toBe('hierarchy');
      expect(s.domestic_share).toBe(0);
      expect(s.role).toBe('OEM');
    }
  });
});
