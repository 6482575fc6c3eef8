/**
 * simulateYielding (engine/simulation.ts), which gvc run uses so that its signal listeners run
 * during the simulation: the event loop runs while the world is made and between steps, and the
 * outputs are those of simulate, to the byte.
 */
import { describe, expect, it } from 'vitest';
import { simulate, simulateToMemory, simulateYielding } from '../../src/engine/simulation.js';
import type { RelationshipRow, SupplierRow, TimeseriesRow } from '../../src/engine/observations.js';
import { BUILD_PAUSE_EVERY, buildWorld, createWorld } from '../../src/model/init.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function scenario(suppliers: number, steps: number) {
  return parseScenarioText(
    `name: y\nseed: 7\ntime: {steps: ${steps}}\nsuppliers:\n  a: {count: ${suppliers - 3}}\n  b: {count: 3}\nbuyers:\n  us: {count: 4}\n`,
    'y.yaml',
  ).scenario;
}

describe('simulateYielding lets the event loop run (signals during gvc run)', () => {
  it('buildWorld pauses every BUILD_PAUSE_EVERY suppliers and makes the world createWorld makes', () => {
    const s = scenario(2 * BUILD_PAUSE_EVERY + 5, 1);
    const build = buildWorld(s);
    let pauses = 0;
    let next = build.next();
    for (; !next.done; next = build.next()) pauses++;
    expect(pauses).toBe(2);
    const world = next.value;
    const other = createWorld(s);
    expect(world.supplierTable.length).toBe(2 * BUILD_PAUSE_EVERY + 5);
    expect(world.supplierTable.cols).toEqual(other.supplierTable.cols);
    expect(world.relationshipTable.cols).toEqual(other.relationshipTable.cols);
  });

  it('runs the event loop while the world is made and after every step', async () => {
    const s = scenario(BUILD_PAUSE_EVERY + 1, 5);
    // What a signal listener would see: turns of the event loop, counted by when they happen.
    let turns = 0;
    let stop = false;
    const tick = (): void => {
      turns++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: { step: number; turns: number }[] = [];
    await simulateYielding(s, {
      timeseries: (row) => seen.push({ step: row.step ?? -1, turns }),
      suppliers: () => undefined,
    });
    stop = true;
    expect(seen.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5]);
    // At least one turn before step 0's row: during the world's making (one pause).
    expect(seen[0].turns).toBeGreaterThanOrEqual(1);
    // And at least one between each two steps.
    for (let k = 1; k < seen.length; k++) expect(seen[k].turns).toBeGreaterThan(seen[k - 1].turns);
  });

  it('gives the outputs simulate gives', async () => {
    const s = scenario(40, 30);
    const sync = simulateToMemory(s, { agents: { kind: 'every', k: 7 }, byGroup: true });
    const timeseries: TimeseriesRow[] = [];
    const suppliers: SupplierRow[] = [];
    const relationships: RelationshipRow[] = [];
    await simulateYielding(
      s,
      {
        timeseries: (r) => timeseries.push(r),
        suppliers: (rows) => suppliers.push(...rows),
        relationships: (rows) => relationships.push(...rows),
      },
      { agents: { kind: 'every', k: 7 }, byGroup: true },
    );
    expect(JSON.stringify(timeseries)).toBe(JSON.stringify(sync.timeseries));
    expect(JSON.stringify(suppliers)).toBe(JSON.stringify(sync.suppliers));
    expect(JSON.stringify(relationships)).toBe(JSON.stringify(sync.relationships));
    expect(relationships.length).toBeGreaterThan(0);
    // simulate itself still returns the finished world.
    expect(simulate(s, { timeseries: () => undefined, suppliers: () => undefined }).step).toBe(30);
  });
});
