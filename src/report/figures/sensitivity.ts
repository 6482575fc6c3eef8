/**
 * Figures of sensitivity.csv (gvc sensitivity): for each selected metric, Sobol first-order
 * (S1) and total (ST) indices, or Morris mu* and sigma, per factor as horizontal bars with
 * their 95% bootstrap intervals.
 */
import { join } from 'node:path';
import { UserError } from '../../scenario/errors.js';
import { suggest } from '../../scenario/paths.js';
import { num, readCsv, requireColumns, type Table } from '../data.js';
import { type Figure, slug, withTheme } from '../figure.js';
import { colourOf, INDEX_PALETTE } from '../palettes.js';
import { DEFAULT_SWEEP_METRICS } from './sweep.js';

export const SENSITIVITY_COLUMNS = [
  'metric',
  'method',
  'factor',
  'index',
  'value',
  'ci95_low',
  'ci95_high',
];

/** Columns of the second-order table in the report. */
export const S2_TABLE_COLUMNS = ['metric', 'factor', 'factor_2', 'value', 'ci95_low', 'ci95_high'];

const INDEX_LABEL: Record<string, string> = {
  S1: 'S1 (first order)',
  ST: 'ST (total)',
  mu_star: 'mu* (mean |effect|)',
  sigma: 'sigma (interactions / non-linearity)',
};

export function readSensitivity(dir: string): Table {
  const t = readCsv(join(dir, 'sensitivity.csv'));
  requireColumns(t, SENSITIVITY_COLUMNS);
  if (!t.rows.some((r) => r.value !== ''))
    throw new UserError(
      `${t.file}: no metric could be analysed (its note column and sensitivity-metrics.csv say why)`,
    );
  return t;
}

/** Metrics listed without indices, with the reason (the note of their row). */
export function unanalysedMetrics(t: Table): { metric: string; reason: string }[] {
  const analysed = new Set(t.rows.filter((r) => r.value !== '').map((r) => r.metric));
  return t.rows
    .filter((r) => r.index === '' && !analysed.has(r.metric))
    .map((r) => ({ metric: r.metric, reason: r.note ?? '' }));
}

/** Second-order rows (sobol sweeps with sweep.second_order), for a table of interacting pairs. */
export function secondOrderRows(t: Table, metrics: readonly string[]): Record<string, string>[] {
  return t.rows
    .filter((r) => r.index === 'S2' && metrics.includes(r.metric))
    .map((r) => Object.fromEntries(S2_TABLE_COLUMNS.map((c) => [c, r[c] ?? ''])));
}

/** Factors of a metric by decreasing ST (sobol) or mu* (morris): the ranking of influence. */
export function influenceRanking(t: Table, metric: string): string[] {
  const rows = t.rows.filter(
    (r) => r.metric === metric && (r.index === 'ST' || r.index === 'mu_star'),
  );
  return rows
    .map((r) => ({ f: r.factor, v: num(t, r, 'value') ?? -Infinity }))
    .sort((a, b) => b.v - a.v)
    .map((x) => x.f);
}

export function sensitivityMetrics(t: Table, wanted?: readonly string[]): string[] {
  const present = [...new Set(t.rows.filter((r) => r.value !== '').map((r) => r.metric))];
  if (wanted && wanted.length > 0) {
    for (const metric of wanted) {
      if (!present.includes(metric)) {
        const hint = suggest(metric, present);
        throw new UserError(
          `--metrics: ${t.file} has no indices for "${metric}"${hint ? `; did you mean "${hint}"?` : ''}`,
        );
      }
    }
    return [...wanted];
  }
  const key = DEFAULT_SWEEP_METRICS.filter((metric) => present.includes(metric));
  return key.length > 0 ? key : present.slice(0, 8);
}

export function sensitivityFigures(t: Table, metrics: readonly string[]): Figure[] {
  return metrics.map((metric) => {
    const method = t.rows.find((r) => r.metric === metric)?.method ?? '';
    const indices = method === 'morris' ? ['mu_star', 'sigma'] : ['S1', 'ST'];
    const rows = t.rows.filter((r) => r.metric === metric && indices.includes(r.index));
    const values = rows
      .map((r) => ({
        factor: r.factor,
        index: INDEX_LABEL[r.index] ?? r.index,
        value: num(t, r, 'value'),
        lo: num(t, r, 'ci95_low'),
        hi: num(t, r, 'ci95_high'),
      }))
      .filter((v) => v.value !== null);
    const factors = [...new Set(rows.map((r) => r.factor))];
    const labels = indices.map((i) => INDEX_LABEL[i]);
    const title = method === 'morris' ? `Morris screening: ${metric}` : `Sobol indices: ${metric}`;
    const y = { field: 'factor', type: 'nominal', title: 'parameter', sort: factors };
    const ci = values.filter((v) => v.lo !== null && v.hi !== null);
    // No interval at all (one base sample or one elementary effect): a whisker layer without
    // data would give Vega an infinite extent to warn about, and the caption would promise
    // whiskers that are not there.
    const whiskers =
      ci.length > 0
        ? method === 'morris'
          ? ' Whiskers: 95% bootstrap interval of mu*.'
          : ' Whiskers: 95% bootstrap intervals.'
        : ' No whiskers: sensitivity.csv gives no interval (its note says why).';
    const rule = {
      data: { values: ci },
      mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
      encoding: {
        y,
        yOffset: { field: 'index', type: 'nominal', sort: labels },
        x: { field: 'lo', type: 'quantitative' },
        x2: { field: 'hi' },
      },
    };
    return {
      id: `sensitivity-${slug(metric)}`,
      title,
      caption:
        method === 'morris'
          ? `Morris elementary effects of each parameter on ${metric} (sensitivity.csv): mu*, the mean absolute effect, and sigma, their standard deviation. ` +
            `An elementary effect is the change in ${metric} per normalised parameter range: each parameter's range is scaled to [0, 1] (Morris, 1991), so the values are in units of ${metric} per full range of the parameter, extrapolated from steps of a fraction of that range, and can exceed the range of ${metric} itself.${whiskers}`
          : `Sobol indices of each parameter for ${metric} (sensitivity.csv): S1, the share of output variance due to the parameter alone, and ST, the share including its interactions with other parameters.${whiskers}`,
      spec: withTheme({
        title,
        data: { values },
        encoding: { y, yOffset: { field: 'index', type: 'nominal', sort: labels } },
        layer: [
          {
            mark: { type: 'bar', height: { band: 1 } },
            encoding: {
              x: {
                field: 'value',
                type: 'quantitative',
                title:
                  method === 'morris'
                    ? `index (change in ${metric} per full parameter range)`
                    : 'index (share of output variance)',
              },
              color: {
                field: 'index',
                type: 'nominal',
                title: 'index',
                scale: {
                  domain: labels,
                  range: labels.map((l) => colourOf(INDEX_PALETTE, l)),
                },
              },
            },
          },
          ...(ci.length > 0 ? [rule] : []),
        ],
        width: 360,
        height: { step: 18 },
      }),
    };
  });
}
