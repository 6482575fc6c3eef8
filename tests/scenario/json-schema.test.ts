import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { PARAMETERS } from '../../src/scenario/parameters.js';

type S = Record<string, any>;
const schema = scenarioJsonSchema() as S;

function deref(s: S): S {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/$defs/', '');
    return schema.$defs[name];
  }
  return s;
}

/** The subschema a registry path leads to (`*` goes through additionalProperties). */
function at(path: string): S {
  let cur: S = schema;
  for (const seg of path.split('.')) {
    cur = deref(seg === '*' ? cur.additionalProperties : cur.properties?.[seg]);
    if (!cur) throw new Error(`schema has no ${path}`);
  }
  return cur;
}

/** Every object schema, wherever it is nested. */
function objects(s: unknown, out: S[] = []): S[] {
  if (typeof s !== 'object' || s === null) return out;
  const o = s as S;
  if (o.type === 'object') out.push(o);
  for (const v of Object.values(o)) objects(v, out);
  return out;
}

describe('scenario JSON Schema', () => {
  it('covers every registry parameter with its default, range and options', () => {
    for (const spec of PARAMETERS) {
      const leaf = at(spec.path);
      expect(leaf.default, spec.path).toEqual(spec.default);
      expect(leaf.description, spec.path).toContain(spec.description);
      switch (spec.type) {
        case 'number':
        case 'integer':
          expect([leaf.type, leaf.minimum, leaf.maximum], spec.path).toEqual([spec.type, spec.min, spec.max]);
          break;
        case 'boolean':
          expect(leaf.type).toBe('boolean');
          break;
        case 'enum':
          expect(leaf.enum).toEqual([...spec.options]);
          break;
        case 'set':
          expect([leaf.type, leaf.items.enum, leaf.uniqueItems]).toEqual(['array', [...spec.options], true]);
          break;
        case 'names':
          expect([leaf.type, leaf.items.type, leaf.uniqueItems]).toEqual(['array', 'string', true]);
          break;
      }
    }
  });

  it('closes every mapping and names groups by pattern', () => {
    for (const o of objects(schema)) {
      if (o.propertyNames) {
        expect(o.propertyNames.pattern).toBe('^[a-z][a-z0-9_]*$');
        expect(o.additionalProperties.$ref).toMatch(/^#\/\$defs\//);
      } else {
        expect(o.additionalProperties, JSON.stringify(Object.keys(o.properties ?? {}))).toBe(false);
      }
    }
    expect(schema.required).toEqual(['suppliers']);
    expect(schema.properties.suppliers.minProperties).toBe(1);
    expect(Object.keys(schema.properties)).toEqual(['name', 'description', 'seed', 'time', 'environment', 'suppliers', 'buyers', 'partners', 'model', 'sweep', 'validation']);
  });
});
