/**
 * A parameter the model caps at another (PARAM_BOUNDS: price_pressure.initial at .max, a lead
 * firm's requirements at its know-how) is refused above it, wherever the value comes from: the
 * file, a --set, or a sweep cell whose factors cross. A cap would run another scenario than the
 * one written, without a word.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/experiment/plan.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { loadScenario, parseScenarioText } from '../../src/scenario/load.js';
import { PARAM_BOUNDS } from '../../src/scenario/parameters.js';
import { parametersMarkdown } from '../../src/scenario/docs.js';
import { cliInTempDir } from '../cli/spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-bounds-');

const WORLD = `
time: { steps: 2 }
suppliers:
  smes: { count: 5 }
buyers:
  lead: { count: 1, requirements: { process: 0.4 }, know_how: { process: 0.9 } }
`;

describe('a parameter above the parameter that bounds it', () => {
  it('price_pressure.initial above .max in a file: both paths, both values, what to do', () => {
    const text = `${WORLD}environment:\n  price_pressure: { initial: 0.7, max: 0.5 }\n`;
    expect(() => parseScenarioText(text, 'pp.yaml')).toThrow(
      'pp.yaml: environment.price_pressure.initial: 0.7 is above environment.price_pressure.max (0.5), which bounds it (price pressure rises from its initial value to its ceiling and never above it); lower environment.price_pressure.initial to at most 0.5 or raise environment.price_pressure.max to at least 0.7',
    );
    // Equal is allowed: pressure starts at its ceiling.
    expect(() => parseScenarioText(text.replace('0.7', '0.5'), 'pp.yaml')).not.toThrow();
  });

  it("a lead firm's requirement above its know-how, from --set, names the group's paths", () => {
    // Labelled with the flag that gave the value, naming where the other one came from.
    expect(() =>
      parseScenarioText(WORLD, 'r.yaml', { sets: ['buyers.lead.know_how.process=0.3'] }),
    ).toThrow(
      /^--set buyers\.lead\.know_how\.process=0\.3: buyers\.lead\.requirements\.process: 0\.4 \(from r\.yaml\) is above buyers\.lead\.know_how\.process \(0\.3\), which bounds it .*raise buyers\.lead\.know_how\.process to at least 0\.4$/,
    );
    expect(() =>
      parseScenarioText(WORLD, 'r.yaml', { sets: ['buyers.lead.requirements.product=0.95'] }),
    ).toThrow(
      /^--set buyers\.lead\.requirements\.product=0\.95: buyers\.lead\.requirements\.product: 0\.95 is above buyers\.lead\.know_how\.product \(0\.9, the default\)/,
    );
  });

  it('values from two flags, or a flag and the default, name each origin', () => {
    const sets = ['environment.price_pressure.initial=0.8', 'environment.price_pressure.max=0.6'];
    expect(() => parseScenarioText(WORLD, 'w.yaml', { sets })).toThrow(
      /^--set environment\.price_pressure\.initial=0\.8: environment\.price_pressure\.initial: 0\.8 is above environment\.price_pressure\.max \(0\.6, from --set environment\.price_pressure\.max=0\.6\), which bounds it/,
    );
    expect(() => parseScenarioText(WORLD, 'w.yaml', { sets: sets.slice(0, 1) })).toThrow(
      /^--set environment\.price_pressure\.initial=0\.8: environment\.price_pressure\.initial: 0\.8 is above environment\.price_pressure\.max \(0\.5, the default\), which bounds it/,
    );
  });

  it("a derived file's set: crossing a bound of its base names both files", () => {
    writeFileSync(
      join(tmp, 'pp-base.yaml'),
      `${WORLD}environment:\n  price_pressure: { initial: 0.1, max: 0.5 }\n`,
    );
    writeFileSync(
      join(tmp, 'pp-up.yaml'),
      'base: pp-base.yaml\nset:\n  environment.price_pressure.initial: 0.7\n',
    );
    writeFileSync(
      join(tmp, 'pp-down.yaml'),
      'base: pp-base.yaml\nset:\n  environment.price_pressure.max: 0.05\n',
    );
    const base = join(tmp, 'pp-base.yaml');
    // Labelled (and located) with the derived file's value, naming the base's.
    expect(() => loadScenario(join(tmp, 'pp-up.yaml'))).toThrow(
      `pp-up.yaml:3:39: environment.price_pressure.initial: 0.7 (from set) is above environment.price_pressure.max (0.5, from ${base}), which bounds it`,
    );
    // The lower value is the base's: labelled with the base, naming the derived file's set:.
    expect(() => loadScenario(join(tmp, 'pp-down.yaml'))).toThrow(
      `${base}: environment.price_pressure.initial: 0.1 is above environment.price_pressure.max (0.05, from set in ${join(tmp, 'pp-down.yaml')}), which bounds it`,
    );
  });

  it('gvc run exits 2 with one line and writes nothing', () => {
    writeFileSync(join(tmp, 'w.yaml'), WORLD);
    const r = gvc('run', 'w.yaml', '--set', 'environment.price_pressure.initial=0.6', '--out', 'o');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^gvc: --set environment\.price_pressure\.initial=0\.6: environment\.price_pressure\.initial: 0\.6 is above environment\.price_pressure\.max \(0\.5, the default\)/,
    );
    expect(existsSync(join(tmp, 'o'))).toBe(false);
  });

  it('a sweep whose two factors cross is refused at planning, naming the cell', () => {
    const { scenario } = parseScenarioText(WORLD, 'w.yaml');
    const spec = parseSweepSpec(
      {
        design: 'grid',
        parameters: {
          'environment.price_pressure.initial': [0.1, 0.4],
          'environment.price_pressure.max': [0.2, 0.5],
        },
      },
      'w.yaml',
      scenario,
    );
    expect(() => buildPlan(scenario, spec)).toThrow(
      'w.yaml: environment.price_pressure.initial: 0.4 (from sweep.parameters) is above environment.price_pressure.max (0.2, from sweep.parameters), which bounds it (price pressure rises from its initial value to its ceiling and never above it); lower environment.price_pressure.initial to at most 0.2 or raise environment.price_pressure.max to at least 0.4; in cell 3 of the grid design (environment.price_pressure.initial=0.4, environment.price_pressure.max=0.2): narrow the ranges so no cell crosses',
    );
    // Ranges that never cross plan as before.
    const fine = parseSweepSpec(
      {
        design: 'lhs',
        samples: 20,
        parameters: {
          'environment.price_pressure.initial': { min: 0, max: 0.2 },
          'environment.price_pressure.max': { min: 0.3, max: 0.9 },
        },
      },
      'w.yaml',
      scenario,
    );
    expect(buildPlan(scenario, fine).cells).toHaveLength(20);
  });

  it('gvc sweep names the file, --set or --vary each value of a crossing cell came from', () => {
    writeFileSync(
      join(tmp, 'c.yaml'),
      `${WORLD}environment:\n  price_pressure: { initial: 0.4 }\nsweep:\n  parameters: { environment.price_pressure.max: [0.9, 0.3] }\n`,
    );
    const sweep = (...args: string[]) =>
      gvc('sweep', 'c.yaml', '--out', 'cs', '--workers', '1', ...args);
    expect(sweep().stderr).toMatch(
      /^gvc: c\.yaml: environment\.price_pressure\.initial: 0\.4 is above environment\.price_pressure\.max \(0\.3, from sweep\.parameters\), .*; in cell 2 of the grid design \(environment\.price_pressure\.max=0\.3\): narrow the ranges so no cell crosses\n$/,
    );
    const vary = 'environment.price_pressure.max=[0.9, 0.2]';
    const set = 'environment.price_pressure.initial=0.35';
    const both = sweep('--vary', vary, '--set', set);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /^gvc: --set environment\.price_pressure\.initial=0\.35: environment\.price_pressure\.initial: 0\.35 is above environment\.price_pressure\.max \(0\.2, from --vary environment\.price_pressure\.max=\[0\.9, 0\.2\]\), /,
    );
    expect(sweep('--vary', vary).stderr).toMatch(
      /^gvc: --vary environment\.price_pressure\.max=\[0\.9, 0\.2\]: environment\.price_pressure\.initial: 0\.4 \(from c\.yaml\) is above environment\.price_pressure\.max \(0\.2\), /,
    );
    expect(existsSync(join(tmp, 'cs.partial'))).toBe(false);
  });

  it('a factor value above the base bound plans when every cell has the bound moved too', () => {
    // initial 0.6 and 0.8 are above the file's max of 0.5, but each cell also sets max to 0.8
    // or 0.9: no cell crosses, so nothing may be refused (each value used to be checked alone).
    const { scenario } = parseScenarioText(
      `${WORLD}environment:\n  price_pressure: { initial: 0.1, max: 0.5 }\n`,
      'w.yaml',
    );
    for (const design of ['grid', 'lhs'] as const) {
      const spec = parseSweepSpec(
        {
          design,
          ...(design === 'lhs' ? { samples: 8 } : {}),
          parameters: {
            'environment.price_pressure.initial':
              design === 'grid' ? [0.6, 0.8] : { min: 0.6, max: 0.8 },
            'environment.price_pressure.max':
              design === 'grid' ? [0.8, 0.9] : { min: 0.8, max: 0.9 },
          },
        },
        'w.yaml',
        scenario,
      );
      expect(buildPlan(scenario, spec).cells.length).toBeGreaterThan(0);
    }
  });

  it('a runs.csv row re-runs with the recipe of docs/experiments.md when --set moved a bound', () => {
    // The file's own sweep crosses at know_how 0.3 (requirement 0.4); the sweep was run with
    // --set requirement=0.2. gvc run with the row's seed and values, plus that --set, must run:
    // the file's sweep section is checked as written, but not against bounds the cells meet.
    writeFileSync(
      join(tmp, 'rr.yaml'),
      `${WORLD}sweep:\n  parameters:\n    buyers.lead.know_how.process: [0.3, 0.8]\n`,
    );
    const set = ['--set', 'buyers.lead.requirements.process=0.2'];
    expect(gvc('sweep', 'rr.yaml', ...set, '--out', 'rs', '--workers', '1', '--quiet').code).toBe(
      0,
    );
    const runs = readFileSync(join(tmp, 'rs', 'runs.csv'), 'utf8')
      .trim()
      .split('\n');
    const header = runs[0].split(',');
    const row = runs[1].split(',');
    const at = (c: string) => row[header.indexOf(c)];
    const rerun = gvc(
      'run',
      'rr.yaml',
      '--seed',
      at('seed'),
      '--set',
      `buyers.lead.know_how.process=${at('buyers.lead.know_how.process')}`,
      ...set,
      '--out',
      'r1',
      '--quiet',
    );
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const ts = readFileSync(join(tmp, 'r1', 'timeseries.csv'), 'utf8')
      .trim()
      .split('\n');
    const last = ts[ts.length - 1].split(',');
    const sweepRows = readFileSync(join(tmp, 'rs', 'timeseries.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(sweepRows[0]).toBe(ts[0]);
    const sweepLast = sweepRows
      .filter((l) => l.startsWith(`${at('run_id')},`))
      .pop()!
      .split(',');
    expect(sweepLast.slice(1)).toEqual(last.slice(1));
  });

  it('every pair is listed in docs/parameters.md and names registry parameters', () => {
    const doc = parametersMarkdown();
    for (const b of PARAM_BOUNDS) expect(doc).toContain(`| \`${b.lower}\` | \`${b.upper}\` |`);
  });
});
