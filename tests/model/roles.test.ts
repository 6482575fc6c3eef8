import { describe, expect, it } from 'vitest';
import { isObm, isOdm, roleOf, updateRoles, workVolumes } from '../../src/model/roles.js';
import { suppliersOf, OBM, ODM, OEM, type Supplier, type World } from '../../src/model/state.js';
import { link, setCaps, tinyWorld } from './helpers.js';

/** Set a supplier's flows: own-channel sales, own-design volume and own-brand volume. */
function flows(
  s: Supplier,
  f: { exp?: number; dom?: number; ownDesign?: number; ownBrand?: number },
): void {
  s.exportVolume = f.exp ?? 0;
  s.domesticVolume = f.dom ?? 0;
  s.sectorVolume = 0;
  s.ownDesignVolume = f.ownDesign ?? 0;
  s.ownBrandVolume = f.ownBrand ?? 0;
}

describe('roles (process 8a)', () => {
  const world = tinyWorld({ buyers: { h: { governance: 'hierarchy' } } });
  const m = world.scenario.model;
  const s = suppliersOf(world)[0];

  // ODM = designs what it sells, with design capability at least roles.odm_design.
  it('ODM needs design ≥ odm_design and sales carrying its own design', () => {
    const t = m.roles.odm_design;
    setCaps(s, [0.5, 0.5, t, 0]);
    flows(s, { exp: 1, ownDesign: 0 });
    expect(isOdm(s, m)).toBe(false);
    expect(roleOf(s, world)).toBe(OEM);
    flows(s, { exp: 1, ownDesign: 0.2 });
    expect(roleOf(s, world)).toBe(ODM);
    setCaps(s, [0.5, 0.5, t - 0.01, 0]);
    expect(roleOf(s, world)).toBe(OEM);
  });

  // OBM = a material share of sales under its own brand, with design at least roles.obm_design.
  it('OBM needs an own-brand share ≥ obm_min_share and design ≥ obm_design', () => {
    const share = m.roles.obm_min_share;
    setCaps(s, [0.5, 0.5, 0.7, 0.7]);
    flows(s, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: share * 0.99 });
    expect(roleOf(s, world)).toBe(ODM);
    flows(s, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: share });
    expect(roleOf(s, world)).toBe(OBM);
    setCaps(s, [0.5, 0.5, m.roles.obm_design - 0.01, 0.7]);
    expect(isObm(s, world)).toBe(false);
    // No sales, no role above OEM.
    flows(s, {});
    setCaps(s, [1, 1, 1, 1]);
    expect(roleOf(s, world)).toBe(OEM);
  });

  // At the lower end of its range, obm_min_share = 0, any own-brand sales make OBM and none do
  // not: a supplier that sells nothing under its brand is no OBM (it once was, at share 0 >= 0).
  it('OBM at obm_min_share 0 still needs own-brand sales', () => {
    const w = tinyWorld({ model: { roles: { obm_min_share: 0 } } });
    const x = suppliersOf(w)[0];
    setCaps(x, [0.5, 0.5, 0.7, 0.7]);
    flows(x, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: 0 });
    expect(roleOf(x, w)).toBe(ODM);
    expect(workVolumes(x, w).obm).toBe(0);
    flows(x, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: 1e-6 });
    expect(roleOf(x, w)).toBe(OBM);
  });

  // An affiliate in a hierarchy cannot run its own brand.
  it('a supplier selling most to a hierarchy owner cannot be OBM', () => {
    const w = tinyWorld({ buyers: { h: { governance: 'hierarchy' } } });
    const x = suppliersOf(w)[0];
    const r = link(w, x, w.buyers[0], 'hierarchy', 0.6);
    setCaps(x, [0.8, 0.8, 0.8, 0.8]);
    flows(x, { exp: 0.6, dom: 0.4, ownDesign: 0.4, ownBrand: 0.4 });
    expect(isObm(x, w)).toBe(false);
    expect(roleOf(x, w)).toBe(ODM);
    r.salesShare = 0.4;
    expect(roleOf(x, w)).toBe(OBM);
  });

  // Each first rise of the highest role counts once as a functional upgrade.
  it('updateRoles counts each first rise once and records the steps of first ODM and OBM', () => {
    const w: World = tinyWorld();
    const x = suppliersOf(w)[0];
    const at = (step: number, design: number, f: Parameters<typeof flows>[1]) => {
      w.step = step;
      setCaps(x, [0.5, 0.5, design, 0.7]);
      flows(x, f);
      updateRoles(w);
    };
    at(1, 0.2, { exp: 1 });
    expect([x.role, w.counters.functionalUpgrades, x.stepOdm, x.stepObm]).toEqual([
      OEM,
      0,
      null,
      null,
    ]);
    at(3, 0.7, { exp: 1, ownDesign: 0.5 });
    expect([x.role, w.counters.functionalUpgrades, x.stepOdm]).toEqual([ODM, 1, 3]);
    at(4, 0.7, { exp: 1, ownDesign: 0.5 });
    expect([w.counters.functionalUpgrades, x.stepOdm]).toEqual([1, 3]);
    // Falls back to OEM, then regains ODM: not a new upgrade, and the first step is kept.
    at(5, 0.7, { exp: 1 });
    expect([x.role, x.highestRole]).toEqual([OEM, ODM]);
    at(6, 0.7, { exp: 1, ownDesign: 0.5 });
    expect([x.role, w.counters.functionalUpgrades, x.stepOdm]).toEqual([ODM, 1, 3]);
    at(7, 0.7, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: 0.5 });
    expect([x.role, w.counters.functionalUpgrades, x.stepObm, x.highestRole]).toEqual([
      OBM,
      2,
      7,
      OBM,
    ]);
    at(8, 0.7, { exp: 0.5, dom: 0.5, ownDesign: 0.5, ownBrand: 0.5 });
    expect([w.counters.functionalUpgrades, x.stepObm]).toEqual([2, 7]);
  });

  // Functional upgrading may skip ODM; the jump counts once.
  it('a jump from OEM straight to OBM (design below the ODM level) is one upgrade and sets step_obm only', () => {
    const w = tinyWorld();
    const x = suppliersOf(w)[0];
    w.step = 2;
    // Design 0.55: enough for OBM (0.5) but not ODM (0.6).
    setCaps(x, [0.5, 0.5, 0.55, 0.8]);
    flows(x, { dom: 1, ownDesign: 1, ownBrand: 0.5 });
    updateRoles(w);
    expect([x.role, w.counters.functionalUpgrades, x.stepObm, x.stepOdm]).toEqual([
      OBM,
      1,
      2,
      null,
    ]);
  });

  // Exited suppliers keep their last role and cannot upgrade.
  it('inactive suppliers are not updated', () => {
    const w = tinyWorld();
    const x = suppliersOf(w)[0];
    x.active = false;
    setCaps(x, [0.5, 0.5, 0.9, 0]);
    flows(x, { exp: 1, ownDesign: 1 });
    updateRoles(w);
    expect(x.role).toBe(OEM);
    expect(w.counters.functionalUpgrades).toBe(0);
  });
});

describe('work done: OEM, ODM and OBM volumes at once (workVolumes)', () => {
  // HKTDC (2008): a firm can do OEM, ODM and OBM work together; the split partitions its sales.
  it('splits sales into work to the buyer design, own design and own brand', () => {
    const w = tinyWorld({ buyers: { q: { governance: 'quasi_hierarchy' } } });
    const x = suppliersOf(w)[0];
    const m = w.scenario.model;
    setCaps(x, [0.5, 0.5, 0.8, 0.8]);
    // 2 units on a captive tie (buyer's design), 1 to a market buyer, 1 in its own channel of
    // which 0.4 under its own brand.
    flows(x, { exp: 3, dom: 1, ownDesign: 2, ownBrand: 0.4 });
    const v = workVolumes(x, w);
    expect(v.oem).toBeCloseTo(2, 12);
    expect(v.odm).toBeCloseTo(1.6, 12);
    expect(v.obm).toBeCloseTo(0.4, 12);
    // Design below the ODM level: own-design volume without a brand counts as OEM work.
    setCaps(x, [0.5, 0.5, m.roles.obm_design, 0.8]);
    expect(m.roles.obm_design).toBeLessThan(m.roles.odm_design);
    const low = workVolumes(x, w);
    expect([low.odm, low.obm]).toEqual([0, 0.4]);
    expect(low.oem).toBeCloseTo(3.6, 12);
    // A hierarchy affiliate (half its sales to one hierarchy buyer) runs no brand of its own.
    const h = tinyWorld({ buyers: { h: { governance: 'hierarchy' } } });
    const y = suppliersOf(h)[0];
    setCaps(y, [0.5, 0.5, 0.8, 0.8]);
    link(h, y, h.buyers[0], 'hierarchy', 0.6);
    flows(y, { exp: 0.6, dom: 0.4, ownDesign: 0.4, ownBrand: 0.2 });
    expect(workVolumes(y, h)).toEqual({ oem: 0.6, odm: 0.4, obm: 0 });
  });

  it('a pure ODM supplier does no OEM work despite rounding', () => {
    const w = tinyWorld();
    const x = suppliersOf(w)[0];
    setCaps(x, [0.5, 0.5, 0.8, 0]);
    // Sales are summed as (0.1 + 0.2) + 0.3, the own-design volume in another order.
    flows(x, { exp: 0.1, dom: 0.2, ownDesign: 0.3 + 0.2 + 0.1 });
    x.sectorVolume = 0.3;
    expect(0.1 + 0.2 + 0.3 - (0.3 + 0.2 + 0.1)).toBeGreaterThan(0);
    const v = workVolumes(x, w);
    expect(v.oem).toBe(0);
    expect(v.odm).toBeCloseTo(0.6, 12);
  });
});
