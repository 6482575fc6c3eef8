/**
 * `gvc run` on scenarios with every parameter at an end of its declared range: all at the lower
 * end, all at the upper end, and the two alternations (odd parameters low and even ones high,
 * and the reverse), so that ends meet that no shipped scenario combines. Each either runs and
 * writes CSVs that keep the output contract (read back and checked as the property test checks
 * the tables in memory, tests/engine/output-contract.ts), or is refused with one line and exit
 * status 2 before anything is written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  timeseriesColumns,
  type ColumnSpec,
} from '../../src/engine/observations.js';
import type { GroupSection } from '../../src/scenario/parameters.js';
import { concreteParams, loadScenario, setPath } from '../../src/scenario/load.js';
import { checkTables, type RunTables } from '../engine/output-contract.js';
import { cliInTempDir } from './spawn.js';
import { respectBounds } from '../scenario/respect-bounds.js';

const { tmp, gvc } = cliInTempDir('gvc-extremes-');

/** Upper ends kept small (they only make the run bigger): firms per group and steps. */
const SMALL: Record<string, readonly [number, number]> = {
  'time.steps': [1, 6],
  'suppliers.*.count': [0, 8],
  'buyers.*.count': [0, 3],
  'partners.*.count': [0, 3],
};
const GROUPS: Record<GroupSection, string[]> = {
  suppliers: ['s1', 's2'],
  buyers: ['b1', 'b2'],
  partners: ['p1'],
};

type Ends = 'low' | 'high' | 'odd-high' | 'even-high';

/**
 * A scenario with every parameter at an end: numbers at their minimum or maximum, booleans
 * false or true, enums at their first or last option, sets empty or full, group lists empty.
 */
function endsScenario(ends: Ends): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  concreteParams((section) => GROUPS[section]).forEach((p, k) => {
    const high =
      ends === 'high' ||
      (ends === 'odd-high' && k % 2 === 1) ||
      (ends === 'even-high' && k % 2 === 0);
    const spec = p.spec;
    let value: unknown;
    if (spec.type === 'number' || spec.type === 'integer') {
      const [min, max] = SMALL[spec.path] ?? [spec.min, spec.max];
      value = high ? max : min;
    } else if (spec.type === 'boolean') value = high;
    else if (spec.type === 'enum') value = high ? spec.options.at(-1) : spec.options[0];
    else if (spec.type === 'set') value = high ? [...spec.options] : [];
    else value = [];
    setPath(raw, p.segs, value);
  });
  return raw;
}

/** A CSV of ours read back into the cells the engine wrote: numbers, booleans, null for empty. */
function readTable(file: string, columns: readonly ColumnSpec[]): Record<string, unknown>[] {
  const records = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
  return records.map((rec) => {
    expect(Object.keys(rec)).toEqual(columns.map((c) => c.name));
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const text = rec[c.name];
      // Number('NaN') and Number('Infinity') read back as what they are, and fail the checks.
      row[c.name] =
        text === ''
          ? null
          : c.type === 'integer' || c.type === 'number'
            ? Number(text)
            : c.type === 'boolean'
              ? text === 'TRUE'
                ? true
                : text === 'FALSE'
                  ? false
                  : text
              : text;
    }
    return row;
  });
}

function runEnds(name: string, raw: Record<string, unknown>) {
  const file = join(tmp, `${name}.yaml`);
  // Every parameter at an end: a bounded one above its bound (PARAM_BOUNDS) is set to it.
  respectBounds(raw);
  writeFileSync(file, stringify(raw));
  const out = join(tmp, name);
  const r = gvc('run', file, '--out', out, '--agents', 'every:1', '--by-group', '--quiet');
  return { file, out, ...r };
}

describe('gvc run with every parameter at an end of its range', () => {
  it('refuses all-low ends in one line: no reinvestment split to normalise', () => {
    const { out, code, stdout, stderr } = runEnds('low-refused', endsScenario('low'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    // One line, naming the file and the dotted path, no stack trace.
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^gvc: .*low-refused\.yaml: suppliers\.s1\.intent\.split: expected at least one weight above 0/,
    );
    expect(existsSync(out)).toBe(false);
  });

  const cases: [Ends, string][] = [
    ['low', 'all low, with a reinvestment split'],
    ['high', 'all high'],
    ['odd-high', 'odd parameters high'],
    ['even-high', 'even parameters high'],
  ];
  it.each(cases)('runs %s (%s) and its CSVs keep the output contract', (ends) => {
    const raw = endsScenario(ends);
    // A split of four zero weights is refused (above); give every group one weight.
    for (const g of GROUPS.suppliers)
      setPath(raw, ['suppliers', g, 'intent', 'split', 'design'], 1);
    const { file, out, code, stderr } = runEnds(ends, raw);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const tables = {
      scenario: loadScenario(file).scenario,
      timeseries: readTable(join(out, 'timeseries.csv'), timeseriesColumns(true)),
      suppliers: readTable(join(out, 'suppliers.csv'), SUPPLIER_COLUMNS),
      relationships: readTable(join(out, 'relationships.csv'), RELATIONSHIP_COLUMNS),
    } as unknown as RunTables;
    // Rows carry run_id 1 (null in memory); the checks do not read it.
    // Cells have 6 significant digits, so means agree with the suppliers' to about 1e-5.
    checkTables(tables, 1e-5);
  });
});
