/**
 * A run whose entrants (model.entry.rate) outgrow Node's heap stops between steps with one
 * line and exit 2, and leaves nothing behind, instead of V8's "JavaScript heap out of memory"
 * crash and stack dump. The heap is made small (64 MB) so that a world of some 400,000
 * suppliers fills it; the outcome depends on the run and the heap limit only, not on time or
 * on when the garbage collector ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './spawn.js';

const tmp = mkdtempSync(join(tmpdir(), 'gvc-memory-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a world that grows past the heap', () => {
  it('gvc run: exit 2, one line naming the step, the suppliers and the remedies; no folder', () => {
    writeFileSync(
      join(tmp, 'grow.yaml'),
      'time: { steps: 60 }\nsuppliers:\n  smes: { count: 1000 }\nbuyers:\n  lead: { count: 10 }\nmodel: { entry: { rate: 1 } }\n',
    );
    const r = spawnSync(process.execPath, [BIN, 'run', 'grow.yaml', '--out', 'o'], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' },
    });
    expect(r.stderr).toMatch(
      /^gvc: grow\.yaml: the run: stopped at step \d+ of 60, before it ran out of memory: its supplier rows \(entrants included\) grew by [\d,]+ to [\d,]+ in the step, and two more steps of that growth make at least [\d,]+; their objects would need an estimated \d+ MB of Node's heap, over 60% of the \d+ MB it gives old objects; give Node a larger heap \(NODE_OPTIONS=--max-old-space-size=\d+, in MB, within the machine's memory\) or run fewer agents, fewer steps or a lower model\.entry\.rate\n$/,
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
    const r = spawnSync(process.execPath, [BIN, 'validate', 'val/v.yaml', '--out', 'vo'], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' },
    });
    expect(r.stderr).toMatch(
      /^gvc: val\/v\.yaml: run (\d+) failed: run \1: stopped at step \d+ of 40, before it ran out of memory: .* lower model\.entry\.rate\n$/,
    );
    expect(r.status).toBe(2);
  });
});
