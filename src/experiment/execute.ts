/**
 * Executing one sweep run: the same code in a worker thread and in-process. It keeps only the
 * timeseries rows the user asked for, so a worker never ships a whole trajectory it will drop,
 * and formats them as CSV text in the worker: one string is cheaper to send to the main
 * thread than an object per row (structured clone), and the formatting then runs on the
 * worker's core instead of the main thread's, which on a busy machine shares one with a worker.
 */
import { TIMESERIES_COLUMNS, type AgentsMode, type TimeseriesRow } from '../engine/observations.js';
import { formatRows } from '../io/csv.js';
import { simulate } from '../engine/simulation.js';
import type { ParamValue } from '../scenario/parameters.js';
import { applyParams } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/types.js';

/** Which timeseries rows of a run are kept: the same choices as supplier rows in a single run. */
export type TimeseriesMode = AgentsMode;

export interface RunRequest {
  runId: number;
  seed: number;
  values: ParamValue[];
}

export type RunOutcome =
  /** `timeseriesCsv`: the kept timeseries rows (run_id set) as timeseries.csv lines. */
  | { runId: number; ok: true; final: TimeseriesRow; timeseriesCsv: string }
  | { runId: number; ok: false; message: string };

export interface RunContext {
  base: Scenario;
  factorPaths: string[];
  timeseries: TimeseriesMode;
}

export function executeRun(ctx: RunContext, req: RunRequest): RunOutcome {
  const rows: TimeseriesRow[] = [];
  let final: TimeseriesRow | null = null;
  try {
    const entries: [string, unknown][] = ctx.factorPaths.map((path, j) => [path, req.values[j]]);
    entries.push(['seed', req.seed]);
    const scenario = applyParams(ctx.base, entries, `sweep run ${req.runId}`);
    const last = scenario.time.steps;
    const mode = ctx.timeseries;
    simulate(
      scenario,
      {
        timeseries(row) {
          const step = row.step ?? -1;
          if (step === last) final = row;
          if (mode.kind === 'every' ? step % mode.k === 0 || step === last : mode.kind === 'final' && step === last) rows.push(row);
        },
        suppliers() {},
      },
      { agents: { kind: 'none' } },
    );
    if (!final) throw new Error('the run produced no final observation');
  } catch (err) {
    return { runId: req.runId, ok: false, message: (err as Error)?.message ?? String(err) };
  }
  // Outside the try: a value the CSV writer rejects is a defect that stops the sweep (as it
  // did when the main thread formatted), not a failed run.
  for (const row of rows) row.run_id = req.runId;
  return { runId: req.runId, ok: true, final: final as TimeseriesRow, timeseriesCsv: formatRows(TIMESERIES_COLUMNS, rows) };
}
