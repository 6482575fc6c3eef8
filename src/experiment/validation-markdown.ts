/** validation.md: the validation table for people, with each pattern's title, source and replications. */
import type { ValidationSpec } from './validation-spec.js';
import { fixedNonZero } from '../report/table.js';

/** One row of validation.csv. */
export interface ValidationRow {
  kind: string;
  pattern: string;
  check: string;
  source: string;
  contrast: string;
  effect: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
  criterion: string;
  n_runs: number;
  result: 'PASS' | 'FAIL';
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
/**
 * An effect or an interval bound as validation.md and gvc validate's lines show it: 3 decimals,
 * except that a value that is not zero is never shown as 0.000 or -0.000, since a lower bound
 * of 0.0004 shown as 0.000 beside "95% CI above 0" and PASS reads as a contradiction: such a
 * value gets 3 significant digits (0.000412, -0.000412; 4.12e-7 below 1e-6). "n/a" for null.
 */
export function formatEffect(x: number | null): string {
  return x === null ? 'n/a' : fixedNonZero(x, 3);
}
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

export function validationMarkdown(
  rows: readonly ValidationRow[],
  experiments: readonly { file: string; spec: ValidationSpec; replications: number }[],
  info: { command: string; version: string; commit: string | null },
): string {
  const passedChecks = rows.filter((r) => r.result === 'PASS').length;
  const verdict = (pattern: string) =>
    rows.filter((r) => r.pattern === pattern).every((r) => r.result === 'PASS') ? 'PASS' : 'FAIL';
  const passedExperiments = experiments.filter(
    (experiment) => verdict(experiment.spec.pattern) === 'PASS',
  ).length;
  const lines = [
    '# Validation',
    '',
    `Command: \`${info.command}\` (gvc-abm ${info.version}${info.commit ? `, commit ${info.commit.slice(0, 12)}` : ''}).`,
    '',
    `${passedExperiments} of ${experiments.length} patterns and cases pass; ${passedChecks} of ${rows.length} checks pass. ` +
      'A check passes when its whole 95% confidence interval over independent replications (score intervals inside the bounds for shares, 0/1 outcomes and counts; Welch t otherwise; docs/validation.md) meets its criterion.',
    '',
    table(
      ['id', 'kind', 'proposition', 'source', 'scenario', 'runs', 'result'],
      experiments.map((experiment) => [
        experiment.spec.pattern,
        experiment.spec.kind,
        experiment.spec.title,
        experiment.spec.source,
        `\`${experiment.file}\``,
        `${experiment.replications} × ${experiment.spec.sweep.factors.reduce((n, f) => n * (f.values?.length ?? 1), 1)} cells`,
        verdict(experiment.spec.pattern),
      ]),
    ),
    '',
    '## Checks',
    '',
    table(
      ['id', 'check', 'contrast', 'effect', '95% CI', 'criterion', 'n', 'result'],
      rows.map((r) => [
        r.pattern,
        r.check,
        r.contrast,
        formatEffect(r.effect),
        `[${formatEffect(r.ci95_low)}, ${formatEffect(r.ci95_high)}]`,
        r.criterion,
        String(r.n_runs),
        r.result,
      ]),
    ),
    '',
  ];
  return lines.join('\n');
}
