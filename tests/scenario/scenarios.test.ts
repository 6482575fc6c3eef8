import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('shipped scenarios', () => {
  it('there is at least one', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)('%s validates', (f) => {
    const loaded = loadScenario(join(dir, f));
    expect(Object.keys(loaded.scenario.suppliers).length).toBeGreaterThan(0);
  });
});
