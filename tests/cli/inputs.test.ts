/**
 * Nothing a user gives is silently ignored or replaced (issue 11, kind 5): every section of a
 * scenario file is validated whatever the command; all-zero reinvestment weights are refused;
 * a flag that takes one value may not be repeated.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../src/cli/main.js';
import { sweepSection } from '../../src/cli/commands/sweep.js';
import { checkFileSections } from '../../src/experiment/sections.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { cliInTempDir, ROOT } from './spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-inputs-');

const WORLD = `
time: { steps: 4 }
suppliers:
  smes: { count: 5 }
buyers:
  lead: { count: 1 }
`;

describe('every section is validated whatever the command', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a misspelt sweep key',
      'sweep:\n  replicatons: 3\n  parameters:\n    environment.ipr_protection: [0.1, 0.9]\n',
      /sweep\.replicatons: expected one of .*Did you mean "replications"\?/,
    ],
    [
      'an unknown swept parameter',
      'sweep:\n  parameters:\n    environment.ipr: [0.1]\n',
      /environment\.ipr/,
    ],
    [
      'a misspelt validation key',
      'validation:\n  pattern: p\n  title: t\n  source: s\n  replications: 2\n  seed: 1\n  chekcs: []\n',
      /validation\.chekcs: expected one of/,
    ],
  ];
  it.each(cases)(
    'gvc run and gvc params refuse %s (exit 2, one line, nothing written)',
    (name, section, message) => {
      const file = `sec-${name.replace(/\W+/g, '-')}.yaml`;
      writeFileSync(join(tmp, file), WORLD + section);
      const r = gvc('run', file, '--out', 'sec-out', '--quiet');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(tmp, 'sec-out'))).toBe(false);
      const p = gvc('params', file);
      expect(p.code).toBe(2);
      expect(p.stderr).toMatch(message);
    },
  );

  it('judges the sections against the file as written, not the command-line overrides', () => {
    // A validation measure at step 4 stays valid when this run is shortened with --steps 2.
    writeFileSync(
      join(tmp, 'short.yaml'),
      WORLD +
        'validation:\n  pattern: p\n  title: t\n  source: s\n  replications: 2\n  seed: 1\n  checks:\n    - { id: a, contrast: c, measure: { metric: share_obm, step: 4 }, expect: { above: 0 } }\n',
    );
    expect(gvc('run', 'short.yaml', '--steps', '2', '--out', 'short', '--quiet').code).toBe(0);
  });
});

describe('all-zero reinvestment split weights', () => {
  const ZERO = '{ process: 0, product: 0, design: 0, marketing: 0 }';
  it('are refused in a file, from --set and in a sweep cell, not replaced by equal shares', () => {
    const text = WORLD.replace(
      'smes: { count: 5 }',
      `smes: { count: 5, intent: { split: ${ZERO} } }`,
    );
    expect(() => parseScenarioText(text, 'z.yaml')).toThrow(
      /z\.yaml: suppliers\.smes\.intent\.split: expected at least one weight above 0 .*found all four weights 0/,
    );
    writeFileSync(join(tmp, 'z.yaml'), WORLD);
    const sets = ['process', 'product', 'design', 'marketing'].flatMap((f) => [
      '--set',
      `suppliers.smes.intent.split.${f}=0`,
    ]);
    const r = gvc('run', 'z.yaml', ...sets, '--out', 'z');
    expect(r.code).toBe(2);
    // Labelled with a flag that zeroed a weight: the file holds no weight of 0.
    expect(r.stderr).toMatch(
      /^gvc: --set suppliers\.smes\.intent\.split\.process=0: suppliers\.smes\.intent\.split: expected at least one weight above 0/,
    );
    expect(existsSync(join(tmp, 'z'))).toBe(false);
    // One weight above 0 is a valid intent (everything to that function).
    expect(() =>
      parseScenarioText(text.replace('marketing: 0 }', 'marketing: 0.5 }'), 'z.yaml'),
    ).not.toThrow();
  });
});

describe('a flag that takes one value', () => {
  /** Every value-taking flag of every command, read from the program itself. */
  const flags: [string, string, string, string][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const option of command.options)
      if ((option.required || option.optional) && !option.variadic && option.long)
        flags.push([
          [...path, command.name()].slice(1).join(' '),
          option.long,
          // Flags with a fixed set of values get two valid ones.
          option.argChoices?.[0] ?? '1',
          option.argChoices?.[1] ?? '2',
        ]);
    for (const sub of command.commands) walk(sub, [...path, command.name()]);
  };
  walk(buildProgram(), []);
  const repeatable = new Set(['--set', '--vary', '--where']);

  it('exist in every command that takes a value (the table below is not empty)', () => {
    expect(flags.length).toBeGreaterThan(15);
    expect(flags).toContainEqual(['run', '--seed', '1', '2']);
  });

  it.each(flags.filter(([, f]) => !repeatable.has(f)))(
    'gvc %s %s given twice is refused before anything runs',
    async (command, flag, a, b) => {
      let err = '';
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        err += String(chunk);
        return true;
      });
      let code: number;
      try {
        code = await main(['node', 'gvc', command, 'nowhere.yaml', flag, a, flag, b]);
      } finally {
        spy.mockRestore();
      }
      expect(code).toBe(2);
      expect(err).toBe(`gvc: ${flag}: given twice ("${a}" and "${b}"); give it once\n`);
    },
  );

  it('repeatable flags still collect every value', () => {
    const r = gvc(
      'params',
      join(ROOT, 'scenarios', 'firm-i.yaml'),
      '--set',
      'seed=3',
      '--set',
      'time.steps=7',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^seed\s+.*\b3\b/m);
    expect(r.stdout).toMatch(/^time\.steps\s+.*\b7\b/m);
  });
});

describe('sweep keys the design does not use', () => {
  const world = parseScenarioText(WORLD, 's.yaml').scenario;
  const parse = (raw: Record<string, unknown>) => () => parseSweepSpec(raw, 's.yaml', world);
  const listed = { 'environment.ipr_protection': [0.2, 0.8] };
  const bounded = { 'environment.ipr_protection': { min: 0.2, max: 0.8 } };

  it('are refused, not ignored: samples for grid and ofat, levels for all but morris', () => {
    for (const design of ['grid', 'ofat'])
      expect(parse({ design, samples: 5, parameters: listed })).toThrow(
        new RegExp(`sweep\\.samples: expected no samples for the ${design} design`),
      );
    for (const design of ['grid', 'lhs', 'sobol'])
      expect(
        parse({ design, levels: 4, parameters: design === 'grid' ? listed : bounded }),
      ).toThrow(new RegExp(`sweep\\.levels: expected no levels for the ${design} design`));
    expect(parse({ design: 'morris', samples: 2, levels: 4, parameters: bounded })).not.toThrow();
    for (const design of ['lhs', 'sobol', 'morris'])
      expect(
        parse({
          design,
          parameters: { 'environment.ipr_protection': { min: 0.1, max: 0.9, steps: 3 } },
        }),
      ).toThrow(new RegExp(`ipr_protection\\.steps: expected no steps \\(the ${design} design`));
  });

  it('integer levels from {min, max, steps} are whole numbers, not silently rounded', () => {
    const ties = (range: Record<string, number>) =>
      parse({ design: 'grid', parameters: { 'suppliers.smes.count': range } });
    expect(ties({ min: 10, max: 11, steps: 3 })).toThrow(
      /count\.steps: expected steps that give whole-number levels .* found steps 3: levels 10, 10\.5, 11/,
    );
    expect(ties({ min: 0, max: 5, steps: 4 })).toThrow(/levels 0, 1\.67, 3\.33, 5/);
    const ok = parseSweepSpec(
      { design: 'grid', parameters: { 'suppliers.smes.count': { min: 2, max: 8, steps: 4 } } },
      's.yaml',
      world,
    );
    expect(ok.factors[0].values).toEqual([2, 4, 6, 8]);
  });

  it('--steps is refused when the sweep varies time.steps (one value per parameter)', () => {
    writeFileSync(join(tmp, 'w.yaml'), WORLD);
    const r = gvc(
      'sweep',
      'w.yaml',
      '--design',
      'lhs',
      '--samples',
      '2',
      '--vary',
      'time.steps={min: 1, max: 3}',
      '--steps',
      '2',
      '--out',
      'steps-x',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^gvc: --steps 2: the sweep varies time\.steps/);
    expect(existsSync(join(tmp, 'steps-x'))).toBe(false);
    expect(parse({ design: 'lhs', samples: 5, parameters: bounded })).not.toThrow();
  });
});

describe('sweep warnings about a value set by a flag', () => {
  it('name the flag, as errors do, and keep the file path otherwise', async () => {
    const { relabelSweepWarning } = await import('../../src/cli/commands/sweep.js');
    const opts = { set: [], vary: [] } as unknown as Parameters<typeof relabelSweepWarning>[1];
    const w = "sweep.samples: N = 100 is not a power of two; the Sobol' sequence is balanced";
    expect(relabelSweepWarning(w, { ...opts, samples: '100' })).toBe(
      "--samples 100: N = 100 is not a power of two; the Sobol' sequence is balanced",
    );
    expect(relabelSweepWarning(w, opts)).toBe(w);
    const r = 'sweep.replications: 1 replication per cell, so gvc sensitivity cannot estimate';
    expect(relabelSweepWarning(r, { ...opts, reps: '1' })).toBe(
      '--reps 1: 1 replication per cell, so gvc sensitivity cannot estimate',
    );
  });
});

describe("--samples and --sweep-seed give the range of the file's sweep.samples and sweep.seed", () => {
  const opts = { set: [], vary: [] } as unknown as Parameters<typeof sweepSection>[1];
  it.each(['0', '-1', '2.5'])('--samples %s: expected a whole number >= 1', (text) => {
    expect(() => sweepSection(undefined, { ...opts, samples: text })).toThrow(
      `--samples: expected a whole number >= 1, found "${text}"`,
    );
  });
  it('--samples reads its text as sweep.samples in a file is read (one YAML scalar)', () => {
    for (const text of ['1e3', '0x3E8', '1000.0', '+1000', '1000'])
      expect(sweepSection(undefined, { ...opts, samples: text })).toEqual({ samples: 1000 });
  });
  it('--sweep-seed 0 is a seed', () => {
    expect(sweepSection(undefined, { ...opts, sweepSeed: '0' })).toEqual({ seed: 0 });
  });
});

describe('a whole number too large for a double is quoted as typed', () => {
  // 2^53 + 1: Number() reads it as 2^53, which a message must not show as what was typed.
  const BIG = '9007199254740993';
  writeFileSync(
    join(tmp, 'big.yaml'),
    `${WORLD}sweep:\n  design: grid\n  seed: 1\n  parameters:\n    environment.ipr_protection: [0.1, 0.9]\n`,
  );
  writeFileSync(join(tmp, 'big.csv'), 'a,b\n1,2\n');
  const file = join(tmp, 'big.yaml');
  const out = ['--out', join(tmp, 'big-out')];
  /** Each command's flags, without its input file. */
  const cases: string[][] = [
    ['run', '--seed', BIG],
    ['run', '--steps', BIG],
    ['run', '--set', `seed=${BIG}`],
    ['run', '--set', `time.steps=${BIG}`],
    ['run', '--threads', BIG],
    ['run', '--max-output', BIG],
    ['sweep', '--workers', BIG],
    ['sweep', '--reps', BIG],
    ['sweep', '--steps', BIG],
    ['sweep', '--sweep-seed', BIG],
    ['sweep', '--design', 'lhs', '--samples', BIG],
    ['sweep', '--max-runs', BIG],
    ['sweep', '--max-output', BIG],
    ['sweep', '--shard', `1/${BIG}`],
    // --max-runs 1: without the check, a bad value would start the validation runs.
    ['validate', '--reps', BIG, '--max-runs', '1'],
    ['validate', '--workers', BIG, '--max-runs', '1'],
    ['validate', '--max-runs', BIG],
    ['table', '--format', 'latex', '--digits', BIG],
  ];
  it.each(cases.map((flags) => [flags.join(' '), flags] as const))(
    'gvc %s: refused with exit 2, quoting the text',
    async (_, [command, ...flags]) => {
      let err = '';
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        err += String(chunk);
        return true;
      });
      let code: number;
      try {
        code = await main(
          command === 'table'
            ? ['node', 'gvc', command, join(tmp, 'big.csv'), ...flags]
            : ['node', 'gvc', command, file, ...flags, ...out],
        );
      } finally {
        spy.mockRestore();
      }
      expect(code, err).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      // The message ends with what was found: the text as typed (a --shard's whole i/n).
      expect(err).toMatch(new RegExp(`found "?(1/)?${BIG}"?\\n$`));
      expect(err).not.toContain('9007199254740992');
      expect(existsSync(join(tmp, 'big-out'))).toBe(false);
    },
  );
});

describe('errors in the sweep and validation sections give line and column', () => {
  const SECTIONS = `sweep:
  design: grid
  replications: 2
  parameters:
    buyers.lead.governance: [market, hierarchy]
    environment.ipr_protection: [0.1, 0.9]
validation:
  pattern: p
  title: t
  source: s
  checks:
    - id: a
      contrast: market against hierarchy
      measure: { metric: lockin_rate }
      compare: { buyers.lead.governance: [market, hierarchy] }
      expect: { above: 0 }
`;
  // WORLD is 5 lines after its leading newline, so the sections start on line 7.
  const check =
    (text: string, file = 'f.yaml') =>
    () =>
      checkFileSections(parseScenarioText(WORLD + text, file));
  it.each([
    [
      'an unknown sweep key, at the key',
      ['replications: 2', 'replicatons: 2'],
      /^f\.yaml:9:3: sweep\.replicatons: expected one of/,
    ],
    [
      'a bad swept value, at its list',
      ['[market, hierarchy]\n    env', '[market, hierarchyy]\n    env'],
      /^f\.yaml:11:29: buyers\.lead\.governance: expected one of .*found "hierarchyy"/,
    ],
    [
      'a value listed twice, at the item',
      ['[0.1, 0.9]', '[0.1, 0.1]'],
      /^f\.yaml:12:39: sweep\.parameters\.environment\.ipr_protection\[1\]: expected each value once/,
    ],
    [
      'a bad check, at its value',
      ['above: 0', 'above: x'],
      /^f\.yaml:22:24: validation\.checks\[0\]\.expect\.above: expected a number, found "x"/,
    ],
  ])('%s', (_, [from, to], message) => {
    expect(check(SECTIONS)).not.toThrow();
    expect(check(SECTIONS.replace(from, to))).toThrow(message);
  });

  it("in a derived file's set: too", () => {
    writeFileSync(join(tmp, 'world.yaml'), WORLD);
    const derived = (set: string) => () =>
      parseScenarioText(`base: world.yaml\nset:\n${set}`, join(tmp, 'derived.yaml'));
    expect(derived('  time.steps: 3\n')).not.toThrow();
    expect(derived('  time.steps: -3\n')).toThrow(
      /derived\.yaml:3:15: time\.steps: expected an integer/,
    );
    expect(derived('  time.stepz: 3\n')).toThrow(
      /derived\.yaml:3:3: time\.stepz: expected a parameter path/,
    );
  });

  it('in JSON too, and not for a value a flag gave (no position in the file)', () => {
    const json = JSON.stringify({
      time: { steps: 4 },
      suppliers: { smes: { count: 5 } },
      buyers: { lead: { count: 1 } },
      sweep: { design: 'lhs', parameters: { 'buyers.lead.count': [1, 2] } },
    });
    expect(() => checkFileSections(parseScenarioText(json, 'f.json'))).toThrow(
      /^f\.json:1:\d+: sweep\.parameters\.buyers\.lead\.count: expected bounds/,
    );
    const loaded = parseScenarioText(WORLD + SECTIONS, 'f.yaml');
    // A swept parameter the file does not have (as --vary adds one): no line to point at.
    const flagged = {
      ...(loaded.sweep as object),
      parameters: { 'buyers.lead.count': [-1] },
    };
    expect(() => parseSweepSpec(flagged, 'f.yaml', loaded.scenario, {}, loaded.locate)).toThrow(
      /^f\.yaml: buyers\.lead\.count: expected/,
    );
  });
});
