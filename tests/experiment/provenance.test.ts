/**
 * Provenance cannot be mixed (issue 11, kind 7): a sweep resumed by another program, or
 * shards made by different programs, are refused with the difference named, unless the user
 * allows it, which the manifest then records.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentProgram, programDifference } from '../../src/experiment/provenance.js';
import { runSweep, type Shard } from '../../src/experiment/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { loadScenario } from '../../src/scenario/load.js';
import { cliInTempDir } from '../cli/spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-provenance-');

writeFileSync(
  join(tmp, 's.yaml'),
  `name: prov
time: { steps: 4 }
suppliers:
  smes: { count: 6 }
buyers:
  lead: { count: 1 }
sweep:
  replications: 3
  seed: 7
  parameters:
    environment.ipr_protection: [0.2, 0.8]
`,
);
const loaded = loadScenario(join(tmp, 's.yaml'));
const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);
const sweep = (out: string, shard: Shard | null, stopAfter?: number) =>
  runSweep({
    loaded,
    spec,
    out: join(tmp, out),
    workers: 0,
    timeseries: { kind: 'final' },
    shard,
    force: false,
    resume: false,
    quiet: true,
    stopAfter,
  });
/**
 * Makes a sweep folder look as if another program version and commit had written it: its
 * design.json, and (in a finished folder) the manifest's record of that file, which that
 * program would have written to match.
 */
const forge = (designFile: string) => {
  const d = JSON.parse(readFileSync(designFile, 'utf8')) as Record<string, unknown>;
  d.program = { version: '0.0.9', git_commit: 'f'.repeat(40), git_dirty: false };
  const text = JSON.stringify(d, null, 2);
  writeFileSync(designFile, text);
  const manifestFile = join(dirname(designFile), 'manifest.json');
  if (!existsSync(manifestFile)) return;
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    files: Record<string, { bytes: number; sha256: string }>;
  };
  m.files['design.json'] = {
    bytes: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
  writeFileSync(manifestFile, JSON.stringify(m, null, 2));
};
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(tmp, dir, 'manifest.json'), 'utf8')) as {
    sweep: { mixed_provenance?: { difference?: string; differences?: string[] } };
  };

describe('programDifference', () => {
  const a = { version: '0.1.0', git_commit: 'a'.repeat(40), git_dirty: false };
  it('names each field that differs, and nothing when none does', () => {
    expect(programDifference(a, { ...a })).toBeNull();
    expect(programDifference(a, { ...a, git_dirty: true })).toBe('uncommitted changes no → yes');
    expect(
      programDifference(a, { version: '0.2.0', git_commit: 'b'.repeat(40), git_dirty: null }),
    ).toBe(
      `version 0.1.0 → 0.2.0, commit ${'a'.repeat(12)} → ${'b'.repeat(12)}, uncommitted changes no → unknown`,
    );
  });
  it('treats a folder without a recorded program as another program', () => {
    expect(programDifference(undefined, a)).toMatch(/^version unknown → 0\.1\.0/);
  });
});

describe('resume and merge refuse runs of another program', () => {
  const now = currentProgram();

  it('--resume after a code change is refused, and allowed explicitly with a record', async () => {
    expect((await sweep('r', null, 2)).stopped).toBe(true);
    forge(join(tmp, 'r.partial', 'design.json'));
    const refused = gvc('sweep', 's.yaml', '--out', 'r', '--resume', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `gvc: cannot resume r.partial: its runs so far were made by another program (version 0.0.9 → ${now.version}`,
    );
    expect(refused.stderr).toMatch(/--allow-mixed-provenance/);
    const allowed = gvc(
      'sweep',
      's.yaml',
      '--out',
      'r',
      '--resume',
      '--allow-mixed-provenance',
      '--quiet',
    );
    expect(allowed.code).toBe(0);
    expect(manifest('r').sweep.mixed_provenance?.difference).toMatch(/^version 0\.0\.9 → /);
  });

  it('an unchanged program resumes without a mixed-provenance record', async () => {
    await sweep('same', null, 2);
    expect(gvc('sweep', 's.yaml', '--out', 'same', '--resume', '--quiet').code).toBe(0);
    expect(manifest('same').sweep.mixed_provenance).toBeUndefined();
  });

  it('gvc merge of shards made by different programs is refused, and allowed explicitly', async () => {
    await sweep('sh1', { index: 1, count: 2 });
    await sweep('sh2', { index: 2, count: 2 });
    forge(join(tmp, 'sh2', 'design.json'));
    const refused = gvc('merge', 'sh1', 'sh2', '--out', 'm');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `gvc: merge: the runs of sh2 and sh1 were made by another program (version ${now.version} → 0.0.9`,
    );
    const allowed = gvc('merge', 'sh1', 'sh2', '--out', 'm', '--allow-mixed-provenance', '--quiet');
    expect(allowed.code).toBe(0);
    expect(manifest('m').sweep.mixed_provenance?.differences).toEqual([
      expect.stringMatching(/^sh1 → sh2: version .* → 0\.0\.9/),
    ]);
  });
});
