/**
 * Relationship figures of a run folder: year-on-year retention of ties by type over time
 * (timeseries.csv), and from relationships.csv the survival of spells by tenure, markups by
 * type and the causes that ended spells. Retention is the tie-survival measure of Monarch
 * (2016); markups over marginal cost by type of buyer follow Cajal-Grossi, Macchiavello &
 * Noguera (2023).
 */
import { join } from 'node:path';
import { type Figure, timeAxis, withTheme } from '../figure.js';
import { isFile, num, readCsv, requireColumns, type Row, type Table } from '../data.js';
import {
  colourScale,
  END_CAUSE_PALETTE,
  GOVERNANCE_DASHES,
  GOVERNANCE_PALETTE,
  GOVERNANCE_SHAPES,
} from '../palettes.js';

const TYPES = [
  ['market', 'market'],
  ['network', 'network'],
  ['quasi_hierarchy', 'quasi-hierarchy'],
  ['hierarchy', 'hierarchy'],
] as const;
const LABEL = new Map<string, string>(TYPES);
const TYPE_ORDER = TYPES.map((t) => t[1]);

/**
 * The types among TYPE_ORDER that have at least one value in `values`, in legend order: a
 * legend lists only the types that have a line, and a caption names the others.
 */
function typesDrawn(values: readonly { type: string }[]): string[] {
  return TYPE_ORDER.filter((t) => values.some((v) => v.type === t));
}

/** "hierarchy", "network and hierarchy", "market, network or hierarchy" (with `word` 'or'). */
function listed(items: readonly string[], word: 'and' | 'or' = 'and'): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/**
 * The layers of a line per relationship type: colour from the governance palette of the
 * stacked governance figure (a type has one colour in every figure), and also a dash and a
 * point marker of its own, so that colour-blind and greyscale readers can tell the lines apart
 * (one merged legend shows all three). `types` are the types drawn (typesDrawn); the scales
 * list only those, each with its palette entry. `x` and `y` are Vega-Lite position encodings;
 * `markerFilter`, a Vega expression, keeps markers at some points only (the line has them all).
 */
function typeLineLayers(
  field: string,
  title: string,
  types: readonly string[],
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  line: Record<string, unknown>,
  tooltip: Record<string, unknown>[] = [],
  markerFilter?: string,
): Record<string, unknown>[] {
  const at = types.map((t) => GOVERNANCE_PALETTE.domain.indexOf(t));
  const color = {
    field,
    type: 'nominal',
    title,
    scale: { domain: [...types], range: at.map((i) => GOVERNANCE_PALETTE.range[i]) },
  };
  const strokeDash = {
    field,
    type: 'nominal',
    title,
    scale: { domain: [...types], range: at.map((i) => [...GOVERNANCE_DASHES[i]]) },
  };
  const shape = {
    field,
    type: 'nominal',
    title,
    scale: { domain: [...types], range: at.map((i) => GOVERNANCE_SHAPES[i]) },
  };
  return [
    { mark: { type: 'line', strokeWidth: 2, ...line }, encoding: { x, y, color, strokeDash } },
    {
      ...(markerFilter ? { transform: [{ filter: markerFilter }] } : {}),
      mark: { type: 'point', filled: true, size: 30 },
      encoding: { x, y, color, shape, ...(tooltip.length > 0 ? { tooltip } : {}) },
    },
  ];
}

const RELATIONSHIP_COLUMNS = [
  'type_start',
  'type_end',
  'start_step',
  'end_step',
  'end_cause',
  'volume',
  'mean_markup',
];

/** The rows of the whole population: with --by-group, the rows labelled all. */
export function populationRows(ts: Table): Table {
  if (!ts.columns.includes('group')) return ts;
  return { ...ts, rows: ts.rows.filter((r) => r.group === 'all') };
}

/** Year-on-year retention by type over time, from timeseries.csv's retention_* columns (null if absent). */
function retentionFigure(ts: Table, stepsPerYear: number | undefined): Figure | null {
  const cols = TYPES.map(([t, label]) => [`retention_${t}`, label] as const);
  if (!cols.every(([c]) => ts.columns.includes(c))) return null;
  const values: { step: number; type: string; retention: number }[] = [];
  for (const r of ts.rows) {
    const step = num(ts, r, 'step');
    if (step === null) continue;
    for (const [c, label] of cols) {
      const v = num(ts, r, c);
      if (v !== null) values.push({ step, type: label, retention: v });
    }
  }
  if (values.length === 0) return null;
  const time = timeAxis(stepsPerYear);
  const types = typesDrawn(values);
  const absent = TYPE_ORDER.filter((t) => !types.includes(t));
  const y = {
    field: 'retention',
    type: 'quantitative',
    title: 'share of ties kept one year later',
    scale: { domain: [0, 1] },
  };
  return {
    id: 'retention',
    title: 'Year-on-year retention of ties by type',
    caption:
      'Of the supplier–lead-firm relationship spells active one year earlier with each type, the share still active in the same spell (timeseries.csv: retention_market, retention_network, retention_quasi_hierarchy, retention_hierarchy). Steps at which a type had no ties a year earlier have no point' +
      (absent.length > 0
        ? `; ${listed(absent)} had no ties a year earlier at any step: no line, and not in the legend.`
        : '.') +
      (stepsPerYear ? ' Markers at whole years.' : ''),
    spec: withTheme({
      title: 'Year-on-year retention of ties by type',
      data: { values },
      transform: time.transform,
      // A marker a year (every step with no step length known): one at each of 120 quarterly
      // steps would merge into a band.
      layer: typeLineLayers(
        'type',
        'type a year earlier',
        types,
        time.x,
        y,
        {},
        [],
        `datum.step % ${stepsPerYear ?? 1} === 0`,
      ),
    }),
  };
}

/**
 * Spell survival by tenure and type at the start: for each whole number of years a, among
 * spells that began at least a years before the last step (so they could have lasted that
 * long), the share that did. Spells still active are right-censored, which this at-risk rule
 * respects.
 */
export function survivalByTenure(
  rel: Table,
  lastStep: number,
  stepsPerYear: number,
): { years: number; type: string; survival: number; at_risk: number }[] {
  const spells = rel.rows.map((r) => ({
    type: LABEL.get(r.type_start) ?? r.type_start,
    start: num(rel, r, 'start_step') ?? 0,
    end: num(rel, r, 'end_step'),
  }));
  const out: { years: number; type: string; survival: number; at_risk: number }[] = [];
  const maxYears = Math.floor(lastStep / stepsPerYear);
  for (const type of TYPE_ORDER) {
    const ofType = spells.filter((s) => s.type === type);
    for (let a = 0; a <= maxYears; a++) {
      const horizon = a * stepsPerYear;
      const atRisk = ofType.filter((s) => s.start + horizon <= lastStep);
      if (atRisk.length === 0) continue;
      const lasted = atRisk.filter((s) => s.end === null || s.end - s.start >= horizon).length;
      out.push({ years: a, type, survival: lasted / atRisk.length, at_risk: atRisk.length });
    }
  }
  return out;
}

function survivalFigure(rel: Table, lastStep: number, stepsPerYear: number): Figure {
  const values = survivalByTenure(rel, lastStep, stepsPerYear);
  const types = typesDrawn(values);
  const absent = TYPE_ORDER.filter((t) => !types.includes(t));
  const x = { field: 'years', type: 'quantitative', title: 'tenure (years)' };
  const y = {
    field: 'survival',
    type: 'quantitative',
    title: 'share of spells lasting that long',
    scale: { domain: [0, 1] },
  };
  return {
    id: 'spell-survival',
    title: 'Survival of relationship spells by tenure',
    caption:
      'Share of spells that lasted at least a given number of years, by type at the start of the spell, among spells that began early enough to have lasted that long (relationships.csv: type_start, start_step, end_step). Spells still active at the end count as surviving up to the last step.' +
      (absent.length > 0
        ? ` No spell started as ${listed(absent, 'or')}: no curve, and not in the legend.`
        : ''),
    spec: withTheme({
      title: 'Survival of relationship spells by tenure',
      data: { values },
      layer: typeLineLayers(
        'type',
        'type at the start',
        types,
        x,
        y,
        { interpolate: 'step-after' },
        [{ field: 'at_risk', type: 'quantitative', title: 'spells at risk' }],
      ),
    }),
  };
}

function markupFigure(rel: Table): Figure {
  const values: { type: string; mean_markup: number }[] = [];
  for (const r of rel.rows) {
    const markup = num(rel, r, 'mean_markup');
    if (markup !== null)
      values.push({ type: LABEL.get(r.type_end) ?? r.type_end, mean_markup: markup });
  }
  return {
    id: 'markups',
    title: 'Markups by relationship type',
    caption: `Distribution over spells of the volume-weighted mean markup, price over variable unit cost − 1 (relationships.csv: mean_markup), by type at the end of the spell; ${values.length} spells with deliveries. Boxes span the quartiles, whiskers the smallest and largest.`,
    spec: withTheme({
      title: 'Markups by relationship type',
      data: { values },
      // Whiskers to the extremes: Tukey whiskers draw an outlier layer that is empty (and warns)
      // when no spell lies beyond them.
      mark: { type: 'boxplot', extent: 'min-max', size: 28 },
      // One 80-pixel band per type, so the 28-pixel boxes and horizontal labels fit.
      width: { step: 80 },
      encoding: {
        x: {
          field: 'type',
          type: 'nominal',
          title: 'type at the end',
          sort: TYPE_ORDER,
          axis: { labelAngle: 0 },
        },
        y: { field: 'mean_markup', type: 'quantitative', title: 'mean markup (price / cost − 1)' },
        color: {
          field: 'type',
          type: 'nominal',
          scale: colourScale(GOVERNANCE_PALETTE),
          legend: null,
        },
      },
    }),
  };
}

function endCauseFigure(rel: Table): Figure {
  const counts = new Map<string, { type: string; cause: string; spells: number }>();
  for (const r of rel.rows) {
    const type = LABEL.get(r.type_end) ?? r.type_end;
    const cause = r.end_step === '' ? 'still active' : r.end_cause;
    const key = `${type}|${cause}`;
    const c = counts.get(key) ?? { type, cause, spells: 0 };
    c.spells++;
    counts.set(key, c);
  }
  return {
    id: 'end-causes',
    title: 'How relationship spells ended',
    caption:
      'Spells by type at their end and by the cause that ended them, or still active at the last step (relationships.csv: type_end, end_cause, end_step).',
    spec: withTheme({
      title: 'How relationship spells ended',
      data: { values: [...counts.values()] },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'type', type: 'nominal', title: 'type at the end', sort: TYPE_ORDER },
        x: { field: 'spells', type: 'quantitative', aggregate: 'sum', title: 'spells (count)' },
        color: {
          field: 'cause',
          type: 'nominal',
          title: 'end cause',
          scale: colourScale(END_CAUSE_PALETTE),
        },
      },
    }),
  };
}

/**
 * The relationship figures of a run folder: retention over time when timeseries.csv has the
 * retention columns, and the spell figures when relationships.csv is present. `ts` is the
 * whole population's timeseries (see populationRows). Errors: a UserError naming the file and
 * column when relationships.csv lacks a column or holds a non-number where a number belongs.
 */
export function relationshipFigures(
  dir: string,
  ts: Table,
  stepsPerYear: number | undefined,
): { figures: Figure[]; notes: string[] } {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const retention = retentionFigure(ts, stepsPerYear);
  if (retention) figures.push(retention);
  const path = join(dir, 'relationships.csv');
  if (!isFile(path)) {
    notes.push(
      'No relationships.csv in this folder (gvc run --relationships none): the spell figures (survival, markups, end causes) are left out.',
    );
    return { figures, notes };
  }
  const rel = readCsv(path);
  requireColumns(rel, RELATIONSHIP_COLUMNS);
  let lastStep = 0;
  for (const r of ts.rows as readonly Row[]) lastStep = Math.max(lastStep, num(ts, r, 'step') ?? 0);
  figures.push(
    survivalFigure(rel, lastStep, stepsPerYear ?? 4),
    markupFigure(rel),
    endCauseFigure(rel),
  );
  return { figures, notes };
}
