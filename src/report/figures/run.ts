/**
 * Figures of a single run folder (gvc run): capabilities by function, role shares and
 * relationship governance shares over time from timeseries.csv, and the distribution of the
 * top-buyer share of active suppliers at the final step from suppliers.csv.
 */
import { join } from 'node:path';
import { type Figure, stepTitle, withTheme } from '../figure.js';
import { type ManifestSummary, num, readCsv, requireColumns, type Table } from '../data.js';
import { UserError } from '../../scenario/errors.js';

const CAPABILITIES = [
  ['mean_process', 'process'],
  ['mean_product', 'product'],
  ['mean_design', 'design'],
  ['mean_marketing', 'marketing'],
] as const;
const ROLES = [
  ['share_oem', 'OEM'],
  ['share_odm', 'ODM'],
  ['share_obm', 'OBM'],
] as const;
const RELATIONSHIPS = [
  ['share_rel_market', 'market'],
  ['share_rel_network', 'network'],
  ['share_rel_quasi_hierarchy', 'quasi-hierarchy'],
  ['share_rel_hierarchy', 'hierarchy'],
] as const;
const SUPPLIER_COLUMNS = ['step', 'supplier_id', 'active', 'top_buyer_share'];

/** Long rows {step, series, value} for the given timeseries columns, skipping empty cells. */
function longSeries(ts: Table, columns: readonly (readonly [string, string])[]): { step: number; series: string; value: number }[] {
  const out: { step: number; series: string; value: number }[] = [];
  for (const r of ts.rows) {
    const step = num(ts, r, 'step');
    if (step === null) continue;
    for (const [col, label] of columns) {
      const v = num(ts, r, col);
      if (v !== null) out.push({ step, series: label, value: v });
    }
  }
  return out;
}

function lineFigure(ts: Table, stepsPerYear: number | undefined): Figure {
  const values = longSeries(ts, CAPABILITIES);
  return {
    id: 'capabilities',
    title: 'Capabilities by function over time',
    caption: 'Mean capability of active suppliers in each function (timeseries.csv: mean_process, mean_product, mean_design, mean_marketing). Lock-in shows as process and product rising while design and marketing stay low.',
    spec: withTheme({
      title: 'Capabilities by function over time',
      data: { values },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: stepTitle(stepsPerYear) },
        y: { field: 'value', type: 'quantitative', title: 'mean capability (index 0–1)', scale: { domain: [0, 1] } },
        color: { field: 'series', type: 'nominal', title: 'function', sort: CAPABILITIES.map((c) => c[1]) },
        strokeDash: { field: 'series', type: 'nominal', title: 'function', sort: CAPABILITIES.map((c) => c[1]) },
      },
    }),
  };
}

function stackedFigure(
  ts: Table,
  stepsPerYear: number | undefined,
  id: string,
  title: string,
  columns: readonly (readonly [string, string])[],
  yTitle: string,
  legend: string,
  caption: string,
  scheme: string,
): Figure {
  const order = columns.map((c) => c[1]);
  const values = longSeries(ts, columns).map((v) => ({ ...v, order: order.indexOf(v.series) }));
  return {
    id,
    title,
    caption,
    spec: withTheme({
      title,
      data: { values },
      mark: { type: 'area', line: { strokeWidth: 0.5, stroke: 'white' } },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: stepTitle(stepsPerYear) },
        y: { field: 'value', type: 'quantitative', title: yTitle, stack: 'zero', scale: { domain: [0, 1] } },
        color: { field: 'series', type: 'nominal', title: legend, sort: order, scale: { scheme } },
        order: { field: 'order', type: 'quantitative' },
      },
    }),
  };
}

function histogramFigure(sup: Table): Figure {
  requireColumns(sup, SUPPLIER_COLUMNS);
  let last = -Infinity;
  for (const r of sup.rows) last = Math.max(last, num(sup, r, 'step') ?? -Infinity);
  const finalRows = sup.rows.filter((r) => num(sup, r, 'step') === last && r.active === 'true');
  const values: { top_buyer_share: number }[] = [];
  for (const r of finalRows) {
    const v = num(sup, r, 'top_buyer_share');
    if (v !== null) values.push({ top_buyer_share: v });
  }
  const without = finalRows.length - values.length;
  const title = 'Dependence on the top buyer';
  return {
    id: 'top-buyer-share',
    title,
    caption:
      `Distribution of the share of sales going to each active supplier's largest lead-firm customer at the final step (suppliers.csv, step ${Number.isFinite(last) ? last : '–'}; ${values.length} suppliers` +
      (without > 0 ? `; ${without} active suppliers without lead-firm sales are left out` : '') +
      '). The dashed line marks 80%, above which a supplier counts as dependent on one buyer.',
    spec: withTheme({
      title,
      data: { values },
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'top_buyer_share', type: 'quantitative', bin: { extent: [0, 1], step: 0.05 }, title: 'top-buyer share (share of sales)', scale: { domain: [0, 1] } },
            y: { aggregate: 'count', type: 'quantitative', title: 'active suppliers (count)' },
          },
        },
        {
          data: { values: [{ x: 0.8 }] },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#444', strokeWidth: 1.5 },
          encoding: { x: { field: 'x', type: 'quantitative' } },
        },
      ],
    }),
  };
}

export function runFigures(dir: string, manifest: ManifestSummary | null): Figure[] {
  const ts = readCsv(join(dir, 'timeseries.csv'));
  requireColumns(ts, ['step', ...CAPABILITIES.map((c) => c[0]), ...ROLES.map((c) => c[0]), ...RELATIONSHIPS.map((c) => c[0])]);
  if (ts.rows.length === 0) throw new UserError(`${ts.file}: no rows`);
  const sup = readCsv(join(dir, 'suppliers.csv'));
  const spy = manifest?.steps_per_year;
  return [
    lineFigure(ts, spy),
    stackedFigure(
      ts,
      spy,
      'roles',
      'Supplier roles over time',
      ROLES,
      'share of active suppliers',
      'highest role',
      'Share of active suppliers whose highest role is OEM (assembly to the buyer’s design), ODM (own design for buyers) or OBM (own brand), stacked (timeseries.csv: share_oem, share_odm, share_obm).',
      'tableau10',
    ),
    stackedFigure(
      ts,
      spy,
      'governance',
      'Relationship governance over time',
      RELATIONSHIPS,
      'share of supplier–buyer relationships',
      'relationship type',
      'Share of active supplier–buyer relationships of each governance type, stacked (timeseries.csv: share_rel_*). Steps without any relationship have no bar.',
      'set2',
    ),
    histogramFigure(sup),
  ];
}
