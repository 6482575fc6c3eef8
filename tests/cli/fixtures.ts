/** What the CLI tests of files and inputs (output-safety, hostile-inputs) share. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** The smallest world every command runs in well under a second (prefix it with a `name:`). */
export const TINY_WORLD = `time: {steps: 2}
suppliers:
  sme: {count: 3}
buyers:
  us: {count: 1}
`;

/** A fresh temporary folder `gvc-<prefix>-…`, removed after the calling test file. */
export function tempRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), `gvc-${prefix}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return root;
}
