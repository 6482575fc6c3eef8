#!/usr/bin/env node
/**
 * `npm run bench` — performance figures of this build on this machine (issue 5; method and
 * results in docs/performance.md). Runs against dist/ (npm run bench builds first).
 *
 *   node bench/run.mjs [--quick] [--reps N] [--steps N] [--only startup,single,scaling,sweep,memory]
 *                      [--sizes 1k,10k,100k] [--threads N] [--out FILE]
 *
 * Every measurement runs in a child process: single runs through bench/probe.mjs (the code
 * path of `gvc run`, timed without Node start-up), sweeps through the real `gvc sweep` CLI
 * with bench/report-rss.mjs preloaded to report peak RSS and CPU time, and the start-up cost
 * of `npx gvc` against `node bin/gvc.js` through bash's `time`. Figures are medians over
 * repetitions (default 3; sweeps once: a 2,000-run sweep already averages over its runs).
 *
 * Each figure comes with its CPU time (user + system) beside the wall time, and with the load
 * average (1 minute) before and after it. On a shared machine wall time grows with the other
 * jobs while CPU time grows far less (but it does: 1.7-3.9x at a load average of ~20 on 2
 * cores, docs/performance.md), so compare CPU figures between runs taken at similar loads, and
 * wall figures only at low load. Results go to the terminal and to output/bench-<time>.json (git-ignored).
 *
 * Scaling: the same world at 1k (large.yaml with --set), 10k (medium.yaml) and 100k
 * (large.yaml) suppliers, reported as wall and CPU microseconds per supplier-step; --sizes picks
 * some of the three (e.g. --sizes 1k,10k to leave out the 100k run, 2 CPU-minutes at 120 steps).
 *
 * --threads N (default: the cores available): the large run also with `--threads N` (gvc run's
 * option; outputs identical), beside the single-threaded figure; 1 leaves it out. The
 * wall-time target of the large run is judged on the faster of the two.
 *
 * --quick: a few minutes instead of half an hour or more: the large run and the scaling
 * points with 20 steps (and the large run once), sweeps of 100 runs, the memory check with
 * 200 vs 2,000 runs. --steps N: steps of the large run and the scaling points (default 120,
 * or 20 with --quick); the targets that name 120 steps are judged only at 120 steps.
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
const MEDIUM = 'scenarios/bench/medium.yaml';
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
const ONLY = new Set(option('--only', 'startup,single,scaling,sweep,memory').split(','));
const SIZES = new Set(option('--sizes', '1k,10k,100k').split(','));
const THREADS = Number(option('--threads', String(availableParallelism())));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const OUT = resolve(ROOT, option('--out', `output/bench-${stamp}.json`));

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` (npm run bench does it for you)');
  process.exit(2);
}

/**
 * The large benchmark at 1/100 of its size, same ratios per supplier (10k is medium.yaml):
 * lead firms keep their suppliers_target, so there are 2 + 3 + 5 of them (250 + 250 + 100
 * places each) = 1,750 places, as 100k has 175,000; partners scaled alike.
 */
const ONE_K = [
  'suppliers.smes.count=750',
  'suppliers.established.count=250',
  'buyers.global_brands.count=2',
  'buyers.global_retailers.count=3',
  'buyers.regional_buyers.count=5',
  'partners.peers.count=100',
  'partners.universities.count=12',
  'partners.agents.count=25',
  'partners.other_brands.count=12',
  'partners.other_fields.count=25',
  'partners.associations.count=8',
].flatMap((s) => ['--set', s]);

// ----------------------------------------------------------------------------- helpers
const load = () => loadavg()[0];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const fmtLoad = (before, after) => `load ${before.toFixed(2)} -> ${after.toFixed(2)}`;

/**
 * One single-run figure: `reps` runs of bench/probe.mjs, each in a fresh process; every field
 * is the median over the repetitions. Per supplier-step figures are in microseconds.
 */
function probe(label, args, reps) {
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const loadBefore = load();
    const r = spawnSync(process.execPath, [PROBE, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const loadAfter = load();
    if (r.status !== 0) throw new Error(`${label}: probe failed\n${r.stderr}`);
    const s = JSON.parse(r.stdout.trim().split('\n').pop());
    samples.push({ ...s, loadBefore, loadAfter });
    log(
      `${label} [${i + 1}/${reps}] ${s.seconds.toFixed(2)} s wall, ${s.cpuSeconds.toFixed(2)} CPU-s, ${fmtRate(s.rate)} supplier-steps/s, peak RSS ${s.maxRssMB.toFixed(0)} MB (${fmtLoad(loadBefore, loadAfter)})`,
    );
  }
  const med = (key) => median(samples.map((s) => s[key]));
  const supplierSteps = samples[0].supplierSteps;
  return {
    label,
    args,
    reps,
    seconds: med('seconds'),
    cpuSeconds: med('cpuSeconds'),
    processCpuSeconds: med('processCpuSeconds'),
    supplierSteps,
    rate: med('rate'),
    steadyRate: med('steadyRate'),
    steadyCpuRate: med('steadyCpuRate'),
    usPerSupplierStep: (1e6 * med('seconds')) / supplierSteps,
    cpuUsPerSupplierStep: (1e6 * med('cpuSeconds')) / supplierSteps,
    maxRssMB: med('maxRssMB'),
    load: med('loadBefore'),
    loadAfter: med('loadAfter'),
    samples,
  };
}

/**
 * Start-up cost of one CLI call (`--version`: nothing is simulated), `reps` times; medians.
 * bash's `time` keyword gives the command's CPU time (it reads the children's resource usage,
 * which Node's spawnSync does not report). Returns null where bash is missing.
 */
function startup(label, command, reps) {
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const loadBefore = load();
    const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3R %3U %3S'; time ${command} >/dev/null`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const loadAfter = load();
    if (r.error) {
      log(`${label}: skipped (${r.error.message})`);
      return null;
    }
    if (r.status !== 0) throw new Error(`${label}: \`${command}\` failed\n${r.stderr}`);
    const [wall, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    samples.push({ seconds: wall, cpuSeconds: user + sys, loadBefore, loadAfter });
  }
  const med = (key) => median(samples.map((s) => s[key]));
  const result = {
    label,
    command,
    reps,
    seconds: med('seconds'),
    cpuSeconds: med('cpuSeconds'),
    load: med('loadBefore'),
    loadAfter: med('loadAfter'),
    samples,
  };
  log(
    `${label}: ${result.seconds.toFixed(2)} s wall, ${result.cpuSeconds.toFixed(2)} CPU-s (median of ${reps}, ${fmtLoad(result.load, result.loadAfter)})`,
  );
  return result;
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
  const loadAfter = load();
  try {
    if (r.status !== 0) throw new Error(`${label}: gvc sweep failed\n${r.stderr}`);
    const runs = readFileSync(join(dir, 'out/runs.csv'), 'utf8').trimEnd().split('\n').length - 1;
    const { maxRssMB, cpuUserSeconds, cpuSystemSeconds, samples } = JSON.parse(
      readFileSync(report, 'utf8'),
    );
    // The whole process (main thread and workers, Node start-up included).
    const cpuSeconds = cpuUserSeconds + cpuSystemSeconds;
    // Peak RSS sampled in the first and in the second half of the sweep's duration: equal when
    // memory levels off, higher in the second half when it grows with the runs done.
    const mid = samples.length > 0 ? samples[samples.length - 1][0] / 2 : 0;
    const peak = (xs) => (xs.length > 0 ? Math.max(...xs.map((s) => s[1])) : NaN);
    const firstHalfMB = peak(samples.filter((s) => s[0] <= mid));
    const secondHalfMB = peak(samples.filter((s) => s[0] > mid));
    log(
      `${label}: ${runs} runs in ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} CPU-s = ${(runs / seconds).toFixed(2)} runs/s, peak RSS ${maxRssMB.toFixed(0)} MB (sampled peak ${firstHalfMB} MB in the 1st half, ${secondHalfMB} MB in the 2nd) (${fmtLoad(loadBefore, loadAfter)})`,
    );
    return {
      label,
      args,
      runs,
      seconds,
      cpuSeconds,
      runsPerSecond: runs / seconds,
      cpuSecondsPerRun: cpuSeconds / runs,
      maxRssMB,
      firstHalfMB,
      secondHalfMB,
      load: loadBefore,
      loadAfter,
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

if (ONLY.has('startup')) {
  // What `npx` adds to every call, against calling the installed entry point with node.
  const reps = Math.max(REPS, 5);
  results.startup = [
    startup('start-up: npx gvc --version', 'npx gvc --version', reps),
    startup(
      'start-up: node bin/gvc.js --version',
      `"${process.execPath}" bin/gvc.js --version`,
      reps,
    ),
    startup('start-up: node -e 0 (Node alone)', `"${process.execPath}" -e 0`, reps),
  ].filter(Boolean);
}

const largeSteps = ['--steps', String(STEPS)];
if (ONLY.has('single')) {
  results.reference = probe('reference (1k suppliers, 120 steps)', [REFERENCE], REPS);
  results.large = probe(
    `large (100k suppliers, ${STEPS} steps)`,
    [LARGE, ...largeSteps],
    QUICK ? 1 : REPS,
  );
  if (THREADS > 1)
    results.largeThreaded = probe(
      `large (100k suppliers, ${STEPS} steps), --threads ${THREADS}`,
      [LARGE, ...largeSteps, '--threads', String(THREADS)],
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
  const point = (size, suppliers, run) => (SIZES.has(size) ? [{ ...run(), suppliers }] : []);
  results.scaling = [
    ...point('1k', 1000, () => probe('scaling 1k', [LARGE, ...steps, ...ONE_K], REPS)),
    ...point('10k', 10000, () => probe('scaling 10k', [MEDIUM, ...steps], REPS)),
    // The 100k point is the large benchmark itself; reuse it when it has the same steps.
    ...point('100k', 100000, () =>
      results.large
        ? { ...results.large, label: 'scaling 100k' }
        : probe('scaling 100k', [LARGE, ...steps], QUICK ? 1 : REPS),
    ),
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
/** A PASS/FAIL line; `issue` is the issue that set the target. */
const target = (name, ok, measured, goal, issue = 5) =>
  targets.push({ issue, name, pass: ok, measured, goal });
if (results.reference) {
  target(
    'reference throughput (1 core)',
    results.reference.rate >= 2e6,
    `${fmtRate(results.reference.rate)} supplier-steps/s (steady state ${fmtRate(results.reference.steadyRate)})`,
    '>= 2M supplier-steps/s',
  );
}
if (results.large && STEPS === 120) {
  const threaded = results.largeThreaded;
  const best = threaded && threaded.seconds < results.large.seconds ? threaded : results.large;
  target(
    'large run wall time (issues 5 and 14)',
    best.seconds <= 15,
    `${best.seconds.toFixed(1)} s (${best === threaded ? `--threads ${THREADS}` : '1 thread'}; ` +
      `1 thread ${results.large.seconds.toFixed(1)} s` +
      (threaded ? `, --threads ${THREADS} ${threaded.seconds.toFixed(1)} s)` : ')'),
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
// Issue 14 (data-oriented model state). CPU figures, so that they can be judged on a busy machine.
const at = (suppliers) => results.scaling?.find((p) => p.suppliers === suppliers);
const [p1k, p10k, p100k] = [at(1000), at(10000), at(100000)];
if (p10k) {
  target(
    `CPU per supplier-step at 10k, single-threaded${STEPS === 120 ? '' : ` (${STEPS} steps: informative, judged at 120)`}`,
    p10k.cpuUsPerSupplierStep <= 1,
    `${p10k.cpuUsPerSupplierStep.toFixed(2)} us`,
    '<= 1 us',
    14,
  );
}
if (p1k && p100k) {
  const ratio = p100k.cpuUsPerSupplierStep / p1k.cpuUsPerSupplierStep;
  target(
    'CPU per supplier-step, 100k vs 1k',
    ratio <= 1.2,
    `x${ratio.toFixed(2)} (${p1k.cpuUsPerSupplierStep.toFixed(2)} -> ${p100k.cpuUsPerSupplierStep.toFixed(2)} us)`,
    '<= x1.2',
    14,
  );
  // Peak RSS grows by this much per supplier added: the Node runtime, code and output buffers
  // that every process has cancel out.
  const bytes = ((p100k.maxRssMB - p1k.maxRssMB) * 1048576) / (p100k.suppliers - p1k.suppliers);
  target(
    'memory per supplier (peak RSS 100k minus 1k, per supplier added)',
    bytes <= 600,
    `${bytes.toFixed(0)} bytes`,
    '<= 600 bytes',
    14,
  );
}
results.targets = targets;

const rows = [];
const add = (what, wall, cpu, extra = '') => rows.push([what, wall, cpu, extra]);
const us = (x) => `${x.toFixed(2)} us`;
for (const r of results.startup ?? [])
  add(
    r.label,
    `${r.seconds.toFixed(2)} s`,
    `${r.cpuSeconds.toFixed(2)} CPU-s`,
    fmtLoad(r.load, r.loadAfter),
  );
if (results.reference) {
  for (const r of [
    results.reference,
    results.large,
    results.largeThreaded,
    results.referenceAgentsEvery1,
  ].filter(Boolean)) {
    add(
      r.label,
      `${r.seconds.toFixed(2)} s`,
      `${r.cpuSeconds.toFixed(2)} CPU-s`,
      `${fmtRate(r.rate)} supplier-steps/s (2nd half ${fmtRate(r.steadyRate)}), peak RSS ${r.maxRssMB.toFixed(0)} MB, ${fmtLoad(r.load, r.loadAfter)}`,
    );
  }
}
for (const p of results.scaling ?? [])
  add(
    p.label,
    `${p.seconds.toFixed(2)} s`,
    `${p.cpuSeconds.toFixed(2)} CPU-s`,
    `per supplier-step ${us(p.usPerSupplierStep)} wall, ${us(p.cpuUsPerSupplierStep)} CPU (2nd half ${us(1e6 / p.steadyRate)} wall, ${us(1e6 / p.steadyCpuRate)} CPU), peak RSS ${p.maxRssMB.toFixed(0)} MB, ${fmtLoad(p.load, p.loadAfter)}`,
  );
for (const s of [...(results.sweep ?? []), ...(results.memory ?? [])])
  add(
    s.label,
    `${s.seconds.toFixed(1)} s`,
    `${s.cpuSeconds.toFixed(1)} CPU-s`,
    `${s.runsPerSecond.toFixed(2)} runs/s, ${s.cpuSecondsPerRun.toFixed(3)} CPU-s a run, peak RSS ${s.maxRssMB.toFixed(0)} MB (1st/2nd half ${s.firstHalfMB}/${s.secondHalfMB} MB), ${fmtLoad(s.load, s.loadAfter)}`,
  );

const width = (k) => Math.max(...rows.map((r) => r[k].length));
const [w0, w1, w2] = [width(0), width(1), width(2)];
console.log(
  `\ngvc-abm benchmark — ${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}, commit ${results.commit}${QUICK ? ', --quick' : ''}`,
);
console.log(
  `load average at start ${results.loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${results.loadAtEnd.map((x) => x.toFixed(2)).join(' ')}`,
);
console.log(
  `(wall = elapsed seconds; CPU-s = user + system CPU seconds of the measured process, all its threads)\n`,
);
for (const [a, b, c, d] of rows)
  console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(w2)}  ${d}`);
for (const issue of [5, 14]) {
  const list = targets.filter((t) => t.issue === issue);
  if (list.length === 0) continue;
  console.log(`\ntargets (issue ${issue}):`);
  for (const t of list)
    console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured} (target ${t.goal})`);
}
if (results.large && STEPS !== 120)
  console.log(
    `  (large run with ${STEPS} steps: its wall-time target needs the full 120; run without --quick / --steps)`,
  );

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
console.log(`\nresults: ${OUT}`);
