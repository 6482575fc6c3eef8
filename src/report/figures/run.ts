/**
 * Figures of a single run folder (gvc run): capabilities by function, role shares,
 * relationship governance shares and cumulative events over time from timeseries.csv; the
 * distribution of the top-buyer share of active suppliers at the final step, and, with several
 * supplier groups, roles and capability paths per group from suppliers.csv.
 */
import { join } from 'node:path';
import { type Figure, plural, timeAxis, withTheme } from '../figure.js';
import {
  colourOf,
  colourScale,
  EVENT_PALETTE,
  FUNCTION_PALETTE,
  GOVERNANCE_PALETTE,
  groupScale,
  type Palette,
  ROLE_PALETTE,
  SINGLE_COLOUR,
} from '../palettes.js';
import { isFile, type ManifestSummary, num, readCsv, requireColumns, type Table } from '../data.js';
import { UserError } from '../../scenario/errors.js';
import { parseCsvBoolean } from '../../io/csv.js';
import { populationRows, relationshipFigures } from './relationships.js';

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
const EVENTS = [
  ['cumulative_functional_upgrades', 'functional upgrades (OEM→ODM→OBM)'],
  ['cumulative_chain_upgrades', 'chain upgrades (sector entries)'],
  ['cumulative_sanctions', 'sanctions by guarding buyers'],
  ['cumulative_exits', 'exits'],
] as const;
const SUPPLIER_COLUMNS = ['step', 'supplier_id', 'active', 'top_buyer_share'];

/** Long rows {step, series, value} for the given timeseries columns, skipping empty cells. */
function longSeries(
  ts: Table,
  columns: readonly (readonly [string, string])[],
): { step: number; series: string; value: number }[] {
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
  const time = timeAxis(stepsPerYear);
  return {
    id: 'capabilities',
    title: 'Capabilities by function over time',
    caption:
      'Mean capability (index from 0 to 1) of the active suppliers in each function at each step (timeseries.csv: mean_process, mean_product, mean_design, mean_marketing).',
    spec: withTheme({
      title: 'Capabilities by function over time',
      data: { values },
      transform: time.transform,
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: time.x,
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'mean capability (index 0–1)',
          scale: { domain: [0, 1] },
        },
        color: {
          field: 'series',
          type: 'nominal',
          title: 'function',
          scale: colourScale(FUNCTION_PALETTE),
        },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          title: 'function',
          scale: { domain: [...FUNCTION_PALETTE.domain] },
        },
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
  palette: Palette,
): Figure {
  // The first category of the legend is stacked on top, so legend and stack read in one order.
  const order = columns.map((c) => c[1]);
  const values = longSeries(ts, columns).map((v) => ({
    ...v,
    order: order.length - 1 - order.indexOf(v.series),
  }));
  const time = timeAxis(stepsPerYear);
  return {
    id,
    title,
    caption,
    spec: withTheme({
      title,
      data: { values },
      transform: time.transform,
      mark: { type: 'area', line: { strokeWidth: 0.5, stroke: 'white' } },
      encoding: {
        x: time.x,
        y: {
          field: 'value',
          type: 'quantitative',
          title: yTitle,
          stack: 'zero',
          scale: { domain: [0, 1] },
        },
        color: { field: 'series', type: 'nominal', title: legend, scale: colourScale(palette) },
        order: { field: 'order', type: 'quantitative' },
      },
    }),
  };
}

/** Cumulative upgrading events (and sanctions and exits, when recorded) over time. */
function eventsFigure(ts: Table, stepsPerYear: number | undefined): Figure {
  const columns = EVENTS.filter(([c]) => ts.columns.includes(c));
  const values = longSeries(ts, columns);
  const time = timeAxis(stepsPerYear);
  const palette = {
    domain: columns.map((c) => c[1]),
    range: columns.map((c) => colourOf(EVENT_PALETTE, c[1])),
  };
  const title = 'Upgrading, sanctions and exits';
  return {
    id: 'events',
    title,
    caption: `Cumulative number of events since the start (timeseries.csv: ${columns.map((c) => c[0]).join(', ')}): role upgrades, entries into new sectors (chain upgrading), order cuts or drops by buyers guarding their core, and supplier exits.`,
    spec: withTheme({
      title,
      data: { values },
      transform: time.transform,
      mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
      encoding: {
        x: time.x,
        // Counts: whole-number ticks, and a visible axis when nothing happened at all.
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'cumulative events (count)',
          scale: { domain: [0, Math.max(1, ...values.map((v) => v.value))] },
          axis: { format: 'd', tickMinStep: 1 },
        },
        color: { field: 'series', type: 'nominal', title: 'event', scale: colourScale(palette) },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          title: 'event',
          scale: { domain: palette.domain },
        },
      },
    }),
  };
}

function histogramFigure(sup: Table): Figure {
  requireColumns(sup, SUPPLIER_COLUMNS);
  let last = -Infinity;
  for (const r of sup.rows) last = Math.max(last, num(sup, r, 'step') ?? -Infinity);
  const finalRows = sup.rows.filter(
    (r) => num(sup, r, 'step') === last && parseCsvBoolean(r.active),
  );
  const values: { top_buyer_share: number; group: string }[] = [];
  for (const r of finalRows) {
    const v = num(sup, r, 'top_buyer_share');
    if (v !== null) values.push({ top_buyer_share: v, group: r.group ?? '' });
  }
  const groups = [...new Set(values.map((v) => v.group))];
  const byGroup = groups.length > 1;
  const without = finalRows.length - values.length;
  const title = 'Dependence on the top buyer';
  return {
    id: 'top-buyer-share',
    title,
    caption:
      `Distribution of the share of sales going to each active supplier's largest lead-firm customer at the final step (suppliers.csv, step ${Number.isFinite(last) ? last : '–'}; ${plural(values.length, 'supplier')}` +
      (without > 0
        ? `; ${plural(without, 'active supplier')} without lead-firm sales ${without === 1 ? 'is' : 'are'} left out`
        : '') +
      ')' +
      (byGroup ? ', stacked by supplier group' : '') +
      // 80% is a reference from the cases, not a threshold of the model: the caption says so,
      // so that no reader looks for a dependence cut-off in the ODD.
      '. The dashed line marks 80% for reference: the dominant buyer’s share of output in the Sinos Valley and Firm Y cases (Humphrey & Schmitz 2002; Kang & Kim 2023), not a threshold of the model.',
    spec: withTheme({
      title,
      data: { values },
      layer: [
        {
          mark: { type: 'bar', color: SINGLE_COLOUR, stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            x: {
              field: 'top_buyer_share',
              type: 'quantitative',
              bin: { extent: [0, 1], step: 0.05 },
              title: 'top-buyer share (share of sales)',
              scale: { domain: [0, 1] },
            },
            y: { aggregate: 'count', type: 'quantitative', title: 'active suppliers (count)' },
            ...(byGroup
              ? {
                  color: {
                    field: 'group',
                    type: 'nominal',
                    title: 'supplier group',
                    scale: groupScale(groups),
                  },
                }
              : {}),
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

const FUNCTIONS = ['process', 'product', 'design', 'marketing'] as const;

/** Suppliers' groups (scenario group names) when suppliers.csv has more than one. */
function supplierGroups(sup: Table): string[] {
  if (!sup.columns.includes('group')) return [];
  const groups = [...new Set(sup.rows.map((r) => r.group))];
  return groups.length > 1 ? groups : [];
}

/**
 * Mean capability by function and supplier group over the steps recorded in suppliers.csv
 * (gvc run --agents every:K); needs at least two recorded steps.
 */
function groupCapabilityFigure(
  sup: Table,
  groups: readonly string[],
  stepsPerYear: number | undefined,
): Figure | null {
  requireColumns(sup, [...FUNCTIONS]);
  const cells = new Map<
    string,
    { step: number; group: string; fn: string; sum: number; n: number }
  >();
  const steps = new Set<number>();
  for (const r of sup.rows) {
    if (!parseCsvBoolean(r.active)) continue;
    const step = num(sup, r, 'step');
    if (step === null) continue;
    steps.add(step);
    for (const fn of FUNCTIONS) {
      const v = num(sup, r, fn);
      if (v === null) continue;
      const key = `${step}|${r.group}|${fn}`;
      const c = cells.get(key) ?? { step, group: r.group, fn, sum: 0, n: 0 };
      c.sum += v;
      c.n++;
      cells.set(key, c);
    }
  }
  if (steps.size < 2) return null;
  const values = [...cells.values()].map((c) => ({
    step: c.step,
    group: c.group,
    function: c.fn,
    value: c.sum / c.n,
  }));
  const title = 'Capabilities by supplier group';
  const time = timeAxis(stepsPerYear);
  return {
    id: 'capabilities-by-group',
    title,
    caption: `Mean capability of the active suppliers of each group in each function, at the ${steps.size} steps recorded in suppliers.csv (gvc run --agents every:K). Groups are the supplier groups of the scenario; for a group of one firm, the lines are that firm's own capabilities.`,
    spec: withTheme({
      title,
      data: { values },
      transform: time.transform,
      facet: { field: 'group', type: 'nominal', title: null, sort: [...groups] },
      columns: Math.min(3, groups.length),
      spec: {
        width: 240,
        height: 170,
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: time.x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'mean capability (index 0–1)',
            scale: { domain: [0, 1] },
          },
          color: {
            field: 'function',
            type: 'nominal',
            title: 'function',
            scale: colourScale(FUNCTION_PALETTE),
          },
          strokeDash: {
            field: 'function',
            type: 'nominal',
            title: 'function',
            scale: { domain: [...FUNCTION_PALETTE.domain] },
          },
        },
      },
    }),
  };
}

/** Shares of current roles by supplier group at the final step. */
function groupRoleFigure(sup: Table, groups: readonly string[]): Figure {
  requireColumns(sup, ['role']);
  let last = -Infinity;
  for (const r of sup.rows) last = Math.max(last, num(sup, r, 'step') ?? -Infinity);
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const r of sup.rows) {
    if (num(sup, r, 'step') !== last || !parseCsvBoolean(r.active)) continue;
    counts.set(`${r.group}|${r.role}`, (counts.get(`${r.group}|${r.role}`) ?? 0) + 1);
    totals.set(r.group, (totals.get(r.group) ?? 0) + 1);
  }
  const roles = [...ROLE_PALETTE.domain];
  const values = [...counts].map(([k, n]) => {
    const [group, role] = k.split('|');
    return {
      group: `${group} (n = ${totals.get(group)})`,
      role,
      share: n / totals.get(group)!,
      order: roles.indexOf(role),
    };
  });
  const title = 'Supplier roles by group at the final step';
  return {
    id: 'roles-by-group',
    title,
    caption: `Share of each group's active suppliers whose role is OEM, ODM or OBM at the final step (suppliers.csv, step ${last}); n is the number of active suppliers in the group.`,
    spec: withTheme({
      title,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: {
          field: 'group',
          type: 'nominal',
          title: 'supplier group',
          sort: groups.map((g) => `${g} (n = ${totals.get(g)})`),
        },
        x: {
          field: 'share',
          type: 'quantitative',
          title: 'share of active suppliers in the group',
          stack: 'zero',
          scale: { domain: [0, 1] },
        },
        color: {
          field: 'role',
          type: 'nominal',
          title: 'role',
          sort: roles,
          scale: colourScale(ROLE_PALETTE),
        },
        order: { field: 'order', type: 'quantitative' },
      },
      width: 420,
      height: { step: 28 },
    }),
  };
}

/**
 * The figures of a run folder and notes on what is missing. suppliers.csv is optional (gvc run
 * --agents none writes none): without it the report has the timeseries figures only.
 */
export function runReport(
  dir: string,
  manifest: ManifestSummary | null,
): { figures: Figure[]; notes: string[] } {
  const ts = populationRows(readCsv(join(dir, 'timeseries.csv')));
  requireColumns(ts, [
    'step',
    ...CAPABILITIES.map((c) => c[0]),
    ...ROLES.map((c) => c[0]),
    ...RELATIONSHIPS.map((c) => c[0]),
    ...EVENTS.slice(0, 2).map((c) => c[0]),
  ]);
  if (ts.rows.length === 0) throw new UserError(`${ts.file}: no rows`);
  const spy = manifest?.steps_per_year;
  const notes: string[] = [];
  const supplierFigures: Figure[] = [];
  if (isFile(join(dir, 'suppliers.csv'))) {
    const sup = readCsv(join(dir, 'suppliers.csv'));
    supplierFigures.push(histogramFigure(sup));
    const groups = supplierGroups(sup);
    if (groups.length > 0) {
      const caps = groupCapabilityFigure(sup, groups, spy);
      if (caps) supplierFigures.push(caps);
      else
        notes.push(
          "suppliers.csv holds the final step only; run with --agents every:4 to add each supplier group's capability paths.",
        );
      supplierFigures.push(groupRoleFigure(sup, groups));
    }
  } else {
    notes.push(
      'No suppliers.csv in this folder (gvc run --agents none): the figures from supplier rows (top-buyer share, supplier groups) are left out.',
    );
  }
  const figures = [
    lineFigure(ts, spy),
    stackedFigure(
      ts,
      spy,
      'roles',
      'Supplier roles over time',
      ROLES,
      'share of active suppliers',
      'role',
      'Share of active suppliers whose current role is OEM (assembly to the buyer’s design), ODM (own design for buyers) or OBM (own brand) at each step, stacked in legend order from the top (timeseries.csv: share_oem, share_odm, share_obm).',
      ROLE_PALETTE,
    ),
    stackedFigure(
      ts,
      spy,
      'governance',
      'Relationship governance over time',
      RELATIONSHIPS,
      'share of supplier–buyer relationships',
      'relationship type',
      'Share of active supplier–buyer relationships of each governance type at each step, stacked in legend order from the top (timeseries.csv: share_rel_*). Steps without any relationship have no area.',
      GOVERNANCE_PALETTE,
    ),
    eventsFigure(ts, spy),
    ...supplierFigures,
  ];
  const rel = relationshipFigures(dir, ts, spy);
  return { figures: [...figures, ...rel.figures], notes: [...notes, ...rel.notes] };
}

export function runFigures(dir: string, manifest: ManifestSummary | null): Figure[] {
  return runReport(dir, manifest).figures;
}
