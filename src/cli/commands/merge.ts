/** `gvc merge <dir>... --out DIR`: combine the shards of a sweep. */
import type { Command } from 'commander';
import { mergeShards } from '../../experiment/merge.js';
import { Progress } from '../progress.js';
import { UserError } from '../../scenario/errors.js';
import { folderArg } from '../cli-path.js';

interface MergeCliOptions {
  out?: string;
  force?: boolean;
  quiet?: boolean;
  allowMixedProvenance?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'Combine the folders of a sharded sweep (gvc sweep --shard i/n) into what one process would have written.',
    )
    .argument('<dirs...>', 'shard output folders')
    .option('--out <dir>', 'output folder for the merged sweep (required)')
    .option('--force', 'replace a non-empty output folder')
    .option('--quiet', 'print nothing on success')
    .option(
      '--allow-mixed-provenance',
      'combine shards made by different program versions or commits (recorded in the manifest)',
    )
    .action(async (dirs: string[], opts: MergeCliOptions) => {
      if (!opts.out) throw new UserError('merge: --out DIR is required');
      const out = folderArg(opts.out);
      const shards = dirs.map(folderArg);
      // Progress in megabytes of the shards' tables (a merge copies records, so bytes are its work).
      let progress: Progress | undefined;
      let shownMb = 0;
      const merged = await mergeShards(
        shards,
        out,
        Boolean(opts.force),
        Boolean(opts.allowMixedProvenance),
        (done, total) => {
          progress ??= new Progress(Math.ceil(total / 1e6), 'merge', Boolean(opts.quiet), {
            unit: 'MB',
          });
          const mb = Math.floor(done / 1e6);
          if (mb > shownMb) progress.tick(mb - shownMb);
          shownMb = Math.max(shownMb, mb);
        },
      );
      progress?.clear();
      if (!opts.quiet)
        process.stdout.write(
          `gvc: merged ${dirs.length} shards (${merged.total_runs} runs) into ${out}/\n`,
        );
    });
}
