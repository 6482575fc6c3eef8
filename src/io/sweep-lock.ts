/**
 * The lock of a sweep's `.partial` folder: a file naming the gvc process that is writing it, so
 * that a second command cannot write into or delete a sweep that is still running (a
 * `--resume` of a running sweep computed the same runs twice and one of the two failed at the
 * end; a `--force` would delete the running sweep's folder). A lock left by a process that no
 * longer exists on this host (killed, crashed) is taken over; a lock of another host cannot be
 * checked, so the user is asked to remove it once that sweep has stopped.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { errnoCode, osFailure } from './os-errors.js';
import { processAlive } from './staging.js';

/** The lock's name inside `<out>.partial`; it never reaches the finished folder. */
export const SWEEP_LOCK = 'sweep.lock';

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/** The process holding the lock of `partial`, or null when there is none or it is damaged. */
function holderOf(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw osFailure(err, 'read', path);
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.started === 'string')
      return h as LockHolder;
  } catch {
    // A lock cut short by a crash while it was written: nobody holds it.
  }
  return null;
}

/**
 * Throws a UserError if a live gvc process (or one on another host) holds the lock of the sweep
 * folder `partial` (shown to the user as `shown`); `doing` says what the command was about to do.
 */
export function assertSweepNotRunning(partial: string, shown: string, doing: string): void {
  const h = holderOf(join(partial, SWEEP_LOCK));
  if (h === null) return;
  if (h.host !== hostname())
    throw new UserError(
      `cannot ${doing} ${shown}: a gvc sweep on ${h.host} (process ${h.pid}, started ${h.started}) is writing it; ` +
        `if that sweep is no longer running, delete ${join(shown, SWEEP_LOCK)} and run again`,
    );
  if (processAlive(h.pid))
    throw new UserError(
      `cannot ${doing} ${shown}: a gvc sweep (process ${h.pid}, started ${h.started}) is still writing it; ` +
        `wait for it to finish, or stop it (Ctrl-C) and then run again`,
    );
}

/**
 * Takes the lock of the sweep folder `partial` for this process (after assertSweepNotRunning
 * found no live holder; a stale lock is replaced). Returns the function that gives it back,
 * which removes the lock only while it is still this process's; it is also given back on
 * SIGTERM, SIGHUP and at exit. Throws a UserError if a live process holds it, a SystemError if
 * it cannot be written.
 */
export function lockSweep(partial: string, shown: string): () => void {
  const path = join(partial, SWEEP_LOCK);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
  };
  // Created exclusively, so of two commands starting together one finds the other's lock.
  for (let attempt = 0; ; attempt++) {
    assertSweepNotRunning(partial, shown, 'write into');
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST' || attempt >= 2)
        throw osFailure(err, 'write', join(shown, SWEEP_LOCK));
      // A stale lock (its process is gone, or it is damaged): replace it.
      rmSync(path, { force: true });
    }
  }
  const giveBack = () => {
    const h = holderOf(path);
    if (h !== null && h.pid === mine.pid && h.host === mine.host && h.started === mine.started)
      rmSync(path, { force: true });
  };
  // A preempted cluster job gets SIGTERM (then SIGKILL): give the lock back then too, so that the
  // requeued job, perhaps on another host, can resume. SIGINT is the sweep's own (a graceful
  // stop that still writes); SIGKILL cannot be caught, and leaves a lock to be taken over.
  const handlers = new Map<NodeJS.Signals, () => void>();
  const detach = () => {
    for (const [sig, handler] of handlers) process.removeListener(sig, handler);
    handlers.clear();
    process.removeListener('exit', onExit);
  };
  const onExit = () => giveBack();
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      giveBack();
      detach();
      // Our listener replaced Node's default action (exit): re-raise, unless someone else listens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  process.on('exit', onExit);
  return () => {
    detach();
    giveBack();
  };
}
