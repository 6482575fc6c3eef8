/**
 * `gvc validate [files or folders...]`: the literature's patterns and the case narratives as
 * replicated experiments, with effect sizes and 95% CIs. Exit code 1 when any check fails, so
 * a script or CI job can gate on it.
 */
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { UserError } from '../../scenario/errors.js';
import { wholeNumberFlag } from '../../scenario/whole-number.js';
import { DEFAULT_LIMITS, parseLimit } from '../../experiment/limits.js';
import { runValidation } from '../../experiment/validate.js';
import { formatEffect } from '../../experiment/validation-markdown.js';
import { MAX_WORKERS, parseWorkers, warnWorkers } from './sweep.js';
import { fileArg, folderArg } from '../cli-path.js';

/** The shipped validation experiments, wherever the package is installed. */
export const SHIPPED_VALIDATION_DIR = fileURLToPath(
  new URL('../../../scenarios/validation', import.meta.url),
);

interface ValidateCliOptions {
  reps?: string;
  fast?: boolean;
  out: string;
  workers?: string;
  force?: boolean;
  quiet?: boolean;
  maxRuns?: string;
  maxOutput?: string;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Run the validation patterns and case checks (scenarios/validation/) and report effect sizes with 95% CIs; exit 1 if any fails.',
    )
    .argument(
      '[inputs...]',
      'validation scenario files or folders (default: the shipped scenarios/validation/)',
    )
    .option(
      '--fast',
      "fewer replications (each file's fast_replications): a quick check, as the test suite runs it",
    )
    .option('--reps <n>', 'replications per cell for every experiment (overrides the files)')
    .option('--out <dir>', 'output folder', 'output/validation')
    .option(
      '--workers <n>',
      `worker threads, 1 to ${MAX_WORKERS} (default: all cores; more than the cores: a warning)`,
    )
    .option('--force', 'replace an existing output folder')
    .option('--quiet', 'print only failures')
    .option('--max-runs <n>', `most runs in all (default ${DEFAULT_LIMITS.maxRuns})`)
    .option(
      '--max-output <cells>',
      `most CSV cells (rows x columns) the outputs may hold (default ${DEFAULT_LIMITS.maxOutput})`,
    )
    .action(async (inputs: string[], opts: ValidateCliOptions) => {
      const limits = {
        maxRuns: parseLimit('--max-runs', opts.maxRuns, DEFAULT_LIMITS.maxRuns),
        maxOutput: parseLimit('--max-output', opts.maxOutput, DEFAULT_LIMITS.maxOutput),
      };
      const reps =
        opts.reps === undefined ? undefined : wholeNumberFlag('--reps', opts.reps, { min: 2 });
      if (reps !== undefined && opts.fast)
        throw new UserError('--fast and --reps: give one or the other');
      const workers = parseWorkers(opts.workers);
      const shipped = relative(process.cwd(), SHIPPED_VALIDATION_DIR) || '.';
      const outcome = await runValidation({
        inputs: inputs.length > 0 ? inputs.map(fileArg) : [shipped],
        reps,
        fast: Boolean(opts.fast),
        out: folderArg(opts.out),
        workers,
        force: Boolean(opts.force),
        quiet: Boolean(opts.quiet),
        limits,
        onStart: () => warnWorkers(workers, Boolean(opts.quiet)),
      });
      const shown = outcome.rows.filter((r) => !(opts.quiet && r.result === 'PASS'));
      process.stdout.write(validationLines(shown));
      const failed = outcome.rows.filter((r) => r.result === 'FAIL').length;
      if (!opts.quiet || failed > 0) {
        process.stdout.write(
          `gvc: ${outcome.rows.length - failed} of ${outcome.rows.length} checks pass; table in ${outcome.outDir}/validation.md\n`,
        );
      }
      if (failed > 0) process.exitCode = 1;
    });
}

/**
 * gvc validate's table, one line per check: result, check, effect, [CI], criterion, source.
 * Each column is as wide as its widest entry (an effect shown with significant digits,
 * -0.000412, is 9 characters, wider than 0.123), so the columns stay aligned.
 */
export function validationLines(
  rows: readonly {
    result: string;
    pattern: string;
    check: string;
    effect: number | null;
    ci95_low: number | null;
    ci95_high: number | null;
    criterion: string;
    source: string;
  }[],
): string {
  const cells = rows.map((r) => ({
    result: r.result,
    check: `${r.pattern} ${r.check}`,
    effect: formatEffect(r.effect),
    low: formatEffect(r.ci95_low),
    high: formatEffect(r.ci95_high),
    criterion: r.criterion,
    source: r.source,
  }));
  const width = (key: keyof (typeof cells)[number], least: number) =>
    Math.max(least, ...cells.map((c) => c[key].length));
  const w = {
    check: width('check', 34),
    effect: width('effect', 7),
    low: width('low', 7),
    high: width('high', 7),
    criterion: width('criterion', 24),
  };
  return cells
    .map(
      (c) =>
        `${c.result}  ${c.check.padEnd(w.check)} ${c.effect.padStart(w.effect)} [${c.low.padStart(w.low)}, ${c.high.padStart(w.high)}]  ${c.criterion.padEnd(w.criterion)} ${c.source}\n`,
    )
    .join('');
}
