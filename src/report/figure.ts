/**
 * A report figure: a Vega-Lite specification with a file-safe id and a caption. The spec
 * builders in figures/ produce these; render.ts turns them into SVG.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Figure {
  /** File name stem of the figure's SVG, e.g. `capabilities`. Unique within a report. */
  id: string;
  /** Title shown above the plot (also the figure's heading in report.html). */
  title: string;
  /** One or two sentences saying what is plotted and how it was computed. */
  caption: string;
  spec: TopLevelSpec;
}

/** Shared look: readable fonts (no text below 11 px), white background, modest size. */
export const THEME = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  text: { fontSize: 11 },
  view: { continuousWidth: 420, continuousHeight: 260 },
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Adds the schema and the theme to a spec (the spec's own config wins). */
export function withTheme(spec: Record<string, unknown>): TopLevelSpec {
  const own = (spec.config ?? {}) as Record<string, unknown>;
  return { $schema: SCHEMA, ...spec, config: { ...THEME, ...own } } as unknown as TopLevelSpec;
}

/** A label with its unit in parentheses, when there is one. */
export function withUnit(label: string, unit: string | undefined): string {
  return unit && unit.trim() !== '' ? `${label} (${unit})` : label;
}

/**
 * The time axis of a figure whose data have a `step` field: years (step / steps per year) when
 * the manifest gives the step length, otherwise steps. `transform` goes before the encoding
 * that uses `x` (in a faceted spec, at the top level).
 */
export function timeAxis(stepsPerYear: number | undefined): {
  transform: Record<string, unknown>[];
  x: Record<string, unknown>;
} {
  if (stepsPerYear === undefined || !(stepsPerYear > 0))
    return { transform: [], x: { field: 'step', type: 'quantitative', title: 'step' } };
  return {
    transform: [{ calculate: `datum.step / ${stepsPerYear}`, as: 'year' }],
    x: { field: 'year', type: 'quantitative', title: yearTitle(stepsPerYear) },
  };
}

/** The title of a time axis in years, with the step length it was converted from. */
export function yearTitle(stepsPerYear: number): string {
  const named: Record<number, string> = {
    1: 'yearly steps',
    4: 'quarterly steps',
    12: 'monthly steps',
  };
  return `time (years; ${named[stepsPerYear] ?? `${stepsPerYear} steps a year`})`;
}

/** "1 figure", "2 figures": a count with its noun in the right number. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** A figure id from free text: lower case, [a-z0-9-] only. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'figure'
  );
}
