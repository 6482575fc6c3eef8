/**
 * A whole-number flag reads its text as its file twin reads a value (one YAML scalar): the
 * same text is the same number on the command line and in a file, and what a file refuses a
 * flag refuses, with the flag's range.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlValue } from '../../src/scenario/safe-yaml.js';
import { wholeNumberFlag } from '../../src/scenario/whole-number.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';

describe('wholeNumberFlag reads the text as a scenario file would', () => {
  it.each(['16', '0x10', '0o20', '1.6e1', '16.0', '+16', ' 16 '])(
    '%s is 16, as in a file',
    (text) => {
      expect(parseYamlValue(text, 'file')).toBe(16);
      expect(wholeNumberFlag('--reps', text, { min: 1 })).toBe(16);
    },
  );

  it.each(['2.5', 'abc', '', '[1]', '.inf', '.nan', '1e400', 'true', '0x', '1:2'])(
    '%s is refused with the flag, its range and the text as typed',
    (text) => {
      expect(() => wholeNumberFlag('--reps', text, { min: 1 })).toThrow(
        `--reps: expected a whole number >= 1, found "${text}"`,
      );
    },
  );

  it('a whole number no double holds exactly is refused, saying where the limit is', () => {
    expect(() => wholeNumberFlag('--samples', '9007199254740993', { min: 1 })).toThrow(
      '--samples: expected a whole number >= 1 and at most 9007199254740991, found "9007199254740993"',
    );
  });

  it('1e20 is a whole number past the limit, and the message says where the limit is', () => {
    expect(() => wholeNumberFlag('--reps', '1e20', { min: 1 })).toThrow(
      '--reps: expected a whole number >= 1 and at most 9007199254740991, found "1e20"',
    );
  });

  it('the range is checked on the number read, whatever its notation', () => {
    expect(() => wholeNumberFlag('--threads', '0x41', { min: 1, max: 64 })).toThrow(
      '--threads: expected a whole number from 1 to 64, found "0x41"',
    );
    expect(wholeNumberFlag('--threads', '0x40', { min: 1, max: 64 })).toBe(64);
  });

  it('separators: 1_000_000 where a limit allows them, and not elsewhere', () => {
    expect(wholeNumberFlag('--max-runs', '1_000_000', { min: 1, separators: true })).toBe(1e6);
    expect(() => wholeNumberFlag('--reps', '1_000', { min: 1 })).toThrow('found "1_000"');
  });
});

describe("a sweep section's whole numbers are read as every number of the file is", () => {
  const WORLD =
    'time: { steps: 2 }\nsuppliers:\n  smes: { count: 3 }\nbuyers:\n  lead: { count: 1 }\n';
  /** The sweep spec of a file whose sweep section holds `lines`, or the error's message. */
  const sweepOf = (lines: string, vary = '[0.1, 0.9]') => {
    const text = `${WORLD}sweep:\n${lines}  parameters: { environment.ipr_protection: ${vary} }\n`;
    const loaded = parseScenarioText(text, 'w.yaml');
    try {
      return parseSweepSpec(loaded.sweep, 'w.yaml', loaded.scenario, {}, loaded.locate);
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('a quoted number is text, refused as time.steps: "2" is', () => {
    expect(() => parseScenarioText(WORLD.replace('steps: 2', 'steps: "2"'), 'w.yaml')).toThrow(
      'found "2"',
    );
    expect(sweepOf('  replications: "2"\n')).toBe(
      'w.yaml:7:17: sweep.replications: expected a whole number >= 1, found "2"',
    );
    expect(sweepOf('  design: lhs\n  samples: "4"\n', '{ min: 0.1, max: 0.9 }')).toBe(
      'w.yaml:8:12: sweep.samples: expected a whole number >= 1, found "4"',
    );
    expect(sweepOf('  design: morris\n  levels: "4"\n', '{ min: 0.1, max: 0.9 }')).toBe(
      'w.yaml:8:11: sweep.levels: expected a whole number >= 2, found "4"',
    );
    expect(sweepOf('  replications: 2\n')).toMatchObject({ replications: 2 });
  });

  it('a whole number no double holds exactly is refused with the limit, as --reps 1e20 is', () => {
    expect(sweepOf('  replications: 1e20\n')).toBe(
      'w.yaml:7:17: sweep.replications: expected a whole number >= 1 and at most 9007199254740991, found 100000000000000000000',
    );
  });
});
