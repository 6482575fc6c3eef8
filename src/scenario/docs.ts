/**
 * Markdown reference of every parameter, generated from the registry. docs/parameters.md is
 * this text verbatim; a test fails when the two drift apart.
 */
import {
  boundsOn,
  PARAM_BOUNDS,
  PARAMETERS,
  type ParamSpec,
  type ParamValue,
} from './parameters.js';
import { rangeText, valueText } from './tree.js';

export const REGENERATE_DOCS_COMMAND = 'npx gvc params --format markdown > docs/parameters.md';

const SECTION_TITLES: Record<string, string> = {
  seed: 'Random seed',
  time: 'Time',
  environment: 'Environment',
  suppliers: 'Supplier groups (`suppliers.<group>`)',
  buyers: 'Lead-firm groups (`buyers.<group>`)',
  partners: 'Partner groups (`partners.<group>`)',
  model: 'Mechanisms (`model`)',
};

export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** `value` as a markdown code span (or empty). */
function code(v: ParamValue | string): string {
  const t = typeof v === 'string' ? v : valueText(v);
  return t === '' ? '' : `\`${t}\``;
}

/**
 * `path`'s range (rangeText, options joined by `sep`) followed by the other parameters that
 * narrow it (PARAM_BOUNDS), each shown by `name`: `[0, 1]; at most buyers.nike.know_how.process`.
 * A value inside the range but past such a bound is refused all the same, so the range alone
 * would mislead.
 */
export function boundedRangeText(
  path: string,
  spec: ParamSpec,
  sep = '|',
  name: (path: string) => string = (p) => p,
): string {
  const { atMost, atLeast } = boundsOn(path);
  return [
    rangeText(spec, sep),
    ...atMost.map((p) => `at most ${name(p)}`),
    ...atLeast.map((p) => `at least ${name(p)}`),
  ].join('; ');
}

/** A markdown table of parameters; `value` adds a resolved-value column. */
export function markdownTable(
  rows: readonly { path: string; spec: ParamSpec; value?: ParamValue }[],
  withValue = false,
): string {
  const head = [
    'Path',
    ...(withValue ? ['Value'] : []),
    'Type',
    'Default',
    'Range',
    'Unit',
    'Description',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { path, spec, value } of rows) {
    const cells = [
      code(path),
      ...(withValue ? [value === undefined ? '' : code(value)] : []),
      spec.type,
      code(spec.default),
      boundedRangeText(path, spec, ', ', code),
      spec.unit ?? '',
      spec.description,
    ];
    lines.push(`| ${cells.map(markdownCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The parameter reference (docs/parameters.md), one table per top-level section. */
export function parametersMarkdown(): string {
  const sections = new Map<string, ParamSpec[]>();
  for (const spec of PARAMETERS) {
    const top = spec.path.split('.')[0];
    const list = sections.get(top) ?? [];
    list.push(spec);
    sections.set(top, list);
  }
  const out: string[] = [
    '# Parameters',
    '',
    `<!-- Generated from src/scenario/parameters.ts. Do not edit; regenerate with: ${REGENERATE_DOCS_COMMAND} -->`,
    '',
    'Every parameter of a scenario, by its dotted path. A `*` segment is a group name chosen in the scenario',
    '(e.g. `buyers.us_brands.governance`). Any parameter may be omitted from a scenario file, in which case its',
    'default applies, and any can be overridden on the command line with `--set path=value`',
    '(e.g. `--set buyers.us_brands.guards=[design]`). `gvc params <scenario>` lists the resolved values of a scenario',
    'and `gvc schema` prints the JSON Schema of scenario files, plain and derived (`base:` + `set:`, keyed by these paths).',
    '',
  ];
  for (const [top, specs] of sections) {
    out.push(`## ${SECTION_TITLES[top] ?? `\`${top}\``}`, '');
    out.push(markdownTable(specs.map((spec) => ({ path: spec.path, spec }))));
  }
  out.push('## Parameters bounded by others', '');
  out.push(
    'A parameter in the left column may not exceed the one in the middle column (in the same group for',
    '`*` paths). The model would cap it there, so a scenario, `--set` or sweep cell that puts it above is',
    'refused (exit 2) naming both paths, both values and where each came from (the file, its sweep',
    'section, a `--set` or `--vary` flag, or the default); a value given on the command line labels',
    'the message. The Range column of the tables above shows each bound on both of its parameters',
    '("at most", "at least"), as `gvc params` does.',
    '',
    '| Parameter | At most | Why |',
    '|---|---|---|',
    ...PARAM_BOUNDS.map((b) => `| \`${b.lower}\` | \`${b.upper}\` | ${markdownCell(b.why)} |`),
    '',
  );
  return `${out.join('\n').trimEnd()}\n`;
}
