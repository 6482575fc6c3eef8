/** `gvc sensitivity <sweep-dir> [--metric NAME] [--missing POLICY]`: Sobol or Morris indices of a finished sweep. */
import type { Command } from 'commander';
import { writeSensitivity, type MissingPolicy } from '../../analysis/sensitivity-report.js';
import { Progress } from '../progress.js';
import { UserError } from '../../scenario/errors.js';
import { folderArg } from '../cli-path.js';

const POLICIES: readonly MissingPolicy[] = ['refuse', 'available'];

export function registerSensitivity(program: Command): void {
  program
    .command('sensitivity')
    .description(
      'Sobol S1/ST (and S2 with sweep.second_order) or Morris mu*/sigma with bootstrap CIs, and the seed-noise share per metric; writes sensitivity.csv and sensitivity-metrics.csv into the sweep folder.',
    )
    .argument('<sweep-dir>', 'folder of a finished sweep (or of merged shards)')
    .option(
      '--metric <name>',
      "analyse one metric (default: every metric); its rows replace its earlier ones and the other metrics' rows of an earlier analysis are kept",
    )
    .option(
      '--missing <policy>',
      'runs without a value of a metric: refuse (the metric is not analysed) or available (cell means over the runs that have one, flagged)',
      'refuse',
    )
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { metric?: string; missing: string; quiet?: boolean }) => {
      if (!POLICIES.includes(opts.missing as MissingPolicy))
        throw new UserError(
          `--missing: expected one of ${POLICIES.join(', ')}, found "${opts.missing}"`,
        );
      // Progress by metric: each metric's indices and bootstrap intervals are the work.
      let progress: Progress | undefined;
      let shown = 0;
      const r = await writeSensitivity(
        folderArg(dir),
        opts.metric,
        opts.missing as MissingPolicy,
        (done, total) => {
          progress ??= new Progress(total, 'sensitivity', Boolean(opts.quiet), {
            unit: 'metrics',
          });
          if (done > shown) progress.tick(done - shown);
          shown = Math.max(shown, done);
        },
      );
      progress?.clear();
      if (opts.quiet) return;
      for (const note of r.notes) process.stderr.write(`gvc: ${note}\n`);
      // With --metric the earlier rows of the other metrics stay in the files: say so.
      const kept =
        r.kept > 0
          ? `; the earlier rows of ${r.kept} other ${r.kept === 1 ? 'metric are' : 'metrics are'} kept there`
          : '';
      process.stdout.write(
        `gvc: wrote ${r.rows} indices for ${r.analysed} of ${r.metrics} metrics to ${r.path}${r.analysed < r.metrics ? ' (the others are listed there with the reason)' : ''}${kept}\n`,
      );
    });
}
