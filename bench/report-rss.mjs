/**
 * Preloaded into a `gvc` child by bench/run.mjs (`node --import ./bench/report-rss.mjs
 * bin/gvc.js ...`): at exit, writes the process's peak RSS (worker threads included: they live
 * in the same process) to the file named by GVC_BENCH_REPORT. Changes nothing else.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.GVC_BENCH_REPORT;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  });
}
