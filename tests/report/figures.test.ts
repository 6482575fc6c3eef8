/**
 * What a reviewer checks in the report's figures, tested on the Vega-Lite specs (no rendering,
 * so these are fast): one palette per meaning used consistently across figures, legend order =
 * stack order, time axes in years, the validation forest plot's panels by scale and its drawn
 * criteria, shared y axes for shares in sweep figures, the Morris axis's unit, rounding and
 * alignment of numbers in report.html, and counts with the right plural.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Figure, plural, timeAxis, yearTitle } from '../../src/report/figure.js';
import { readCsv, readManifest, readUnits } from '../../src/report/data.js';
import { relationshipFigures } from '../../src/report/figures/relationships.js';
import { runFigures } from '../../src/report/figures/run.js';
import { readSensitivity, sensitivityFigures } from '../../src/report/figures/sensitivity.js';
import {
  heatmapScale,
  isBoundedMetric,
  loadSweep,
  sweepFigures,
} from '../../src/report/figures/sweep.js';
import { renderFigures } from '../../src/report/render.js';
import {
  forestFigure,
  parseCriterion,
  readValidation,
  scaleBound,
} from '../../src/report/figures/validation.js';
import { buildHtml } from '../../src/report/html.js';
import { RELATIONSHIP_END_CAUSES } from '../../src/model/state.js';
import {
  END_CAUSE_PALETTE,
  FUNCTION_PALETTE,
  GOVERNANCE_DASHES,
  GOVERNANCE_PALETTE,
  GOVERNANCE_SHAPES,
  GROUP_COLOURS,
  PALETTES,
  ROLE_PALETTE,
} from '../../src/report/palettes.js';
import { formatSignificant } from '../../src/report/table.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';
import { gvcInProcess } from './cli.js';
import {
  makeGroupedRun,
  makeRun,
  makeSensitivity,
  makeSweep,
  makeValidation,
  VALIDATION_ROWS,
} from './fixtures.js';

// A few tests start the CLI in-process (it loads vega): generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

type Json = Record<string, unknown>;

/** Every object in a spec (depth first), to find encodings wherever layers and facets put them. */
function objects(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const x of node) objects(x, out);
  else if (node !== null && typeof node === 'object') {
    out.push(node as Json);
    for (const v of Object.values(node)) objects(v, out);
  }
  return out;
}

/** The (category, colour) pairs of every colour scale with a fixed domain and range. */
function colourPairs(f: Figure): [string, string][] {
  const pairs: [string, string][] = [];
  for (const o of objects(f.spec)) {
    const c = o.color as Json | undefined;
    const scale = c?.scale as { domain?: string[]; range?: string[]; scheme?: string } | undefined;
    if (!c || typeof c !== 'object' || !('field' in c) || c.type !== 'nominal') continue;
    expect(scale?.scheme, `${f.id}: a nominal colour takes its palette from palettes.ts`).toBe(
      undefined,
    );
    expect(scale?.domain, `${f.id}: colour scale of ${String(c.field)}`).toBeDefined();
    scale!.domain!.forEach((d, i) => pairs.push([d, scale!.range![i]]));
  }
  return pairs;
}

/**
 * A run folder for the relationship figures: retention of every type over two years
 * (timeseries.csv) and one spell of every type ended by every cause, plus active spells
 * (relationships.csv).
 */
function makeRelationshipRun(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const types = ['market', 'network', 'quasi_hierarchy', 'hierarchy'];
  writeFileSync(
    join(dir, 'timeseries.csv'),
    stringify([
      ['step', ...types.map((t) => `retention_${t}`)],
      ...Array.from({ length: 9 }, (_, step) => [
        step,
        ...types.map((_, i) => (step < 4 ? '' : 0.5 + i / 10)),
      ]),
    ]),
  );
  const causes = [...RELATIONSHIP_END_CAUSES, ''];
  writeFileSync(
    join(dir, 'relationships.csv'),
    stringify([
      ['type_start', 'type_end', 'start_step', 'end_step', 'end_cause', 'volume', 'mean_markup'],
      ...types.flatMap((t) => causes.map((c) => [t, t, 0, c === '' ? '' : 6, c, 3, 0.2])),
    ]),
  );
  return dir;
}

let root: string;
let run: string, grouped: string, sweep: string, morris: string, validation: string;
let relationships: string;
beforeAll(() => {
  root = tempDir('gvc-figures-');
  run = makeRun(join(root, 'run'));
  grouped = makeGroupedRun(join(root, 'grouped'));
  sweep = makeSweep(join(root, 'sweep'));
  morris = makeSensitivity(join(root, 'morris'), 'morris');
  validation = makeValidation(join(root, 'validation'));
  relationships = makeRelationshipRun(join(root, 'relationships'));
});
afterAll(cleanupTemp);

describe('palettes', () => {
  it('give each meaning its own colours: no colour in two palettes', () => {
    const owner = new Map<string, string>();
    for (const [meaning, p] of Object.entries(PALETTES)) {
      expect(new Set(p.domain).size, meaning).toBe(p.domain.length);
      for (const colour of new Set(p.range.map((c) => c.toLowerCase()))) {
        expect(owner.get(colour), `${colour} in ${meaning}`).toBeUndefined();
        owner.set(colour, meaning);
      }
    }
  });

  it('are the ones every figure uses: a category has one colour in all figures', () => {
    const rel = relationshipFigures(
      relationships,
      readCsv(join(relationships, 'timeseries.csv')),
      4,
    ).figures;
    expect(rel.map((f) => f.id)).toEqual(['retention', 'spell-survival', 'markups', 'end-causes']);
    const figures = [
      ...runFigures(grouped, readManifest(grouped)),
      ...rel,
      ...sensitivityFigures(readSensitivity(morris), ['share_oem']),
      forestFigure(readValidation(validation)),
    ];
    const declared = new Map<string, Set<string>>();
    for (const p of Object.values(PALETTES))
      p.domain.forEach((d, i) =>
        declared.set(d, (declared.get(d) ?? new Set()).add(p.range[i].toLowerCase())),
      );
    const seen = new Map<string, string>();
    let n = 0;
    for (const f of figures) {
      for (const [category, colour] of colourPairs(f)) {
        n++;
        const c = colour.toLowerCase();
        // Supplier groups are the scenario's own names: their colours come from GROUP_COLOURS.
        if (declared.has(category)) expect(declared.get(category)!.has(c), category).toBe(true);
        else
          expect(
            GROUP_COLOURS.map((g) => g.toLowerCase()),
            category,
          ).toContain(c);
        expect(seen.get(category) ?? c, `${category} in ${f.id}`).toBe(c);
        seen.set(category, c);
      }
    }
    // Functions (two figures), roles (two), governance (the stack, retention, survival,
    // markups), events, end causes, groups, indices, results.
    for (const c of [
      ...FUNCTION_PALETTE.domain,
      ...ROLE_PALETTE.domain,
      ...GOVERNANCE_PALETTE.domain,
      ...END_CAUSE_PALETTE.domain,
      'exporters',
      'PASS',
    ])
      expect(seen.has(c), c).toBe(true);
    expect(n).toBeGreaterThan(20);
  });

  it('tell governance types apart in greyscale: lightness falls by a clear step from market to hierarchy', () => {
    // Relative luminance (WCAG 2.x definition) of each colour, as a greyscale print shows it.
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const l = GOVERNANCE_PALETTE.range.map(luminance);
    for (let i = 1; i < l.length; i++) {
      // A contrast ratio of at least 1.5 between neighbours (WCAG's formula).
      expect((l[i - 1] + 0.05) / (l[i] + 0.05), GOVERNANCE_PALETTE.domain[i]).toBeGreaterThan(1.5);
    }
    // Each type also has its own dash and marker.
    expect(new Set(GOVERNANCE_DASHES.map((d) => d.join(','))).size).toBe(4);
    expect(new Set(GOVERNANCE_SHAPES).size).toBe(4);
  });

  it('name every cause that can end a spell, so that none is drawn without its colour', () => {
    expect(END_CAUSE_PALETTE.domain).toEqual([...RELATIONSHIP_END_CAUSES, 'still active']);
  });

  it('list the stacked categories in the order of the stack, from the top', () => {
    const figures = runFigures(run, readManifest(run));
    for (const [id, palette] of [
      ['roles', ROLE_PALETTE],
      ['governance', GOVERNANCE_PALETTE],
    ] as const) {
      const f = figures.find((x) => x.id === id)!;
      const spec = f.spec as unknown as {
        data: { values: { series: string; order: number }[] };
        encoding: { color: { scale: { domain: string[] } }; order: { field: string } };
      };
      expect(spec.encoding.color.scale.domain).toEqual([...palette.domain]);
      // vega-lite stacks ascending `order` from the bottom: the legend's first is on top.
      const orderOf = new Map(spec.data.values.map((v) => [v.series, v.order]));
      const stackTopDown = [...orderOf.keys()].sort((a, b) => orderOf.get(b)! - orderOf.get(a)!);
      expect(stackTopDown).toEqual([...palette.domain]);
    }
  });
});

describe('time axes', () => {
  it('are in years when the manifest gives the steps per year', () => {
    for (const f of runFigures(grouped, readManifest(grouped)).filter((x) =>
      ['capabilities', 'roles', 'governance', 'events', 'capabilities-by-group'].includes(x.id),
    )) {
      const json = JSON.stringify(f.spec);
      expect(json, f.id).toContain('"calculate":"datum.step / 4","as":"year"');
      expect(json, f.id).toContain('"field":"year","type":"quantitative","title":"time (years');
    }
    expect(yearTitle(4)).toBe('time (years; quarterly steps)');
    expect(yearTitle(12)).toBe('time (years; monthly steps)');
    expect(yearTitle(2)).toBe('time (years; 2 steps a year)');
    expect(timeAxis(12).transform).toEqual([{ calculate: 'datum.step / 12', as: 'year' }]);
  });

  it('stay in steps, without a claimed step length, when there is no manifest', () => {
    expect(timeAxis(undefined)).toEqual({
      transform: [],
      x: { field: 'step', type: 'quantitative', title: 'step' },
    });
    const cap = runFigures(run, null).find((f) => f.id === 'capabilities')!;
    expect(JSON.stringify(cap.spec)).toContain('"title":"step"');
    expect(JSON.stringify(cap.spec)).not.toContain('year');
  });
});

describe('captions', () => {
  it('describe what is plotted and draw no conclusion the data did not give', () => {
    const rel = relationshipFigures(
      relationships,
      readCsv(join(relationships, 'timeseries.csv')),
      4,
    ).figures;
    expect(rel.map((f) => f.id)).toEqual(['retention', 'spell-survival', 'markups', 'end-causes']);
    const figures = [
      ...runFigures(grouped, readManifest(grouped)),
      ...rel,
      ...sensitivityFigures(readSensitivity(morris), ['share_oem']),
      forestFigure(readValidation(validation)),
    ];
    for (const f of figures) {
      expect(f.caption, f.id).not.toMatch(/lock-in shows|signals|indicates|suggests|shows that/i);
      expect(f.caption, f.id).toMatch(/\.csv/);
    }
  });
});

describe('validation forest plot', () => {
  it('reads the criteria gvc validate writes', () => {
    expect(parseCriterion('95% CI above 0')).toEqual({ above: 0, below: null });
    expect(parseCriterion('95% CI below -0.5')).toEqual({ above: null, below: -0.5 });
    expect(parseCriterion('95% CI within (0.2, 0.8)')).toEqual({ above: 0.2, below: 0.8 });
    expect(parseCriterion('95% CI above 1e-3')).toEqual({ above: 0.001, below: null });
    expect(parseCriterion('effect > 0')).toBeNull();
  });

  it('groups numbers by their order of magnitude', () => {
    expect(scaleBound([0.5, 0.1, 1])).toBe(1);
    expect(scaleBound([0.08, -0.02])).toBe(0.1);
    expect(scaleBound([0.1])).toBe(0.1);
    expect(scaleBound([-0.0113, 0])).toBe(0.1);
    expect(scaleBound([3.75, 2.95, 4.55, 2])).toBe(10);
    expect(scaleBound([12, 9.7, 14.25, 3])).toBe(100);
    expect(scaleBound([0, null])).toBe(1);
  });

  it('has a panel per scale, a labelled row per check and each criterion drawn', () => {
    const f = forestFigure(readValidation(validation));
    const spec = f.spec as unknown as {
      vconcat: { title: { text: string }; data: { values: Json[] }; layer: Json[] }[];
    };
    const bounds = VALIDATION_ROWS.map((r) =>
      scaleBound([
        r.effect as number,
        r.ci95_low as number,
        r.ci95_high as number,
        parseCriterion(String(r.criterion))?.above ?? null,
        parseCriterion(String(r.criterion))?.below ?? null,
      ]),
    );
    const expected = [...new Set(bounds)].sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(spec.vconcat.map((p) => p.title.text)).toEqual(
      expected.map((b) => `checks with values within ±${b}`),
    );
    const rows = spec.vconcat.flatMap((p) => p.data.values);
    expect(rows).toHaveLength(VALIDATION_ROWS.length);
    for (const r of VALIDATION_ROWS) {
      const row = rows.find((x) => x.label === `${r.pattern} · ${r.check}`)!;
      expect(row, `${r.pattern} · ${r.check}`).toBeDefined();
      const c = parseCriterion(String(r.criterion))!;
      expect([row.above, row.below]).toEqual([c.above, c.below]);
      // The shaded region starts or ends at the threshold and runs to the panel's edge otherwise.
      expect(row.passFrom).toBe(c.above ?? row.left);
      expect(row.passTo).toBe(c.below ?? row.right);
      expect(row.left as number).toBeLessThanOrEqual(Math.min(r.ci95_low as number, 0));
      expect(row.right as number).toBeGreaterThanOrEqual(Math.max(r.ci95_high as number, 0));
    }
    for (const p of spec.vconcat) {
      const marks = p.layer.map((l) => (l.mark as Json).type);
      expect(marks).toContain('tick');
      expect(marks).toContain('rule');
      // Each panel's rows fit its own x axis: the widest CI spans a visible part of it.
      const v = p.data.values;
      const span =
        Math.max(...v.map((x) => x.right as number)) - Math.min(...v.map((x) => x.left as number));
      const widest = Math.max(...v.map((x) => (x.hi as number) - (x.lo as number)));
      expect(widest / span).toBeGreaterThan(0.05);
    }
  });

  it('says which checks it cannot draw a criterion for', () => {
    const dir = makeValidation(join(root, 'odd-criterion'));
    const path = join(dir, 'validation.csv');
    writeFileSync(path, readFileSync(path, 'utf8').replace('95% CI below 0,40', 'effect < 0,40'));
    const f = forestFigure(readValidation(dir));
    expect(f.caption).toContain('1 criterion is not of the form');
    const rows = (f.spec as unknown as { vconcat: { data: { values: Json[] } }[] }).vconcat.flatMap(
      (p) => p.data.values,
    );
    expect(rows.find((r) => r.label === 'P2 · upgrades')).toMatchObject({
      passFrom: null,
      passTo: null,
      above: null,
      below: null,
    });
  });
});

describe('validation forest plot without effects', () => {
  it('renders a note instead of an empty plot', async () => {
    const dir = makeValidation(join(root, 'no-effects'));
    const path = join(dir, 'validation.csv');
    const [head, ...rows] = parse(readFileSync(path, 'utf8')) as string[][];
    const empty = ['effect', 'ci95_low', 'ci95_high'].map((c) => head.indexOf(c));
    writeFileSync(
      path,
      stringify([head, ...rows.map((r) => r.map((v, i) => (empty.includes(i) ? '' : v)))]),
    );
    const f = forestFigure(readValidation(dir));
    expect(f.caption).toContain(`${VALIDATION_ROWS.length} checks have no effect`);
    const { renderFigure } = await import('../../src/report/render.js');
    const r = await renderFigure(f);
    expect(r.warnings).toEqual([]);
    expect(r.svg).toContain('No check has an effect to draw.');
  });
});

describe('sweep figures', () => {
  it('put shares and 0–1 indices on one y axis from 0 to 1, other metrics on their own', () => {
    const data = loadSweep(sweep, readUnits(sweep));
    const [gov] = sweepFigures(data);
    const bounded = data.metrics.filter((m) => isBoundedMetric(data, m));
    const other = data.metrics.filter((m) => !isBoundedMetric(data, m));
    expect(bounded).toContain('lockin_rate');
    expect(bounded).toContain('mean_design');
    expect(other).toEqual(['cumulative_functional_upgrades']);
    const spec = gov.spec as unknown as { vconcat: Json[] };
    expect(spec.vconcat).toHaveLength(2);
    const [shares, counts] = spec.vconcat as {
      resolve: { scale: { y: string } };
      spec: { layer: { encoding: { y: { scale: Json } } }[] };
    }[];
    expect(shares.resolve.scale.y).toBe('shared');
    // [0, 1], widened only as far as a t interval of a few replicates reaches beyond it.
    const [scale] = shares.spec.layer.map((l) => l.encoding.y.scale as { domain: number[] });
    for (const l of shares.spec.layer) expect(l.encoding.y.scale).toEqual(scale);
    const values = (shares as unknown as { data: { values: { lo: number; hi: number }[] } }).data
      .values;
    expect(scale.domain).toEqual([
      Math.min(0, ...values.map((v) => v.lo)),
      Math.max(1, ...values.map((v) => v.hi)),
    ]);
    expect(counts.resolve.scale.y).toBe('independent');
    for (const l of counts.spec.layer) expect(l.encoding.y.scale).toEqual({ zero: true });
    expect(gov.caption).toMatch(/share one y axis from -?[\d.]+ to 1;/);
    expect(gov.caption).not.toContain('Panels have their own y scales');
  });

  it('colour the heatmap on a stated scale that no cell mean falls outside', async () => {
    // A share: its whole domain [0, 1], whatever the data (a mean of 0.95 is not saturated).
    expect(heatmapScale('lockin_rate', [0.3, 0.95])).toMatchObject({
      domain: [0, 1],
      ticks: [0, 0.5, 1],
      format: '.2f',
    });
    expect(heatmapScale('lockin_rate', [0.3]).text).toBe(
      'Colour scale from 0 to 1, the range lockin_rate can take.',
    );
    // A count: from its lower bound 0 to the largest mean.
    const count = heatmapScale('cumulative_functional_upgrades', [12, 140]);
    expect(count.domain).toEqual([0, 140]);
    expect(count.text).toContain(
      'from 0 (the smallest value cumulative_functional_upgrades can take) to 140',
    );
    // No declared domain (a margin can be negative): the data's range, both ends.
    const margin = heatmapScale('mean_margin', [-0.2, 0.35]);
    expect(margin.domain).toEqual([-0.2, 0.35]);
    expect(margin.text).toBe(
      'Colour scale from -0.2 to 0.35, the smallest and largest cell means.',
    );
    // All cells equal: a scale of positive width, said so.
    const flat = heatmapScale('mean_margin', [0.4, 0.4]);
    expect(flat.domain[1]).toBeGreaterThan(flat.domain[0]);
    expect(flat.text).toMatch(/^Every cell mean is 0.4;/);

    // The rendered figure: the legend's end labels are the scale's ends, the caption says it.
    const data = loadSweep(sweep, readUnits(sweep));
    const heat = sweepFigures(data).find((f) => f.id === 'heatmap-lockin-rate')!;
    // The fixture's synthetic means reach below 0: the scale widens to them and says so.
    const means = (
      heat.spec as unknown as { data: { values: { mean: number }[] } }
    ).data.values.map((v) => v.mean);
    const scale = heatmapScale('lockin_rate', means);
    expect(Math.min(...means)).toBeLessThan(0);
    expect(scale.domain).toEqual([Math.min(...means), 1]);
    expect(heat.caption).toContain(scale.text);
    expect(scale.text).toMatch(
      /: the range lockin_rate can take \(0 to 1\), widened to the cell means outside it\.$/,
    );
    const [svg] = (await renderFigures([heat])).map((f) => f.svg);
    // The gradient legend's labels, one <text> each in the label group (vega writes U+2212 minus).
    const group = /role-legend-label[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1];
    const labels = [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1].replace('\u2212', '-'),
    );
    expect(labels).toEqual(scale.ticks.map((t) => t.toFixed(Number(scale.format.slice(1, -1)))));
    expect(labels[2]).toBe('1.00');
  });
});

describe('sweep figure captions', () => {
  it('name the interval used and the points over fewer runs than the sweep has at their value', () => {
    // The sweep fixture with lock-in undefined in every market run (no point at market) and in
    // the first replicate of every network run (points over 3 of 6 runs), as when no active
    // supplier is left.
    const dir = makeSweep(join(root, 'sweep-gaps'));
    const file = join(dir, 'runs.csv');
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    for (const r of rows) {
      const g = r['buyers.lead_firms.governance'];
      if (g === 'market' || (g === 'network' && r.replicate === '1')) r.lockin_rate = '';
    }
    writeFileSync(file, stringify(rows, { header: true }));
    const data = loadSweep(dir, readUnits(dir));
    const gov = sweepFigures(data).find((f) => f.id.includes('governance'))!;
    expect(gov.caption).not.toContain('t confidence interval');
    expect(gov.caption).toContain(
      'lockin_rate: at market none of 6 runs has a value (nothing drawn), at network 3 of 6 runs.',
    );
    // Bounded metrics get the score interval; the count of upgrades (no upper bound) too, since
    // it is at least 0; the caption says which.
    expect(gov.caption).toMatch(
      /Intervals: .*score interval that stays within the metric's bounds/,
    );
    // Metrics defined in every run are not listed as short.
    expect(gov.caption).not.toMatch(/share_oem[^.]*: at/);
    // The same in the original fixture: no shortfall named.
    const full = sweepFigures(loadSweep(sweep, readUnits(sweep)))[0];
    expect(full.caption).not.toContain('fewer runs');
  });
});

describe('Morris figure', () => {
  it('gives mu* and sigma per full parameter range, in the axis title and the caption', () => {
    const [f] = sensitivityFigures(readSensitivity(morris), ['share_oem']);
    expect(JSON.stringify(f.spec)).toContain(
      '"title":"index (change in share_oem per full parameter range)"',
    );
    expect(f.caption).toContain('per normalised parameter range');
    expect(f.caption).not.toContain('in units of share_oem.');
  });
});

describe('sensitivity figure without intervals', () => {
  it('draws no whiskers and says so, without warnings, when sensitivity.csv has no interval', async () => {
    // One trajectory (r = 1) or one base sample gives no interval: empty ci95 cells.
    const dir = makeSensitivity(join(root, 'morris-no-ci'), 'morris');
    const path = join(dir, 'sensitivity.csv');
    const [head, ...rows] = parse(readFileSync(path, 'utf8')) as string[][];
    const empty = ['ci95_low', 'ci95_high'].map((c) => head.indexOf(c));
    writeFileSync(
      path,
      stringify([head, ...rows.map((r) => r.map((v, i) => (empty.includes(i) ? '' : v)))]),
    );
    const [f] = sensitivityFigures(readSensitivity(dir), ['share_oem']);
    expect(f.caption).toContain('No whiskers: sensitivity.csv gives no interval');
    expect(f.caption).not.toContain('Whiskers: 95%');
    const { renderFigure } = await import('../../src/report/render.js');
    const r = await renderFigure(f);
    // Before: "Infinite extent for field "lo": [Infinity, -Infinity]" from Vega.
    expect(r.warnings).toEqual([]);
  });
});

describe('numbers and counts in report.html', () => {
  it('rounds numbers to significant digits', () => {
    expect(formatSignificant('-0.00814306', 3)).toBe('-0.00814');
    expect(formatSignificant('14.2503', 3)).toBe('14.3');
    expect(formatSignificant('0.0816232', 3)).toBe('0.0816');
    expect(formatSignificant('3.75', 3)).toBe('3.75');
    expect(formatSignificant('12', 3)).toBe('12');
    expect(formatSignificant('1.0', 3)).toBe('1');
    expect(formatSignificant('-0.0000001', 3)).toBe('-1e-7');
    expect(formatSignificant('-0.0004', 1)).toBe('-0.0004');
    expect(formatSignificant('95% CI above 0', 3)).toBe('95% CI above 0');
  });

  it('right-aligns numeric columns only', () => {
    const html = buildHtml({
      kind: 'validation',
      folder: 'x',
      manifest: null,
      programVersion: 'test',
      figures: [],
      notes: [],
      tables: [
        {
          title: 't',
          caption: 'c',
          columns: ['check', 'effect', 'n_runs', 'note'],
          rows: [
            { check: 'a', effect: '-0.00814306', n_runs: '24', note: '1' },
            { check: 'b', effect: '', n_runs: '4', note: 'two' },
          ],
        },
      ],
    });
    expect(html).toContain(
      '<tr><th>check</th><th class="num">effect</th><th class="num">n_runs</th><th>note</th></tr>',
    );
    expect(html).toContain(
      '<tr><td>a</td><td class="num">-0.00814</td><td class="num">24</td><td>1</td></tr>',
    );
    expect(html).toContain('<td class="num"></td>');
    expect(html).toMatch(/td\.num \{ text-align: right;/);
  });

  it('counts figures and runs with the right plural', async () => {
    expect(plural(1, 'figure')).toBe('1 figure');
    expect(plural(0, 'figure')).toBe('0 figures');
    expect(plural(2, 'run')).toBe('2 runs');
    const r = await gvcInProcess('report', validation, '--out', join(root, 'one-figure'));
    expect(r.stdout).toMatch(/wrote report\.html and 1 figure \(validation folder\)/);
  });
});
