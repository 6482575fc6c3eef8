import { describe, expect, it } from 'vitest';
import { dissolveTie, tiesOf } from '../../src/model/networks.js';
import { enterSuppliers, exitLossMakers } from '../../src/model/population.js';
import { enterSectors, transferableCapability } from '../../src/model/sectors.js';
import { suppliersOf, type World } from '../../src/model/state.js';
import { addTie, link, partnerOf, setCaps, tinyWorld, type TinyOptions } from './helpers.js';

describe('chain upgrading (process 8b)', () => {
  /** One supplier tied (trust 1) to a partner in sector 1 and one in its home sector 0. */
  function sectorWorld(institutions: number, caps: number[], extra: TinyOptions = {}): World {
    const world = tinyWorld({
      partners: {
        field: { kind: 'other_field_firm', sector: 1 },
        home: { kind: 'university', sector: 0 },
      },
      environment: { institutions },
      model: { sectors: { entry_rate: 5 } },
      ...extra,
    });
    const s = suppliersOf(world)[0];
    setCaps(s, caps);
    addTie(world, s, partnerOf(world, 'field'), 1);
    addTie(world, s, partnerOf(world, 'home'), 1);
    return world;
  }

  function run(world: World, steps: number): void {
    for (let t = 0; t < steps; t++) {
      world.step++;
      enterSectors(world);
    }
  }

  // Humphrey & Schmitz way out (d), Firm I: transferable capability plus a partner in the new field.
  it('a capable supplier with a partner in another sector enters that sector once', () => {
    const world = sectorWorld(1, [0.8, 0.8, 0.8, 0]);
    run(world, 40);
    const s = suppliersOf(world)[0];
    expect(s.sectors).toEqual([0, 1]);
    expect(world.counters.chainUpgrades).toBe(1);
  });

  // Chain upgrading needs a partner in a sector the supplier is not yet in.
  it('a partner in the home sector opens no new sector', () => {
    const world = sectorWorld(1, [0.8, 0.8, 0.8, 0]);
    dissolveTie(world, suppliersOf(world)[0], world.supplierTable.cols.tieFirst[0]);
    run(world, 100);
    expect(suppliersOf(world)[0].sectors).toEqual([0]);
    expect(world.counters.chainUpgrades).toBe(0);
  });

  // Chain upgrading needs transferable capability above the threshold.
  it('capability below the threshold never enters', () => {
    const world = sectorWorld(1, [0.6, 0.6, 0.2, 0]);
    expect(transferableCapability(suppliersOf(world)[0])).toBeLessThan(
      world.scenario.model.sectors.capability_threshold,
    );
    run(world, 200);
    expect(suppliersOf(world)[0].sectors).toEqual([0]);
  });

  // Big leaps need a strong home innovation system: no institutions, no chain upgrading.
  it('institutions 0 → never enters another sector', () => {
    const world = sectorWorld(0, [1, 1, 1, 1], { suppliers: 20 });
    for (const s of suppliersOf(world)) {
      setCaps(s, [1, 1, 1, 1]);
      if (tiesOf(world, s).length === 0) addTie(world, s, partnerOf(world, 'field'), 1);
    }
    run(world, 200);
    for (const s of suppliersOf(world)) expect(s.sectors).toEqual([0]);
    expect(world.counters.chainUpgrades).toBe(0);
  });
});

describe('exit and entry (process 8c)', () => {
  function lossWorld(): World {
    const world = tinyWorld({
      supplier: { cash: 1000 },
      buyers: { b: { governance: 'market' } },
      partners: { u: { kind: 'university' } },
    });
    const s = suppliersOf(world)[0];
    link(world, s, world.buyers[0], 'market', 1);
    addTie(world, s, partnerOf(world, 'u'), 0.5);
    return world;
  }

  // The vicious circle ends in exit: persistent losses drive a supplier out.
  it('a supplier exits after loss_steps consecutive losses and its relationships end on both sides', () => {
    const world = lossWorld();
    const s = suppliersOf(world)[0];
    const r = s.relationships[0];
    const b = world.buyers[0];
    const n = world.scenario.model.exit.loss_steps;
    s.profit = -0.1;
    for (let t = 1; t < n; t++) {
      exitLossMakers(world);
      expect(s.active).toBe(true);
    }
    expect(s.lossStreak).toBe(n - 1);
    exitLossMakers(world);
    expect(s.active).toBe(false);
    expect(world.counters.exits).toBe(1);
    expect(r.ended).toBe(true);
    expect(s.relationships).toEqual([]);
    expect(b.relationships.map((x) => x.ix)).not.toContain(r.ix);
    expect(tiesOf(world, s)).toEqual([]);
    expect(world.supplierTable.cols.tieCount[s.ix]).toBe(0);
    // Gone for good: not counted again.
    exitLossMakers(world);
    expect(world.counters.exits).toBe(1);
  });

  // Exit needs consecutive losses: any non-loss step resets the streak.
  it('a profitable (or break-even) step resets the loss streak', () => {
    const world = lossWorld();
    const s = suppliersOf(world)[0];
    const n = world.scenario.model.exit.loss_steps;
    for (let t = 0; t < 3 * n; t++) {
      s.profit = t % n === n - 1 ? 0 : -0.1;
      exitLossMakers(world);
      expect(s.active).toBe(true);
    }
  });

  // Insolvency: cash below the floor forces immediate exit.
  it('cash below the floor forces exit at once', () => {
    const world = lossWorld();
    const s = suppliersOf(world)[0];
    s.profit = 0.1;
    s.cash = (world.scenario.model.exit.cash_floor - 0.01) * s.size;
    exitLossMakers(world);
    expect(s.active).toBe(false);
    expect(world.buyers[0].relationships).toEqual([]);
  });

  // Entry: rate × active suppliers per year, drawn like the first group, without buyers.
  it('entrants arrive at rate × active suppliers, from the first group and without buyers', () => {
    const world = tinyWorld({
      suppliers: 40,
      supplier: { initial_buyers: 1 },
      buyers: { b: { governance: 'market', suppliers_target: 100 } },
      model: { entry: { rate: 1 } },
    });
    const before = suppliersOf(world).length;
    enterSuppliers(world);
    // 1 per year × 0.25 years × 40 active = exactly 10 entrants.
    expect(suppliersOf(world).length - before).toBe(10);
    expect(world.counters.entries).toBe(10);
    const entrants = suppliersOf(world).slice(before);
    for (const e of entrants) {
      expect(e.active).toBe(true);
      expect(e.relationships).toEqual([]);
      expect(e.group).toBe('s');
    }
    expect(new Set(suppliersOf(world).map((s) => s.id)).size).toBe(suppliersOf(world).length);
  });
});
