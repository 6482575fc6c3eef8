/**
 * What --vary (and a sweep's --set, and sweep.parameters) accepts, and that what it suggests is
 * accepted there: `--vary sweep.seed=…` suggested `seed`, itself refused as a factor. A sweep
 * setting gets a message naming its flag; a misspelt path is never pointed at a path that is no
 * factor; an unknown group in a --vary path is labelled --vary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relabelSweepError, sweepSection } from '../../src/cli/commands/sweep.js';
import { parseSweepSpec, RESERVED_FACTORS } from '../../src/experiment/sweep-spec.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { PARAMETERS, specFor, templateOf } from '../../src/scenario/parameters.js';
import { cliInTempDir } from '../cli/spawn.js';

const WORLD =
  'time: { steps: 2 }\nsuppliers:\n  smes: { count: 3 }\nbuyers:\n  lead: { count: 1 }\n';
const { scenario } = parseScenarioText(WORLD, 'w.yaml');
const opts = { set: [], vary: [] } as unknown as Parameters<typeof sweepSection>[1];

/** The one-line message `--vary arg` gets, as gvc sweep prints it. */
function varyMessage(arg: string): string {
  const o = { ...opts, vary: [arg] };
  try {
    parseSweepSpec(sweepSection(undefined, o), 'w.yaml', scenario);
  } catch (err) {
    return (relabelSweepError(err, o) as Error).message;
  }
  return 'accepted';
}

describe('--vary with a path that is not a model parameter', () => {
  it.each([
    ['sweep.seed', '--sweep-seed'],
    ['sweep.replications', '--reps'],
    ['sweep.samples', '--samples'],
    ['sweep.design', '--design'],
  ])('%s is a setting of the sweep, given with %s', (path, flag) => {
    const m = varyMessage(`${path}=[1, 2]`);
    expect(m).toContain(
      `--vary ${path}=[1, 2]: ${path}: expected a model parameter (${path} is a setting of the sweep itself, one value for the whole sweep: give it with ${flag} or as ${path.slice(6)}: in the file's sweep section`,
    );
    expect(m).not.toContain('Did you mean');
  });

  it('name and description label the scenario; they are refused as what they are', () => {
    expect(varyMessage('name=[a, b]')).toBe(
      '--vary name=[a, b]: name: expected a model parameter (name labels the scenario and its output folder, the same for every run), found "name"',
    );
    expect(varyMessage('description=[a]')).toMatch(
      /^--vary description=\[a\]: description: expected a model parameter/,
    );
  });

  it('a path under sweep. that is no key of the section is not called a setting to write', () => {
    // 'give it as seeds: in the file's sweep section' named a key the file then refused.
    expect(varyMessage('sweep.seeds=[1, 2]')).toBe(
      '--vary sweep.seeds=[1, 2]: sweep.seeds: expected a model parameter (sweep.seeds is neither a model parameter nor a setting of the sweep, whose settings are design, replications, seed, samples, levels, second_order, common_random_numbers, parameters; did you mean sweep.seed?), found "sweep.seeds"',
    );
    expect(varyMessage('sweep.parameters.x=[1]')).toContain(
      "(sweep.parameters.x is a factor of the sweep: give it with --vary x=[…] or under parameters: in the file's sweep section)",
    );
  });

  it.each(RESERVED_FACTORS)('%s as a factor points to the flags that exist', (path) => {
    const m = varyMessage(`${path}=[1, 2]`);
    expect(m).toContain('--sweep-seed');
    expect(m).toContain('--reps');
    expect(m).not.toContain('vary sweep.seed');
  });

  it('a suggestion is always a path --vary accepts', () => {
    const typos = [
      'sed',
      'seeds',
      'sweep.seed',
      'nam',
      'names',
      'descripton',
      'replicat',
      'run_i',
      'cell_i',
      ...PARAMETERS.map((p) =>
        p.path.replace('*', p.path.startsWith('buyers') ? 'lead' : 'smes').slice(0, -1),
      ),
    ];
    let suggested = 0;
    for (const typo of typos) {
      const m = varyMessage(`${typo}=[1]`);
      const s = /Did you mean "([^"]+)"\?$/.exec(m)?.[1];
      if (s === undefined) continue;
      suggested++;
      expect(specFor(templateOf(s)), `${typo} -> ${s}`).toBeDefined();
      expect([...RESERVED_FACTORS, 'name', 'description'], `${typo} -> ${s}`).not.toContain(s);
    }
    expect(suggested).toBeGreaterThan(100);
    expect(varyMessage('time.step=[2]')).toMatch(/Did you mean "time\.steps"\?$/);
  });

  it('an unknown group in a --vary path is labelled --vary, not the file', () => {
    expect(varyMessage('buyers.x.count=[1]')).toBe(
      '--vary buyers.x.count=[1]: buyers.x: expected an existing buyers group (lead), found "x"',
    );
  });

  it('gvc sweep --set: a sweep setting names its flag; a misspelt path is not pointed at seed', () => {
    const { tmp, gvc } = cliInTempDir('gvc-vary-');
    writeFileSync(
      join(tmp, 's.yaml'),
      `${WORLD}sweep:\n  parameters: { environment.ipr_protection: [0.1] }\n`,
    );
    const a = gvc('sweep', 's.yaml', '--set', 'sweep.seed=2', '--out', 'o', '--quiet');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /^gvc: --set sweep\.seed=2: sweep\.seed: expected a model parameter \(sweep\.seed is a setting of the sweep itself.*with --sweep-seed/,
    );
    const b = gvc('sweep', 's.yaml', '--set', 'sed=2', '--out', 'o', '--quiet');
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(
      'gvc: --set sed=2: sed: expected a parameter path (see gvc params), found unknown path "sed"\n',
    );
  });
});
