/**
 * The seed-noise diagnostic of gvc sensitivity (issue 12, kind 7): one-way ANOVA over the
 * replicates of each cell. Reference values are computed by hand below, not by the code under
 * test, including the edge cases a real sweep produces: a cell with a missing replicate, a
 * metric with no variance, one replication per cell.
 */
import { describe, expect, it } from 'vitest';
import { noiseShares } from '../../src/analysis/sensitivity-report.js';

describe('noise shares (one-way ANOVA over replicates)', () => {
  it('matches a hand computation, with one cell missing a replicate', () => {
    // Cells {1, 3}, {2, 4}, {10} (the third lost its second replicate).
    // Within: SS = 2 + 2 over df = 1 + 1, so s_w² = 2 (the lone value adds no df).
    // Runs: mean 4, SS = 9 + 1 + 4 + 0 + 36 = 50 over 4 df: s_T² = 12.5; share = 2 / 12.5 = 0.16.
    // Cell means 2, 3, 10: mean 5, SS = 9 + 4 + 25 = 38 over 2 df: 19. Expected noise in a
    // cell mean: s_w² / n_c = 1, 1, 2, mean 4/3; share = (4/3) / 19 = 4/57.
    const r = noiseShares([[1, 3], [2, 4], [10]]);
    expect(r.runs).toBeCloseTo(0.16, 14);
    expect(r.means).toBeCloseTo(4 / 57, 14);
  });

  it('a metric that depends on the seed alone: all of its variance is noise (capped at 1)', () => {
    // Same two values in every cell: s_w² = 2, s_T² of (0, 2, 0, 2, 0, 2) = 6 / 5 = 1.2, so
    // 2 / 1.2 = 1.67, capped at 1;
    // the cell means do not vary, so their noise share is undefined.
    const r = noiseShares([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
    expect(r.runs).toBe(1);
    expect(r.means).toBeNull();
  });

  it('zero variance: no share at all, not 0/0', () => {
    const r = noiseShares([
      [0.25, 0.25],
      [0.25, 0.25],
    ]);
    expect(r).toEqual({ runs: null, means: null });
  });

  it('no cell with two replicates: no estimate of noise', () => {
    expect(noiseShares([[1], [2], [3]])).toEqual({ runs: null, means: null });
    // Empty cells (every replicate without a value) are skipped, not counted as zeros.
    const r = noiseShares([[1, 3], [], [2, 4], [10]]);
    expect(r.runs).toBeCloseTo(0.16, 14);
    expect(r.means).toBeCloseTo(4 / 57, 14);
  });

  it('noise-free cells: share 0', () => {
    const r = noiseShares([
      [1, 1],
      [2, 2],
      [4, 4],
    ]);
    expect(r.runs).toBe(0);
    expect(r.means).toBe(0);
  });
});
