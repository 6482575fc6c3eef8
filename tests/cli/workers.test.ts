/**
 * --workers of gvc sweep and gvc validate, as gvc run's --threads: more than the cores runs all
 * the same with a one-line warning naming the core count (not under --quiet); an absurd count
 * is refused with exit 2. 1,024 workers is above the cores of any machine the suite runs on;
 * the runner starts no more workers than runs, so it stays cheap.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_WORLD } from './fixtures.js';
import { cliInTempDir } from './spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-workers-');
writeFileSync(
  join(tmp, 'w.yaml'),
  `name: w\n${TINY_WORLD}sweep:\n  design: grid\n  replications: 2\n  seed: 1\n  parameters:\n    environment.ipr_protection: [0.1, 0.9]\n`,
);
const cores = availableParallelism();

describe('gvc sweep --workers', () => {
  it('above the cores: runs, with one warning naming the core count', () => {
    const r = gvc('sweep', 'w.yaml', '--workers', '1024', '--out', 'many');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(
      `gvc: warning: --workers 1024: more workers than cores (${cores}) cannot be faster and each holds a world in memory; running with 1024 anyway (same outputs)`,
    );
    expect(existsSync(join(tmp, 'many', 'runs.csv'))).toBe(true);
  });

  it('gvc validate above the cores: the same warning, once the inputs are read', () => {
    writeFileSync(
      join(tmp, 'v.yaml'),
      `name: v\n${TINY_WORLD}validation:\n  pattern: V\n  title: t\n  source: s\n  replications: 2\n  seed: 1\n  checks:\n    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: -1 } }\n`,
    );
    const r = gvc('validate', 'v.yaml', '--workers', '1024', '--out', 'v-many');
    expect(r.stderr.split('\n')[0]).toMatch(
      /^gvc: warning: --workers 1024: more workers than cores/,
    );
    expect(existsSync(join(tmp, 'v-many', 'validation.csv'))).toBe(true);
  });

  it('at the cores, or under --quiet: no warning', () => {
    const at = gvc('sweep', 'w.yaml', '--workers', String(cores), '--out', 'at');
    expect(at.code).toBe(0);
    expect(at.stderr).not.toContain('--workers');
    const quiet = gvc('sweep', 'w.yaml', '--workers', '1024', '--quiet', '--out', 'quiet');
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([
    ['sweep', 'missing.yaml', '--out', 'm1'],
    ['validate', 'missing.yaml', '--out', 'm2'],
  ])('gvc %s with bad input and too many workers: only the error, no warning first', (...args) => {
    const r = gvc(...args, '--workers', '1024');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gvc: missing\.yaml: .*\n$/);
    expect(r.stderr).not.toContain('warning');
  });

  it.each([
    ['sweep', 'w.yaml', '--out', 'absurd'],
    ['validate', '--out', 'v'],
  ])('gvc %s --workers 1025: refused with exit 2 and one line, nothing written', (...args) => {
    const r = gvc(...args, '--workers', '1025');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gvc: --workers: expected a whole number from 1 to 1024, found "1025"\n');
    expect(existsSync(join(tmp, 'absurd'))).toBe(false);
    expect(existsSync(join(tmp, 'v'))).toBe(false);
  });
});
