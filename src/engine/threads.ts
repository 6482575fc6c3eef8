/**
 * Intra-run parallelism (`gvc run --threads N`, issue 14 item 3): the order-independent stages
 * of a step (the runs of processes with a per-supplier body, schedule.ts) run on N threads, the
 * main thread and N - 1 worker threads (engine/stage-worker.ts), each over its share of the
 * active suppliers, on column tables that all threads see (SharedArrayBuffers: createWorld's
 * `sharedTables`). Everything else runs on the main thread as without threads.
 *
 * Same bytes for any N: such a body updates only its own supplier's state (and the rows of its
 * own relationships and ties) from that state and from data no body changes, and draws no
 * random numbers (kernel.ts, runTiled), so each supplier sees the same operations in the same
 * order whichever thread runs it and however the suppliers are divided. The one shared result,
 * world.counters, is a sum of integers, whose value does not depend on the order of addition.
 *
 * The main thread waits for the workers synchronously (Atomics.wait), so a run stays a plain
 * function call; the workers are started once per run and stopped by `close`.
 */
import {
  MessageChannel,
  receiveMessageOnPort,
  type MessagePort,
  type Worker,
} from 'node:worker_threads';
import type { Scenario } from '../scenario/types.js';
import type { Counters, World } from '../model/state.js';
import { runTiledRows, type RowBody } from './kernel.js';
import { startWorker } from './worker-start.js';

/** The worker threads' entry file (compiled: the sources cannot start a worker). */
const WORKER_URL = new URL('./stage-worker.js', import.meta.url);

/** The counters a body may add to, in the order the workers report them. */
export const COUNTER_NAMES = [
  'exits',
  'entries',
  'functionalUpgrades',
  'chainUpgrades',
  'sanctions',
] as const satisfies readonly (keyof Counters)[];

/** Positions in the shared Int32Array through which the threads synchronise. */
export const SYNC = {
  /** Workers that have loaded the model and wait for stages. */
  ready: 0,
  /** Stages handed out so far (the main thread adds one before handing out a stage). */
  handedOut: 1,
  /** Workers that finished the current stage. */
  done: 2,
  /** Then, for worker w, its counters' increments in the last stage at 3 + w × COUNTER_NAMES.length. */
  counters: 3,
} as const;

/** What the main thread sends a worker for one stage. */
export interface StageMessage {
  /** Position of the stage among orderIndependentStages(SCHEDULE). */
  stage: number;
  /** The value of sync[SYNC.handedOut] after this stage was handed out. */
  handedOut: number;
  step: number;
  env: World['env'];
  /**
   * The current column arrays of each table (views of shared memory, not copies), when the
   * worker has not got them yet (see ThreadPool.run).
   */
  tables?: Record<'supplier' | 'relationship' | 'tie' | 'buyer', Record<string, unknown>>;
  /** Supplier rows from .. to - 1 are this worker's share. */
  from: number;
  to: number;
}

/** What a worker thread is started with. */
export interface StageWorkerData {
  scenario: Scenario;
  sync: Int32Array;
  /** The worker's number, 0 .. N - 2. */
  slot: number;
  port: MessagePort;
}

/**
 * Active suppliers per thread below which a stage uses fewer threads (at 1,000 suppliers the
 * stage takes well under a millisecond, about what it costs to wake a worker on a busy machine).
 */
export const MIN_SHARE = 4096;

/**
 * How long the main thread waits for the workers to finish a stage before giving up (ms): a
 * stage of 100,000 suppliers takes about 0.2 s.
 */
const STAGE_PATIENCE_MS = 600_000;

/**
 * How long the main thread waits for the workers to load the model before giving up (ms): they
 * take about 0.1 s, a few seconds on a busy machine.
 */
const START_PATIENCE_MS = 60_000;

/** Runs a stage's bodies over all active suppliers (schedule.ts stages). */
export interface StageThreads {
  run(world: World, stage: number, makers: readonly ((world: World) => RowBody)[]): void;
}

/**
 * N threads for the order-independent stages of one run. `threads`: N, at least 2 (one thread
 * is no pool: run without one). The world must have shared tables (createWorld's
 * `sharedTables`). Throws if a worker fails to start or fails in a stage (its error message
 * included). Call `close` when the run ends, also after an error.
 */
export class ThreadPool implements StageThreads {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly sync: Int32Array;
  private readonly minShare: number;
  /** By worker: the tables' generations whose arrays it was last sent. */
  private readonly sent: string[] = [];

  private readonly scenario: Scenario;
  private readonly threads: number;

  /**
   * `minShare`: see MIN_SHARE (a test sets it low to use the threads on a small world);
   * `stagePatienceMs`: see STAGE_PATIENCE_MS (a test sets it short). A worker starts at the
   * first stage that has a share for it (start), so a world too small for N threads starts
   * fewer.
   */
  constructor(
    scenario: Scenario,
    threads: number,
    minShare = MIN_SHARE,
    private readonly stagePatienceMs = STAGE_PATIENCE_MS,
  ) {
    if (!Number.isInteger(threads) || threads < 2)
      throw new Error(`ThreadPool: threads must be an integer of at least 2, not ${threads}`);
    this.scenario = scenario;
    this.threads = threads;
    this.minShare = minShare;
    this.sync = new Int32Array(
      new SharedArrayBuffer(4 * (SYNC.counters + (threads - 1) * COUNTER_NAMES.length)),
    );
  }

  /**
   * Starts workers until there are `helpers` (at most threads - 1) and waits until they have
   * loaded the model (about 0.1 s each, in parallel); does nothing if there are that many. Throws
   * if one fails to start (the pool is then closed), or if the pool was closed.
   */
  start(helpers = this.threads - 1): void {
    if (this.closed) throw new Error('ThreadPool: the pool was closed');
    const wanted = Math.min(helpers, this.threads - 1);
    if (this.workers.length >= wanted) return;
    try {
      for (let slot = this.workers.length; slot < wanted; slot++) {
        const { port1, port2 } = new MessageChannel();
        const data: StageWorkerData = {
          scenario: this.scenario,
          sync: this.sync,
          slot,
          port: port2,
        };
        // Without the parent's Node options, and a clear error if the file is missing (see
        // startWorker): a worker that cannot load its file never reports ready.
        const worker = startWorker(WORKER_URL, { workerData: data, transferList: [port2] });
        // A pool the caller forgot to close must not keep the process alive.
        worker.unref();
        this.workers.push(worker);
        this.ports.push(port1);
      }
      const started = Date.now();
      for (let n; (n = Atomics.load(this.sync, SYNC.ready)) < wanted;) {
        if (Date.now() - started > START_PATIENCE_MS)
          throw new Error(`worker threads did not start within ${START_PATIENCE_MS / 1000} s`);
        Atomics.wait(this.sync, SYNC.ready, n, 1000);
      }
      this.rethrow();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  run(world: World, stage: number, makers: readonly ((world: World) => RowBody)[]): void {
    this.world ??= world;
    if (world !== this.world) throw new Error('ThreadPool: a pool serves one world');
    const active = world.supplierTable.cols.active;
    const n = world.supplierTable.length;
    let count = 0;
    for (let i = 0; i < n; i++) count += active[i];
    // Fewer threads than the pool has for a small world: waking a thread costs more than the
    // few suppliers it would take over (same results either way).
    const helpers = Math.min(this.threads - 1, Math.floor(count / this.minShare) - 1);
    if (helpers <= 0) {
      runTiledRows(
        active,
        makers.map((make) => make(world)),
        0,
        n,
      );
      return;
    }
    this.start(helpers);
    // Shares of about equal work: a supplier's bodies cost about as much as two of its
    // relationships or ties, and each relationship and tie adds to it (prices, learning,
    // sanction risks, network learning and backing walk them).
    const S = world.supplierTable.cols;
    const bounds = shares((i) => active[i] * (2 + S.relCount[i] + S.tieCount[i]), n, helpers + 1);
    // The tables' arrays go to a worker only when it does not have them: at its first stage and
    // after a table grew (which replaces its arrays), rather than some 75 views at every stage.
    const generations = [
      world.supplierTable,
      world.relationshipTable,
      world.tieTable,
      world.buyerTable,
    ]
      .map((t) => t.generation)
      .join();
    const tables = {
      supplier: world.supplierTable.cols,
      relationship: world.relationshipTable.cols,
      tie: world.tieTable.cols,
      buyer: world.buyerTable.cols,
    };
    Atomics.store(this.sync, SYNC.done, 0);
    // A sequentially consistent write that the worker reads before it starts: everything the
    // main thread wrote to the tables before it is visible to the worker (the JavaScript
    // memory model's synchronisation through atomics).
    const handedOut = Atomics.add(this.sync, SYNC.handedOut, 1) + 1;
    for (let w = 0; w < helpers; w++) {
      const message: StageMessage = {
        stage,
        handedOut,
        step: world.step,
        env: world.env,
        tables: this.sent[w] === generations ? undefined : tables,
        from: bounds[w + 1],
        to: bounds[w + 2],
      };
      this.ports[w].postMessage(message);
      this.sent[w] = generations;
    }
    runTiledRows(
      active,
      makers.map((make) => make(world)),
      bounds[0],
      bounds[1],
    );
    const waiting = Date.now();
    for (let finished; (finished = Atomics.load(this.sync, SYNC.done)) < helpers;) {
      // A worker that died (out of memory) never counts itself done, and the main thread,
      // blocked here, cannot see its exit event: give up after far longer than any stage takes.
      if (Date.now() - waiting > this.stagePatienceMs) {
        this.close();
        throw new Error(
          `a worker thread did not finish its share of a step within ${this.stagePatienceMs / 1000} s ` +
            '(it may have run out of memory); run without --threads',
        );
      }
      Atomics.wait(this.sync, SYNC.done, finished, 1000);
    }
    this.rethrow();
    for (let w = 0; w < helpers; w++) {
      COUNTER_NAMES.forEach((name, c) => {
        world.counters[name] += this.sync[SYNC.counters + w * COUNTER_NAMES.length + c];
      });
    }
  }

  /** Stops the workers (without waiting for them to exit); the pool cannot be used again. */
  close(): void {
    this.closed = true;
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
    this.ports.length = 0;
    this.workers.length = 0;
  }

  /** Whether close was called. */
  private closed = false;

  /**
   * The world the pool serves: the first one it is given. Its workers hold that world's
   * tables, so another world is refused rather than run on the wrong memory.
   */
  private world: World | undefined;

  /** Throws the first error a worker reported, if any. */
  private rethrow(): void {
    for (const port of this.ports) {
      const received = receiveMessageOnPort(port);
      if (received) throw new Error(`a worker thread failed: ${String(received.message)}`);
    }
  }
}

/**
 * Row bounds that divide rows 0 .. n - 1 into `parts` consecutive shares of about the same
 * total weight (`weight(i)` ≥ 0: the work row i takes): share p is rows bounds[p] ..
 * bounds[p + 1] - 1 (bounds has parts + 1 entries, from 0 to n). Each share ends at the first
 * row where the running total reaches its quota, so it is within one row's weight of
 * total / parts.
 */
export function shares(weight: (i: number) => number, n: number, parts: number): number[] {
  let total = 0;
  for (let i = 0; i < n; i++) total += weight(i);
  const bounds = [0];
  let seen = 0;
  for (let i = 0; i < n && bounds.length < parts; i++) {
    seen += weight(i);
    if (seen * parts >= bounds.length * total && total > 0) bounds.push(i + 1);
  }
  while (bounds.length <= parts) bounds.push(n);
  return bounds;
}
