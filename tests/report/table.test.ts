/** gvc table: LaTeX (booktabs) and Markdown tables from CSV outputs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatRows } from '../../src/io/csv.js';
import { recordFiles } from '../../src/io/file-record.js';
import { readCsv } from '../../src/report/data.js';
import { escapeLatex, escapeMarkdown, formatCell, formatTable } from '../../src/report/table.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';
import { gvcInProcess } from './cli.js';

// Rendering loads vega and several tests start the CLI: on a busy 2-core machine they need more than the default 5 s.
vi.setConfig({ testTimeout: 60_000 });

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');
const tmp = tempDir('gvc-table-');
afterAll(cleanupTemp);

const CSV = join(tmp, 'summary.csv');
writeFileSync(
  CSV,
  stringify([
    ['cell_id', 'buyers.lead_firms.governance', 'metric', 'n', 'mean', 'ci95_low', 'note'],
    [1, 'market', 'lockin_rate', 30, 0.123456, -0.00004, 'R&D 50% $ #1 {x} ~y ^z \\ a|b <c>'],
    [2, 'quasi_hierarchy', 'lockin_rate', 30, 0.9, 0.85, ''],
    [1, 'market', 'share_oem', 30, 1, 1, 'multi\nline'],
  ]),
);
const table = readCsv(CSV);
const DUPLICATE = join(tmp, 'twice.csv');
writeFileSync(DUPLICATE, 'a,a,b\n1,2,3\n');

describe('text that gvc wrote with a spreadsheet guard', () => {
  // The writer puts a quote before =, +, -, @ (CSV injection); a report or table shows the text.
  it('is read back without the quote', () => {
    const file = join(tmp, 'guarded.csv');
    const texts = ['=Smith (2020)', '-1 times the contrast', '+x', '@y', 'plain', "it's"];
    const columns = [{ name: 'source', type: 'string', unit: '', description: '' }] as const;
    writeFileSync(
      file,
      formatRows(columns, null) +
        formatRows(
          columns,
          texts.map((source) => ({ source })),
        ),
    );
    expect(readFileSync(file, 'utf8')).toContain("'=Smith (2020)");
    expect(readCsv(file).rows.map((r) => r.source)).toEqual(texts);
  });
});

describe('LaTeX', () => {
  it('escapes every special character in one pass', () => {
    expect(escapeLatex('a_b & c% $d #e {f} ~g ^h \\i')).toBe(
      'a\\_b \\& c\\% \\$d \\#e \\{f\\} \\textasciitilde{}g \\textasciicircum{}h \\textbackslash{}i',
    );
    expect(escapeLatex('<|>')).toBe('\\textless{}\\textbar{}\\textgreater{}');
  });

  it('writes a booktabs tabular with numbers right-aligned and rounded', () => {
    const tex = formatTable(table, {
      format: 'latex',
      where: [['metric', 'lockin_rate']],
      columns: ['buyers.lead_firms.governance', 'n', 'mean', 'ci95_low', 'note'],
      digits: 2,
    });
    expect(tex).toBe(
      [
        '% requires \\usepackage{booktabs}',
        '\\begin{tabular}{lrrrl}',
        '\\toprule',
        'buyers.lead\\_firms.governance & n & mean & ci95\\_low & note \\\\',
        '\\midrule',
        // -0.00004 is not zero: never shown as 0.00 (fixedNonZero).
        'market & 30 & 0.12 & -0.00004 & R\\&D 50\\% \\$ \\#1 \\{x\\} \\textasciitilde{}y \\textasciicircum{}z \\textbackslash{} a\\textbar{}b \\textless{}c\\textgreater{} \\\\',
        'quasi\\_hierarchy & 30 & 0.90 & 0.85 &  \\\\',
        '\\bottomrule',
        '\\end{tabular}',
        '',
      ].join('\n'),
    );
  });
});

describe('Markdown', () => {
  it('writes an aligned pipe table with escaped pipes', () => {
    const md = formatTable(table, { format: 'markdown', columns: ['metric', 'mean', 'note'] });
    const lines = md.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\| metric {6}\| {2}mean \| note +\|$/);
    expect(lines[1]).toMatch(/^\| ----------- \| ----: \| -+ \|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toContain('| lockin_rate | 0.123 | R&D 50% $ #1 {x} ~y ^z \\\\ a\\|b <c>');
    // A whole number in a column of decimals gets their decimals (found by a new user: a
    // mean of exactly 0 printed as "0" among "0.00"s).
    expect(lines[4]).toContain('| share_oem   | 1.000 | multi line');
    expect(lines).toHaveLength(5);
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
  });

  it('rounds numbers but keeps integers and text as written', () => {
    expect(formatCell('0.123456', 3)).toBe('0.123');
    expect(formatCell('-0.0001', 3)).toBe('-0.0001');
    expect(formatCell('30', 3)).toBe('30');
    expect(formatCell('30', 2, false)).toBe('30.00');
    expect(formatCell('-0', 2, false)).toBe('0.00');
    expect(formatCell('1e-7', 2)).toBe('1e-7');
    expect(formatCell('0e-7', 2)).toBe('0.00');
    expect(formatCell('market', 2)).toBe('market');
  });
});

describe('gvc table', () => {
  const gvc = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'table', ...args], { cwd: tmp, encoding: 'utf8' });

  it('prints the table on stdout', () => {
    const r = gvc(CSV, '--format', 'markdown', '--columns', 'metric,n', '--where', 'cell_id=2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('| metric      |   n |\n| ----------- | --: |\n| lockin_rate |  30 |\n');
  });

  it('refuses bad input with one line and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[CSV, '--format', 'html'], /--format: expected latex or markdown, found "html"/],
      [
        [CSV, '--format', 'latex', '--columns', 'mean,metrc'],
        /--columns: .* has no column "metrc"; did you mean "metric"\?/,
      ],
      [[CSV, '--format', 'latex', '--digits', '-1'], /--digits: expected a whole number/],
      [[CSV, '--format', 'latex', '--where', 'metric'], /--where: expected column=value/],
      [
        [CSV, '--format', 'latex', '--where', 'metric=lockin_rat'],
        /--where metric=lockin_rat: no row of .*summary\.csv has metric = "lockin_rat"; it has "lockin_rate"(, "[a-z_]+")*; did you mean "lockin_rate"\?\n?$/,
      ],
      // A number is matched by value, never by spelling (7 was "like" 1).
      [
        [CSV, '--format', 'latex', '--where', 'n=7'],
        /--where n=7: no row of .*summary\.csv has n = "7"; it has "30"\n?$/,
      ],
      [
        [CSV, '--format', 'latex', '--where', 'n=30.0'],
        /--where n=30\.0: no row .*; it has "30"; did you mean "30"\?\n?$/,
      ],
      [
        [join(tmp, 'missing.csv'), '--format', 'latex'],
        /missing\.csv: cannot read the CSV file: no such file or folder\n?$/,
      ],
      // Read by name, the second "a" would hide the first one's values (it printed 2 | 2).
      [
        [DUPLICATE, '--format', 'markdown'],
        /twice\.csv:1: column "a" appears twice \(columns 1 and 2\)/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await gvcInProcess('table', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it("checks a file its folder's manifest records: a changed summary.csv is refused, not tabulated", async () => {
    // An output folder as gvc leaves it: the CSV and the manifest's record of its bytes.
    const dir = join(tmp, 'out');
    mkdirSync(dir);
    const path = join(dir, 'summary.csv');
    writeFileSync(path, readFileSync(CSV));
    const files = await recordFiles(['summary.csv'], (n) => join(dir, n));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ program: 'gvc-abm', files }));
    expect((await gvcInProcess('table', path, '--format', 'markdown')).code).toBe(0);
    // One mean edited by hand: the file still parses, but is not what gvc wrote.
    writeFileSync(path, readFileSync(CSV, 'utf8').replace('0.9,', '0.7,'));
    const r = await gvcInProcess('table', path, '--format', 'markdown');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /summary\.csv: sha256 .* the file was cut short or changed after gvc wrote it/,
    );
    expect(r.stdout).toBe('');
  });

  it("reads a user's CSV file beside a manifest.json that is not gvc's, as it reads any CSV file", async () => {
    const dir = join(tmp, 'web');
    mkdirSync(dir);
    const path = join(dir, 'data.csv');
    writeFileSync(path, readFileSync(CSV));
    const table = await gvcInProcess('table', CSV, '--format', 'markdown');
    expect(table.code).toBe(0);
    for (const foreign of [
      JSON.stringify({ name: 'my-web-app', files: ['index.html'] }),
      'not json',
      JSON.stringify({ program: 'another-tool', files: { 'data.csv': 'x' } }),
    ]) {
      writeFileSync(join(dir, 'manifest.json'), foreign);
      const r = await gvcInProcess('table', path, '--format', 'markdown');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(table.stdout);
    }
    // gvc's own manifest with a damaged record of the file is still refused.
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ program: 'gvc-abm', files: { 'data.csv': 'x' } }),
    );
    const r = await gvcInProcess('table', path, '--format', 'markdown');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /manifest\.json: files\.data\.csv: expected .* \(the file is damaged\)/,
    );
  });
});
