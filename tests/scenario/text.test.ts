/**
 * Free text and file bytes are refused, with their position, when they hold what a reader
 * would not see or a file cannot hold: control characters in names, descriptions, sources
 * and contrasts; bytes that are not UTF-8 (issue 11, kind 5).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseValidationSpec } from '../../src/experiment/validation-spec.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { applyParams, loadScenario, parseScenarioText } from '../../src/scenario/load.js';
import { decodeUtf8, forbiddenCharacter } from '../../src/scenario/text.js';

const tmp = mkdtempSync(join(tmpdir(), 'gvc-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WORLD = 'suppliers:\n  smes: { count: 5 }\n';
/** A character free text may never hold (C0 but tab/LF/CR, DEL, C1, a lone surrogate). */
const forbidden = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 9 && c !== 10 && c !== 13),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
);
/** Printable text: no control characters, no surrogates. */
const printable = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .filter((s) => [...s].every((c) => c.charCodeAt(0) >= 0x20 && (c < '\u007f' || c > '\u009f')));

function errorOf(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('control characters in free text', () => {
  it('are refused in a name or description, naming the code point and its position', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('name', 'description'),
        printable,
        forbidden,
        printable,
        (key, before, code, after) => {
          const value = before + String.fromCharCode(code) + after;
          // JSON.stringify writes \u escapes, which YAML double-quoted strings read back.
          const text = `${key}: ${JSON.stringify(value)}\n${WORLD}`;
          const e = errorOf(() => parseScenarioText(text, 's.yaml'));
          expect(e.path).toBe(key);
          expect(e.line).toBe(1);
          const hex = code.toString(16).toUpperCase().padStart(4, '0');
          expect(e.message).toContain(`U+${hex} at character ${[...before].length + 1}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are refused when set from the command line or a sweep cell', () => {
    const base = parseScenarioText(WORLD, 's.yaml').scenario;
    const e = errorOf(() => applyParams(base, [['name', 'a\u0000b']], '--set name=…'));
    expect(e.message).toMatch(/--set name=…: name: .*U\+0000 at character 2/);
    expect(() => parseScenarioText(WORLD, 's.yaml', { sets: ['description="x\\u001bY"'] })).toThrow(
      /description: .*U\+001B at character 2/,
    );
  });

  it('allow tab and line breaks in a description but not in a name', () => {
    expect(
      parseScenarioText(`description: "a\\tb\\nc"\n${WORLD}`, 's.yaml').scenario.description,
    ).toBe('a\tb\nc');
    expect(() => parseScenarioText(`name: "a\\tb"\n${WORLD}`, 's.yaml')).toThrow(
      /name: expected one line of text without control characters, found U\+0009 at character 2/,
    );
    expect(forbiddenCharacter('ok \u{1F600} é', false)).toBeNull();
  });

  it('are refused in a validation source, title, pattern and contrast', () => {
    const world = parseScenarioText(WORLD, 'v.yaml').scenario;
    const spec = (over: Record<string, unknown>, contrast = 'a minus b') => ({
      pattern: 'p',
      title: 't',
      source: 'Author (2002)',
      replications: 2,
      seed: 1,
      checks: [{ id: 'a', contrast, measure: { metric: 'share_obm' }, expect: { above: 0 } }],
      ...over,
    });
    expect(() => parseValidationSpec(spec({}), undefined, 'v.yaml', world)).not.toThrow();
    for (const key of ['pattern', 'title', 'source'])
      expect(() =>
        parseValidationSpec(spec({ [key]: 'x\u0007' }), undefined, 'v.yaml', world),
      ).toThrow(new RegExp(`validation\\.${key}: .*U\\+0007 at character 2`));
    expect(() => parseValidationSpec(spec({}, '=1\u0000'), undefined, 'v.yaml', world)).toThrow(
      /validation\.checks\[0\]\.contrast: .*U\+0000 at character 3/,
    );
  });
});

describe('bytes that are not UTF-8', () => {
  /** Invalid sequences and the index, within each, of the byte to report. */
  const INVALID: [number[], number][] = [
    [[0x80], 0], // a continuation byte alone
    [[0xff], 0], // never valid
    [[0xc0, 0xaf], 0], // overlong
    [[0xc3, 0x28], 0], // a lead byte followed by ASCII
    [[0xe2, 0x82, 0x28], 0],
    [[0xed, 0xa0, 0x80], 0], // an encoded surrogate
  ];

  it('are refused with the line, column and byte offset of the first bad sequence', () => {
    fc.assert(
      fc.property(
        fc.array(printable, { minLength: 1, maxLength: 4 }),
        printable,
        fc.constantFrom(...INVALID),
        printable,
        (lines, before, [bad, at], after) => {
          const head = Buffer.from(lines.join('\n') + '\n' + before, 'utf8');
          const bytes = Buffer.concat([head, Buffer.from(bad), Buffer.from(after, 'utf8')]);
          const e = errorOf(() => decodeUtf8(bytes, 'f.yaml'));
          expect(e.line).toBe(lines.join('\n').split('\n').length + 1);
          expect(e.column).toBe(before.length + 1);
          expect(e.message).toContain(`at byte offset ${head.length + at}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a file ending inside a character is refused at the byte that started it', () => {
    const bytes = Buffer.concat([
      Buffer.from('name: x\ndescription: é', 'utf8'),
      Buffer.from([0xe2, 0x82]),
    ]);
    const e = errorOf(() => decodeUtf8(bytes, 'f.yaml'));
    expect([e.line, e.column]).toEqual([2, 15]);
    expect(e.message).toContain(`byte 0xE2 at byte offset ${bytes.length - 2}`);
  });

  it('are refused by loadScenario (no silent U+FFFD), and valid UTF-8 with a BOM is read', () => {
    const file = join(tmp, 'latin1.yaml');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('description: caf'),
        Buffer.from([0xe9]),
        Buffer.from(`\n${WORLD}`),
      ]),
    );
    expect(() => loadScenario(file)).toThrow(
      /latin1\.yaml:1:17: expected UTF-8 text, found byte 0xE9 at byte offset 16/,
    );
    const ok = join(tmp, 'bom.yaml');
    writeFileSync(ok, `\uFEFFdescription: café\n${WORLD}`);
    expect(loadScenario(ok).scenario.description).toBe('café');
  });
});
