/**
 * The folder of a sweep. Runs accumulate in `<out>.partial/`, which survives interruption so
 * `--resume` can continue it; only a complete sweep is renamed to `<out>/`. A sweep that was
 * never finished therefore never looks like a result. `--force` deletes an interrupted sweep
 * or replaces a finished one only when gvc wrote it (design.json in `.partial`, a sweep's
 * manifest.json in `<out>`) and it holds no input of the command (output-guard.ts).
 */
import { existsSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
import { assertNotLink, assertReplaceable, foreignEntry, isInside } from './output-guard.js';
import { readJsonObject } from './read-json.js';
import { removeStaleStaging, removeStaleTempFiles } from './staging.js';
import { assertSweepNotRunning, lockSweep } from './sweep-lock.js';

export const DESIGN_FILE = 'design.json';

export interface SweepDir {
  target: string;
  partial: string;
  /** True when continuing an interrupted sweep. */
  resumed: boolean;
  file(name: string): string;
  /** Move the finished sweep into place (replacing an old result only if forced). */
  commit(force: boolean): void;
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
 * What differs between the design record `recorded` (design.json of an interrupted sweep) and
 * `now` (the one this command would write), as `item: recorded X, now Y` texts: each
 * command-line option (`--reps: recorded 8, now not given`), the scenario file's content, then
 * any other recorded item (replications, factors, outputs …). [] when nothing but derived keys
 * differ. Records written before the options were recorded name only the other items.
 */
export function designDifferences(
  recorded: Record<string, unknown>,
  now: Record<string, unknown>,
): string[] {
  const show = (v: unknown) => (v === undefined ? 'not given' : (JSON.stringify(v) ?? 'nothing'));
  const out: string[] = [];
  const before = recorded.command_options;
  const after = now.command_options;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  // Compared above (options, the file's content) or not at all (derived, the file's name).
  const compared = new Set([
    ...DERIVED_KEYS,
    'command_options',
    'scenario_file',
    'scenario_sha256',
  ]);
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort())
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        out.push(`--${key}: recorded ${show(before[key])}, now ${show(after[key])}`);
  }
  if (
    typeof recorded.scenario_sha256 === 'string' &&
    typeof now.scenario_sha256 === 'string' &&
    recorded.scenario_sha256 !== now.scenario_sha256
  )
    out.push(
      `the scenario file's content: recorded sha256 ${recorded.scenario_sha256.slice(0, 12)}…, now ${now.scenario_sha256.slice(0, 12)}… (the file was edited)`,
    );
  for (const key of Object.keys(now)) {
    if (compared.has(key) || !(key in recorded)) continue;
    if (JSON.stringify(recorded[key]) !== JSON.stringify(now[key]))
      out.push(
        `${key}: recorded ${show(recorded[key]).slice(0, 80)}, now ${show(now[key]).slice(0, 80)}`,
      );
  }
  return out;
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
  if (nonEmpty(abs) && (opts.force || !opts.resume)) {
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
      const differences = designDifferences(
        recorded,
        opts.design as unknown as Record<string, unknown>,
      );
      throw new UserError(
        `cannot resume ${shown}: ` +
          (differences.length > 0
            ? `it was started with other options: ${differences.join('; ')}; `
            : `it was started from a different scenario, design, step count, outputs or shard ` +
              `(recorded fingerprint ${short(recorded.fingerprint)}, now ${short(opts.design.fingerprint)}); `) +
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
      const foreign = foreignEntry(partial, 'sweep');
      if (foreign !== null)
        throw new UserError(
          `${shown} holds ${foreign}, which gvc did not write there; --force will not delete it: move it out or choose another --out`,
        );
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
    commit(force) {
      // Where a forced replacement moves the old result first, so a crash never leaves neither.
      const old = join(dirname(abs), `.${basename(abs)}.old-${process.pid}`);
      try {
        // Given back first: a finished folder holds no lock.
        release();
        if (!existsSync(abs)) {
          renameSync(partial, abs);
          return;
        }
        if (nonEmpty(abs)) {
          if (!force)
            throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
          assertReplaceable(abs, { kind: 'sweep', inputs, replacing: true, shown: target });
        }
        renameSync(abs, old);
        renameSync(partial, abs);
      } catch (err) {
        throw osFailure(err, 'move the finished sweep into', target);
      }
      removeReplaced(old, target);
    },
  };
}
