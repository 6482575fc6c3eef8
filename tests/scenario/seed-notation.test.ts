/**
 * A seed may be written the same ways whichever way it is given: `--seed`, `--set seed=`,
 * `seed:` in a file, `--sweep-seed` and `sweep.seed:` read one YAML scalar and check it with one
 * check, so `--seed 0x10` is the seed 16 that `--set seed=0x10` and `seed: 0x10` were, and a bad
 * seed gets the same "expected …, found …" from each. `--steps` reads like `--set time.steps=`.
 * Whatever the notation, the seed recorded (manifest, runs.csv, design.json) is the number used.
 */
import { describe, expect, it } from 'vitest';
import { sweepSection } from '../../src/cli/commands/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const WORLD =
  'time: { steps: 2 }\nsuppliers:\n  smes: { count: 3 }\nbuyers:\n  lead: { count: 1 }\n';
const SWEEP = { design: 'grid', parameters: { 'environment.ipr_protection': [0.1] } };
const cliOpts = { set: [], vary: [] } as unknown as Parameters<typeof sweepSection>[1];

function message(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

/** The seed each way of giving it reads `text` as, or the message's part after its label. */
function readings(text: string): Record<string, string> {
  const { scenario } = parseScenarioText(WORLD, 'w.yaml');
  const fromSweep = (raw: unknown) => parseSweepSpec(raw, 'w.yaml', scenario).seed;
  const ways: Record<string, () => unknown> = {
    '--seed': () => parseScenarioText(WORLD, 'w.yaml', { seed: text }).scenario.seed,
    '--set seed=': () =>
      parseScenarioText(WORLD, 'w.yaml', { sets: [`seed=${text}`] }).scenario.seed,
    'seed:': () => parseScenarioText(`seed: ${text}\n${WORLD}`, 'w.yaml').scenario.seed,
    '--sweep-seed': () => fromSweep(sweepSection(SWEEP, { ...cliOpts, sweepSeed: text })),
    'sweep.seed:': () =>
      fromSweep(
        parseScenarioText(
          `${WORLD}sweep:\n  seed: ${text}\n  parameters: { environment.ipr_protection: [0.1] }\n`,
          'w.yaml',
        ).sweep,
      ),
  };
  const out: Record<string, string> = {};
  for (const [way, read] of Object.entries(ways)) {
    let value: unknown;
    const m = message(() => (value = read()));
    // Labels differ (`--seed`, `--set seed=1.5`, `w.yaml:1:7`, `sweep.seed`); what follows does not.
    out[way] = m === 'no error' ? `seed ${String(value)}` : m.slice(m.indexOf('expected'));
  }
  return out;
}

describe('a seed is written the same ways whichever way it is given', () => {
  it.each([
    ['16', 16],
    ['0x10', 16],
    ['0o20', 16],
    ['1.6e1', 16],
    ['16.0', 16],
    ['4294967295', 4294967295],
    ['0', 0],
  ])('%s is the seed %d every way', (text, seed) => {
    for (const [way, got] of Object.entries(readings(text))) expect(got, way).toBe(`seed ${seed}`);
  });

  it.each([
    ['1.5', 'expected an integer in [0, 4294967295], found 1.5'],
    ['-1', 'expected an integer in [0, 4294967295], found -1'],
    ['4294967296', 'expected an integer in [0, 4294967295], found 4294967296'],
    ['0x1_0', 'expected an integer in [0, 4294967295], found "0x1_0"'],
    ['abc', 'expected an integer in [0, 4294967295], found "abc"'],
  ])('%s is refused with one message every way', (text, expected) => {
    for (const [way, got] of Object.entries(readings(text))) expect(got, way).toBe(expected);
  });

  it('--steps reads like --set time.steps=', () => {
    for (const text of ['0x10', '1e1', '12.0']) {
      expect(parseScenarioText(WORLD, 'w.yaml', { steps: text }).scenario.time.steps).toBe(
        parseScenarioText(WORLD, 'w.yaml', { sets: [`time.steps=${text}`] }).scenario.time.steps,
      );
    }
    expect(message(() => parseScenarioText(WORLD, 'w.yaml', { steps: '2.5' }))).toBe(
      '--steps: time.steps: expected an integer in [1, 100000], found 2.5',
    );
  });
});
