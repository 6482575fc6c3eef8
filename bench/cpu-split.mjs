#!/usr/bin/env node
/**
 * Where one run's CPU goes, by phase and by thread (docs/performance.md, 2026-12-01, session
 * 16). Linux only: it reads /proc/self/task/<tid>/schedstat.
 *
 *   node bench/cpu-split.mjs <scenario> [--agents MODE]      (build first)
 *
 * Does what bench/probe.mjs does (load the scenario, simulate, write timeseries.csv and, unless
 * --agents none, suppliers.csv to a temporary folder) and splits the CPU time it measures
 * (process.cpuUsage: all threads) into phases, marked by the rows the engine hands to the sink:
 *   create   from the start to step 0's timeseries row: createWorld and step 0's observation
 *   steps    from step 0's row to the last step's: the processes, the observation, compaction
 *            (first and second half of the steps apart)
 *   agents   from the last step's row to the end of the simulation: the final supplier rows
 *   finish   the rest of writeRunOutputs: flushing the files, codebook, manifest, rename
 * and within each phase into the main thread's CPU and that of every other thread of the
 * process (V8's concurrent compiler and GC helpers, libuv's pool), from the kernel's per-thread
 * run time (schedstat, nanoseconds). Also prints the time V8 reports spent in garbage
 * collection pauses (PerformanceObserver 'gc', main thread) and the supplier-steps, so each
 * figure can be read as µs per supplier-step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { benchScenario, runAsGvc } from './gvc-run.mjs';

const args = process.argv.slice(2);
const file = args[0];
let agents = 'final';
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--agents') agents = args[++i];
  else throw new Error(`cpu-split: unknown argument ${args[i]}`);
}

/** CPU seconds so far: the whole process (cpuUsage) and each thread's (schedstat). */
function sample() {
  const u = process.cpuUsage();
  const threads = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      threads.set(tid, ns / 1e9);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return { process: (u.user + u.system) / 1e6, threads };
}

/** The CPU seconds of the interval a..b: whole process, main thread, all other threads. */
function between(a, b) {
  const main = String(process.pid);
  let mainCpu = 0;
  let others = 0;
  for (const [tid, s] of b.threads) {
    const d = s - (a.threads.get(tid) ?? 0);
    if (tid === main) mainCpu += d;
    else others += d;
  }
  return { process: b.process - a.process, main: mainCpu, others };
}

let gcMs = 0;
let gcCount = 0;
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
});
gc.observe({ entryTypes: ['gc'] });

const scenario = benchScenario(file);
const T = scenario.time.steps;
const half = Math.floor(T / 2);
let supplierSteps = 0;
let secondHalfSteps = 0;
const marks = { start: sample() };
await runAsGvc(
  file,
  scenario,
  { agents },
  {
    simulating: () => (marks.produce = sample()),
    timeseries(row) {
      if (row.step === 0) marks.created = sample();
      if (row.step === half) marks.half = sample();
      if (row.step === T) marks.stepped = sample();
      if (row.step > 0) supplierSteps += row.n_suppliers;
      if (row.step > half) secondHalfSteps += row.n_suppliers;
    },
    simulated: () => (marks.simulated = sample()),
  },
);
marks.end = sample();
await new Promise((resolve) => setImmediate(resolve)); // let the GC entries arrive
gc.disconnect();

const phases = [
  ['prepare (output folder)', 'start', 'produce'],
  ['create (world, step 0)', 'produce', 'created'],
  ['steps 1..T/2', 'created', 'half'],
  ['steps T/2+1..T', 'half', 'stepped'],
  ['agents (final rows)', 'stepped', 'simulated'],
  ['finish (files, manifest)', 'simulated', 'end'],
  ['whole run', 'start', 'end'],
];
const us = (s) => ((s * 1e6) / supplierSteps).toFixed(3);
console.log(
  `${'phase'.padEnd(26)} ${'process'.padStart(8)} ${'main'.padStart(8)} ${'others'.padStart(8)}   µs/supplier-step (process, main, others)`,
);
for (const [name, a, b] of phases) {
  const d = between(marks[a], marks[b]);
  console.log(
    `${name.padEnd(26)} ${d.process.toFixed(3).padStart(8)} ${d.main.toFixed(3).padStart(8)} ${d.others.toFixed(3).padStart(8)}   ${us(d.process)} ${us(d.main)} ${us(d.others)}`,
  );
}
const second = between(marks.half, marks.stepped);
console.log(
  `second half per its own supplier-steps: process ${((second.process * 1e6) / secondHalfSteps).toFixed(3)}, main ${((second.main * 1e6) / secondHalfSteps).toFixed(3)} µs`,
);
console.log(
  `GC pauses (main thread): ${gcCount}, ${(gcMs / 1000).toFixed(3)} s; supplier-steps ${supplierSteps}`,
);
