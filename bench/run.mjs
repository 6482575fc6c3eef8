#!/usr/bin/env node
/**
 * `npm run bench` — performance figures of this build on this machine (issue 5; method and
 * results in docs/performance.md). Runs against dist/ (npm run bench builds first).
 *
 *   node bench/run.mjs [--quick] [--reps N] [--steps N] [--only single,scaling,sweep,memory] [--out FILE]
 *
 * Every measurement runs in a child process: single runs through bench/probe.mjs (the code
 * path of `gvc run`, timed without Node start-up), sweeps through the real `gvc sweep` CLI
 * with bench/report-rss.mjs preloaded to report peak RSS. Figures are medians over
 * repetitions (default 3; sweeps once: a 2,000-run sweep already averages over its runs).
 * The load average is recorded before each measurement: on a shared machine, rerun when it
 * is low. Results go to the terminal and to output/bench-<time>.json (git-ignored).
 *
 * --quick: a few minutes instead of half an hour or more: the large run and the scaling
 * points with 20 steps (and the large run once), sweeps of 100 runs, the memory check with
 * 200 vs 2,000 runs. --steps N: steps of the large run and the scaling points (default 120,
 * or 20 with --quick); the large-run wall-time target is judged only at 120 steps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GVC = join(ROOT, 'bin/gvc.js');
const PROBE = join(ROOT, 'bench/probe.mjs');
const REPORT_RSS = join(ROOT, 'bench/report-rss.mjs');
const REFERENCE = 'scenarios/bench/reference.yaml';
const LARGE = 'scenarios/bench/large.yaml';

// ----------------------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const QUICK = flag('--quick');
const STEPS = Number(option('--steps', QUICK ? '20' : '120'));
const REPS = Number(option('--reps', '3'));
const ONLY = new Set(option('--only', 'single,scaling,sweep,memory').split(','));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const OUT = resolve(ROOT, option('--out', `output/bench-${stamp}.json`));

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` (npm run bench does it for you)');
  process.exit(2);
}

/**
 * The large benchmark at a fraction of its size, same ratios per supplier: 1k, 10k and 100k
 * suppliers with lead firms (kept at the same suppliers_target) and partners scaled alike.
 */
function scaledLarge(factor) {
  const n = (x) => String(Math.max(1, Math.round(x * factor)));
  const sets = {
    'suppliers.smes.count': n(75000),
    'suppliers.established.count': n(25000),
    // 1k: 2 + 3 + 5 lead firms (250 + 250 + 100 places each) = 1,750 places, as 100k has 175,000.
    'buyers.global_brands.count': factor === 0.01 ? '2' : n(250),
    'buyers.global_retailers.count': factor === 0.01 ? '3' : n(250),
    'buyers.regional_buyers.count': n(500),
    'partners.peers.count': n(10000),
    'partners.universities.count': n(1200),
    'partners.agents.count': n(2500),
    'partners.other_brands.count': n(1200),
    'partners.other_fields.count': n(2500),
    'partners.associations.count': n(800),
  };
  return Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
}

// ----------------------------------------------------------------------------- helpers
const load = () => loadavg()[0];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function probe(label, args, reps) {
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const loadBefore = load();
    const r = spawnSync(process.execPath, [PROBE, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`${label}: probe failed\n${r.stderr}`);
    const s = JSON.parse(r.stdout.trim().split('\n').pop());
    samples.push({ ...s, loadBefore });
    log(
      `${label} [${i + 1}/${reps}] ${s.seconds.toFixed(2)} s, ${fmtRate(s.rate)} supplier-steps/s, peak RSS ${s.maxRssMB.toFixed(0)} MB (load ${loadBefore.toFixed(2)})`,
    );
  }
  return {
    label,
    args,
    reps,
    seconds: median(samples.map((s) => s.seconds)),
    supplierSteps: samples[0].supplierSteps,
    rate: median(samples.map((s) => s.rate)),
    steadyRate: median(samples.map((s) => s.steadyRate)),
    maxRssMB: median(samples.map((s) => s.maxRssMB)),
    load: median(samples.map((s) => s.loadBefore)),
    samples,
  };
}

function sweep(label, args) {
  const dir = mkdtempSync(join(tmpdir(), 'gvc-bench-sweep-'));
  const report = join(dir, 'rss.json');
  const loadBefore = load();
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', REPORT_RSS, GVC, 'sweep', ...args, '--out', join(dir, 'out'), '--quiet'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GVC_BENCH_REPORT: report },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  try {
    if (r.status !== 0) throw new Error(`${label}: gvc sweep failed\n${r.stderr}`);
    const runs = readFileSync(join(dir, 'out/runs.csv'), 'utf8').trimEnd().split('\n').length - 1;
    const { maxRssMB, samples } = JSON.parse(readFileSync(report, 'utf8'));
    // Peak RSS sampled in the first and in the second half of the sweep's duration: equal when
    // memory levels off, higher in the second half when it grows with the runs done.
    const mid = samples.length > 0 ? samples[samples.length - 1][0] / 2 : 0;
    const peak = (xs) => (xs.length > 0 ? Math.max(...xs.map((s) => s[1])) : NaN);
    const firstHalfMB = peak(samples.filter((s) => s[0] <= mid));
    const secondHalfMB = peak(samples.filter((s) => s[0] > mid));
    log(
      `${label}: ${runs} runs in ${seconds.toFixed(1)} s = ${(runs / seconds).toFixed(2)} runs/s, peak RSS ${maxRssMB.toFixed(0)} MB (sampled peak ${firstHalfMB} MB in the 1st half, ${secondHalfMB} MB in the 2nd) (load ${loadBefore.toFixed(2)})`,
    );
    return {
      label,
      args,
      runs,
      seconds,
      runsPerSecond: runs / seconds,
      maxRssMB,
      firstHalfMB,
      secondHalfMB,
      load: loadBefore,
      rssSamples: samples,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmtRate(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`;
}

function gitCommit() {
  const r = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const d = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() + (d.stdout.trim() ? '+dirty' : '') : null;
}

function cpuModel() {
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

// ----------------------------------------------------------------------------- measurements
const results = {
  date: new Date().toISOString(),
  quick: QUICK,
  machine: {
    nproc: availableParallelism(),
    cpu: cpuModel(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  },
  commit: gitCommit(),
  loadAtStart: loadavg(),
};
log(
  `${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}, commit ${results.commit}, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}${QUICK ? ' (quick)' : ''}`,
);

const largeSteps = ['--steps', String(STEPS)];
if (ONLY.has('single')) {
  results.reference = probe('reference (1k suppliers, 120 steps)', [REFERENCE], REPS);
  results.large = probe(
    `large (100k suppliers, ${STEPS} steps)`,
    [LARGE, ...largeSteps],
    QUICK ? 1 : REPS,
  );
  results.referenceAgentsEvery1 = probe(
    'reference, --agents every:1',
    [REFERENCE, '--agents', 'every:1'],
    REPS,
  );
}

if (ONLY.has('scaling')) {
  const steps = ['--steps', String(STEPS)];
  const point = (factor, label, reps) =>
    probe(label, [LARGE, ...steps, ...scaledLarge(factor)], reps);
  results.scaling = [
    point(0.01, 'scaling 1k', REPS),
    point(0.1, 'scaling 10k', REPS),
    // The 100k point is the large benchmark itself; reuse it when it has the same steps.
    results.large
      ? { ...results.large, label: 'scaling 100k' }
      : point(1, 'scaling 100k', QUICK ? 1 : REPS),
  ];
}

if (ONLY.has('sweep')) {
  // 4 cells x reps of the reference scenario; final timeseries row only (the default).
  const reps = QUICK ? 25 : 500;
  const base = [
    REFERENCE,
    '--design',
    'grid',
    '--vary',
    'environment.ipr_protection=[0.2, 0.4, 0.6, 0.8]',
    '--reps',
    String(reps),
    '--force',
  ];
  results.sweep = [1, 2].map((w) =>
    sweep(`sweep ${4 * reps} runs of the reference, ${w} worker${w > 1 ? 's' : ''}`, [
      ...base,
      '--workers',
      String(w),
    ]),
  );
}

if (ONLY.has('memory')) {
  // Small runs so 20,000 of them take minutes: the reference's mix at 100 suppliers, 10 steps.
  const small = [
    '--set',
    'suppliers.smes.count=75',
    '--set',
    'suppliers.established.count=25',
    '--steps',
    '10',
    '--timeseries',
    'every:1',
  ];
  const counts = QUICK ? [200, 2000] : [2000, 20000];
  results.memory = counts.map((n) =>
    sweep(`memory: ${n} small runs, 2 workers`, [
      REFERENCE,
      '--design',
      'grid',
      '--vary',
      'environment.ipr_protection=[0.2, 0.4, 0.6, 0.8]',
      '--reps',
      String(n / 4),
      '--workers',
      '2',
      '--force',
      ...small,
    ]),
  );
}
results.loadAtEnd = loadavg();

// ----------------------------------------------------------------------------- targets and report
const targets = [];
const target = (name, ok, measured, goal) => targets.push({ name, pass: ok, measured, goal });
if (results.reference) {
  target(
    'reference throughput (1 core)',
    results.reference.rate >= 2e6,
    `${fmtRate(results.reference.rate)} supplier-steps/s (steady state ${fmtRate(results.reference.steadyRate)})`,
    '>= 2M supplier-steps/s',
  );
}
if (results.large && STEPS === 120) {
  target(
    'large run wall time',
    results.large.seconds <= 15,
    `${results.large.seconds.toFixed(1)} s`,
    '<= 15 s',
  );
}
if (results.large)
  target(
    'large run peak RSS',
    results.large.maxRssMB <= 2048,
    `${results.large.maxRssMB.toFixed(0)} MB`,
    '<= 2 GB',
  );
if (results.scaling) {
  // Time per supplier-step may grow by at most 10% per doubling: 2x suppliers <= 2.2x time.
  const per = results.scaling.map((p) => p.seconds / p.supplierSteps);
  for (let i = 1; i < per.length; i++) {
    const doublings = Math.log2(
      results.scaling[i].supplierSteps / results.scaling[i - 1].supplierSteps,
    );
    const allowed = Math.pow(1.1, doublings);
    const ratio = per[i] / per[i - 1];
    target(
      `linear scaling ${results.scaling[i - 1].label.split(' ').pop()} -> ${results.scaling[i].label.split(' ').pop()}`,
      ratio <= allowed,
      `time per supplier-step x${ratio.toFixed(2)}`,
      `<= x${allowed.toFixed(2)} (2x suppliers <= 2.2x time)`,
    );
  }
}
if (results.sweep) {
  const speedup = results.sweep[1].runsPerSecond / results.sweep[0].runsPerSecond;
  target('sweep: 2 workers vs 1', speedup >= 1.9, `x${speedup.toFixed(2)}`, '>= x1.9');
}
if (results.memory) {
  const growth = results.memory[1].maxRssMB / results.memory[0].maxRssMB - 1;
  target(
    `sweep peak RSS, ${results.memory[1].runs} vs ${results.memory[0].runs} runs`,
    growth <= 0.1,
    `${(100 * growth).toFixed(1)}%`,
    '<= +10%',
  );
  // The same question within the long sweep: once the heaps have grown to their working size, does
  // memory keep growing with the runs done? (A short sweep can end before they get there.)
  const long = results.memory[1];
  const drift = long.secondHalfMB / long.firstHalfMB - 1;
  target(
    `sweep RSS, 2nd vs 1st half of the ${long.runs}-run sweep (informative)`,
    drift <= 0.1,
    `${(100 * drift).toFixed(1)}% (${long.firstHalfMB} -> ${long.secondHalfMB} MB)`,
    '<= +10%',
  );
}
results.targets = targets;

const rows = [];
const add = (what, value, extra = '') => rows.push([what, value, extra]);
if (results.reference) {
  for (const r of [results.reference, results.large, results.referenceAgentsEvery1]) {
    add(
      r.label,
      `${r.seconds.toFixed(2)} s`,
      `${fmtRate(r.rate)} supplier-steps/s (2nd half ${fmtRate(r.steadyRate)}), peak RSS ${r.maxRssMB.toFixed(0)} MB, load ${r.load.toFixed(2)}`,
    );
  }
}
for (const p of results.scaling ?? [])
  add(
    p.label,
    `${p.seconds.toFixed(2)} s`,
    `${((1e6 * p.seconds) / p.supplierSteps).toFixed(2)} us per supplier-step (2nd half ${(1e6 / p.steadyRate).toFixed(2)} us), peak RSS ${p.maxRssMB.toFixed(0)} MB, load ${p.load.toFixed(2)}`,
  );
for (const s of [...(results.sweep ?? []), ...(results.memory ?? [])])
  add(
    s.label,
    `${s.runsPerSecond.toFixed(2)} runs/s`,
    `${s.runs} runs in ${s.seconds.toFixed(1)} s, peak RSS ${s.maxRssMB.toFixed(0)} MB (1st/2nd half ${s.firstHalfMB}/${s.secondHalfMB} MB), load ${s.load.toFixed(2)}`,
  );

const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(
  `\ngvc-abm benchmark — ${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}, commit ${results.commit}${QUICK ? ', --quick' : ''}`,
);
console.log(
  `load average at start ${results.loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${results.loadAtEnd.map((x) => x.toFixed(2)).join(' ')}\n`,
);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
console.log('\ntargets (issue 5):');
for (const t of targets)
  console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured} (target ${t.goal})`);
if (results.large && STEPS !== 120)
  console.log(
    `  (large run with ${STEPS} steps: its wall-time target needs the full 120; run without --quick / --steps)`,
  );

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
console.log(`\nresults: ${OUT}`);
