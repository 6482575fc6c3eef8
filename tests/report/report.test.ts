/**
 * gvc report: every figure kind rendered from small fixtures, checked in the SVG text (titles,
 * axis titles, number of marks, font sizes), the report folder and report.html, and bad input
 * (one line, exit code 2, nothing written).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReport, detectKind } from '../../src/report/report.js';
import { renderFigure, renderFigures } from '../../src/report/render.js';
import { runFigures } from '../../src/report/figures/run.js';
import { loadSweep, sweepFigures } from '../../src/report/figures/sweep.js';
import { readSensitivity, sensitivityFigures } from '../../src/report/figures/sensitivity.js';
import { forestFigure, readValidation } from '../../src/report/figures/validation.js';
import { readManifest, readUnits } from '../../src/report/data.js';
import { UserError } from '../../src/scenario/errors.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';
import { gvcInProcess } from './cli.js';
import {
  GOVERNANCE,
  GROUP_ROLES,
  makeGroupedRun,
  makeRun,
  makeSensitivity,
  makeSweep,
  makeValidation,
  SA_FACTORS,
  TIES,
  VALIDATION_ROWS,
} from './fixtures.js';

// Rendering loads vega and several tests start the CLI: on a busy 2-core machine they need more than the default 5 s.
vi.setConfig({ testTimeout: 60_000 });

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gvc.js');
const gvc = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Number of marks of a kind in an SVG written by vega (each item carries its role). */
const count = (svg: string, role: string) => svg.split(`aria-roledescription="${role}"`).length - 1;
/** Text of the SVG's <text> elements. */
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
const fontSizes = (svg: string) =>
  [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));

let root: string;
let run: string, sweep: string, sobol: string, morris: string, validation: string;
beforeAll(() => {
  root = tempDir('gvc-report-');
  run = makeRun(join(root, 'run'));
  sweep = makeSweep(join(root, 'sweep'));
  sobol = makeSensitivity(join(root, 'sobol'), 'sobol');
  morris = makeSensitivity(join(root, 'morris'), 'morris');
  validation = makeValidation(join(root, 'validation'));
});
afterAll(cleanupTemp);

function expectReadable(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  const sizes = fontSizes(svg);
  expect(sizes.length).toBeGreaterThan(0);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
}

describe('folder kinds', () => {
  it('are recognised from the files present', () => {
    expect(detectKind(run)).toBe('run');
    expect(detectKind(sweep)).toBe('sweep');
    expect(detectKind(sobol)).toBe('sensitivity');
    expect(detectKind(validation)).toBe('validation');
    expect(() => detectKind(join(root, 'nope'))).toThrow(UserError);
    expect(() => detectKind(join(run, 'timeseries.csv'))).toThrow(/not a folder/);
  });
});

describe('run figures', () => {
  it('plot capabilities, roles, governance and the top-buyer share distribution', async () => {
    const figs = await renderFigures(runFigures(run, readManifest(run)));
    expect(figs.map((f) => f.id)).toEqual([
      'capabilities',
      'roles',
      'governance',
      'events',
      'top-buyer-share',
    ]);
    for (const f of figs) {
      expectReadable(f.svg);
      expect(f.warnings).toEqual([]);
      expect(texts(f.svg)).toContain(f.title);
      expect(texts(f.svg)).toContain(
        f.id === 'top-buyer-share'
          ? 'top-buyer share (share of sales)'
          : 'time (years; quarterly steps)',
      );
    }
    const [cap, roles, gov, events, hist] = figs;
    expect(count(events.svg, 'line mark')).toBe(4);
    expect(texts(events.svg)).toEqual(
      expect.arrayContaining([
        'cumulative events (count)',
        'chain upgrades (sector entries)',
        'exits',
      ]),
    );
    expect(count(cap.svg, 'line mark')).toBe(4);
    expect(texts(cap.svg)).toEqual(
      expect.arrayContaining([
        'mean capability (index 0–1)',
        'process',
        'product',
        'design',
        'marketing',
      ]),
    );
    expect(count(roles.svg, 'area mark')).toBe(3);
    expect(texts(roles.svg)).toEqual(
      expect.arrayContaining(['share of active suppliers', 'OEM', 'ODM', 'OBM']),
    );
    expect(count(gov.svg, 'area mark')).toBe(4);
    expect(texts(gov.svg)).toEqual(
      expect.arrayContaining(['market', 'network', 'quasi-hierarchy', 'hierarchy']),
    );
    // Active suppliers at the final step only: 10 shares in 5 bins of width 0.05 (1.0 falls in the last).
    expect(count(hist.svg, 'bar')).toBe(5);
    expect(texts(hist.svg)).toContain('active suppliers (count)');
    expect(hist.caption).toContain('10 suppliers');
    expect(hist.caption).toContain('1 active supplier without lead-firm sales is left out');
    // The 80% line is the cases' figure, not a cut-off of the model (the model has none): the
    // caption gives its source rather than a definition a reader would look for in the ODD.
    expect(hist.caption).not.toMatch(/counts as dependent/);
    expect(hist.caption).toMatch(
      /80% for reference: .*\(Humphrey & Schmitz 2002; Kang & Kim 2023\)/,
    );
  });
});

describe('run figures by supplier group', () => {
  it('add capability paths per group (suppliers.csv every K steps) and final roles per group', async () => {
    const dir = makeGroupedRun(join(root, 'grouped'));
    const figs = await renderFigures(runFigures(dir, readManifest(dir)));
    expect(figs.map((f) => f.id)).toEqual([
      'capabilities',
      'roles',
      'governance',
      'events',
      'top-buyer-share',
      'capabilities-by-group',
      'roles-by-group',
    ]);
    const [, , , , hist, caps, roles] = figs;
    for (const f of [hist, caps, roles]) {
      expectReadable(f.svg);
      expect(f.warnings).toEqual([]);
    }
    // Stacked by group: 0.4 (firm_y) and 0.9 (exporters).
    expect(count(hist.svg, 'bar')).toBe(2);
    expect(texts(hist.svg)).toEqual(
      expect.arrayContaining(['supplier group', 'exporters', 'firm_y']),
    );
    expect(count(caps.svg, 'line mark')).toBe(2 * 4);
    expect(texts(caps.svg)).toEqual(
      expect.arrayContaining(['exporters', 'firm_y', 'time (years; quarterly steps)']),
    );
    const combos = new Set(
      Object.entries(GROUP_ROLES).flatMap(([g, rs]) => rs.map((r) => `${g}|${r}`)),
    );
    expect(count(roles.svg, 'bar')).toBe(combos.size);
    expect(texts(roles.svg)).toEqual(
      expect.arrayContaining([
        'exporters (n = 3)',
        'firm_y (n = 1)',
        'share of active suppliers in the group',
      ]),
    );
  });

  it('suggest --agents every:K when suppliers.csv has the final step only', async () => {
    const dir = makeGroupedRun(join(root, 'grouped-final'));
    const t = readFileSync(join(dir, 'suppliers.csv'), 'utf8').split('\n');
    writeFileSync(
      join(dir, 'suppliers.csv'),
      [t[0], ...t.slice(1).filter((l) => l.startsWith('1,10,'))].join('\n') + '\n',
    );
    const r = await buildReport(dir, { programVersion: 'test' });
    expect(r.figures.map((f) => f.id)).toEqual([
      'capabilities',
      'roles',
      'governance',
      'events',
      'top-buyer-share',
      'roles-by-group',
    ]);
    expect(readFileSync(join(dir, 'report', 'report.html'), 'utf8')).toContain('--agents every:4');
  });
});

describe('sweep figures', () => {
  it('plot each metric against each parameter and the lock-in heatmap over governance x ties', async () => {
    const data = loadSweep(sweep, readUnits(sweep));
    expect(data.factors).toEqual([
      'buyers.lead_firms.governance',
      'suppliers.smes.intent.network_ties',
    ]);
    const figs = await renderFigures(sweepFigures(data));
    expect(figs.map((f) => f.id)).toEqual([
      'sweep-buyers-lead-firms-governance',
      'sweep-suppliers-smes-intent-network-ties',
      'heatmap-lockin-rate',
    ]);
    const [gov, ties, heat] = figs;
    const m = data.metrics.length;
    expect(m).toBe(8);
    for (const f of figs) {
      expectReadable(f.svg);
      expect(f.warnings).toEqual([]);
      expect(texts(f.svg)).toContain(f.title);
    }
    // Categorical: a point and an error bar per level and metric.
    expect(count(gov.svg, 'point')).toBe(m * GOVERNANCE.length);
    expect(count(gov.svg, 'rule mark')).toBe(m * GOVERNANCE.length);
    expect(texts(gov.svg)).toEqual(
      expect.arrayContaining([
        'lead_firms.governance',
        'lockin_rate (share)',
        'mean ± 95% CI',
        ...GOVERNANCE,
      ]),
    );
    // Numeric: a band and a line per metric panel, a point per level; units from the codebook.
    expect(count(ties.svg, 'area mark')).toBe(m);
    expect(count(ties.svg, 'line mark')).toBe(m);
    expect(count(ties.svg, 'point')).toBe(m * TIES.length);
    expect(texts(ties.svg)).toContain('intent.network_ties (ties)');
    expect(count(heat.svg, 'rect mark')).toBe(GOVERNANCE.length * TIES.length);
    expect(count(heat.svg, 'text mark')).toBe(GOVERNANCE.length * TIES.length);
    expect(heat.title).toBe('Lock-in rate by governance and network_ties');
  });

  it('takes --metrics and refuses an unknown one with a suggestion', () => {
    expect(loadSweep(sweep, new Map(), ['lockin_rate', 'mean_margin']).metrics).toEqual([
      'lockin_rate',
      'mean_margin',
    ]);
    expect(() => loadSweep(sweep, new Map(), ['lockin_rat'])).toThrow(
      /no metric "lockin_rat"; did you mean "lockin_rate"/,
    );
  });

  it('refuses a sweep whose runs.csv lacks a run that design.json records', async () => {
    const copy = join(tempDir(), 'cut');
    cpSync(sweep, copy, { recursive: true });
    const lines = readFileSync(join(copy, 'runs.csv'), 'utf8').split('\n');
    const total = lines.filter((l) => l !== '').length - 1;
    const design = { design: 'grid', total_runs: total, shard: null };
    writeFileSync(join(copy, 'design.json'), JSON.stringify(design));
    expect((await buildReport(copy, { programVersion: 'test' })).kind).toBe('sweep');
    rmSync(join(copy, 'report'), { recursive: true });
    writeFileSync(join(copy, 'runs.csv'), [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    await expect(buildReport(copy, { programVersion: 'test' })).rejects.toThrow(
      /runs\.csv: \d+ runs \(and 0 in errors\.csv\), but design\.json records \d+; the sweep's files are incomplete or damaged/,
    );
  });

  it('refuses --metrics for a run or validation folder, whose figures are fixed', async () => {
    for (const dir of [run, validation])
      await expect(
        buildReport(dir, { programVersion: 'test', metrics: ['lockin_rate'] }),
      ).rejects.toThrow(
        /--metrics: only for sweep and sensitivity folders; .* is a (run|validation) folder/,
      );
  });

  it('bins sampled parameters and picks the most influential pair for the heatmap', async () => {
    const data = loadSweep(sobol, new Map(), ['lockin_rate']);
    const figs = await renderFigures(sweepFigures(data));
    expect(figs).toHaveLength(SA_FACTORS.length + 1);
    // 40 distinct values per factor → 6 bins.
    expect(count(figs[0].svg, 'point')).toBe(6);
    expect(figs[0].caption).toContain('equal-width bins');
    // lockin_rate depends most on institutions, then ipr_protection.
    expect(figs[3].title).toBe('Lock-in rate by institutions and ipr_protection');
  });
});

describe('sensitivity figures', () => {
  it('show Sobol S1 and ST bars with their intervals', async () => {
    const t = readSensitivity(sobol);
    const [f] = await renderFigures(sensitivityFigures(t, ['lockin_rate']));
    expectReadable(f.svg);
    expect(f.warnings).toEqual([]);
    expect(count(f.svg, 'bar')).toBe(2 * SA_FACTORS.length);
    expect(count(f.svg, 'rule mark')).toBe(2 * SA_FACTORS.length);
    expect(texts(f.svg)).toEqual(
      expect.arrayContaining([
        'Sobol indices: lockin_rate',
        'S1 (first order)',
        'ST (total)',
        'parameter',
        'index (share of output variance)',
        ...SA_FACTORS,
      ]),
    );
  });

  it('show Morris mu* and sigma bars, with intervals for mu*', async () => {
    const t = readSensitivity(morris);
    const [f] = await renderFigures(sensitivityFigures(t, ['share_oem']));
    expectReadable(f.svg);
    expect(count(f.svg, 'bar')).toBe(2 * SA_FACTORS.length);
    expect(count(f.svg, 'rule mark')).toBe(SA_FACTORS.length);
    expect(texts(f.svg)).toEqual(
      expect.arrayContaining([
        'Morris screening: share_oem',
        'mu* (mean |effect|)',
        'index (change in share_oem per full parameter range)',
      ]),
    );
  });
});

describe('validation figures', () => {
  it('draw a forest plot in panels by scale, with each criterion and a label per row', async () => {
    const f = await renderFigure(forestFigure(readValidation(validation)));
    expectReadable(f.svg);
    expect(f.warnings).toEqual([]);
    const n = VALIDATION_ROWS.length;
    expect(count(f.svg, 'point')).toBe(n);
    // One CI per check; a lane and a shaded pass region per row (bars).
    expect(count(f.svg, 'rule mark')).toBe(n);
    expect(count(f.svg, 'bar')).toBe(2 * n);
    // One tick per threshold: above or below, and both for "within (a, b)".
    const thresholds = VALIDATION_ROWS.map((r) => (String(r.criterion).includes('within') ? 2 : 1));
    expect(count(f.svg, 'tick')).toBe(thresholds.reduce((a, b) => a + b, 0));
    expect(texts(f.svg)).toEqual(
      expect.arrayContaining([
        'P1 · process',
        'sinos-valley · lockin',
        'firm-y · many_buyers',
        'P7 · design_investment',
        'PASS',
        'FAIL',
        'checks with values within ±100',
        'checks with values within ±1',
        'checks with values within ±0.1',
        'effect (scale of each check’s contrast)',
      ]),
    );
  });

  it('render to the same bytes every time (figures can be committed and diffed)', async () => {
    const a = await renderFigure(forestFigure(readValidation(validation)));
    const b = await renderFigure(forestFigure(readValidation(validation)));
    expect(a.svg).toBe(b.svg);
  });

  it('refuses a result other than PASS/FAIL', () => {
    const dir = makeValidation(join(root, 'bad-validation'));
    writeFileSync(
      join(dir, 'validation.csv'),
      readFileSync(join(dir, 'validation.csv'), 'utf8').replace(',FAIL', ',MAYBE'),
    );
    expect(() => readValidation(dir)).toThrow(/expected PASS or FAIL, found "MAYBE"/);
  });
});

describe('gvc report', () => {
  it('writes each figure as SVG with its spec and a self-contained report.html', async () => {
    const r = await buildReport(validation, { programVersion: 'test' });
    expect(r.kind).toBe('validation');
    const out = join(validation, 'report');
    expect(readdirSync(out).sort()).toEqual([
      'manifest.json',
      'report.html',
      'validation-forest.svg',
      'validation-forest.vl.json',
    ]);
    // The report's manifest records each file it wrote, so that --force can tell an edit.
    const own = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      report: { of: string; kind: string };
      files: Record<string, { bytes: number; sha256: string }>;
    };
    expect(own.report).toEqual({ of: validation, kind: 'validation' });
    expect(Object.keys(own.files).sort()).toEqual([
      'report.html',
      'validation-forest.svg',
      'validation-forest.vl.json',
    ]);
    expect(own.files['report.html'].bytes).toBe(readFileSync(join(out, 'report.html')).length);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.split('<svg').length - 1).toBe(1);
    expect(html).toContain('<td class="result">FAIL</td>');
    // Rounded to 3 significant digits and right-aligned; integers as written.
    expect(html).toContain('<td class="num">-0.00814</td>');
    expect(html).toContain('<td class="num">14.3</td>');
    expect(html).toContain('<td class="num">12</td>');
    expect(html.slice(html.indexOf('<table>'), html.indexOf('</table>'))).not.toContain(
      '0.00814306',
    );
    expect(html).toContain('<th class="num">effect</th>');
    expect(html).toContain('<td>95% CI above 0</td>');
    // Escaped text from the CSV, never raw markup.
    expect(html).toContain('Schmitz 1999 &lt;Sinos &amp; &quot;shoes&quot;&gt;');
    expect(html).toContain('<dt>scenario</dt><dd>validation</dd>');
    expect(html).toContain('<dt>seed</dt><dd>7</dd>');
    expect(
      JSON.parse(readFileSync(join(out, 'validation-forest.vl.json'), 'utf8')).$schema,
    ).toMatch(/vega-lite/);
  });

  it('writes a report for every kind (default folder <dir>/report)', async () => {
    for (const [dir, figures] of [
      [run, 5],
      [sweep, 3],
      [sobol, 2 + SA_FACTORS.length + 1],
    ] as const) {
      const r = await buildReport(dir, {
        programVersion: 'test',
        // a run's figures are fixed, so --metrics is refused there
        metrics: dir === run ? undefined : ['lockin_rate', 'share_oem'],
      });
      expect(r.figures).toHaveLength(figures);
      expect(r.warnings).toEqual([]);
      const files = readdirSync(join(dir, 'report'));
      expect(files.filter((f) => f.endsWith('.svg'))).toHaveLength(figures);
      const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
      expect(html.split('<svg').length - 1).toBe(figures);
      for (const f of r.figures)
        expect(html).toContain(
          f.caption.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;'),
        );
    }
  });

  it('runs from the CLI with --out, and replaces a report only with --force', async () => {
    const out = join(root, 'cli-report');
    const r = gvc(root, 'report', run, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote report\.html and 5 figures \(run folder\)/);
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith('.svg'))
        .sort(),
    ).toEqual([
      'capabilities.svg',
      'events.svg',
      'governance.svg',
      'roles.svg',
      'top-buyer-share.svg',
    ]);
    const again = await gvcInProcess('report', run, '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty; use --force/);
    expect(await gvcInProcess('report', run, '--out', out, '--force', '--quiet')).toMatchObject({
      code: 0,
      stdout: '',
    });
  });

  it('reports a run without suppliers.csv (--agents none) from the timeseries alone', async () => {
    const dir = makeRun(join(root, 'no-agents'));
    rmSync(join(dir, 'suppliers.csv'));
    const r = await buildReport(dir, { programVersion: 'test' });
    expect(r.figures.map((f) => f.id)).toEqual(['capabilities', 'roles', 'governance', 'events']);
    expect(readFileSync(join(dir, 'report', 'report.html'), 'utf8')).toContain(
      'No suppliers.csv in this folder',
    );
  });

  it('gives one line and exit code 2 for bad input, and writes nothing', async () => {
    const empty = join(root, 'empty');
    makeRun(empty);
    rmSync(join(empty, 'suppliers.csv'));
    rmSync(join(empty, 'timeseries.csv'));
    const broken = makeRun(join(root, 'broken'));
    writeFileSync(join(broken, 'timeseries.csv'), 'run_id,step,mean_process\n1,0,0.3\n');
    const badNumber = makeRun(join(root, 'bad-number'));
    writeFileSync(
      join(badNumber, 'suppliers.csv'),
      readFileSync(join(badNumber, 'suppliers.csv'), 'utf8').replace(',0.12,', ',lots,'),
    );
    const cases: [string[], RegExp][] = [
      [['report', join(root, 'missing')], /missing: no such folder/],
      [['report', empty], /not a gvc output folder/],
      [['report', broken], /timeseries\.csv: missing columns mean_product, mean_design/],
      [
        ['report', badNumber],
        /suppliers\.csv: column top_buyer_share: expected a number, found "lots"/,
      ],
      [['report', sweep, '--metrics', 'lockin'], /--metrics: .* has no metric "lockin"/],
    ];
    for (const [args, message] of cases) {
      const r = await gvcInProcess(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    for (const d of [empty, broken, badNumber]) expect(existsSync(join(d, 'report'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
