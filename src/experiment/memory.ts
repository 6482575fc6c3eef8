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
 * Separately, V8's heap (checkHeap, memoryGuard) holds the agents' objects (MEMORY_HEAP_*): a
 * run whose world needs more of it than V8 allows is refused, whatever the machine's memory.
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

/**
 * The machine's memory in bytes (os.totalmem, os.freemem) and V8's heap limit (v8
 * heap_size_limit), or figures given by a test (without `heapLimit`, this process's).
 */
export interface MachineMemory {
  total: number;
  free: number;
  heapLimit?: number;
}

export function machineMemory(): MachineMemory {
  return { total: totalmem(), free: freemem(), heapLimit: getHeapStatistics().heap_size_limit };
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
 * Bytes of V8's heap (not counting the typed columns, which live outside it) that the engine
 * holds per supplier row: its object and its place in the world's list. Measured after a full
 * GC as a world grew by entry from 2,000 to 125,000 rows: 65 bytes a row, and in worlds that
 * start with 100,000 to 600,000 suppliers (the reference's groups, 1-4 steps): 69-75 bytes a
 * row; the rest of a run's heap, code and buffers included, stays under MEMORY_HEAP_BASE.
 */
export const MEMORY_HEAP_PER_SUPPLIER = 70;
export const MEMORY_HEAP_BASE = 12e6;
/** Heap bytes a lead firm and a partner hold (50,000 of either, after a full GC: +19 and +4.6 MB). */
export const MEMORY_HEAP_PER_BUYER = 400;
export const MEMORY_HEAP_PER_PARTNER = 100;
/**
 * Heap bytes of a supplier row object that a sweep run keeps for a validation measure (execute.ts):
 * 60,300 rows of the reference after a full GC, 629 bytes a row.
 */
export const MEMORY_HEAP_PER_KEPT_ROW = 650;
/**
 * Heap bytes of the CSV text a sweep run keeps per supplier row and per relationship spell row
 * (execute.ts KeptText): one byte a character; lines of suppliers.csv run to 180-200 characters
 * and of relationships.csv to about 100 (the bench's worlds), rounded up.
 */
export const MEMORY_HEAP_PER_SUPPLIER_TEXT = 220;
export const MEMORY_HEAP_PER_SPELL_TEXT = 130;

/**
 * Share of the heap V8 gives old objects (heap_size_limit less MEMORY_YOUNG_GENERATION, i.e.
 * --max-old-space-size) that a run's estimated heap may reach; past it a run is refused before
 * it starts or stopped between steps. Low because V8 fails well before its limit when a large
 * list grows (measured: a 300 MB old generation failed at 264 MB of heap in use, boxes and
 * growing arrays included).
 */
export const MEMORY_HEAP_STOP_SHARE = 0.6;

/**
 * The part of heap_size_limit that is V8's young generation (three 16 MiB semi-spaces on
 * 64-bit): heap_size_limit was --max-old-space-size plus 50.3 MB at 40, 64 and 200 MB and at
 * Node 20's default. Old objects cannot use it.
 */
export const MEMORY_YOUNG_GENERATION = 3 * 2 ** 24;

/** The limits the memory guard compares its estimates with: V8's heap limit, the machine's memory. */
export interface MemoryLimits {
  heapLimit: number;
  total: number;
}

export function memoryLimits(): MemoryLimits {
  return { heapLimit: getHeapStatistics().heap_size_limit, total: totalmem() };
}

/** Estimated bytes of V8's heap the world of these populations holds (MEMORY_HEAP_* above). */
export function runHeap(p: Populations): number {
  return (
    MEMORY_HEAP_BASE +
    MEMORY_HEAP_PER_SUPPLIER * p.suppliers +
    MEMORY_HEAP_PER_BUYER * p.buyers +
    MEMORY_HEAP_PER_PARTNER * p.partners
  );
}

/**
 * Bytes of a heap limit (v8 heap_size_limit) that old objects may use, i.e. about
 * --max-old-space-size; floored for a limit set below V8's own young generation (never by a
 * flag in practice). A worker thread has the same limit as the main thread (the flag is
 * process-wide), each in a heap of its own.
 */
export function oldGeneration(heapLimit: number): number {
  return Math.max(heapLimit - MEMORY_YOUNG_GENERATION, heapLimit / 4);
}

/** The --max-old-space-size (MB) under which `heap` bytes are within MEMORY_HEAP_STOP_SHARE. */
function heapFlagFor(heap: number): number {
  return Math.ceil(heap / MEMORY_HEAP_STOP_SHARE / 2 ** 20);
}

/**
 * Refuses (UserError, exit 2), before anything is allocated, a run whose world would need more
 * than MEMORY_HEAP_STOP_SHARE of the heap V8 gives old objects (`heapLimit`: v8
 * heap_size_limit, or a test's figure): without it such a run died of V8's "JavaScript heap
 * out of memory" (exit 134, its staging folder left behind). `what` names the run or cell and
 * its populations. At Node 20's default limit (about 4.1 GB on 64-bit) the bound is some 36
 * million suppliers, above the 10^7 a group may have; it matters when the heap is made smaller
 * (--max-old-space-size, NODE_OPTIONS) or for a sweep's many groups.
 */
export function checkHeap(
  p: Populations,
  what: string,
  heapLimit: number = getHeapStatistics().heap_size_limit,
  kept = 0,
): void {
  const heap = runHeap(p) + kept;
  const old = oldGeneration(heapLimit);
  if (heap <= MEMORY_HEAP_STOP_SHARE * old) return;
  throw new UserError(
    `${what} needs an estimated ${gb(heap)} of Node's heap (docs/performance.md), over ${Math.round(MEMORY_HEAP_STOP_SHARE * 100)}% of the ${gb(old)} Node gives old objects here; run fewer suppliers, or give Node a larger heap (NODE_OPTIONS=--max-old-space-size=${heapFlagFor(heap)}, in MB, within the machine's memory)`,
  );
}

/**
 * A check to run after each step but the last (simulate's afterStep) of a run of `steps`
 * steps. Entrants (`model.entry.rate`) grow a world while it runs, and a sweep run keeps the
 * rows it will send back (`kept`), so no estimate made before the run can bound it; without
 * this a run that outgrows the heap dies with V8's "JavaScript heap out of memory" stack dump,
 * and one that outgrows the machine is killed by the system without a word. The supplier rows
 * of the next two steps are projected from the last step's growth (an entry rate of 1 per year
 * adds a quarter of the world in a step), and the kept bytes from the largest step's addition
 * so far; the guard throws a UserError naming `what` (the run), its step, rows, kept bytes, the
 * estimate and what to do when the projected heap (runHeap of those rows, plus the kept bytes)
 * would pass MEMORY_HEAP_STOP_SHARE of the heap V8 gives old objects, or their estimated memory
 * (runMemory's low end, the bound `gvc run` refuses by before a run, plus the kept bytes) the
 * machine's. The decision depends only on the run (its rows and kept bytes, step by step) and
 * the limits, never on when the garbage collector ran, nor on other runs in the same process,
 * so a sweep's errors.csv is the same for any number of workers. `limits`: a test's figures;
 * `kept`: bytes of heap the caller holds for the run so far (0 when it streams its rows);
 * `keptAtEnd`: bytes the caller will add at the last step (a final snapshot of the supplier
 * rows, the spells still active), given the world after the step before it. The last step's
 * rows come before any check after it, so they are projected from the step before the last.
 */
/** What memoryGuard reads of a world: its step and the lengths of its populations. */
export interface GuardedWorld {
  step: number;
  supplierTable: { length: number };
  buyers: { length: number };
  partners: { length: number };
}

export function memoryGuard<W extends GuardedWorld>(
  what: string,
  steps: number,
  limits: MemoryLimits = memoryLimits(),
  kept: () => number = () => 0,
  keptAtEnd: (world: W) => number = () => 0,
): (world: W) => void {
  let before: number | undefined;
  let keptBefore = 0;
  let keptStep = 0;
  return (world) => {
    const rows = world.supplierTable.length;
    const grown = Math.max(0, rows - (before ?? rows));
    before = rows;
    const held = kept();
    // The first step's addition includes what was kept at step 0: an overestimate at the start.
    keptStep = Math.max(keptStep, held - keptBefore);
    keptBefore = held;
    // After the last step the run's work is done: nothing is left to run out of memory.
    if (world.step >= steps) return;
    const atEnd = world.step === steps - 1 ? keptAtEnd(world) : 0;
    if (grown === 0 && keptStep === 0 && atEnd === 0) return;
    const next = rows + 2 * grown;
    const ahead = held + Math.max(2 * keptStep, atEnd);
    const populations = {
      suppliers: next,
      buyers: world.buyers.length,
      partners: world.partners.length,
    };
    const heap = runHeap(populations) + ahead;
    const machine = runMemory(populations).low + ahead;
    const old = oldGeneration(limits.heapLimit);
    const heapFull = heap > MEMORY_HEAP_STOP_SHARE * old;
    if (!heapFull && machine <= limits.total) return;
    const growth = [
      ...(grown > 0
        ? [
            `its supplier rows (entrants included) grew by ${grown.toLocaleString('en-US')} to ${rows.toLocaleString('en-US')} in the step, and two more steps of that growth make at least ${next.toLocaleString('en-US')}`,
          ]
        : []),
      ...(held > 0 || atEnd > 0
        ? [
            held > 0
              ? `the output rows it keeps for the CSV files (--agents, --relationships, --timeseries) hold an estimated ${gb(held)} and ${atEnd > 0 ? 'the last step' : 'two more steps'} may add ${gb(Math.max(2 * keptStep, atEnd))}`
              : `the output rows it will keep for the CSV files (--agents, --relationships, --timeseries) at the last step need an estimated ${gb(atEnd)}`,
          ]
        : []),
    ].join('; ');
    const full = heapFull
      ? `that would need an estimated ${gb(heap)} of Node's heap, over ${Math.round(MEMORY_HEAP_STOP_SHARE * 100)}% of the ${gb(old)} it gives old objects; give Node a larger heap (NODE_OPTIONS=--max-old-space-size=${Math.max(heapFlagFor(heap), Math.ceil((2 * old) / 2 ** 20))}, in MB, within the machine's memory) or`
      : `that would need an estimated ${gb(machine)} of memory (docs/performance.md), more than this machine's ${gb(limits.total)}; run it on a machine with more memory or`;
    const fewer = [
      'run fewer agents, fewer steps',
      ...(grown > 0 ? ['a lower model.entry.rate'] : []),
      ...(held > 0 || atEnd > 0
        ? ['fewer kept rows (a larger K in --agents or --timeseries every:K, or none)']
        : []),
    ];
    throw new UserError(
      `${what}: stopped at step ${world.step} of ${steps}, before it ran out of memory: ${growth}; ${full} ${fewer.length === 2 ? fewer.join(' or ') : `${fewer.slice(0, -1).join(', ')} or ${fewer[fewer.length - 1]}`}`,
    );
  };
}
