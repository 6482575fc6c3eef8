/**
 * The folder of a sweep. Runs accumulate in `<out>.partial/`, which survives interruption so
 * `--resume` can continue it; only a complete sweep is renamed to `<out>/`. A sweep that was
 * never finished therefore never looks like a result. `--force` deletes an interrupted sweep
 * or replaces a finished one only when gvc wrote it (design.json in `.partial`, a sweep's
 * manifest.json in `<out>`), unchanged (the tables of `.partial` against the checksums of its
 * journal, a finished folder's files against its manifest), and it holds no input of the
 * command (output-guard.ts).
 */
import { existsSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { writeJson } from './manifest.js';
import {
  errnoCode,
  errnoReason,
  isBadOutputPath,
  osFailure,
  outputFolderFailure,
} from './os-errors.js';
import { osResolve } from './os-path.js';
import { ensureFolder, removeReplaced } from './output-dir.js';
import {
  assertNotLink,
  assertReplaceable,
  foreignEntries,
  isInside,
  KEPT_REASONS,
  keptMessage,
  manifestProblem,
  type KeptEntry,
} from './output-guard.js';
import { readJsonObject } from './read-json.js';
import { removeStaleStaging, removeStaleTempFiles } from './staging.js';
import { assertSweepNotRunning, lockSweep } from './sweep-lock.js';
import { tablesAgainstJournal } from './sweep-files.js';

export const DESIGN_FILE = 'design.json';

export interface SweepDir {
  target: string;
  partial: string;
  /** True when continuing an interrupted sweep. */
  resumed: boolean;
  file(name: string): string;
  /**
   * Move the finished sweep into place (replacing an old result only if forced), then remove
   * its files named in `afterwards` (the journal: until the folder is in place, a refused or
   * failed move leaves an interrupted sweep that --resume finishes without running again).
   */
  commit(force: boolean, afterwards?: readonly string[]): void;
  /** Give back the folder's lock (sweep-lock.ts); commit does, and so must any other way out. */
  release(): void;
}

/**
 * The flags of `gvc sweep` that a design record (design.json) shows the sweep was started with,
 * beyond the defaults: --timeseries, --agents, --relationships, --by-group and --shard, which a
 * resume must repeat (they are part of the fingerprint). '' when none; each flag preceded by a
 * space. Other options that change the design (--steps, --set, --samples, --reps, --vary) are
 * not all in the record, so messages name them in words.
 */
export function recordedSweepFlags(record: Record<string, unknown>): string {
  let flags = '';
  if (typeof record.timeseries === 'string' && record.timeseries !== 'final')
    flags += ` --timeseries ${record.timeseries}`;
  if (typeof record.agents === 'string' && record.agents !== 'none')
    flags += ` --agents ${record.agents}`;
  if (record.relationships === true) flags += ' --relationships';
  if (record.by_group === true) flags += ' --by-group';
  if (typeof record.shard === 'string') flags += ` --shard ${record.shard}`;
  return flags;
}

/**
 * The end of a message about `dir` not being a finished sweep, when the reason is that the
 * sweep is unfinished: `dir` is itself a `.partial` folder, or `<dir>.partial` exists. Tells
 * how to finish it (the sweep command it was started with, given again with --resume), naming
 * the scenario and the output flags that its design.json records when that file is readable.
 * '' otherwise.
 */
export function unfinishedSweepHint(dir: string): string {
  const trimmed = dir.replace(/[/\\]+$/, '');
  const isPartial = trimmed.endsWith('.partial');
  const partial = isPartial ? trimmed : `${trimmed}.partial`;
  if (!existsSync(join(partial, DESIGN_FILE))) return '';
  const target = isPartial ? trimmed.slice(0, -'.partial'.length) : trimmed;
  let scenario = '<scenario>';
  let flags = '';
  try {
    const recorded = readJsonObject(join(partial, DESIGN_FILE), "a sweep's design record");
    if (typeof recorded.scenario_file === 'string') scenario = recorded.scenario_file;
    flags = recordedSweepFlags(recorded);
  } catch {
    // A damaged design.json is reported by whatever reads the sweep; the hint only names it.
  }
  return (
    `; ${partial} is an unfinished sweep (interrupted, or still running): finish it by giving ` +
    `the command that started it again with --resume (gvc sweep ${scenario} --out ${target}` +
    `${flags} --resume, plus any --steps, --set, --vary, --design, --samples or --reps it had), ` +
    `then use ${target}`
  );
}

/**
 * Keys of a design record that say how the sweep was started, not what its design is: a
 * resume keeps the recorded ones and does not compare them (older records lack them).
 */
const OPTIONAL_KEYS = new Set(['scenario_sha256', 'command_options']);

/** Keys of a design record that follow from the others: never named as a difference. */
const DERIVED_KEYS = new Set(['fingerprint', 'design_fingerprint', 'program', 'layout', 'cells']);

/**
 * The item of a design record each design-shaping option sets, where the record holds its
 * effective value: an option typed differently but to the same effect (`--reps 8` where the
 * file's sweep.replications is 8, or the reverse) is no difference. --steps and --set change
 * the scenario, which the record holds only as the fingerprint: compared as typed.
 */
const OPTION_ITEMS: Record<string, string> = {
  reps: 'replications',
  samples: 'samples',
  'sweep-seed': 'master_seed',
  design: 'design',
  vary: 'factors',
  timeseries: 'timeseries',
  agents: 'agents',
  relationships: 'relationships',
  'by-group': 'by_group',
  shard: 'shard',
};

/**
 * What differs between the design record `recorded` (design.json of an interrupted sweep) and
 * `now` (the one this command would write), as `item: recorded X, now Y` texts: each
 * command-line option whose effect differs (`--reps: recorded "8", now not given`, listed only
 * when the replications differ too; OPTION_ITEMS), then any other recorded item
 * (replications, factors, outputs …). The scenario file's content is scenarioChange's. [] when
 * nothing but derived keys differ. Records written before the options were recorded name only
 * the other items.
 */
export function designDifferences(
  recorded: Record<string, unknown>,
  now: Record<string, unknown>,
): string[] {
  const show = (v: unknown) => (v === undefined ? 'not given' : (JSON.stringify(v) ?? 'nothing'));
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const out: string[] = [];
  const before = recorded.command_options;
  const after = now.command_options;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  // Compared above (options), by scenarioChange (the file's content) or not at all (derived,
  // the file's name).
  const compared = new Set([
    ...DERIVED_KEYS,
    'command_options',
    'scenario_file',
    'scenario_sha256',
  ]);
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const item = OPTION_ITEMS[key];
      const sameEffect = item !== undefined && item in recorded && same(recorded[item], now[item]);
      if (!same(before[key], after[key]) && !sameEffect)
        out.push(`--${key}: recorded ${show(before[key])}, now ${show(after[key])}`);
    }
  }
  for (const key of Object.keys(now)) {
    if (compared.has(key) || !(key in recorded)) continue;
    if (!same(recorded[key], now[key]))
      out.push(
        `${key}: recorded ${show(recorded[key]).slice(0, 80)}, now ${show(now[key]).slice(0, 80)}`,
      );
  }
  return out;
}

/**
 * When the scenario file's content differs between the design record `recorded` and `now`
 * (both record its sha256; older records do not): the words for a refused resume, naming the
 * file and both sha256 prefixes. null otherwise.
 */
export function scenarioChange(
  recorded: Record<string, unknown>,
  now: Record<string, unknown>,
): string | null {
  const [was, is] = [recorded.scenario_sha256, now.scenario_sha256];
  if (typeof was !== 'string' || typeof is !== 'string' || was === is) return null;
  const hashes = `recorded sha256 ${was.slice(0, 12)}…, now ${is.slice(0, 12)}…`;
  const file = typeof now.scenario_file === 'string' ? now.scenario_file : '';
  const started = typeof recorded.scenario_file === 'string' ? recorded.scenario_file : file;
  // Another file given (r2.yaml for r.yaml) is not an edit: both named.
  return resolve(started) === resolve(file)
    ? `the scenario file ${file} changed since the sweep started (${hashes})`
    : `the scenario file ${file} is not the one the sweep started from, ${started} (${hashes})`;
}

/** The journal of an interrupted sweep (sweep.ts JOURNAL_FILE). */
const JOURNAL = 'progress.jsonl';

/**
 * The entries of the interrupted sweep `partial` that --force may not delete: those gvc does
 * not write there (foreignEntries), the tables (`tables`, in the journal's order)
 * whose rows are not those its journal records a checksum of (tablesAgainstJournal), and a
 * manifest.json (left by a sweep refused when it was to be moved into place) that is not as
 * gvc wrote it. [] when all of it is gvc's, unchanged.
 */
function partialChanges(partial: string, tables: readonly string[]): KeptEntry[] {
  const kept = foreignEntries(partial, 'sweep');
  const journal = tablesAgainstJournal(
    join(partial, JOURNAL),
    tables.map((t) => join(partial, t)),
  );
  if (journal === 'unreadable') kept.push({ entry: JOURNAL, why: KEPT_REASONS.journalUnreadable });
  else {
    for (const t of journal.changed)
      kept.push({ entry: basename(t), why: KEPT_REASONS.tableChanged });
    for (const t of journal.unchecked)
      kept.push({ entry: basename(t), why: KEPT_REASONS.journalNoChecksum });
  }
  const manifest = join(partial, 'manifest.json');
  const why = existsSync(manifest) ? manifestProblem(manifest) : null;
  if (why !== null) kept.push({ entry: 'manifest.json', why });
  return kept;
}

/** Whatever identifies the sweep's design; only the fingerprint is compared on resume. */
export interface DesignIdentity {
  fingerprint: string;
}

/** Files of a sweep folder that are written under a temporary name first. */
const ATOMIC_FILES = ['manifest.json', DESIGN_FILE];

/**
 * Opens (or, with resume, reopens) the sweep folder `<target>.partial`. Throws a UserError
 * for anything the user must decide (an interrupted sweep without --resume or --force, a
 * non-empty target without --force, a folder gvc did not write, a damaged design.json) and a
 * SystemError when the OS refuses to create the folder.
 */
export function openSweepDir(
  target: string,
  opts: {
    force: boolean;
    resume: boolean;
    design: DesignIdentity;
    /** Called with the recorded design before resuming; may throw to refuse. */
    onResume?: (recorded: DesignIdentity) => void;
    inputs?: readonly string[];
    /**
     * The tables of the sweep's progress journal, in the order of its sizes (sweep.ts): what
     * --force checks an interrupted sweep's tables against before deleting it.
     */
    journalTables?: readonly string[];
  },
): SweepDir {
  // Where the system puts it: `link/../o` is next to the link's target (os-path.ts).
  const abs = osResolve(target);
  const partial = `${abs}.partial`;
  const shown = `${target}.partial`;
  const inputs = opts.inputs ?? [];
  const isDir = (dir: string) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const nonEmpty = (dir: string) => isDir(dir) && readdirSync(dir).length > 0;
  // A file where a folder of the path should be: bad input, worded as for every output folder.
  try {
    lstatSync(partial, { throwIfNoEntry: false });
  } catch (err) {
    if (errnoCode(err) === 'ENOTDIR')
      throw new UserError(
        `cannot write output folder ${target}: a part of the path is a file, not a folder`,
      );
    // A name too long or a link loop is the path's fault, as for gvc run's folder (exit 2).
    if (isBadOutputPath(errnoCode(err)))
      throw outputFolderFailure(target, `cannot use ${shown}: ${errnoReason(err)}`, errnoCode(err));
    throw osFailure(err, 'read', dirname(partial));
  }
  assertNotLink(abs, target);
  assertNotLink(partial, shown);
  if (existsSync(abs) && !isDir(abs))
    throw new UserError(`output folder ${target} exists and is not a folder`);
  if (lstatSync(partial, { throwIfNoEntry: false }) && !isDir(partial))
    throw new UserError(`${shown} exists and is not a folder`);
  // The same containment rules as any output folder: never the working folder, gvc's own
  // folder, or (when replacing) one that holds the scenario.
  assertReplaceable(abs, { kind: 'sweep', inputs, replacing: false, shown: target });
  for (const input of inputs) {
    if (isInside(osResolve(input), partial))
      throw new UserError(
        `${shown}: it contains ${input}, an input of this command; choose another --out`,
      );
  }
  // A resume too: its finished folder could not be put in place at the end, after all its runs.
  const resuming = opts.resume && existsSync(join(partial, DESIGN_FILE));
  if (nonEmpty(abs) && (opts.force || !opts.resume || resuming)) {
    // Checked before the hint below, so --force is suggested only where it would work.
    assertReplaceable(abs, { kind: 'sweep', inputs, replacing: true, shown: target });
    if (!opts.force)
      throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
  }
  removeStaleStaging(dirname(abs));

  let release = () => {};
  if (opts.resume) {
    const designPath = join(partial, DESIGN_FILE);
    if (!existsSync(designPath)) {
      if (nonEmpty(abs))
        throw new UserError(`nothing to resume: the sweep in ${target} is complete`);
      if (existsSync(partial))
        throw new UserError(
          `nothing to resume: ${shown} is not an interrupted gvc sweep (no ${DESIGN_FILE}); move it away or choose another --out`,
        );
      throw new UserError(
        `nothing to resume: ${shown} does not exist (run without --resume to start the sweep)`,
      );
    }
    const recorded = readJsonObject(designPath, "a sweep's design record");
    if (typeof recorded.fingerprint !== 'string')
      throw new UserError(
        `${designPath}: fingerprint: expected a string, found ${JSON.stringify(recorded.fingerprint) ?? 'nothing'} (the file is damaged; start over with --force)`,
      );
    if (recorded.fingerprint !== opts.design.fingerprint) {
      // The fingerprint is <hash of the design>/<shard or "all">: show both parts.
      const short = (fp: string) =>
        fp.includes('/') ? `${fp.slice(0, 12)}${fp.slice(fp.indexOf('/'))}` : fp.slice(0, 12);
      const now = opts.design as unknown as Record<string, unknown>;
      const differences = designDifferences(recorded, now);
      const scenario = scenarioChange(recorded, now);
      // Options as typed (`--reps: …`) first, then what the design record holds (`replications:
      // …`), which follows from the options and the scenario file.
      const options = differences.filter((d) => d.startsWith('--'));
      const items = differences.filter((d) => !d.startsWith('--'));
      const why = [
        ...(scenario !== null ? [scenario] : []),
        ...(options.length > 0 ? [`it was started with other options: ${options.join('; ')}`] : []),
        ...(items.length > 0 ? [`its design differs: ${items.join('; ')}`] : []),
      ];
      throw new UserError(
        `cannot resume ${shown}: ` +
          (why.length > 0
            ? `${why.join('; and ')}; `
            : `it was started from a different scenario, design, step count, outputs or shard ` +
              `(recorded fingerprint ${short(recorded.fingerprint)}, now ${short(opts.design.fingerprint)}); `) +
          (scenario !== null ? 'restore the scenario file it was started with and ' : '') +
          `give the options it was started with (its design.json records${recordedSweepFlags(recorded) || ' the default outputs'}), ` +
          `or start over with --force, which discards its runs`,
      );
    }
    // Another program is named (and refused unless allowed) first, by onResume.
    opts.onResume?.(recorded as unknown as DesignIdentity);
    // The fingerprint covers what the design is made from; the rest of design.json (the
    // Saltelli layout, the Morris steps and realised changes that gvc sensitivity later reads)
    // follows from it, so any other difference is an edit. Resumed as it was, the edited file
    // would be carried into the finished folder and recorded in its manifest as gvc's.
    // `program` may differ (checked, and allowed with --allow-mixed-provenance, by onResume),
    // and so may `scenario_file`, the path as typed (`./s.yaml`, or from another folder).
    const expected = opts.design as unknown as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(expected), ...Object.keys(recorded)])].find(
      (key) =>
        key !== 'program' &&
        key !== 'scenario_file' &&
        // What the sweep was started with, as typed: a resume may type the same design
        // otherwise (--steps 80 where the file says 80), and an older record has neither.
        !OPTIONAL_KEYS.has(key) &&
        JSON.stringify(recorded[key]) !== JSON.stringify(expected[key]),
    );
    if (changed !== undefined)
      throw new UserError(
        `${designPath}: ${changed}: expected ${JSON.stringify(expected[changed])?.slice(0, 60) ?? 'nothing'} (what this sweep's design gives), found ${JSON.stringify(recorded[changed])?.slice(0, 60) ?? 'nothing'}: ${JSON.stringify(recorded.program) === JSON.stringify(expected.program) ? 'the file was changed after gvc wrote it' : 'the file was changed, or another program writes its design record differently'}; start the sweep over with --force`,
      );
    release = lockSweep(partial, shown);
    removeStaleTempFiles(partial, ATOMIC_FILES);
  } else {
    if (existsSync(partial)) {
      assertSweepNotRunning(partial, shown, opts.force ? 'replace' : 'start a sweep in');
      if (!opts.force)
        throw new UserError(
          `an interrupted sweep is in ${shown}; continue it with --resume or start over with --force`,
        );
      if (readdirSync(partial).length > 0 && !existsSync(join(partial, DESIGN_FILE)))
        throw new UserError(
          `${shown} is not an interrupted gvc sweep (no ${DESIGN_FILE}); --force will not delete it: remove it yourself or choose another --out`,
        );
      const kept = partialChanges(partial, opts.journalTables ?? []);
      if (kept.length > 0) throw new UserError(`${shown}: ${keptMessage(kept)}`);
      try {
        rmSync(partial, { recursive: true, force: true });
      } catch (err) {
        throw osFailure(err, 'remove the interrupted sweep', shown);
      }
    }
    ensureFolder(partial, target);
    release = lockSweep(partial, shown);
    try {
      writeJson(join(partial, DESIGN_FILE), opts.design);
    } catch (err) {
      release();
      throw osFailure(err, 'write', join(shown, DESIGN_FILE));
    }
  }

  return {
    target,
    partial,
    resumed: opts.resume,
    file: (name) => join(partial, name),
    release,
    commit(force, afterwards = []) {
      // Where a forced replacement moves the old result first, so a crash never leaves neither.
      const old = join(dirname(abs), `.${basename(abs)}.old-${process.pid}`);
      let replaced = false;
      try {
        // Given back first: a finished folder holds no lock.
        release();
        if (existsSync(abs)) {
          if (nonEmpty(abs)) {
            // As when the sweep started: --force is suggested only where it would work.
            assertReplaceable(abs, { kind: 'sweep', inputs, replacing: true, shown: target });
            if (!force)
              throw new UserError(
                `output folder ${target} is not empty; use --force to replace it`,
              );
          }
          renameSync(abs, old);
          replaced = true;
        }
        renameSync(partial, abs);
      } catch (err) {
        throw osFailure(err, 'move the finished sweep into', target);
      }
      for (const name of afterwards) rmSync(join(abs, name), { force: true });
      if (replaced) removeReplaced(old, target);
    },
  };
}
