/**
 * Kind 11 (messages say what was wrong where) and the scenario side of kind 3 (base: chains,
 * nesting): each message names the right source (file or flag), the right format and the
 * right kind of value.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gvcInProcess } from '../report/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gvc-msg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const BASE = `name: b
time: {steps: 2}
suppliers:
  sme: {count: 3}
buyers:
  us: {count: 1}
`;
file('base.yaml', BASE);

async function fails(...args: string[]): Promise<string> {
  const r = await gvcInProcess(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
  return r.stderr.slice('gvc: '.length, -1);
}

describe('messages name the flag, the format and the value (kind 11)', () => {
  const sweepFile = file('sw.yaml', `base: base.yaml\nsweep:\n  parameters: {}\n`);

  it('an empty parameters mapping is called empty', async () => {
    expect(await fails('sweep', sweepFile, '--quiet')).toMatch(
      /sweep\.parameters: expected at least one parameter to vary: .*, found an empty mapping$/,
    );
  });

  it('--vary errors are labelled --vary, not --set or the file', async () => {
    expect(await fails('sweep', sweepFile, '--vary', 'x')).toBe(
      '--vary: expected path=values, found "x"',
    );
    expect(await fails('sweep', sweepFile, '--vary', 'time.steps=[-1]')).toMatch(
      /^--vary time\.steps=\[-1\]: time\.steps: expected an integer in \[1, \d+\], found -1$/,
    );
    expect(await fails('sweep', sweepFile, '--vary', 'time.steps=[')).toMatch(/^--vary time/);
  });

  it('--design, --samples, --sweep-seed and --reps errors name the flag', async () => {
    const ok = ['--vary', 'time.steps=[2]'];
    expect(await fails('sweep', sweepFile, ...ok, '--design', 'gird')).toMatch(
      /^--design gird: expected one of .*Did you mean "grid"\?$/,
    );
    expect(await fails('sweep', sweepFile, ...ok, '--reps', 'x')).toBe(
      '--reps: expected a whole number >= 1, found "x"',
    );
    expect(await fails('sweep', sweepFile, ...ok, '--sweep-seed', '99999999999')).toMatch(
      /^--sweep-seed 99999999999: /,
    );
  });

  it('--set errors are still labelled --set', async () => {
    expect(await fails('run', join(dir, 'base.yaml'), '--set', 'x')).toBe(
      '--set: expected path=value, found "x"',
    );
  });

  it("commander's errors (unknown option or command, missing argument) are one gvc: line with the suggestion", async () => {
    const base = join(dir, 'base.yaml');
    expect(await fails('run', base, '--outt', 'b1')).toBe(
      "unknown option '--outt' (did you mean --out?); see gvc run --help",
    );
    expect(await fails('sweep', base, '--repss', '3')).toBe(
      "unknown option '--repss' (did you mean --reps?); see gvc sweep --help",
    );
    expect(await fails('runn')).toBe("unknown command 'runn' (did you mean run?); see gvc --help");
    expect(await fails('run')).toBe("missing required argument 'file'; see gvc run --help");
  });

  it('a percent where a fraction in [0, 1] is expected is named as such', async () => {
    const base = join(dir, 'base.yaml');
    expect(await fails('run', base, '--set', 'environment.institutions=90%')).toBe(
      '--set environment.institutions=90%: environment.institutions: expected a number in [0, 1], found "90%" (a fraction, not a percent: 0.9?)',
    );
    expect(await fails('run', base, '--set', 'environment.institutions=30')).toMatch(
      /found 30 \(a fraction, not a percent: 0\.3\?\)$/,
    );
    const pct = file('pct.yaml', `${BASE}environment: {institutions: 80}\n`);
    expect(await fails('run', pct)).toMatch(/found 80 \(a fraction, not a percent: 0\.8\?\)$/);
    // Not a percent: beyond 100, or a parameter whose range is not [0, 1].
    expect(await fails('run', base, '--set', 'environment.institutions=130')).toMatch(/found 130$/);
    expect(await fails('run', base, '--set', 'environment.institutions=2')).toMatch(/found 2$/);
    expect(await fails('run', base, '--set', 'time.steps=300000000')).toMatch(/found 300000000$/);
  });

  it("a .json file's errors are JSON errors, a duplicate key included", async () => {
    const dup = file('dup.json', '{"name": "a", "name": "b"}');
    expect(await fails('run', dup)).toBe(
      `${dup}:1:15: invalid JSON: key "name" appears twice in the mapping at the top level; give it once`,
    );
    const yamlDup = file('dup.yaml', 'name: a\nname: b\n');
    expect(await fails('run', yamlDup)).toMatch(
      /^.*dup\.yaml:2:1: invalid YAML: key "name" appears twice in the mapping at the top level/,
    );
    const bad = file('bad.json', '{"name": }');
    expect(await fails('run', bad)).toMatch(/bad\.json(:\d+:\d+)?: invalid JSON: /);
  });
});

describe('base: chains and nesting (kind 3)', () => {
  it('a file that is its own base names the file, the key and the cycle', async () => {
    const self = file('self.yaml', 'base: self.yaml\n');
    expect(await fails('run', self)).toBe(
      `${self}:1:7: base: the base files form a cycle: ${self} → ${self}`,
    );
  });

  it('a → b → a names the cycle', async () => {
    file('b.yaml', 'base: a.yaml\n');
    const a = file('a.yaml', 'base: b.yaml\n');
    expect(await fails('run', a)).toMatch(
      /base: the base files form a cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml$/,
    );
  });

  it('a missing base names the referring file, the key and the missing file', async () => {
    const m = file('m.yaml', 'name: m\nbase: nowhere.yaml\n');
    expect(await fails('run', m)).toBe(
      `${m}:2:7: base: nowhere.yaml (${join(dir, 'nowhere.yaml')}): cannot read scenario file: no such file`,
    );
  });

  it.each([
    ['deep.yaml', '['.repeat(20_000) + ']'.repeat(20_000)],
    ['deep.json', '['.repeat(20_000) + ']'.repeat(20_000)],
    ['deep2.json', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
    [
      'deep3.yaml',
      Array.from({ length: 2000 }, (_, i) => '  '.repeat(i) + 'a:\n').join('') +
        '  '.repeat(2000) +
        '1\n',
    ],
    ['deep4.yaml', '['.repeat(70) + ']'.repeat(70)],
  ])('%s: too deep is a message about nesting, not a stack overflow', async (name, text) => {
    expect(await fails('run', file(name, text))).toMatch(/: nesting deeper than 64 levels/);
  });

  it('--set with a value nested too deep', async () => {
    expect(
      await fails(
        'run',
        join(dir, 'base.yaml'),
        '--set',
        `time.steps=${'['.repeat(100)}${']'.repeat(100)}`,
      ),
    ).toMatch(/^--set time\.steps=\[+\]+: nesting deeper than 64 levels/);
  });
});
