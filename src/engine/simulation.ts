/**
 * One run: a pure function of the resolved scenario (which carries the seed). It builds the
 * world, observes the initial state as step 0, then runs the schedule step by step and
 * streams observations to the sink, so nothing accumulates in memory.
 */
import { createWorld } from '../model/init.js';
import { supplierRow, timeseriesRow } from '../model/metrics.js';
import { activeSpells, relationshipRow, SpellObserver } from '../model/spells.js';
import type { World } from '../model/state.js';
import type { Scenario } from '../scenario/types.js';
import type {
  AgentsMode,
  ObservationSink,
  RelationshipRow,
  SupplierRow,
  TimeseriesRow,
} from './observations.js';
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
  const spells = new SpellObserver(scenario.time.steps_per_year);
  const relationships = sink.relationships?.bind(sink);
  sink.timeseries(timeseriesRow(world, spells.observe(world)));
  const steps = scenario.time.steps;
  for (let t = 1; t <= steps; t++) {
    world.step = t;
    for (const p of SCHEDULE) p.run(world);
    sink.timeseries(timeseriesRow(world, spells.observe(world)));
    if (relationships && world.endedSpells.length > 0)
      relationships(world.endedSpells.map(relationshipRow));
    world.endedSpells.length = 0;
    const due =
      agents.kind === 'every'
        ? t % agents.k === 0 || t === steps
        : agents.kind === 'final' && t === steps;
    if (due) sink.suppliers(world.suppliers.map((s) => supplierRow(s, world)));
  }
  if (relationships) relationships(activeSpells(world).map(relationshipRow));
  return world;
}

/**
 * Run without output (tests, validation): collects the timeseries, the supplier rows and the
 * relationship-spell rows.
 */
export function simulateToMemory(scenario: Scenario, options: SimulateOptions = {}) {
  const timeseries: TimeseriesRow[] = [];
  const suppliers: SupplierRow[] = [];
  const relationships: RelationshipRow[] = [];
  const world = simulate(
    scenario,
    {
      timeseries: (r) => timeseries.push(r),
      suppliers: (rows) => suppliers.push(...rows),
      relationships: (rows) => relationships.push(...rows),
    },
    options,
  );
  return { world, timeseries, suppliers, relationships };
}
