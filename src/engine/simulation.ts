/**
 * One run: a pure function of the resolved scenario (which carries the seed). It builds the
 * world, observes the initial state as step 0, then runs the schedule step by step and
 * streams observations to the sink, so nothing accumulates in memory.
 */
import { buildWorld } from '../model/init.js';
import { supplierRow, timeseriesRow } from '../model/metrics.js';
import { activeSpells, relationshipRow, SpellObserver } from '../model/spells.js';
import { supplierAt, type World } from '../model/state.js';
import type { Scenario } from '../scenario/types.js';
import {
  GROUP_ALL,
  type AgentsMode,
  type ObservationSink,
  type RelationshipRow,
  type SupplierRow,
  type TimeseriesRow,
} from './observations.js';
import type { RelIx } from './columns.js';
import { compactionScratch, compactRelationships, compactTies } from './compact.js';
import { SCHEDULE, stages } from './schedule.js';
import { ThreadPool } from './threads.js';

export interface SimulateOptions {
  agents?: AgentsMode;
  /** After each step's whole-population timeseries row, one row per supplier group (group set). */
  byGroup?: boolean;
  /**
   * Whether the timeseries rows of step `step` (0 to time.steps) are wanted (default: every
   * step's). Rows of other steps are neither built nor sent to the sink, so a sweep that keeps
   * only the final row does not build the others; the observation's bookkeeping that later
   * rows depend on (type changes of spells, the counts and types of spells that retention a
   * year later compares with) runs at every step all the same, so the rows that are built do
   * not depend on it.
   */
  timeseriesAt?: (step: number) => boolean;
  /**
   * Threads for the order-independent stages of each step (engine/threads.ts; default 1, no
   * worker threads). The outputs are the same for any number.
   */
  threads?: number;
  /**
   * Active suppliers per thread below which a stage uses fewer threads (default
   * engine/threads.ts MIN_SHARE); tests set it low to run small worlds on several threads.
   */
  threadMinShare?: number;
  /**
   * Called after each step with the world (the number of suppliers, entrants included); may
   * throw to stop the run, e.g. before the process runs out of memory (experiment/memory.ts).
   */
  afterStep?: (world: World) => void;
}

/**
 * Steps between compactions of the relationship and tie tables (engine/compact.ts): often enough
 * that churn does not scatter the rows, rarely enough that the copying (a few milliseconds at
 * 100,000 suppliers) stays small beside the steps.
 */
const COMPACT_EVERY = 4;

export function simulate(
  scenario: Scenario,
  sink: ObservationSink,
  options: SimulateOptions = {},
): World {
  const pool = poolFor(scenario, options);
  try {
    const steps = run(scenario, sink, options, pool);
    for (let next = steps.next(); ; next = steps.next()) if (next.done) return next.value;
  } finally {
    pool?.close();
  }
}

/**
 * simulate, letting the event loop run between steps and, while the world is made, every
 * BUILD_PAUSE_EVERY suppliers (model/init.ts). Node runs signal listeners only from its event
 * loop, so a run computed in one piece would answer Ctrl-C or SIGTERM only at its end; this one
 * answers within a step (gvc run removes its staging folder and stops: io/cleanup.ts). The
 * outputs are those of simulate: the pauses draw nothing and change nothing.
 */
export async function simulateYielding(
  scenario: Scenario,
  sink: ObservationSink,
  options: SimulateOptions = {},
): Promise<World> {
  const pool = poolFor(scenario, options);
  try {
    const steps = run(scenario, sink, options, pool);
    for (let next = steps.next(); ; next = steps.next()) {
      if (next.done) return next.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    pool?.close();
  }
}

/** The worker threads of options.threads (none for 1, the default). */
function poolFor(scenario: Scenario, options: SimulateOptions): ThreadPool | undefined {
  const threads = options.threads ?? 1;
  return threads > 1 ? new ThreadPool(scenario, threads, options.threadMinShare) : undefined;
}

/** The run as a generator: yields after each step and at buildWorld's pauses. */
function* run(
  scenario: Scenario,
  sink: ObservationSink,
  options: SimulateOptions,
  pool: ThreadPool | undefined,
): Generator<void, World> {
  const agents = options.agents ?? { kind: 'final' };
  const world = yield* buildWorld(scenario, pool !== undefined);
  const groups = options.byGroup ? Object.keys(scenario.suppliers) : [];
  const spells = new SpellObserver(scenario.time.steps_per_year, groups);
  const relationships = sink.relationships?.bind(sink);
  const wanted = options.timeseriesAt;
  const observe = () => {
    if (wanted && !wanted(world.step)) {
      spells.record(world);
      return;
    }
    const retention = spells.observe(world);
    if (groups.length === 0) sink.timeseries(timeseriesRow(world, retention));
    else {
      sink.timeseries({ ...timeseriesRow(world, retention), group: GROUP_ALL });
      groups.forEach((g, k) => sink.timeseries(timeseriesRow(world, spells.groupRetention(k), g)));
    }
  };
  observe();
  // The initial state is observed whenever a schedule is: step 0 is a multiple of every k
  // (a validation measure or an analysis of change since the start needs it).
  if (agents.kind === 'every') recordSuppliers(world, sink);
  yield;
  const steps = scenario.time.steps;
  const schedule = stages(SCHEDULE, pool);
  for (let t = 1; t <= steps; t++) {
    world.step = t;
    for (const run of schedule) run(world);
    observe();
    const ended = world.endedSpells.rows;
    if (relationships && ended.length > 0) recordSpells(world, ended, relationships);
    // Written (or not wanted): their rows can be reused by spells that begin later.
    for (const k of ended) world.relationshipTable.release(k as RelIx);
    world.endedSpells.clear();
    if (t % COMPACT_EVERY === 0) {
      spells.reorder(compactRelationships(world), compactionScratch(world));
      compactTies(world);
    }
    const due =
      agents.kind === 'every'
        ? t % agents.k === 0 || t === steps
        : agents.kind === 'final' && t === steps;
    if (due) recordSuppliers(world, sink);
    options.afterStep?.(world);
    yield;
  }
  if (relationships) recordSpells(world, activeSpells(world), relationships, true);
  return world;
}

/**
 * Supplier rows per call of sink.suppliers. A recorded step's rows are built and handed over a
 * batch at a time, so a step of a 100,000-supplier world never holds all its rows at once (as
 * one array they were most of the run's transient peak memory). Small enough that a batch
 * (some 200 kB of row objects) dies young: batches of 4,096 rows (3 MB) outlived two
 * scavenges, so the young generation promoted them and the last step's recording left some
 * 40 MB of garbage in the old one at 100,000 suppliers (docs/performance.md, 2026-11-30,
 * session 9). Whatever of a batch is alive when the young generation is collected survives it,
 * and V8 grows the young generation once enough bytes have: with 256 rows the last step's
 * recording of 100,000 suppliers grew it from 8 to 32 MB for the rest of the run (session 16).
 */
export const SUPPLIER_BATCH = 32;

/** Sends the current step's supplier rows, in supplier order, in batches of SUPPLIER_BATCH. */
function recordSuppliers(world: World, sink: ObservationSink): void {
  const n = world.supplierTable.length;
  if (n === 0) sink.suppliers([]);
  for (let start = 0; start < n; start += SUPPLIER_BATCH) {
    const end = Math.min(n, start + SUPPLIER_BATCH);
    const rows: SupplierRow[] = [];
    for (let i = start; i < end; i++) rows.push(supplierRow(supplierAt(world, i), world));
    sink.suppliers(rows);
  }
}

/**
 * Sends the rows of `spells` (relationship indices), in their order, in batches of
 * SUPPLIER_BATCH, as recordSuppliers does: the spells still active at the end are about one a
 * supplier, and as one array of row objects they took some 250-300 bytes of heap a supplier at
 * once (a 600,000-supplier world died of V8's out-of-memory error with a 100 MB old generation
 * though the run itself needed under 50 MB). `always`: send an empty batch when there are no
 * spells (the end of the run always reports its active spells, even none).
 */
function recordSpells(
  world: World,
  spells: ArrayLike<number>,
  sink: (rows: RelationshipRow[]) => void,
  always = false,
): void {
  if (spells.length === 0 && always) sink([]);
  for (let start = 0; start < spells.length; start += SUPPLIER_BATCH) {
    const end = Math.min(spells.length, start + SUPPLIER_BATCH);
    const rows: RelationshipRow[] = [];
    for (let j = start; j < end; j++) rows.push(relationshipRow(world, spells[j]));
    sink(rows);
  }
}

/**
 * Run without output (tests, validation): collects the timeseries, the supplier rows and the
 * relationship-spell rows.
 */
export function simulateToMemory(scenario: Scenario, options: SimulateOptions = {}) {
  const timeseries: TimeseriesRow[] = [];
  const suppliers: SupplierRow[] = [];
  const relationships: RelationshipRow[] = [];
  const world = simulate(
    scenario,
    {
      timeseries: (r) => timeseries.push(r),
      suppliers: (rows) => suppliers.push(...rows),
      relationships: (rows) => relationships.push(...rows),
    },
    options,
  );
  return { world, timeseries, suppliers, relationships };
}
