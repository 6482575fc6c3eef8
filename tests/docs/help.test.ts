/**
 * `gvc <command> --help` and the documents a new user reads must name the same flags: a flag
 * the help lists but no document explains, or a synopsis in the docs naming a flag the
 * command does not have, is found here rather than by a reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README and every page of docs/ (the ODD excepted: it specifies the model, not the CLI). */
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'ODD.md')
    .map((f) => `docs/${f}`),
];
const text = DOCS.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');

const commands = buildProgram().commands.filter((c) => c.name() !== 'help');

/** The long flags of a command, `--help` aside. */
const flagsOf = (name: string): string[] => {
  const command = commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no command ${name}`);
  return command.options.map((o) => o.long ?? '').filter((f) => f !== '' && f !== '--help');
};

describe('gvc --help and the docs', () => {
  it('every flag of every command is explained in README.md or docs/', () => {
    const missing: string[] = [];
    for (const c of commands) {
      for (const flag of flagsOf(c.name())) {
        if (!new RegExp(`${flag}(?![\\w-])`).test(text)) missing.push(`gvc ${c.name()} ${flag}`);
      }
    }
    expect(commands.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('a synopsis in the docs (`gvc <command> <arg> [--flag …]`) names only flags the command has', () => {
    const synopses = [...text.matchAll(/`gvc ([a-z]+) <[^`]*`/g)];
    expect(synopses.length).toBeGreaterThan(3);
    const unknown: string[] = [];
    for (const [span, name] of synopses) {
      const flags = flagsOf(name);
      for (const [flag] of span.matchAll(/--[a-z][a-z-]*/g)) {
        if (!flags.includes(flag)) unknown.push(`${span}: ${flag}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('help shows no "(default: [])" after a repeatable flag', () => {
    const shown = commands.map((c) => c.helpInformation()).join('\n');
    expect(shown).toContain('(repeatable)');
    expect(shown).not.toContain('(default: [])');
  });

  it('help says what --quiet does, and gvc sweep --quiet does it (nothing printed, warnings included)', () => {
    const quiet = (name: string) =>
      commands.find((c) => c.name() === name)!.options.find((o) => o.long === '--quiet')!
        .description;
    // validate prints its failures even when quiet; every other command nothing on success.
    for (const c of commands.filter((x) => flagsOf(x.name()).includes('--quiet')))
      if (c.name() !== 'validate') expect(quiet(c.name()), c.name()).toMatch(/^print nothing on success/);
    const dir = mkdtempSync(join(tmpdir(), 'gvc-help-quiet-'));
    try {
      const sweep = (...extra: string[]) =>
        spawnSync(
          process.execPath,
          [
            join(ROOT, 'bin', 'gvc.js'),
            'sweep',
            join(ROOT, 'scenarios', 'lockin-morris.yaml'),
            ...['--samples', '1', '--steps', '2', '--reps', '1', '--workers', '1'],
            ...extra,
          ],
          { cwd: dir, encoding: 'utf8' },
        );
      // One trajectory and one replication: two warnings without --quiet, none with it.
      const loud = sweep('--out', 'loud');
      expect(loud.status).toBe(0);
      expect(loud.stderr).toMatch(/warning: --samples 1/);
      const silent = sweep('--out', 'silent', '--quiet');
      expect(silent.status).toBe(0);
      expect(silent.stdout + silent.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gvc merge --help says --out is required, as the command does', () => {
    const out = commands.find((c) => c.name() === 'merge')!.options.find((o) => o.long === '--out')!;
    expect(out.description).toMatch(/\(required\)/);
  });
});
