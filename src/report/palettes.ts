/**
 * Colours of the report, declared once per meaning so that a colour means one thing across all
 * figures of a report: supplier functions, roles, relationship governance types, supplier
 * groups, events, relationship end causes, sensitivity indices and validation results each have
 * their own palette, and
 * no colour appears in two palettes (a test checks both).
 *
 * Ordered categories go from light to dark: roles OEM → ODM → OBM in one hue (ColorBrewer
 * Purples; Harrower & Brewer, 2003), governance from market to hierarchy in colour-blind-safe
 * hues of falling lightness (Tol, 2021); unordered ones use colour-blind-safe qualitative colours
 * (Okabe & Ito, 2008; ColorBrewer BrBG for groups). Lines also differ by dash (and governance
 * lines by marker), so no figure depends on colour alone.
 */

/** A categorical palette: the categories in legend order and one colour for each. */
export interface Palette {
  readonly domain: readonly string[];
  readonly range: readonly string[];
}

function palette(pairs: readonly (readonly [string, string])[]): Palette {
  return { domain: pairs.map((p) => p[0]), range: pairs.map((p) => p[1]) };
}

/**
 * Supplier functions: the production functions (process, product) in blues, the functions of
 * higher value added (design, marketing) in warm colours (Okabe & Ito, 2008).
 */
export const FUNCTION_PALETTE = palette([
  ['process', '#0072B2'],
  ['product', '#56B4E9'],
  ['design', '#E69F00'],
  ['marketing', '#D55E00'],
]);

/** Highest functional role, ordered OEM → ODM → OBM (ColorBrewer Purples). */
export const ROLE_PALETTE = palette([
  ['OEM', '#cbc9e2'],
  ['ODM', '#9e9ac8'],
  ['OBM', '#54278f'],
]);

/**
 * Relationship governance, ordered by the lead firm's control from market to hierarchy
 * (Humphrey & Schmitz, 2002). Four colours of Tol's colour-blind-safe "muted" scheme (Tol,
 * 2021, Paul Tol's Notes) that differ in hue and fall in lightness from market to hierarchy, so
 * neighbouring types stay apart for colour-blind readers and in greyscale; the single-hue greens
 * used before were hard to tell apart (market and network nearly alike). Used for stacked areas
 * and for lines (retention, spell survival), where each type also has its own dash and marker
 * (GOVERNANCE_DASHES, GOVERNANCE_SHAPES), so no line depends on colour alone.
 */
export const GOVERNANCE_PALETTE = palette([
  ['market', '#88CCEE'],
  ['network', '#44AA99'],
  ['quasi-hierarchy', '#117733'],
  ['hierarchy', '#332288'],
]);

/** Dash pattern of each governance type's line, in GOVERNANCE_PALETTE's order (solid first). */
export const GOVERNANCE_DASHES: readonly (readonly number[])[] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
];

/** Point marker of each governance type's line, in GOVERNANCE_PALETTE's order. */
export const GOVERNANCE_SHAPES: readonly string[] = ['circle', 'square', 'triangle-up', 'diamond'];

/**
 * Supplier groups of a scenario, in the scenario's order; more groups than colours reuse them
 * (ColorBrewer BrBG, alternating the brown and the blue-green side).
 */
export const GROUP_COLOURS = [
  '#8c510a',
  '#35978f',
  '#dfc27d',
  '#01665e',
  '#bf812d',
  '#80cdc1',
  '#543005',
  '#003c30',
] as const;

/** The colour of a single series when there is no category to tell apart (neutral grey-blue). */
export const SINGLE_COLOUR = '#5b6b7b';

/** Kinds of cumulative event: black and greys, with red for the buyers' sanctions. */
export const EVENT_PALETTE = palette([
  ['functional upgrades (OEM→ODM→OBM)', '#1a1a1a'],
  ['chain upgrades (sector entries)', '#878787'],
  ['sanctions by guarding buyers', '#b2182b'],
  ['exits', '#8c6d31'],
]);

/**
 * Causes that ended a relationship spell (RELATIONSHIP_END_CAUSES in src/model/state.ts), and
 * spells still active at the last step in light grey (ColorBrewer Dark2, unordered).
 */
export const END_CAUSE_PALETTE = palette([
  ['dropped_requirements', '#1b9e77'],
  ['sanctioned', '#d95f02'],
  ['succession', '#7570b3'],
  ['supplier_exit', '#e7298a'],
  ['re_sourced', '#66a61e'],
  ['displaced', '#e6ab02'],
  ['still active', '#bdbdbd'],
]);

/**
 * Sensitivity indices: the main index (S1, mu*) mid grey, its companion (ST, sigma) light grey;
 * a figure shows one pair, and the black whiskers stay visible on both.
 */
export const INDEX_PALETTE = palette([
  ['S1 (first order)', '#8c8c8c'],
  ['ST (total)', '#cccccc'],
  ['mu* (mean |effect|)', '#8c8c8c'],
  ['sigma (interactions / non-linearity)', '#cccccc'],
]);

/** Validation results (PiYG ends: distinguishable with red–green colour blindness). */
export const RESULT_PALETTE = palette([
  ['PASS', '#1b7837'],
  ['FAIL', '#c51b7d'],
]);

/** Every palette by meaning, for tests and for anyone adding a figure. */
export const PALETTES = {
  function: FUNCTION_PALETTE,
  role: ROLE_PALETTE,
  governance: GOVERNANCE_PALETTE,
  group: { domain: [], range: GROUP_COLOURS } as Palette,
  event: EVENT_PALETTE,
  endCause: END_CAUSE_PALETTE,
  index: INDEX_PALETTE,
  result: RESULT_PALETTE,
  single: { domain: [], range: [SINGLE_COLOUR] } as Palette,
} as const;

/** A Vega-Lite scale for a palette: fixed domain and colours, so legend order = domain order. */
export function colourScale(p: Palette): { domain: string[]; range: string[] } {
  return { domain: [...p.domain], range: [...p.range] };
}

/** The palette's colour of one category; throws on an unknown category (a programming error). */
export function colourOf(p: Palette, category: string): string {
  const i = p.domain.indexOf(category);
  if (i < 0) throw new Error(`no colour for "${category}" in palette ${p.domain.join(', ')}`);
  return p.range[i];
}

/** The scale of supplier groups: the scenario's groups in order, colours cycling. */
export function groupScale(groups: readonly string[]): { domain: string[]; range: string[] } {
  return {
    domain: [...groups],
    range: groups.map((_, i) => GROUP_COLOURS[i % GROUP_COLOURS.length]),
  };
}
