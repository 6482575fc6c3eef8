import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** A fresh temp folder per call; remove them all with cleanupTemp() in afterAll. */
const made: string[] = [];
export function tempDir(prefix = 'gvc-io-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Parses with an independent RFC 4180 parser, so quoting is checked by round trip. */
export function readRecords(file: string): string[][] {
  return parse(readFileSync(file, 'utf8'), { relax_column_count: false }) as string[][];
}
