/**
 * Executing one sweep run: the same code in a worker thread and in-process. It keeps only the
 * timeseries rows the user asked for, so a worker never ships a whole trajectory it will drop,
 * and formats them as CSV text in the worker: one string is cheaper to send to the main
 * thread than an object per row (structured clone), and the formatting then runs on the
 * worker's core instead of the main thread's, which on a busy machine shares one with a worker.
 */
import {
  MEMORY_HEAP_PER_KEPT_ROW,
  MEMORY_HEAP_PER_SPELL_TEXT,
  MEMORY_HEAP_PER_SUPPLIER_TEXT,
  memoryGuard,
  type MemoryLimits,
} from './memory.js';
import { UserError } from '../scenario/errors.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  GROUP_ALL,
  timeseriesColumns,
  type AgentsMode,
  type SupplierRow,
  type TimeseriesRow,
} from '../engine/observations.js';
import { formatRows } from '../io/csv.js';
import { METRIC_COLUMNS } from './sweep-columns.js';
import {
  evaluateMeasureCounted,
  stepsNeeded,
  supplierRecording,
  type Measure,
} from './measures.js';
import { simulate } from '../engine/simulation.js';
import type { ParamValue } from '../scenario/parameters.js';
import { applyParams } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/types.js';
import type { World } from '../model/state.js';

/** Which timeseries rows of a run are kept: the same choices as supplier rows in a single run. */
export type TimeseriesMode = AgentsMode;

export interface RunRequest {
  runId: number;
  seed: number;
  values: ParamValue[];
}

export type RunOutcome =
  /**
   * `finalCsv`: the final row's metric cells (METRIC_COLUMNS) as one CSV line, the tail of
   * the run's runs.csv line; `timeseriesCsv`: the kept timeseries rows (run_id set) as
   * timeseries.csv lines; `suppliersCsv`, `relationshipsCsv`: the supplier rows the context's
   * `agents` mode asks for and the spell rows (if `relationships`), as lines of suppliers.csv
   * and relationships.csv (none when not asked for). Each is a list of chunks of whole lines,
   * to be written in order: never joined into one string, whose length V8 bounds (about 537
   * million characters, a final snapshot of some 2.8 million suppliers); `measures`: the context's measures, in order,
   * and `measureUnits` the number of units (suppliers) each is a mean over (NaN when not one
   * set: measures.ts evaluateMeasureCounted).
   */
  | {
      runId: number;
      ok: true;
      finalCsv: string;
      timeseriesCsv: string[];
      suppliersCsv: string[];
      relationshipsCsv: string[];
      measures?: number[];
      measureUnits?: number[];
    }
  /**
   * A failed run. `refused`: the run stopped on a UserError (bad input found only while it
   * ran, such as the memory guard's stop), not on a defect.
   */
  | { runId: number; ok: false; message: string; refused: boolean };

export interface RunContext {
  base: Scenario;
  factorPaths: string[];
  timeseries: TimeseriesMode;
  /** Supplier rows to keep for suppliers.csv (default none). */
  agents?: AgentsMode;
  /** Whether to keep the spell rows for relationships.csv (default false). */
  relationships?: boolean;
  /** Timeseries rows by supplier group as well (default false); measures read the whole population's. */
  byGroup?: boolean;
  /** Run-level measures to compute in the worker (gvc validate); their values come back in order. */
  measures?: Measure[];
  /** The memory guard's limits (a test's figures; default: this process's heap and machine). */
  memoryLimits?: MemoryLimits;
}

/** Whether step `step` of a run of `last` steps is recorded in `mode`. */
function isDue(mode: AgentsMode, step: number, last: number): boolean {
  return mode.kind === 'every'
    ? step % mode.k === 0 || step === last
    : mode.kind === 'final' && step === last;
}

/**
 * Kept CSV text, a chunk per batch of rows, and the bytes of heap it holds. Each batch is
 * formatted when it comes (run_id set), so a run keeps text (~200 bytes a supplier row) rather
 * than row objects plus, at the end, their text (~630 + ~2,400 bytes a row, measured: the text
 * of one formatRows call was a rope of small strings until flattened).
 */
class KeptText {
  private readonly chunks: string[] = [];
  /** Bytes of heap the chunks hold: one byte a character, two in a string with any beyond U+00FF. */
  bytes = 0;

  add(text: string): void {
    if (text === '') return;
    this.chunks.push(text);
    // eslint-disable-next-line no-control-regex
    this.bytes += text.length * (/[^\u0000-\u00ff]/.test(text) ? 2 : 1);
  }

  /** The chunks, in order (not joined: see RunOutcome). */
  lines(): string[] {
    return this.chunks;
  }
}

export function executeRun(ctx: RunContext, req: RunRequest): RunOutcome {
  const timeseriesText = new KeptText();
  const supplierText = new KeptText();
  const spellText = new KeptText();
  const tsColumns = timeseriesColumns(ctx.byGroup ?? false);
  let final: TimeseriesRow | null = null;
  let values: number[] | undefined;
  let units: number[] | undefined;
  // A value the CSV writer rejects is a defect that stops the sweep (as it did when the main
  // thread formatted), not a failed run: it is thrown on past the catch below.
  let defect: unknown;
  const keep = <R extends { run_id?: number | null }>(
    into: KeptText,
    columns: Parameters<typeof formatRows>[0],
    batch: R[],
  ) => {
    for (const row of batch) row.run_id = req.runId;
    try {
      into.add(formatRows(columns, batch));
    } catch (err) {
      defect = err;
      throw err;
    }
  };
  let measureRows = 0;
  try {
    const entries: [string, unknown][] = ctx.factorPaths.map((path, j) => [path, req.values[j]]);
    entries.push(['seed', req.seed]);
    const scenario = applyParams(ctx.base, entries, `sweep run ${req.runId}`);
    const last = scenario.time.steps;
    const mode = ctx.timeseries;
    const measures = ctx.measures ?? [];
    const keepSteps = new Set(stepsNeeded(measures));
    const agents = ctx.agents ?? { kind: 'none' };
    const forMeasures = supplierRecording(measures, last);
    // Both the user and the measures want supplier rows: record every step, keep what each asks for.
    const recording: AgentsMode =
      agents.kind === 'none'
        ? forMeasures
        : forMeasures.kind === 'none'
          ? agents
          : { kind: 'every', k: 1 };
    const kept = new Map<number | 'final', TimeseriesRow>();
    const supplierRows = new Map<number | 'final', SupplierRow[]>();
    // What this run holds until it ends, and twice its text (a worker's message copies it): the
    // memory guard counts it, so that --agents every:1 stops cleanly instead of running out of
    // heap.
    const held = () =>
      2 * (timeseriesText.bytes + supplierText.bytes + spellText.bytes) +
      MEMORY_HEAP_PER_KEPT_ROW * measureRows;
    // What the last step adds, projected from the world before it: its supplier snapshot (as
    // text and, for measures, as rows) and, at the end, the spells still active (at most the
    // relationship table's rows), each twice as text.
    const finalRows =
      (isDue(agents, last, last) ? 2 * MEMORY_HEAP_PER_SUPPLIER_TEXT : 0) +
      (forMeasures.kind === 'none' ? 0 : MEMORY_HEAP_PER_KEPT_ROW);
    const atEnd = (world: World) =>
      finalRows * world.supplierTable.length +
      (ctx.relationships ? 2 * MEMORY_HEAP_PER_SPELL_TEXT * world.relationshipTable.length : 0);
    simulate(
      scenario,
      {
        timeseries(row) {
          const step = row.step ?? -1;
          if (isDue(mode, step, last)) keep(timeseriesText, tsColumns, [row]);
          if (row.group !== undefined && row.group !== GROUP_ALL) return;
          if (step === last) final = row;
          if (keepSteps.has(step)) kept.set(step, row);
        },
        suppliers(batch) {
          const step = batch[0]?.step;
          if (typeof step !== 'number') return;
          if (isDue(forMeasures, step, last)) {
            // A step's rows come in batches (simulation.ts SUPPLIER_BATCH): gather them.
            const key = step === last ? 'final' : step;
            const gathered = supplierRows.get(key);
            if (gathered) for (const r of batch) gathered.push(r);
            else supplierRows.set(key, batch.slice());
            measureRows += batch.length;
          }
          if (isDue(agents, step, last)) keep(supplierText, SUPPLIER_COLUMNS, batch);
        },
        relationships: ctx.relationships
          ? (batch) => keep(spellText, RELATIONSHIP_COLUMNS, batch)
          : undefined,
      },
      {
        agents: recording,
        byGroup: ctx.byGroup ?? false,
        // Only the rows this function keeps are built (with --timeseries final, 1 of 121).
        timeseriesAt: (step) => step === last || isDue(mode, step, last) || keepSteps.has(step),
        // A world, or the rows kept of it, that outgrows the worker's memory fails this run
        // with a message (errors.csv).
        afterStep: memoryGuard(`run ${req.runId}`, last, ctx.memoryLimits, held, atEnd),
      },
    );
    if (!final) throw new Error('the run produced no final observation');
    if (measures.length > 0) {
      kept.set('final', final);
      // A measure may name the last step by number.
      if (supplierRows.has('final')) supplierRows.set(last, supplierRows.get('final')!);
      const counted = measures.map((measure) =>
        evaluateMeasureCounted(measure, { timeseries: kept, suppliers: supplierRows }),
      );
      values = counted.map((c) => c.value);
      units = counted.map((c) => c.units);
    }
  } catch (err) {
    if (err === defect) throw err;
    return {
      runId: req.runId,
      ok: false,
      message: (err as Error)?.message ?? String(err),
      refused: err instanceof UserError,
    };
  }
  const outcome: RunOutcome = {
    runId: req.runId,
    ok: true,
    finalCsv: formatRows(METRIC_COLUMNS, [final as TimeseriesRow]),
    timeseriesCsv: timeseriesText.lines(),
    suppliersCsv: supplierText.lines(),
    relationshipsCsv: spellText.lines(),
  };
  if (values) outcome.measures = values;
  if (units) outcome.measureUnits = units;
  return outcome;
}
