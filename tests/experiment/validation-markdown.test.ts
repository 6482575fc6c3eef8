/**
 * How validation.md and gvc validate's lines show effects and interval bounds: 3 decimals, but
 * no value that is not zero may be shown as 0.000 or -0.000 (a lower bound of 0.0004 beside
 * "95% CI above 0" and PASS read as a contradiction, and -0.000 as a sign error).
 */
import { describe, expect, it } from 'vitest';
import {
  formatEffect,
  validationMarkdown,
  type ValidationRow,
} from '../../src/experiment/validation-markdown.js';
import type { ValidationSpec } from '../../src/experiment/validation-spec.js';

describe('effects and bounds in validation.md', () => {
  it('keep 3 decimals, and give a small nonzero value its significant digits', () => {
    expect(formatEffect(0.038)).toBe('0.038');
    expect(formatEffect(-0.0193)).toBe('-0.019');
    expect(formatEffect(12345.6789)).toBe('12345.679');
    expect(formatEffect(0)).toBe('0.000');
    expect(formatEffect(-0)).toBe('0.000');
    expect(formatEffect(null)).toBe('n/a');
    // Before: 0.000 and -0.000.
    expect(formatEffect(0.0004123)).toBe('0.000412');
    expect(formatEffect(-0.0004123)).toBe('-0.000412');
    expect(formatEffect(4.123e-7)).toBe('4.12e-7');
    // 0.0006 rounds to 0.001, which is not zero: 3 decimals as before.
    expect(formatEffect(0.0006)).toBe('0.001');
  });

  it('a passing check with a small positive lower bound does not show it as 0.000', () => {
    const row: ValidationRow = {
      kind: 'pattern',
      pattern: 'T1',
      check: 'gap',
      source: 'a source',
      contrast: 'a minus b',
      effect: 0.0009,
      ci95_low: 0.00021,
      ci95_high: 0.0016,
      criterion: '95% CI above 0',
      n_runs: 60,
      result: 'PASS',
    };
    const spec = {
      pattern: 'T1',
      kind: 'pattern',
      title: 'a title',
      source: 'a source',
      sweep: { factors: [] },
      fastReplications: 2,
      checks: [],
    } as unknown as ValidationSpec;
    const md = validationMarkdown([row], [{ file: 't.yaml', spec, replications: 30 }], {
      command: 'gvc validate t.yaml',
      version: '0',
      commit: null,
    });
    expect(md).toContain(
      '| T1 | gap | a minus b | 0.001 | [0.00021, 0.002] | 95% CI above 0 | 60 | PASS |',
    );
  });
});
