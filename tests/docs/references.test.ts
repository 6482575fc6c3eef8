/**
 * The repository stands alone: every file that a document, a scenario description, a codebook
 * description or a source comment refers to is in the repository. Checked references:
 *
 * - relative Markdown links `[text](path)` in *.md files, resolved from the linking file;
 * - repository paths such as `docs/evidence.md`, `scenarios/firm-y.yaml`, `src/io/csv.ts` in
 *   Markdown, YAML and shell files, and in the comments of source files (string literals of
 *   tests may name missing files on purpose), resolved from the repository root;
 * - bare Markdown file names (`ODD.md`), which must name some Markdown file of the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .stdout.split('\0')
  .filter((p) => p !== '' && existsSync(join(ROOT, p)));

const TOP = ['docs', 'scenarios', 'src', 'tests', 'scripts', 'bench', 'bin', '.ci'];
const EXT = 'md|ya?ml|ts|mjs|js|sh|json';
/** A repository path: a top-level folder, then segments without placeholders or globs. */
const REPO_PATH = new RegExp(`(?<![\\w./-])((?:${TOP.join('|')})/[\\w./-]*\\.(?:${EXT}))(?![\\w/])`, 'g');
const MD_LINK = /\]\(([^)\s]+)\)/g;
const BARE_MD = /(?<![\w./-])([\w-]+\.md)\b/g;

const markdownNames = new Set(tracked.filter((p) => p.endsWith('.md')).map((p) => basename(p)));

/** The text of a file in which references count: all of it, or only the comments of code. */
function referringText(path: string, text: string): string {
  if (!/\.(ts|mjs|js)$/.test(path)) return text;
  const comments: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (/^(\*|\/\/|\/\*)/.test(trimmed)) comments.push(trimmed);
    else {
      const tail = line.indexOf(' // ');
      if (tail >= 0) comments.push(line.slice(tail));
    }
  }
  return comments.join('\n');
}

function problemsIn(path: string): string[] {
  const problems: string[] = [];
  const text = referringText(path, readFileSync(join(ROOT, path), 'utf8'));
  if (path.endsWith('.md')) {
    for (const m of text.matchAll(MD_LINK)) {
      const target = m[1].split('#')[0];
      if (target === '' || /^[a-z]+:/i.test(target)) continue;
      const resolved = normalize(join(dirname(path), decodeURIComponent(target)));
      if (!existsSync(join(ROOT, resolved))) problems.push(`${path}: link to ${m[1]}`);
    }
  }
  for (const m of text.matchAll(REPO_PATH)) {
    const target = m[1].replace(/\.$/, '');
    if (!existsSync(join(ROOT, target))) problems.push(`${path}: ${target}`);
  }
  for (const m of text.matchAll(BARE_MD)) {
    if (!markdownNames.has(m[1])) problems.push(`${path}: ${m[1]} (no such Markdown file)`);
  }
  return problems;
}

describe('references to repository files', () => {
  const files = tracked.filter((p) => new RegExp(`\\.(${EXT})$`).test(p) && !p.endsWith('package-lock.json'));

  it('all exist', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(problemsIn)).toEqual([]);
  });

  it('are found in links, paths, bare names and code comments (the checker itself)', () => {
    const md = '[a](missing.md) and [b](README.md#x), see `docs/nowhere.md` and GONE.md.';
    const rel = 'docs/probe.md';
    const found = [...md.matchAll(MD_LINK)].map((m) => m[1]);
    expect(found).toEqual(['missing.md', 'README.md#x']);
    expect([...md.matchAll(REPO_PATH)].map((m) => m[1])).toEqual(['docs/nowhere.md']);
    expect([...md.matchAll(BARE_MD)].map((m) => m[1]).filter((n) => !markdownNames.has(n))).toEqual([
      'missing.md',
      'GONE.md',
    ]);
    expect(existsSync(join(ROOT, normalize(join(dirname(rel), 'evidence.md'))))).toBe(true);
    const code = "const f = 'scenarios/missing.yaml';\n// see docs/absent.md\n";
    expect([...referringText('x.ts', code).matchAll(REPO_PATH)].map((m) => m[1])).toEqual([
      'docs/absent.md',
    ]);
  });
});
