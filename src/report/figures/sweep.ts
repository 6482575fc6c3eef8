/**
 * Figures of a sweep folder (gvc sweep): each selected metric against each swept parameter
 * with a 95% confidence band, and the lock-in rate as a heatmap over two parameters
 * (governance × network ties when both were swept, otherwise the two parameters whose levels
 * move the lock-in rate most).
 *
 * Each point is the mean over the runs at that parameter value where the metric is defined
 * (averaging over the other parameters of the design; for an OFAT design only the runs with
 * the other parameters at their base values), with the interval summary.csv uses over those
 * runs: the score interval of boundedMeanInterval for a metric with a domain, else the t
 * interval. The caption names the interval and every point over fewer runs than the sweep has
 * at that value (or missing because no run there has a value).
 */
import { existsSync } from 'node:fs';
import { readJsonObject } from '../../io/read-json.js';
import { checkRecordedBytes } from '../../io/file-record.js';
import { join } from 'node:path';
import { summarizeValues, unitsOfFinal } from '../../analysis/summary.js';
import { TIMESERIES_COLUMNS } from '../../engine/observations.js';
import { assertEveryRun } from '../../experiment/design-file.js';
import { METRIC_COLUMNS } from '../../experiment/sweep-columns.js';
import { UserError } from '../../scenario/errors.js';
import { suggest } from '../../scenario/paths.js';
import { num, readCsv, requireColumns, type Row, type Table } from '../data.js';
import { type Figure, slug, withTheme, withUnit } from '../figure.js';
import { SINGLE_COLOUR } from '../palettes.js';
import { fixedNonZero } from '../table.js';

/** Metrics plotted by default, in this order (those present in runs.csv and not all empty). */
export const DEFAULT_SWEEP_METRICS = [
  'lockin_rate',
  'share_oem',
  'share_odm',
  'share_obm',
  'mean_design',
  'mean_marketing',
  'mean_top_buyer_share',
  'cumulative_functional_upgrades',
];

const ID_COLUMNS = ['run_id', 'cell_id', 'replicate', 'seed'];
const METRICS = new Set(METRIC_COLUMNS.map((c) => c.name));
/** Numeric parameters with more distinct values than this (lhs, sobol, morris) are binned. */
const MAX_LEVELS = 8;
const BINS = 6;

export interface SweepData {
  runs: Table;
  factors: string[];
  metrics: string[];
  /** Units by column of runs.csv, from the codebook. */
  units: Map<string, string>;
  design: string | undefined;
}

interface Level {
  /** Value shown on the axis: the parameter value, or the bin midpoint. */
  key: string | number;
  label: string;
  rows: Row[];
}

interface FactorLevels {
  factor: string;
  numeric: boolean;
  binned: boolean;
  levels: Level[];
}

/** The last part of a dotted parameter path, for titles. */
export function lastPart(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** Short label of a dotted parameter path for axis titles: its last two parts. */
export function shortPath(path: string): string {
  const parts = path.split('.');
  return parts.length <= 2 ? path : parts.slice(-2).join('.');
}

export function loadSweep(
  dir: string,
  units: Map<string, Map<string, string>>,
  wanted?: readonly string[],
): SweepData {
  const runs = readCsv(join(dir, 'runs.csv'));
  requireColumns(runs, ['run_id', 'cell_id']);
  const factors = runs.columns.filter((c) => !ID_COLUMNS.includes(c) && !METRICS.has(c));
  if (factors.length === 0)
    throw new UserError(
      `${runs.file}: no varied parameter columns (expected parameter paths between seed and the metrics)`,
    );
  const present = runs.columns.filter((c) => METRICS.has(c));
  let metrics: string[];
  if (wanted && wanted.length > 0) {
    for (const metric of wanted) {
      if (!present.includes(metric)) {
        const hint = suggest(metric, present);
        throw new UserError(
          `--metrics: ${runs.file} has no metric "${metric}"${hint ? `; did you mean "${hint}"?` : ''}`,
        );
      }
    }
    metrics = [...wanted];
  } else {
    metrics = DEFAULT_SWEEP_METRICS.filter(
      (metric) => present.includes(metric) && runs.rows.some((r) => r[metric] !== ''),
    );
  }
  let design: string | undefined;
  const designPath = join(dir, 'design.json');
  if (existsSync(designPath)) {
    const record = readJsonObject(designPath, "a sweep's design record", checkRecordedBytes);
    const d = record.design;
    if (typeof d !== 'string')
      throw new UserError(
        `${designPath}: design: expected a design name, found ${JSON.stringify(d) ?? 'nothing'}`,
      );
    design = d;
    // A whole sweep must hold every run it records, as gvc sensitivity checks.
    if (typeof record.total_runs === 'number' && !record.shard) {
      const errorsPath = join(dir, 'errors.csv');
      const failed = existsSync(errorsPath) ? readCsv(errorsPath).rows.length : 0;
      assertEveryRun(runs.file, runs.rows.length, failed, record.total_runs);
    }
  }
  return { runs, factors, metrics, units: units.get('runs.csv') ?? new Map(), design };
}

function mode(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  for (const [v, c] of counts) if (c > (counts.get(best) ?? 0)) best = v;
  return best;
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

function factorLevels(data: SweepData, factor: string): FactorLevels {
  let rows = data.runs.rows;
  if (data.design === 'ofat') {
    // One parameter at a time: the other parameters at their base (most common) value.
    const others = data.factors.filter((f) => f !== factor);
    const base = Object.fromEntries(others.map((f) => [f, mode(rows.map((r) => r[f]))]));
    rows = rows.filter((r) => others.every((f) => r[f] === base[f]));
  }
  const raw = rows.map((r) => r[factor]);
  const numeric = raw.every((v) => v !== '' && Number.isFinite(Number(v)));
  const distinct = [...new Set(raw)];
  if (!numeric) {
    return {
      factor,
      numeric,
      binned: false,
      levels: distinct.map((v) => ({
        key: v,
        label: v,
        rows: rows.filter((r) => r[factor] === v),
      })),
    };
  }
  const xs = distinct.map(Number).sort((a, b) => a - b);
  if (xs.length <= MAX_LEVELS) {
    return {
      factor,
      numeric,
      binned: false,
      levels: xs.map((x) => ({
        key: x,
        label: fmt(x),
        rows: rows.filter((r) => Number(r[factor]) === x),
      })),
    };
  }
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  const w = (hi - lo) / BINS;
  const levels: Level[] = [];
  for (let b = 0; b < BINS; b++) {
    const a = lo + b * w;
    const z = b === BINS - 1 ? hi : a + w;
    const inBin = rows.filter((r) => {
      const v = Number(r[factor]);
      return v >= a && (b === BINS - 1 ? v <= z : v < z);
    });
    if (inBin.length > 0)
      levels.push({ key: a + w / 2, label: `${fmt(a)}–${fmt(z)}`, rows: inBin });
  }
  return { factor, numeric, binned: true, levels };
}

interface Point {
  metric: string;
  level: string | number;
  label: string;
  mean: number;
  /** The mean as the tooltip shows it (fixedNonZero: a small mean is never 0.000). */
  mean_text: string;
  lo: number | null;
  hi: number | null;
  /** Runs with a defined value, which the mean and interval are over. */
  n: number;
  /** Runs the sweep has at this value. */
  runs: number;
}

/** The domain of a timeseries metric, if its definition bounds it (observations.ts). */
const metricDomain = (metric: string) => TIMESERIES_COLUMNS.find((c) => c.name === metric)?.domain;

/**
 * Caption text for the points of some metrics: which interval each metric's bands are, and
 * which points (or heatmap cells) are over fewer runs than the sweep has at their value (the
 * metric is undefined in the others) or missing because no run there has a value. `levels` gives
 * each level's label and number of runs; lists longer than MAX_LISTED are cut with a count of the rest.
 */
function pointsNote(
  metrics: readonly string[],
  levels: readonly { label: string; runs: number }[],
  countAt: (metric: string, level: number) => number,
  interval: boolean,
  noun: 'Points' | 'Cells' = 'Points',
): string {
  const MAX_LISTED = 12;
  let text = '';
  if (interval) {
    const bounded = metrics.filter((m) => metricDomain(m) !== undefined);
    const t = metrics.filter((m) => metricDomain(m) === undefined);
    const score =
      "a score interval that stays within the metric's bounds (shares and indices in [0, 1], counts at least 0; Wilson-type with estimated dispersion, as summary.csv; a role share or capability mean that is the same in every run gets the Wilson interval of the suppliers pooled over the runs)";
    text +=
      t.length === 0
        ? ` Intervals: ${score}.`
        : bounded.length === 0
          ? ' Intervals: t intervals.'
          : ` Intervals: for ${bounded.join(', ')}, ${score}; for ${t.join(', ')}, t intervals.`;
  }
  // Metrics that miss the same runs (usually all those computed over active suppliers) are
  // listed together, so the caption says it once.
  const byPattern = new Map<string, string[]>();
  let single = false;
  for (const metric of metrics) {
    const gaps: string[] = [];
    levels.forEach((lv, j) => {
      const k = countAt(metric, j);
      if (k === 1) single = true;
      if (k < lv.runs)
        gaps.push(
          `at ${lv.label} ${k === 0 ? `none of ${lv.runs} runs has a value (nothing drawn)` : `${k} of ${lv.runs} runs`}`,
        );
    });
    if (gaps.length === 0) continue;
    const key = gaps.join(', ');
    byPattern.set(key, [...(byPattern.get(key) ?? []), metric]);
  }
  const short = [...byPattern].map(([gaps, names]) => `${names.join(', ')}: ${gaps}`);
  const gapCount = [...byPattern.keys()].reduce((n, k) => n + k.split(', at ').length, 0);
  if (short.length > 0)
    text +=
      ` ${noun} over fewer runs than the sweep has ${noun === 'Points' ? 'at that value' : 'in that cell'} (the metric is undefined in the others, e.g. when no supplier it is computed over is left): ` +
      (gapCount <= MAX_LISTED
        ? short.join('; ')
        : `${gapCount} ${noun.toLowerCase()}, of ${[...byPattern.values()].flat().join(', ')}` +
          (noun === 'Points' ? " (each point's tooltip gives its runs)" : '')) +
      '.';
  if (interval && single) text += ' A point from a single run has no interval.';
  return text;
}

function metricPoints(data: SweepData, fl: FactorLevels, metric: string): Point[] {
  const out: Point[] = [];
  for (const lv of fl.levels) {
    const ys: number[] = [];
    const units: number[] = [];
    for (const r of lv.rows) {
      const y = num(data.runs, r, metric);
      if (y === null) continue;
      ys.push(y);
      units.push(unitsOfFinal(metric, num(data.runs, r, 'n_suppliers')));
    }
    // As summary.csv: a share of the same value in every run gets the pooled suppliers' interval.
    const s = summarizeValues(ys, metricDomain(metric), units);
    if (s.mean === null) continue;
    out.push({
      metric: withUnit(metric, data.units.get(metric)),
      level: lv.key,
      label: lv.label,
      mean: s.mean,
      mean_text: fixedNonZero(s.mean, 3),
      lo: s.ci95_low,
      hi: s.ci95_high,
      n: s.n,
      runs: lv.rows.length,
    });
  }
  return out;
}

/**
 * Units of metrics that lie in [0, 1] by definition (shares, 0–1 indices): their panels share
 * one y axis from 0 to 1, so a difference of 0.02 looks like one.
 */
const BOUNDED_UNITS = new Set(['share', 'share of sales', 'index [0,1]']);

/** The unit of a metric: from the folder's codebook, else from the output declaration. */
function metricUnit(data: SweepData, metric: string): string | undefined {
  return data.units.get(metric) ?? METRIC_COLUMNS.find((c) => c.name === metric)?.unit;
}

/** Whether a metric is a share or a 0–1 index (its panels get the shared 0–1 axis). */
export function isBoundedMetric(data: SweepData, metric: string): boolean {
  return BOUNDED_UNITS.has(metricUnit(data, metric) ?? '');
}

function factorFigure(data: SweepData, fl: FactorLevels): Figure {
  const unit = data.units.get(fl.factor);
  const xTitle = withUnit(shortPath(fl.factor), unit) + (fl.binned ? ', binned' : '');
  const title = `Outcomes against ${lastPart(fl.factor)}`;
  const x = fl.numeric
    ? { field: 'level', type: 'quantitative', title: xTitle, scale: { zero: false } }
    : {
        field: 'level',
        type: 'nominal',
        title: xTitle,
        sort: fl.levels.map((l) => l.key),
        axis: { labelAngle: fl.levels.some((l) => l.label.length > 8) ? -30 : 0 },
      };
  const bounded = data.metrics.filter((metric) => isBoundedMetric(data, metric));
  const other = data.metrics.filter((metric) => !isBoundedMetric(data, metric));
  const boundedPoints = bounded.flatMap((metric) => metricPoints(data, fl, metric));
  // One y axis for every share and index: [0, 1], widened only if a CI reaches beyond it.
  const lows = boundedPoints.map((p) => p.lo ?? p.mean);
  const highs = boundedPoints.map((p) => p.hi ?? p.mean);
  const shared = { domain: [Math.min(0, ...lows), Math.max(1, ...highs)] };
  const panels = (metrics: string[], points: Point[], scale: object, sharedY: boolean) => {
    // The bands and bars use the facet's own data (a layer with its own data would not be split by panel).
    const band = {
      mark: fl.numeric
        ? { type: 'area', opacity: 0.25, color: SINGLE_COLOUR }
        : { type: 'rule', color: SINGLE_COLOUR, strokeWidth: 1.5 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', scale }, y2: { field: 'hi' } },
    };
    const mean = { field: 'mean', type: 'quantitative', title: 'mean ± 95% CI', scale };
    // With no interval anywhere (one replication per level) the band has no data: vega would
    // warn of an infinite extent of lo and hi, a warning about nothing the user can change.
    const layers: Record<string, unknown>[] = points.some((p) => p.lo !== null && p.hi !== null)
      ? [band]
      : [];
    if (fl.numeric)
      layers.push({ mark: { type: 'line', color: SINGLE_COLOUR }, encoding: { x, y: mean } });
    layers.push({
      mark: { type: 'point', filled: true, color: SINGLE_COLOUR, size: 40 },
      encoding: {
        x,
        y: mean,
        tooltip: [
          { field: 'label', title: shortPath(fl.factor) },
          { field: 'mean_text', title: 'mean' },
          { field: 'n', title: 'runs with a value' },
          { field: 'runs', title: 'runs at this value' },
        ],
      },
    });
    return {
      data: { values: points },
      facet: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: metrics.map((metric) => withUnit(metric, data.units.get(metric))),
      },
      columns: Math.min(4, Math.max(1, metrics.length)),
      spec: { width: 200, height: 140, layer: layers },
      // Each panel draws its own x axis: with a shared one, vega-lite draws an axis under the
      // empty cells of the last row.
      resolve: {
        scale: { y: sharedY ? 'shared' : 'independent' },
        axis: { x: 'independent' },
      },
    };
  };
  const parts: Record<string, unknown>[] = [];
  const otherPoints = other.flatMap((metric) => metricPoints(data, fl, metric));
  if (bounded.length > 0) parts.push(panels(bounded, boundedPoints, shared, true));
  if (other.length > 0) parts.push(panels(other, otherPoints, { zero: true }, false));
  const allPoints = [...boundedPoints, ...otherPoints];
  const note = pointsNote(
    [...bounded, ...other],
    fl.levels.map((lv) => ({ label: lv.label, runs: lv.rows.length })),
    (metric, j) =>
      allPoints.find(
        (p) =>
          p.metric === withUnit(metric, data.units.get(metric)) && p.level === fl.levels[j].key,
      )?.n ?? 0,
    true,
  );
  const axes =
    bounded.length > 0 && other.length > 0
      ? ` Shares and 0–1 indices (${bounded.join(', ')}) share one y axis from ${fmt(shared.domain[0])} to ${fmt(shared.domain[1])}; the other metrics (${other.join(', ')}) have their own y axes, each including zero.`
      : bounded.length > 0
        ? ` All panels share one y axis from ${fmt(shared.domain[0])} to ${fmt(shared.domain[1])}.`
        : ' Each panel has its own y axis, including zero.';
  return {
    id: `sweep-${slug(fl.factor)}`,
    title,
    caption:
      `Each metric at each value of ${fl.factor}: the mean over the runs at that value where the metric is defined` +
      (data.design === 'ofat'
        ? ' (other parameters at their base values)'
        : ', averaged over the other swept parameters') +
      `, with a 95% confidence interval over those runs (${fl.numeric ? 'band' : 'error bars'})` +
      (fl.binned ? `; the sampled values are grouped into ${BINS} equal-width bins` : '') +
      '.' +
      note +
      axes,
    spec: withTheme(
      parts.length === 1 ? { title, ...parts[0] } : { title, vconcat: parts, spacing: 24 },
    ),
  };
}

/** Range of the lock-in rate's level means: how much a parameter moves it on its own. */
function effectRange(data: SweepData, fl: FactorLevels, metric: string): number {
  const means = metricPoints(data, fl, metric).map((p) => p.mean);
  return means.length < 2 ? 0 : Math.max(...means) - Math.min(...means);
}

/** The two parameters of the heatmap: governance × network ties, else the most influential two. */
export function heatmapPair(
  data: SweepData,
  levels: Map<string, FactorLevels>,
  metric: string,
  ranking?: readonly string[],
): [string, string] | null {
  if (data.factors.length < 2) return null;
  const gov = data.factors.find((f) => /(^|\.)governance$/.test(f));
  const ties = data.factors.find((f) => /(^|\.)network_ties$/.test(f));
  if (gov && ties) return [gov, ties];
  const order =
    ranking && ranking.filter((f) => data.factors.includes(f)).length >= 2
      ? ranking.filter((f) => data.factors.includes(f))
      : [...data.factors].sort(
          (a, b) =>
            effectRange(data, levels.get(b)!, metric) - effectRange(data, levels.get(a)!, metric),
        );
  return [order[0], order[1]];
}

/**
 * The colour scale of a heatmap of `metric`'s cell means: the metric's declared domain when it
 * is bounded on both sides (shares and 0–1 indices: [0, 1], so cells compare across sweeps),
 * else from the finite declared bound (0 for counts) or the smallest mean to the largest mean.
 * Returns the domain [lo, hi], the legend's labelled values (both ends and the middle), their
 * number format, and a sentence for the caption saying which scale it is.
 */
export function heatmapScale(
  metric: string,
  means: readonly number[],
): { domain: [number, number]; ticks: number[]; format: string; text: string } {
  const declared = metricDomain(metric);
  const dataLo = means.length > 0 ? Math.min(...means) : 0;
  const dataHi = means.length > 0 ? Math.max(...means) : 1;
  let lo: number;
  let hi: number;
  let text: string;
  if (declared && Number.isFinite(declared[0]) && Number.isFinite(declared[1])) {
    [lo, hi] = [Math.min(declared[0], dataLo), Math.max(declared[1], dataHi)];
    text =
      lo === declared[0] && hi === declared[1]
        ? `Colour scale from ${fmt(lo)} to ${fmt(hi)}, the range ${metric} can take.`
        : `Colour scale from ${fmt(lo)} to ${fmt(hi)}: the range ${metric} can take (${fmt(declared[0])} to ${fmt(declared[1])}), widened to the cell means outside it.`;
  } else if (declared && Number.isFinite(declared[0])) {
    [lo, hi] = [Math.min(declared[0], dataLo), dataHi];
    text = `Colour scale from ${fmt(lo)} (the smallest value ${metric} can take) to ${fmt(hi)}, the largest cell mean.`;
  } else {
    [lo, hi] = [dataLo, dataHi];
    text = `Colour scale from ${fmt(lo)} to ${fmt(hi)}, the smallest and largest cell means.`;
  }
  // All cells equal: a scale of width zero would colour nothing; widen it around the value.
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) / 2 : 1;
    [lo, hi] = [declared && Number.isFinite(declared[0]) ? lo : lo - pad, hi + pad];
    text = `Every cell mean is ${fmt(means[0] ?? lo)}; colour scale from ${fmt(lo)} to ${fmt(hi)}.`;
  }
  const ticks = [lo, (lo + hi) / 2, hi];
  // Enough decimals that the three labels differ and the ends read exactly as the caption says.
  const span = hi - lo;
  const decimals = Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(span))));
  const format = `.${decimals}f`;
  return { domain: [lo, hi], ticks, format, text };
}

function heatmapFigure(
  data: SweepData,
  levels: Map<string, FactorLevels>,
  pair: [string, string],
  metric: string,
  how: string,
): Figure {
  const [fa, fb] = pair;
  const la = levels.get(fa)!;
  const lb = levels.get(fb)!;
  const values: { a: string; b: string; mean: number; text: string; n: number }[] = [];
  const cells: { label: string; runs: number }[] = [];
  const counts: number[] = [];
  for (const A of la.levels) {
    const idsA = new Set(A.rows.map((r) => r.run_id));
    for (const B of lb.levels) {
      const ys: number[] = [];
      let runs = 0;
      for (const r of B.rows) {
        if (!idsA.has(r.run_id)) continue;
        runs++;
        const y = num(data.runs, r, metric);
        if (y !== null) ys.push(y);
      }
      if (runs > 0) {
        cells.push({ label: `${lastPart(fa)} ${A.label}, ${lastPart(fb)} ${B.label}`, runs });
        counts.push(ys.length);
      }
      if (ys.length > 0) {
        const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
        // The cell's label: 2 decimals, but a small mean is never shown as 0.00 (fixedNonZero).
        values.push({ a: A.label, b: B.label, mean, text: fixedNonZero(mean, 2), n: ys.length });
      }
    }
  }
  const unit = data.units.get(metric);
  const title = metric === 'lockin_rate' ? 'Lock-in rate' : `Mean ${metric}`;
  const scale = heatmapScale(
    metric,
    values.map((v) => v.mean),
  );
  // Cell text turns white on the darker 40% of the colour ramp.
  const dark = scale.domain[0] + 0.6 * (scale.domain[1] - scale.domain[0]);
  return {
    id: `heatmap-${slug(metric)}`,
    title: `${title} by ${lastPart(fa)} and ${lastPart(fb)}`,
    caption:
      `Mean ${metric} over the runs in each combination of ${fa} and ${fb} where it is defined (averaged over any other swept parameter; the number in each cell is the mean)` +
      `${la.binned || lb.binned ? '; sampled values are grouped into equal-width bins' : ''}.` +
      pointsNote([metric], cells, (_, j) => counts[j], false, 'Cells') +
      ` ${scale.text} ${how}`,
    spec: withTheme({
      title: `${title} by ${lastPart(fa)} and ${lastPart(fb)}`,
      data: { values },
      encoding: {
        x: {
          field: 'a',
          type: 'ordinal',
          title: withUnit(shortPath(fa), data.units.get(fa)),
          sort: la.levels.map((l) => l.label),
          axis: { labelAngle: 0 },
        },
        y: {
          field: 'b',
          type: 'ordinal',
          title: withUnit(shortPath(fb), data.units.get(fb)),
          sort: lb.levels.map((l) => l.label).reverse(),
        },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'mean',
              type: 'quantitative',
              title: withUnit(metric === 'lockin_rate' ? 'lock-in rate' : metric, unit),
              // An explicit domain, not rounded ("nice"), so no cell saturates and the legend's
              // end labels are the scale's ends.
              scale: { scheme: 'blues', domain: scale.domain, nice: false, clamp: false },
              legend: { values: scale.ticks, format: scale.format },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 12 },
          encoding: {
            text: { field: 'text', type: 'nominal' },
            color: {
              condition: { test: `datum.mean > ${dark}`, value: 'white' },
              value: 'black',
            },
          },
        },
      ],
      width: { step: Math.max(64, 8 * Math.max(...la.levels.map((l) => l.label.length))) },
      height: { step: 40 },
    }),
  };
}

export function sweepFigures(data: SweepData, ranking?: readonly string[]): Figure[] {
  const levels = new Map(data.factors.map((f) => [f, factorLevels(data, f)]));
  const figures: Figure[] = [];
  if (data.metrics.length > 0)
    for (const f of data.factors) figures.push(factorFigure(data, levels.get(f)!));
  const metric =
    data.runs.columns.includes('lockin_rate') && data.runs.rows.some((r) => r.lockin_rate !== '')
      ? 'lockin_rate'
      : data.metrics[0];
  if (metric) {
    const pair = heatmapPair(data, levels, metric, ranking);
    if (pair) {
      const gov = /governance$/.test(pair[0]) && /network_ties$/.test(pair[1]);
      const how = gov
        ? 'Governance and network ties were both swept.'
        : ranking
          ? 'The two parameters with the largest total-effect (or mu*) index for this metric in sensitivity.csv.'
          : 'The two swept parameters whose levels move this metric most (range of their level means).';
      figures.push(heatmapFigure(data, levels, pair, metric, how));
    }
  }
  return figures;
}
