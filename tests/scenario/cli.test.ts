import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse as parseCsv } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { paramsOutput, registerParams } from '../../src/cli/commands/params.js';
import { registerSchema } from '../../src/cli/commands/schema.js';
import { parametersMarkdown } from '../../src/scenario/docs.js';
import { UserError } from '../../src/scenario/errors.js';
import { PARAM_BOUNDS, PARAMETERS } from '../../src/scenario/parameters.js';

/** Run `gvc <args>` with only the params and schema commands, capturing stdout. */
async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerParams(program);
  registerSchema(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'gvc', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'gvc-cli-'));
const file = join(dir, 'demo.yaml');
writeFileSync(file, 'suppliers:\n  sme: {count: 3}\nbuyers:\n  us: {}\n');

describe('gvc params', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--format markdown without a file prints exactly parametersMarkdown()', async () => {
    expect(await run('params', '--format', 'markdown')).toBe(parametersMarkdown());
  });

  it('text format is an aligned table of the registry', async () => {
    const lines = (await run('params')).trimEnd().split('\n');
    expect(lines.length).toBe(PARAMETERS.length + 1);
    expect(lines[0]).toMatch(/^path\s+type\s+default\s+range\s+unit\s+description$/);
    const typeColumn = lines[0].indexOf('type');
    for (const [i, spec] of PARAMETERS.entries()) {
      expect(lines[i + 1].startsWith(spec.path)).toBe(true);
      expect(lines[i + 1].slice(typeColumn)).toMatch(new RegExp(`^${spec.type} `));
    }
  });

  it('json format lists every parameter with its range', async () => {
    const rows = JSON.parse(await run('params', '--format', 'json')) as Record<string, unknown>[];
    expect(rows.map((r) => r.path)).toEqual(PARAMETERS.map((p) => p.path));
    expect(rows.find((r) => r.path === 'environment.ipr_protection')).toMatchObject({
      type: 'number',
      default: 0.6,
      min: 0,
      max: 1,
    });
  });

  it('with a file, prints resolved values with --set applied', async () => {
    const csv = await run(
      'params',
      file,
      '--format',
      'csv',
      '--set',
      'buyers.us.guards=[design, process]',
      '--set',
      'suppliers.sme.cash=2',
    );
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('path,value,type,default,range,unit,description');
    expect(lines).toContain(
      'suppliers.sme.count,3,integer,100,"[0, 10000000]",firms,Number of suppliers in the group at the first step.',
    );
    expect(csv).toContain(
      'buyers.us.guards,"[design, process]",set,"[design, marketing]",process|product|design|marketing,',
    );
    expect(csv).toMatch(/\nsuppliers\.sme\.cash,2,number,1,/);
    // The value column parses back as the YAML a --set accepts.
    expect(parseCsv('[design, process]')).toEqual(['design', 'process']);
    const json = JSON.parse(await run('params', file, '--format', 'json')) as {
      path: string;
      value: unknown;
    }[];
    expect(json.find((r) => r.path === 'buyers.us.guards')?.value).toEqual(['design', 'marketing']);
    expect(json.some((r) => r.path.includes('*'))).toBe(false);
  });

  it('shows beside a range the parameters that narrow it (PARAM_BOUNDS), in every format', async () => {
    // `--set buyers.us.requirements.process=1` is refused (above know_how.process, 0.9) though
    // 1 is inside [0, 1]: the listing said only [0, 1].
    const line = (text: string, path: string) =>
      text.split('\n').find((l) => l.startsWith(`${path} `) || l.startsWith(`${path},`));
    const text = await run('params');
    expect(line(text, 'buyers.*.requirements.process')).toMatch(
      / \[0, 1\]; at most buyers\.\*\.know_how\.process /,
    );
    expect(line(text, 'buyers.*.know_how.process')).toMatch(
      / \[0, 1\]; at least buyers\.\*\.requirements\.process /,
    );
    expect(line(text, 'environment.price_pressure.initial')).toMatch(
      /; at most environment\.price_pressure\.max /,
    );
    // A parameter no bound concerns keeps its plain range.
    expect(line(text, 'environment.ipr_protection')).toMatch(/ \[0, 1\] +\S/);
    expect(line(text, 'environment.ipr_protection')).not.toMatch(/at (most|least)/);
    // With a file, the bound names the same group's parameter.
    const csv = await run('params', file, '--format', 'csv');
    expect(line(csv, 'buyers.us.requirements.process')).toMatch(
      /,"\[0, 1\]; at most buyers\.us\.know_how\.process",/,
    );
    const json = JSON.parse(await run('params', file, '--format', 'json')) as Record<
      string,
      unknown
    >[];
    expect(json.find((r) => r.path === 'buyers.us.requirements.process')).toMatchObject({
      min: 0,
      max: 1,
      atMost: ['buyers.us.know_how.process'],
    });
    expect(json.find((r) => r.path === 'buyers.us.know_how.product')).toMatchObject({
      atLeast: ['buyers.us.requirements.product'],
    });
    expect(json.find((r) => r.path === 'environment.ipr_protection')).not.toHaveProperty('atMost');
    // Every declared bound shows, on both of its parameters, in docs/parameters.md's tables.
    const md = await run('params', '--format', 'markdown');
    for (const b of PARAM_BOUNDS) {
      const row = (path: string) => md.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
      expect(row(b.lower)).toContain(`; at most \`${b.upper}\` |`);
      expect(row(b.upper)).toContain(`; at least \`${b.lower}\` |`);
    }
  });

  it('with a file, markdown is a table with a value column', async () => {
    const md = await run('params', file, '--format', 'markdown');
    expect(md.split('\n')[0]).toBe(
      '| Path | Value | Type | Default | Range | Unit | Description |',
    );
    expect(md).toContain('| `suppliers.sme.count` | `3` | integer | `100` |');
  });

  it('rejects --set without a file and bad formats', async () => {
    expect(() => paramsOutput(undefined, 'text', ['seed=1'])).toThrow(UserError);
    await expect(run('params', '--format', 'xml')).rejects.toThrow();
  });

  it('bad scenario files surface as UserErrors', async () => {
    await expect(run('params', file, '--set', 'buyers.eu.count=1')).rejects.toThrow(
      /buyers\.eu: expected an existing buyers group \(us\)/,
    );
  });
});

describe('gvc schema', () => {
  it('prints the JSON Schema as pretty JSON', async () => {
    const out = await run('schema');
    const schema = JSON.parse(out) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(out).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });
});
