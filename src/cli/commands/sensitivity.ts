/** `gvc sensitivity <sweep-dir> [--metric NAME]`: Sobol or Morris indices of a finished sweep. */
import type { Command } from 'commander';
import { writeSensitivity } from '../../analysis/sensitivity-report.js';

export function registerSensitivity(program: Command): void {
  program
    .command('sensitivity')
    .description(
      'Sobol S1/ST (sobol design) or Morris mu*/sigma (morris design) with bootstrap CIs; writes sensitivity.csv into the sweep folder.',
    )
    .argument('<sweep-dir>', 'folder of a finished sweep (or of merged shards)')
    .option('--metric <name>', 'analyse one metric (default: every metric that varies)')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { metric?: string; quiet?: boolean }) => {
      const { path, rows } = await writeSensitivity(dir, opts.metric);
      if (!opts.quiet) process.stdout.write(`gvc: wrote ${rows} indices to ${path}\n`);
    });
}
