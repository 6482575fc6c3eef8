/**
 * `gvc report <dir>`: figures (SVG) and a self-contained report.html for a run, sweep,
 * sensitivity or validation folder.
 */
import type { Command } from 'commander';
import { plural } from '../../report/figure.js';
import { parseListFlag } from '../list-flag.js';
import { folderArg } from '../cli-path.js';

export function registerReport(program: Command, version: string): void {
  program
    .command('report')
    .description(
      'Figures (one SVG each, plus its Vega-Lite spec) and a self-contained report.html for a run, sweep, sensitivity or validation folder.',
    )
    .argument(
      '<dir>',
      'output folder of gvc run, gvc sweep (after gvc sensitivity, for indices) or gvc validate',
    )
    .option('--out <dir>', 'folder for the report (default: <dir>/report)')
    .option(
      '--metrics <list>',
      'comma-separated metrics for sweep and sensitivity figures (default: lockin_rate, role shares, design, marketing, top-buyer share, functional upgrades)',
    )
    .option('--force', 'replace an existing report folder')
    .option('--quiet', 'print nothing on success (no warnings either)')
    .action(
      async (
        dir: string,
        opts: { out?: string; metrics?: string; force?: boolean; quiet?: boolean },
      ) => {
        const metrics =
          opts.metrics === undefined ? undefined : parseListFlag('--metrics', opts.metrics);
        // Loaded on use: vega and vega-lite take a while to import, and the other commands never need them.
        const { buildReport } = await import('../../report/report.js');
        const r = await buildReport(folderArg(dir), {
          out: opts.out === undefined ? undefined : folderArg(opts.out),
          force: opts.force,
          metrics,
          programVersion: version,
        });
        // Warnings are not failures: --quiet silences them, as it does gvc run's and gvc
        // sweep's warnings and gvc sensitivity's notes.
        if (opts.quiet) return;
        for (const w of r.warnings) process.stderr.write(`gvc: warning: ${w}\n`);
        process.stdout.write(
          `gvc: wrote report.html and ${plural(r.figures.length, 'figure')} (${r.kind} folder) to ${r.out}/\n`,
        );
      },
    );
}
