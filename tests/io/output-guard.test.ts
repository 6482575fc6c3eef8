import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertReplaceable,
  changedEntries,
  defaultOutputFolder,
  folderNameProblem,
  MAX_FOLDER_NAME_LENGTH,
  recogniseOutput,
  REPORT_GENERATOR_TAG,
} from '../../src/io/output-guard.js';
import { ScenarioError, UserError } from '../../src/scenario/errors.js';
import { cleanupTemp, tempDir, writeGvcManifest, writeSelfChecked } from './helpers.js';

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
    writeGvcManifest(out, { scenario_name: 'x', parameters: {}, run_id: 1 });
    writeFileSync(join(out, 's.yaml'), 'x');
    const check = (target: string, kind: 'run' | 'sweep', inputs: string[]) => () =>
      assertReplaceable(target, { kind, inputs, replacing: true });
    expect(check(out, 'run', [join(out, 's.yaml')])).toThrow(/contains .*s\.yaml, an input/);
    expect(check(out, 'sweep', [])).toThrow(/holds the output of gvc run, not of gvc sweep/);
    // A file gvc does not write there (the scenario, a user's notes) makes the folder not
    // wholly gvc's: --force would delete it (kind 1).
    expect(check(out, 'run', [])).toThrow(/holds s\.yaml, which gvc did not write there/);
    rmSync(join(out, 's.yaml'));
    expect(check(out, 'run', [])).not.toThrow();
    expect(check(root, 'run', [])).toThrow(/not an output folder written by gvc/);
    expect(check(process.cwd(), 'run', [])).toThrow(/current folder/);
    expect(check(dirname(process.cwd()), 'run', [])).toThrow(/current folder/);
    expect(check('/', 'run', [])).toThrow(UserError);
  });
});

describe('--force never deletes what gvc did not write into its folder (kind 1)', () => {
  const RUN_FILES = ['timeseries.csv', 'suppliers.csv', 'relationships.csv', 'codebook.csv'];

  it('a gvc run folder with any other entry is refused; with only its own files it is replaceable', () => {
    // Random names (printable and not) of files and folders a user might leave in the folder.
    const name = fc
      .string({ minLength: 1, maxLength: 24, unit: 'grapheme-ascii' })
      .filter((s) => !s.includes('/') && s !== '.' && s !== '..' && !s.includes('\0'));
    let n = 0;
    fc.assert(
      fc.property(name, fc.boolean(), (entry, asFolder) => {
        fc.pre(!RUN_FILES.includes(entry) && entry !== 'manifest.json');
        fc.pre(!/^(\.DS_Store|Thumbs\.db|desktop\.ini)$/.test(entry));
        fc.pre(
          !/^((timeseries|suppliers|relationships|codebook)\.csv|manifest\.json)\.tmp-\d+$/.test(
            entry,
          ),
        );
        const out = join(tempDir(), `run${n++}`);
        mkdirSync(out);
        for (const f of RUN_FILES) writeFileSync(join(out, f), 'x');
        writeGvcManifest(out, { scenario_name: 'x', parameters: {} });
        const check = () => assertReplaceable(out, { kind: 'run', inputs: [], replacing: true });
        expect(check).not.toThrow();
        if (asFolder) mkdirSync(join(out, entry));
        else writeFileSync(join(out, entry), 'mine');
        expect(check).toThrow(/which gvc did not write there/);
        expect(readdirSync(out)).toContain(entry);
      }),
      { numRuns: 150 },
    );
  });

  it('a report gvc wrote inside the folder is its own; a folder of the user is not', () => {
    const out = join(tempDir(), 'sweep');
    mkdirSync(join(out, 'report'), { recursive: true });
    writeFileSync(join(out, 'runs.csv'), 'x');
    writeFileSync(join(out, 'sensitivity.csv'), 'x');
    writeGvcManifest(out, { sweep: {} });
    writeFileSync(join(out, 'report', 'report.html'), `<html>${REPORT_GENERATOR_TAG}</html>`);
    writeFileSync(join(out, 'report', 'lockin-rate.svg'), '<svg/>');
    writeGvcManifest(join(out, 'report'), { report: { of: out, kind: 'sweep' } });
    const check = () => assertReplaceable(out, { kind: 'sweep', inputs: [], replacing: true });
    expect(check).not.toThrow();
    writeFileSync(join(out, 'report', 'notes.txt'), 'mine');
    expect(check).toThrow(/holds report\/notes\.txt, which gvc did not write there/);
    rmSync(join(out, 'report', 'notes.txt'));
    mkdirSync(join(out, 'thesis'));
    expect(check).toThrow(/holds thesis, which gvc did not write there/);
  });

  it("a file gvc wrote but that was changed since, or that no record lists, is the user's: refused, naming each", () => {
    const out = join(tempDir(), 'run');
    mkdirSync(join(out, 'report'), { recursive: true });
    for (const f of RUN_FILES) writeFileSync(join(out, f), 'step\n1\n');
    writeGvcManifest(out, { scenario_name: 'x', parameters: {} });
    writeFileSync(join(out, 'report', 'report.html'), `<html>${REPORT_GENERATOR_TAG}</html>`);
    writeFileSync(join(out, 'report', 'roles.svg'), '<svg/>');
    writeFileSync(join(out, 'report', 'roles.vl.json'), '{}');
    writeGvcManifest(join(out, 'report'), { report: { of: out, kind: 'run' } });
    const check = () => assertReplaceable(out, { kind: 'run', inputs: [], replacing: true });
    expect(check).not.toThrow();
    expect(changedEntries(out, 'run')).toEqual([]);
    // Restyled figures and a line appended to a table: the same names, other contents.
    writeFileSync(join(out, 'report', 'roles.vl.json'), '{"mark": "bar"}');
    writeFileSync(join(out, 'report', 'roles.svg'), '<svg>mine</svg>');
    writeFileSync(join(out, 'timeseries.csv'), 'step\n1\n2\n');
    expect(changedEntries(out, 'run').map((k) => k.entry)).toEqual([
      join('report', 'roles.svg'),
      join('report', 'roles.vl.json'),
      'timeseries.csv',
    ]);
    // The reason once, after the files that share it.
    expect(check).toThrow(
      "it holds report/roles.svg, report/roles.vl.json and timeseries.csv, which were changed after gvc wrote them (their size or sha256 differs from the manifest.json record); --force replaces only a folder holding nothing but gvc's output, unchanged since gvc wrote it, and never deletes the user's files: move them out of the folder (or choose another folder), then run again",
    );
    // The same size, other bytes: the sha256 tells.
    writeFileSync(join(out, 'timeseries.csv'), 'step\n7\n');
    expect(changedEntries(out, 'run').map((k) => k.entry)).toContain('timeseries.csv');
    // Put back as gvc wrote them: replaceable again.
    writeFileSync(join(out, 'timeseries.csv'), 'step\n1\n');
    writeFileSync(join(out, 'report', 'roles.svg'), '<svg/>');
    writeFileSync(join(out, 'report', 'roles.vl.json'), '{}');
    expect(check).not.toThrow();
    // A report from a gvc that recorded no checksums (no manifest): it cannot show it is unchanged.
    rmSync(join(out, 'report', 'manifest.json'));
    expect(check).toThrow(
      /report\/report\.html, report\/roles\.svg and report\/roles\.vl\.json, which the folder's manifest\.json records no checksums for/,
    );
  });

  it('says what is wrong with a report folder gvc did not write (its report.html lacks the tag)', () => {
    const out = join(tempDir(), 'report');
    mkdirSync(out);
    writeFileSync(join(out, 'report.html'), '<html>my report</html>');
    expect(() => assertReplaceable(out, { kind: 'report', inputs: [], replacing: true })).toThrow(
      /not an output folder written by gvc \(its report\.html was not written by gvc report: it has no manifest\.json and lacks gvc's generator tag\)/,
    );
  });

  it('a folder from an earlier gvc (no checksums): the reason said once, then the files', () => {
    const out = join(tempDir(), 'report');
    mkdirSync(out);
    writeFileSync(join(out, 'report.html'), `<html>${REPORT_GENERATOR_TAG}</html>`);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      writeFileSync(join(out, `${id}.svg`), '<svg/>');
    let message = '';
    try {
      assertReplaceable(out, { kind: 'report', inputs: [], replacing: true });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `output folder ${out}: it holds a.svg, b.svg, c.svg, d.svg, e.svg and 3 more, which the folder's manifest.json records no checksums for (written by an earlier gvc, or not by gvc), so gvc cannot tell they are unchanged; --force replaces only a folder holding nothing but gvc's output, unchanged since gvc wrote it, and never deletes the user's files: move them out of the folder (or choose another folder), then run again`,
    );
    expect(message.match(/records no checksum/g)).toHaveLength(1);
    expect(readdirSync(out)).toHaveLength(8);
  });

  it("a manifest.json that is not as gvc wrote it (edited, reformatted, or with no checksum of itself) is the user's", () => {
    const out = join(tempDir(), 'run');
    mkdirSync(out);
    for (const f of RUN_FILES) writeFileSync(join(out, f), 'step\n1\n');
    writeGvcManifest(out, { scenario_name: 'x', parameters: {} });
    const path = join(out, 'manifest.json');
    const asWritten = readFileSync(path, 'utf8');
    const check = () => assertReplaceable(out, { kind: 'run', inputs: [], replacing: true });
    expect(check).not.toThrow();
    const refusal =
      /holds manifest\.json, which was changed after gvc wrote it \(its text no longer matches the checksum gvc recorded in it, manifest_sha256\); .*choose another folder, or remove this one yourself/;
    // A note added by hand, a value corrected: refused, and nothing deleted.
    const withNote = JSON.parse(asWritten) as Record<string, unknown>;
    writeFileSync(
      path,
      JSON.stringify({ ...withNote, notes: 'run on the cluster' }, null, 2) + '\n',
    );
    expect(check).toThrow(refusal);
    writeFileSync(path, asWritten.replace('"scenario_name": "x"', '"scenario_name": "y"'));
    expect(check).toThrow(refusal);
    // The same content reformatted is not the file gvc wrote either.
    writeFileSync(path, JSON.stringify(JSON.parse(asWritten)));
    expect(check).toThrow(refusal);
    expect(readdirSync(out)).toContain('manifest.json');
    // Without the checksum of itself (a manifest of an earlier gvc) it cannot show it is unchanged.
    const { manifest_sha256: _sha, ...earlier } = JSON.parse(asWritten) as Record<string, unknown>;
    expect(_sha).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path, JSON.stringify(earlier, null, 2) + '\n');
    expect(check).toThrow(
      /holds manifest\.json, which records no checksum of itself \(manifest_sha256: written by an earlier gvc, or not by gvc\), so gvc cannot tell it is unchanged/,
    );
    // Written back as gvc writes it: replaceable again.
    writeSelfChecked(path, earlier);
    expect(readFileSync(path, 'utf8')).toBe(asWritten);
    expect(check).not.toThrow();
  });
});
