import { describe, expect, it } from 'vitest';
import { analyzeMorris } from '../../src/analysis/sensitivity/morris.js';
import { buildPlan, taskFor } from '../../src/experiment/plan.js';
import { parseSweepSpec, sweepWarnings } from '../../src/experiment/sweep-spec.js';
import { loadScenario } from '../../src/scenario/load.js';

const loaded = loadScenario('scenarios/lockin-morris.yaml');
const TIES = 'suppliers.smes.intent.network_ties';
const spec = (sweep: Record<string, unknown>) =>
  parseSweepSpec({ seed: 7, ...sweep }, 'test.yaml', loaded.scenario);
const counts = (xs: unknown[]) => {
  const c = new Map<unknown, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return Object.fromEntries([...c.entries()].sort((a, b) => Number(a[0]) - Number(b[0])));
};

const morris = { design: 'morris', parameters: { [TIES]: { min: 0, max: 6 } } };

describe('integer factors sampled from a range (issue 12, kind 2)', () => {
  it('LHS gives every integer equal weight and keeps one stratum block per level', () => {
    const plan = buildPlan(
      loaded.scenario,
      spec({ design: 'lhs', samples: 300, parameters: { [TIES]: { min: 0, max: 2 } } }),
    );
    // Rounding gave 75/150/75; 300 strata split exactly into three blocks of 100.
    expect(counts(plan.cells.map((c) => c.values[0]))).toEqual({ 0: 100, 1: 100, 2: 100 });
  });

  it('LHS with n not a multiple of the levels is as even as possible', () => {
    const plan = buildPlan(
      loaded.scenario,
      spec({ design: 'lhs', samples: 10, parameters: { [TIES]: { min: 0, max: 2 } } }),
    );
    const c = Object.values(counts(plan.cells.map((x) => x.values[0])));
    expect(c.length).toBe(3);
    for (const n of c) expect(n === 3 || n === 4).toBe(true);
  });

  it('Sobol/Saltelli design: the three values near 1/3 each (rounding gave 128/256/128)', () => {
    const plan = buildPlan(
      loaded.scenario,
      spec({
        design: 'sobol',
        samples: 128,
        parameters: {
          [TIES]: { min: 0, max: 2 },
          'environment.ipr_protection': { min: 0, max: 1 },
        },
      }),
    );
    // A and B rows (first and last of each block of k + 2 = 4): 256 points of a (0,m,2) net.
    const ab = plan.cells.filter((_, i) => i % 4 === 0 || i % 4 === 3).map((c) => c.values[0]);
    const c = counts(ab);
    for (const v of [0, 1, 2]) expect(Math.abs(c[v] - 256 / 3)).toBeLessThanOrEqual(2);
  });
});

describe('Morris effects of integer factors divide by the realised change (kind 3)', () => {
  for (const [max, expected] of [
    [1, 1],
    [5, 5],
    [6, 6],
  ]) {
    it(`y = network_ties in [0, ${max}]: mu* = ${expected} per full range, exactly`, () => {
      const plan = buildPlan(
        loaded.scenario,
        spec({
          design: 'morris',
          samples: 12,
          parameters: { [TIES]: { min: 0, max }, 'environment.ipr_protection': { min: 0, max: 1 } },
        }),
      );
      if (plan.layout?.kind !== 'morris') throw new Error('not a morris layout');
      const y = plan.cells.map((c) => (c.values[0] as number) + 3 * (c.values[1] as number));
      const r = analyzeMorris(plan.layout.layout, y);
      // The nominal Δ = 2/3 gave 1.5 for [0, 1] and 4.5 (×0.9) for [0, 5].
      expect(r.muStar[0]).toBeCloseTo(expected, 12);
      expect(r.sigma[0]).toBeCloseTo(0, 12);
      expect(r.muStar[1]).toBeCloseTo(3, 12);
    });
  }
});

describe('sweep options are checked when the file is read (kind 4)', () => {
  it('odd Morris levels, levels on another design, unknown flags', () => {
    expect(() => spec({ ...morris, levels: 5 })).toThrow(/sweep\.levels.*even/);
    expect(() => spec({ design: 'lhs', levels: 4, parameters: morris.parameters })).toThrow(
      /sweep\.levels/,
    );
    expect(() => spec({ ...morris, second_order: true })).toThrow(/sweep\.second_order/);
    expect(() => spec({ ...morris, common_random_numbers: 'yes' })).toThrow(
      /sweep\.common_random_numbers.*true or false/,
    );
  });

  it('warns for N not a power of two, small N or r, one replication, few integer values', () => {
    const sobol = (samples: number) =>
      sweepWarnings(
        spec({ design: 'sobol', samples, replications: 2, parameters: morris.parameters }),
      );
    expect(sobol(64)).toEqual([]);
    expect(sobol(100).join('\n')).toMatch(/N = 100 is not a power of two.*64 or 128/);
    expect(sobol(16).join('\n')).toMatch(/too few/);
    const m = sweepWarnings(
      spec({ design: 'morris', samples: 4, levels: 6, parameters: { [TIES]: { min: 0, max: 2 } } }),
    ).join('\n');
    expect(m).toMatch(/r = 4 trajectories/);
    expect(m).toMatch(/1 replication/);
    expect(m).toMatch(/3 integer values for 6 Morris levels/);
  });
});

describe('common random numbers (kind 7)', () => {
  it('every row of a Saltelli block shares a seed per replicate; blocks and replicates differ', () => {
    const s = spec({
      design: 'sobol',
      samples: 4,
      replications: 2,
      common_random_numbers: true,
      parameters: { [TIES]: { min: 0, max: 6 }, 'environment.ipr_protection': { min: 0, max: 1 } },
    });
    const plan = buildPlan(loaded.scenario, s);
    expect(plan.seedBlock).toBe(4);
    const seeds = Array.from({ length: plan.totalRuns }, (_, i) => taskFor(plan, i + 1));
    const key = (t: (typeof seeds)[number]) => `${Math.floor((t.cellId - 1) / 4)}/${t.replicate}`;
    const byKey = new Map<string, Set<number>>();
    for (const t of seeds) byKey.set(key(t), (byKey.get(key(t)) ?? new Set()).add(t.seed));
    expect(byKey.size).toBe(8);
    for (const set of byKey.values()) expect(set.size).toBe(1);
    expect(new Set(seeds.map((t) => t.seed)).size).toBe(8);
    // Without the option every run has its own seed, and the fingerprint is unchanged by the field.
    const plain = buildPlan(loaded.scenario, { ...s, commonRandomNumbers: false });
    expect(plain.seedBlock).toBe(1);
    const all = Array.from({ length: plain.totalRuns }, (_, i) => taskFor(plain, i + 1).seed);
    expect(new Set(all).size).toBe(all.length);
    expect(plain.fingerprint).not.toBe(plan.fingerprint);
  });

  it('Morris: one seed per trajectory', () => {
    const plan = buildPlan(
      loaded.scenario,
      spec({
        design: 'morris',
        samples: 3,
        common_random_numbers: true,
        parameters: morris.parameters,
      }),
    );
    expect(plan.seedBlock).toBe(2);
    const seeds = plan.cells.map((c) => taskFor(plan, c.id).seed);
    expect(seeds[0]).toBe(seeds[1]);
    expect(seeds[2]).toBe(seeds[3]);
    expect(seeds[1]).not.toBe(seeds[2]);
  });
});
