import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildManifest,
  commandLine,
  programInfo,
  sha256,
  writeJson,
} from '../../src/io/manifest.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterAll(cleanupTemp);

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

function gitHead(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

describe('buildManifest', () => {
  const dir = tempDir();
  const scenarioFile = join(dir, 'scn.yaml');
  const text = 'name: test\nseed: 7\n';
  writeFileSync(scenarioFile, text);
  const params = { name: 'test', seed: 7, suppliers: { zeta: { count: 3 }, alpha: { count: 1 } } };
  const m = buildManifest({
    scenarioFile,
    scenarioName: 'test',
    parameters: params,
    seeds: 7,
    startTime: new Date('2024-01-02T03:04:05.000Z'),
    endTime: new Date('2024-01-02T03:04:06.500Z'),
    runId: 1,
    argv: ['node', 'gvc', 'run', 'my file.yaml'],
  });

  it('has every provenance field (docs/ODD.md, outputs)', () => {
    expect(Object.keys(m)).toEqual([
      'program',
      'version',
      'git_commit',
      'git_dirty',
      'scenario_file',
      'scenario_sha256',
      'scenario_name',
      'run_id',
      'seeds',
      'parameters',
      'command_line',
      'argv',
      'node_version',
      'platform',
      'start_time',
      'end_time',
    ]);
    expect(m.program).toBe(pkg.name);
    expect(m.version).toBe(pkg.version);
    expect(m.scenario_file).toBe(scenarioFile);
    expect(m.scenario_sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(m.scenario_name).toBe('test');
    expect(m.run_id).toBe(1);
    expect(m.seeds).toEqual([7]);
    expect(m.parameters).toEqual(params);
    expect(m.command_line).toBe("gvc run 'my file.yaml'");
    expect(m.argv).toEqual(['gvc', 'run', 'my file.yaml']);
    expect(m.node_version).toBe(process.version);
    expect(m.platform).toBe(`${process.platform}-${process.arch}`);
    expect(m.start_time).toBe('2024-01-02T03:04:05.000Z');
    expect(m.end_time).toBe('2024-01-02T03:04:06.500Z');
  });

  it('records the git commit of this checkout', () => {
    const head = gitHead();
    expect(m.git_commit).toBe(head);
    if (head) expect(typeof m.git_dirty).toBe('boolean');
    expect(programInfo()).toBe(programInfo()); // looked up once
  });

  it('uses a given hash, and null when the scenario cannot be read', () => {
    // An npx launcher's path, built here so that no committed file holds a home-directory path.
    const npxLauncher = ['', 'root', '.npm', '_npx', '1', 'node_modules', '.bin', 'gvc'].join('/');
    const base = {
      scenarioName: 'x',
      parameters: {},
      seeds: [1, 2],
      startTime: '2024-01-01T00:00:00.000Z',
      endTime: '2024-01-01T00:00:01.000Z',
    };
    expect(
      buildManifest({ ...base, scenarioFile: scenarioFile, scenarioSha256: sha256('other') })
        .scenario_sha256,
    ).toBe(sha256('other'));
    expect(
      buildManifest({ ...base, scenarioFile: join(dir, 'missing.yaml') }).scenario_sha256,
    ).toBeNull();
    const none = buildManifest({ ...base, scenarioFile: null });
    expect(none.scenario_sha256).toBeNull();
    expect(none.seeds).toEqual([1, 2]);
    expect('run_id' in none).toBe(false);
    expect(none.command_line).toBe(commandLine(process.argv));
    expect(commandLine(['/usr/bin/node', npxLauncher, 'run', "it's.yaml", '--set', 'seed=2'])).toBe(
      "gvc run 'it'\\''s.yaml' --set seed=2",
    );
    // Neither the joined nor the unjoined command keeps the launcher's machine-specific path.
    const viaNpx = buildManifest({
      ...base,
      scenarioFile: null,
      argv: ['/usr/bin/node', npxLauncher, 'params'],
    });
    expect(viaNpx.argv).toEqual(['gvc', 'params']);
    expect(JSON.stringify(viaNpx)).not.toContain(npxLauncher);
  });
});

describe('writeJson', () => {
  it('keeps insertion order (group order fixes agent ids), indents, ends with a newline', () => {
    const file = join(tempDir(), 'm.json');
    writeJson(file, { b: 1, a: { zeta: 1, alpha: 2 }, list: [0.5] });
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(
      '{\n  "b": 1,\n  "a": {\n    "zeta": 1,\n    "alpha": 2\n  },\n  "list": [\n    0.5\n  ]\n}\n',
    );
  });

  it('throws on non-finite numbers instead of writing null, and leaves no file', () => {
    const dir = tempDir();
    expect(() => writeJson(join(dir, 'm.json'), { a: { rate: NaN } })).toThrow(/rate/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
