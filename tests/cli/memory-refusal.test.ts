/**
 * gvc run, gvc sweep and gvc validate refuse, with exit 2 and before writing anything, populations whose
 * estimated memory exceeds the machine's; the machine's memory is a small figure given to
 * node:os here, so nothing large is allocated.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('node:os', async (original) => {
  const os = await original<typeof import('node:os')>();
  // 200 MB in all, 150 MB free: room for a small run (~80 MB), not for 100,000 suppliers.
  const fake = { ...os, totalmem: () => 200e6, freemem: () => 150e6 };
  return { ...fake, default: fake };
});

const { main } = await import('../../src/cli/main.js');

const tmp = mkdtempSync(join(tmpdir(), 'gvc-memory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function gvc(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'gvc', ...args]), stderr };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

const WORLD =
  'time: { steps: 1 }\nsuppliers:\n  smes: { count: 5 }\nbuyers:\n  lead: { count: 1 }\n';

describe('a population too large for the machine', () => {
  writeFileSync(join(tmp, 'w.yaml'), WORLD);
  const file = join(tmp, 'w.yaml');

  it('gvc run: exit 2, the estimate and the machine named, nothing written', async () => {
    const out = join(tmp, 'big-run');
    const r = await gvc('run', file, '--set', 'suppliers.smes.count=200000', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gvc: ${file}: a run of 200,000 suppliers, 1 lead firm, 0 partners needs an estimated 260 MB to 760 MB of memory (docs/performance.md), more than this machine's 200 MB; run fewer agents (suppliers.*.count, buyers.*.count, partners.*.count) or on a machine with more memory\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('gvc run: a run that may not fit in the free memory is warned about, and runs', async () => {
    const out = join(tmp, 'warned');
    const r = await gvc('run', file, '--set', 'suppliers.smes.count=30000', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^gvc: warning: .*a run of 30,000 suppliers.* may need up to 182 MB of memory \(estimated 107 MB to 182 MB, docs\/performance\.md\); this machine has 150 MB free of 200 MB/,
    );
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('gvc sweep: the largest cell on every worker, exit 2, no folder', async () => {
    const out = join(tmp, 'big-sweep');
    const r = await gvc(
      'sweep',
      file,
      '--vary',
      'suppliers.smes.count=[5, 100000]',
      '--workers',
      '2',
      '--out',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gvc: .*w\.yaml: the largest cell \(cell 2: 100,000 suppliers, 1 lead firm, 0 partners\) on 2 workers at once needs an estimated/,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('gvc validate: each experiment judged as a sweep, exit 2, no folder', async () => {
    const v = join(tmp, 'v.yaml');
    writeFileSync(
      v,
      WORLD.replace('count: 5', 'count: 100000') +
        'validation:\n  pattern: B1\n  kind: case\n  title: t\n  source: s\n  replications: 2\n  seed: 1\n  checks:\n    - { id: a, contrast: c, measure: { metric: share_oem }, expect: { above: 0 } }\n',
    );
    const out = join(tmp, 'big-validation');
    const r = await gvc('validate', v, '--workers', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gvc: .*v\.yaml: each run \(100,000 suppliers, 1 lead firm, 0 partners\) on 2 workers at once needs an estimated .* more than this machine's 200 MB/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a small run goes ahead without a word', async () => {
    const r = await gvc('run', file, '--out', join(tmp, 'small'), '--quiet');
    expect(r).toEqual({ code: 0, stderr: '' });
  });
});
