/**
 * Memory a run will need, estimated from its populations before anything is allocated, and
 * compared with the machine's memory: `suppliers.*.count` may be up to 10^7, which needs
 * tens of GB; without this check the run would grow until the operating system kills it.
 *
 * The figures are measured peak resident memory (docs/performance.md, "Memory estimate"):
 * - a process (Node, the program, one world's fixed tables): about 80 MB; each sweep worker
 *   thread adds about 60 MB of its own (a 2-worker sweep of the reference peaks ~80 MB above a
 *   1-worker one);
 * - per supplier, 0.9 KB at the start of a run (200,000 suppliers, 2 steps: +180 MB) and up to
 *   3.4 KB at the peak of a longer run (the bench's 100k-supplier world, 20 steps: 3,352 bytes
 *   per supplier added; more relationships, spells and entrants add more);
 * - per lead firm 1.3 KB, per partner 0.3 KB (200,000 of each, 2 steps: +252 and +53 MB).
 * The estimate is therefore a range, low to high; entrants (`model.entry.rate`) are not
 * counted, as their number is not known in advance.
 */
import { freemem, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { UserError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/types.js';

export const MEMORY_PER_PROCESS = 80e6;
export const MEMORY_PER_WORKER = 60e6;
export const MEMORY_PER_SUPPLIER = { low: 900, high: 3400 } as const;
export const MEMORY_PER_BUYER = 1300;
export const MEMORY_PER_PARTNER = 300;

export interface Populations {
  suppliers: number;
  buyers: number;
  partners: number;
}

/** A range of bytes: what the run needs at least, and what it may need at its peak. */
export interface MemoryEstimate {
  low: number;
  high: number;
}

/** The machine's memory in bytes (os.totalmem, os.freemem), or figures given by a test. */
export interface MachineMemory {
  total: number;
  free: number;
}

export function machineMemory(): MachineMemory {
  return { total: totalmem(), free: freemem() };
}

/**
 * Agents at the start of a run of `scenario`, with `changed` (concrete path → value: a sweep
 * cell's factors) in place of the scenario's counts.
 */
export function populationsOf(
  scenario: Scenario,
  changed?: ReadonlyMap<string, unknown>,
): Populations {
  const count = (section: 'suppliers' | 'buyers' | 'partners') =>
    Object.entries(scenario[section]).reduce((n, [group, config]) => {
      const c = changed?.get(`${section}.${group}.count`);
      return n + (typeof c === 'number' ? c : config.count);
    }, 0);
  return { suppliers: count('suppliers'), buyers: count('buyers'), partners: count('partners') };
}

/** Bytes one run of these populations adds to its process or worker (not the process itself). */
export function runMemory(p: Populations): MemoryEstimate {
  const others = p.buyers * MEMORY_PER_BUYER + p.partners * MEMORY_PER_PARTNER;
  return {
    low: p.suppliers * MEMORY_PER_SUPPLIER.low + others,
    high: p.suppliers * MEMORY_PER_SUPPLIER.high + others,
  };
}

/**
 * Bytes `gvc run` (workers = 0: the run is in the main thread) or a sweep with `workers`
 * threads, each running one run of `largest` populations at a time, needs. `stageThreads`:
 * the worker threads of `gvc run --threads N` (N - 1), which share the run's state but each
 * cost a thread's own memory.
 */
export function commandMemory(largest: Populations, workers = 0, stageThreads = 0): MemoryEstimate {
  const run = runMemory(largest);
  const threads = Math.max(1, workers);
  const fixed = MEMORY_PER_PROCESS + (workers + stageThreads) * MEMORY_PER_WORKER;
  return { low: fixed + threads * run.low, high: fixed + threads * run.high };
}

/** Bytes as MB below 1 GB, as GB with one decimal below 10 GB, else whole GB. */
const gb = (bytes: number) =>
  bytes < 1e9
    ? `${Math.round(bytes / 1e6)} MB`
    : `${(bytes / 1e9).toFixed(bytes < 1e10 ? 1 : 0)} GB`;

/**
 * Refuses (UserError, exit 2) a command whose estimate's low end exceeds the machine's total
 * memory: it cannot finish here. Returns a warning when the high end exceeds the memory free
 * now (it may finish, slowly or not at all), else undefined. `what` names the run or cell and
 * its populations; `remedy` says what to change.
 */
export function checkMemory(
  need: MemoryEstimate,
  what: string,
  remedy: string,
  machine: MachineMemory = machineMemory(),
): string | undefined {
  const range = `${gb(need.low)} to ${gb(need.high)}`;
  if (need.low > machine.total)
    throw new UserError(
      `${what} needs an estimated ${range} of memory (docs/performance.md), more than this machine's ${gb(machine.total)}; ${remedy}`,
    );
  if (need.high > machine.free)
    return `${what} may need up to ${gb(need.high)} of memory (estimated ${range}, docs/performance.md); this machine has ${gb(machine.free)} free of ${gb(machine.total)}, so it may be slow or be stopped by the system`;
  return undefined;
}

/** `suppliers` etc. as "10,000,000 suppliers, 10 lead firms, 10 partners". */
export function describePopulations(p: Populations): string {
  const n = (x: number, what: string) =>
    `${x.toLocaleString('en-US')} ${what}${x === 1 ? '' : 's'}`;
  return `${n(p.suppliers, 'supplier')}, ${n(p.buyers, 'lead firm')}, ${n(p.partners, 'partner')}`;
}

/**
 * Share of Node's heap limit (V8's heap_size_limit, which also counts the young generation the
 * old one cannot use), and of the machine's memory for the process's resident memory, that a
 * run may be expected to reach in its next steps; past it the run is stopped between steps.
 * Entrants (`model.entry.rate`) grow a world while it runs, so no estimate made before can
 * bound it; without this a run that outgrows the heap dies with V8's "JavaScript heap out of
 * memory" stack dump, and one that outgrows the machine is killed by the system without a
 * word. The next two steps are projected from the last one's growth (an entry rate of 1 per
 * year adds a quarter of the world in a step), and the share is low because V8 fails well
 * before heap_size_limit when a large table grows (measured: a 300 MB old generation, limit
 * 365 MB, failed at 264 MB; at the default 4.3 GB limit the stop comes at 2.6 GB of objects,
 * some 37 million suppliers, which need some 35 GB of memory besides).
 */
export const MEMORY_STOP_SHARE = { heap: 0.6, rss: 0.9 } as const;

/** What the memory guard reads: V8's heap figures and the process's resident memory. */
export interface MemoryUse {
  heapUsed: number;
  heapLimit: number;
  rss: number;
  total: number;
}

export function memoryUse(): MemoryUse {
  const heap = getHeapStatistics();
  return {
    heapUsed: heap.used_heap_size,
    heapLimit: heap.heap_size_limit,
    rss: process.memoryUsage.rss(),
    total: totalmem(),
  };
}

/**
 * A check to run after each step (simulate's afterStep): throws a UserError naming `what`
 * (the run), its step and its suppliers, the memory and what to do, when the heap or (once
 * the world has entrants) the resident memory, grown twice again as much as in the last step,
 * would pass MEMORY_STOP_SHARE of its limit. `use`: the figures (a test's).
 */
export function memoryGuard(
  what: string,
  use: () => MemoryUse = memoryUse,
): (world: { step: number; suppliers: { length: number }; counters: { entries: number } }) => void {
  let last: MemoryUse | undefined;
  return (world) => {
    const u = use();
    const next = (now: number, before: number | undefined) =>
      now + 2 * Math.max(0, now - (before ?? now));
    const heapFull = next(u.heapUsed, last?.heapUsed) > MEMORY_STOP_SHARE.heap * u.heapLimit;
    // Resident memory only once entrants came: without them the estimate made before the
    // run judged it (and a process's own few hundred MB are no sign of growth).
    const rssFull =
      world.counters.entries > 0 && next(u.rss, last?.rss) > MEMORY_STOP_SHARE.rss * u.total;
    last = u;
    if (!heapFull && !rssFull) return;
    const full = heapFull
      ? `its objects fill ${gb(u.heapUsed)} of Node's heap limit of ${gb(u.heapLimit)} and grow by the step; give Node a larger heap (NODE_OPTIONS=--max-old-space-size=${Math.ceil((2 * u.heapLimit) / 2 ** 20)}, in MB, within the machine's memory) or`
      : `the process holds ${gb(u.rss)} of this machine's ${gb(u.total)} and grows by the step; run it on a machine with more memory or`;
    throw new UserError(
      `${what}: stopped at step ${world.step} with ${world.suppliers.length.toLocaleString('en-US')} suppliers created (entrants included) before it ran out of memory: ${full} run fewer agents, fewer steps or a lower model.entry.rate`,
    );
  };
}
