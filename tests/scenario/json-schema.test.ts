import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { PARAMETERS } from '../../src/scenario/parameters.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking an arbitrary JSON Schema
type S = Record<string, any>;
const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
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
          expect([leaf.type, leaf.minimum, leaf.maximum], spec.path).toEqual([
            spec.type,
            spec.min,
            spec.max,
          ]);
          break;
        case 'boolean':
          expect(leaf.type).toBe('boolean');
          break;
        case 'enum':
          expect(leaf.enum).toEqual([...spec.options]);
          break;
        case 'set':
          expect([leaf.type, leaf.items.enum, leaf.uniqueItems]).toEqual([
            'array',
            [...spec.options],
            true,
          ]);
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
    expect(schema.else.required).toEqual(['suppliers']);
    expect(schema.properties.suppliers.minProperties).toBe(1);
    expect(Object.keys(schema.properties)).toEqual([
      'name',
      'description',
      'base',
      'set',
      'seed',
      'time',
      'environment',
      'suppliers',
      'buyers',
      'partners',
      'model',
      'sweep',
      'validation',
    ]);
  });
});

describe('scenario JSON Schema, checked by a validator (ajv, draft 2020-12)', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const shipped = readdirSync(SCENARIOS, { recursive: true, encoding: 'utf8' }).filter((f) =>
    /\.(ya?ml|json)$/.test(f),
  );

  it('accepts every shipped scenario file, plain and derived', () => {
    expect(shipped.length).toBeGreaterThan(20);
    expect(shipped.some((f) => f.startsWith('validation'))).toBe(true);
    for (const file of shipped) {
      const doc = parseYaml(readFileSync(join(SCENARIOS, file), 'utf8'));
      expect(validate(doc), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('checks set: paths and values of a derived file against the registry', () => {
    expect(
      validate({
        base: 'world.yaml',
        set: { 'buyers.lead_firms.codifiability': 0.3, 'environment.input_cost_growth': 0.01 },
      }),
    ).toBe(true);
    expect(validate({ base: 'world.yaml', set: { 'buyers.lead_firms.codifiabilty': 0.3 } })).toBe(
      false,
    );
    expect(validate({ base: 'world.yaml', set: { 'buyers.lead_firms.codifiability': 3 } })).toBe(
      false,
    );
    expect(validate({ base: 'world.yaml', set: { 'buyers.Lead.codifiability': 0.3 } })).toBe(false);
  });

  it('keeps the two forms apart: no parameter sections beside base:, no set: without it, suppliers in a plain file', () => {
    expect(validate({ base: 'world.yaml', environment: { peer_trust: 0.2 } })).toBe(false);
    expect(validate({ suppliers: { s: {} }, set: { seed: 2 } })).toBe(false);
    expect(validate({ environment: { peer_trust: 0.2 } })).toBe(false);
    expect(validate({ suppliers: { s: { count: 10 } } })).toBe(true);
  });
});
