/**
 * A run whose entrants (model.entry.rate) outgrow Node's heap stops between steps with one
 * line and exit 2, and leaves nothing behind, instead of V8's "JavaScript heap out of memory"
 * crash and stack dump. The heap is made small (64 MB) so that a world of some 400,000
 * suppliers fills it; the outcome depends on the run and the heap limit only, not on time or
 * on when the garbage collector ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './spawn.js';

const tmp = mkdtempSync(join(tmpdir(), 'gvc-memory-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** gvc with `args` in the test's folder, Node's old generation limited to `mb` MB. */
const gvcWithHeap = (mb: number, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${mb}` },
  });

describe('a world that grows past the heap', () => {
  it('gvc run: exit 2, one line naming the step, the suppliers and the remedies; no folder', () => {
    writeFileSync(
      join(tmp, 'grow.yaml'),
      'time: { steps: 60 }\nsuppliers:\n  smes: { count: 1000 }\nbuyers:\n  lead: { count: 10 }\nmodel: { entry: { rate: 1 } }\n',
    );
    const r = gvcWithHeap(64, 'run', 'grow.yaml', '--out', 'o');
    expect(r.stderr).toMatch(
      /^gvc: grow\.yaml: the run: stopped at step \d+ of 60, before it ran out of memory: its supplier rows \(entrants included\) grew by [\d,]+ to [\d,]+ in the step, and two more steps of that growth make at least [\d,]+; that would need an estimated \d+ MB of Node's heap, over 60% of the \d+ MB it gives old objects; give Node a larger heap \(NODE_OPTIONS=--max-old-space-size=\d+, in MB, within the machine's memory\) or run fewer agents, fewer steps or a lower model\.entry\.rate\n$/,
    );
    expect(r.status).toBe(2);
    expect(readdirSync(tmp)).toEqual(['grow.yaml']);
  });

  it("gvc validate: the stopped run is the user's to fix (exit 2), not an internal error", () => {
    const dir = join(tmp, 'val');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'v.yaml'),
      [
        'name: v-grow',
        'time: { steps: 40, steps_per_year: 4 }',
        'suppliers:',
        '  smes: { count: 1000 }',
        'buyers:',
        '  lead: { count: 10 }',
        'model: { entry: { rate: 1 } }',
        'validation:',
        '  pattern: P9',
        '  title: growth',
        '  source: none',
        '  replications: 2',
        '  seed: 5',
        '  checks:',
        '    - id: c1',
        '      contrast: mean process',
        '      measure: { mean: top_buyer_share }',
        '      expect: { above: 0 }',
        '',
      ].join('\n'),
    );
    const r = gvcWithHeap(64, 'validate', 'val/v.yaml', '--out', 'vo');
    expect(r.stderr).toMatch(
      /^gvc: val\/v\.yaml: run (\d+) failed: run \1: stopped at step \d+ of 40, before it ran out of memory: .* lower model\.entry\.rate\n$/,
    );
    expect(r.status).toBe(2);
  });

  it('gvc sweep --agents every:1: the kept rows stop the run cleanly (errors.csv), no crash', () => {
    // 2,000 suppliers x 101 steps of ~190-character rows, kept until each run ends, pass 60%
    // of a 64 MB heap some way in; the world itself (12.2 MB) fits. Before, the worker died of
    // V8's OOM: exit 1 as an internal error, the .partial folder left behind.
    writeFileSync(
      join(tmp, 'keep.yaml'),
      [
        'time: { steps: 100 }',
        'suppliers:',
        '  smes: { count: 2000 }',
        'buyers:',
        '  lead: { count: 10 }',
        'sweep:',
        '  design: grid',
        '  replications: 1',
        '  seed: 3',
        '  parameters:',
        '    suppliers.smes.intent.diversify: [0.3]',
        '',
      ].join('\n'),
    );
    const r = gvcWithHeap(
      64,
      'sweep',
      'keep.yaml',
      '--agents',
      'every:1',
      '--workers',
      '1',
      '--out',
      'ko',
      '--quiet',
    );
    expect(r.stderr).toBe('gvc: 1 run failed; see ko/errors.csv\n');
    expect(r.status).toBe(1);
    expect(readFileSync(join(tmp, 'ko', 'errors.csv'), 'utf8')).toMatch(
      /^run_id,.*\n1,1,1,\d+,0\.3,"run 1: stopped at step \d+ of 100, before it ran out of memory: the output rows it keeps for the CSV files \(--agents, --relationships, --timeseries\) hold an estimated \d+ MB .* or fewer kept rows \(a larger K in --agents or --timeseries every:K, or none\)"\n$/,
    );
    expect(readdirSync(tmp)).not.toContain('ko.partial');
  });

  it('gvc run: a world too large for the heap is refused before it is built (exit 2, one line)', () => {
    writeFileSync(
      join(tmp, 'big.yaml'),
      'time: { steps: 2 }\nsuppliers:\n  smes: { count: 1000000 }\nbuyers:\n  lead: { count: 10 }\n',
    );
    const r = gvcWithHeap(100, 'run', 'big.yaml', '--out', 'bo');
    expect(r.stderr).toBe(
      "gvc: big.yaml: a run of 1,000,000 suppliers, 10 lead firms, 0 partners needs an estimated 82 MB of Node's heap (docs/performance.md), over 60% of the 105 MB Node gives old objects here; run fewer suppliers, or give Node a larger heap (NODE_OPTIONS=--max-old-space-size=131, in MB, within the machine's memory)\n",
    );
    expect(r.status).toBe(2);
    expect(readdirSync(tmp)).not.toContain('bo');
  });
});
