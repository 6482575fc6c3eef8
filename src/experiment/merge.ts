/**
 * `gvc merge`: combine the folders of a sharded sweep into exactly what one process would have
 * written. Records are merged by run_id as raw CSV text (never re-formatted), streaming, and
 * the summary is computed by the same code from the merged runs.csv, so the CSVs are
 * byte-identical to an unsharded sweep.
 */
import { createReadStream, existsSync, writeSync, openSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { SENSITIVITY_CODEBOOK } from '../analysis/sensitivity-report.js';
import { summarizeRuns } from '../analysis/summary.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  timeseriesColumns,
} from '../engine/observations.js';
import { writeCodebook, type CodebookEntry } from '../io/codebook.js';
import { CsvWriter } from '../io/csv.js';
import { commandArgs, commandLine, writeJson, writeManifest } from '../io/manifest.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { osFailure } from '../io/os-errors.js';
import { assertReadableFile } from '../io/read-file.js';
import { csvReadError } from '../io/read-csv.js';
import { readJsonObject } from '../io/read-json.js';
import { FILES_KEY, recordFiles, WrittenFileCheck } from '../io/file-record.js';
import { readSweepDesign } from './design-file.js';
import { shardRunCount } from './plan.js';
import { DESIGN_FILE, unfinishedSweepHint } from '../io/sweep-dir.js';
import { UserError } from '../scenario/errors.js';
import { specFor, templateOf } from '../scenario/parameters.js';
import {
  errorsColumns,
  factorColumns,
  METRIC_COLUMNS,
  runsColumns,
  summaryColumns,
} from './sweep-columns.js';
import { ALLOW_MIXED_FLAG, checkSameProgram } from './provenance.js';
import type { SweepFactor } from './sweep-spec.js';
import {
  ERRORS_FILE,
  RELATIONSHIPS_FILE,
  RUNS_FILE,
  SUMMARY_FILE,
  SUPPLIERS_FILE,
  TIMESERIES_FILE,
  type DesignRecord,
} from './sweep.js';

function readDesign(dir: string): DesignRecord {
  return readSweepDesign(
    dir,
    `${dir}: not a finished sweep folder, no ${DESIGN_FILE}${unfinishedSweepHint(dir)}`,
  );
}

export function checkShards(
  dirs: readonly string[],
  allowMixedProvenance = false,
): { designs: DesignRecord[]; mixed: string[] } {
  if (dirs.length === 0) throw new UserError('merge: name the shard folders to combine');
  const designs = dirs.map(readDesign);
  const first = designs[0];
  designs.forEach((d, i) => {
    if (!d.shard)
      throw new UserError(`${dirs[i]}: not a shard (it was run without --shard); nothing to merge`);
    if (d.design_fingerprint !== first.design_fingerprint) {
      throw new UserError(
        `${dirs[i]}: its design differs from ${dirs[0]}'s (another scenario, design, step count or timeseries mode)`,
      );
    }
  });
  // After the design: shards of one design made by different programs.
  const mixed: string[] = [];
  designs.forEach((d, i) => {
    const diff = checkSameProgram(
      `merge: the runs of ${dirs[i]} and ${dirs[0]}`,
      first.program,
      d.program,
      allowMixedProvenance,
      'rerun the shards with one program',
    );
    if (diff !== null) mixed.push(`${dirs[0]} → ${dirs[i]}: ${diff}`);
  });
  const count = Number(first.shard!.split('/')[1]);
  const seen = new Map<number, string>();
  designs.forEach((d, i) => {
    const [index, n] = d.shard!.split('/').map(Number);
    if (n !== count)
      throw new UserError(
        `${dirs[i]}: shard ${d.shard} does not belong to a split into ${count} shards`,
      );
    if (seen.has(index))
      throw new UserError(`${dirs[i]}: shard ${d.shard} is given twice (also ${seen.get(index)})`);
    seen.set(index, dirs[i]);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new UserError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
  return { designs, mixed };
}

interface Cursor {
  path: string;
  iterator: AsyncIterator<{ raw: string; record: string[]; info: { lines: number } }>;
  current: { raw: string; runId: number; line: number } | null;
  /** run_id of the previous record: a shard's records are in run order. */
  lastRunId: number;
  /** The file against its shard's record, as it is read. */
  check: WrittenFileCheck;
}

async function advance(c: Cursor, belongs: (runId: number) => boolean): Promise<void> {
  let next;
  try {
    next = await c.iterator.next();
  } catch (err) {
    throw csvReadError(err, c.path);
  }
  if (next.done) {
    c.current = null;
    c.check.finish();
    return;
  }
  const line = next.value.info.lines;
  const text = next.value.record[0];
  const runId = /^[1-9]\d*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(runId) || !belongs(runId))
    throw new UserError(
      `${c.path}:${line}: run_id: expected a run of this shard, found ${JSON.stringify(text.slice(0, 20))}`,
    );
  if (runId < c.lastRunId)
    throw new UserError(
      `${c.path}:${line}: run_id ${runId} after ${c.lastRunId}: the shard's rows are out of order (damaged file)`,
    );
  c.lastRunId = runId;
  c.current = { raw: next.value.raw, runId, line };
}

/**
 * k-way merge of CSV files sorted by their first column (run_id), copying raw records.
 * `belongs[i]` tells whether a run_id is one of input i's shard. Returns the distinct run_ids
 * of each input.
 */
async function mergeCsv(
  inputs: readonly string[],
  output: string,
  belongs: readonly ((runId: number) => boolean)[],
  written?: (bytes: number) => void,
): Promise<Set<number>[]> {
  let fd: number;
  try {
    fd = openSync(output, 'w');
  } catch (err) {
    throw osFailure(err, 'create', output);
  }
  const ids = inputs.map(() => new Set<number>());
  try {
    const cursors: Cursor[] = [];
    let header: string | null = null;
    for (const [i, path] of inputs.entries()) {
      if (!existsSync(path))
        throw new UserError(`${path}: missing (the shard folder is incomplete)`);
      assertReadableFile(path, "a shard's table", Number.POSITIVE_INFINITY);
      // Before any record is copied: a shard's file cut at a line boundary parses cleanly, and
      // one cut inside its last line would be glued to the next shard's first record.
      const check = new WrittenFileCheck(path);
      const stream = createReadStream(path);
      stream.on('data', (chunk) => check.update(chunk as Buffer));
      const parser = stream.pipe(parse({ raw: true, info: true, relax_column_count: false }));
      const iterator = (
        parser as unknown as AsyncIterable<{
          raw: string;
          record: string[];
          info: { lines: number };
        }>
      )[Symbol.asyncIterator]();
      let first;
      try {
        first = await iterator.next();
      } catch (err) {
        throw csvReadError(err, path);
      }
      if (first.done) throw new UserError(`${path}: empty file (expected a header row)`);
      if (header === null) header = first.value.raw;
      else if (first.value.raw !== header)
        throw new UserError(`${path}:1: its columns differ from the other shards'`);
      // Written once for all shards; counted as done for each, so progress ends at the total.
      else written?.(Buffer.byteLength(header, 'utf8'));
      const cursor: Cursor = { path, iterator, current: null, lastRunId: 0, check };
      await advance(cursor, belongs[i]);
      cursors.push(cursor);
    }
    const put = (text: string) => {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      try {
        while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      } catch (err) {
        throw osFailure(err, 'write', output);
      }
      written?.(buf.length);
    };
    put(header!);
    for (;;) {
      let best = -1;
      for (const [i, c] of cursors.entries())
        if (c.current && (best < 0 || c.current.runId < cursors[best].current!.runId)) best = i;
      if (best < 0) break;
      const c = cursors[best];
      const runId = c.current!.runId;
      ids[best].add(runId);
      // All records of one run are consecutive in one shard.
      while (c.current && c.current.runId === runId) {
        put(c.current.raw);
        await advance(c, belongs[best]);
      }
    }
  } finally {
    closeSync(fd);
  }
  return ids;
}

/**
 * Merges shard folders `dirs` into `out`. `onProgress(done, total)` is called as records are
 * written, in bytes of the shards' tables. Throws a UserError for shards that do not belong
 * together or are damaged, a SystemError when the operating system refuses a file operation.
 */
export async function mergeShards(
  dirs: readonly string[],
  out: string,
  force: boolean,
  allowMixedProvenance = false,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): Promise<DesignRecord> {
  const { designs, mixed } = checkShards(dirs, allowMixedProvenance);
  const design = designs[0];
  // The shard whose index is least: shards of one sweep may have been typed differently.
  const shardIndex = (d: DesignRecord) => Number.parseInt((d.shard ?? '1').split('/')[0], 10);
  const firstShard = designs.reduce((a, b) => (shardIndex(b) < shardIndex(a) ? b : a));
  const factors: SweepFactor[] = design.factors.map((f) => ({
    path: f.path,
    spec: specFor(templateOf(f.path))!,
  }));
  const target = prepareOutputDir(out, { force, kind: 'sweep', inputs: dirs });
  try {
    const files: CodebookEntry[] = [];
    const shards = designs.map((d) => {
      const [index, count] = d.shard!.split('/').map(Number);
      return { index, count };
    });
    // A run_id belongs to shard i/n when it is i, i+n, i+2n … up to the design's total.
    const belongs = shards.map(
      (sh) => (id: number) => id <= design.total_runs && (id - sh.index) % sh.count === 0,
    );
    // The tables of every run, merged in run order; runs.csv first (its run ids are checked below).
    const tables: CodebookEntry[] = [{ file: RUNS_FILE, columns: runsColumns(factors) }];
    if (design.timeseries !== 'none')
      tables.push({ file: TIMESERIES_FILE, columns: timeseriesColumns(design.by_group ?? false) });
    if (design.agents !== undefined && design.agents !== 'none')
      tables.push({ file: SUPPLIERS_FILE, columns: SUPPLIER_COLUMNS });
    if (design.relationships)
      tables.push({ file: RELATIONSHIPS_FILE, columns: RELATIONSHIP_COLUMNS });
    const inputsOf = (file: string) => dirs.map((d) => join(d, file));
    const bytes = { done: 0, total: 0 };
    for (const t of tables)
      for (const path of inputsOf(t.file))
        bytes.total += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    const written = (n: number) => {
      bytes.done += n;
      onProgress?.(bytes.done, bytes.total);
    };
    let okIds: Set<number>[] = [];
    for (const [k, t] of tables.entries()) {
      const ids = await mergeCsv(inputsOf(t.file), target.file(t.file), belongs, written);
      if (k === 0) okIds = ids;
      files.push(t);
    }
    const sumCols = summaryColumns(factors);
    const writer = new CsvWriter(target.file(SUMMARY_FILE), sumCols);
    await summarizeRuns(
      target.file(RUNS_FILE),
      factorColumns(factors),
      METRIC_COLUMNS.map((c) => c.name),
      (row) => writer.write(row),
    );
    await writer.close();
    files.push({ file: SUMMARY_FILE, columns: sumCols });
    const failedIds = await mergeCsv(
      dirs.map((d) => join(d, ERRORS_FILE)),
      target.file(ERRORS_FILE),
      belongs,
    );
    // Every run of a shard is in runs.csv or errors.csv, exactly once: a file cut at a line
    // boundary parses cleanly, so the count is what shows it.
    shards.forEach((sh, i) => {
      const expected = shardRunCount(design.total_runs, sh);
      const found = okIds[i].size + failedIds[i].size;
      const both = [...okIds[i]].find((id) => failedIds[i].has(id));
      if (both !== undefined)
        throw new UserError(
          `${join(dirs[i], ERRORS_FILE)}: run ${both} is also in ${RUNS_FILE} (damaged shard)`,
        );
      if (found !== expected)
        throw new UserError(
          `${join(dirs[i], RUNS_FILE)}: ${found} runs (with ${ERRORS_FILE}), but shard ${designs[i].shard} has ${expected}; the shard's files are incomplete or damaged`,
        );
    });
    files.push({ file: ERRORS_FILE, columns: errorsColumns(factors) });
    const recorded = [...files.map((f) => f.file), 'codebook.csv'];
    if (design.layout) files.push(...SENSITIVITY_CODEBOOK);
    await writeCodebook(target.file('codebook.csv'), files);
    const merged: DesignRecord = {
      ...design,
      shard: null,
      fingerprint: `${design.design_fingerprint}/all`,
      // The options of shard 1 (whatever order the folders were given in), but of no one shard.
      ...(firstShard.command_options
        ? { command_options: { ...firstShard.command_options, shard: undefined } }
        : {}),
    } as DesignRecord;
    writeJson(target.file(DESIGN_FILE), merged);
    // Every shard's manifest is read (a damaged one is reported); the first one's is kept.
    const manifest = dirs
      .map((d) => readJsonObject(join(d, 'manifest.json'), "a shard's manifest"))
      .shift()!;
    writeManifest(target.file('manifest.json'), {
      ...manifest,
      command_line: commandLine(process.argv),
      argv: commandArgs(process.argv),
      end_time: new Date().toISOString(),
      sweep: {
        ...(manifest.sweep as object),
        ...merged,
        merged_from: dirs,
        ...(mixed.length > 0
          ? { mixed_provenance: { allowed_by: ALLOW_MIXED_FLAG, differences: mixed } }
          : {}),
      },
      // The merged files' own record (the first shard's would describe its files).
      [FILES_KEY]: await recordFiles([...recorded, DESIGN_FILE], (n) => target.file(n)),
    });
    target.commit();
    return merged;
  } catch (err) {
    target.abort();
    throw err;
  }
}
