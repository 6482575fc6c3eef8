/** `gvc table <csv> --format latex|markdown`: a CSV output as a table for a paper. */
import type { Command } from 'commander';
import { readCsv } from '../../report/data.js';
import { formatTable, type TableFormat } from '../../report/table.js';
import { UserError } from '../../scenario/errors.js';
import { wholeNumberFlag } from '../../scenario/whole-number.js';
import { parseListFlag } from '../list-flag.js';
import { fileArg } from '../cli-path.js';

export function registerTable(program: Command): void {
  program
    .command('table')
    .description(
      'Print a CSV output (summary.csv, runs.csv, sensitivity.csv, validation.csv …) as a LaTeX (booktabs) or Markdown table.',
    )
    .argument('<csv>', 'CSV file with a header row')
    .requiredOption('--format <format>', 'latex or markdown')
    .option('--columns <list>', 'comma-separated columns to keep, in this order (default: all)')
    .option(
      '--where <column=value>',
      'keep only rows where the column has this value (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      '--digits <n>',
      'decimals of numbers, 0 to 15 (default: 3; a non-zero number that would round to 0 keeps 3 significant digits); a column of whole numbers is kept as written',
    )
    .action(
      (
        csv: string,
        opts: { format: string; columns?: string; where: string[]; digits?: string },
      ) => {
        if (opts.format !== 'latex' && opts.format !== 'markdown')
          throw new UserError(`--format: expected latex or markdown, found "${opts.format}"`);
        // No commander default: it would show as the string "3" in --help.
        const digits =
          opts.digits === undefined
            ? 3
            : wholeNumberFlag('--digits', opts.digits, { min: 0, max: 15 });
        const where = opts.where.map((w) => {
          const i = w.indexOf('=');
          if (i <= 0) throw new UserError(`--where: expected column=value, found "${w}"`);
          return [w.slice(0, i), w.slice(i + 1)] as const;
        });
        const columns =
          opts.columns === undefined ? undefined : parseListFlag('--columns', opts.columns);
        const text = formatTable(readCsv(fileArg(csv), 'if-recorded'), {
          format: opts.format as TableFormat,
          columns,
          digits,
          where,
        });
        process.stdout.write(text);
      },
    );
}
