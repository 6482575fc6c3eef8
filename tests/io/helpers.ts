import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Writes a gvc manifest.json into `dir` (with `fields`) whose `files` record lists the size
 * and sha256 of each file `dir` holds now, as gvc records the files it wrote: call it after
 * writing them. A file changed or added afterwards is then the user's to --force.
 */
export function writeGvcManifest(dir: string, fields: object): void {
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'manifest.json' || !statSync(join(dir, name)).isFile()) continue;
    const bytes = readFileSync(join(dir, name));
    files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  writeSelfChecked(join(dir, 'manifest.json'), { program: 'gvc-abm', ...fields, files });
}

/**
 * Writes `manifest` as gvc writes a manifest.json, computed here from the rule rather than by
 * gvc's code: its JSON text (2-space indents, a final newline) with `manifest_sha256`, the
 * sha256 of that text without the key, added last.
 */
export function writeSelfChecked(path: string, manifest: Record<string, unknown>): void {
  const text = (o: object) => JSON.stringify(o, null, 2) + '\n';
  const sha256 = createHash('sha256').update(text(manifest)).digest('hex');
  writeFileSync(path, text({ ...manifest, manifest_sha256: sha256 }));
}
