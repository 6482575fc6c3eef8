/** Worker-thread entry: receives run requests, answers with outcomes. */
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun, type RunContext, type RunRequest } from './execute.js';

const ctx = workerData as RunContext;
parentPort!.on('message', (req: RunRequest) => parentPort!.postMessage(executeRun(ctx, req)));
