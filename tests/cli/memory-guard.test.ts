/**
 * A run whose entrants (model.entry.rate) outgrow Node's heap stops between steps with one
 * line and exit 2, and leaves nothing behind, instead of V8's "JavaScript heap out of memory"
 * crash and stack dump. The heap is made small (64 MB) so that a world of some 400,000
 * suppliers fills it; the outcome depends on the run and the heap limit only, not on time or
 * on when the garbage collector ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
      /^gvc: grow\.yaml: the run: stopped at step \d+ of 60, before it ran out of memory: its supplier rows \(entrants included\) grew by [\d,]+ to [\d,]+ in the step, and at that rate two more steps make [\d,]+; their objects would need an estimated \d+ MB of Node's heap, over 60% of the \d+ MB it gives old objects; give Node a larger heap \(NODE_OPTIONS=--max-old-space-size=\d+, in MB, within the machine's memory\) or run fewer agents, fewer steps or a lower model\.entry\.rate\n$/,
    );
    expect(r.status).toBe(2);
    expect(readdirSync(tmp)).toEqual(['grow.yaml']);
  });
});
