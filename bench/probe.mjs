#!/usr/bin/env node
/**
 * One benchmark measurement, run by bench/run.mjs in a fresh Node process (so every single
 * run pays its own JIT warm-up, as `gvc run` does, and peak RSS is this run's alone).
 *
 *   node bench/probe.mjs <scenario> [--steps N] [--agents MODE] [--set path=value ...]
 *
 * Does what `gvc run` does — load the scenario, simulate, write timeseries.csv (and
 * suppliers.csv unless --agents none) to a temporary folder — and prints one JSON line:
 *   seconds          wall time of simulation + output (world creation included; Node start-up,
 *                    module loading and scenario parsing excluded)
 *   cpuSeconds       CPU time (user + system) of the process over the same interval, from
 *                    process.cpuUsage(): every thread of the process, so V8's background GC
 *                    and compiler threads count too (it can exceed `seconds` on an idle
 *                    machine). Unlike wall time it does not grow while the process waits for
 *                    a core, which is what keeps it comparable on a busy machine.
 *   cpuUserSeconds, cpuSystemSeconds   the two parts of cpuSeconds
 *   processCpuSeconds  CPU time of the whole process up to the end (Node start-up, module
 *                    loading and scenario parsing included; process.resourceUsage)
 *   supplierSteps    sum over steps 1..T of the active suppliers in that step
 *   rate             supplierSteps / seconds
 *   steadyRate       the same over the second half of the steps only (JIT warmed up)
 *   steadyCpuRate    supplierSteps of the second half / CPU seconds of the second half
 *   maxRssMB         peak resident set size of the process (process.resourceUsage)
 */
import { benchScenario, runAsGvc } from './gvc-run.mjs';

const args = process.argv.slice(2);
const file = args[0];
const sets = [];
let steps;
let agents = 'final';
let threads = 1;
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--set') sets.push(args[++i]);
  else if (args[i] === '--steps') steps = args[++i];
  else if (args[i] === '--agents') agents = args[++i];
  else if (args[i] === '--threads') threads = Number(args[++i]);
  else throw new Error(`probe: unknown argument ${args[i]}`);
}

const scenario = benchScenario(file, sets, steps);
const T = scenario.time.steps;
const half = Math.floor(T / 2);
let supplierSteps = 0;
let secondHalfSteps = 0;
let tHalf = 0;
let cpuHalf = null;
const cpuSecondsSince = (start) => {
  const d = process.cpuUsage(start);
  return { user: d.user / 1e6, system: d.system / 1e6, total: (d.user + d.system) / 1e6 };
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await runAsGvc(
  file,
  scenario,
  { agents, threads },
  {
    timeseries(row) {
      if (row.step === half) {
        tHalf = performance.now();
        cpuHalf = process.cpuUsage();
      }
      if (row.step > 0) supplierSteps += row.n_suppliers;
      if (row.step > half) secondHalfSteps += row.n_suppliers;
    },
  },
);
const t1 = performance.now();
const cpu = cpuSecondsSince(cpu0);
const cpuSecondHalf = cpuSecondsSince(cpuHalf);
const seconds = (t1 - t0) / 1000;
const usage = process.resourceUsage();
process.stdout.write(
  JSON.stringify({
    seconds,
    cpuSeconds: cpu.total,
    cpuUserSeconds: cpu.user,
    cpuSystemSeconds: cpu.system,
    processCpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    supplierSteps,
    rate: supplierSteps / seconds,
    steadyRate: secondHalfSteps / ((t1 - tHalf) / 1000),
    steadyCpuRate: secondHalfSteps / cpuSecondHalf.total,
    maxRssMB: usage.maxRSS / 1024,
  }) + '\n',
);
