/**
 * The writing side of one run: staging folder, CSV writers fed by the engine's sink,
 * manifest and codebook, then the atomic commit — or, on any error, no folder at all.
 */
import {
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  timeseriesColumns,
  type AgentsMode,
  type ObservationSink,
  type RelationshipRow,
  type SupplierRow,
  type TimeseriesRow,
} from '../engine/observations.js';
import { writeCodebook, type CodebookEntry } from './codebook.js';
import { CsvWriter } from './csv.js';
import { buildManifest, writeManifest, type ManifestInfo } from './manifest.js';
import { prepareOutputDir } from './output-dir.js';
import { FILES_KEY, recordFiles } from './file-record.js';

export const TIMESERIES_FILE = 'timeseries.csv';
export const SUPPLIERS_FILE = 'suppliers.csv';
export const RELATIONSHIPS_FILE = 'relationships.csv';
export const MANIFEST_FILE = 'manifest.json';
export const CODEBOOK_FILE = 'codebook.csv';

export interface RunOutputOptions {
  outDir: string;
  force: boolean;
  agents: AgentsMode;
  /** Whether to write relationships.csv (one row per relationship spell). */
  relationships: boolean;
  /** Whether timeseries rows come by supplier group too (the group column is written). */
  byGroup?: boolean;
  manifest: Omit<ManifestInfo, 'startTime' | 'endTime'>;
  runId: number;
  /** The run's input files (scenario, base): a folder holding one is never replaced. */
  inputs?: readonly string[];
}

export interface RunOutputResult {
  /** The output folder as given in opts.outDir. */
  outDir: string;
  /** Names of the files written, relative to outDir, in the order written. */
  files: string[];
}

/**
 * Runs `produce` with a sink that writes its rows (with run_id set to opts.runId; the
 * engine leaves it null) to timeseries.csv, — unless agents.kind is 'none' — suppliers.csv
 * and — if opts.relationships — relationships.csv, then writes codebook.csv and manifest.json
 * (with the size and sha256 of each CSV) and moves the folder into place. The output folder
 * is checked and the staging folder created before `produce` is called, so a bad --out fails
 * (UserError) before any simulation work. If anything throws, the staging folder is removed
 * and the error rethrown; the target is left as it was. On SIGINT, SIGTERM or SIGHUP the
 * staging folder is removed by a signal listener (io/cleanup.ts), which runs only when the event
 * loop does: `produce` must let it run often (engine/simulation.ts simulateYielding).
 */
export async function writeRunOutputs(
  opts: RunOutputOptions,
  produce: (sink: ObservationSink) => void | Promise<void>,
): Promise<RunOutputResult> {
  const startTime = new Date();
  const dir = prepareOutputDir(opts.outDir, {
    force: opts.force,
    kind: 'run',
    inputs: opts.inputs,
  });
  let timeseries: CsvWriter<TimeseriesRow> | null = null;
  let suppliers: CsvWriter<SupplierRow> | null = null;
  let spells: CsvWriter<RelationshipRow> | null = null;
  try {
    // run_id as a writer constant rather than a field set on each row: no copy and no
    // mutation of the engine's objects on a path that sees up to 100k rows.
    const constants = { run_id: opts.runId };
    const tsColumns = timeseriesColumns(opts.byGroup ?? false);
    const ts = new CsvWriter<TimeseriesRow>(dir.file(TIMESERIES_FILE), tsColumns, { constants });
    timeseries = ts;
    const sup =
      opts.agents.kind === 'none'
        ? null
        : new CsvWriter<SupplierRow>(dir.file(SUPPLIERS_FILE), SUPPLIER_COLUMNS, { constants });
    suppliers = sup;
    const rel = opts.relationships
      ? new CsvWriter<RelationshipRow>(dir.file(RELATIONSHIPS_FILE), RELATIONSHIP_COLUMNS, {
          constants,
        })
      : null;
    spells = rel;

    const sink: ObservationSink = {
      timeseries(row) {
        ts.write(row);
      },
      suppliers: sup
        ? (rows) => {
            for (let i = 0; i < rows.length; i++) sup.write(rows[i]);
          }
        : () => {
            // agents: none — the engine need not know; the rows are simply not recorded.
          },
    };
    // Without the method the engine does not build spell rows at all.
    if (rel)
      sink.relationships = (rows) => {
        for (let i = 0; i < rows.length; i++) rel.write(rows[i]);
      };

    await produce(sink);

    const files: string[] = [];
    const codebook: CodebookEntry[] = [];
    await ts.close();
    files.push(TIMESERIES_FILE);
    codebook.push({ file: TIMESERIES_FILE, columns: tsColumns });
    if (sup) {
      await sup.close();
      files.push(SUPPLIERS_FILE);
      codebook.push({ file: SUPPLIERS_FILE, columns: SUPPLIER_COLUMNS });
    }
    if (rel) {
      await rel.close();
      files.push(RELATIONSHIPS_FILE);
      codebook.push({ file: RELATIONSHIPS_FILE, columns: RELATIONSHIP_COLUMNS });
    }

    await writeCodebook(dir.file(CODEBOOK_FILE), codebook);
    files.push(CODEBOOK_FILE);
    // Last, so that it can record the size and hash of every CSV (file-record.ts).
    const manifest = buildManifest({
      ...opts.manifest,
      runId: opts.runId,
      startTime,
      endTime: new Date(),
    });
    writeManifest(dir.file(MANIFEST_FILE), {
      ...manifest,
      [FILES_KEY]: await recordFiles(files, (n) => dir.file(n)),
    });
    files.push(MANIFEST_FILE);

    dir.commit();
    return { outDir: opts.outDir, files };
  } catch (err) {
    timeseries?.discard();
    suppliers?.discard();
    spells?.discard();
    dir.abort();
    throw err;
  }
}
