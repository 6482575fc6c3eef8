import { describe, expect, it } from 'vitest';
import { GROUP_ALL, TIMESERIES_COLUMNS, timeseriesColumns } from '../../src/engine/observations.js';
import { simulateToMemory } from '../../src/engine/simulation.js';
import { loadScenario } from '../../src/scenario/load.js';

describe('timeseries rows by supplier group (--by-group)', () => {
  // Two supplier groups (smes, established), with exits, sanctions and upgrades by step 60.
  const { scenario } = loadScenario('scenarios/baseline.yaml', { steps: '60' });
  const plain = simulateToMemory(scenario).timeseries;
  const byGroup = simulateToMemory(scenario, { byGroup: true }).timeseries;
  const groups = Object.keys(scenario.suppliers);

  it('adds the group column third, and nothing else', () => {
    const names = timeseriesColumns(true).map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['run_id', 'step', 'group']);
    expect(names.filter((n) => n !== 'group')).toEqual(TIMESERIES_COLUMNS.map((c) => c.name));
    expect(timeseriesColumns(false)).toBe(TIMESERIES_COLUMNS);
  });

  it('each step has the whole population (labelled all) as without the flag, then each group', () => {
    expect(groups).toHaveLength(2);
    expect(byGroup).toHaveLength(plain.length * (1 + groups.length));
    plain.forEach((row, t) => {
      const at = byGroup.slice(t * 3, t * 3 + 3);
      expect(at.map((r) => r.group)).toEqual([GROUP_ALL, ...groups]);
      expect(at.every((r) => r.step === t)).toBe(true);
      const { group, ...all } = at[0];
      expect(group).toBe(GROUP_ALL);
      expect(all).toEqual(row);
    });
  });

  it('group rows add up to the whole population: counts, counters and capability sums', () => {
    const sum = (rows: typeof byGroup, k: keyof (typeof byGroup)[number]) =>
      rows.reduce((a, r) => a + ((r[k] as number | null) ?? 0), 0);
    let counted = 0;
    for (let t = 0; t < plain.length; t++) {
      const [all, ...parts] = byGroup.slice(t * 3, t * 3 + 3);
      for (const k of [
        'n_suppliers',
        'cumulative_exits',
        'cumulative_entries',
        'cumulative_functional_upgrades',
        'cumulative_chain_upgrades',
        'cumulative_sanctions',
      ] as const)
        expect(sum(parts, k)).toBe(all[k]);
      const weighted = parts.reduce((a, r) => a + (r.mean_process ?? 0) * r.n_suppliers!, 0);
      expect(weighted).toBeCloseTo((all.mean_process ?? 0) * all.n_suppliers!, 9);
      expect(parts.map((r) => r.price_pressure)).toEqual([all.price_pressure, all.price_pressure]);
      counted += all.cumulative_functional_upgrades! + all.cumulative_sanctions!;
    }
    // The counters did move, so the sums were not of zeros only.
    expect(counted).toBeGreaterThan(0);
  });

  it('group retention lies between the groups and matches all when one group holds every tie', () => {
    for (let t = 0; t < plain.length; t++) {
      const [all, a, b] = byGroup.slice(t * 3, t * 3 + 3);
      for (const k of ['retention_market', 'retention_quasi_hierarchy'] as const) {
        const vals = [a[k], b[k]].filter((v): v is number => v !== null);
        if (all[k] === null) expect(vals).toEqual([]);
        else {
          expect(all[k]!).toBeGreaterThanOrEqual(Math.min(...vals) - 1e-12);
          expect(all[k]!).toBeLessThanOrEqual(Math.max(...vals) + 1e-12);
        }
      }
    }
  });

  // A group row's markup premium is over the group's suppliers (it once was the whole
  // population's on every row). The whole population's mean is a weighted mean of the groups';
  // in this scenario only one group ever has suppliers selling to both kinds of lead firm.
  it('the relational markup premium of a group row is over that group', () => {
    let onlyOne = 0;
    for (let t = 0; t < plain.length; t++) {
      const [all, a, b] = byGroup.slice(t * 3, t * 3 + 3);
      const vals = [a, b]
        .map((r) => r.relational_markup_premium)
        .filter((v): v is number => v !== null);
      if (all.relational_markup_premium === null) {
        expect(vals).toEqual([]);
        continue;
      }
      expect(vals.length).toBeGreaterThan(0);
      expect(all.relational_markup_premium).toBeGreaterThanOrEqual(Math.min(...vals) - 1e-12);
      expect(all.relational_markup_premium).toBeLessThanOrEqual(Math.max(...vals) + 1e-12);
      if (vals.length === 1) {
        onlyOne++;
        expect(vals[0]).toBe(all.relational_markup_premium);
      }
    }
    expect(onlyOne).toBeGreaterThan(0);
  });
});
