/**
 * Process 8c — exit and entry. A supplier exits after a run of loss-making steps or when its
 * cash falls below a floor; it leaves its buyers and partners. Entrants arrive at a rate
 * proportional to the active population and are drawn like the first supplier group, without
 * buyers (they must find them through search or recruitment).
 */
import { eachActiveSupplier } from '../engine/kernel.js';
import { createSupplier } from './init.js';
import { dissolveAllTies } from './networks.js';
import { endAllRelationships } from './relationships.js';
import { stepsForQuarters, type Supplier, type SupplierExitCause, type World } from './state.js';

export function exitSupplier(world: World, s: Supplier, cause: SupplierExitCause): void {
  s.active = false;
  s.exitStep = world.step;
  s.exitCause = cause;
  endAllRelationships(world, s, 'supplier_exit');
  dissolveAllTies(world, s);
  world.counters.exits++;
}

export function exitLossMakers(world: World): void {
  const x = world.scenario.model.exit;
  const S = world.supplierTable.cols;
  // loss_steps counts quarters: the streak that lasts as long, ⌈loss_steps · dt₀ / dt⌉ steps.
  const lossSteps = stepsForQuarters(x.loss_steps, world.scenario.time.steps_per_year);
  eachActiveSupplier(world, (s, i) => {
    S.lossStreak[i] = S.profit[i] < 0 ? S.lossStreak[i] + 1 : 0;
    if (S.lossStreak[i] >= lossSteps) exitSupplier(world, s, 'losses');
    else if (S.cash[i] < x.cash_floor * S.size[i]) exitSupplier(world, s, 'cash');
  });
}

export function enterSuppliers(world: World): void {
  const rate = world.scenario.model.entry.rate;
  if (rate <= 0) return;
  // Entrants are drawn like the first supplier group (groupCode 0).
  if (world.supplierGroups.length === 0) return;
  let active = 0;
  eachActiveSupplier(world, () => active++);
  const expected = rate * world.dt * active;
  const rng = world.streams.entry;
  const n = Math.floor(expected) + (rng() < expected - Math.floor(expected) ? 1 : 0);
  for (let i = 0; i < n; i++) {
    createSupplier(world, 0, rng);
    world.counters.entries++;
  }
}
