/**
 * docs/ODD.md must not drift from the code. Every default the document states is written
 * `path` = value (backticked registry path, " = ", the value); this test checks each against
 * the parameter registry, checks that every parameter is documented, that the processes of
 * the schedule are named in the order they run, and that every submodel file has a subsection.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARAMETERS, specFor, templateOf, type ParamSpec } from '../../src/scenario/parameters.js';
import { SCHEDULE } from '../../src/engine/schedule.js';
import { STREAM_NAMES } from '../../src/engine/rng.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
} from '../../src/engine/observations.js';

const ODD_URL = new URL('../../docs/ODD.md', import.meta.url);
const MODEL_DIR = new URL('../../src/model/', import.meta.url);
const odd = readFileSync(ODD_URL, 'utf8');
const lines = odd.split('\n');

/** A backticked dotted path (segments of word characters or `*`). */
const PATH = '[A-Za-z_][A-Za-z0-9_]*(?:\\.(?:[A-Za-z0-9_]+|\\*))*';
const NUMBER = '-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?';
/** `path` = number (the spaces may be any whitespace, so re-wrapping a paragraph cannot hide a statement) */
const NUMERIC_DEFAULT = new RegExp(`\`(${PATH})\`\\s+=\\s+(${NUMBER})(?![\\d.]*\\w)`, 'g');
/** `path` = true|false */
const BOOLEAN_DEFAULT = new RegExp(`\`(${PATH})\`\\s+=\\s+(true|false)\\b`, 'g');

interface Statement {
  line: number;
  path: string;
  text: string;
}

function lineOf(index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (odd.charCodeAt(i) === 10) line++;
  return line;
}

function statements(re: RegExp): Statement[] {
  return [...odd.matchAll(re)].map((m) => ({ line: lineOf(m.index ?? 0), path: m[1], text: m[2] }));
}

function unknownPath(path: string): string {
  const template = templateOf(path);
  return template !== path && specFor(template)
    ? `ODD.md: \`${path}\` is not a registry path; write group parameters with the * template (\`${template}\`)`
    : `ODD.md: \`${path}\` is not a parameter of the registry (src/scenario/parameters.ts)`;
}

const numericSpecs = PARAMETERS.filter((p) => p.type === 'number' || p.type === 'integer');
const booleanSpecs = PARAMETERS.filter((p) => p.type === 'boolean');

describe('docs/ODD.md', () => {
  it('states every default exactly as the parameter registry', () => {
    const problems: string[] = [];
    const numeric = statements(NUMERIC_DEFAULT);
    for (const s of numeric) {
      const spec = specFor(s.path);
      if (!spec) problems.push(`line ${s.line}: ${unknownPath(s.path)}`);
      else if (spec.type !== 'number' && spec.type !== 'integer') {
        problems.push(`line ${s.line}: ODD.md gives \`${s.path}\` = ${s.text}, but it is a ${spec.type} parameter (default ${JSON.stringify(spec.default)})`);
      } else if (Number(s.text) !== spec.default) {
        problems.push(`line ${s.line}: ODD.md says \`${s.path}\` = ${s.text}, the registry default is ${spec.default}`);
      }
    }
    for (const s of statements(BOOLEAN_DEFAULT)) {
      const spec = specFor(s.path);
      if (!spec) problems.push(`line ${s.line}: ${unknownPath(s.path)}`);
      else if (spec.type !== 'boolean') problems.push(`line ${s.line}: ODD.md gives \`${s.path}\` = ${s.text}, but it is a ${spec.type} parameter`);
      else if (String(spec.default) !== s.text) {
        problems.push(`line ${s.line}: ODD.md says \`${s.path}\` = ${s.text}, the registry default is ${spec.default}`);
      }
    }
    if (problems.length > 0) throw new Error(`${problems.length} default(s) in docs/ODD.md disagree with the registry:\n${problems.join('\n')}`);
    // Not vacuous: the document states many defaults in the checked form.
    expect(numeric.length).toBeGreaterThan(100);
  });

  it('documents every parameter, numeric and boolean ones with their default', () => {
    const stated = new Set([...statements(NUMERIC_DEFAULT), ...statements(BOOLEAN_DEFAULT)].map((s) => s.path));
    const missing: string[] = [];
    for (const spec of [...numericSpecs, ...booleanSpecs]) {
      if (!stated.has(spec.path)) missing.push(`\`${spec.path}\` = ${spec.default}`);
    }
    const notNamed = PARAMETERS.filter((p: ParamSpec) => !odd.includes(`\`${p.path}\``)).map((p) => `\`${p.path}\``);
    const problems = [
      ...(missing.length ? [`defaults never stated in the form \`path\` = value: ${missing.join(', ')}`] : []),
      ...(notNamed.length ? [`parameters never named: ${notNamed.join(', ')}`] : []),
    ];
    if (problems.length > 0) throw new Error(`docs/ODD.md is incomplete:\n${problems.join('\n')}`);
  });

  it('names every scheduled process, in schedule order in section 3', () => {
    const missing = SCHEDULE.filter((p) => !odd.includes(p.name)).map((p) => p.name);
    expect(missing, 'processes of src/engine/schedule.ts missing from docs/ODD.md').toEqual([]);
    const start = odd.search(/^## 3\b/m);
    const end = odd.slice(start + 1).search(/^## /m);
    expect(start, 'docs/ODD.md has no "## 3" section').toBeGreaterThanOrEqual(0);
    const section3 = end >= 0 ? odd.slice(start, start + 1 + end) : odd.slice(start);
    const positions = SCHEDULE.map((p) => ({ name: p.name, at: section3.indexOf(p.name) }));
    const absent = positions.filter((p) => p.at < 0).map((p) => p.name);
    expect(absent, 'processes not named in section 3 of docs/ODD.md').toEqual([]);
    for (let i = 1; i < positions.length; i++) {
      expect(
        positions[i].at > positions[i - 1].at,
        `section 3 names "${positions[i].name}" before "${positions[i - 1].name}", unlike SCHEDULE`,
      ).toBe(true);
    }
  });

  it('has a subsection for every file in src/model/', () => {
    const files = readdirSync(MODEL_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const headings = lines.filter((l) => /^#{2,6} /.test(l));
    const missing = files.filter((f) => !headings.some((h) => h.includes(f)));
    expect(missing, 'src/model files without a subsection (a heading naming the file) in docs/ODD.md').toEqual([]);
  });

  it('names every random stream and every output column', () => {
    const streams = STREAM_NAMES.filter((n) => !odd.includes(`\`${n}\``));
    expect(streams, 'random streams of src/engine/rng.ts not named in docs/ODD.md').toEqual([]);
    const columns = [...TIMESERIES_COLUMNS, ...SUPPLIER_COLUMNS, ...RELATIONSHIP_COLUMNS]
      .map((c) => c.name)
      .filter((n) => !odd.includes(`\`${n}\``));
    expect([...new Set(columns)], 'output columns of src/engine/observations.ts not named in docs/ODD.md').toEqual([]);
  });
});
