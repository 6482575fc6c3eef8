import { describe, expect, it } from 'vitest';
import { ofatDesign } from '../../src/experiment/designs/ofat.js';

describe('ofatDesign', () => {
  const factors = [
    { name: 'alpha', baseline: 0.5, values: [0.1, 0.5, 0.9] }, // 0.5 is the baseline: skipped
    { name: 'mode', baseline: 'relational', values: ['captive', 'market', 'captive'] }, // repeat skipped
    { name: 'n', baseline: 10, values: [20] },
  ];

  it('starts at the baseline and changes exactly one factor per row', () => {
    const d = ofatDesign(factors);
    expect(d.rows[0]).toEqual([0.5, 'relational', 10]);
    expect(d.varied[0]).toBeNull();
    expect(d.rows.length).toBe(1 + 2 + 2 + 1);
    for (let i = 1; i < d.rows.length; i++) {
      const changed = d.rows[i].map((v, j) => v !== d.baseline[j]);
      expect(changed.filter(Boolean).length).toBe(1);
      expect(changed.indexOf(true)).toBe(d.varied[i]);
    }
    expect(d.rows.slice(1)).toEqual([
      [0.1, 'relational', 10],
      [0.9, 'relational', 10],
      [0.5, 'captive', 10],
      [0.5, 'market', 10],
      [0.5, 'relational', 20],
    ]);
  });

  it('can omit the baseline row', () => {
    const d = ofatDesign(factors, { includeBaseline: false });
    expect(d.rows.length).toBe(5);
    expect(d.varied).not.toContain(null);
  });
});
