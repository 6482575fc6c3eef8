/**
 * `gvc report --quiet` prints nothing on success, the figure compiler's warnings included, as
 * gvc run, gvc sweep and gvc sensitivity do under --quiet; without it the warnings go to
 * stderr. Vega warns only on unusual data, so buildReport is replaced by one that returns a
 * warning: what is tested is the command's handling of it.
 */
import { describe, expect, it, vi } from 'vitest';
import { gvcInProcess } from '../report/cli.js';

vi.mock('../../src/report/report.js', () => ({
  buildReport: () =>
    Promise.resolve({
      out: 'somewhere/report',
      kind: 'run',
      figures: [{ id: 'roles' }],
      warnings: ['roles: Infinite extent for field "share"'],
    }),
}));

describe('gvc report and its warnings', () => {
  it('prints them on stderr without --quiet', async () => {
    const r = await gvcInProcess('report', 'anything');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('gvc: warning: roles: Infinite extent for field "share"\n');
    expect(r.stdout).toMatch(/^gvc: wrote report\.html and 1 figure \(run folder\)/);
  });

  it('prints nothing at all under --quiet', async () => {
    expect(await gvcInProcess('report', 'anything', '--quiet')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });
});
