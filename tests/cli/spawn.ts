/**
 * The gvc CLI as a child process (dist/, built by `npm test`'s pretest), run in a temporary
 * folder of the suite's own that is removed after the suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'gvc.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temp folder for this suite and a `gvc(...args)` that runs there. */
export function cliInTempDir(prefix: string): {
  tmp: string;
  gvc: (...args: string[]) => CliResult;
} {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const gvc = (...args: string[]): CliResult => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { tmp, gvc };
}
