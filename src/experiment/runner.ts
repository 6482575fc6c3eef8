/**
 * Runs a list of sweep runs on a pool of worker threads and hands each outcome to the caller
 * strictly in list order, whatever order workers finish in. Only a bounded window of runs
 * ahead of the next one to emit is ever dispatched, and each request is built when it is
 * dispatched, so memory does not grow with the length of the list.
 * `workers: 0` runs in-process (used by tests, and where threads are unavailable).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../engine/worker-start.js';
import { executeRun, type RunContext, type RunOutcome, type RunRequest } from './execute.js';

/** The worker threads' entry file (compiled: the sources cannot start a worker). */
const WORKER_URL = new URL('./worker.js', import.meta.url);

export interface RunListOptions {
  ctx: RunContext;
  /** Number of runs in the list. */
  count: number;
  /** The i-th run of the list (0-based); called once per run, when it is dispatched. */
  request: (i: number) => RunRequest;
  workers: number;
  /** Called once per run, in list order. */
  onOutcome: (outcome: RunOutcome) => void;
  /** Polled between runs; when true no new run is started and the call resolves 'stopped'. */
  shouldStop?: () => boolean;
}

export async function runList(opts: RunListOptions): Promise<'done' | 'stopped'> {
  const { count, onOutcome } = opts;
  const stop = opts.shouldStop ?? (() => false);
  if (opts.workers <= 0) {
    for (let i = 0; i < count; i++) {
      if (stop()) return 'stopped';
      onOutcome(executeRun(opts.ctx, opts.request(i)));
      // Let signal handlers and progress timers run between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return 'done';
  }

  const window = opts.workers * 4;
  const pending = new Map<number, RunOutcome>();
  /** List position of each run in flight, by run_id. */
  const position = new Map<number, number>();
  let nextToSend = 0;
  let nextToEmit = 0;
  let inFlight = 0;
  const pool: Worker[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (result: 'done' | 'stopped' | Error) => {
      if (settled) return;
      settled = true;
      // Settle once the workers are gone, so what the caller does next (summarising a sweep
      // reads its runs back) does not add to the memory of workers still shutting down.
      void Promise.allSettled(pool.map((w) => w.terminate())).then(() => {
        if (result instanceof Error) reject(result);
        else resolve(result);
      });
    };
    const feed = (w: Worker) => {
      if (stop() || nextToSend >= count || nextToSend >= nextToEmit + window) return false;
      const req = opts.request(nextToSend);
      position.set(req.runId, nextToSend++);
      w.postMessage(req);
      inFlight++;
      return true;
    };
    const idle: Worker[] = [];
    const onMessage = (w: Worker, outcome: RunOutcome) => {
      inFlight--;
      pending.set(position.get(outcome.runId)!, outcome);
      position.delete(outcome.runId);
      try {
        while (pending.has(nextToEmit)) {
          const o = pending.get(nextToEmit)!;
          pending.delete(nextToEmit++);
          onOutcome(o);
        }
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (nextToEmit >= count) return finish('done');
      if (!feed(w)) idle.push(w);
      while (idle.length > 0 && feed(idle[idle.length - 1])) idle.pop();
      if (inFlight === 0 && stop()) finish('stopped');
    };
    if (count === 0) return finish('done');
    for (let i = 0; i < Math.min(opts.workers, count); i++) {
      let w: Worker;
      try {
        w = startWorker(WORKER_URL, { workerData: opts.ctx });
      } catch (err) {
        // Stops the workers already started.
        return finish(err as Error);
      }
      pool.push(w);
      w.on('message', (o: RunOutcome) => onMessage(w, o));
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => {
        if (!settled && code !== 0) finish(new Error(`a worker thread exited with code ${code}`));
      });
      if (!feed(w)) idle.push(w);
    }
  });
}
