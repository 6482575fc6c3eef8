/**
 * `gvc validate` end to end through the built CLI: the shipped patterns and cases in fast
 * mode, outputs independent of the worker count, and bad input refused with one line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gvc.js');
const tmp = mkdtempSync(join(tmpdir(), 'gvc-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gvc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const PATTERNS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'];
/**
 * Relationship facts (issue 13): R1 market churn, relational premium, role co-occurrence; R2 buyer
 * type under emergent governance; R3 market-tie retention (Monarch 2016); R4 the diversification
 * intent spans dependence.
 */
const RELATIONSHIP_FACTS = ['R1', 'R2', 'R3', 'R4'];
const CASES = ['sinos-valley', 'firm-y', 'firm-i', 'chinese-oem-cluster', 'vicious-circle'];

describe('gvc validate --fast on the shipped experiments', () => {
  const out = join(tmp, 'fast');
  let result: ReturnType<typeof gvc>;
  let rows: Record<string, string>[];
  beforeAll(() => {
    result = gvc('validate', '--fast', '--quiet', '--out', out);
    rows = parse(readFileSync(join(out, 'validation.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
  }, 600_000);

  it('covers the eight patterns of docs/ODD.md §1.2, the relationship facts and the five cases, each with a source and a CI', () => {
    expect(
      [...new Set(rows.filter((r) => r.kind === 'pattern').map((r) => r.pattern))].sort(),
    ).toEqual([...PATTERNS, ...RELATIONSHIP_FACTS].sort());
    expect(
      [...new Set(rows.filter((r) => r.kind === 'case').map((r) => r.pattern))].sort(),
    ).toEqual([...CASES].sort());
    for (const r of rows) {
      expect(r.source, `${r.pattern} ${r.check}`).toMatch(/\d{4}|evidence\.md/);
      expect(Number(r.ci95_low), `${r.pattern} ${r.check}`).toBeLessThanOrEqual(Number(r.effect));
      expect(Number(r.ci95_high), `${r.pattern} ${r.check}`).toBeGreaterThanOrEqual(
        Number(r.effect),
      );
      expect(Number(r.n_runs)).toBeGreaterThanOrEqual(4);
    }
  });

  // Issue 4: every pattern and case passes; a failure names itself here.
  it('passes every check of every pattern and case, and exits 0', () => {
    const failing = rows
      .filter((r) => r.result !== 'PASS')
      .map((r) => `${r.pattern}.${r.check}: ${r.effect} [${r.ci95_low}, ${r.ci95_high}]`);
    expect(failing).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("writes the table for people, every run's values, a manifest and a codebook", () => {
    const md = readFileSync(join(out, 'validation.md'), 'utf8');
    for (const id of [...PATTERNS, ...RELATIONSHIP_FACTS, ...CASES])
      expect(md).toContain(`| ${id} |`);
    const measures = parse(readFileSync(join(out, 'measures.csv'), 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    expect(measures.length).toBeGreaterThan(rows.length * 4);
    // Each share's supplier count comes with it (Firm Y's one firm), and so does that of a
    // metric that is a share of the active suppliers (share_oem: the cluster's 200 firms, none
    // of which exits); a metric over another count (R2: a share of relationships) has none.
    const units = (pattern: string, check: string) =>
      new Set(
        measures.filter((m) => m.pattern === pattern && m.check === check).map((m) => m.units),
      );
    expect(units('firm-y', 'odm_then_obm')).toEqual(new Set(['1']));
    expect(units('chinese-oem-cluster', 'most_stay_oem')).toEqual(new Set(['200']));
    expect(units('R2', 'captive_share')).toEqual(new Set(['']));
    // Every run 1 (200 of 200 OEM in each of 4 runs): the Wilson interval of 800 of 800,
    // [800 / (800 + z²), 1], not [1, 1].
    const stay = rows.find((r) => r.pattern === 'chinese-oem-cluster')!;
    expect(stay).toMatchObject({ check: 'most_stay_oem', effect: '1', ci95_high: '1' });
    expect(Number(stay.ci95_low)).toBeCloseTo(800 / (800 + 1.959963985 ** 2), 6);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.mode).toBe('fast');
    expect(manifest.experiments).toHaveLength(
      PATTERNS.length + RELATIONSHIP_FACTS.length + CASES.length,
    );
    expect(
      manifest.experiments.every((e: { scenario_sha256: string }) =>
        /^[0-9a-f]{64}$/.test(e.scenario_sha256),
      ),
    ).toBe(true);
    expect(readFileSync(join(out, 'codebook.csv'), 'utf8')).toContain('validation.csv,effect');
    // Each CSV's size and sha256, which gvc report checks validation.csv against.
    for (const f of ['validation.csv', 'measures.csv', 'codebook.csv']) {
      const bytes = readFileSync(join(out, f));
      expect(manifest.files[f], f).toEqual({
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  });
});

describe('gvc validate outputs', () => {
  it('do not depend on the number of workers', () => {
    const file = join(ROOT, 'scenarios', 'validation', 'p1-quasi-hierarchy-process.yaml');
    const a = gvc(
      'validate',
      file,
      '--reps',
      '3',
      '--workers',
      '1',
      '--quiet',
      '--out',
      join(tmp, 'w1'),
    );
    const b = gvc(
      'validate',
      file,
      '--reps',
      '3',
      '--workers',
      '2',
      '--quiet',
      '--out',
      join(tmp, 'w2'),
    );
    expect(a.code, a.stderr).toBe(b.code);
    // validation.md records the command line, which names the worker count.
    for (const name of ['validation.csv', 'measures.csv']) {
      expect(readFileSync(join(tmp, 'w2', name), 'utf8')).toBe(
        readFileSync(join(tmp, 'w1', name), 'utf8'),
      );
    }
  }, 60_000);

  it('come from files that gvc run and gvc sweep accept too, with the base file in the manifest', () => {
    const out = join(tmp, 'derived-run');
    const r = gvc(
      'run',
      join(ROOT, 'scenarios', 'validation', 'p6-institutions-trust.yaml'),
      '--steps',
      '2',
      '--quiet',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.scenario_base_file).toMatch(/validation[\\/]world\.yaml$/);
    expect(manifest.scenario_base_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.parameters['environment.peer_trust']).toBe(0.5);
    expect(manifest.parameters['time.steps']).toBe(2);
  });

  it('refuse bad input with one line, exit code 2 and no output folder', () => {
    const missing = gvc('validate', join(tmp, 'nowhere.yaml'), '--out', join(tmp, 'bad1'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const plain = gvc(
      'validate',
      join(ROOT, 'scenarios', 'baseline.yaml'),
      '--out',
      join(tmp, 'bad2'),
    );
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/baseline\.yaml: no validation section/);
    const typo = join(tmp, 'typo.yaml');
    writeFileSync(
      typo,
      `base: ${join(ROOT, 'scenarios', 'validation', 'world.yaml')}\nvalidation:\n  pattern: X\n  title: t\n  source: s\n  replications: 2\n  seed: 1\n  checks:\n    - { id: a, contrast: c, measure: { metric: share_obm }, expect: { abov: 0 } }\n`,
    );
    const bad = gvc('validate', typo, '--out', join(tmp, 'bad3'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /typo\.yaml:9:71: validation\.checks\[0\]\.expect\.abov: .*Did you mean "above"\?/,
    );
    expect(gvc('validate', '--fast', '--reps', '3', '--out', join(tmp, 'bad4')).code).toBe(2);
    for (const d of ['bad1', 'bad2', 'bad3', 'bad4']) expect(existsSync(join(tmp, d))).toBe(false);
  });
});

describe('gvc validate interrupted with Ctrl-C', () => {
  it('says how many runs were done and that nothing was written; leaves no folder', async () => {
    // Many runs of a small world, so that the interrupt lands mid-way. It waits for a condition,
    // never for a time: the staging folder exists (the listener is installed before it is made).
    const file = join(tmp, 'int.yaml');
    writeFileSync(
      file,
      `base: ${join(ROOT, 'scenarios', 'validation', 'world.yaml')}\nset:\n  time.steps: 8\nvalidation:\n  pattern: INT\n  title: t\n  source: s\n  replications: 5000\n  seed: 1\n  checks:\n    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: -1 } }\n`,
    );
    const p = spawn(process.execPath, [BIN, 'validate', file, '--quiet', '--out', 'int-out'], {
      cwd: tmp,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'close', not 'exit': the process may have exited before all its stderr has been read.
    const exited = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
    let done = false;
    void exited.then(() => (done = true));
    const staging = () => readdirSync(tmp).some((f) => f.startsWith('.int-out.tmp-'));
    while (!done && !staging()) await new Promise((r) => setTimeout(r, 5));
    expect(done, 'the validation ended before it could be interrupted').toBe(false);
    p.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(
      /gvc: interrupted after \d+ of 5000 runs; nothing was written to int-out \(a validation cannot be resumed: run it again\)\n$/,
    );
    expect(existsSync(join(tmp, 'int-out'))).toBe(false);
    expect(staging()).toBe(false);
  }, 120_000);
});
