/**
 * Validation folder (gvc validate): validation.csv holds one row per check of a pattern
 * (P1..P8) or case (e.g. sinos-valley) with its effect size, 95% CI, criterion and PASS/FAIL.
 * The report shows the table and a forest plot of the effects.
 */
import { join } from 'node:path';
import { UserError } from '../../scenario/errors.js';
import { num, readCsv, requireColumns, type Table } from '../data.js';
import { type Figure, withTheme } from '../figure.js';
import { colourScale, RESULT_PALETTE } from '../palettes.js';

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

/** Where a check's 95% CI must lie for PASS; null where the criterion sets no bound. */
export interface Criterion {
  above: number | null;
  below: number | null;
}

const NUMBER = String.raw`([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)`;
const ABOVE = new RegExp(`^95% CI above ${NUMBER}$`);
const BELOW = new RegExp(`^95% CI below ${NUMBER}$`);
const WITHIN = new RegExp(`^95% CI within \\(${NUMBER}, ${NUMBER}\\)$`);

/**
 * The bounds of a criterion as `gvc validate` writes it ("95% CI above 0", "95% CI below 0.5",
 * "95% CI within (0.2, 0.8)"); null for any other text, which the forest plot then draws
 * without a criterion.
 */
export function parseCriterion(text: string): Criterion | null {
  const t = text.trim();
  let match = ABOVE.exec(t);
  if (match) return { above: Number(match[1]), below: null };
  match = BELOW.exec(t);
  if (match) return { above: null, below: Number(match[1]) };
  match = WITHIN.exec(t);
  if (match) return { above: Number(match[1]), below: Number(match[2]) };
  return null;
}

/**
 * The power of ten that bounds a check's numbers (effect, CI, criterion): 1 for shares and
 * 0–1 indices and their differences, 10 or 100 for counts, 0.1 for small differences. Checks
 * are grouped by it so that each group gets an x axis that fits its intervals.
 */
export function scaleBound(values: readonly (number | null)[]): number {
  const largest = Math.max(0, ...values.filter((v): v is number => v !== null).map(Math.abs));
  if (largest === 0) return 1;
  // 1e-9 absorbs rounding in log10, so that exactly 0.1, 1 or 10 stay in their own decade.
  return 10 ** Math.ceil(Math.log10(largest) - 1e-9);
}

function bound(x: number): string {
  return Number(x.toPrecision(1)).toString();
}

interface ForestRow {
  label: string;
  panel: string;
  bound: number;
  kind: string;
  contrast: string;
  criterion: string;
  effect: number;
  lo: number | null;
  hi: number | null;
  result: string;
  /** Threshold(s) of the criterion (null where it sets none). */
  above: number | null;
  below: number | null;
  /** The stretch of the axis where the CI must lie (to the panel's edge on the open side). */
  passFrom: number | null;
  passTo: number | null;
  /** The panel's x extent (its numbers and zero, padded): the row's lane. */
  left: number;
  right: number;
}

/**
 * Forest plot of validation.csv: one row per check (pattern or case · check id) with its effect
 * and 95% CI, coloured by result, over the stretch of the axis where its criterion requires the
 * CI to lie (shaded) and the criterion's threshold (a dark tick). Checks are grouped into panels
 * by the order of magnitude of their numbers, each with its own x axis, so that count-scale
 * checks do not squeeze the intervals of share-scale ones into pixels.
 */
export function forestFigure(t: Table): Figure {
  const parsed = t.rows.map((r) => {
    const effect = num(t, r, 'effect');
    const lo = num(t, r, 'ci95_low');
    const hi = num(t, r, 'ci95_high');
    const c = parseCriterion(r.criterion);
    return { r, effect, lo, hi, c };
  });
  const drawn = parsed.filter(
    (p): p is typeof p & { effect: number } => p.effect !== null && Number.isFinite(p.effect),
  );
  const withBound = drawn.map((p) => ({
    ...p,
    bound: scaleBound([p.effect, p.lo, p.hi, p.c?.above ?? null, p.c?.below ?? null]),
  }));
  const bounds = [...new Set(withBound.map((p) => p.bound))].sort((a, b) => b - a);
  const panelOf = (b: number) => `checks with values within ±${bound(b)}`;
  // Each panel's data extent (with zero), for the open side of the shaded stretches.
  const extent = new Map<number, [number, number]>();
  for (const b of bounds) {
    const xs = withBound
      .filter((p) => p.bound === b)
      .flatMap((p) => [p.effect, p.lo, p.hi, p.c?.above ?? null, p.c?.below ?? null, 0])
      .filter((v): v is number => v !== null);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const pad = hi > lo ? 0.05 * (hi - lo) : 0.05 * b;
    extent.set(b, [lo - pad, hi + pad]);
  }
  const values: ForestRow[] = withBound.map((p) => {
    const [left, right] = extent.get(p.bound)!;
    return {
      label: `${p.r.pattern} · ${p.r.check}`,
      panel: panelOf(p.bound),
      bound: p.bound,
      kind: p.r.kind,
      contrast: p.r.contrast,
      criterion: p.r.criterion,
      effect: p.effect,
      lo: p.lo,
      hi: p.hi,
      result: p.r.result,
      above: p.c?.above ?? null,
      below: p.c?.below ?? null,
      passFrom: p.c ? (p.c.above ?? left) : null,
      passTo: p.c ? (p.c.below ?? right) : null,
      left,
      right,
    };
  });
  const order = values.map((v) => v.label);
  const y = { field: 'label', type: 'nominal', title: null, sort: order };
  // Every layer of a panel gets the same axis title (layers with different titles lose it).
  const lastBound = bounds[bounds.length - 1];
  const xIn = (b: number) => (field: string) => ({
    field,
    type: 'quantitative',
    title: b === lastBound ? 'effect (scale of each check’s contrast)' : null,
    scale: { zero: false, nice: false },
  });
  const colour = {
    field: 'result',
    type: 'nominal',
    title: 'result',
    scale: colourScale(RESULT_PALETTE),
  };
  const title = 'Validation: effect sizes with 95% CIs';
  const undrawn = t.rows.length - drawn.length;
  const noCriterion = drawn.filter((p) => p.c === null).length;
  const caption =
    'Effect of each validation check with its 95% CI (validation.csv: effect, ci95_low, ci95_high), coloured by result; rows are labelled pattern or case · check id. ' +
    'The shaded stretch of each row is where its criterion requires the whole CI to lie for PASS, and the dark tick marks the criterion’s threshold. ' +
    `Effects are on the scale of each check’s contrast (see the table); checks are grouped into panels by the order of magnitude of their numbers, each panel with its own x axis (${bounds.map((b) => `±${bound(b)}`).join(', ')}).` +
    (undrawn > 0
      ? ` ${undrawn} check${undrawn === 1 ? ' has' : 's have'} no effect and ${undrawn === 1 ? 'is' : 'are'} not drawn.`
      : '') +
    (noCriterion > 0
      ? ` ${noCriterion} criterion${noCriterion === 1 ? ' is' : 'a are'} not of the form "95% CI above/below/within" and ${noCriterion === 1 ? 'is' : 'are'} not drawn.`
      : '');
  // One chart per panel, stacked: each has its own rows and x axis. A layer is left out when no
  // row of its panel has the field (vega warns about the extent of an all-empty field).
  const panel = (b: number) => {
    const x = xIn(b);
    const rows = values.filter((v) => v.bound === b);
    const has = (f: keyof ForestRow) => rows.some((v) => v[f] !== null);
    const layers: Record<string, unknown>[] = [
      {
        mark: { type: 'bar', color: '#f4f4f4', height: { band: 0.8 } },
        encoding: { y, x: x('left'), x2: { field: 'right' } },
      },
    ];
    if (has('passFrom'))
      layers.push({
        mark: { type: 'bar', color: '#d9d9d9', height: { band: 0.8 } },
        encoding: { y, x: x('passFrom'), x2: { field: 'passTo' } },
      });
    for (const field of ['above', 'below'] as const)
      if (has(field))
        layers.push({
          mark: { type: 'tick', color: '#333', thickness: 2, bandSize: 16 },
          encoding: { y, x: x(field) },
        });
    if (has('lo') && has('hi'))
      layers.push({
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { y, x: x('lo'), x2: { field: 'hi' }, color: colour },
      });
    layers.push({
      mark: { type: 'point', filled: true, size: 60, opacity: 1 },
      encoding: {
        y,
        x: x('effect'),
        color: colour,
        shape: {
          field: 'result',
          type: 'nominal',
          title: 'result',
          scale: { domain: ['PASS', 'FAIL'], range: ['circle', 'square'] },
        },
        tooltip: [
          { field: 'label', title: 'check' },
          { field: 'contrast' },
          { field: 'criterion' },
          { field: 'effect' },
          { field: 'lo', title: 'ci95_low' },
          { field: 'hi', title: 'ci95_high' },
        ],
      },
    });
    return {
      title: {
        text: panelOf(b),
        fontSize: 12,
        fontWeight: 'bold',
        anchor: 'start',
        frame: 'group',
        offset: 6,
      },
      data: { values: rows },
      width: 420,
      height: { step: 22 },
      layer: layers,
    };
  };
  return {
    id: 'validation-forest',
    title,
    caption,
    spec: withTheme({
      title,
      vconcat:
        bounds.length > 0
          ? bounds.map(panel)
          : [
              {
                data: { values: [{ text: 'No check has an effect to draw.' }] },
                mark: { type: 'text', align: 'left' },
                encoding: { text: { field: 'text' } },
              },
            ],
      spacing: 18,
    }),
  };
}
