/**
 * What gvc may write to and what `--force` may replace. Output folders are named after
 * scenarios, and `--force` deletes a folder, so both are checked here before any work:
 *
 * - a scenario name becomes a folder name only if it is one safe path segment;
 * - `--force` replaces only a folder gvc itself wrote, of the same kind (a run's folder by a
 *   run, a sweep's by a sweep …), recognised by its manifest.json (a report by report.html's
 *   generator tag), and holding nothing but what gvc writes there: a user's notes or a
 *   copied-in manifest.json do not make a folder gvc's to delete;
 * - never a folder that holds one of the command's inputs, the working folder or one above
 *   it, or the program's own folder.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { osResolve } from './os-path.js';
import { ScenarioError, UserError } from '../scenario/errors.js';
import { readHead, readInputFile } from './read-file.js';
import { MANIFEST_SHA256_KEY, manifestState, packageDir } from './manifest.js';
import { hashFileSync, isFileRecord, recordedFilesIn, type FileRecord } from './file-record.js';

/** The kinds of folder gvc writes. A merged sweep is a sweep. */
export type OutputKind = 'run' | 'sweep' | 'validation' | 'report';

/** Longest scenario name used as a folder name (staging and `.partial` suffixes come on top). */
export const MAX_FOLDER_NAME_LENGTH = 100;

/** Names Windows reserves for devices, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\..*)?$/i;

/** The rule a scenario name must follow to name a folder, as stated in error messages. */
export const FOLDER_NAME_RULE =
  `a name that is one safe folder name: 1 to ${MAX_FOLDER_NAME_LENGTH} letters, digits, '.', '_' or '-', ` +
  `starting with a letter or digit, not ending with '.', not a reserved device name (con, nul, com1 …)`;

/** Why `name` cannot be a folder name, or null when it can. */
export function folderNameProblem(name: string): string | null {
  if (name === '') return 'an empty name';
  if ([...name].length > MAX_FOLDER_NAME_LENGTH) return `a name of ${[...name].length} characters`;
  const bad = [...name].find((ch) => !/^[\p{L}\p{N}._-]$/u.test(ch));
  if (bad !== undefined) {
    const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(bad)
      ? `"${bad}"`
      : `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `${JSON.stringify(name)}, which contains ${shown}`;
  }
  if (!/^[\p{L}\p{N}]/u.test(name))
    return `${JSON.stringify(name)}, which starts with "${name[0]}"`;
  if (name.endsWith('.')) return `${JSON.stringify(name)}, which ends with "."`;
  if (RESERVED.test(name)) return `${JSON.stringify(name)}, a reserved device name`;
  return null;
}

/**
 * The default output folder of a scenario, `output/<name>`. Throws a ScenarioError naming
 * the file, the key `name` and the rule when the name is not one safe folder name (such as
 * "../x", "", "a/b"): such a name would write outside output/ or onto output/ itself.
 */
export function defaultOutputFolder(name: string, file: string): string {
  const problem = folderNameProblem(name);
  if (problem !== null) {
    throw new ScenarioError({
      file,
      path: 'name',
      expected: `${FOLDER_NAME_RULE} (it names the output folder; or give --out)`,
      found: problem,
    });
  }
  return join('output', name);
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return osResolve(path);
  }
}

/** True when `child` is `parent` or lies inside it (both already absolute). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The kind of gvc output folder `dir` is, or null when it is not one gvc wrote. A run,
 * sweep (also merged), validation or report folder has a manifest.json written by this
 * program; a report folder written before reports had one is recognised by its report.html's
 * generator tag.
 */
export function recogniseOutput(dir: string): OutputKind | null {
  try {
    const manifestPath = join(dir, 'manifest.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(
        readInputFile(manifestPath, 'a manifest').toString('utf8'),
      ) as Record<string, unknown> | null;
      if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return null;
      if (manifest.program !== PROGRAM_NAME) return null;
      if (manifest.report !== null && typeof manifest.report === 'object') return 'report';
      if (manifest.sweep !== null && typeof manifest.sweep === 'object') return 'sweep';
      if (Array.isArray(manifest.experiments)) return 'validation';
      if (typeof manifest.parameters === 'object' && manifest.parameters !== null) return 'run';
      return null;
    }
    const html = join(dir, 'report.html');
    if (existsSync(html) && readHead(html, 'a report', 4096).includes(REPORT_GENERATOR_TAG))
      return 'report';
  } catch {
    // Unreadable or not JSON: not recognisably gvc's.
  }
  return null;
}

/** The program name manifests record (package.json's name). */
export const PROGRAM_NAME = 'gvc-abm';
/** The tag report.html carries so that `gvc report --force` can recognise its own folder. */
export const REPORT_GENERATOR_TAG = `<meta name="generator" content="${PROGRAM_NAME}">`;

/**
 * The entries each kind of folder holds when gvc wrote it: its own files, what other gvc
 * commands add to it (gvc sensitivity's tables in a sweep folder), temporary `<file>.tmp-<pid>`
 * files a killed process left, and the metadata files that file browsers drop into any folder
 * they show. Reports (gvc report's default is `<dir>/report`) are recognised as folders.
 */
const OWN_ENTRIES: Record<OutputKind, RegExp> = {
  run: /^((timeseries|suppliers|relationships|codebook)\.csv|manifest\.json)$/,
  sweep:
    /^((runs|errors|summary|timeseries|suppliers|relationships|codebook|sensitivity|sensitivity-metrics)\.csv|(manifest|design)\.json|progress\.jsonl|sweep\.lock)$/,
  validation: /^((validation|measures|codebook)\.csv|validation\.md|manifest\.json)$/,
  report: /^(report\.html|manifest\.json|[a-z0-9][a-z0-9._-]*\.(svg|vl\.json))$/,
};
const BROWSER_METADATA = /^(\.DS_Store|Thumbs\.db|desktop\.ini)$/;

/**
 * Every entry of the gvc folder `dir` (of `kind`) that gvc does not write there. A subfolder
 * counts as gvc's only when it is a report gvc wrote (recursively held to the same rule);
 * anything else — a user's notes, a thesis, another command's run — is foreign, and --force
 * must not delete it with the folder. Names only: an interrupted sweep's folder is checked with
 * this and its journal (sweep-dir.ts); a finished folder with changedEntries, which also
 * compares each file with its record.
 */
export function foreignEntries(dir: string, kind: OutputKind): KeptEntry[] {
  return notGvcs(dir, kind, false);
}

/**
 * Why an entry of a folder is the user's, worded for one entry and for several: a refusal
 * names the entries that share a reason together and gives the reason once (keptMessage).
 */
export interface KeptReason {
  one: string;
  many: string;
}

/** The reasons notGvcs and partialChanges give. */
export const KEPT_REASONS = {
  foreign: { one: 'which gvc did not write there', many: 'which gvc did not write there' },
  noRecord: {
    one: "which the folder's manifest.json records no checksum for (written by an earlier gvc, or not by gvc), so gvc cannot tell it is unchanged",
    many: "which the folder's manifest.json records no checksums for (written by an earlier gvc, or not by gvc), so gvc cannot tell they are unchanged",
  },
  unrecorded: {
    one: "which the folder's manifest.json does not record (added after gvc wrote the folder, or written by an earlier gvc that did not record it)",
    many: "which the folder's manifest.json does not record (added after gvc wrote the folder, or written by an earlier gvc that did not record them)",
  },
  unreadable: {
    one: 'which gvc cannot read to check it is unchanged',
    many: 'which gvc cannot read to check they are unchanged',
  },
  changed: {
    one: 'which was changed after gvc wrote it (its size or sha256 differs from the manifest.json record)',
    many: 'which were changed after gvc wrote them (their size or sha256 differs from the manifest.json record)',
  },
  manifestChanged: {
    one: `which was changed after gvc wrote it (its text no longer matches the checksum gvc recorded in it, ${MANIFEST_SHA256_KEY})`,
    many: `which were changed after gvc wrote them (their text no longer matches the checksum gvc recorded in them, ${MANIFEST_SHA256_KEY})`,
  },
  manifestUnrecorded: {
    one: `which records no checksum of itself (${MANIFEST_SHA256_KEY}: written by an earlier gvc, or not by gvc), so gvc cannot tell it is unchanged`,
    many: `which record no checksum of themselves (${MANIFEST_SHA256_KEY}: written by an earlier gvc, or not by gvc), so gvc cannot tell they are unchanged`,
  },
  tableChanged: {
    one: "whose rows differ from those the sweep's progress journal (progress.jsonl) records (changed after gvc wrote them)",
    many: "whose rows differ from those the sweep's progress journal (progress.jsonl) records (changed after gvc wrote them)",
  },
  journalUnreadable: {
    one: 'which is damaged, so gvc cannot tell the tables it records are unchanged',
    many: 'which are damaged, so gvc cannot tell the tables they record are unchanged',
  },
  journalNoChecksum: {
    one: "which the sweep's progress journal records no checksum for (written by an earlier gvc), so gvc cannot tell it is unchanged",
    many: "which the sweep's progress journal records no checksums for (written by an earlier gvc), so gvc cannot tell they are unchanged",
  },
} as const satisfies Record<string, KeptReason>;

/** An entry of a folder that --force may not delete, and why (for the refusal). */
export interface KeptEntry {
  /** Its path inside the folder (`report/roles.svg`). */
  entry: string;
  /** Why it is the user's (one of KEPT_REASONS). */
  why: KeptReason;
}

/**
 * The entries of the gvc folder `dir` (of `kind`) that are the user's: those gvc does not
 * write there (foreignEntries), the files whose content is no longer what gvc wrote — a file
 * whose size or sha256 differs from the record of the folder's manifest.json, or that the
 * record does not list (added by hand, or a folder from a gvc that recorded no checksums,
 * which cannot show it is unchanged) — and a manifest.json that is not what gvc wrote: its
 * text must match the checksum of itself it records (manifest.ts manifestState); one without
 * that checksum (an earlier gvc's) cannot show it is unchanged. Temporary files a killed gvc
 * left and file browsers' metadata are not checked. Sorted by path; [] when all of the folder
 * is gvc's, unchanged.
 */
export function changedEntries(dir: string, kind: OutputKind): KeptEntry[] {
  return notGvcs(dir, kind, true);
}

function notGvcs(dir: string, kind: OutputKind, checkContent: boolean): KeptEntry[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const kept: KeptEntry[] = [];
  let records: Record<string, unknown> | null | undefined;
  for (const entry of entries) {
    const path = join(dir, entry);
    const isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isDir) {
      if (recogniseOutput(path) !== 'report') {
        kept.push({ entry, why: KEPT_REASONS.foreign });
        continue;
      }
      for (const inner of notGvcs(path, 'report', checkContent))
        kept.push({ entry: join(entry, inner.entry), why: inner.why });
      continue;
    }
    const own = entry.replace(/\.tmp-\d+$/, '');
    if (BROWSER_METADATA.test(entry)) continue;
    if (!OWN_ENTRIES[kind].test(own)) {
      kept.push({ entry, why: KEPT_REASONS.foreign });
      continue;
    }
    if (!checkContent || own !== entry) continue;
    let why: KeptReason | null;
    if (entry === 'manifest.json') why = manifestProblem(path);
    else {
      if (records === undefined) records = recordedFiles(dir);
      why = contentProblem(path, entry, records);
    }
    if (why !== null) kept.push({ entry, why });
  }
  return kept;
}

/** Why the manifest.json at `path` is not gvc's as it wrote it, or null (manifestState). */
export function manifestProblem(path: string): KeptReason | null {
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, 'a manifest');
  } catch {
    return KEPT_REASONS.unreadable;
  }
  const state = manifestState(bytes);
  return state === 'unchanged'
    ? null
    : state === 'unrecorded'
      ? KEPT_REASONS.manifestUnrecorded
      : KEPT_REASONS.manifestChanged;
}

/**
 * The `files` record of `dir`'s manifest.json (recordedFilesIn), or null when it has none, or
 * no manifest, or one that cannot be read: then no file of the folder can be shown unchanged.
 */
function recordedFiles(dir: string): Record<string, unknown> | null {
  try {
    return recordedFilesIn(dir);
  } catch {
    return null;
  }
}

/**
 * Why the file `path` (named `name` in its folder) is not the one gvc recorded in `records`
 * (its folder's manifest `files`), or null when its size and sha256 are the recorded ones.
 */
function contentProblem(
  path: string,
  name: string,
  records: Record<string, unknown> | null,
): KeptReason | null {
  if (records === null) return KEPT_REASONS.noRecord;
  const record = records[name];
  if (!Object.prototype.hasOwnProperty.call(records, name) || !isFileRecord(record))
    return KEPT_REASONS.unrecorded;
  let found: FileRecord;
  try {
    found = hashFileSync(path);
  } catch {
    return KEPT_REASONS.unreadable;
  }
  if (found.bytes !== record.bytes || found.sha256 !== record.sha256) return KEPT_REASONS.changed;
  return null;
}

/**
 * What shows that the folder `dir`, which recogniseOutput does not recognise, is not a gvc
 * folder of `kind`: words for the refusal, naming the file that is there and what it lacks.
 */
function notGvcReason(dir: string, kind: OutputKind): string {
  if (existsSync(join(dir, 'manifest.json')))
    return `its manifest.json is not one gvc wrote: not readable as a gvc-abm manifest of a known kind`;
  if (kind === 'report' && existsSync(join(dir, 'report.html')))
    return `its report.html was not written by gvc report: it has no manifest.json and lacks gvc's generator tag`;
  return kind === 'report'
    ? 'no manifest.json or report.html written by gvc report'
    : 'no gvc manifest.json';
}

const KIND_COMMAND: Record<OutputKind, string> = {
  run: 'gvc run',
  sweep: 'gvc sweep or gvc merge',
  validation: 'gvc validate',
  report: 'gvc report',
};

/**
 * Refuses an output path (`abs`, shown as `shown`) that is a symbolic link. An output folder is
 * put in place by renaming a finished staging folder onto its path, which replaces a link by a
 * folder: the user's link would be gone (its target is untouched). Throws a UserError naming
 * where the link leads, so the user can give that path instead.
 */
export function assertNotLink(abs: string, shown: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return; // not readable as a path: the caller's own checks word that
  }
  if (!isLink) return;
  let leadsTo: string;
  try {
    leadsTo = realpathSync(abs);
  } catch {
    leadsTo = readlinkSync(abs);
  }
  throw new UserError(
    `output folder ${shown} is a symbolic link; gvc does not replace links: give the folder it points to (${leadsTo}) or another path`,
  );
}

/**
 * Throws a UserError unless the folder `target` (which exists) may be created or replaced
 * by a command writing `kind` output: it must not be (or contain) the working folder or the
 * program's folder, nor hold any of `inputs`; when `replacing` (a non-empty folder under
 * --force) it must also be a folder gvc wrote, of the same kind. `shown`: the folder as
 * the user gave it, for the message (default `target`).
 */
export function assertReplaceable(
  target: string,
  opts: { kind: OutputKind; inputs: readonly string[]; replacing: boolean; shown?: string },
): void {
  const abs = real(target);
  // Named as the user gave it (`o3`), as every other message about the folder names it.
  const refuse = (why: string) => new UserError(`output folder ${opts.shown ?? target}: ${why}`);
  if (isInside(real(process.cwd()), abs))
    throw refuse('it is (or contains) the current folder; choose a new folder');
  const own = packageDir();
  if (own !== null && isInside(real(own), abs))
    throw refuse("it is (or contains) gvc's own folder; choose a new folder");
  if (!opts.replacing) return;
  for (const input of opts.inputs) {
    if (isInside(real(input), abs))
      throw refuse(`it contains ${input}, an input of this command; --force would delete it`);
  }
  const kind = recogniseOutput(abs);
  if (kind !== opts.kind) {
    throw refuse(
      kind === null
        ? `not an output folder written by gvc (${notGvcReason(abs, opts.kind)}); --force replaces only ${KIND_COMMAND[opts.kind]}'s own folders: choose another folder or remove it yourself`
        : `it holds the output of ${KIND_COMMAND[kind]}, not of ${KIND_COMMAND[opts.kind]}; --force will not replace it: choose another folder`,
    );
  }
  const kept = changedEntries(abs, kind);
  if (kept.length > 0) throw refuse(keptMessage(kept));
}

/**
 * The refusal for a folder holding the user's files `kept`: the entries that share a reason
 * named together (at most five, then how many more) with the reason said once, and what to
 * do. A manifest.json that is not gvc's, or a sweep's damaged journal, is not to be moved out
 * (the rest would go unchecked), so then the folder is the user's to remove.
 */
export function keptMessage(kept: readonly KeptEntry[]): string {
  const groups = new Map<KeptReason, string[]>();
  for (const k of kept) groups.set(k.why, [...(groups.get(k.why) ?? []), k.entry]);
  const parts = [...groups].map(([why, entries]) => {
    const names = entries.slice(0, 5);
    const more = entries.length > 5 ? ` and ${entries.length - 5} more` : '';
    const listed =
      names.length === 1 || more !== ''
        ? names.join(', ')
        : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    return `${listed}${more}, ${entries.length === 1 ? why.one : why.many}`;
  });
  // What vouches for the rest (a manifest, a sweep's journal) is not to be moved out: the
  // folder would then be taken for gvc's without a check.
  const manifest = kept.some(
    (k) => basename(k.entry) === 'manifest.json' || k.why === KEPT_REASONS.journalUnreadable,
  );
  return (
    `it holds ${parts.join('; ')}; --force replaces only a folder holding nothing but gvc's ` +
    `output, unchanged since gvc wrote it, and never deletes the user's files: ` +
    (manifest
      ? 'choose another folder, or remove this one yourself if nothing in it is to be kept'
      : `move ${kept.length === 1 ? 'it' : 'them'} out of the folder (or choose another folder), then run again`)
  );
}
