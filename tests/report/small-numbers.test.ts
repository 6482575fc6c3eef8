/**
 * A number that is not zero is never printed as zero: gvc run's summary, gvc table --digits,
 * gvc validate's table (whose columns widen for such a number instead of going out of line)
 * and the sweep heatmap's cell labels show a small one with 3 significant digits.
 */
import { describe, expect, it } from 'vitest';
import { finalSummary } from '../../src/cli/commands/run.js';
import { validationLines } from '../../src/cli/commands/validate.js';
import type { TimeseriesRow } from '../../src/engine/observations.js';
import { formatEffect } from '../../src/experiment/validation-markdown.js';
import { fixedNonZero, formatCell } from '../../src/report/table.js';

describe('fixedNonZero', () => {
  it.each([
    [0.123456, 3, '0.123'],
    [0.0004, 3, '0.0004'],
    [0.000412345, 3, '0.000412'],
    [-0.000412345, 3, '-0.000412'],
    [4.12345e-7, 3, '4.12e-7'],
    [0.0005, 3, '0.001'], // rounds up to a non-zero: kept as 3 decimals
    [0.004, 2, '0.004'],
    [0.4, 0, '0.4'],
    [12.5, 0, '13'],
    [0, 3, '0.000'],
    [-0, 3, '0.000'],
    [-1e-20, 3, '-1e-20'],
  ])('%d with %d decimals is %s', (x, digits, shown) =>
    expect(fixedNonZero(x, digits)).toBe(shown),
  );

  it('gvc table cells and validate effects use it', () => {
    expect(formatCell('0.00004', 3)).toBe('0.00004');
    expect(formatCell('-0.00004', 2)).toBe('-0.00004');
    expect(formatCell('0.0000', 3)).toBe('0.000');
    expect(formatEffect(-0.000412)).toBe('-0.000412');
  });
});

describe('gvc run summary', () => {
  it('shows a small non-zero share as itself, not 0.000', () => {
    const row = {
      step: 120,
      n_suppliers: 5000,
      share_oem: 0.9996,
      share_odm: 0.0002,
      share_obm: 0.0002,
      mean_process: 0.5,
      mean_product: 0.4,
      mean_design: 0.00031,
      mean_marketing: 0,
      lockin_rate: null,
      mean_top_buyer_share: 0.75,
    } as unknown as TimeseriesRow;
    expect(finalSummary(row)).toBe(
      'final step 120: 5000 suppliers; roles OEM 1.000, ODM 0.0002, OBM 0.0002; capabilities process 0.500, product 0.400, design 0.00031, marketing 0.000; lock-in rate n/a; mean top-buyer share 0.750\n',
    );
  });
});

describe("gvc validate's table", () => {
  it('keeps its columns in line when an effect is shown with significant digits', () => {
    const row = (check: string, effect: number, lo: number, hi: number) => ({
      result: 'PASS',
      pattern: 'p1',
      check,
      effect,
      ci95_low: lo,
      ci95_high: hi,
      criterion: 'above 0',
      source: 'S',
    });
    const lines = validationLines([
      row('a', 0.123, 0.1, 0.2),
      row('b', -0.000412, -0.000187, -1.5e-7),
      row('c', 12.5, 10, 15),
    ])
      .trimEnd()
      .split('\n');
    expect(lines[1]).toContain(' -0.000412 [-0.000187, -1.5e-7]');
    for (const mark of ['[', ',', ']', 'above'])
      expect(new Set(lines.map((l) => l.indexOf(mark))).size, mark).toBe(1);
  });
});
