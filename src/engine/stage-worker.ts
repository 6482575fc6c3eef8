/**
 * A worker thread of engine/threads.ts: runs its share of each order-independent stage it is
 * handed, on the shared column tables, and reports its counters' increments through the shared
 * Int32Array. It holds the parts of a world that the stages' bodies read and no body changes
 * (the scenario, the lead firms, the partners, the supplier groups), built from the scenario as
 * the main thread built them, and is sent the rest (the step, the environment and the tables'
 * current arrays) with each stage. The lead firms' demand and requirements, which change between
 * steps, are columns of the shared buyer table, so a worker reads the main thread's values there.
 */
import { workerData } from 'node:worker_threads';
import type { BuyerTable, RelationshipTable, World } from '../model/state.js';
import type { StageMessage, StageWorkerData } from './threads.js';

const { scenario, sync, slot, port } = workerData as StageWorkerData;

/** Reports an error to the main thread (read after the worker counts itself done or ready). */
function report(err: unknown): void {
  port.postMessage(err instanceof Error ? (err.stack ?? err.message) : String(err));
}

try {
  // Loaded here rather than imported at the top, so that a failure to load is reported to the
  // main thread (which waits synchronously and would not see the worker's error event).
  const [{ Table }, init, state, schedule, kernel, threads] = await Promise.all([
    import('./columns.js'),
    import('../model/init.js'),
    import('../model/state.js'),
    import('./schedule.js'),
    import('./kernel.js'),
    import('./threads.js'),
  ]);
  const { SYNC, COUNTER_NAMES } = threads;
  const supplierTable = new Table(state.SUPPLIER_COLUMNS, 1);
  const relationshipTable: RelationshipTable = new Table(state.RELATIONSHIP_COLUMNS, 1);
  const tieTable = new Table(state.TIE_COLUMNS, 1);
  const buyerTable: BuyerTable = new Table(state.BUYER_COLUMNS, 1);
  const partners = init.createPartners(scenario);
  const counters = state.zeroCounters();
  // Only what the order-independent bodies read: anything else is undefined here, so a body
  // that reached for it would fail loudly rather than read something stale.
  const world = {
    scenario,
    dt: 1 / scenario.time.steps_per_year,
    step: 0,
    env: {} as World['env'],
    counters,
    supplierTable,
    relationshipTable,
    tieTable,
    buyerTable,
    buyers: [],
    partners,
    supplierGroups: [],
  } as unknown as World;
  world.buyers = init.createBuyers(world);
  world.supplierGroups = init.createSupplierGroups(world);
  const stages = schedule.orderIndependentStages(schedule.SCHEDULE);

  port.on('message', (m: StageMessage) => {
    try {
      if (Atomics.load(sync, SYNC.handedOut) !== m.handedOut)
        throw new Error(`stage ${m.handedOut} arrived out of turn`);
      if (m.tables) {
        Object.assign(supplierTable.cols, m.tables.supplier);
        Object.assign(relationshipTable.cols, m.tables.relationship);
        Object.assign(tieTable.cols, m.tables.tie);
        Object.assign(buyerTable.cols, m.tables.buyer);
      }
      world.step = m.step;
      world.env = m.env;
      for (const name of COUNTER_NAMES) counters[name] = 0;
      kernel.runTiledRows(
        supplierTable.cols.active,
        stages[m.stage].map((make) => make(world)),
        m.from,
        m.to,
      );
      COUNTER_NAMES.forEach((name, c) => {
        sync[SYNC.counters + slot * COUNTER_NAMES.length + c] = counters[name];
      });
    } catch (err) {
      report(err);
    }
    Atomics.add(sync, SYNC.done, 1);
    Atomics.notify(sync, SYNC.done);
  });
} catch (err) {
  report(err);
}
Atomics.add(sync, 0, 1); // SYNC.ready (threads.js may be what failed to load)
Atomics.notify(sync, 0);
