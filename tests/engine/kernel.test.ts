import { describe, expect, it } from 'vitest';
import { eachActiveSupplier, ZERO } from '../../src/engine/kernel.js';
import type { Supplier, World } from '../../src/model/state.js';

const world = (active: boolean[]) =>
  ({ suppliers: active.map((a, id) => ({ id, active: a }) as Supplier) }) as World;

describe('eachActiveSupplier: the loop of the per-supplier submodels', () => {
  it('visits the active suppliers in list order and skips the others', () => {
    const w = world([true, false, true, true, false]);
    const seen: number[] = [];
    eachActiveSupplier(w, (s) => seen.push(s.id));
    expect(seen).toEqual([0, 2, 3]);
  });

  it('reads active on reaching a supplier: one deactivated earlier is skipped, one appended visited', () => {
    const w = world([true, true, true]);
    const seen: number[] = [];
    eachActiveSupplier(w, (s) => {
      seen.push(s.id);
      // Deactivates supplier 1 before it is reached, and supplier 2 once it has been visited.
      if (s.id === 0) w.suppliers[1].active = false;
      s.active = s.id !== 2;
      if (s.id === 2) w.suppliers.push({ id: 3, active: true } as Supplier);
    });
    expect(seen).toEqual([0, 2, 3]);
  });
});

describe('ZERO', () => {
  it('is -0: stored as a double, equal to 0, and adding it changes nothing', () => {
    expect(Object.is(ZERO, -0)).toBe(true);
    expect(ZERO === 0).toBe(true);
    expect(Object.is(ZERO + 0.25, 0.25)).toBe(true);
  });
});
