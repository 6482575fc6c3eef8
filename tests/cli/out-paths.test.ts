/**
 * A folder given as `o3/`, `o3//` or `./o3` is named `o3` in every message (run, sweep,
 * report, sensitivity, merge, validate), never `o3/.partial` or `o3//report`; a `..` is kept
 * as typed, and on POSIX a `\` is part of a name. A `..` after a symbolic link goes up from
 * the link's target, as for `mkdir -p`: every command writes to, checks and names that folder.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileArg, folderArg } from '../../src/cli/cli-path.js';
import { osResolve } from '../../src/io/os-path.js';
import { cliInTempDir } from './spawn.js';

const { tmp, gvc } = cliInTempDir('gvc-out-paths-');
const WORLD =
  'time: { steps: 2 }\nsuppliers:\n  smes: { count: 3 }\nbuyers:\n  lead: { count: 1 }\n' +
  'sweep:\n  parameters: { environment.ipr_protection: [0.1, 0.9] }\n';

describe('folderArg', () => {
  it.each([
    ['o3/', 'o3'],
    ['o3//', 'o3'],
    ['./o3', 'o3'],
    ['./o3/', 'o3'],
    ['x/../o3', ['x', '..', 'o3'].join(sep)],
    ['a/./b//c/', join('a', 'b', 'c')],
    ['/a//b/', `${sep}a${sep}b`],
    ['.', '.'],
    ['./', '.'],
    ['../x/o3/', ['..', 'x', 'o3'].join(sep)],
    ['/', sep],
    ['', ''],
  ])('%j is %j', (typed, shown) => expect(folderArg(typed)).toBe(shown));
});

describe('messages name an output folder as one path, however it was typed', () => {
  writeFileSync(join(tmp, 's.yaml'), WORLD);
  it.each(['o3/', 'o3//', './o3', './/o3/'])('--out %s', (out) => {
    rmSync(join(tmp, 'o3'), { recursive: true, force: true });
    mkdirSync(join(tmp, 'x'), { recursive: true });
    const s = gvc('sweep', 's.yaml', '--out', out, '--workers', '1');
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/→ o3\/\n$/);
    const again = gvc('sweep', 's.yaml', '--out', out, '--workers', '1');
    expect(again.stderr).toBe('gvc: output folder o3 is not empty; use --force to replace it\n');
    const r = gvc('run', 's.yaml', '--out', out.replace('o3', 'r3'), '--quiet');
    expect(r.code).toBe(0);
    expect(gvc('run', 's.yaml', '--out', out.replace('o3', 'r3')).stderr).toBe(
      'gvc: output folder r3 is not empty; use --force to replace it\n',
    );
    rmSync(join(tmp, 'r3'), { recursive: true });
    // The commands that read a sweep folder (report renders figures: slow, so once).
    if (out !== 'o3//') return;
    const rep = gvc('report', out, '--out', 'p3//');
    expect(rep.stdout).toBe('gvc: wrote report.html and 1 figure (sweep folder) to p3/\n');
    expect(gvc('sensitivity', out).stderr).toMatch(/^gvc: o3: a grid sweep/);
    expect(gvc('merge', out, '--out', 'm').stderr).toMatch(/^gvc: o3: not a shard/);
  });

  it.runIf(sep === '/')('on POSIX a backslash is part of a name, not a separator', () => {
    expect(folderArg('zz\\')).toBe('zz\\');
    expect(gvc('run', 's.yaml', '--out', 'zz\\', '--quiet').code).toBe(0);
    expect(existsSync(join(tmp, 'zz\\', 'manifest.json'))).toBe(true);
  });

  it('a folder gvc did not write is named as given, not by its absolute path', () => {
    mkdirSync(join(tmp, 'mine'), { recursive: true });
    writeFileSync(join(tmp, 'mine', 'notes.txt'), 'x');
    for (const [command, owner] of [
      ['run', 'gvc run'],
      ['sweep', 'gvc sweep or gvc merge'],
    ])
      expect(gvc(command, 's.yaml', '--out', './mine/', '--quiet').stderr).toBe(
        `gvc: output folder mine: not an output folder written by gvc (no gvc manifest.json); --force replaces only ${owner}'s own folders: choose another folder or remove it yourself\n`,
      );
  });

  it('an interrupted sweep is o3.partial, not o3/.partial', () => {
    rmSync(join(tmp, 'o3'), { recursive: true, force: true });
    expect(gvc('sweep', 's.yaml', '--out', 'o3', '--workers', '1').code).toBe(0);
    cpSync(join(tmp, 'o3'), join(tmp, 'o4.partial'), { recursive: true });
    rmSync(join(tmp, 'o4.partial', 'summary.csv'));
    expect(gvc('sweep', 's.yaml', '--out', 'o4/', '--workers', '1').stderr).toBe(
      'gvc: an interrupted sweep is in o4.partial; continue it with --resume or start over with --force\n',
    );
  });
});

// Symbolic links need privileges on Windows; the rule is the same there.
describe.runIf(sep === '/')('a `..` after a symbolic link means what the system means', () => {
  // w/lk -> elsewhere/sub: w/lk/../o5 is elsewhere/o5 for mkdir, cp and gvc alike.
  const root = realpathSync(tmp);
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(join(elsewhere, 'sub'), { recursive: true });
  symlinkSync(join(elsewhere, 'sub'), join(root, 'lk'));
  writeFileSync(join(elsewhere, 'b.yaml'), WORLD);
  writeFileSync(join(elsewhere, 'd.yaml'), 'base: b.yaml\nset: { time.steps: 3 }\n');

  it('osResolve follows the link before each `..`; parts yet to be made are as written', () => {
    expect(osResolve(`${root}/lk/../o5`)).toBe(join(elsewhere, 'o5'));
    expect(osResolve(`${root}/lk/new/../../o5`)).toBe(join(elsewhere, 'o5'));
    expect(osResolve(`${root}/new/../o5`)).toBe(join(root, 'o5'));
    // Without `..` nothing changes: a link as the last part stays, for the link check.
    expect(osResolve(join(root, 'lk'))).toBe(join(root, 'lk'));
    // Paths whose `..` reads the same either way are shown as typed.
    expect(folderArg('x/../o3')).toBe(['x', '..', 'o3'].join(sep));
    expect(folderArg(`${root}/lk/../o5/`)).toBe(join(elsewhere, 'o5'));
    expect(fileArg(`${root}/lk/../d.yaml`)).toBe(join(elsewhere, 'd.yaml'));
  });

  it('every command writes to and names the folder next to the link target', () => {
    // Named relative to the working folder, where elsewhere/ lies.
    const o5 = join('elsewhere', 'o5');
    const r = gvc('run', 's.yaml', '--out', 'lk/../o5');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`to ${o5}/ in `));
    expect(existsSync(join(elsewhere, 'o5', 'manifest.json'))).toBe(true);
    expect(existsSync(join(tmp, 'o5'))).toBe(false);
    expect(gvc('run', 's.yaml', '--out', 'lk/../o5').stderr).toBe(
      `gvc: output folder ${o5} is not empty; use --force to replace it\n`,
    );
    const s = gvc('sweep', 's.yaml', '--out', 'lk/../o7', '--workers', '1');
    expect(s.code).toBe(0);
    expect(existsSync(join(elsewhere, 'o7', 'summary.csv'))).toBe(true);
    expect(existsSync(join(tmp, 'o7'))).toBe(false);
    expect(gvc('sensitivity', 'lk/../o7').stderr).toBe(
      `gvc: ${join('elsewhere', 'o7')}: a grid sweep; sensitivity indices need a sobol or morris design (see summary.csv for this one)\n`,
    );
    expect(gvc('table', 'lk/../o7/summary.csv', '--format', 'markdown').code).toBe(0);
  });

  it("a scenario's base: is found next to the file the system reads", () => {
    const r = gvc('params', 'lk/../d.yaml');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^time\.steps +3 /m);
  });

  it('--force protections hold through the link', () => {
    expect(gvc('run', 'lk/../d.yaml', '--out', 'lk/..', '--force').stderr).toBe(
      `gvc: output folder elsewhere: it contains ${join('elsewhere', 'd.yaml')}, an input of this command; --force would delete it\n`,
    );
    mkdirSync(join(elsewhere, 'mine'));
    writeFileSync(join(elsewhere, 'mine', 'notes.txt'), 'mine');
    expect(gvc('run', 's.yaml', '--out', 'lk/../mine', '--force').code).toBe(2);
    expect(readFileSync(join(elsewhere, 'mine', 'notes.txt'), 'utf8')).toBe('mine');
    symlinkSync('..', join(root, 'up'));
    expect(gvc('run', 's.yaml', '--out', `up/${root.split(sep).pop()}`, '--force').stderr).toMatch(
      /it is \(or contains\) the current folder/,
    );
  });

  it('a part before `..` the system cannot go up from is refused, as by mkdir -p', () => {
    // lp1 and lp2 link to each other; dang leads nowhere; plain is a file.
    symlinkSync('lp2', join(root, 'lp1'));
    symlinkSync('lp1', join(root, 'lp2'));
    symlinkSync('/nonexistent/x', join(root, 'dang'));
    writeFileSync(join(root, 'plain'), 'not a folder');
    const LOOP = 'too many levels of symbolic links (a link loop?)';
    const DANG = 'dang is a link to /nonexistent/x, which does not exist';
    expect(() => osResolve(`${root}/lp1/../o9`)).toThrow(`${root}/lp1/../o9: ${root}/lp1: ${LOOP}`);
    expect(() => osResolve(`${root}/dang/sub/../o10`)).toThrow(
      `${root}/dang/sub/../o10: ${root}/dang is a link to /nonexistent/x, which does not exist`,
    );
    expect(() => osResolve(`${root}/plain/../o`)).toThrow(`${root}/plain is a file, not a folder`);
    for (const [out, why] of [
      ['lp1/../o9', `lp1: ${LOOP}`],
      ['lp1/x/../o9', `lp1: ${LOOP}`],
      ['dang/../o10', DANG],
      ['dang/sub/../o10', DANG],
      ['plain/../o11', 'plain is a file, not a folder'],
    ]) {
      const r = gvc('run', 's.yaml', '--out', out, '--quiet');
      expect(r.stderr).toBe(`gvc: ${out}: ${why}\n`);
      expect(r.code).toBe(2);
    }
    for (const o of ['o9', 'o10', 'o11']) expect(existsSync(join(root, o))).toBe(false);
    // Input paths alike.
    const input = gvc('table', 'dang/../s.csv', '--format', 'markdown');
    expect(input.stderr).toBe(`gvc: dang/../s.csv: ${DANG}\n`);
    expect(input.code).toBe(2);
    expect(gvc('run', 'lp1/../s.yaml').stderr).toBe(`gvc: lp1/../s.yaml: lp1: ${LOOP}\n`);
    // A part that simply does not exist yet is still taken as written.
    expect(gvc('run', 's.yaml', '--out', 'new/../o12', '--quiet').code).toBe(0);
    expect(existsSync(join(root, 'o12', 'manifest.json'))).toBe(true);
  });
});
