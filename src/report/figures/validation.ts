/**
 * Validation folder (gvc validate): validation.csv holds one row per check of a pattern
 * (P1..P8) or case (e.g. sinos-valley) with its effect size, 95% CI, criterion and PASS/FAIL.
 * The report shows the table and a forest plot of the effects.
 */
import { join } from 'node:path';
import { UserError } from '../../scenario/errors.js';
import { num, readCsv, requireColumns, type Table } from '../data.js';
import { type Figure, withTheme } from '../figure.js';

export const VALIDATION_COLUMNS = [
  'kind',
  'pattern',
  'check',
  'source',
  'contrast',
  'effect',
  'ci95_low',
  'ci95_high',
  'criterion',
  'n_runs',
  'result',
];

export function readValidation(dir: string): Table {
  const t = readCsv(join(dir, 'validation.csv'));
  requireColumns(t, VALIDATION_COLUMNS);
  if (t.rows.length === 0) throw new UserError(`${t.file}: no rows`);
  for (const r of t.rows) {
    if (r.result !== 'PASS' && r.result !== 'FAIL')
      throw new UserError(`${t.file}: column result: expected PASS or FAIL, found "${r.result}"`);
  }
  return t;
}

export function forestFigure(t: Table): Figure {
  const values = t.rows.map((r) => ({
    label: `${r.pattern} · ${r.check}`,
    kind: r.kind,
    contrast: r.contrast,
    criterion: r.criterion,
    effect: num(t, r, 'effect'),
    lo: num(t, r, 'ci95_low'),
    hi: num(t, r, 'ci95_high'),
    result: r.result,
  }));
  const order = values.map((v) => v.label);
  const y = { field: 'label', type: 'nominal', title: 'pattern · check', sort: order };
  const title = 'Validation: effect sizes with 95% CIs';
  return {
    id: 'validation-forest',
    title,
    caption:
      'Effect size of each validation check (validation.csv: effect, ci95_low, ci95_high), coloured by result. Each effect is on its own scale (see the contrast and criterion columns of the table); the vertical line marks zero.',
    spec: withTheme({
      title,
      data: { values: values.filter((v) => v.effect !== null) },
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
          encoding: { x: { field: 'zero', type: 'quantitative' } },
        },
        {
          transform: [{ filter: 'datum.lo !== null && datum.hi !== null' }],
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            y,
            x: {
              field: 'lo',
              type: 'quantitative',
              title: 'effect (scale of each check’s contrast)',
            },
            x2: { field: 'hi' },
            color: {
              field: 'result',
              type: 'nominal',
              title: 'result',
              scale: { domain: ['PASS', 'FAIL'], range: ['#1b7837', '#c51b7d'] },
            },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 'effect', type: 'quantitative' },
            color: {
              field: 'result',
              type: 'nominal',
              title: 'result',
              scale: { domain: ['PASS', 'FAIL'], range: ['#1b7837', '#c51b7d'] },
            },
            shape: {
              field: 'result',
              type: 'nominal',
              title: 'result',
              scale: { domain: ['PASS', 'FAIL'], range: ['circle', 'square'] },
            },
            tooltip: [
              { field: 'label' },
              { field: 'contrast' },
              { field: 'criterion' },
              { field: 'effect' },
            ],
          },
        },
      ],
      width: 420,
      height: { step: 22 },
    }),
  };
}
