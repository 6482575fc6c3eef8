import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { morrisDesign, type MorrisDesign } from '../../src/experiment/designs/morris.js';

const bounds = Array.from({ length: 6 }, (_, j) => ({
  name: `x${j + 1}`,
  lower: -j,
  upper: 2 + j,
}));

function checkTrajectories(d: MorrisDesign): void {
  const k = d.factors.length;
  expect(d.rows.length).toBe(d.r * (k + 1));
  expect(d.steps.length).toBe(d.r);
  const grid = Array.from({ length: d.levels }, (_, l) => l / (d.levels - 1));
  for (let t = 0; t < d.r; t++) {
    const pts = d.unit.slice(t * (k + 1), (t + 1) * (k + 1));
    for (const p of pts) for (const x of p) expect(grid).toContain(x);
    const moved = new Set<number>();
    for (let s = 0; s < k; s++) {
      const diff = pts[s + 1].map((x, j) => x - pts[s][j]);
      const changed = diff.map((v, j) => (Math.abs(v) > 1e-12 ? j : -1)).filter((j) => j >= 0);
      expect(changed).toEqual([d.steps[t][s].factor]);
      expect(diff[changed[0]]).toBeCloseTo(d.steps[t][s].direction * d.delta, 12);
      moved.add(changed[0]);
    }
    expect(moved.size).toBe(k); // every factor moves exactly once
  }
}

describe('morrisDesign', () => {
  it('builds r trajectories of k+1 grid points, one factor moving by ±Δ per step', () => {
    const d = morrisDesign(bounds, 20, seedrandom('m'), { levels: 4 });
    expect(d.delta).toBeCloseTo(2 / 3, 15);
    checkTrajectories(d);
    // Both directions occur (D* is random).
    const dirs = new Set(d.steps.flat().map((s) => s.direction));
    expect(dirs).toEqual(new Set([1, -1]));
  });

  it('works for other even level counts', () => {
    for (const levels of [2, 6, 8]) {
      const d = morrisDesign(bounds, 5, seedrandom(`p${levels}`), { levels });
      expect(d.delta).toBeCloseTo(levels / (2 * (levels - 1)), 15);
      checkTrajectories(d);
    }
    expect(() => morrisDesign(bounds, 5, seedrandom('x'), { levels: 5 })).toThrow();
  });

  it('scales rows to bounds', () => {
    const d = morrisDesign(bounds, 4, seedrandom('s'));
    d.rows.forEach((row, i) =>
      row.forEach((v, j) =>
        expect(v).toBeCloseTo(
          bounds[j].lower + d.unit[i][j] * (bounds[j].upper - bounds[j].lower),
          12,
        ),
      ),
    );
  });

  it('is deterministic for a seed', () => {
    expect(morrisDesign(bounds, 5, seedrandom('d')).rows).toEqual(
      morrisDesign(bounds, 5, seedrandom('d')).rows,
    );
    expect(morrisDesign(bounds, 5, seedrandom('d')).rows).not.toEqual(
      morrisDesign(bounds, 5, seedrandom('e')).rows,
    );
  });

  it('candidate selection spreads trajectories more than random ones', () => {
    const spread = (d: MorrisDesign): number => {
      const k = d.factors.length;
      const traj = Array.from({ length: d.r }, (_, t) =>
        d.unit.slice(t * (k + 1), (t + 1) * (k + 1)),
      );
      let total = 0;
      for (let a = 0; a < traj.length; a++) {
        for (let b = a + 1; b < traj.length; b++) {
          let dist = 0;
          for (const p of traj[a])
            for (const q of traj[b]) dist += Math.hypot(...p.map((x, j) => x - q[j]));
          total += dist * dist;
        }
      }
      return Math.sqrt(total);
    };
    let better = 0;
    for (let s = 0; s < 10; s++) {
      const plain = morrisDesign(bounds, 6, seedrandom(`c${s}`));
      const optimised = morrisDesign(bounds, 6, seedrandom(`c${s}`), { candidates: 60 });
      checkTrajectories(optimised);
      if (spread(optimised) > spread(plain)) better++;
    }
    expect(better).toBe(10);
  });
});
