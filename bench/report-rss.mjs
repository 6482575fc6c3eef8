/**
 * Preloaded into a `gvc` child by bench/run.mjs (`node --import ./bench/report-rss.mjs
 * bin/gvc.js ...`): samples the process's RSS every 250 ms and, at exit, writes the peak RSS,
 * the CPU time (user and system seconds since the process started; worker threads included for
 * both: they live in the same process) and the samples to the file named by GVC_BENCH_REPORT.
 * The samples show whether memory grows with the runs done or levels off.
 * Changes nothing else (the timer is unref'd, so it never keeps the process alive).
 */
import { writeFileSync } from 'node:fs';

const target = process.env.GVC_BENCH_REPORT;
if (target) {
  const t0 = performance.now();
  const samples = [];
  setInterval(
    () =>
      samples.push([
        Math.round(performance.now() - t0),
        Math.round(process.memoryUsage.rss() / 1048576),
      ]),
    250,
  ).unref();
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        maxRssMB: usage.maxRSS / 1024,
        cpuUserSeconds: usage.userCPUTime / 1e6,
        cpuSystemSeconds: usage.systemCPUTime / 1e6,
        samples,
      }),
    );
  });
}
