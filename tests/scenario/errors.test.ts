import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, UserError } from '../../src/scenario/errors.js';
import { loadScenario, parseScenarioText, type LoadOptions } from '../../src/scenario/load.js';

/** The message of the UserError thrown by fn; fails the test if fn does not throw one. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

const parse =
  (text: string, opts?: LoadOptions, file = 'x.yaml') =>
  () =>
    parseScenarioText(text, file, opts);

const BASE = 'suppliers:\n  sme: {}\nbuyers:\n  us: {}\n';
/** Append `    key: value` lines to configure buyer group `us` (they land on line 5). */
const US = 'suppliers:\n  sme: {}\nbuyers:\n  us:\n';

describe('scenario errors are one line: where, path, expected, found', () => {
  it('ScenarioError formats its fields', () => {
    const e = new ScenarioError({
      file: 'scenarios/x.yaml',
      line: 12,
      column: 5,
      path: 'buyers.us.governance',
      expected: 'one of market|network|quasi_hierarchy|hierarchy|emergent',
      found: '"quasi"',
      suggestion: 'quasi_hierarchy',
    });
    expect(e.message).toBe(
      'scenarios/x.yaml:12:5: buyers.us.governance: expected one of market|network|quasi_hierarchy|hierarchy|emergent, found "quasi". Did you mean "quasi_hierarchy"?',
    );
    expect(e).toBeInstanceOf(UserError);
    expect([e.file, e.path, e.line, e.column, e.suggestion]).toEqual([
      'scenarios/x.yaml',
      'buyers.us.governance',
      12,
      5,
      'quasi_hierarchy',
    ]);
  });

  it('missing file', () => {
    const file = join(tmpdir(), 'gvc-no-such-scenario-4711.yaml');
    expect(errorOf(() => loadScenario(file))).toBe(
      `${file}: cannot read scenario file: no such file`,
    );
  });

  it('a directory, and an unknown extension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gvc-scn-'));
    const sub = join(dir, 'sub.yaml');
    mkdtempSync(sub); // a directory whose name looks like a scenario
    expect(errorOf(() => loadScenario(dir))).toBe(
      `${dir}: expected a .yaml, .yml or .json scenario file, found extension ""`,
    );
    const txt = join(dir, 'x.txt');
    writeFileSync(txt, BASE);
    expect(errorOf(() => loadScenario(txt))).toBe(
      `${txt}: expected a .yaml, .yml or .json scenario file, found extension ".txt"`,
    );
  });

  it('YAML syntax error reports line and column', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    count: 1\n   cash: 2\n'))).toMatch(
      /^x\.yaml:4:1: invalid YAML: \S/,
    );
    expect(errorOf(parse('suppliers:\n  sme: {count: 1\n'))).toMatch(
      /^x\.yaml:\d+:\d+: invalid YAML: \S/,
    );
    expect(errorOf(parse('suppliers:\n  sme: {}\n  sme: {}\n'))).toBe(
      'x.yaml:3:3: invalid YAML: key "sme" appears twice in the mapping at suppliers; give it once',
    );
    // The dotted path of the mapping, through lists too.
    expect(
      errorOf(
        parse('validation:\n  checks:\n    - id: a\n      measure: {metric: x, metric: y}\n'),
      ),
    ).toMatch(
      /^x\.yaml:4:\d+: invalid YAML: key "metric" appears twice in the mapping at validation\.checks\[0\]\.measure; give it once$/,
    );
  });

  it('JSON syntax error reports line and column', () => {
    const text = '{\n  "suppliers": {"sme": {"count": 1,}}\n}\n';
    expect(errorOf(parse(text, {}, 'x.json'))).toMatch(/^x\.json:2:\d+: invalid JSON: \S/);
    // YAML-only syntax is not JSON.
    expect(errorOf(parse('{suppliers: {sme: {}}}', {}, 'x.json'))).toMatch(
      /^x\.json:1:2: invalid JSON: /,
    );
  });

  it('tags are rejected and aliases are bounded', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    count: !!binary aGVsbG8=\n'))).toMatch(
      /^x\.yaml:3:12: invalid YAML: .*tags are not allowed/,
    );
    expect(errorOf(parse('suppliers: !custom\n  sme: {}\n'))).toMatch(
      /^x\.yaml:1:12: invalid YAML: Unresolved tag: !custom/,
    );
    const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (let i = 0; i < 12; i++) bomb.push(`l${i}: [${Array(10).fill('*a').join(', ')}]`);
    expect(errorOf(parse(`${bomb.join('\n')}\n`))).toMatch(
      /^x\.yaml: invalid YAML: Excessive alias count/,
    );
    // Merge keys are not special in YAML 1.2 here: `<<` is refused, named as a merge key.
    expect(errorOf(parse('suppliers:\n  sme:\n    <<: {count: 1}\n'))).toMatch(
      /^x\.yaml:3:5: suppliers\.sme\.<<: .*found a merge key \(<<\)$/,
    );
  });

  it('the document must be a mapping with at least one supplier group', () => {
    expect(errorOf(parse(''))).toBe(
      'x.yaml: expected a scenario mapping with at least one supplier group, found an empty document',
    );
    expect(errorOf(parse('- 1\n- 2\n'))).toBe(
      'x.yaml:1:1: expected a mapping of scenario sections, found a list',
    );
    expect(errorOf(parse('buyers:\n  us: {}\n'))).toBe(
      'x.yaml: suppliers: expected at least one supplier group, found no suppliers section',
    );
    expect(errorOf(parse('suppliers: {}\n'))).toBe(
      'x.yaml:1:1: suppliers: expected at least one supplier group, found none',
    );
    expect(errorOf(parse('suppliers: [sme]\n'))).toBe(
      'x.yaml:1:12: suppliers: expected a mapping of suppliers groups by name, found a list',
    );
  });

  it('unknown key with a did-you-mean at the same level', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    cuont: 5\n'))).toBe(
      'x.yaml:3:5: suppliers.sme.cuont: expected one of count|capabilities|size|absorptive_capacity|cash|intent|initial_buyers|buyer_groups|partner_groups, found unknown key "cuont". Did you mean "count"?',
    );
    expect(errorOf(parse(`enviroment: {}\n${BASE}`))).toBe(
      'x.yaml:1:1: enviroment: expected one of seed|time|environment|suppliers|buyers|partners|model|name|description|sweep, found unknown key "enviroment". Did you mean "environment"?',
    );
  });

  it('unknown key that exists at another level points at its full path', () => {
    expect(errorOf(parse(`model:\n  unit_cost: 0.5\n${BASE}`))).toBe(
      'x.yaml:2:3: model.unit_cost: expected a key of model, found unknown key "unit_cost". Did you mean "model.prices.unit_cost"?',
    );
    expect(errorOf(parse('suppliers:\n  sme:\n    process: 0.5\n'))).toMatch(
      /Did you mean "suppliers\.sme\.capabilities\.process"\?$/,
    );
  });

  it('bad group names', () => {
    expect(errorOf(parse('suppliers:\n  SME: {}\n'))).toBe(
      'x.yaml:2:3: suppliers.SME: expected a group name matching ^[a-z][a-z0-9_]*$, other than constructor or prototype, found "SME"',
    );
  });

  it('wrong type', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    count: many\n'))).toBe(
      'x.yaml:3:12: suppliers.sme.count: expected an integer in [0, 10000000], found "many"',
    );
    expect(errorOf(parse(`${US}    developmental: yes\n`))).toBe(
      'x.yaml:5:20: buyers.us.developmental: expected true or false, found "yes"',
    );
    expect(errorOf(parse('environment: 3\nsuppliers:\n  sme: {}\n'))).toBe(
      'x.yaml:1:14: environment: expected a mapping, found 3',
    );
    expect(errorOf(parse('name: 3\nsuppliers:\n  sme: {}\n'))).toBe(
      'x.yaml:1:7: name: expected a string, found 3',
    );
    expect(errorOf(parse('environment:\n  ipr_protection: .inf\nsuppliers:\n  sme: {}\n'))).toBe(
      'x.yaml:2:19: environment.ipr_protection: expected a number in [0, 1], found Infinity',
    );
    expect(errorOf(parse('environment:\n  ipr_protection:\nsuppliers:\n  sme: {}\n'))).toMatch(
      /^x\.yaml:2:\d+: environment\.ipr_protection: expected a number in \[0, 1\], found null/,
    );
  });

  it('integers must be integers', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    count: 5.5\n'))).toBe(
      'x.yaml:3:12: suppliers.sme.count: expected an integer in [0, 10000000], found 5.5',
    );
  });

  it('out of range shows the range', () => {
    expect(errorOf(parse('environment:\n  ipr_protection: 1.5\nsuppliers:\n  sme: {}\n'))).toBe(
      'x.yaml:2:19: environment.ipr_protection: expected a number in [0, 1], found 1.5',
    );
    expect(errorOf(parse('suppliers:\n  sme:\n    count: -1\n'))).toBe(
      'x.yaml:3:12: suppliers.sme.count: expected an integer in [0, 10000000], found -1',
    );
  });

  it('bad enum value with a suggestion', () => {
    expect(errorOf(parse(`${US}    governance: quasi\n`))).toBe(
      'x.yaml:5:17: buyers.us.governance: expected one of market|network|quasi_hierarchy|hierarchy|emergent, found "quasi". Did you mean "quasi_hierarchy"?',
    );
    expect(errorOf(parse(`${US}    governance: xyzzy\n`))).toBe(
      'x.yaml:5:17: buyers.us.governance: expected one of market|network|quasi_hierarchy|hierarchy|emergent, found "xyzzy"',
    );
  });

  it('set items must come from the options, once each', () => {
    expect(errorOf(parse(`${US}    guards: [design, desing]\n`))).toBe(
      'x.yaml:5:22: buyers.us.guards[1]: expected one of process|product|design|marketing, found "desing". Did you mean "design"?',
    );
    expect(errorOf(parse(`${US}    guards: [design, design]\n`))).toBe(
      'x.yaml:5:22: buyers.us.guards[1]: expected each item at most once, found "design" again',
    );
    expect(errorOf(parse(`${US}    guards: design, marketing\n`))).toBe(
      'x.yaml:5:13: buyers.us.guards: expected a list of items from process|product|design|marketing, found "design, marketing". Did you mean "[design, marketing]"?',
    );
  });

  it('names must refer to existing groups of the referred section', () => {
    expect(errorOf(parse('suppliers:\n  sme:\n    buyer_groups: [eu]\nbuyers:\n  us: {}\n'))).toBe(
      'x.yaml:3:20: suppliers.sme.buyer_groups[0]: expected the name of a buyers group (us), found "eu". Did you mean "us"?',
    );
    expect(errorOf(parse('suppliers:\n  sme:\n    partner_groups: [uni]\n'))).toBe(
      'x.yaml:3:22: suppliers.sme.partner_groups[0]: expected the name of a partners group (the scenario has none), found "uni"',
    );
    // A group declared after the reference is fine.
    expect(() =>
      parseScenarioText(
        'suppliers:\n  sme:\n    buyer_groups: [eu]\nbuyers:\n  eu: {}\n',
        'x.yaml',
      ),
    ).not.toThrow();
  });

  it('positions inside a JSON file', () => {
    expect(
      errorOf(parse('{\n  "suppliers": {\n    "sme": {"count": "3"}\n  }\n}\n', {}, 'x.json')),
    ).toBe('x.json:3:22: suppliers.sme.count: expected an integer in [0, 10000000], found "3"');
  });

  it('--set to an unknown path suggests the nearest', () => {
    expect(errorOf(parse(BASE, { sets: ['buyers.us.cont=3'] }))).toBe(
      '--set buyers.us.cont=3: buyers.us.cont: expected a parameter path (see gvc params), found unknown path "buyers.us.cont". Did you mean "buyers.us.count"?',
    );
    expect(errorOf(parse(BASE, { sets: ['ipr_protection=0.3'] }))).toBe(
      '--set ipr_protection=0.3: ipr_protection: expected a parameter path (see gvc params), found unknown path "ipr_protection". Did you mean "environment.ipr_protection"?',
    );
    expect(errorOf(parse(BASE, { sets: ['environment=1'] }))).toMatch(
      /^--set environment=1: environment: expected a parameter path/,
    );
  });

  it('--set to a group that does not exist', () => {
    expect(errorOf(parse(BASE, { sets: ['buyers.eu.count=3'] }))).toBe(
      '--set buyers.eu.count=3: buyers.eu: expected an existing buyers group (us), found "eu". Did you mean "us"?',
    );
    expect(errorOf(parse(BASE, { sets: ['partners.uni.count=3'] }))).toBe(
      '--set partners.uni.count=3: partners.uni: expected an existing partners group (the scenario has none), found "uni"',
    );
  });

  it('--set values are validated like file values', () => {
    expect(errorOf(parse(BASE, { sets: ['environment.ipr_protection=2'] }))).toBe(
      '--set environment.ipr_protection=2: environment.ipr_protection: expected a number in [0, 1], found 2',
    );
    expect(errorOf(parse(BASE, { sets: ['buyers.us.guards=[design, x]'] }))).toBe(
      '--set buyers.us.guards=[design, x]: buyers.us.guards[1]: expected one of process|product|design|marketing, found "x"',
    );
    expect(errorOf(parse(BASE, { sets: ['suppliers.sme.buyer_groups=[eu]'] }))).toBe(
      '--set suppliers.sme.buyer_groups=[eu]: suppliers.sme.buyer_groups[0]: expected the name of a buyers group (us), found "eu". Did you mean "us"?',
    );
    expect(errorOf(parse(BASE, { sets: ['environment.ipr_protection'] }))).toBe(
      '--set: expected path=value, found "environment.ipr_protection"',
    );
    expect(errorOf(parse(BASE, { sets: ['buyers.us.guards=[design'] }))).toMatch(
      /^--set buyers\.us\.guards=\[design:1:\d+: invalid YAML: /,
    );
  });

  it('bad seed and steps', () => {
    expect(errorOf(parse(BASE, { seed: 'abc' }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found "abc"',
    );
    expect(errorOf(parse(BASE, { seed: '-1' }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found -1',
    );
    expect(errorOf(parse(BASE, { seed: -1 }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found -1',
    );
    expect(errorOf(parse(BASE, { seed: '1.5' }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found 1.5',
    );
    expect(errorOf(parse(BASE, { seed: '' }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found null (an empty value)',
    );
    expect(errorOf(parse(BASE, { seed: Number.NaN }))).toBe(
      '--seed: seed: expected an integer in [0, 4294967295], found NaN',
    );
    expect(errorOf(parse(BASE, { steps: '0' }))).toBe(
      '--steps: time.steps: expected an integer in [1, 100000], found 0',
    );
  });
});

describe('a whole number beyond 2^53 - 1 is refused as typed, never rounded (2^53 + 1 reads as 2^53)', () => {
  const expected =
    'expected a whole number of at most 9007199254740991 in size (2^53 - 1: a larger one is not held exactly, so it would be read as another number; text made of digits goes in quotes)';
  it.each([
    ['seed: 9007199254740993\n' + BASE, 'x.yaml:1:7: seed', '9007199254740993'],
    ['seed: -9007199254740993\n' + BASE, 'x.yaml:1:7: seed', '-9007199254740993'],
    [US + '    count: 0x20000000000001\n', 'x.yaml:5:12: buyers.us.count', '0x20000000000001'],
    [
      BASE + 'sweep:\n  parameters:\n    environment.ipr_protection: [1, 18446744073709551617]\n',
      'x.yaml:7:37: sweep.parameters.environment.ipr_protection[1]',
      '18446744073709551617',
    ],
  ])('%#: names the place and quotes the text', (text, where, typed) => {
    expect(errorOf(parse(text))).toBe(`${where}: ${expected}, found ${typed}`);
  });

  it('in a --set value, and in JSON', () => {
    expect(errorOf(parse(BASE, { sets: ['seed=9007199254740993'] }))).toBe(
      `--set seed=9007199254740993: ${expected}, found 9007199254740993`,
    );
    expect(
      errorOf(parse('{"seed": 9007199254740993, ' + '"suppliers": {"sme": {}}}', {}, 'x.json')),
    ).toBe(`x.json:1:10: seed: ${expected}, found 9007199254740993`);
  });

  it('keeps what a double holds: 2^53 - 1, a quoted string, and a number in float notation', () => {
    expect(() => parse('seed: 9007199254740991\n' + BASE)()).toThrow(
      /seed: expected an integer in/,
    );
    expect(() => parse('name: "9007199254740993"\n' + BASE)()).not.toThrow();
    expect(() => parse(US + '    demand: 1e30\n')()).toThrow(/buyers\.us\.demand: expected/);
    expect(() => parse(US + '    demand: 1e30\n')()).not.toThrow(/whole number of at most/);
  });
});

describe('a number too small for a double is refused as typed, never read as 0 (1e-400 reads as 0)', () => {
  const expected =
    'expected 0 or a number of at least 5e-324 in size (a smaller one is read as 0; write 0 if 0 is meant; text goes in quotes)';
  it.each([
    [
      BASE + 'environment:\n  ipr_protection: 1e-400\n',
      'x.yaml:6:19: environment.ipr_protection',
      '1e-400',
    ],
    [
      BASE + 'environment:\n  ipr_protection: -0.5e-330\n',
      'x.yaml:6:19: environment.ipr_protection',
      '-0.5e-330',
    ],
    [
      BASE + 'sweep:\n  parameters:\n    environment.ipr_protection: [0.5, 1E-999]\n',
      'x.yaml:7:39: sweep.parameters.environment.ipr_protection[1]',
      '1E-999',
    ],
  ])('%#: names the place and quotes the text', (text, where, typed) => {
    expect(errorOf(parse(text))).toBe(`${where}: ${expected}, found ${typed}`);
  });

  it('in a --set value, and in JSON', () => {
    expect(errorOf(parse(BASE, { sets: ['environment.ipr_protection=1e-400'] }))).toBe(
      `--set environment.ipr_protection=1e-400: ${expected}, found 1e-400`,
    );
    expect(
      errorOf(
        parse(
          '{"environment": {"ipr_protection": 1e-400}, "suppliers": {"sme": {}}}',
          {},
          'x.json',
        ),
      ),
    ).toBe(`x.json:1:36: environment.ipr_protection: ${expected}, found 1e-400`);
  });

  it('keeps zeros in any notation and the smallest double', () => {
    for (const zero of ['0', '0.0', '-0', '0e-400', '0.000e5', '0x0'])
      expect(() => parse(BASE + `environment:\n  ipr_protection: ${zero}\n`)(), zero).not.toThrow();
    expect(() => parse(BASE + 'environment:\n  ipr_protection: 5e-324\n')()).not.toThrow();
  });
});

describe('a YAML 1.1 merge key (<<) is named as such, not as an unknown key', () => {
  it('names the place and what to write instead; a quoted "<<" is an ordinary (unknown) key', () => {
    const text = 'suppliers:\n  sme: {}\nbuyers:\n  us: &b { count: 2 }\n  eu:\n    <<: *b\n';
    expect(errorOf(parse(text))).toBe(
      'x.yaml:6:5: buyers.eu.<<: expected the keys written out (merge keys are YAML 1.1, not the YAML 1.2 gvc reads; an alias of a whole value works, and base: builds on another scenario file), found a merge key (<<)',
    );
    const quoted = 'suppliers:\n  sme: {}\nbuyers:\n  eu:\n    "<<": 1\n';
    expect(errorOf(parse(quoted))).toMatch(/buyers\.eu\.<<: .*found unknown key "<<"/);
  });
});
