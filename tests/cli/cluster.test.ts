/**
 * The scale-out recipes of docs/cluster.md, run as they are written there (only the shard
 * count `n=8` is made smaller) on a small sweep, in throw-away "clones" that hold the
 * repository's bin/ (a symlink) and a small scenarios/lockin-sweep.yaml:
 *
 * - the SLURM array script with the SLURM variables set by hand: it starts each shard, skips a
 *   complete one, and fails loudly on a resume that does not match (no fresh start behind it);
 * - GNU parallel on one machine;
 * - GNU parallel on several machines, with two "hosts" that are separate folders reached
 *   through a stand-in for ssh ($PARALLEL_SSH): the shards are written there, so the merge on
 *   the merging host succeeds only if `--return` brought them back.
 *
 * Each merged result must equal one `gvc sweep` process byte for byte. The GNU parallel tests
 * need `parallel` and `rsync` (Debian packages of those names; .ci/run installs them): under CI
 * (CI set) a missing one fails the test, locally the two tests are skipped with a note.
 */
import { spawnSync } from 'node:child_process';
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
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'cluster.md'), 'utf8');
const FILES = ['runs.csv', 'timeseries.csv', 'summary.csv', 'errors.csv', 'codebook.csv'];
const SHARDS = 3;

const SCENARIO = `
name: tiny-cluster-sweep
time: { steps: 8 }
suppliers:
  smes: { count: 20, intent: { network_ties: 1 } }
buyers:
  lead: { count: 2, governance: quasi_hierarchy, suppliers_target: 10 }
partners:
  peers: { kind: peer_supplier, count: 4 }
sweep:
  design: grid
  replications: 3
  seed: 42
  parameters:
    buyers.lead.governance: [market, quasi_hierarchy]
`;

/**
 * An ssh stand-in: "host" is the folder $FAKE_HOSTS/host, which is also its home. Like a real
 * ssh login it sets SHELL (GNU parallel's remote worker runs the job with $SHELL, and prints
 * nothing when it is unset, as it is in a CI container).
 */
const FAKE_SSH = `#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p|-o|-i|-F|-S) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
host=$1; shift
[ "$1" = "--" ] && shift
export HOME="$FAKE_HOSTS/$host" SHELL=/bin/sh
cd "$HOME" || exit 255
exec sh -c "$*"
`;

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const MISSING = ['parallel', 'rsync'].filter((cmd) => !have(cmd));
const IN_CI = Boolean(process.env.CI);
if (MISSING.length > 0 && !IN_CI) {
  console.warn(
    `GNU parallel recipes of docs/cluster.md skipped: ${MISSING.join(' and ')} not installed (Debian packages "parallel" and "rsync"); they are required when CI is set`,
  );
}

/** The `sh` code blocks of the section `## heading` of docs/cluster.md, in order. */
function recipes(heading: string): string[] {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/cluster.md has no section "## ${heading}"`);
  const end = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** A recipe with its shard count `n=8` set to SHARDS (checked, so the doc cannot drift). */
function withShards(script: string): string {
  expect(script).toMatch(/^n=8$/m);
  return script.replace(/^n=8$/m, `n=${SHARDS}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'gvc-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder that stands for a clone of the repository: bin/ and the sweep's scenario. */
function clone(dir: string): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'));
  writeFileSync(join(dir, 'scenarios', 'lockin-sweep.yaml'), SCENARIO);
  return dir;
}

function bash(script: string, cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', script], {
    cwd,
    encoding: 'utf8',
    // A home of its own: GNU parallel keeps state in ~/.parallel.
    env: { ...process.env, HOME: join(tmp, 'home'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const read = (dir: string, f: string) => readFileSync(join(dir, f));
let reference: string;

beforeAll(() => {
  mkdirSync(join(tmp, 'home'), { recursive: true });
  const one = clone(join(tmp, 'one'));
  const r = bash('node bin/gvc.js sweep scenarios/lockin-sweep.yaml --out out --quiet', one);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  reference = join(one, 'out');
});

/** The merged sweep equals the one-process sweep, file by file. */
function expectSameAsOneProcess(dir: string) {
  for (const f of FILES) expect(read(dir, f).equals(read(reference, f)), f).toBe(true);
}

describe('docs/cluster.md: SLURM array job', () => {
  const dir = join(tmp, 'slurm');
  const [task, merge] = recipes('SLURM array job');
  const runTask = (i: number) =>
    bash(task, dir, {
      SLURM_SUBMIT_DIR: dir,
      SLURM_ARRAY_TASK_ID: String(i),
      SLURM_ARRAY_TASK_COUNT: String(SHARDS),
      SLURM_CPUS_PER_TASK: '1',
    });

  it('runs every shard, and the merge equals one process', () => {
    clone(dir);
    for (let i = 1; i <= SHARDS; i++) {
      const r = runTask(i);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const r = bash(merge, dir);
    expect(r.code).toBe(0);
    expectSameAsOneProcess(join(dir, 'output', 'lockin-sweep'));
  });

  it('a task whose shard is complete does nothing', () => {
    const before = read(join(dir, 'shards', 's2'), 'runs.csv');
    const r = runTask(2);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shard 2 is already complete/);
    expect(read(join(dir, 'shards', 's2'), 'runs.csv').equals(before)).toBe(true);
  });

  it('a resume that fails fails the task, with the message, and starts nothing afresh', () => {
    // Shard 3 interrupted under another design: its partial runs must not be thrown away.
    rmSync(join(dir, 'shards', 's3'), { recursive: true });
    const partial = join(dir, 'shards', 's3.partial');
    mkdirSync(partial);
    const design = '{ "fingerprint": "another-design" }\n';
    writeFileSync(join(partial, 'design.json'), design);
    const r = runTask(3);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot resume shards\/s3\.partial/);
    expect(readFileSync(join(partial, 'design.json'), 'utf8')).toBe(design);
    expect(readdirSync(partial)).toEqual(['design.json']);
    expect(existsSync(join(dir, 'shards', 's3'))).toBe(false);
  });
});

describe.skipIf(MISSING.length > 0 && !IN_CI)('docs/cluster.md: GNU parallel', () => {
  beforeAll(() => {
    expect(MISSING, 'GNU parallel and rsync are required for this test in CI').toEqual([]);
  });

  it('on one machine: the merge equals one process', () => {
    const dir = clone(join(tmp, 'parallel-local'));
    const [script] = recipes('GNU parallel on one machine');
    const r = bash(withShards(script), dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectSameAsOneProcess(join(dir, 'output', 'lockin-sweep'));
  });

  it('on several machines: the shards come back to the merging host', () => {
    const hosts = join(tmp, 'hosts');
    for (const host of ['host1', 'host2']) clone(join(hosts, host, 'gvc-abm'));
    const ssh = join(tmp, 'fake-ssh');
    writeFileSync(ssh, FAKE_SSH, { mode: 0o755 });
    const dir = clone(join(tmp, 'merging-host'));
    const [script] = recipes('GNU parallel on several machines');
    const r = bash(withShards(script), dir, { PARALLEL_SSH: ssh, FAKE_HOSTS: hosts });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Every shard was written on a "remote" host, none by a process on the merging host ...
    const remote = ['host1', 'host2'].flatMap((h) => {
      const d = join(hosts, h, 'gvc-abm', 'shards');
      return existsSync(d) ? readdirSync(d) : [];
    });
    const all = Array.from({ length: SHARDS }, (_, i) => `s${i + 1}`);
    expect(remote.sort()).toEqual(all);
    // ... and each came back to the merging host, where the merge equals one process.
    expect(readdirSync(join(dir, 'shards')).sort()).toEqual(all);
    expectSameAsOneProcess(join(dir, 'output', 'lockin-sweep'));
  });
});
