import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REGENERATE_DOCS_COMMAND, parametersMarkdown } from '../../src/scenario/docs.js';
import { PARAMETERS } from '../../src/scenario/parameters.js';

describe('docs/parameters.md', () => {
  it('is up to date with the registry', () => {
    const onDisk = readFileSync(new URL('../../docs/parameters.md', import.meta.url), 'utf8');
    const expected = parametersMarkdown();
    if (onDisk !== expected) {
      throw new Error(
        `docs/parameters.md is out of date with src/scenario/parameters.ts; regenerate it with: ${REGENERATE_DOCS_COMMAND}`,
      );
    }
  });

  it('has one row per parameter, grouped by top-level section', () => {
    // The tables of parameters; the last section lists pairs of them (PARAM_BOUNDS).
    const whole = parametersMarkdown();
    const md = whole.slice(0, whole.indexOf('## Parameters bounded by others'));
    expect(md.length).toBeGreaterThan(0);
    for (const spec of PARAMETERS) expect(md, spec.path).toContain(`| \`${spec.path}\` |`);
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBe(PARAMETERS.length);
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.length).toBe(new Set(PARAMETERS.map((p) => p.path.split('.')[0])).size);
    // Options are separated so they do not break the table.
    expect(md).toContain('market, network, quasi_hierarchy, hierarchy, emergent');
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length, row).toBe(8);
  });
});
