import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/scenario/errors.js';
import {
  applyParams,
  flattenScenario,
  getPath,
  loadScenario,
  parseScenarioText,
  resolveScenario,
  setPath,
} from '../../src/scenario/load.js';
import { PARAMETERS, specFor } from '../../src/scenario/parameters.js';

const YAML_TEXT = `
name: demo
description: Two supplier groups and a buyer.
seed: 42
environment:
  ipr_protection: 0.2
suppliers:
  small:
    count: 50
    capabilities:
      design: {mean: 0.2}
    buyer_groups: [us]
  large: {}
buyers:
  us:
    governance: quasi_hierarchy
    guards: [design]
    developmental: true
partners:
model:
  prices:
    unit_cost: 0.7
`;

describe('resolution', () => {
  const { scenario } = parseScenarioText(YAML_TEXT, 'scenarios/demo.yaml');

  it('takes file values', () => {
    expect(scenario.name).toBe('demo');
    expect(scenario.description).toBe('Two supplier groups and a buyer.');
    expect(scenario.seed).toBe(42);
    expect(scenario.environment.ipr_protection).toBe(0.2);
    expect(scenario.suppliers.small.count).toBe(50);
    expect(scenario.suppliers.small.capabilities.design.mean).toBe(0.2);
    expect(scenario.suppliers.small.buyer_groups).toEqual(['us']);
    expect(scenario.buyers.us.governance).toBe('quasi_hierarchy');
    expect(scenario.buyers.us.guards).toEqual(['design']);
    expect(scenario.buyers.us.developmental).toBe(true);
    expect(scenario.model.prices.unit_cost).toBe(0.7);
  });

  it('fills in registry defaults for everything omitted', () => {
    expect(scenario.time.steps).toBe(specFor('time.steps')!.default);
    expect(scenario.suppliers.small.capabilities.design.sd).toBe(
      specFor('suppliers.*.capabilities.design.sd')!.default,
    );
    expect(scenario.suppliers.large.count).toBe(specFor('suppliers.*.count')!.default);
    expect(scenario.buyers.us.type).toBe('branding');
    expect(scenario.model.partner_profiles.sales_agent.covers).toEqual(['marketing']);
    expect(scenario.partners).toEqual({});
    const flat = flattenScenario(scenario);
    const explicit = new Set([
      'seed',
      'environment.ipr_protection',
      'suppliers.small.count',
      'suppliers.small.capabilities.design.mean',
      'suppliers.small.buyer_groups',
      'buyers.us.governance',
      'buyers.us.guards',
      'buyers.us.developmental',
      'model.prices.unit_cost',
    ]);
    for (const [path, value] of flat) {
      if (explicit.has(path)) continue;
      const template = path.replace(/^(suppliers|buyers|partners)\.[a-z0-9_]+\./, '$1.*.');
      expect(value, path).toEqual(specFor(template)!.default);
    }
  });

  it('does not share default arrays between groups or with the registry', () => {
    const { scenario: s } = parseScenarioText(
      'suppliers:\n  a: {}\nbuyers:\n  x: {}\n  y: {}\n',
      'x.yaml',
    );
    s.buyers.x.guards.push('process');
    expect(s.buyers.y.guards).toEqual(['design', 'marketing']);
    expect(specFor('buyers.*.guards')!.default).toEqual(['design', 'marketing']);
  });

  it('names the scenario after the file when it has no name', () => {
    expect(parseScenarioText('suppliers:\n  a: {}\n', 'dir/my-scenario.yaml').scenario.name).toBe(
      'my-scenario',
    );
    expect(
      parseScenarioText('suppliers:\n  a: {}\n', 'dir/my-scenario.yaml').scenario.description,
    ).toBe('');
  });

  it('applies --set after the file, in order, and --seed/--steps last', () => {
    const loaded = parseScenarioText(YAML_TEXT, 'demo.yaml', {
      sets: [
        'buyers.us.guards=[design, marketing]',
        'environment.ipr_protection=0.3',
        'buyers.us.governance=market',
        'buyers.us.developmental=false',
        'suppliers.large.buyer_groups=[us]',
        'name=renamed',
      ],
      seed: '9',
      steps: 20,
    });
    const s = loaded.scenario;
    expect(s.buyers.us.guards).toEqual(['design', 'marketing']);
    expect(s.environment.ipr_protection).toBe(0.3);
    expect(s.buyers.us.governance).toBe('market');
    expect(s.buyers.us.developmental).toBe(false);
    expect(s.suppliers.large.buyer_groups).toEqual(['us']);
    expect(s.name).toBe('renamed');
    expect(s.seed).toBe(9);
    expect(s.time.steps).toBe(20);
    expect(loaded.overrides).toEqual([
      'buyers.us.guards=[design, marketing]',
      'environment.ipr_protection=0.3',
      'buyers.us.governance=market',
      'buyers.us.developmental=false',
      'suppliers.large.buyer_groups=[us]',
      'name=renamed',
      'seed=9',
      'time.steps=20',
    ]);
  });

  it.each([
    [{ sets: ['seed=5', 'seed=6'] }, /--set seed=6: seed is also given by --set seed=5/],
    [{ sets: ['seed=5'], seed: '9' }, /--seed 9: seed is also given by --set seed=5/],
    [{ sets: ['time.steps=12'], steps: 20 }, /--steps 20: time.steps is also given by --set/],
    [{ sets: [' seed =5', 'seed=6'] }, /seed is also given by --set {2}seed =5/],
  ])('two values for one parameter on the command line are refused (kind 5): %j', (opts, msg) => {
    expect(() => parseScenarioText(YAML_TEXT, 'demo.yaml', opts)).toThrow(msg);
  });

  it('returns the sweep key untouched, and none when absent', () => {
    const sweep = { replicates: 3, vary: { 'buyers.us.governance': ['market', 'bogus'] } };
    const withSweep = parseScenarioText(
      `suppliers:\n  a: {}\nsweep: ${JSON.stringify(sweep)}\n`,
      'x.yaml',
    );
    expect(withSweep.sweep).toEqual(sweep);
    expect('sweep' in parseScenarioText('suppliers:\n  a: {}\n', 'x.yaml')).toBe(false);
  });

  it('resolveScenario works on plain objects', () => {
    const { scenario: s, overrides } = resolveScenario(
      { suppliers: { a: { count: 3 } } },
      'inline.json',
      { sets: ['suppliers.a.count=4'] },
    );
    expect(s.suppliers.a.count).toBe(4);
    expect(s.name).toBe('inline');
    expect(overrides).toEqual(['suppliers.a.count=4']);
    expect(() => resolveScenario({ suppliers: { a: { count: 'x' } } }, 'inline.json')).toThrow(
      'inline.json: suppliers.a.count: expected an integer in [0, 10000000], found "x"',
    );
  });

  it('applyParams returns a validated copy', () => {
    const changed = applyParams(scenario, [
      ['buyers.us.governance', 'network'],
      ['environment.ipr_protection', 1],
    ]);
    expect(changed.buyers.us.governance).toBe('network');
    expect(changed.environment.ipr_protection).toBe(1);
    expect(scenario.buyers.us.governance).toBe('quasi_hierarchy');
    expect(() => applyParams(scenario, [['buyers.us.governance', 'nope']], 'sweep cell 3')).toThrow(
      /^sweep cell 3: buyers\.us\.governance: expected one of/,
    );
  });

  it('getPath and setPath', () => {
    const o: Record<string, unknown> = {};
    setPath(o, 'a.b.c', 1);
    setPath(o, ['a', 'd'], [2]);
    expect(o).toEqual({ a: { b: { c: 1 }, d: [2] } });
    expect(getPath(o, 'a.b.c')).toBe(1);
    expect(getPath(o, 'a.x.c')).toBeUndefined();
    expect(getPath(o, 'toString')).toBeUndefined();
    expect(() => setPath(o, '__proto__.polluted', 1)).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('loading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gvc-load-'));

  it('reads YAML and JSON equivalently and hashes the bytes', () => {
    const yamlFile = join(dir, 'demo.yaml');
    writeFileSync(yamlFile, YAML_TEXT);
    const raw = {
      name: 'demo',
      suppliers: { small: { count: 50 }, large: {} },
      buyers: { us: { guards: ['design'] } },
    };
    const jsonFile = join(dir, 'demo.json');
    writeFileSync(jsonFile, JSON.stringify(raw, null, 2));
    const ymlFile = join(dir, 'demo.yml');
    writeFileSync(ymlFile, `# comment\n${JSON.stringify(raw)}\n`);

    const y = loadScenario(yamlFile);
    expect(y.file).toBe(yamlFile);
    expect(y.text).toBe(YAML_TEXT);
    expect(y.sha256).toBe(createHash('sha256').update(YAML_TEXT).digest('hex'));
    expect(y.overrides).toEqual([]);

    const j = loadScenario(jsonFile);
    const m = loadScenario(ymlFile);
    expect(j.scenario).toEqual(m.scenario);
    expect(j.scenario.suppliers.small.count).toBe(50);
    expect(j.sha256).not.toBe(m.sha256);
  });

  it('accepts a byte-order mark', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, '\uFEFF{"suppliers": {"a": {}}}');
    expect(loadScenario(file).scenario.suppliers.a.count).toBe(100);
  });

  it('passes options through', () => {
    const file = join(dir, 'opts.yaml');
    writeFileSync(file, 'suppliers:\n  a: {}\n');
    const l = loadScenario(file, { sets: ['suppliers.a.count=7'], seed: 3, steps: '8' });
    expect([l.scenario.suppliers.a.count, l.scenario.seed, l.scenario.time.steps]).toEqual([
      7, 3, 8,
    ]);
    expect(() => loadScenario(file, { seed: 'abc' })).toThrow(UserError);
  });

  it('every registry parameter can be set from the command line', () => {
    const file = join(dir, 'all.yaml');
    writeFileSync(file, 'suppliers:\n  a: {}\nbuyers:\n  b: {}\npartners:\n  p: {}\n');
    const base = loadScenario(file).scenario;
    for (const [path, value] of flattenScenario(base)) {
      const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
      expect(
        flattenScenario(loadScenario(file, { sets: [`${path}=${text}`] }).scenario).get(path),
        path,
      ).toEqual(value);
    }
    expect(PARAMETERS.length).toBeGreaterThan(100);
  });
});
