/**
 * Which program made a sweep's runs. A sweep resumed after a code change, or merged from
 * shards made by different versions, would combine the runs of two programs under one
 * manifest; the design record therefore carries the program's identity (version, git commit,
 * uncommitted changes), and resume and merge refuse a difference, naming it, unless the user
 * allows it explicitly (then the manifest lists every program involved).
 */
import { programInfo } from '../io/manifest.js';
import { UserError } from '../scenario/errors.js';

export interface ProgramIdentity {
  version: string;
  /** null when the program does not run from a git checkout (e.g. installed from npm). */
  git_commit: string | null;
  /** True when the checkout had uncommitted changes to tracked files; null when unknown. */
  git_dirty: boolean | null;
}

export const ALLOW_MIXED_FLAG = '--allow-mixed-provenance';

/** This process's program identity. */
export function currentProgram(): ProgramIdentity {
  const p = programInfo();
  return { version: p.version, git_commit: p.gitCommit, git_dirty: p.gitDirty };
}

const show = {
  version: (v: unknown) => (typeof v === 'string' ? v : 'unknown'),
  git_commit: (v: unknown) => (typeof v === 'string' ? v.slice(0, 12) : 'unknown'),
  git_dirty: (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : 'unknown'),
};
const LABEL = { version: 'version', git_commit: 'commit', git_dirty: 'uncommitted changes' };

/**
 * The differences between two program identities as `version 0.1.0 → 0.2.0, commit
 * 1a2b… → 3c4d…`, or null when they are the same. An identity that was never recorded
 * (a folder from before this check) differs from every recorded one.
 */
export function programDifference(
  before: ProgramIdentity | undefined,
  after: ProgramIdentity | undefined,
): string | null {
  const keys = ['version', 'git_commit', 'git_dirty'] as const;
  const parts = keys
    .filter((k) => before?.[k] !== after?.[k])
    .map((k) => `${LABEL[k]} ${show[k](before?.[k])} → ${show[k](after?.[k])}`);
  if (before === undefined || after === undefined)
    return parts.length > 0 ? parts.join(', ') : 'the program was not recorded';
  return parts.length > 0 ? parts.join(', ') : null;
}

/**
 * Refuses (UserError) to combine runs of `other` with runs of `base` unless `allow`; returns
 * the difference when there is one (to record), else null. `what` says what would be
 * combined; `remedy` what to do instead.
 */
export function checkSameProgram(
  what: string,
  base: ProgramIdentity | undefined,
  other: ProgramIdentity | undefined,
  allow: boolean,
  remedy: string,
): string | null {
  const diff = programDifference(base, other);
  if (diff === null || allow) return diff;
  throw new UserError(
    `${what} were made by another program (${diff}); ${remedy}, or combine them anyway with ${ALLOW_MIXED_FLAG} (recorded in the manifest)`,
  );
}
