/**
 * One run: a pure function of the resolved scenario (which carries the seed). It builds the
 * world, observes the initial state as step 0, then runs the schedule step by step and
 * streams observations to the sink, so nothing accumulates in memory.
 */
import { createWorld } from '../model/init.js';
import { supplierRow, timeseriesRow } from '../model/metrics.js';
import type { World } from '../model/state.js';
import type { Scenario } from '../scenario/types.js';
import type { AgentsMode, ObservationSink } from './observations.js';
import { SCHEDULE } from './schedule.js';

export interface SimulateOptions {
  agents?: AgentsMode;
}

export function simulate(
  scenario: Scenario,
  sink: ObservationSink,
  options: SimulateOptions = {},
): World {
  const agents = options.agents ?? { kind: 'final' };
  const world = createWorld(scenario);
  sink.timeseries(timeseriesRow(world));
  // The initial state is observed whenever a schedule is: step 0 is a multiple of every k
  // (a validation measure or an analysis of change since the start needs it).
  if (agents.kind === 'every') sink.suppliers(world.suppliers.map((s) => supplierRow(s, world)));
  const steps = scenario.time.steps;
  for (let t = 1; t <= steps; t++) {
    world.step = t;
    for (const p of SCHEDULE) p.run(world);
    sink.timeseries(timeseriesRow(world));
    const due =
      agents.kind === 'every'
        ? t % agents.k === 0 || t === steps
        : agents.kind === 'final' && t === steps;
    if (due) sink.suppliers(world.suppliers.map((s) => supplierRow(s, world)));
  }
  return world;
}

/** Run without output (tests, validation): collects the timeseries and the final supplier rows. */
export function simulateToMemory(scenario: Scenario, options: SimulateOptions = {}) {
  const timeseries: ReturnType<typeof timeseriesRow>[] = [];
  const suppliers: ReturnType<typeof supplierRow>[] = [];
  const world = simulate(
    scenario,
    { timeseries: (r) => timeseries.push(r), suppliers: (rows) => suppliers.push(...rows) },
    options,
  );
  return { world, timeseries, suppliers };
}
