import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flattenScenario, parseScenarioText } from '../../src/scenario/load.js';
import {
  GROUP_SECTIONS,
  PARAMETERS,
  type GroupSection,
  type ParamSpec,
  type ParamValue,
} from '../../src/scenario/parameters.js';
import { respectBounds } from './respect-bounds.js';

const groupName = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const groupNames = (min: number) => fc.uniqueArray(groupName, { minLength: min, maxLength: 3 });

function valueArb(
  spec: ParamSpec,
  groups: Record<GroupSection, string[]>,
): fc.Arbitrary<ParamValue> {
  switch (spec.type) {
    case 'number':
      // -0 would round-trip as -0 and differ from 0 under Object.is; it is not an interesting value.
      return fc
        .double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true })
        .map((x) => (Object.is(x, -0) ? 0 : x));
    case 'integer':
      return fc.bigInt({ min: BigInt(spec.min), max: BigInt(spec.max) }).map(Number);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'set':
      return fc.shuffledSubarray([...spec.options]);
    case 'names':
      return fc.shuffledSubarray(groups[spec.refersTo]);
  }
}

interface Generated {
  raw: Record<string, unknown>;
  /** Concrete path → value of the parameters written to the file. */
  given: Map<string, ParamValue>;
  groups: Record<GroupSection, string[]>;
}

/** A random valid scenario: random groups, and a random subset of parameters with random in-range values. */
const scenarioArb: fc.Arbitrary<Generated> = fc
  .record({ suppliers: groupNames(1), buyers: groupNames(0), partners: groupNames(0) })
  .chain((groups) => {
    const slots: { path: string[]; spec: ParamSpec }[] = [];
    for (const spec of PARAMETERS) {
      const segs = spec.path.split('.');
      if (segs[1] !== '*') slots.push({ path: segs, spec });
      else
        for (const g of groups[segs[0] as GroupSection])
          slots.push({ path: [segs[0], g, ...segs.slice(2)], spec });
    }
    return fc
      .tuple(...slots.map((s) => fc.option(valueArb(s.spec, groups), { nil: undefined, freq: 3 })))
      .map((values) => {
        const raw: Record<string, unknown> = {};
        for (const section of GROUP_SECTIONS) {
          raw[section] = Object.fromEntries(groups[section].map((g) => [g, {}]));
        }
        const given = new Map<string, ParamValue>();
        slots.forEach((slot, i) => {
          const v = values[i];
          if (v === undefined) return;
          let cur = raw;
          for (const seg of slot.path.slice(0, -1))
            cur = (cur[seg] ??= {}) as Record<string, unknown>;
          cur[slot.path[slot.path.length - 1]] = v;
          given.set(slot.path.join('.'), v);
        });
        // Drawn one at a time: a bounded parameter above its bound (PARAM_BOUNDS) is lowered.
        for (const [path, v] of respectBounds(raw)) given.set(path, v);
        return { raw, given, groups };
      });
  });

function expectRoundTrip({ given, groups }: Generated, flat: Map<string, ParamValue>): void {
  for (const [path, value] of given) expect(flat.get(path), path).toEqual(value);
  for (const section of GROUP_SECTIONS) {
    const resolvedGroups = new Set(
      [...flat.keys()].filter((p) => p.startsWith(`${section}.`)).map((p) => p.split('.')[1]),
    );
    expect([...resolvedGroups]).toEqual(groups[section]);
  }
}

describe('property: valid scenarios validate and round-trip', () => {
  it('through YAML', () => {
    fc.assert(
      fc.property(scenarioArb, (gen) => {
        const { scenario } = parseScenarioText(stringify(gen.raw), 'prop.yaml');
        expectRoundTrip(gen, flattenScenario(scenario));
      }),
      { numRuns: 60 },
    );
  });

  it('through JSON', () => {
    fc.assert(
      fc.property(scenarioArb, (gen) => {
        const { scenario } = parseScenarioText(JSON.stringify(gen.raw, null, 1), 'prop.json');
        const flat = flattenScenario(scenario);
        expectRoundTrip(gen, flat);
        // Resolving the resolved scenario again changes nothing.
        const again = parseScenarioText(JSON.stringify(scenario), 'again.json');
        expect(again.scenario).toEqual(scenario);
      }),
      { numRuns: 40 },
    );
  });

  it('through --set', () => {
    const base = 'suppliers:\n  sme: {}\nbuyers:\n  us: {}\n  eu: {}\npartners:\n  uni: {}\n';
    const groups: Record<GroupSection, string[]> = {
      suppliers: ['sme'],
      buyers: ['us', 'eu'],
      partners: ['uni'],
    };
    const concrete = (spec: ParamSpec) =>
      spec.path.replace(
        /^(suppliers|buyers|partners)\.\*/,
        (_m, s: GroupSection) => `${s}.${groups[s][0]}`,
      );
    const arb = fc
      .constantFrom(...PARAMETERS)
      .chain((spec) => valueArb(spec, groups).map((value) => ({ spec, value })));
    fc.assert(
      fc.property(arb, ({ spec, value }) => {
        const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
        const path = concrete(spec);
        // A bound (PARAM_BOUNDS) set below its parameter's default lowers that one too.
        const raw: Record<string, unknown> = {};
        let cur = raw;
        const segs = path.split('.');
        for (const seg of segs.slice(0, -1)) cur = (cur[seg] ??= {}) as Record<string, unknown>;
        cur[segs[segs.length - 1]] = value;
        const lowered = [...respectBounds(raw)].map(([p, v]) => `${p}=${v}`);
        const { scenario } = parseScenarioText(base, 'base.yaml', {
          sets: [`${path}=${text}`, ...lowered],
        });
        expect(flattenScenario(scenario).get(path)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: out-of-range numbers are rejected with the path and the range', () => {
  const numeric = PARAMETERS.filter(
    (p): p is ParamSpec & { type: 'number' | 'integer' } =>
      p.type === 'number' || p.type === 'integer',
  );
  it('in files', () => {
    const arb = fc.constantFrom(...numeric).chain((spec) =>
      fc
        .oneof(
          fc.double({
            min: spec.max,
            max: spec.max + 1e6,
            noNaN: true,
            noDefaultInfinity: true,
            minExcluded: true,
          }),
          fc.double({
            min: spec.min - 1e6,
            max: spec.min,
            noNaN: true,
            noDefaultInfinity: true,
            maxExcluded: true,
          }),
        )
        // fast-check orders -0 below 0, so "below a min of 0" can yield -0, which is in range.
        .filter((value) => value < spec.min || value > spec.max)
        .map((value) => ({ spec, value })),
    );
    fc.assert(
      fc.property(arb, ({ spec, value }) => {
        const path = spec.path.replace('*', 'g');
        const raw: Record<string, unknown> = {
          suppliers: { g: {} },
          buyers: { g: {} },
          partners: { g: {} },
        };
        const segs = path.split('.');
        let cur = raw;
        for (const s of segs.slice(0, -1)) cur = (cur[s] ??= {}) as Record<string, unknown>;
        cur[segs[segs.length - 1]] = value;
        expect(() => parseScenarioText(JSON.stringify(raw), 'bad.json')).toThrow(
          `${path}: expected ${spec.type === 'integer' ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}], found `,
        );
      }),
      { numRuns: 200 },
    );
  });
});
