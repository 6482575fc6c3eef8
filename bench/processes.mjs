#!/usr/bin/env node
/**
 * CPU time of each process of the schedule (docs/ODD.md §3), for finding where a step's time
 * goes (docs/performance.md quotes it as "the per-process timer").
 *
 *   node bench/processes.mjs <scenario> [steps]      (default 30 steps; build first)
 *
 * Runs the schedule process by process (SCHEDULE, not the tiled stages the engine runs, so each
 * process is timed alone), with no observation and no output, and prints for each process the
 * CPU seconds (user + system, process.cpuUsage: all threads) over the second half of the steps
 * (the JIT warmed up) and that per active supplier and step. Figures move by 10-20% between
 * runs on a shared machine: compare builds by alternating them.
 */
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { createWorld } = await import(join(root, 'dist/model/init.js'));
const { SCHEDULE } = await import(join(root, 'dist/engine/schedule.js'));
const { loadScenario } = await import(join(root, 'dist/scenario/load.js'));

const [file, stepsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/processes.mjs <scenario> [steps]');
  process.exit(2);
}
const steps = Number(stepsArg ?? 30);
const { scenario } = loadScenario(file, { sets: [], steps: String(steps) });
const world = createWorld(scenario);
const cpu = new Map(SCHEDULE.map((p) => [p.name, 0]));
for (let t = 1; t <= steps; t++) {
  world.step = t;
  for (const p of SCHEDULE) {
    const start = process.cpuUsage();
    p.run(world);
    const used = process.cpuUsage(start);
    if (t > steps / 2) cpu.set(p.name, cpu.get(p.name) + used.user + used.system);
  }
  // What the engine does after observing: ended spells give their rows back.
  for (const k of world.endedSpells.rows) world.relationshipTable.release(k);
  world.endedSpells.clear();
}
const active = world.supplierTable.cols.active.reduce((n, a) => n + a, 0);
const measured = steps - Math.floor(steps / 2);
let total = 0;
for (const [name, micros] of cpu) {
  total += micros;
  const perSupplierStep = micros / measured / active;
  console.log(
    `${name.padEnd(36)} ${(micros / 1e6).toFixed(3)} CPU-s  ${perSupplierStep.toFixed(2)} µs/supplier-step`,
  );
}
console.log(
  `${'all processes'.padEnd(36)} ${(total / 1e6).toFixed(3)} CPU-s  ${(total / measured / active).toFixed(2)} µs/supplier-step` +
    ` (${active} active suppliers at the end, second half of ${steps} steps)`,
);
