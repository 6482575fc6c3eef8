/**
 * design.json read back (by gvc merge, gvc sensitivity, gvc report and gvc sweep --resume).
 * It is gvc's own file, but it may have been truncated by a full disk, edited or replaced;
 * every field later code relies on is checked here, so a damaged file is a one-line UserError
 * naming the file and the field, never an internal error further on.
 */
import { existsSync, lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { inputReadFailure } from '../io/os-errors.js';
import { DESIGN_FILE, unfinishedSweepHint } from '../io/sweep-dir.js';
import { checkRecordedBytes } from '../io/file-record.js';
import { readJsonObject } from '../io/read-json.js';
import { UserError } from '../scenario/errors.js';
import type { DesignRecord } from './sweep.js';

const isInt = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Checks the shape of a parsed design record; throws a UserError naming `file` and the field. */
export function checkDesignRecord(raw: Record<string, unknown>, file: string): DesignRecord {
  const bad = (field: string, expected: string): never => {
    const found = raw[field.split('.')[0]];
    throw new UserError(
      `${file}: ${field}: expected ${expected}${field.includes('.') ? '' : `, found ${found === undefined ? 'nothing' : JSON.stringify(found)?.slice(0, 40)}`} (the file is damaged or not gvc's; rerun the sweep)`,
    );
  };
  if (!isStr(raw.fingerprint)) bad('fingerprint', 'a string');
  if (!isStr(raw.design_fingerprint)) bad('design_fingerprint', 'a string');
  if (!isStr(raw.design)) bad('design', 'a design name');
  if (!isInt(raw.cells, 1)) bad('cells', 'a whole number >= 1');
  if (!isInt(raw.total_runs, 0)) bad('total_runs', 'a whole number >= 0');
  if (!isStr(raw.timeseries)) bad('timeseries', 'final, none or every:K');
  if (
    !Array.isArray(raw.factors) ||
    raw.factors.some((f) => !isStr((f as { path?: unknown })?.path))
  )
    bad('factors', 'a list of {path: …}');
  if (raw.shard !== null) {
    const match = isStr(raw.shard) ? /^(\d+)\/(\d+)$/.exec(raw.shard) : null;
    if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2]))
      bad('shard', 'null or "i/n"');
  }
  if (raw.common_random_numbers !== undefined && typeof raw.common_random_numbers !== 'boolean')
    bad('common_random_numbers', 'true, false or absent');
  const layout = raw.layout as { kind?: unknown; layout?: Record<string, unknown> } | null;
  if (layout !== null && layout !== undefined) {
    const l = layout.layout;
    const factorsOk =
      l !== null &&
      typeof l === 'object' &&
      Array.isArray(l.factors) &&
      l.factors.length >= 1 &&
      l.factors.every(isStr);
    if (!factorsOk) bad('layout.layout.factors', 'a list of parameter paths');
    const k = (l!.factors as string[]).length;
    if (layout.kind === 'sobol') {
      if (!isInt(l!.N, 1)) bad('layout.layout.N', 'a whole number >= 1');
      if (typeof l!.calcSecondOrder !== 'boolean')
        bad('layout.layout.calcSecondOrder', 'true or false');
      const block = l!.calcSecondOrder ? 2 * k + 2 : k + 2;
      if ((l!.N as number) * block !== raw.cells)
        bad('layout.layout.N', `N × ${block} = cells (${String(raw.cells)})`);
    } else if (layout.kind === 'morris') {
      if (typeof l!.delta !== 'number' || !Number.isFinite(l!.delta))
        bad('layout.layout.delta', 'a number');
      const steps = l!.steps;
      const ok =
        Array.isArray(steps) &&
        steps.length * (k + 1) === raw.cells &&
        steps.every(
          (t) =>
            Array.isArray(t) &&
            t.length === k &&
            t.every(
              (s: { factor?: unknown; direction?: unknown }) =>
                isInt(s?.factor, 0) &&
                (s.factor as number) < k &&
                (s.direction === 1 || s.direction === -1),
            ),
        );
      if (!ok) bad('layout.layout.steps', `one list of ${k} moves per trajectory, matching cells`);
      // The realised changes of integer factors, which the elementary effects divide by.
      const changes = l!.changes;
      if (
        changes !== undefined &&
        !(
          Array.isArray(changes) &&
          changes.length === (steps as unknown[]).length &&
          changes.every(
            (t) =>
              Array.isArray(t) &&
              t.length === k &&
              t.every((c) => typeof c === 'number' && Number.isFinite(c)),
          )
        )
      )
        bad('layout.layout.changes', `one list of ${k} numbers per trajectory`);
    } else bad('layout.kind', 'sobol or morris');
  }
  return raw as unknown as DesignRecord;
}

/**
 * Reads and checks `<dir>/design.json`: against the folder's manifest record when there is one
 * (a finished sweep or shard; an interrupted sweep's folder has no manifest yet), then its shape.
 */
export function readDesignFile(dir: string): DesignRecord {
  const file = join(dir, DESIGN_FILE);
  return checkDesignRecord(
    readJsonObject(file, "a sweep's design record", checkRecordedBytes),
    file,
  );
}

/**
 * The design record of `dir`, a folder a command was given as a finished sweep (gvc merge,
 * gvc sensitivity). A UserError (exit 2) says what `dir` is when it is no folder: a link loop,
 * a symbolic link to nothing, a path that does not exist, a file; `notSweep` is the message
 * for a folder without design.json. A refusal of the system is a SystemError (exit 3).
 */
export function readSweepDesign(dir: string, notSweep: string): DesignRecord {
  let st: Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
    if (!st && lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink())
      throw new UserError(
        `${dir}: a symbolic link to ${readlinkSync(dir)}, which does not exist (a dangling link)`,
      );
  } catch (err) {
    throw inputReadFailure(err, dir); // a link loop, a name too long: bad input; permission: exit 3
  }
  if (!st) throw new UserError(`${dir}: no such folder${unfinishedSweepHint(dir)}`);
  if (!st.isDirectory()) throw new UserError(`${dir}: not a folder`);
  if (!existsSync(join(dir, DESIGN_FILE))) throw new UserError(notSweep);
  return readDesignFile(dir);
}

/**
 * Throws a UserError unless a whole sweep's runs.csv (`runs` rows) and errors.csv (`failed`
 * rows) together hold every run its design.json records (`totalRuns`). A file cut at a line
 * boundary still parses, so only the count shows it. `runsFile` names the file in the message.
 */
export function assertEveryRun(
  runsFile: string,
  runs: number,
  failed: number,
  totalRuns: number,
): void {
  if (runs + failed === totalRuns) return;
  const unfinished = unfinishedSweepHint(dirname(runsFile));
  throw new UserError(
    `${runsFile}: ${runs} runs (and ${failed} in errors.csv), but ${DESIGN_FILE} records ${totalRuns}${unfinished || "; the sweep's files are incomplete or damaged"}`,
  );
}
