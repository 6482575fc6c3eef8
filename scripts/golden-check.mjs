#!/usr/bin/env node
/**
 * Golden-output check: do two builds of the simulator write byte-identical CSVs?
 *
 * Runs a fixed set of cases (every shipped scenario, a few extra seeds, per-step supplier
 * rows, the benchmark reference, a 10k-supplier run, and a small sweep with 1 and 2 workers)
 * and records the sha256 of every CSV each case writes. manifest.json is skipped: it holds
 * timestamps, the command line and the git commit, which differ between any two runs.
 *
 *   node scripts/golden-check.mjs record [--file F]   hashes of the current build (dist/) -> F
 *   node scripts/golden-check.mjs check  [--file F]   compare the current build with F
 *   node scripts/golden-check.mjs --base REF          build REF (git archive into a temp dir,
 *                                                     reusing this node_modules), record it,
 *                                                     then compare the current build with it
 *
 * F defaults to output/golden.json (git-ignored). Build first (`npm run build`): the check
 * runs dist/, not src/. Scenario files always come from this checkout, so a base commit
 * that predates a scenario is still run on it. Use it after every optimisation: performance
 * work must not change a run's output. Exit code 0 when everything matches, 1 otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Overrides that turn the large benchmark into a 10,000-supplier world (same ratios). */
const TEN_K = [
  'suppliers.smes.count=7500',
  'suppliers.established.count=2500',
  'buyers.global_brands.count=25',
  'buyers.global_retailers.count=25',
  'buyers.regional_buyers.count=50',
  'partners.peers.count=1000',
  'partners.universities.count=120',
  'partners.agents.count=250',
  'partners.other_brands.count=120',
  'partners.other_fields.count=250',
  'partners.associations.count=80',
].flatMap((s) => ['--set', s]);

function cases() {
  const shipped = readdirSync(join(ROOT, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const list = shipped.map((f) => ({ name: `run ${f}`, args: ['run', `scenarios/${f}`] }));
  for (const seed of [2, 3]) {
    for (const f of ['baseline.yaml', 'vicious-circle.yaml', 'firm-y.yaml']) {
      list.push({
        name: `run ${f} --seed ${seed}`,
        args: ['run', `scenarios/${f}`, '--seed', String(seed)],
      });
    }
  }
  list.push({
    name: 'run baseline.yaml --agents every:5',
    args: ['run', 'scenarios/baseline.yaml', '--agents', 'every:5'],
  });
  list.push({
    name: 'run sinos-valley.yaml --agents every:1 --steps 30',
    args: ['run', 'scenarios/sinos-valley.yaml', '--agents', 'every:1', '--steps', '30'],
  });
  list.push({ name: 'run bench/reference.yaml', args: ['run', 'scenarios/bench/reference.yaml'] });
  list.push({
    name: 'run bench/large.yaml at 10k suppliers, 30 steps',
    args: ['run', 'scenarios/bench/large.yaml', '--steps', '30', ...TEN_K],
  });
  for (const workers of [1, 2]) {
    list.push({
      name: `sweep lockin-sweep.yaml --reps 2 --steps 40 --workers ${workers}`,
      args: [
        'sweep',
        'scenarios/lockin-sweep.yaml',
        '--reps',
        '2',
        '--steps',
        '40',
        '--workers',
        String(workers),
        '--timeseries',
        'every:10',
        '--quiet',
      ],
      sweep: true,
    });
  }
  list.push({
    name: 'sweep baseline.yaml lhs 8 samples --timeseries every:1',
    args: [
      'sweep',
      'scenarios/baseline.yaml',
      '--design',
      'lhs',
      '--samples',
      '8',
      '--vary',
      'environment.ipr_protection={min: 0.1, max: 0.9}',
      '--vary',
      'environment.peer_trust={min: 0.1, max: 0.9}',
      '--reps',
      '1',
      '--steps',
      '30',
      '--workers',
      '2',
      '--timeseries',
      'every:1',
      '--quiet',
    ],
    sweep: true,
  });
  return list;
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Run every case with the gvc launcher at `gvcBin`; returns {case name: {file: sha256}}. */
function record(gvcBin, label) {
  const work = mkdtempSync(join(tmpdir(), 'gvc-golden-'));
  const result = {};
  try {
    for (const [i, c] of cases().entries()) {
      const out = join(work, String(i));
      const t0 = Date.now();
      execFileSync(
        process.execPath,
        [gvcBin, ...c.args, '--out', out, '--force', ...(c.sweep ? [] : ['--quiet'])],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      const files = {};
      for (const f of readdirSync(out).sort())
        if (f.endsWith('.csv')) files[f] = sha256(join(out, f));
      result[c.name] = files;
      process.stderr.write(`${label}: ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}

function compare(expected, actual) {
  let bad = 0;
  for (const [name, files] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) {
      console.log(`MISSING  ${name}`);
      bad++;
      continue;
    }
    const names = new Set([...Object.keys(files), ...Object.keys(got)]);
    for (const f of [...names].sort()) {
      if (files[f] === got[f]) continue;
      console.log(`DIFFERS  ${name}: ${f}`);
      bad++;
    }
  }
  for (const name of Object.keys(actual))
    if (!(name in expected)) console.log(`NEW      ${name} (not in the record)`);
  const n = Object.values(expected).reduce((k, files) => k + Object.keys(files).length, 0);
  console.log(
    bad === 0 ? `golden-check: all ${n} CSV files identical` : `golden-check: ${bad} difference(s)`,
  );
  return bad === 0;
}

function buildRef(ref) {
  const dir = mkdtempSync(join(tmpdir(), 'gvc-golden-base-'));
  process.stderr.write(`building ${ref} in ${dir}\n`);
  // git archive, not git worktree: it leaves the repository's metadata alone.
  // The archive holds the docs' figures too: allow far more than the 1 MiB default buffer.
  const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', ref], {
    maxBuffer: 1 << 30,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: dir, stdio: 'inherit' },
  );
  return dir;
}

function main(argv) {
  const args = argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = resolve(ROOT, opt('--file') ?? 'output/golden.json');
  const current = join(ROOT, 'bin/gvc.js');
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const base = opt('--base');
  if (base) {
    const dir = buildRef(base);
    try {
      const expected = record(join(dir, 'bin/gvc.js'), base);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ ref: base, cases: expected }, null, 2) + '\n');
      return compare(expected, record(current, 'current')) ? 0 : 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (args[0] === 'record') {
    const cases = record(current, 'record');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ref: gitHead(), cases }, null, 2) + '\n');
    console.log(`golden-check: recorded ${Object.keys(cases).length} cases to ${file}`);
    return 0;
  }
  if (args[0] === 'check') {
    if (!existsSync(file))
      throw new Error(
        `${file} does not exist: run \`node scripts/golden-check.mjs record\` on the base build first`,
      );
    const expected = JSON.parse(readFileSync(file, 'utf8'));
    process.stderr.write(`comparing with ${file} (recorded at ${expected.ref})\n`);
    return compare(expected.cases, record(current, 'check')) ? 0 : 1;
  }
  console.error(
    'usage: node scripts/golden-check.mjs record|check [--file F]  |  --base REF [--file F]',
  );
  return 2;
}

function gitHead() {
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

process.exitCode = main(process.argv);
