/**
 * `gvc sweep` and `gvc merge` end to end through the built CLI: outputs do not depend on the
 * number of workers, on sharding, or on interruption and resume; bad sweep input is refused
 * with one line and exit code 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeCommand, runSweep, type CommandOptions } from '../../src/experiment/sweep.js';
import { parseSweepSpec } from '../../src/experiment/sweep-spec.js';
import { loadScenario } from '../../src/scenario/load.js';
import { gvcInProcess } from '../report/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gvc.js');
const tmp = mkdtempSync(join(tmpdir(), 'gvc-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gvc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const SCENARIO = `
name: tiny-sweep
time: { steps: 16 }
suppliers:
  smes: { count: 25, intent: { network_ties: 1 } }
buyers:
  lead: { count: 3, governance: quasi_hierarchy, suppliers_target: 10 }
partners:
  peers: { kind: peer_supplier, count: 5 }
sweep:
  design: grid
  replications: 4
  seed: 42
  parameters:
    buyers.lead.governance: [market, quasi_hierarchy]
    suppliers.smes.intent.network_ties: [0, 3]
`;
writeFileSync(join(tmp, 's.yaml'), SCENARIO);
const FILES = [
  'runs.csv',
  'timeseries.csv',
  'summary.csv',
  'errors.csv',
  'suppliers.csv',
  'relationships.csv',
];
/** The optional per-run outputs, asked for in the runs that compare worker counts and shards. */
const EXTRA = ['--agents', 'final', '--relationships'];
/**
 * Writes SCENARIO to `<name>.yaml` and runs its sweep into `<name>` in this process, stopping
 * after `runs` runs as an interruption would, so `<name>.partial` is left to resume. With
 * `extra`, the sweep writes a timeseries every 4 steps, the final supplier rows and the
 * relationship spells (the CLI's `--timeseries every:4` plus EXTRA); without, the final step only.
 */
async function stoppedSweep(name: string, runs: number, extra: boolean): Promise<void> {
  writeFileSync(join(tmp, `${name}.yaml`), SCENARIO);
  const loaded = loadScenario(join(tmp, `${name}.yaml`));
  const stopped = await runSweep({
    loaded,
    spec: parseSweepSpec(loaded.sweep, `${name}.yaml`, loaded.scenario),
    out: join(tmp, name),
    workers: 0,
    ...(extra
      ? { timeseries: { kind: 'every', k: 4 }, agents: { kind: 'final' }, relationships: true }
      : { timeseries: { kind: 'final' } }),
    shard: null,
    force: false,
    resume: false,
    quiet: true,
    stopAfter: runs,
  });
  expect(stopped.stopped).toBe(true);
}

/**
 * runSweep's options for the sweep of `<name>.yaml` (`loaded`) into `<name>`, started with
 * `reps` replications and the command-line options `commandOptions` (as typed), stopping after
 * `stopAfter` runs as an interruption would.
 */
const typedSweep = (
  name: string,
  loaded: ReturnType<typeof loadScenario>,
  reps: number,
  stopAfter: number,
  commandOptions: CommandOptions,
) =>
  ({
    loaded,
    spec: parseSweepSpec(loaded.sweep, `${name}.yaml`, loaded.scenario, { replications: reps }),
    out: join(tmp, name),
    workers: 0,
    timeseries: { kind: 'final' },
    shard: null,
    force: false,
    resume: false,
    quiet: true,
    stopAfter,
    commandOptions,
  }) as const;

const read = (dir: string, f: string) => readFileSync(join(tmp, dir, f));

describe('sweep outputs are independent of how the work is split', () => {
  it('writes the contracted files with one row per run', () => {
    const r = gvc(
      'sweep',
      's.yaml',
      '--workers',
      '1',
      '--out',
      'w1',
      '--timeseries',
      'every:4',
      ...EXTRA,
      '--quiet',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const runs = parse(read('w1', 'runs.csv'), { columns: true }) as Record<string, string>[];
    expect(runs.map((r) => Number(r.run_id))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(runs.map((r) => r.seed)).size).toBe(16);
    for (const col of [
      'cell_id',
      'replicate',
      'seed',
      'buyers.lead.governance',
      'suppliers.smes.intent.network_ties',
      'lockin_rate',
      'share_oem',
    ]) {
      expect(Object.keys(runs[0])).toContain(col);
    }
    const summary = parse(read('w1', 'summary.csv'), { columns: true }) as Record<string, string>[];
    const oem = summary.filter((s) => s.metric === 'share_oem');
    expect(oem).toHaveLength(4);
    for (const s of oem) {
      expect(Number(s.n)).toBe(4);
      expect(Number(s.ci95_low)).toBeLessThanOrEqual(Number(s.mean));
      expect(Number(s.ci95_high)).toBeGreaterThanOrEqual(Number(s.mean));
    }
    expect(existsSync(join(tmp, 'w1', 'manifest.json'))).toBe(true);
    expect(existsSync(join(tmp, 'w1.partial'))).toBe(false);
    // --agents final: every run's suppliers at its last step, in run order.
    const sup = parse(read('w1', 'suppliers.csv'), { columns: true }) as Record<string, string>[];
    expect(sup).toHaveLength(16 * 25);
    expect(sup.map((r) => Number(r.run_id))).toEqual(
      Array.from({ length: 16 * 25 }, (_, i) => Math.floor(i / 25) + 1),
    );
    expect(new Set(sup.map((r) => r.step))).toEqual(new Set(['16']));
    // --relationships: every run's spells, in run order.
    const rel = parse(read('w1', 'relationships.csv'), { columns: true }) as Record<
      string,
      string
    >[];
    const relRuns = rel.map((r) => Number(r.run_id));
    expect(new Set(relRuns).size).toBe(16);
    expect(relRuns).toEqual([...relRuns].sort((a, b) => a - b));
    const codebook = parse(read('w1', 'codebook.csv'), { columns: true }) as Record<
      string,
      string
    >[];
    for (const f of ['suppliers.csv', 'relationships.csv'])
      expect(codebook.some((c) => c.file === f)).toBe(true);
  });

  it('1, 2 and 4 workers give byte-identical CSVs', () => {
    for (const w of ['2', '4']) {
      expect(
        gvc(
          'sweep',
          's.yaml',
          '--workers',
          w,
          '--out',
          `w${w}`,
          '--timeseries',
          'every:4',
          ...EXTRA,
          '--quiet',
        ).code,
      ).toBe(0);
      for (const f of FILES) expect(read(`w${w}`, f).equals(read('w1', f))).toBe(true);
    }
  });

  it('--by-group adds group rows to timeseries.csv and leaves runs.csv as it was', () => {
    const r = gvc(
      'sweep',
      's.yaml',
      '--workers',
      '2',
      '--out',
      'bg',
      '--timeseries',
      'every:4',
      '--by-group',
      '--quiet',
    );
    expect(r.code).toBe(0);
    expect(read('bg', 'runs.csv').equals(read('w1', 'runs.csv'))).toBe(true);
    const ts = parse(read('bg', 'timeseries.csv'), { columns: true }) as Record<string, string>[];
    const plain = parse(read('w1', 'timeseries.csv'), { columns: true }) as Record<
      string,
      string
    >[];
    // One group (smes): each row of the whole population, then the group's.
    expect(ts.map((x) => x.group)).toEqual(plain.flatMap(() => ['all', 'smes']));
    expect(ts.filter((x) => x.group === 'all').map(({ group: _g, ...rest }) => rest)).toEqual(
      plain,
    );
  });

  it('three shards run as separate processes and merged equal one process', async () => {
    await Promise.all(
      [1, 2, 3].map(
        (i) =>
          new Promise<void>((resolve, reject) => {
            const p = spawn(
              process.execPath,
              [
                BIN,
                'sweep',
                's.yaml',
                '--shard',
                `${i}/3`,
                '--workers',
                '1',
                '--out',
                `sh${i}`,
                '--timeseries',
                'every:4',
                ...EXTRA,
                // The same design typed another way in one shard (42 is the file's sweep seed).
                ...(i === 3 ? ['--sweep-seed', '42'] : []),
                '--quiet',
              ],
              { cwd: tmp },
            );
            p.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`shard ${i} exited ${code}`)),
            );
          }),
      ),
    );
    expect(gvc('merge', 'sh3', 'sh1', 'sh2', '--out', 'merged', '--quiet').code).toBe(0);
    for (const f of [...FILES, 'codebook.csv'])
      expect(read('merged', f).equals(read('w1', f))).toBe(true);
    // design.json does not depend on the order the shards are named in (it keeps shard 1's options).
    expect(gvc('merge', 'sh1', 'sh2', 'sh3', '--out', 'merged2', '--quiet').code).toBe(0);
    expect(read('merged2', 'design.json').equals(read('merged', 'design.json'))).toBe(true);
    const missing = gvc('merge', 'sh1', 'sh2', '--out', 'bad-merge');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/3\/3 missing/);
  });

  it('a sweep killed mid-run resumes to the same bytes', async () => {
    // Enough runs that the kill lands mid-sweep. The kill waits for a condition, never for a
    // time: the journal must hold at least one completed run (the sweep is then certainly
    // mid-way and its .partial folder exists), however slow the machine is.
    writeFileSync(join(tmp, 'k.yaml'), SCENARIO.replace('replications: 4', 'replications: 25'));
    expect(gvc('sweep', 'k.yaml', '--workers', '2', '--out', 'k-full', '--quiet').code).toBe(0);
    const p = spawn(
      process.execPath,
      [BIN, 'sweep', 'k.yaml', '--workers', '1', '--out', 'k', '--quiet'],
      { cwd: tmp, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    let done = false;
    void exited.then(() => (done = true));
    const journal = join(tmp, 'k.partial', 'progress.jsonl');
    const completedRuns = () =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0;
    while (!done && completedRuns() < 1) await new Promise((r) => setTimeout(r, 5));
    expect(done, 'the sweep finished before it could be killed').toBe(false);
    p.kill('SIGKILL');
    await exited;
    const journalled = completedRuns();
    expect(journalled).toBeGreaterThanOrEqual(1);
    expect(journalled).toBeLessThan(100);
    // The killed process could not give its lock back; the resume below takes it over.
    expect(existsSync(join(tmp, 'k.partial', 'sweep.lock'))).toBe(true);
    const refused = gvc('sweep', 'k.yaml', '--out', 'k', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--resume/);
    expect(gvc('sweep', 'k.yaml', '--workers', '2', '--out', 'k', '--resume', '--quiet').code).toBe(
      0,
    );
    for (const f of ['runs.csv', 'summary.csv', 'errors.csv'])
      expect(read('k', f).equals(read('k-full', f))).toBe(true);
  });

  it('an interrupted sweep resumes to the same bytes, and not with another design', async () => {
    writeFileSync(join(tmp, 'r2.yaml'), SCENARIO.replace('seed: 42', 'seed: 43'));
    await stoppedSweep('r', 5, true);
    expect(existsSync(join(tmp, 'r.partial'))).toBe(true);
    // Commands that read a finished sweep, given the unfinished one or its target, say how to
    // finish it instead of only that files are missing or damaged.
    for (const args of [
      ['report', 'r'],
      ['report', 'r.partial'],
      ['sensitivity', 'r'],
      ['merge', 'r', '--out', 'r-merged'],
    ]) {
      const unfinished = gvc(...args);
      expect(unfinished.code, args.join(' ')).toBe(2);
      expect(unfinished.stderr).toMatch(
        /r\.partial is an unfinished sweep .*gvc sweep \S*r\.yaml --out r --timeseries every:4 --agents final --relationships --resume/,
      );
      expect(unfinished.stderr).not.toMatch(/damaged/);
    }
    const other = gvc('sweep', 'r2.yaml', '--out', 'r', '--timeseries', 'every:4', '--resume');
    expect(other.code).toBe(2);
    // The refusal names what differs, with the recorded and the present value.
    expect(other.stderr).toMatch(
      /cannot resume \S*r\.partial: its design differs: master_seed: recorded 42, now 43/,
    );
    // Without the extra outputs it started with, it is another sweep too.
    const fewer = gvc('sweep', 'r.yaml', '--out', 'r', '--timeseries', 'every:4', '--resume');
    expect(fewer.code).toBe(2);
    expect(fewer.stderr).toMatch(
      /cannot resume.*agents: recorded "final", now "none"; relationships: recorded true, now false/,
    );
    // It names the options design.json records, and does not present --force as the way on.
    expect(fewer.stderr).toMatch(
      /records --timeseries every:4 --agents final --relationships\), or start over with --force, which discards its runs/,
    );
    expect(
      gvc(
        'sweep',
        'r.yaml',
        '--out',
        'r',
        '--timeseries',
        'every:4',
        ...EXTRA,
        '--resume',
        '--workers',
        '2',
        '--quiet',
      ).code,
    ).toBe(0);
    for (const f of FILES) expect(read('r', f).equals(read('w1', f))).toBe(true);
  });
});

describe("a scenario's top-level seed in a sweep", () => {
  it("is said once only when it is the sweep's seed (no sweep.seed), and is not recorded as a parameter of the runs", () => {
    const manifestOf = (dir: string) =>
      JSON.parse(readFileSync(join(tmp, dir, 'manifest.json'), 'utf8')) as {
        parameters: Record<string, unknown>;
        seeds: number[];
      };
    const notesOf = (stderr: string) =>
      stderr.split('\n').filter((l) => l.startsWith('gvc: note: '));
    // Both seeds given, as in the shipped sweep scenarios: they are kept apart, no note.
    writeFileSync(join(tmp, 'seeded.yaml'), `seed: 7\n${SCENARIO}`);
    const r = gvc('sweep', 'seeded.yaml', '--out', 'seeded', '--reps', '1', '--steps', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(notesOf(r.stderr)).toEqual([]);
    const manifest = manifestOf('seeded');
    expect(Object.keys(manifest.parameters)).not.toContain('seed');
    expect(manifest.parameters['time.steps']).toBe(2);
    expect(manifest.seeds).toEqual([42]);
    // No sweep.seed: the top-level seed is the sweep's seed; said once, and recorded as such.
    writeFileSync(join(tmp, 'own-seed.yaml'), `seed: 7\n${SCENARIO.replace('  seed: 42\n', '')}`);
    const own = gvc('sweep', 'own-seed.yaml', '--out', 'own-seed', '--reps', '1', '--steps', '2');
    expect(own.code, own.stderr).toBe(0);
    expect(notesOf(own.stderr)).toEqual([
      "gvc: note: own-seed.yaml: the file has no sweep.seed, so its seed: 7 is the sweep's seed, from which each run's seed is drawn (no run has seed 7 itself, as gvc run of the file has); set the sweep's seed with sweep.seed or --sweep-seed",
    ]);
    expect(manifestOf('own-seed').seeds).toEqual([7]);
    expect(Object.keys(manifestOf('own-seed').parameters)).not.toContain('seed');
    // --sweep-seed sets it apart: no note.
    const flag = gvc(
      'sweep',
      'own-seed.yaml',
      '--out',
      'flag-seed',
      '--reps',
      '1',
      '--steps',
      '2',
      '--sweep-seed',
      '9',
    );
    expect(flag.code, flag.stderr).toBe(0);
    expect(notesOf(flag.stderr)).toEqual([]);
    expect(manifestOf('flag-seed').seeds).toEqual([9]);
    // No note without a top-level seed, nor under --quiet.
    const plain = gvc('sweep', 's.yaml', '--out', 'unseeded', '--reps', '1', '--steps', '2');
    expect(plain.stderr).not.toMatch(/note:/);
    const quiet = gvc(
      'sweep',
      'seeded.yaml',
      '--out',
      'sq',
      '--reps',
      '1',
      '--steps',
      '2',
      '--quiet',
    );
    expect(quiet.stderr).toBe('');
  });
});

describe('a refused resume names the options that differ (recorded in design.json)', () => {
  it('names --reps, --set and --steps with their recorded and present values, and the interruption shows the command to resume', async () => {
    writeFileSync(join(tmp, 'o.yaml'), SCENARIO);
    const loaded = loadScenario(join(tmp, 'o.yaml'), {
      sets: ['environment.institutions=0.5'],
      steps: '12',
    });
    const commandOptions = { steps: '12', set: ['environment.institutions=0.5'], reps: '2' };
    const options = typedSweep('o', loaded, 2, 3, commandOptions);
    expect((await runSweep(options)).stopped).toBe(true);
    const design = JSON.parse(readFileSync(join(tmp, 'o.partial', 'design.json'), 'utf8')) as {
      command_options: object;
      scenario_sha256: string;
    };
    expect(design.command_options).toEqual(commandOptions);
    expect(design.scenario_sha256).toBe(loaded.sha256);
    // The command the interruption message shows, given again, is the one that resumes.
    const command = resumeCommand(options);
    expect(command).toBe(
      `gvc sweep ${join(tmp, 'o.yaml')} --out ${join(tmp, 'o')} --steps 12 --set environment.institutions=0.5 --reps 2 --resume`,
    );
    const bare = gvc('sweep', 'o.yaml', '--out', 'o', '--resume');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(
      /cannot resume \S*o\.partial: it was started with other options: --reps: recorded "2", now not given; --set: recorded \["environment\.institutions=0\.5"\], now not given; --steps: recorded "12", now not given; and its design differs: replications: recorded 2, now 4/,
    );
    const again = gvc(...command.split(' ').slice(1), '--quiet');
    expect(again.code, again.stderr).toBe(0);
    // Raised limits and the consent to mixed programs are given again too: without them the
    // printed command would be refused by the limit the first command raised.
    expect(
      resumeCommand({
        ...options,
        limits: { maxRuns: 2_000_000, maxOutput: 1_000_000_000 },
        allowMixedProvenance: true,
      }),
    ).toBe(
      `gvc sweep ${join(tmp, 'o.yaml')} --out ${join(tmp, 'o')} --steps 12 --set environment.institutions=0.5 --reps 2 --max-runs 2000000 --allow-mixed-provenance --resume`,
    );
  });
});

describe('--force and an interrupted sweep (kind 1: never delete what gvc did not write)', () => {
  it('deletes a .partial folder only while its tables are the rows its journal records', async () => {
    await stoppedSweep('p', 5, false);
    const runs = join(tmp, 'p.partial', 'runs.csv');
    const asWritten = readFileSync(runs, 'utf8');
    // A value corrected by hand, the length kept: the names alone do not show it.
    const lines = asWritten.split('\n');
    lines[2] = lines[2].replace(/,0\.(\d)/, (_m, d: string) => `,0.${d === '9' ? '8' : '9'}`);
    const edited = lines.join('\n');
    expect(edited).not.toBe(asWritten);
    expect(edited.length).toBe(asWritten.length);
    writeFileSync(runs, edited);
    const refused = gvc('sweep', 'p.yaml', '--out', 'p', '--force', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "gvc: p.partial: it holds runs.csv, whose rows differ from those the sweep's progress journal (progress.jsonl) records (changed after gvc wrote them); --force replaces only a folder holding nothing but gvc's output, unchanged since gvc wrote it, and never deletes the user's files: move it out of the folder (or choose another folder), then run again\n",
    );
    expect(readFileSync(runs, 'utf8')).toBe(edited);
    // Moved out of the folder, the rest is gvc's unchanged: --force starts over.
    renameSync(runs, join(tmp, 'p-runs-mine.csv'));
    const forced = gvc('sweep', 'p.yaml', '--out', 'p', '--force', '--quiet');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'p-runs-mine.csv'), 'utf8')).toBe(edited);
    expect(readFileSync(join(tmp, 'p', 'runs.csv'), 'utf8')).not.toBe(edited);
  });

  it('a table cut short, or a damaged journal, is not deleted either', async () => {
    await stoppedSweep('pj', 3, false);
    const ts = join(tmp, 'pj.partial', 'timeseries.csv');
    const journal = join(tmp, 'pj.partial', 'progress.jsonl');
    const [tsBytes, journalBytes] = [readFileSync(ts), readFileSync(journal)];
    const force = () => gvc('sweep', 'pj.yaml', '--out', 'pj', '--force', '--quiet');
    writeFileSync(ts, tsBytes.subarray(0, 40));
    const cut = force();
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(
      /^gvc: pj\.partial: it holds timeseries\.csv, whose rows differ from those the sweep's progress journal \(progress\.jsonl\) records/,
    );
    writeFileSync(ts, tsBytes);
    writeFileSync(journal, `${journalBytes.toString('utf8')}garbage\n`);
    const damaged = force();
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(
      /^gvc: pj\.partial: it holds progress\.jsonl, which is damaged, so gvc cannot tell the tables it records are unchanged; .*choose another folder, or remove this one yourself/,
    );
    expect(readFileSync(ts).equals(tsBytes)).toBe(true);
    // --resume names it, and does not send the user to --force.
    const resumed = gvc('sweep', 'pj.yaml', '--out', 'pj', '--resume', '--quiet');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(
      /damaged progress journal: .*--force will not delete the folder/,
    );
  });

  it('a resume whose folder could not be put in place is refused before it runs anything', async () => {
    await stoppedSweep('q', 3, false);
    mkdirSync(join(tmp, 'q'));
    writeFileSync(join(tmp, 'q', 'notes.txt'), 'mine');
    const journal = readFileSync(join(tmp, 'q.partial', 'progress.jsonl'), 'utf8');
    const refused = gvc('sweep', 'q.yaml', '--out', 'q', '--resume', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^gvc: output folder q: not an output folder written by gvc/);
    expect(readFileSync(join(tmp, 'q.partial', 'progress.jsonl'), 'utf8')).toBe(journal);
    expect(readFileSync(join(tmp, 'q', 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('a refused resume compares what options do, and names an edited scenario file', () => {
  it('--reps typed at the start but equal to the file is no difference; an edited file is named with both sha256 prefixes', async () => {
    writeFileSync(join(tmp, 'ed.yaml'), SCENARIO);
    const loaded = loadScenario(join(tmp, 'ed.yaml'));
    // Started with --reps 4 where the file says replications: 4.
    const options = typedSweep('ed', loaded, 4, 2, { reps: '4' });
    expect((await runSweep(options)).stopped).toBe(true);
    const recorded = JSON.parse(readFileSync(join(tmp, 'ed.partial', 'design.json'), 'utf8')) as {
      scenario_sha256: string;
    };
    // Resumed without --reps: the same design, so it resumes (the fingerprint agrees) …
    const another = gvc('sweep', 'ed.yaml', '--out', 'ed', '--steps', '8', '--resume');
    expect(another.code).toBe(2);
    // … and when something else differs, --reps is not named as a difference.
    expect(another.stderr).toMatch(
      /it was started with other options: --steps: recorded not given, now "8"/,
    );
    expect(another.stderr).not.toMatch(/--reps/);
    // The scenario file edited since: named as such, with the recorded and present sha256.
    writeFileSync(join(tmp, 'ed.yaml'), SCENARIO.replace('seed: 42', 'seed: 7'));
    const edited = gvc('sweep', 'ed.yaml', '--out', 'ed', '--resume');
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain(
      `cannot resume ed.partial: the scenario file ed.yaml changed since the sweep started (recorded sha256 ${recorded.scenario_sha256.slice(0, 12)}…, now `,
    );
    expect(edited.stderr).not.toMatch(/other options|--reps/);
    expect(edited.stderr).toMatch(/restore the scenario file it was started with/);
    // Put back, it resumes and finishes.
    writeFileSync(join(tmp, 'ed.yaml'), SCENARIO);
    const resumed = gvc('sweep', 'ed.yaml', '--out', 'ed', '--resume', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});

describe('an interrupted sweep whose tables were edited by hand', () => {
  it('is not resumed: the table, its line and the run are named, and nothing is carried over', async () => {
    // A finished sweep's manifest vouches for its files, and merge, sensitivity and report
    // refuse a changed one; an edit made in the .partial folder before --resume must not be
    // carried into the finished folder and vouched for. Edits that keep the file's length
    // were resumed before (the journal recorded only sizes).
    await stoppedSweep('e', 5, true);
    const partial = join(tmp, 'e.partial');
    const resume = () =>
      gvc('sweep', 'e.yaml', '--out', 'e', '--timeseries', 'every:4', ...EXTRA, '--resume');
    for (const table of ['runs.csv', 'timeseries.csv', 'suppliers.csv', 'relationships.csv']) {
      const path = join(partial, table);
      const original = readFileSync(path, 'utf8');
      const lines = original.split('\n');
      // The first row of run 3; one digit in it changed, the length kept.
      const at = lines.findIndex((l) => l.startsWith('3,'));
      expect(at, table).toBeGreaterThan(0);
      const digit = lines[at].search(/\d(?=[^\d]*$)/);
      const d = Number(lines[at][digit]);
      lines[at] = lines[at].slice(0, digit) + String((d + 1) % 10) + lines[at].slice(digit + 1);
      writeFileSync(path, lines.join('\n'));
      const journal = readFileSync(join(partial, 'progress.jsonl'));
      const r = resume();
      expect(r.code, table).toBe(2);
      // Run 3's rows are the bytes from its first line to run 4's first line.
      const offset = (line: number) => Buffer.byteLength(lines.slice(0, line).join('\n')) + 1;
      const next = lines.findIndex((l) => l.startsWith('4,'));
      expect(r.stderr.trim()).toBe(
        `gvc: ${path}:${at + 1}: the rows of run 3 (bytes ${offset(at)}–${offset(next)}) differ from those ` +
          `${join(partial, 'progress.jsonl')}:3 records; the file was changed after gvc wrote it; move it out of the folder, then start the sweep over with --force`,
      );
      // Nothing was resumed: the journal is as it was and no finished folder exists.
      expect(readFileSync(join(partial, 'progress.jsonl')).equals(journal)).toBe(true);
      expect(existsSync(join(tmp, 'e'))).toBe(false);
      writeFileSync(path, original);
    }
    // design.json: what the fingerprint does not cover (the layout gvc sensitivity reads, the
    // master seed shown) follows from the design, so a difference is an edit; resumed, it
    // was carried into the finished folder and recorded in its manifest as gvc's.
    const designPath = join(partial, 'design.json');
    const design = readFileSync(designPath, 'utf8');
    expect(design).toContain('"master_seed": 42');
    writeFileSync(designPath, design.replace('"master_seed": 42', '"master_seed": 43'));
    const edited = resume();
    expect(edited.code).toBe(2);
    expect(edited.stderr.trim()).toBe(
      `gvc: ${designPath}: master_seed: expected 42 (what this sweep's design gives), found 43: ` +
        'the file was changed after gvc wrote it; start the sweep over with --force',
    );
    writeFileSync(designPath, design);
    // Undone, the sweep resumes to the bytes of an uninterrupted one, whatever the spelling
    // of the scenario's path (design.json's scenario_file is the path as typed).
    const r = gvc(
      'sweep',
      './e.yaml',
      '--out',
      'e',
      '--timeseries',
      'every:4',
      ...EXTRA,
      '--resume',
    );
    expect(r.code, r.stderr).toBe(0);
    for (const f of FILES) expect(read('e', f).equals(read('w1', f))).toBe(true);
  });

  it('a journal from a gvc that recorded no checksums still resumes, to the same bytes', async () => {
    await stoppedSweep('oj', 5, true);
    const journal = join(tmp, 'oj.partial', 'progress.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    const old = lines.map((l) => {
      const { checksums, ...rest } = JSON.parse(l) as { checksums?: string[] };
      expect(checksums).toHaveLength(5);
      return JSON.stringify(rest);
    });
    writeFileSync(journal, old.join('\n') + '\n');
    const r = gvc(
      'sweep',
      'oj.yaml',
      '--out',
      'oj',
      '--timeseries',
      'every:4',
      ...EXTRA,
      '--resume',
    );
    expect(r.code, r.stderr).toBe(0);
    for (const f of FILES) expect(read('oj', f).equals(read('w1', f))).toBe(true);
  });
});

describe('a sweep folder still being written (its lock)', () => {
  it('is neither resumed, replaced nor restarted by another command; a stale lock is taken over', async () => {
    await stoppedSweep('lk', 3, false);
    const partial = join(tmp, 'lk.partial');
    const lk = (...args: string[]) =>
      gvc('sweep', 'lk.yaml', '--out', 'lk', '--timeseries', 'final', ...args);
    const lock = join(partial, 'sweep.lock');
    // An interrupted sweep gives its lock back.
    expect(existsSync(lock)).toBe(false);
    const holder = (pid: number, host = hostname()) =>
      writeFileSync(
        lock,
        JSON.stringify({ pid, host, started: '2026-11-30T12:00:00.000Z' }) + '\n',
      );
    const journal = () => readFileSync(join(partial, 'progress.jsonl'), 'utf8');
    const before = journal();

    // A live process holds it (a stand-in for a sweep running in another terminal).
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    try {
      holder(other.pid!);
      for (const args of [['--resume'], ['--force'], []]) {
        const r = lk('--quiet', ...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(
          new RegExp(
            `lk\\.partial: a gvc sweep \\(process ${other.pid}, .*\\) is still writing it`,
          ),
        );
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      // Nothing was written or deleted.
      expect(journal()).toBe(before);
      expect(existsSync(lock)).toBe(true);
    } finally {
      other.kill();
    }

    // Another host's lock cannot be checked: the user is told which file to remove.
    holder(12345, 'cluster-node-7');
    const remote = lk('--resume');
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/on cluster-node-7 .*delete lk\.partial\/sweep\.lock/);

    // A lock whose process is gone (killed) is taken over; the finished folder holds no lock.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    holder(gone);
    const resumed = lk('--resume', '--quiet');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(join(tmp, 'lk', 'sweep.lock'))).toBe(false);
    expect(existsSync(join(tmp, 'lk', 'runs.csv'))).toBe(true);
  });
});

describe('a sweep stopped by SIGTERM (a preempted cluster job)', () => {
  it('gives its lock back, so the requeued job can resume on any host', async () => {
    writeFileSync(join(tmp, 't.yaml'), SCENARIO.replace('replications: 4', 'replications: 25'));
    const p = spawn(
      process.execPath,
      [BIN, 'sweep', 't.yaml', '--workers', '1', '--out', 't', '--quiet'],
      { cwd: tmp, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) => p.on('exit', (_, sig) => r(sig)));
    let done = false;
    void exited.then(() => (done = true));
    // Waits for a condition, never for a time: a run journalled, so the lock is held.
    const journal = join(tmp, 't.partial', 'progress.jsonl');
    while (!done && !(existsSync(journal) && readFileSync(journal, 'utf8').includes('\n')))
      await new Promise((r) => setTimeout(r, 5));
    expect(done, 'the sweep finished before it could be stopped').toBe(false);
    expect(existsSync(join(tmp, 't.partial', 'sweep.lock'))).toBe(true);
    p.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(existsSync(join(tmp, 't.partial', 'sweep.lock'))).toBe(false);
    expect(gvc('sweep', 't.yaml', '--out', 't', '--resume', '--quiet').code).toBe(0);
  });
});

describe('sweep worker threads', () => {
  const DIST = join(ROOT, 'dist');
  const distUrl = (module: string) => JSON.stringify(pathToFileURL(join(DIST, module)).href);

  it('run from `node -e` too (a worker must not inherit the code as its Node options)', () => {
    const code = [
      `const { runSweep } = await import(${distUrl('experiment/sweep.js')});`,
      `const { parseSweepSpec } = await import(${distUrl('experiment/sweep-spec.js')});`,
      `const { loadScenario } = await import(${distUrl('scenario/load.js')});`,
      "const loaded = loadScenario('s.yaml');",
      "const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);",
      'const r = await runSweep({',
      "  loaded, spec, out: 'node-e', workers: 2, timeseries: { kind: 'final' },",
      '  shard: null, force: false, resume: false, quiet: true,',
      '});',
      'console.log(r.completedRuns, r.failedRuns);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('16 0');
  });

  it('from the sources (no compiled worker file): a clear error, not a failed worker', async () => {
    const loaded = loadScenario(join(tmp, 's.yaml'));
    const spec = parseSweepSpec(loaded.sweep, 's.yaml', loaded.scenario);
    await expect(
      runSweep({
        loaded,
        spec,
        out: join(tmp, 'from-sources'),
        workers: 2,
        timeseries: { kind: 'final' },
        shard: null,
        force: false,
        resume: false,
        quiet: true,
      }),
    ).rejects.toThrow(/experiment[/\\]worker\.js is missing \(build with npm run build\)/);
  });
});

describe('sweep flags', () => {
  it('--design, --samples, --vary and --sweep-seed define a sweep without a sweep section', () => {
    writeFileSync(join(tmp, 'plain.yaml'), SCENARIO.slice(0, SCENARIO.indexOf('sweep:')));
    const args = [
      'sweep',
      'plain.yaml',
      '--design',
      'lhs',
      '--samples',
      '5',
      '--sweep-seed',
      '9',
      '--vary',
      'environment.ipr_protection={min: 0.1, max: 0.9}',
      '--quiet',
    ];
    expect(gvc(...args, '--out', 'flags').code).toBe(0);
    const runs = parse(read('flags', 'runs.csv'), { columns: true }) as Record<string, string>[];
    expect(runs).toHaveLength(5);
    const ipr = runs.map((r) => Number(r['environment.ipr_protection'])).sort();
    // Latin hypercube: one point in each fifth of the range.
    ipr.forEach((v, i) => expect(Math.floor((v - 0.1) / 0.16)).toBe(i));
    const bad = gvc(
      'sweep',
      'plain.yaml',
      '--design',
      'lhs',
      '--vary',
      'environment.ipr_protection=[0.1, 0.9]',
      '--out',
      'flags-bad',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bounds/);
  });
});

describe('bad sweep input: one line, exit 2, nothing written', () => {
  const write = (name: string, sweep: string) => {
    writeFileSync(join(tmp, name), SCENARIO.slice(0, SCENARIO.indexOf('sweep:')) + sweep);
    return name;
  };
  const cases: [string, string, string[], RegExp][] = [
    [
      'unknown path',
      'sweep:\n  parameters:\n    environment.ipr: [0.1, 0.9]\n',
      [],
      /environment\.ipr_protection/,
    ],
    [
      'inverted range',
      'sweep:\n  design: lhs\n  parameters:\n    environment.ipr_protection: { min: 0.9, max: 0.1 }\n',
      [],
      /inverted/,
    ],
    ['empty list', 'sweep:\n  parameters:\n    environment.ipr_protection: []\n', [], /non-empty/],
    [
      'list for a bounds design',
      'sweep:\n  design: sobol\n  parameters:\n    environment.ipr_protection: [0.1, 0.9]\n',
      [],
      /bounds/,
    ],
    [
      'replications < 1',
      'sweep:\n  replications: 0\n  parameters:\n    environment.ipr_protection: [0.1]\n',
      [],
      /replications/,
    ],
    [
      'bad shard',
      'sweep:\n  parameters:\n    environment.ipr_protection: [0.1]\n',
      ['--shard', '3/2'],
      /--shard/,
    ],
    [
      'no sweep section',
      '',
      [],
      /no sweep section; add one .* or give the parameters to vary with --vary/,
    ],
  ];
  // In-process (the CLI's main(), output captured): a child process each costs more than the check.
  it.each(cases)('%s', async (name, sweep, extra, message) => {
    const file = write(`bad-${name.replace(/\W+/g, '-')}.yaml`, sweep);
    const out = `out-${name.replace(/\W+/g, '-')}`;
    const r = await gvcInProcess('sweep', join(tmp, file), '--out', join(tmp, out), ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(tmp, out))).toBe(false);
    expect(existsSync(join(tmp, `${out}.partial`))).toBe(false);
  });
});

describe('gvc sensitivity on a sobol and a morris sweep', () => {
  const base = `
time: { steps: 20 }
suppliers:
  smes: { count: 30, intent: { network_ties: 2 } }
buyers:
  lead: { count: 3, governance: quasi_hierarchy, suppliers_target: 12 }
partners:
  peers: { kind: peer_supplier, count: 6 }
sweep:
  design: DESIGN
  samples: SAMPLES
  seed: 5
  parameters:
    model.prices.unit_cost: { min: 0.6, max: 0.9 }
    environment.ipr_protection: { min: 0, max: 1 }
    model.learning.guard_leak: { min: 0, max: 0.2 }
`;
  const indices = (dir: string) =>
    parse(read(dir, 'sensitivity.csv'), { columns: true }) as Record<string, string>[];
  const value = (rows: Record<string, string>[], factor: string, index: string) =>
    Number(rows.find((r) => r.factor === factor && r.index === index)!.value);

  // Unit cost drives margins directly; IPR and the guard leak act only through slow channels.
  it('ranks the unit cost first for margins under both methods', () => {
    writeFileSync(
      join(tmp, 'sob.yaml'),
      `name: sob${base.replace('DESIGN', 'sobol').replace('SAMPLES', '16')}`,
    );
    writeFileSync(
      join(tmp, 'mor.yaml'),
      `name: mor${base.replace('DESIGN', 'morris').replace('SAMPLES', '6')}`,
    );
    for (const name of ['sob', 'mor']) {
      expect(gvc('sweep', `${name}.yaml`, '--out', name, '--quiet').code).toBe(0);
      const r = gvc('sensitivity', name, '--metric', 'mean_margin');
      expect(r.code).toBe(0);
    }
    const sob = indices('sob');
    expect(sob).toHaveLength(6);
    for (const other of ['environment.ipr_protection', 'model.learning.guard_leak']) {
      expect(value(sob, 'model.prices.unit_cost', 'ST')).toBeGreaterThan(value(sob, other, 'ST'));
    }
    const mor = indices('mor');
    expect(mor).toHaveLength(9);
    for (const other of ['environment.ipr_protection', 'model.learning.guard_leak']) {
      expect(value(mor, 'model.prices.unit_cost', 'mu_star')).toBeGreaterThan(
        value(mor, other, 'mu_star'),
      );
    }
    for (const r of mor.filter((r) => r.index === 'mu_star')) {
      expect(Number(r.ci95_low)).toBeLessThanOrEqual(Number(r.value));
      expect(Number(r.ci95_high)).toBeGreaterThanOrEqual(Number(r.value));
    }
  });

  it('refuses a grid sweep and a misspelt metric', () => {
    const grid = gvc('sensitivity', 'w1');
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/sobol or morris/);
    const typo = gvc('sensitivity', 'sob', '--metric', 'mean_marg');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean "mean_margin"/);
  });
});

describe('a runs.csv row identifies its run exactly', () => {
  // The acceptance test of exact factor values: a row of an LHS, Sobol or Morris sweep, rerun
  // with gvc run --seed S --set path=value for each factor, gives the same final metrics, byte
  // for byte. With factor values rounded to 6 significant digits it did not.
  const base = (design: string, samples: number) => `
name: exact-${design}
time: { steps: 12 }
suppliers:
  smes: { count: 20, intent: { network_ties: 2 } }
buyers:
  lead: { count: 3, governance: quasi_hierarchy, suppliers_target: 8 }
partners:
  peers: { kind: peer_supplier, count: 4 }
sweep:
  design: ${design}
  samples: ${samples}
  seed: 11
  parameters:
    model.prices.unit_cost: { min: 0.6, max: 0.9 }
    environment.ipr_protection: { min: 0.0123456789, max: 0.9876543211 }
    suppliers.smes.intent.network_ties: { min: 0, max: 6 }
`;
  const HEAD = ['run_id', 'cell_id', 'replicate', 'seed'];

  it.each([
    ['lhs', 6],
    ['sobol', 2],
    ['morris', 2],
  ] as const)('%s: rerunning rows with gvc run gives the same final metrics', (design, n) => {
    writeFileSync(join(tmp, `exact-${design}.yaml`), base(design, n));
    expect(
      gvc('sweep', `exact-${design}.yaml`, '--out', `exact-${design}`, '--workers', '1', '--quiet')
        .code,
    ).toBe(0);
    const lines = read(`exact-${design}`, 'runs.csv').toString('utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    const factors = header.slice(HEAD.length, HEAD.length + 3);
    expect(factors).toEqual([
      'model.prices.unit_cost',
      'environment.ipr_protection',
      'suppliers.smes.intent.network_ties',
    ]);
    const rows = lines.slice(1);
    // The first, a middle and the last row.
    for (const line of [rows[0], rows[Math.floor(rows.length / 2)], rows[rows.length - 1]]) {
      const cells = line.split(',');
      const seed = cells[3];
      const sets = factors.flatMap((f, j) => ['--set', `${f}=${cells[HEAD.length + j]}`]);
      const out = `exact-${design}-rerun-${cells[0]}`;
      const r = gvc(
        'run',
        `exact-${design}.yaml`,
        '--seed',
        seed,
        ...sets,
        '--out',
        out,
        '--quiet',
      );
      expect(r.stderr).toBe('');
      const ts = read(out, 'timeseries.csv').toString('utf8').trimEnd().split('\n');
      const finalMetrics = ts[ts.length - 1].split(',').slice(2).join(',');
      expect(cells.slice(HEAD.length + 3).join(','), `run ${cells[0]}`).toBe(finalMetrics);
    }
  });

  it.each(['seed', 'run_id', 'cell_id', 'replicate'])(
    'refuses %s as a sweep factor (a leading column of runs.csv)',
    async (name) => {
      writeFileSync(
        join(tmp, `reserved-${name}.yaml`),
        SCENARIO.slice(0, SCENARIO.indexOf('sweep:')) +
          `sweep:\n  parameters:\n    ${name}: [1, 2]\n`,
      );
      const r = await gvcInProcess(
        'sweep',
        join(tmp, `reserved-${name}.yaml`),
        '--out',
        join(tmp, `reserved-${name}`),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`sweep\\.parameters\\.${name}: expected a model parameter`),
      );
      expect(existsSync(join(tmp, `reserved-${name}`))).toBe(false);
    },
  );
});
