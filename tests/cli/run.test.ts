/**
 * `gvc run` end to end, through the built CLI as a user would call it: every shipped scenario
 * writes the four files with exactly the contracted columns; a run is a pure function of
 * (scenario, seed); bad input exits 2 and leaves nothing behind (checked in-process, the CLI's
 * main() with its output captured: a child process each would cost more than the check).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { gvcInProcess } from '../report/cli.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
} from '../../src/engine/observations.js';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'gvc-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gvc(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gvc.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
}

function header(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n', 1)[0].split(',');
}

// The columns docs/ODD.md §4.11 promises; the output may add more, never fewer.
const MODEL_TIMESERIES =
  'run_id, step, n_suppliers, share_oem, share_odm, share_obm, mean_process, mean_product, mean_design, mean_marketing, mean_top_buyer_share, lockin_rate, share_rel_market, share_rel_network, share_rel_quasi_hierarchy, share_rel_hierarchy, mean_margin, cumulative_exits, cumulative_functional_upgrades, cumulative_chain_upgrades, mean_network_degree'.split(
    ', ',
  );
const MODEL_SUPPLIERS =
  'run_id, step, supplier_id, role, process, product, design, marketing, n_buyers, top_buyer_share, main_buyer_governance, domestic_share, network_degree, n_sectors, active, step_odm, step_obm'.split(
    ', ',
  );

const SCENARIOS = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('every shipped scenario runs and honours the output contract', () => {
  it('ships the scenarios the model issue asks for', () => {
    for (const name of [
      'baseline',
      'governance-market',
      'governance-network',
      'governance-quasi-hierarchy',
      'sinos-valley',
      'firm-y',
      'firm-i',
      'chinese-oem-cluster',
      'vicious-circle',
    ]) {
      expect(SCENARIOS).toContain(`${name}.yaml`);
    }
  });

  it.each(SCENARIOS)('%s', (file) => {
    const out = join(tmp, file.replace('.yaml', ''));
    const r = gvc('run', join('scenarios', file), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'codebook.csv',
      'manifest.json',
      'relationships.csv',
      'suppliers.csv',
      'timeseries.csv',
    ]);

    const ts = header(join(out, 'timeseries.csv'));
    expect(ts).toEqual(TIMESERIES_COLUMNS.map((c) => c.name));
    for (const c of MODEL_TIMESERIES) expect(ts).toContain(c);
    const sup = header(join(out, 'suppliers.csv'));
    expect(sup).toEqual(SUPPLIER_COLUMNS.map((c) => c.name));
    for (const c of MODEL_SUPPLIERS) expect(sup).toContain(c);

    const rows = readCsv(join(out, 'timeseries.csv'));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(rows).toHaveLength(manifest.parameters['time.steps'] + 1);
    expect(rows.map((r) => Number(r.step))).toEqual(rows.map((_, i) => i));
    for (const row of rows)
      for (const v of Object.values(row)) expect(v).not.toMatch(/NaN|Infinity/);

    const codebook = readCsv(join(out, 'codebook.csv'));
    expect(codebook.filter((c) => c.file === 'timeseries.csv').map((c) => c.column)).toEqual(ts);
    expect(codebook.filter((c) => c.file === 'suppliers.csv').map((c) => c.column)).toEqual(sup);
    const rel = header(join(out, 'relationships.csv'));
    expect(rel).toEqual(RELATIONSHIP_COLUMNS.map((c) => c.name));
    expect(codebook.filter((c) => c.file === 'relationships.csv').map((c) => c.column)).toEqual(
      rel,
    );
    for (const c of codebook) expect(c.description.length).toBeGreaterThan(10);

    for (const key of [
      'program',
      'version',
      'scenario_file',
      'scenario_sha256',
      'parameters',
      'seeds',
      'command_line',
      'node_version',
      'start_time',
      'end_time',
    ]) {
      expect(manifest).toHaveProperty(key);
    }
    expect(manifest.scenario_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a run is a pure function of (scenario, seed)', () => {
  const run = (name: string, ...extra: string[]) => {
    const out = join(tmp, name);
    expect(
      gvc('run', 'scenarios/baseline.yaml', '--steps', '40', '--out', out, '--quiet', ...extra)
        .code,
    ).toBe(0);
    return {
      ts: readFileSync(join(out, 'timeseries.csv')),
      sup: readFileSync(join(out, 'suppliers.csv')),
    };
  };

  it('--threads N gives the same bytes as one thread', () => {
    // 10,000 suppliers: enough for a worker thread to take a share (engine/threads.ts MIN_SHARE).
    const files = (name: string, ...extra: string[]) => {
      const out = join(tmp, name);
      const args = ['scenarios/bench/medium.yaml', '--steps', '6', '--agents', 'every:3'];
      expect(gvc('run', ...args, '--out', out, '--quiet', ...extra).code).toBe(0);
      return ['timeseries.csv', 'suppliers.csv', 'relationships.csv'].map((f) =>
        readFileSync(join(out, f)),
      );
    };
    const one = files('threads-1');
    const two = files('threads-2', '--threads', '2');
    one.forEach((bytes, k) => expect(two[k].equals(bytes)).toBe(true));
  });

  it('--threads above the cores runs as usual and says it cannot be faster (not under --quiet)', () => {
    const cores = availableParallelism();
    const files = (name: string, ...extra: string[]) => {
      const out = join(tmp, name);
      const r = gvc('run', 'scenarios/firm-i.yaml', '--steps', '4', '--out', out, ...extra);
      expect(r.code).toBe(0);
      const bytes = ['timeseries.csv', 'suppliers.csv', 'relationships.csv'].map((f) =>
        readFileSync(join(out, f)),
      );
      return { bytes, stderr: r.stderr };
    };
    const one = files('cores-1');
    const many = files('cores-64', '--threads', '64');
    many.bytes.forEach((bytes, k) => expect(bytes.equals(one.bytes[k])).toBe(true));
    // --threads is at most 64, so on a machine of 64 cores or more there is nothing to say.
    expect(many.stderr).toBe(
      cores < 64
        ? `gvc: warning: --threads 64: more threads than cores (${cores}) cannot be faster; running with 64 anyway (same outputs)\n`
        : '',
    );
    expect(one.stderr).toBe('');
    expect(files('cores-64-quiet', '--threads', '64', '--quiet').stderr).toBe('');
  });

  it('the same seed gives byte-identical CSVs, another seed different ones', () => {
    const a = run('det-a', '--seed', '7');
    const b = run('det-b', '--seed', '7');
    const c = run('det-c', '--seed', '8');
    expect(a.ts.equals(b.ts)).toBe(true);
    expect(a.sup.equals(b.sup)).toBe(true);
    expect(a.ts.equals(c.ts)).toBe(false);
  });

  it('--agents every:K writes supplier rows at step 0, every K steps and at the end', () => {
    const out = join(tmp, 'every');
    expect(
      gvc(
        'run',
        'scenarios/firm-i.yaml',
        '--steps',
        '25',
        '--agents',
        'every:10',
        '--out',
        out,
        '--quiet',
      ).code,
    ).toBe(0);
    const steps = new Set(readCsv(join(out, 'suppliers.csv')).map((r) => r.step));
    expect([...steps]).toEqual(['0', '10', '20', '25']);
  });

  it('--agents none writes no suppliers.csv and the codebook does not list it', () => {
    const out = join(tmp, 'none');
    expect(
      gvc(
        'run',
        'scenarios/firm-i.yaml',
        '--steps',
        '5',
        '--agents',
        'none',
        '--out',
        out,
        '--quiet',
      ).code,
    ).toBe(0);
    expect(existsSync(join(out, 'suppliers.csv'))).toBe(false);
    expect(readCsv(join(out, 'codebook.csv')).every((c) => c.file !== 'suppliers.csv')).toBe(true);
  });

  it('--relationships none writes no relationships.csv and the codebook does not list it', () => {
    const out = join(tmp, 'no-relationships');
    const args = ['run', 'scenarios/firm-i.yaml', '--steps', '5', '--quiet'];
    expect(gvc(...args, '--relationships', 'none', '--out', out).code).toBe(0);
    expect(existsSync(join(out, 'relationships.csv'))).toBe(false);
    expect(readCsv(join(out, 'codebook.csv')).every((c) => c.file !== 'relationships.csv')).toBe(
      true,
    );
    // The other files are those of a run with relationships.csv, byte for byte.
    const withRel = join(tmp, 'with-relationships');
    expect(gvc(...args, '--relationships', '--out', withRel).code).toBe(0);
    expect(existsSync(join(withRel, 'relationships.csv'))).toBe(true);
    for (const f of ['timeseries.csv', 'suppliers.csv'])
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(withRel, f), 'utf8'));
  });

  it('--by-group adds the group column and rows per supplier group, documented in the codebook', () => {
    const out = join(tmp, 'by-group');
    const args = ['run', 'scenarios/baseline.yaml', '--steps', '3', '--quiet', '--out', out];
    expect(gvc(...args, '--by-group').code).toBe(0);
    const ts = header(join(out, 'timeseries.csv'));
    expect(ts.slice(0, 3)).toEqual(['run_id', 'step', 'group']);
    const rows = readCsv(join(out, 'timeseries.csv'));
    expect(rows.slice(0, 3).map((r) => r.group)).toEqual(['all', 'smes', 'established']);
    expect(rows).toHaveLength(4 * 3);
    const codebook = readCsv(join(out, 'codebook.csv'));
    expect(codebook.filter((c) => c.file === 'timeseries.csv').map((c) => c.column)).toEqual(ts);
  });

  it('--set and --steps reach the model and are recorded in the manifest', () => {
    const out = join(tmp, 'set');
    const r = gvc(
      'run',
      'scenarios/firm-i.yaml',
      '--steps',
      '3',
      '--set',
      'environment.ipr_protection=0.25',
      '--out',
      out,
      '--quiet',
    );
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.parameters['environment.ipr_protection']).toBe(0.25);
    expect(manifest.parameters['time.steps']).toBe(3);
    expect(readCsv(join(out, 'timeseries.csv'))).toHaveLength(4);
  });
});

describe('bad input: one line, exit code 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['scenarios/no-such.yaml'], /no-such\.yaml.*cannot read/],
    [
      'unknown --set path',
      ['scenarios/baseline.yaml', '--set', 'environment.ipr=0.2'],
      /environment\.ipr.*Did you mean "environment\.ipr_protection"/,
    ],
    [
      'out-of-range --set',
      ['scenarios/baseline.yaml', '--set', 'environment.ipr_protection=2'],
      /environment\.ipr_protection.*expected/,
    ],
    ['bad seed', ['scenarios/baseline.yaml', '--seed', '-3'], /seed/],
    ['bad steps', ['scenarios/baseline.yaml', '--steps', '0'], /time\.steps/],
    ['bad agents mode', ['scenarios/baseline.yaml', '--agents', 'sometimes'], /--agents/],
    [
      'bad relationships mode',
      ['scenarios/baseline.yaml', '--relationships', 'some'],
      /--relationships: expected all or none, found "some"/,
    ],
    [
      'bad thread count',
      ['scenarios/baseline.yaml', '--threads', '0'],
      /--threads: expected a whole number from 1 to 64, found "0"/,
    ],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const out = join(tmp, `bad-${_name.replace(/\W+/g, '-')}`);
    const [file, ...flags] = args;
    const r = await gvcInProcess('run', join(ROOT, file), ...flags, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('a YAML syntax error names the line and column', async () => {
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, 'name: broken\nsuppliers:\n  a: { count: 3\n');
    const r = await gvcInProcess('run', file, '--out', join(tmp, 'broken-out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(existsSync(join(tmp, 'broken-out'))).toBe(false);
  });

  it('an unwritable --out is refused before the run', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = await gvcInProcess(
      'run',
      join(ROOT, 'scenarios/baseline.yaml'),
      '--out',
      join(file, 'sub'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write output folder/);
  });

  it('a non-empty output folder is refused without --force; --force replaces only a gvc run folder', () => {
    const out = join(tmp, 'occupied');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const refused = gvc('run', 'scenarios/firm-i.yaml', '--steps', '2', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    const run = (...extra: string[]) =>
      gvc('run', 'scenarios/firm-i.yaml', '--steps', '2', '--out', out, '--quiet', ...extra);
    // Not a folder gvc wrote: --force does not delete it either.
    const foreign = run('--force');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not an output folder written by gvc/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    rmSync(join(out, 'keep.txt'));
    expect(run().code).toBe(0);
    const forced = run('--force');
    expect(forced.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'codebook.csv',
      'manifest.json',
      'relationships.csv',
      'suppliers.csv',
      'timeseries.csv',
    ]);
    // No staging folders left next to the target.
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
