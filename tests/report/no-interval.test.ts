/**
 * gvc report on a sweep of one replication per cell (no confidence interval anywhere) writes
 * its figures without vega's "Infinite extent for field lo/hi" warnings, which named nothing
 * the user could change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cliInTempDir } from '../cli/spawn.js';

vi.setConfig({ testTimeout: 120_000 });
const { tmp, gvc } = cliInTempDir('gvc-no-interval-');

describe('a sweep without intervals', () => {
  it('gets its report without warnings, the points without bands', () => {
    writeFileSync(
      join(tmp, 's.yaml'),
      'time: { steps: 2 }\nsuppliers:\n  smes: { count: 3 }\nbuyers:\n  lead: { count: 1 }\n' +
        'sweep:\n  parameters: { environment.ipr_protection: [0.1, 0.9] }\n',
    );
    expect(gvc('sweep', 's.yaml', '--out', 'o', '--workers', '1', '--quiet').code).toBe(0);
    const r = gvc('report', 'o');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('gvc: wrote report.html and 1 figure (sweep folder) to o/report/\n');
  });
});
