import { describe, expect, it } from 'vitest';
import {
  GROUP_SECTIONS,
  PARAMETERS,
  specFor,
  templateOf,
  type ParamSpec,
} from '../../src/scenario/parameters.js';
import { flattenScenario, parseScenarioText } from '../../src/scenario/load.js';
import { PARAMETER_TREE } from '../../src/scenario/tree.js';

const ONE_GROUP_EACH = `
suppliers:
  sme: {}
buyers:
  us: {}
partners:
  uni: {}
`;
const GROUP_OF: Record<string, string> = { suppliers: 'sme', buyers: 'us', partners: 'uni' };

function concrete(spec: ParamSpec): string {
  const segs = spec.path.split('.');
  if (segs[1] === '*') segs[1] = GROUP_OF[segs[0]];
  return segs.join('.');
}

/** Every leaf of a nested object (arrays are values), as dotted paths. */
function leafPaths(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('parameter registry', () => {
  it('has unique paths made of snake_case segments, with `*` only as the group segment', () => {
    const paths = PARAMETERS.map((p) => p.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) {
      const segs = path.split('.');
      segs.forEach((s, i) => {
        if (s === '*') {
          expect(i, path).toBe(1);
          expect(GROUP_SECTIONS as readonly string[], path).toContain(segs[0]);
        } else {
          expect(s, path).toMatch(/^[a-z][a-z0-9_]*$/);
        }
      });
      if ((GROUP_SECTIONS as readonly string[]).includes(segs[0])) expect(segs[1], path).toBe('*');
    }
  });

  it('has defaults within range and options, and a description for every parameter', () => {
    for (const spec of PARAMETERS) {
      expect(spec.description.length, spec.path).toBeGreaterThan(0);
      switch (spec.type) {
        case 'number':
        case 'integer':
          expect(spec.min, spec.path).toBeLessThanOrEqual(spec.max);
          expect(spec.default, spec.path).toBeGreaterThanOrEqual(spec.min);
          expect(spec.default, spec.path).toBeLessThanOrEqual(spec.max);
          if (spec.type === 'integer') {
            expect(Number.isInteger(spec.default), spec.path).toBe(true);
            expect(Number.isInteger(spec.min) && Number.isInteger(spec.max), spec.path).toBe(true);
          }
          break;
        case 'boolean':
          expect(typeof spec.default, spec.path).toBe('boolean');
          break;
        case 'enum':
          expect(spec.options, spec.path).toContain(spec.default);
          break;
        case 'set':
          expect(new Set(spec.default).size, spec.path).toBe(spec.default.length);
          for (const d of spec.default) expect(spec.options, spec.path).toContain(d);
          break;
        case 'names':
          expect(spec.default, spec.path).toEqual([]);
          expect(GROUP_SECTIONS as readonly string[], spec.path).toContain(spec.refersTo);
          break;
      }
    }
  });

  it('has no path that is both a parameter and a section', () => {
    const paths = new Set(PARAMETERS.map((p) => p.path));
    for (const p of paths) {
      const segs = p.split('.');
      for (let i = 1; i < segs.length; i++)
        expect(paths.has(segs.slice(0, i).join('.')), p).toBe(false);
    }
    expect(PARAMETER_TREE.children.size).toBeGreaterThan(0);
  });

  it('maps concrete paths back to their spec', () => {
    for (const spec of PARAMETERS) expect(specFor(templateOf(concrete(spec)))).toBe(spec);
  });
});

describe('resolved scenario and registry agree', () => {
  const { scenario } = parseScenarioText(ONE_GROUP_EACH, 'one.yaml');

  it('flattenScenario covers exactly the registry, in registry order', () => {
    expect([...flattenScenario(scenario).keys()]).toEqual(PARAMETERS.map(concrete));
  });

  it('every leaf of the resolved object is a registry parameter, and vice versa', () => {
    const leaves = leafPaths(scenario).filter((p) => p !== 'name' && p !== 'description');
    expect(leaves.sort()).toEqual(PARAMETERS.map(concrete).sort());
  });

  it('an empty group gets every default of the registry', () => {
    const flat = flattenScenario(scenario);
    for (const spec of PARAMETERS)
      expect(flat.get(concrete(spec)), spec.path).toEqual(spec.default);
  });

  it('lists group parameters group by group, groups in file order', () => {
    const { scenario: two } = parseScenarioText(
      'suppliers:\n  zeta: {}\n  alpha: {}\n',
      'two.yaml',
    );
    expect(Object.keys(two.suppliers)).toEqual(['zeta', 'alpha']);
    const supplierPaths = [...flattenScenario(two).keys()].filter((p) =>
      p.startsWith('suppliers.'),
    );
    const perGroup = PARAMETERS.filter((p) => p.path.startsWith('suppliers.*.')).length;
    expect(supplierPaths.length).toBe(2 * perGroup);
    expect(supplierPaths.slice(0, perGroup).every((p) => p.startsWith('suppliers.zeta.'))).toBe(
      true,
    );
    expect(supplierPaths.slice(perGroup).every((p) => p.startsWith('suppliers.alpha.'))).toBe(true);
    expect(two.buyers).toEqual({});
    expect(two.partners).toEqual({});
  });

  it('keeps the top-level key order of the registry', () => {
    expect(Object.keys(scenario)).toEqual([
      'name',
      'description',
      'seed',
      'time',
      'environment',
      'suppliers',
      'buyers',
      'partners',
      'model',
    ]);
  });
});
