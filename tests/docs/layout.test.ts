/**
 * The README's project layout lists the submodels of src/model/ by file name: a file added
 * there without a word in the layout was found missing by a new user (resourcing, spells,
 * relationships), so the list is checked against the folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe("README's project layout", () => {
  it('names every file of src/model/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // The src/model/ entry runs from its line to the next line naming another folder.
    const entry = /^src\/model\/([\s\S]*?)^\S/m.exec(readme.split('## Project layout')[1] ?? '');
    expect(entry).not.toBeNull();
    const named = new Set(entry![1].match(/[a-z-]+/g));
    const files = readdirSync(join(ROOT, 'src/model'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !named.has(f))).toEqual([]);
  });
});
