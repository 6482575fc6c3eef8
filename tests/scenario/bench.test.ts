import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';

const file = (name: string) =>
  fileURLToPath(new URL(`../../scenarios/bench/${name}`, import.meta.url));

/** Every agent group's `count`, by section and group name. */
function counts(s: Scenario): Record<string, number> {
  const out: Record<string, number> = {};
  for (const section of ['suppliers', 'buyers', 'partners'] as const) {
    for (const [group, spec] of Object.entries(s[section] as Record<string, { count: number }>))
      out[`${section}.${group}`] = spec.count;
  }
  return out;
}

/** The scenario with every group's count set to 0 and without name and description. */
function withoutCounts(s: Scenario): unknown {
  const copy = structuredClone(s) as unknown as Record<string, unknown>;
  delete copy.name;
  delete copy.description;
  for (const section of ['suppliers', 'buyers', 'partners']) {
    for (const spec of Object.values(copy[section] as Record<string, { count: number }>))
      spec.count = 0;
  }
  return copy;
}

describe('benchmark scenarios', () => {
  // The scaling figures of `npm run bench` compare 10k (medium.yaml) with 100k (large.yaml)
  // per supplier-step: that is only fair if medium is large at a tenth, same ratios.
  it('medium.yaml is large.yaml with every group a tenth as large', () => {
    const large = loadScenario(file('large.yaml')).scenario;
    const medium = loadScenario(file('medium.yaml')).scenario;
    const expected = Object.fromEntries(Object.entries(counts(large)).map(([k, n]) => [k, n / 10]));
    expect(counts(medium)).toEqual(expected);
    expect(Object.values(counts(medium)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(withoutCounts(medium)).toEqual(withoutCounts(large));
  });
});
