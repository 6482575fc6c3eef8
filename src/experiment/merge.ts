/**
 * `gvc merge`: combine the folders of a sharded sweep into exactly what one process would have
 * written. Records are merged by run_id as raw CSV text (never re-formatted), streaming, and
 * the summary is computed by the same code from the merged runs.csv, so the CSVs are
 * byte-identical to an unsharded sweep.
 */
import {
  createReadStream,
  existsSync,
  readFileSync,
  writeSync,
  openSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { summarizeRuns } from '../analysis/summary.js';
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
} from '../engine/observations.js';
import { writeCodebook, type CodebookEntry } from '../io/codebook.js';
import { CsvWriter } from '../io/csv.js';
import { writeJson } from '../io/manifest.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { DESIGN_FILE } from '../io/sweep-dir.js';
import { UserError } from '../scenario/errors.js';
import { specFor, templateOf } from '../scenario/parameters.js';
import {
  errorsColumns,
  factorColumns,
  METRIC_COLUMNS,
  runsColumns,
  summaryColumns,
} from './sweep-columns.js';
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
  const path = join(dir, DESIGN_FILE);
  if (!existsSync(path)) {
    const hint = existsSync(`${dir}.partial`)
      ? ` (the shard is unfinished: resume it with gvc sweep --resume)`
      : '';
    throw new UserError(`${dir}: not a finished sweep folder, no ${DESIGN_FILE}${hint}`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as DesignRecord;
}

export function checkShards(dirs: readonly string[]): DesignRecord[] {
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
  return designs;
}

interface Cursor {
  iterator: AsyncIterator<{ raw: string; record: string[] }>;
  current: { raw: string; runId: number } | null;
}

async function advance(c: Cursor): Promise<void> {
  const next = await c.iterator.next();
  c.current = next.done ? null : { raw: next.value.raw, runId: Number(next.value.record[0]) };
}

/** k-way merge of CSV files sorted by their first column (run_id), copying raw records. */
async function mergeCsv(inputs: readonly string[], output: string): Promise<void> {
  const fd = openSync(output, 'w');
  try {
    const cursors: Cursor[] = [];
    let header: string | null = null;
    for (const path of inputs) {
      const parser = createReadStream(path).pipe(parse({ raw: true, relax_column_count: false }));
      const iterator = (parser as unknown as AsyncIterable<{ raw: string; record: string[] }>)[
        Symbol.asyncIterator
      ]();
      const first = await iterator.next();
      if (first.done) throw new UserError(`${path}: empty file`);
      if (header === null) header = first.value.raw;
      else if (first.value.raw !== header)
        throw new UserError(`${path}: its columns differ from the other shards'`);
      const cursor: Cursor = { iterator, current: null };
      await advance(cursor);
      cursors.push(cursor);
    }
    const put = (text: string) => {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    };
    put(header!);
    for (;;) {
      let best: Cursor | null = null;
      for (const c of cursors)
        if (c.current && (!best || c.current.runId < best.current!.runId)) best = c;
      if (!best) break;
      const runId = best.current!.runId;
      // All records of one run are consecutive in one shard.
      while (best.current && best.current.runId === runId) {
        put(best.current.raw);
        await advance(best);
      }
    }
  } finally {
    closeSync(fd);
  }
}

export async function mergeShards(
  dirs: readonly string[],
  out: string,
  force: boolean,
): Promise<DesignRecord> {
  const designs = checkShards(dirs);
  const design = designs[0];
  const factors: SweepFactor[] = design.factors.map((f) => ({
    path: f.path,
    spec: specFor(templateOf(f.path))!,
  }));
  const target = prepareOutputDir(out, force);
  try {
    const files: CodebookEntry[] = [];
    await mergeCsv(
      dirs.map((d) => join(d, RUNS_FILE)),
      target.file(RUNS_FILE),
    );
    files.push({ file: RUNS_FILE, columns: runsColumns(factors) });
    if (design.timeseries !== 'none') {
      await mergeCsv(
        dirs.map((d) => join(d, TIMESERIES_FILE)),
        target.file(TIMESERIES_FILE),
      );
      files.push({ file: TIMESERIES_FILE, columns: TIMESERIES_COLUMNS });
    }
    if (design.agents !== undefined && design.agents !== 'none') {
      await mergeCsv(
        dirs.map((d) => join(d, SUPPLIERS_FILE)),
        target.file(SUPPLIERS_FILE),
      );
      files.push({ file: SUPPLIERS_FILE, columns: SUPPLIER_COLUMNS });
    }
    if (design.relationships) {
      await mergeCsv(
        dirs.map((d) => join(d, RELATIONSHIPS_FILE)),
        target.file(RELATIONSHIPS_FILE),
      );
      files.push({ file: RELATIONSHIPS_FILE, columns: RELATIONSHIP_COLUMNS });
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
    await mergeCsv(
      dirs.map((d) => join(d, ERRORS_FILE)),
      target.file(ERRORS_FILE),
    );
    files.push({ file: ERRORS_FILE, columns: errorsColumns(factors) });
    await writeCodebook(target.file('codebook.csv'), files);
    const merged: DesignRecord = {
      ...design,
      shard: null,
      fingerprint: `${design.design_fingerprint}/all`,
    };
    writeJson(target.file(DESIGN_FILE), merged);
    const manifest = JSON.parse(readFileSync(join(dirs[0], 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeJson(target.file('manifest.json'), {
      ...manifest,
      command_line: process.argv.join(' '),
      argv: process.argv,
      end_time: new Date().toISOString(),
      sweep: { ...(manifest.sweep as object), ...merged, merged_from: dirs },
    });
    target.commit();
    return merged;
  } catch (err) {
    target.abort();
    throw err;
  }
}
