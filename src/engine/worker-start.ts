/**
 * Starting a worker thread, shared by both kinds of worker: a sweep's runs
 * (experiment/runner.ts) and a run's stages (engine/threads.ts, `--threads`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running the compiled file `entry` (a URL next to the caller's module), with
 * `options` (workerData, transferList...). Throws, before starting anything, if `entry` does not
 * exist: the sources run without a build have no compiled worker file, and a worker that cannot
 * load its file fails in a way its caller may not see (a main thread waiting synchronously
 * never does).
 */
export function startWorker(entry: URL, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  const file = fileURLToPath(entry);
  if (!existsSync(file)) throw new Error(`${file} is missing (build with npm run build)`);
  return new Worker(entry, {
    ...options,
    // Not the parent's Node options, which a worker inherits by default: under `node -e <code>`
    // they hold the code (and --input-type), which the worker would run or choke on instead of
    // its file. The workers need none of them; V8 flags such as --max-old-space-size are
    // process-wide anyway (Node's worker_threads documentation, `execArgv`).
    execArgv: [],
  });
}
