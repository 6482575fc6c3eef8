/**
 * Inputs found by trying every command as a hostile new user (issue 11): paths that are not
 * files of finite size (kind 3/4), bytes that are not UTF-8 in the files gvc reads back (kind
 * 3/5), two values for one parameter or a flag that would be ignored (kind 5), empty lists
 * silently read as "the default" (kind 5), and --force on a gvc folder holding a user's
 * files (kind 1). Each case is a one-line message and exit status 2, with nothing written.
 */
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gvcInProcess } from '../report/cli.js';
import { TINY_WORLD, tempRoot } from './fixtures.js';

const root = tempRoot('hostile');
const WORLD = TINY_WORLD;
const SWEEP = `${WORLD}sweep:
  design: grid
  replications: 1
  parameters:
    environment.ipr_protection: [0.2, 0.8]
`;

function write(path: string, text: string | Buffer): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');

async function refused(...args: string[]): Promise<string> {
  const quiet = ['table', 'params'].includes(args[0]) ? [] : ['--quiet'];
  const r = await gvcInProcess(...args, ...quiet);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^gvc: [^\n]+\n$/);
  return r.stderr;
}

let scenario = '';
let sweep = '';
let runDir = '';
beforeAll(async () => {
  scenario = write(join(root, 's.yaml'), `name: s\n${WORLD}`);
  sweep = write(join(root, 'sw.yaml'), `name: sw\n${SWEEP}`);
  runDir = join(root, 'run');
  expect((await gvcInProcess('run', scenario, '--out', runDir, '--quiet')).code).toBe(0);
});

describe('a path that is not a file of finite size is refused before reading (kinds 3, 4)', () => {
  // /dev/zero never ends: reading it whole grew memory until the process aborted
  // (std::bad_alloc, exit 134); a named pipe without a writer waited forever.
  const fifo = (path: string) => {
    execFileSync('mkfifo', [path]);
    return path;
  };
  const link = (path: string) => {
    symlinkSync('/dev/zero', path);
    return path;
  };

  it.each([
    ['run', 'zero.yaml', link],
    ['run', 'pipe.yaml', fifo],
    ['params', 'zero2.yaml', link],
    ['sweep', 'zero3.json', link],
  ] as const)('gvc %s <%s>', async (command, name, make) => {
    const file = make(join(root, name));
    expect(await refused(command, file)).toContain(
      `${file}: not a regular file (a device, pipe or socket)`,
    );
  });

  it('gvc table of a device, and a sweep folder whose design.json is one', async () => {
    expect(await refused('table', link(join(root, 'zero.csv')), '--format', 'latex')).toMatch(
      /zero\.csv: not a regular file/,
    );
    const d = join(root, 'fake-sweep');
    mkdirSync(d);
    link(join(d, 'design.json'));
    expect(await refused('sensitivity', d)).toMatch(/design\.json: not a regular file/);
    expect(await refused('merge', d, '--out', join(root, 'merged'))).toMatch(
      /design\.json: not a regular file/,
    );
  });

  it('a scenario file larger than the bound is refused with its size', async () => {
    const big = write(join(root, 'big.yaml'), `# ${'x'.repeat(9 * 1024 * 1024)}\n${WORLD}`);
    expect(await refused('run', big)).toMatch(/big\.yaml: [\d,]+ bytes, more than the 8,388,608/);
  });
});

describe('files read back must be UTF-8: a bad byte is refused with its position (kinds 3, 5)', () => {
  it('any invalid byte in a CSV given to gvc table or gvc report, or in a manifest', async () => {
    const text = readFileSync(join(runDir, 'timeseries.csv'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: text.length - 1 }),
        fc.constantFrom(0xff, 0xfe, 0xc0, 0x80),
        async (at, byte) => {
          const bad = Buffer.from(text);
          bad[at] = byte;
          const csv = write(join(root, `utf8-${n++}.csv`), bad);
          const msg = await refused('table', csv, '--format', 'markdown');
          expect(msg).toMatch(/:\d+:\d+: expected UTF-8 text, found byte 0x/);
          expect(msg).toContain(`at byte offset ${at}`);
        },
      ),
      { numRuns: 25 },
    );
    const d = join(root, 'bad-manifest');
    execFileSync('cp', ['-r', runDir, d]);
    writeFileSync(join(d, 'manifest.json'), Buffer.from([0x7b, 0xff, 0x7d]));
    expect(await refused('report', d, '--out', join(root, 'r-bad'))).toMatch(
      /manifest\.json:1:2: expected UTF-8 text, found byte 0xFF/,
    );
  });
});

describe('two values for one parameter, or a flag that would do nothing, are refused (kind 5)', () => {
  it.each([
    [['run', '--set', 'time.steps=2', '--set', 'time.steps=3'], /time\.steps is also given by/],
    [['run', '--set', 'seed=2', '--seed', '3'], /--seed 3: seed is also given by --set seed=2/],
    [['run', '--set', 'time.steps=2', '--steps', '3'], /--steps 3: time\.steps is also given/],
  ])('gvc %j', async (args, msg) => {
    const out = join(root, 'never');
    expect(await refused(args[0], scenario, ...args.slice(1), '--out', out)).toMatch(msg);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--set', 'seed=5'], /--set seed=5: each run of a sweep gets its own seed/],
    [['--allow-mixed-provenance'], /--allow-mixed-provenance: only with --resume/],
    [
      ['--vary', 'environment.institutions=[0.1, 0.3, 0.1]'],
      /--vary environment\.institutions=\[0\.1, 0\.3, 0\.1\]: environment\.institutions\[2\]: expected each value once .*found 0\.1 again \(also item 0\)/,
    ],
    [
      ['--vary', 'environment.institutions=[0.1]', '--vary', 'environment.institutions=[0.2]'],
      /environment\.institutions is also varied by --vary environment\.institutions=\[0\.1\]/,
    ],
  ])('gvc sweep %j', async (args, msg) => {
    const out = join(root, 'never-sweep');
    expect(await refused('sweep', sweep, ...args, '--out', out)).toMatch(msg);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('a value listed twice in a sweep file names the file and the item', async () => {
    const f = write(
      join(root, 'dup.yaml'),
      `name: dup\n${WORLD}sweep:\n  parameters:\n    buyers.us.governance: [market, network, market]\n`,
    );
    expect(await refused('sweep', f, '--out', join(root, 'never-dup'))).toMatch(
      /dup\.yaml:9:45: sweep\.parameters\.buyers\.us\.governance\[2\]: expected each value once/,
    );
  });

  it('a set listed twice in another order is one condition, refused as a value listed twice', async () => {
    // guards and buyer_groups are sets to the model ([design, marketing] and [marketing,
    // design] give the same bytes), so a grid over both ran one condition as two cells.
    const f = write(
      join(root, 'dup-set.yaml'),
      `name: dupset\n${WORLD}sweep:\n  parameters:\n    buyers.us.guards: [[design, marketing], [design], [marketing, design]]\n`,
    );
    expect(await refused('sweep', f, '--out', join(root, 'never-dup-set'))).toMatch(
      /dup-set\.yaml:9:\d+: sweep\.parameters\.buyers\.us\.guards\[2\]: expected each value once \(replications repeat a cell\), found \[marketing, design\], the same set as item 0 in another order$/m,
    );
    expect(existsSync(join(root, 'never-dup-set'))).toBe(false);
    // The same set in the same order is the same value again, not "another order".
    const same = write(
      join(root, 'dup-same.yaml'),
      `name: dupsame\n${WORLD}sweep:\n  parameters:\n    buyers.us.guards: [[design, marketing], [design, marketing]]\n`,
    );
    expect(await refused('sweep', same, '--out', join(root, 'never-dup-same'))).toMatch(
      /guards\[1\]: expected each value once \(replications repeat a cell\), found \[design, marketing\] again \(also item 0\)$/m,
    );
    // Sets that differ are two conditions.
    const ok = write(
      join(root, 'two-sets.yaml'),
      `name: twosets\n${WORLD}sweep:\n  parameters:\n    buyers.us.guards: [[design, marketing], [marketing]]\n`,
    );
    const r = spawnSync(
      process.execPath,
      [BIN, 'sweep', ok, '--out', join(root, 'two-sets'), '--workers', '1', '--quiet'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it.each([
    ['report', '--metrics', ''],
    ['report', '--metrics', ' , '],
    ['report', '--metrics', 'lockin_rate,'],
    ['report', '--metrics', 'lockin_rate,lockin_rate'],
    ['table', '--columns', ''],
    ['table', '--columns', 'step,,n_suppliers'],
  ])('gvc %s %s %j: an empty or repeated item is not "the default"', async (cmd, flag, value) => {
    const target = cmd === 'table' ? join(runDir, 'timeseries.csv') : runDir;
    const extra = cmd === 'table' ? ['--format', 'latex'] : ['--out', join(root, 'never-r')];
    expect(await refused(cmd, target, flag, value, ...extra)).toMatch(
      new RegExp(`^gvc: ${flag}: .*(expected a comma-separated list|listed twice)`),
    );
  });
});

describe('--force keeps what a user put into a gvc folder (kind 1)', () => {
  it('gvc run and gvc sweep refuse a folder holding a foreign file, and delete nothing', async () => {
    const out = join(root, 'forced-run');
    expect((await gvcInProcess('run', scenario, '--out', out, '--quiet')).code).toBe(0);
    write(join(out, 'notes.txt'), 'my notes');
    write(join(out, 'thesis', 'ch1.tex'), 'chapter');
    expect(await refused('run', scenario, '--out', out, '--force')).toMatch(
      /holds notes\.txt and thesis, which gvc did not write there;/,
    );
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('my notes');
    rmSync(join(out, 'notes.txt'));
    expect(await refused('run', scenario, '--out', out, '--force')).toMatch(/holds thesis/);
    rmSync(join(out, 'thesis'), { recursive: true });
    expect((await gvcInProcess('run', scenario, '--out', out, '--quiet', '--force')).code).toBe(0);

    // A sweep's worker threads run the built program, so the sweep runs the built CLI.
    const sw = join(root, 'forced-sweep');
    const args = ['sweep', sweep, '--out', sw, '--workers', '1', '--quiet'];
    execFileSync(process.execPath, [BIN, ...args]);
    write(join(sw, 'analysis.R'), 'mine');
    expect(await refused(...args.slice(0, -1), '--force')).toMatch(/holds analysis\.R/);
    expect(readdirSync(sw)).toContain('analysis.R');
  });
});

describe('found by the audit: internal errors and library wording (kinds 2, 11)', () => {
  // A group called "constructor" or "prototype" passed the name pattern and then reached
  // setPath's guard: "internal error: setPath: refusing path segment constructor".
  it.each([
    ['suppliers: {constructor: {count: 3}}\nbuyers: {us: {count: 1}}\n', 'suppliers.constructor'],
    ['suppliers: {sme: {count: 3}}\nbuyers: {prototype: {count: 1}}\n', 'buyers.prototype'],
    [
      'suppliers: {sme: {count: 3, buyer_groups: [constructor]}}\nbuyers: {us: {count: 1}}\n',
      'suppliers.sme.buyer_groups[0]',
    ],
  ])('a reserved group name is bad input: %j', async (text, path) => {
    const f = write(join(root, `reserved-${path}.yaml`), `name: r\n${text}`);
    const msg = await refused('run', f, '--out', join(root, 'never-reserved'));
    expect(msg).toContain(`${path}: expected a`);
    expect(msg).not.toMatch(/internal error|setPath/);
  });

  it.each([
    [
      'two.yaml',
      'name: a\n---\nname: b\n',
      /two\.yaml:2:1: invalid YAML: a second document starts here/,
    ],
    [
      'two.json',
      '{"name": "a"}\n{"name": "b"}\n',
      /two\.json:2:1: invalid JSON: Unexpected non-whitespace character after JSON$/m,
    ],
  ])('%s: the message names the problem, not the parser library', async (name, text, msg) => {
    const out = await refused('run', write(join(root, name), text), '--out', join(root, 'n'));
    expect(out).toMatch(msg);
    expect(out).not.toMatch(/parseAllDocuments|at position/);
  });

  it.each([
    ['run', scenarioArg],
    ['sweep', sweepArg],
    ['report', () => runDir],
  ] as const)(
    'gvc %s --out <a file>/x: bad input, exit 2, as for every output folder',
    async (cmd, arg) => {
      expect(await refused(cmd, arg(), '--out', join(scenario, 'x'))).toMatch(
        /cannot write output folder .*: a part of the path is a file, not a folder/,
      );
    },
  );
});

describe('an output path that is a symbolic link (kind 1)', () => {
  // Putting a finished folder in place renames it onto the path, which would replace the
  // user's link by a folder: refused, with the link and what it leads to left as they were.
  const input: Record<string, () => string> = {
    run: scenarioArg,
    sweep: sweepArg,
    report: () => runDir,
    validate: () => '--fast',
  };
  it.each([
    ['run', ''],
    ['run', '--force'],
    ['sweep', '--force'],
    ['report', '--force'],
    ['validate', '--force'],
  ])('gvc %s --out <a link> %s: exit 2, the link and its folder kept', async (cmd, flag) => {
    const dir = mkdtempSync(join(root, 'linked-'));
    const kept = write(join(dir, 'target', 'notes.txt'), 'mine');
    const link = join(dir, 'out');
    symlinkSync(join(dir, 'target'), link);
    const extra = flag === '' ? [] : [flag];
    expect(await refused(cmd, input[cmd](), '--out', link, ...extra)).toMatch(
      /output folder .*out is a symbolic link; gvc does not replace links: give the folder it points to \(.*target\)/,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(dir, 'target'))).toEqual(['notes.txt']);
    expect(readFileSync(kept, 'utf8')).toBe('mine');
  });
});

describe('standard output that cannot be written (kind 2)', () => {
  // /dev/full fails every write with ENOSPC, as a full disk does for `gvc table … > t.tex`.
  it.each([
    ['schema', ''],
    ['params', ''],
    ['--help', ''],
    ['table', '__runs__'],
  ])('gvc %s > /dev/full: one line naming the cause, exit 3, no stack trace', (cmd, arg) => {
    const fd = openSync('/dev/full', 'w');
    try {
      const args =
        arg === '__runs__' ? [cmd, join(runDir, 'timeseries.csv'), '--format', 'markdown'] : [cmd];
      const r = spawnSync(process.execPath, [BIN, ...args], {
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toBe('gvc: cannot write standard output: no space left on device\n');
    } finally {
      closeSync(fd);
    }
  });

  it('a reader that stops early (gvc params | head -1) ends it quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" params | head -c 10`], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('--resume of a folder that is not an interrupted sweep (kind 11)', () => {
  it('says what the folder is, and leaves it alone', async () => {
    const dir = mkdtempSync(join(root, 'resume-'));
    const kept = write(join(dir, 'mywork.partial', 'data.txt'), 'mine');
    const out = await refused('sweep', sweep, '--out', join(dir, 'mywork'), '--resume');
    expect(out).toMatch(/nothing to resume: .*mywork\.partial is not an interrupted gvc sweep/);
    expect(readFileSync(kept, 'utf8')).toBe('mine');
  });
});

function scenarioArg(): string {
  return scenario;
}
function sweepArg(): string {
  return sweep;
}

describe('runs.csv given to gvc sensitivity is read exactly as gvc writes it (kind 3)', () => {
  const SOBOL = `name: sob\n${WORLD}sweep:
  design: sobol
  samples: 4
  replications: 1
  parameters:
    environment.ipr_protection: {min: 0, max: 1}
    environment.institutions: {min: 0, max: 1}
`;
  let sob = '';
  beforeAll(() => {
    sob = join(root, 'sob');
    const f = write(join(root, 'sob.yaml'), SOBOL);
    execFileSync(process.execPath, [BIN, 'sweep', f, '--out', sob, '--workers', '1', '--quiet']);
  });

  /** A copy of the sweep whose runs.csv has `edit` applied to its rows (header first). */
  function damaged(name: string, edit: (rows: string[][]) => void): string {
    const d = join(root, name);
    execFileSync('cp', ['-r', sob, d]);
    const rows = readFileSync(join(d, 'runs.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    edit(rows);
    writeFileSync(join(d, 'runs.csv'), rows.map((r) => r.join(',')).join('\n') + '\n');
    // As in a folder written before manifests recorded each file's size and hash: the cells
    // themselves are checked (with the record, the changed file is refused before them).
    const manifest = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as {
      files?: Record<string, unknown>;
    };
    delete manifest.files;
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(manifest, null, 2));
    return d;
  }

  it.each([[' 1'], ['0x1'], ['0b1'], ['1_0'], ['Infinity'], ['NaN'], ['1e999']])(
    'a metric cell %j is refused with file, line and column (Number() would take some)',
    async (cell) => {
      const d = damaged(`sob-cell-${cell.trim()}`, (rows) => {
        rows[2][rows[0].indexOf('mean_design')] = cell;
      });
      expect(await refused('sensitivity', d, '--metric', 'mean_design')).toContain(
        `runs.csv:3: mean_design: expected a number, found ${JSON.stringify(cell)}`,
      );
    },
  );

  it.each([
    ['lockin_rate', '5'],
    ['share_obm', '-1'],
    ['n_suppliers', '-3'],
  ])('a %s of %s, outside what any run can produce, is refused as damage', async (metric, cell) => {
    const d = damaged(`sob-domain-${metric}`, (rows) => {
      rows[2][rows[0].indexOf(metric)] = cell;
    });
    expect(await refused('sensitivity', d, '--metric', metric)).toMatch(
      new RegExp(
        `runs\\.csv:3: ${metric}: expected a value in \\[0, (1|Infinity)\\], found ${cell}`,
      ),
    );
  });

  it('a run listed twice is refused, even when the run count still matches', async () => {
    const d = damaged('sob-dup', (rows) => {
      rows[3][0] = rows[2][0];
    });
    expect(await refused('sensitivity', d)).toMatch(
      /runs\.csv:4: run_id: expected each run once, found run 2 again \(also line 3\)/,
    );
  });
});
