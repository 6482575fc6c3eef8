/**
 * manifest.json: everything needed to tell which program, scenario and parameters produced
 * an output folder, and to rerun it (docs/ODD.md §4.11).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { osFailure } from './os-errors.js';

export interface ManifestInfo {
  /** The scenario file as given on the command line; null when there is none. */
  scenarioFile: string | null;
  /**
   * sha256 (hex) of the scenario file's bytes. Pass the hash of the bytes that were
   * actually parsed when you have them (see sha256()); when omitted it is computed from
   * scenarioFile now (null if the file cannot be read).
   */
  scenarioSha256?: string | null;
  /** For a derived scenario file (`base:`), the file it derives from and that file's hash. */
  scenarioBase?: { file: string; sha256: string };
  scenarioName: string;
  /** The resolved parameters (a plain, JSON-compatible object). */
  parameters: object;
  /** The seed(s) of the run(s); a single seed is stored as a one-element list. */
  seeds: number | readonly number[];
  startTime: Date | string;
  endTime: Date | string;
  /** The run's run_id, when the folder holds a single run. */
  runId?: number;
  /** Defaults to process.argv. */
  argv?: readonly string[];
}

export interface Manifest {
  program: string;
  version: string;
  git_commit: string | null;
  /** True when the checkout had uncommitted changes to tracked files; null when unknown. */
  git_dirty: boolean | null;
  scenario_file: string | null;
  scenario_sha256: string | null;
  scenario_base_file?: string;
  scenario_base_sha256?: string;
  scenario_name: string;
  run_id?: number;
  seeds: number[];
  parameters: object;
  command_line: string;
  /**
   * The same command line unjoined (`gvc` then the arguments), since joining loses the
   * boundaries of quoted arguments.
   */
  argv: string[];
  node_version: string;
  platform: string;
  start_time: string;
  end_time: string;
}

interface ProgramInfo {
  name: string;
  version: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
}

let programInfoCache: ProgramInfo | undefined;

/**
 * The package folder: the nearest folder above this module whose package.json has a name.
 * Nameless package.json files (`{"type": "module"}` markers in build folders) are skipped.
 */
export function packageDir(): string | null {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(d, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
        if (typeof pkg.name === 'string') return d;
      } catch {
        // Unreadable or not JSON: keep looking further up.
      }
    }
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/**
 * Runs a read-only git query in `cwd`; null if git is missing or fails. `safe.directory=*`:
 * a clone owned by another user (a shared installation, a container's mounted checkout) is
 * otherwise refused by git's ownership check, and the manifest would record no commit, after
 * which --resume refuses the same program as "another". The user already runs this folder's
 * code; `core.fsmonitor=false` keeps git from running any command the repository configures.
 */
function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-c', 'safe.directory=*', '-c', 'core.fsmonitor=false', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      windowsHide: true,
    }).trim();
  } catch {
    return null;
  }
}

/**
 * Name, version and git commit of this program, looked up once per process (sweeps build
 * one manifest per run). The commit is only reported when the package's own package.json
 * is tracked by the enclosing repository: an installed copy inside someone else's
 * checkout (node_modules) would otherwise report *their* commit.
 */
export function programInfo(): ProgramInfo {
  if (programInfoCache) return programInfoCache;
  let name = 'gvc-abm';
  let version = 'unknown';
  let gitCommit: string | null = null;
  let gitDirty: boolean | null = null;
  const dir = packageDir();
  if (dir) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (typeof pkg.name === 'string') name = pkg.name;
      if (typeof pkg.version === 'string') version = pkg.version;
    } catch {
      // A broken package.json must not stop a run from being recorded.
    }
    if (git(dir, ['ls-files', '--error-unmatch', '--', 'package.json']) !== null) {
      const head = git(dir, ['rev-parse', '--verify', 'HEAD']);
      if (head && /^[0-9a-f]{40,64}$/.test(head)) {
        gitCommit = head;
        const status = git(dir, ['status', '--porcelain', '--untracked-files=no', '--', '.']);
        gitDirty = status === null ? null : status.length > 0;
      }
    }
  }
  programInfoCache = { name, version, gitCommit, gitDirty };
  return programInfoCache;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isoTime(t: Date | string): string {
  return typeof t === 'string' ? t : t.toISOString();
}

/** Builds the manifest object; never throws for lack of git or of the scenario file. */
export function buildManifest(info: ManifestInfo): Manifest {
  const program = programInfo();
  let hash = info.scenarioSha256;
  if (hash === undefined) {
    hash = null;
    if (info.scenarioFile !== null) {
      try {
        hash = sha256(readFileSync(info.scenarioFile));
      } catch {
        // Reported as null: the run itself did not depend on rereading the file.
      }
    }
  }
  const argv = info.argv ?? process.argv;
  // Key order here is the order in the file (writeJson keeps insertion order).
  const manifest: Manifest = {
    program: program.name,
    version: program.version,
    git_commit: program.gitCommit,
    git_dirty: program.gitDirty,
    scenario_file: info.scenarioFile,
    scenario_sha256: hash,
    ...(info.scenarioBase
      ? {
          scenario_base_file: info.scenarioBase.file,
          scenario_base_sha256: info.scenarioBase.sha256,
        }
      : {}),
    scenario_name: info.scenarioName,
    ...(info.runId !== undefined ? { run_id: info.runId } : {}),
    seeds: typeof info.seeds === 'number' ? [info.seeds] : [...info.seeds],
    parameters: info.parameters,
    command_line: commandLine(argv),
    argv: commandArgs(argv),
    node_version: process.version,
    platform: `${process.platform}-${process.arch}`,
    start_time: isoTime(info.startTime),
    end_time: isoTime(info.endTime),
  };
  return manifest;
}

/**
 * The command's arguments as a manifest records them: `gvc`, then process.argv after node's
 * and the launcher's paths. Those two paths are dropped because under npx they point into
 * npm's cache (and otherwise into the clone), which identifies the machine and means nothing
 * on another one.
 */
export function commandArgs(argv: readonly string[]): string[] {
  return ['gvc', ...argv.slice(2)];
}

/** The command as a user retypes it: commandArgs quoted for a POSIX shell and joined. */
export function commandLine(argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return commandArgs(argv)
    .map((a, i) => (i === 0 ? a : quote(a)))
    .join(' ');
}

/**
 * Writes `obj` as 2-space-indented JSON with a trailing newline. Keys keep their insertion
 * order rather than being sorted: scenario groups are declared in an order that fixes agent
 * ids, and a manifest must keep it to be rerunnable. NaN and ±Infinity throw (JSON would
 * silently turn them into null). The file is written under a temporary name and renamed,
 * so a reader never sees half a file.
 */
export function writeJson(path: string, obj: unknown): void {
  writeText(path, jsonText(path, obj));
}

/** `obj` as writeJson writes it (2-space indents, a final newline); NaN and ±Infinity throw. */
function jsonText(path: string, obj: unknown): string {
  return (
    JSON.stringify(
      obj,
      function (key, value: unknown) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          throw new Error(
            `${path}: ${key === '' ? 'value' : `key ${key}`} is ${value}, which JSON cannot represent`,
          );
        }
        return value;
      },
      2,
    ) + '\n'
  );
}

/**
 * The key, last in every manifest.json gvc writes, under which it records the sha256 of the
 * manifest's own text without that key. `--force` deletes a folder only when everything in it
 * is still what gvc wrote; the manifest records the other files' checksums, and this one its
 * own, so an edited manifest (a note added, a seed corrected by hand) is the user's file too.
 * Recorded inside the file rather than beside it: a folder's contents stay the files the
 * documentation lists, and a manifest copied elsewhere keeps its proof.
 */
export const MANIFEST_SHA256_KEY = 'manifest_sha256';

/**
 * Writes the manifest `obj` as writeJson does, with MANIFEST_SHA256_KEY added last (any value
 * `obj` holds under that key, e.g. from a shard's manifest it was built from, is replaced).
 * Throws as writeJson.
 */
export function writeManifest(path: string, obj: Record<string, unknown>): void {
  const rest = withoutSelfChecksum(obj);
  writeJson(path, { ...rest, [MANIFEST_SHA256_KEY]: sha256(jsonText(path, rest)) });
}

/**
 * Whether the bytes of a manifest.json are still what gvc wrote (writeManifest): 'unchanged'
 * when they are the JSON text gvc writes of what they hold and its MANIFEST_SHA256_KEY is the
 * sha256 of that text without the key; 'unrecorded' when the file has no such key (written by
 * a gvc before it recorded one, or not by gvc); 'changed' otherwise (edited, reformatted, or
 * not JSON). Never throws.
 */
export function manifestState(bytes: Buffer): 'unchanged' | 'unrecorded' | 'changed' {
  let parsed: unknown;
  const text = bytes.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'changed';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'changed';
  const recorded = (parsed as Record<string, unknown>)[MANIFEST_SHA256_KEY];
  if (recorded === undefined) return 'unrecorded';
  const rest = withoutSelfChecksum(parsed as Record<string, unknown>);
  try {
    return typeof recorded === 'string' &&
      jsonText('', parsed) === text &&
      sha256(jsonText('', rest)) === recorded
      ? 'unchanged'
      : 'changed';
  } catch {
    return 'changed';
  }
}

/** A copy of the manifest `obj` without MANIFEST_SHA256_KEY, other keys in their order. */
function withoutSelfChecksum(obj: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...obj };
  delete rest[MANIFEST_SHA256_KEY];
  return rest;
}

/** Writes `text` to `path` under a temporary name, then renames it (see writeJson). */
function writeText(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, 'utf8');
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The stale-file sweep of a later command removes it.
    }
    throw osFailure(err, 'write', path);
  }
}
