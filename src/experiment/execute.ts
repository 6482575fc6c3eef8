/**
 * Executing one sweep run: the same code in a worker thread and in-process. It keeps only the
 * timeseries rows the user asked for, so a worker never ships a whole trajectory it will drop.
 */
import type { AgentsMode, SupplierRow, TimeseriesRow } from '../engine/observations.js';
import { evaluateMeasure, stepsNeeded, supplierRecording, type Measure } from './measures.js';
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
  | { runId: number; ok: true; final: TimeseriesRow; rows: TimeseriesRow[]; measures?: number[] }
  | { runId: number; ok: false; message: string };

export interface RunContext {
  base: Scenario;
  factorPaths: string[];
  timeseries: TimeseriesMode;
  /** Run-level measures to compute in the worker (gvc validate); their values come back in order. */
  measures?: Measure[];
}

export function executeRun(ctx: RunContext, req: RunRequest): RunOutcome {
  try {
    const entries: [string, unknown][] = ctx.factorPaths.map((path, j) => [path, req.values[j]]);
    entries.push(['seed', req.seed]);
    const scenario = applyParams(ctx.base, entries, `sweep run ${req.runId}`);
    const last = scenario.time.steps;
    const rows: TimeseriesRow[] = [];
    let final: TimeseriesRow | null = null;
    const mode = ctx.timeseries;
    const measures = ctx.measures ?? [];
    const keepSteps = new Set(stepsNeeded(measures));
    const kept = new Map<number | 'final', TimeseriesRow>();
    const supplierRows = new Map<number | 'final', SupplierRow[]>();
    simulate(
      scenario,
      {
        timeseries(row) {
          const step = row.step ?? -1;
          if (step === last) final = row;
          if (keepSteps.has(step)) kept.set(step, row);
          if (mode.kind === 'every' ? step % mode.k === 0 || step === last : mode.kind === 'final' && step === last) rows.push(row);
        },
        suppliers(batch) {
          const step = batch[0]?.step;
          if (typeof step === 'number') supplierRows.set(step === last ? 'final' : step, batch);
        },
      },
      { agents: supplierRecording(measures, last) },
    );
    if (!final) throw new Error('the run produced no final observation');
    if (measures.length === 0) return { runId: req.runId, ok: true, final, rows };
    kept.set('final', final);
    // A measure may name the last step by number.
    if (supplierRows.has('final')) supplierRows.set(last, supplierRows.get('final')!);
    const values = measures.map((m) => evaluateMeasure(m, { timeseries: kept, suppliers: supplierRows }));
    return { runId: req.runId, ok: true, final, rows, measures: values };
  } catch (err) {
    return { runId: req.runId, ok: false, message: (err as Error)?.message ?? String(err) };
  }
}
