/** The validation section and derived scenario files (base: + set:): parsing and one-line errors. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseValidationSpec } from '../../src/experiment/validation-spec.js';
import { loadScenario } from '../../src/scenario/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gvc-vspec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

write(
  'world.yaml',
  `name: world
time: { steps: 20 }
suppliers:
  smes: { count: 10 }
buyers:
  lead: { count: 2, governance: quasi_hierarchy }
`,
);

const experiment = (checks: string, extra = '') =>
  write(
    'exp.yaml',
    `base: world.yaml
set:
  environment.institutions: 0.2
${extra}sweep:
  design: grid
  replications: 5
  seed: 3
  parameters:
    buyers.lead.governance: [quasi_hierarchy, market]
validation:
  pattern: P9
  title: A test pattern
  source: Nobody (2026)
  checks:
${checks}
`,
  );

const load = (file: string) => {
  const loaded = loadScenario(file);
  return parseValidationSpec(loaded.validation, loaded.sweep, file, loaded.scenario);
};

describe('derived scenario files', () => {
  it('apply set: on top of the base file and keep sweep and validation', () => {
    const loaded = loadScenario(
      experiment(
        `    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: 0 } }`,
      ),
    );
    expect(loaded.scenario.environment.institutions).toBe(0.2);
    expect(loaded.scenario.suppliers.smes.count).toBe(10);
    expect(loaded.scenario.name).toBe('exp');
    expect(loaded.base?.file).toBe(join(dir, 'world.yaml'));
    expect(loaded.sweep).toBeDefined();
    expect(loaded.validation).toBeDefined();
  });

  it('refuse parameters of their own outside set:, unknown paths, and chains of bases', () => {
    const bad = write('bad.yaml', 'base: world.yaml\nsupliers: {}\n');
    expect(() => loadScenario(bad)).toThrow(
      /bad\.yaml: supliers: expected one of .*Did you mean "set"|bad\.yaml: supliers/,
    );
    const path = write('path.yaml', 'base: world.yaml\nset:\n  environment.institutionz: 0.2\n');
    expect(() => loadScenario(path)).toThrow(
      /path\.yaml:3:3: environment\.institutionz: .*Did you mean "environment\.institutions"/,
    );
    write('mid.yaml', 'base: world.yaml\n');
    const chain = write('chain.yaml', 'base: mid.yaml\n');
    expect(() => loadScenario(chain)).toThrow(
      /chain\.yaml: base: expected a scenario file without a base of its own/,
    );
    const missing = write('missing.yaml', 'base: nowhere.yaml\n');
    expect(() => loadScenario(missing)).toThrow(/nowhere\.yaml.*no such file/);
  });
});

describe('parseValidationSpec', () => {
  it('reads differences, levels within cells and within-run contrasts', () => {
    const spec = load(
      experiment(`    - id: diff
      contrast: q minus m
      measure: { metric: mean_process }
      compare: { buyers.lead.governance: [quasi_hierarchy, market] }
      expect: { above: 0 }
    - id: level
      contrast: in q
      measure: { share: functionally_upgraded }
      minus: { share: functionally_upgraded, include_exited: true }
      within: { buyers.lead.governance: quasi_hierarchy }
      expect: { above: -1, below: 1 }`),
    );
    expect(spec).toMatchObject({ pattern: 'P9', kind: 'pattern', fastReplications: 5 });
    expect(spec.sweep.replications).toBe(5);
    expect(spec.checks[0].comparison).toEqual({
      kind: 'difference',
      path: 'buyers.lead.governance',
      a: 'quasi_hierarchy',
      b: 'market',
    });
    expect(spec.checks[1].within).toEqual([['buyers.lead.governance', 'quasi_hierarchy']]);
    expect(spec.checks[1].minus).not.toBeNull();
  });

  it('rejects contrasts over parameters or values the sweep does not have', () => {
    const check = (body: string) => () =>
      load(
        experiment(
          `    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: 0 }, ${body} }`,
        ),
      );
    expect(check('compare: { buyers.lead.governanse: [market, quasi_hierarchy] }')).toThrow(
      /validation\.checks\[0\]\.compare\.buyers\.lead\.governanse: expected a swept parameter \(buyers\.lead\.governance\).*Did you mean "buyers\.lead\.governance"/,
    );
    expect(check('compare: { buyers.lead.governance: [market, network] }')).toThrow(
      /one of the swept values quasi_hierarchy, market, found "network"/,
    );
    expect(check('compare: { buyers.lead.governance: [market] }')).toThrow(/two values \[a, b\]/);
    expect(
      check(
        'within: { buyers.lead.governance: market }, compare: { buyers.lead.governance: [market, quasi_hierarchy] }',
      ),
    ).toThrow(/a parameter the check does not also compare/);
    expect(() =>
      load(
        experiment(
          `    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { abvoe: 0 } }`,
        ),
      ),
    ).toThrow(/expect\.abvoe.*Did you mean "above"/);
    expect(() =>
      load(
        experiment(
          `    - { id: a, contrast: c, measure: { metric: share_oem, step: 99 }, expect: { above: 0 } }`,
        ),
      ),
    ).toThrow(
      /checks\[0\]\.measure: expected steps of the run \(0 to time\.steps = 20\), found step 99/,
    );
  });

  it('takes replications from the sweep section, or from the validation section when there is none', () => {
    const noSweep = write(
      'nosweep.yaml',
      `base: world.yaml
validation:
  pattern: C1
  kind: case
  title: t
  source: s
  replications: 6
  seed: 9
  fast_replications: 7
  checks:
    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: 0 } }
`,
    );
    expect(() => load(noSweep)).toThrow(
      /validation\.fast_replications: expected a whole number from 2 to the full replications \(6\), found 7/,
    );
    // Its seed is a seed like a run's, and its numbers are read as the file's numbers are.
    const text = readFileSync(noSweep, 'utf8').replace(
      'fast_replications: 7',
      'fast_replications: 2',
    );
    writeFileSync(noSweep, text.replace('seed: 9', 'seed: 1e20'));
    expect(() => load(noSweep)).toThrow(
      /validation\.seed: expected an integer in \[0, 4294967295\], found 100000000000000000000$/,
    );
    writeFileSync(noSweep, text.replace('replications: 6', 'replications: "6"'));
    expect(() => load(noSweep)).toThrow(
      /validation\.replications: expected a whole number >= 2 \(or a sweep section\), found "6"$/,
    );
    writeFileSync(noSweep, text);
    expect(load(noSweep).sweep).toMatchObject({ replications: 6, seed: 9 });
  });
});
