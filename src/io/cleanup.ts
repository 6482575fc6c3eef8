/**
 * Cleanup on interruption: synchronous callbacks run when the process is interrupted
 * (SIGINT, SIGTERM, SIGHUP) or exits before they are unregistered. Nothing runs on SIGKILL;
 * what a killed process leaves is removed by the next command (see staging.ts).
 */

type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // One failed cleanup must not keep the others from running while the process dies.
    }
  }
}

function onExit(): void {
  runCleanups();
}

function install(): void {
  if (!process.listeners('exit').includes(onExit)) process.on('exit', onExit);
  if (signalHandlers.size > 0) return;
  for (const sig of SIGNALS) {
    const handler = (): void => {
      runCleanups();
      uninstall();
      // Our listener replaced Node's default action (exit); restore it by re-raising, so
      // the exit status still says "killed by SIGINT" — unless someone else listens too,
      // in which case the decision is theirs.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
}

function uninstall(): void {
  for (const [sig, handler] of signalHandlers) process.removeListener(sig, handler);
  signalHandlers.clear();
  process.removeListener('exit', onExit);
}

/**
 * Registers a synchronous cleanup to run if the process is interrupted (SIGINT, SIGTERM,
 * SIGHUP) or exits before the returned function is called to unregister it. The signal
 * listeners exist only while at least one cleanup is registered, so Node's default Ctrl-C
 * behaviour is untouched otherwise.
 *
 * Node runs signal listeners from the event loop, so a long synchronous computation delays
 * them until it returns. Work done while a cleanup is registered must therefore let the event
 * loop run often — gvc run's simulation pauses between steps and while it makes the world
 * (engine/simulation.ts simulateYielding) — or a signal would stop the command only at its end.
 * What SIGKILL leaves is removed by the next command: prepareOutputDir removes staging folders
 * of dead processes.
 */
export function registerCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}
