/**
 * A whole-number flag reads its text as its file twin reads a value (one YAML scalar): the
 * same text is the same number on the command line and in a file, and what a file refuses a
 * flag refuses, with the flag's range.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlValue } from '../../src/scenario/safe-yaml.js';
import { wholeNumberFlag } from '../../src/scenario/whole-number.js';

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
