/**
 * The order of processes within a step (docs/ODD.md §3). Order matters:
 * prices use this step's orders; learning uses this step's sales shares; investment uses this
 * step's profit; sanctions and search see the capabilities the step produced; roles are
 * judged on the step's sales before observation.
 */
import { advanceEnvironment } from '../model/environment.js';
import { updateRelationshipTypes } from '../model/governance.js';
import {
  depreciateUnused,
  depreciateUnusedBody,
  learnFromBuyers,
  learnFromBuyersBody,
} from '../model/learning.js';
import { invest, investBody } from '../model/investment.js';
import { learnFromNetwork, learnFromNetworkBody, updateTies } from '../model/networks.js';
import { allocateOrders } from '../model/orders.js';
import { enterSuppliers, exitLossMakers } from '../model/population.js';
import { settlePricesAndMargins, settlePricesAndMarginsBody } from '../model/prices.js';
import { updateRoles, updateRolesBody } from '../model/roles.js';
import { resourceTies } from '../model/resourcing.js';
import { respondToEncroachment } from '../model/sanctions.js';
import { adjustDomesticReserve, dropAndRecruit, searchForBuyers } from '../model/search.js';
import { enterSectors } from '../model/sectors.js';
import type { World } from '../model/state.js';
import { runTiled, type RowBody } from './kernel.js';
import type { StageThreads } from './threads.js';

export interface ScheduledProcess {
  /** Conceptual process number (docs/ODD.md §3) and a short name, e.g. "1a environment". */
  name: string;
  run: (world: World) => void;
  /**
   * For a process that ODD §3 lists as a loop whose order does not matter and that draws no
   * random numbers: its per-supplier body for the step (run = eachActiveRow over it).
   * Consecutive such processes run tile by tile (kernel.ts, runTiled), and with --threads on
   * several threads (engine/threads.ts), same results.
   */
  perSupplier?: (world: World) => RowBody;
}

export const SCHEDULE: readonly ScheduledProcess[] = [
  { name: '1a environment', run: advanceEnvironment },
  { name: '1b orders', run: allocateOrders },
  {
    name: '2 prices and margins',
    run: settlePricesAndMargins,
    perSupplier: settlePricesAndMarginsBody,
  },
  { name: '3a learning from buyers', run: learnFromBuyers, perSupplier: learnFromBuyersBody },
  { name: '4 learning from the network', run: learnFromNetwork, perSupplier: learnFromNetworkBody },
  { name: '5 investment', run: invest, perSupplier: investBody },
  {
    name: '3b decay of unused capabilities',
    run: depreciateUnused,
    perSupplier: depreciateUnusedBody,
  },
  { name: '8a roles', run: updateRoles, perSupplier: updateRolesBody },
  { name: '6a sanctions', run: respondToEncroachment },
  { name: '6b relationship types', run: updateRelationshipTypes },
  { name: '7a buyer search and succession', run: searchForBuyers },
  { name: '7b buyers drop and recruit', run: dropAndRecruit },
  { name: '7e re-sourcing', run: resourceTies },
  { name: '7c domestic channel', run: adjustDomesticReserve },
  { name: '7d network ties', run: updateTies },
  { name: '8b sectors', run: enterSectors },
  { name: '8c exit and entry', run: (w) => (exitLossMakers(w), enterSuppliers(w)) },
];

/**
 * `schedule` cut into groups, in order: each maximal run of consecutive processes that have a
 * per-supplier body is one group (an order-independent stage), every other process a group of
 * its own.
 */
function groups(schedule: readonly ScheduledProcess[]): ScheduledProcess[][] {
  const out: ScheduledProcess[][] = [];
  for (const process of schedule) {
    const last = out.at(-1);
    if (process.perSupplier && last?.[0].perSupplier) last.push(process);
    else out.push([process]);
  }
  return out;
}

/** The per-supplier body makers of a group of order-independent processes (see groups). */
function makersOf(group: readonly ScheduledProcess[]): ((world: World) => RowBody)[] {
  return group.flatMap((p) => (p.perSupplier ? [p.perSupplier] : []));
}

/**
 * The body makers (`perSupplier`) of each run of consecutive processes of `schedule` that have
 * one, in schedule order: the order-independent stages. A worker thread finds a stage's bodies
 * here by the stage's position (engine/threads.ts).
 */
export function orderIndependentStages(
  schedule: readonly ScheduledProcess[],
): ((world: World) => RowBody)[][] {
  return groups(schedule)
    .filter((group) => group[0].perSupplier)
    .map(makersOf);
}

/**
 * SCHEDULE as the engine runs it: each run of consecutive processes with a per-supplier body
 * becomes one stage that runs their bodies tile by tile (runTiled), the others run as they
 * are. Same results as running SCHEDULE process by process (see runTiled for why). With
 * `threads`, the stages of per-supplier bodies run on them, over all active suppliers
 * divided among the threads (engine/threads.ts), again with the same results.
 */
export function stages(
  schedule: readonly ScheduledProcess[],
  threads?: StageThreads,
): ((world: World) => void)[] {
  let stage = 0; // position among orderIndependentStages(schedule)
  return groups(schedule).map((group) => {
    if (!group[0].perSupplier) return group[0].run;
    const index = stage++;
    const makers = makersOf(group);
    if (threads) return (world: World) => threads.run(world, index, makers);
    if (makers.length === 1) return group[0].run;
    let primed = false;
    return (world: World) => {
      if (!primed) primeClosureSites(world, makers);
      primed = true;
      runTiled(
        world,
        makers.map((make) => make(world)),
      );
    };
  });
}

/**
 * Makes each maker's body once and drops it, before the stage's first real bodies: a V8
 * device, like ZERO (kernel.ts), that changes no result (a maker only reads the world). V8
 * compiles a closure made at a site that has made only one closure so far specialised to that
 * closure's context, and a body made anew each step cannot use the code compiled for the body
 * of the step before: each maker's body was compiled twice a run, once specialised to the
 * first step's body and once for every later one (docs/performance.md, 2026-12-01, session 16).
 * With a second closure made before the first is hot, V8 compiles the body once.
 */
function primeClosureSites(world: World, makers: readonly ((world: World) => RowBody)[]): void {
  for (const make of makers) make(world);
}
