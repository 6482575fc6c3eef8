#!/usr/bin/env node
/**
 * The per-process timer (bench/processes.mjs) for two builds at once, interleaved, to tell a
 * change of a few per cent from the noise of a shared machine (docs/performance.md, "Running
 * the benchmark").
 *
 *   node bench/processes-ab.mjs <base folder> <change folder> <scenario> [steps]
 *
 * Each folder is a checkout with its own dist/ (npm run build there), e.g. a copy of main as the
 * base and a worktree as the change. One Node process loads both builds (each its own modules,
 * so each its own compiled code), makes the scenario's world once with each, and runs the
 * schedule process by process (SCHEDULE, as bench/processes.mjs does: no observation, no
 * output, no compaction), the base's process on the base's world and the change's on the
 * change's, one right after the other, which goes first alternating from process to process
 * and step to step. Both see the same load within milliseconds, which alternating whole runs
 * cannot give: at a load average of 8 on 2 cores, whole runs of one build vary by ±15%, the
 * two sides of a pair here by a few per cent. Prints for each process the CPU µs (user +
 * system, process.cpuUsage) per active supplier and step over the second half of the steps
 * (default 60) for each build, and their ratio (change / base). The two worlds must stay the
 * same (a change that keeps the outputs keeps them): it says so if their active suppliers
 * differ at the end. Run it several times: the ratio of an unchanged process still moves by
 * ±5-10% from run to run, mostly in the small ones.
 */
import { join, resolve } from 'node:path';

const [baseDir, changeDir, file, stepsArg] = process.argv.slice(2);
if (!baseDir || !changeDir || !file) {
  console.error(
    'usage: node bench/processes-ab.mjs <base folder> <change folder> <scenario> [steps]',
  );
  process.exit(2);
}
const steps = Number(stepsArg ?? 60);

/** The build in `dir` and a world of the scenario made by it. */
async function side(dir) {
  const root = resolve(dir);
  const { createWorld } = await import(join(root, 'dist/model/init.js'));
  const { SCHEDULE } = await import(join(root, 'dist/engine/schedule.js'));
  const { loadScenario } = await import(join(root, 'dist/scenario/load.js'));
  const { scenario } = loadScenario(file, { sets: [], steps: String(steps) });
  return { world: createWorld(scenario), schedule: SCHEDULE, cpu: SCHEDULE.map(() => 0) };
}

const base = await side(baseDir);
const change = await side(changeDir);
if (base.schedule.map((p) => p.name).join() !== change.schedule.map((p) => p.name).join()) {
  console.error('processes-ab: the two builds have different schedules');
  process.exit(2);
}

/** CPU microseconds of process j of `s` on its world. */
function timed(s, j) {
  const start = process.cpuUsage();
  s.schedule[j].run(s.world);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

for (let t = 1; t <= steps; t++) {
  base.world.step = t;
  change.world.step = t;
  for (let j = 0; j < base.schedule.length; j++) {
    const [first, second] = (t + j) % 2 === 0 ? [base, change] : [change, base];
    const a = timed(first, j);
    const b = timed(second, j);
    if (t > steps / 2) {
      first.cpu[j] += a;
      second.cpu[j] += b;
    }
  }
  // What the engine does after observing: ended spells give their rows back.
  // (A build before session 16 keeps them in a plain array, after it in a RowStack.)
  for (const { world } of [base, change]) {
    const ended = world.endedSpells;
    for (const k of ended.rows ?? ended) world.relationshipTable.release(k);
    if (ended.clear) ended.clear();
    else ended.length = 0;
  }
}

const activeOf = (world) => world.supplierTable.cols.active.reduce((n, a) => n + a, 0);
const active = activeOf(base.world);
if (activeOf(change.world) !== active)
  console.log(
    `the worlds differ: ${active} and ${activeOf(change.world)} active suppliers at the end`,
  );
const measured = steps - Math.floor(steps / 2);
const perSupplierStep = (micros) => (micros / measured / active).toFixed(3);
const line = (name, a, b) =>
  console.log(
    `${name.padEnd(36)} base ${perSupplierStep(a)}  change ${perSupplierStep(b)}  ratio ${(b / a).toFixed(3)}`,
  );
base.schedule.forEach((p, j) => line(p.name, base.cpu[j], change.cpu[j]));
const sum = (xs) => xs.reduce((x, y) => x + y, 0);
line('all processes', sum(base.cpu), sum(change.cpu));
console.log(
  `(CPU µs per supplier-step, second half of ${steps} steps, ${active} active suppliers at the end)`,
);
