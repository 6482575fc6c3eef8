import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertReplaceable,
  defaultOutputFolder,
  folderNameProblem,
  MAX_FOLDER_NAME_LENGTH,
  recogniseOutput,
  REPORT_GENERATOR_TAG,
} from '../../src/io/output-guard.js';
import { ScenarioError, UserError } from '../../src/scenario/errors.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterAll(cleanupTemp);

const manifest = (extra: object) =>
  JSON.stringify({ program: 'gvc-abm', scenario_name: 'x', parameters: {}, ...extra });

describe('scenario names as folder names (kind 1)', () => {
  it.each([
    ['../x'],
    [''],
    ['.'],
    ['..'],
    ['a/b'],
    ['a\\b'],
    ['a\0b'],
    ['-x'],
    ['.hidden'],
    ['x'.repeat(MAX_FOLDER_NAME_LENGTH + 1)],
    ['con'],
    ['NUL.txt'],
    ['com1'],
    ['trailing.'],
    ['tab\there'],
    ['new\nline'],
    ['/abs'],
    ['a b'],
  ])('refuses %j, naming the file, the key and the rule', (name) => {
    let err: unknown;
    try {
      defaultOutputFolder(name, 's.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const message = (err as Error).message;
    expect(message).toMatch(/^s\.yaml: name: expected a name that is one safe folder name: /);
    expect(message).not.toMatch(/[\n\r\0]/);
  });

  it.each([['baseline'], ['lockin-sweep'], ['firm_y.2'], ['São-Paulo'], ['x'.repeat(100)]])(
    'accepts %j as output/<name>',
    (name) => {
      expect(defaultOutputFolder(name, 's.yaml')).toBe(join('output', name));
    },
  );

  it('an accepted name is always one path segment directly below output/', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 120 }),
          // Few characters, many of them separators and dots: the dangerous cases come often.
          fc.string({
            unit: fc.constantFrom('a', 'Z', '1', '.', '-', '_', '/', '\\', '\0', ' ', 'é', ':'),
            maxLength: 8,
          }),
        ),
        (name) => {
          if (folderNameProblem(name) !== null) return;
          const folder = resolve('output', name);
          expect(dirname(folder)).toBe(resolve('output'));
          expect(basename(folder)).toBe(name);
          expect(name).not.toMatch(/^[.-]|[/\\\0]/);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('what --force may replace (kind 1)', () => {
  it('recognises the kind of a gvc folder from its manifest or report tag', () => {
    const root = tempDir();
    const make = (name: string, file: string, text: string) => {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, file), text);
      return join(root, name);
    };
    expect(recogniseOutput(make('run', 'manifest.json', manifest({ run_id: 1 })))).toBe('run');
    expect(recogniseOutput(make('sweep', 'manifest.json', manifest({ sweep: {} })))).toBe('sweep');
    expect(recogniseOutput(make('val', 'manifest.json', manifest({ experiments: [] })))).toBe(
      'validation',
    );
    expect(
      recogniseOutput(make('rep', 'report.html', `<head>${REPORT_GENERATOR_TAG}</head>`)),
    ).toBe('report');
    expect(
      recogniseOutput(make('other', 'manifest.json', '{"program": "other", "parameters": {}}')),
    ).toBe(null);
    expect(recogniseOutput(make('broken', 'manifest.json', '{"program": "gvc-a'))).toBe(null);
    expect(recogniseOutput(make('plain', 'notes.txt', 'mine'))).toBe(null);
  });

  it('refuses a folder holding an input, a foreign folder, another kind, the working folder and gvc itself', () => {
    const root = tempDir();
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'manifest.json'), manifest({ run_id: 1 }));
    writeFileSync(join(out, 's.yaml'), 'x');
    const check = (target: string, kind: 'run' | 'sweep', inputs: string[]) => () =>
      assertReplaceable(target, { kind, inputs, replacing: true });
    expect(check(out, 'run', [join(out, 's.yaml')])).toThrow(/contains .*s\.yaml, an input/);
    expect(check(out, 'sweep', [])).toThrow(/holds the output of gvc run, not of gvc sweep/);
    expect(check(out, 'run', [])).not.toThrow();
    expect(check(root, 'run', [])).toThrow(/not an output folder written by gvc/);
    expect(check(process.cwd(), 'run', [])).toThrow(/current folder/);
    expect(check(dirname(process.cwd()), 'run', [])).toThrow(/current folder/);
    expect(check('/', 'run', [])).toThrow(UserError);
  });
});
