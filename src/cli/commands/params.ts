/**
 * `gvc params [file]`: the parameter registry, or the resolved parameters of a scenario.
 */
import { Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { checkFileSections } from '../../experiment/sections.js';
import { UserError } from '../../scenario/errors.js';
import { boundedRangeText, markdownTable, parametersMarkdown } from '../../scenario/docs.js';
import { flattenScenario, loadScenario } from '../../scenario/load.js';
import { fileArg } from '../cli-path.js';
import {
  boundsOn,
  PARAMETERS,
  specFor,
  templateOf,
  type ParamSpec,
  type ParamValue,
} from '../../scenario/parameters.js';
import { valueText } from '../../scenario/tree.js';

export const PARAMS_FORMATS = ['text', 'csv', 'markdown', 'json'] as const;
export type ParamsFormat = (typeof PARAMS_FORMATS)[number];

interface Row {
  path: string;
  spec: ParamSpec;
  value?: ParamValue;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerParams(program: Command): void {
  program
    .command('params')
    .description(
      'List every parameter (path, type, default, range, unit, description), or the resolved values of a scenario.',
    )
    .argument(
      '[file]',
      'scenario file (.yaml, .yml or .json); without it, the parameter registry is listed',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices([...PARAMS_FORMATS]).default('text'),
    )
    .option(
      '--set <path=value>',
      'override a parameter of the scenario (repeatable)',
      collect,
      [] as string[],
    )
    .action((file: string | undefined, options: { format: ParamsFormat; set: string[] }) => {
      process.stdout.write(
        paramsOutput(file === undefined ? file : fileArg(file), options.format, options.set),
      );
    });
}

/** What `gvc params` prints; exported for tests. */
export function paramsOutput(
  file: string | undefined,
  format: ParamsFormat,
  sets: readonly string[] = [],
): string {
  if (file === undefined) {
    if (sets.length > 0) throw new UserError('params: --set needs a scenario file');
    if (format === 'markdown') return parametersMarkdown();
    return render(
      PARAMETERS.map((spec) => ({ path: spec.path, spec })),
      format,
      false,
    );
  }
  const loaded = loadScenario(file, { sets });
  checkFileSections(loaded);
  const { scenario } = loaded;
  const rows: Row[] = [];
  for (const [path, value] of flattenScenario(scenario)) {
    rows.push({ path, spec: specFor(templateOf(path))!, value });
  }
  return render(rows, format, true);
}

function render(rows: Row[], format: ParamsFormat, withValue: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rows.map((r) => jsonRow(r, withValue)),
        null,
        2,
      )}\n`;
    case 'markdown':
      return markdownTable(rows, withValue);
    case 'csv':
      return stringify(
        rows.map((r) => textRow(r, withValue)),
        { header: true, columns: columnsFor(withValue) },
      );
    case 'text':
      return alignedTable(
        columnsFor(withValue),
        rows.map((r) => textRow(r, withValue)),
      );
  }
}

function columnsFor(withValue: boolean): string[] {
  return [
    'path',
    ...(withValue ? ['value'] : []),
    'type',
    'default',
    'range',
    'unit',
    'description',
  ];
}

function textRow(r: Row, withValue: boolean): Record<string, string> {
  return {
    path: r.path,
    ...(withValue ? { value: r.value === undefined ? '' : valueText(r.value) } : {}),
    type: r.spec.type,
    default: valueText(r.spec.default),
    range: boundedRangeText(r.path, r.spec),
    unit: r.spec.unit ?? '',
    description: r.spec.description,
  };
}

function jsonRow(r: Row, withValue: boolean): Record<string, unknown> {
  const s = r.spec;
  const { atMost, atLeast } = boundsOn(r.path);
  return {
    path: r.path,
    ...(withValue ? { value: r.value } : {}),
    type: s.type,
    default: s.default,
    ...(s.type === 'number' || s.type === 'integer' ? { min: s.min, max: s.max } : {}),
    ...(s.type === 'enum' || s.type === 'set' ? { options: [...s.options] } : {}),
    ...(s.type === 'names' ? { refersTo: s.refersTo } : {}),
    // Only where other parameters narrow the range (PARAM_BOUNDS).
    ...(atMost.length > 0 ? { atMost } : {}),
    ...(atLeast.length > 0 ? { atLeast } : {}),
    unit: s.unit ?? '',
    description: s.description,
  };
}

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
function alignedTable(columns: string[], rows: Record<string, string>[]): string {
  const cells = [columns, ...rows.map((r) => columns.map((c) => r[c]))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
