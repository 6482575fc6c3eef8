/**
 * The folder of a sweep. Runs accumulate in `<out>.partial/`, which survives interruption so
 * `--resume` can continue it; only a complete sweep is renamed to `<out>/`. A sweep that was
 * never finished therefore never looks like a result.
 */
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { ensureFolder } from './output-dir.js';

export const DESIGN_FILE = 'design.json';

export interface SweepDir {
  target: string;
  partial: string;
  /** True when continuing an interrupted sweep. */
  resumed: boolean;
  file(name: string): string;
  /** Move the finished sweep into place (replacing an old result only if forced). */
  commit(force: boolean): void;
}

/** Whatever identifies the sweep's design; only the fingerprint is compared on resume. */
export interface DesignIdentity {
  fingerprint: string;
}

export function openSweepDir(
  target: string,
  opts: {
    force: boolean;
    resume: boolean;
    design: DesignIdentity;
    /** Called with the recorded design before resuming; may throw to refuse. */
    onResume?: (recorded: DesignIdentity) => void;
  },
): SweepDir {
  const abs = resolve(target);
  const partial = `${abs}.partial`;
  const shown = `${target}.partial`;
  const nonEmpty = (dir: string) =>
    existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;

  if (opts.resume) {
    if (!existsSync(join(partial, DESIGN_FILE))) {
      if (nonEmpty(abs))
        throw new UserError(`nothing to resume: the sweep in ${target} is complete`);
      throw new UserError(
        `nothing to resume: ${shown} does not exist (run without --resume to start the sweep)`,
      );
    }
    const recorded = JSON.parse(readFileSync(join(partial, DESIGN_FILE), 'utf8')) as DesignIdentity;
    if (recorded.fingerprint !== opts.design.fingerprint) {
      throw new UserError(
        `cannot resume ${shown}: it was started from a different scenario, design, step count, timeseries mode or shard ` +
          `(recorded fingerprint ${recorded.fingerprint.slice(0, 12)}, now ${opts.design.fingerprint.slice(0, 12)}); use --force to start over`,
      );
    }
    opts.onResume?.(recorded);
  } else {
    if (existsSync(partial)) {
      if (!opts.force)
        throw new UserError(
          `an interrupted sweep is in ${shown}; continue it with --resume or start over with --force`,
        );
      rmSync(partial, { recursive: true, force: true });
    }
    if (nonEmpty(abs) && !opts.force)
      throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
    if (existsSync(abs) && !statSync(abs).isDirectory())
      throw new UserError(`output folder ${target} exists and is not a folder`);
    ensureFolder(partial, target);
    writeFileSync(join(partial, DESIGN_FILE), `${JSON.stringify(opts.design, null, 2)}\n`);
  }

  return {
    target,
    partial,
    resumed: opts.resume,
    file: (name) => join(partial, name),
    commit(force) {
      if (!existsSync(abs)) {
        renameSync(partial, abs);
        return;
      }
      if (nonEmpty(abs) && !force)
        throw new UserError(`output folder ${target} is not empty; use --force to replace it`);
      // Move the old result aside first, so a crash here never leaves neither folder.
      const old = `${abs}.old-${process.pid}`;
      renameSync(abs, old);
      renameSync(partial, abs);
      rmSync(old, { recursive: true, force: true });
    },
  };
}
