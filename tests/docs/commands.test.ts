/**
 * Every command the README and the tutorials show must work when pasted in order on a fresh
 * clone, and following them must leave the clone's git tree clean.
 *
 * Each shell block (```sh) in these documents is preceded by a marker comment saying what this
 * test does with it:
 *
 *   <!-- commands: run -->                              every line is run, in document order
 *   <!-- commands: run; skip: npm install, npm test — reason -->   run all but the listed lines
 *   <!-- commands: exempt — reason -->                  not run (placeholders, hours of work …)
 *
 * A shell block without a marker, a marker without a reason, or a skip naming a line the block
 * does not hold fails the test, so a new block cannot silently go untested. The commands run in
 * a copy of the tracked files (the working tree's versions) committed to a fresh git repository,
 * with this checkout's node_modules and dist/ linked in place of `npm install`.
 *
 * `npx gvc <command> …` runs through npx as written the first time each gvc command (run,
 * sweep, report …) appears, and as the `node bin/gvc.js <command> …` npx starts after that:
 * each npx call costs about a second of CPU before gvc starts, and the replay holds some 30.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The documents a new user follows, in the order a new user reads them. */
function documents(): string[] {
  const index = readFileSync(join(ROOT, 'docs/tutorials/README.md'), 'utf8');
  const tutorials = [...index.matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => `docs/tutorials/${m[1]}`);
  return ['README.md', 'docs/tutorials/README.md', ...new Set(tutorials)];
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER = /^<!--\s*commands:\s*(run|exempt)\b(.*?)-->$/;

interface Command {
  file: string;
  line: number;
  text: string;
}

interface Block {
  file: string;
  line: number;
  lang: string;
  marker: string | null;
  commands: Command[];
}

/** Fenced blocks of a Markdown file, with the marker comment on the line(s) before each. */
export function fencedBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const marker = prev >= 0 && lines[prev].trim().startsWith('<!--') ? lines[prev].trim() : null;
    const body: { line: number; text: string }[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^```\s*$/.test(lines[j]); j++) {
      body.push({ line: j + 1, text: lines[j] });
    }
    const commands: Command[] = [];
    for (let k = 0; k < body.length; k++) {
      const start = body[k];
      let cmd = start.text;
      while (cmd.endsWith('\\') && k + 1 < body.length) cmd = cmd.slice(0, -1) + body[++k].text;
      if (cmd.trim() === '' || cmd.trim().startsWith('#')) continue;
      commands.push({ file, line: start.line, text: cmd.trim() });
    }
    blocks.push({ file, line: i + 1, lang: open[1], marker, commands });
    i = j;
  }
  return blocks;
}

/**
 * Commands quoted in running text (`npx gvc …` or `node bin/gvc.js …` code spans, which may
 * wrap across lines) that a reader could paste as they stand: spans holding a `<placeholder>`
 * are syntax, not commands. Whitespace is collapsed.
 */
export function inlineCommands(file: string, text: string): Command[] {
  const lines = text.split('\n');
  // Blank out fenced blocks (keeping line numbers): their commands are the blocks' business.
  let fenced = false;
  const prose = lines.map((l) => {
    const fence = /^```/.test(l);
    const blank = fenced || fence;
    if (fence) fenced = !fenced;
    return blank ? '' : l;
  });
  const joined = prose.join('\n');
  const found: Command[] = [];
  for (const m of joined.matchAll(/`([^`]+)`/g)) {
    const cmd = m[1].replace(/\s+/g, ' ').trim();
    if (!/^(npx gvc|node bin\/gvc\.js) /.test(cmd) || cmd.includes('<')) continue;
    const line = joined.slice(0, m.index).split('\n').length;
    found.push({ file, line, text: cmd });
  }
  return found;
}

/** A command as a reader pastes it: its trailing comment dropped, whitespace collapsed. */
const pasted = (text: string) =>
  text
    .replace(/\s+#.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();

interface Plan {
  run: Command[];
  problems: string[];
}

/** The commands to run, in order, and every block that is neither run nor exempt with a reason. */
function plan(files: readonly string[]): Plan {
  const run: Command[] = [];
  const problems: string[] = [];
  for (const file of files) {
    for (const b of fencedBlocks(file, readFileSync(join(ROOT, file), 'utf8'))) {
      const where = `${file}:${b.line}`;
      if (!SHELL.has(b.lang)) {
        // Untagged blocks are layouts and listings; a command in one would escape this test.
        const cmd = b.commands.find((c) => /^(npx|npm|node|gvc)\s/.test(c.text));
        if (cmd) problems.push(`${where}: a ${b.lang || 'untagged'} block holds "${cmd.text}"`);
        continue;
      }
      const m = b.marker === null ? null : MARKER.exec(b.marker);
      if (!m) {
        problems.push(`${where}: shell block without <!-- commands: run|exempt … --> marker`);
        continue;
      }
      const rest = m[2].trim();
      if (m[1] === 'exempt') {
        if (!/^[—:-]\s*\S{3,}/.test(rest)) problems.push(`${where}: exempt without a reason`);
        continue;
      }
      let skip: string[] = [];
      if (rest !== '') {
        const s = /^;\s*skip:\s*(.+?)\s+—\s+(\S.*)$/.exec(rest);
        if (!s) {
          problems.push(`${where}: expected "run" or "run; skip: a, b — reason", got "${rest}"`);
          continue;
        }
        skip = s[1].split(',').map((x) => x.trim());
      }
      const bare = (c: Command) => c.text.replace(/\s+#.*$/, '').trim();
      for (const s of skip) {
        if (!b.commands.some((c) => bare(c) === s)) problems.push(`${where}: skips "${s}", not in the block`);
      }
      run.push(...b.commands.filter((c) => !skip.includes(bare(c))));
    }
  }
  return { run, problems };
}

/** A fresh clone-like copy: the tracked files committed to a new repository. */
function cloneLikeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gvc-docs-'));
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files: ${listed.stderr}`);
  for (const path of listed.stdout.split('\0').filter((p) => p !== '')) {
    if (!existsSync(join(ROOT, path))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(ROOT, path), join(dir, path));
  }
  // Stands in for `npm install`: this checkout's dependencies and its build (npm test builds first).
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  git('init', '-q');
  // A symlink is not a directory, so .gitignore's `node_modules/` does not cover the link.
  writeFileSync(join(dir, '.git/info/exclude'), '/node_modules\n');
  git('add', '-A');
  git('-c', 'user.name=docs test', '-c', 'user.email=docs@test', 'commit', '-qm', 'clone');
  return dir;
}

/** Absolute paths that identify a machine: home folders, npm's npx cache, temp folders. */
const MACHINE_PATH = new RegExp(
  // Split so that this file does not hold what it looks for.
  ['(?<![\\w.~-])/(?:root|home)/', '\\.npm' + '/_npx', '(?<![\\w.~-])/t' + 'mp/'].join('|'),
);

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * The command line to run for each documented command, in order: `npx gvc X …` as written the
 * first time gvc command X is seen, after that as the `node bin/gvc.js X …` npx runs (the bin
 * package.json declares, which the replay checks). Other commands are run as written.
 */
export function launchers(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  return texts.map((text) => {
    const m = /^npx gvc (\S+)/.exec(text);
    if (!m) return text;
    if (!seen.has(m[1])) {
      seen.add(m[1]);
      return text;
    }
    return `node bin/gvc.js ${text.slice('npx gvc '.length)}`;
  });
}

const copies: string[] = [];
afterAll(() => {
  for (const d of copies) rmSync(d, { recursive: true, force: true });
});

describe('README and tutorial commands', () => {
  it('marks every shell block as run or exempt with a reason', () => {
    const { run, problems } = plan(documents());
    expect(problems).toEqual([]);
    expect(run.length).toBeGreaterThan(10);
  });

  it('shows every command quoted in the text in a shell block too, run or exempt', () => {
    // A command only quoted in a sentence escapes the replay below: a new user pasted the
    // relationship tutorial's sweep after `npm start`, and it was refused (output/baseline held
    // the run). Each must appear in a block, where the replay or an exemption covers it.
    const inBlocks = new Set<string>();
    const quoted: Command[] = [];
    for (const file of documents()) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const b of fencedBlocks(file, text)) {
        if (SHELL.has(b.lang)) for (const c of b.commands) inBlocks.add(pasted(c.text));
      }
      quoted.push(...inlineCommands(file, text));
    }
    expect(quoted.length).toBeGreaterThan(0);
    const loose = quoted.filter((c) => !inBlocks.has(pasted(c.text)));
    expect(loose.map((c) => `${c.file}:${c.line} ${c.text}`)).toEqual([]);
  });

  it('finds commands quoted in the text, across line breaks, outside blocks (the parser)', () => {
    const md = [
      'Run `npx gvc sweep a.yaml',
      '  --reps 2` or `gvc sweep`, `npx gvc <command>`, `node bin/gvc.js --version`.',
      '```sh',
      'x `npx gvc run b.yaml`',
      '```',
    ].join('\n');
    expect(inlineCommands('x.md', md).map((c) => [c.line, c.text])).toEqual([
      [1, 'npx gvc sweep a.yaml --reps 2'],
      [2, 'node bin/gvc.js --version'],
    ]);
  });

  it('runs each gvc command through npx once, then through the bin npx runs', () => {
    expect(
      launchers([
        'npm start',
        'npx gvc --version',
        'npx gvc run a.yaml --force',
        'npx gvc run b.yaml > x.txt',
        'npx gvc report out/a --force',
        'npx gvc --version',
        'npx gvc runs',
      ]),
    ).toEqual([
      'npm start',
      'npx gvc --version',
      'npx gvc run a.yaml --force',
      'node bin/gvc.js run b.yaml > x.txt',
      'npx gvc report out/a --force',
      'node bin/gvc.js --version',
      'npx gvc runs',
    ]);
    // What `npx gvc` runs in this package: its bin named gvc.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ gvc: 'bin/gvc.js' });
  });

  it('finds markers, skips and continuation lines (the parser itself)', () => {
    const md = [
      '<!-- commands: run; skip: npm install — installed by the test -->',
      '```sh',
      'npm install   # installs',
      'npx gvc run a.yaml \\',
      '  --seed 2',
      '```',
      '```sh',
      'npx gvc params',
      '```',
    ].join('\n');
    const blocks = fencedBlocks('x.md', md);
    expect(blocks.map((b) => b.marker)).toEqual([
      '<!-- commands: run; skip: npm install — installed by the test -->',
      null,
    ]);
    expect(blocks[0].commands.map((c) => [c.line, c.text])).toEqual([
      [3, 'npm install   # installs'],
      [4, 'npx gvc run a.yaml   --seed 2'],
    ]);
  });

  it('no committed file holds a machine-specific absolute path', () => {
    const listed = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
    const offenders: string[] = [];
    for (const path of listed.stdout.split('\0').filter((p) => p !== '')) {
      const file = join(ROOT, path);
      if (!existsSync(file) || /\.(png|ico|woff2?)$/.test(path)) continue;
      const text = readFileSync(file, 'utf8');
      const m = MACHINE_PATH.exec(text);
      if (m) offenders.push(`${path}: …${text.slice(Math.max(0, m.index - 30), m.index + 30)}…`);
    }
    expect(offenders).toEqual([]);
  });

  it(
    'all succeed in order on a fresh clone, and leave its git tree clean',
    () => {
      const { run, problems } = plan(documents());
      expect(problems).toEqual([]);
      const dir = cloneLikeCopy();
      copies.push(dir);
      const lines = launchers(run.map((c) => c.text));
      expect(lines.filter((l) => l.startsWith('npx gvc ')).length).toBeGreaterThan(3);
      for (const [k, c] of run.entries()) {
        const r = spawnSync('bash', ['-c', lines[k]], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, GVC_DEBUG: '1' },
        });
        const outcome = r.status === 0 ? 'ok' : `exit ${r.status}: ${r.stderr.trim().slice(-600)}`;
        expect(`${c.file}:${c.line} ${c.text}: ${outcome}`).toBe(`${c.file}:${c.line} ${c.text}: ok`);
      }
      const status = spawnSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' });
      expect(status.stdout).toBe('');
      // What the commands wrote (manifests, reports) names no path of this machine.
      const written = walk(join(dir, 'output')).filter((p) => /\.(json|html|md)$/.test(p));
      expect(written.length).toBeGreaterThan(0);
      const leaks = written.filter((p) => {
        const text = readFileSync(p, 'utf8');
        return text.includes(dir) || text.includes(ROOT) || MACHINE_PATH.test(text);
      });
      expect(leaks.map((p) => p.slice(dir.length + 1))).toEqual([]);
    },
    // A hang guard only: about 450 sweep runs and 30 CLI calls, some 1.5 min of CPU on an idle
    // 2-core machine, but 15 min and more when the machine is shared.
    1_800_000,
  );
});
