/**
 * report.html in a real browser (headless Chromium through playwright-core): every figure is
 * drawn with a non-zero size, the page logs no error and requests nothing beyond itself; the
 * validation report's table is right-aligned and its forest plot draws every interval readably. A
 * screenshot of each report is kept in output/test-artifacts/ (git-ignored).
 *
 * Needs Chromium at /usr/bin/chromium (Debian package `chromium`; GVC_CHROMIUM overrides the
 * path). Under CI (CI set) a missing browser fails the test; locally it is skipped with a note.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/report.js';
import { cleanupTemp, tempDir } from '../io/helpers.js';
import {
  makeRun,
  makeSensitivity,
  makeSweep,
  makeValidation,
  VALIDATION_ROWS,
} from './fixtures.js';

const CHROMIUM = process.env.GVC_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'output', 'test-artifacts');

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(
    `browser check skipped: no Chromium at ${CHROMIUM} (install the Debian package "chromium" or set GVC_CHROMIUM); it is required when CI is set`,
  );
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('report.html in headless Chromium', () => {
  let browser: Browser;
  const root = tempDir('gvc-browser-');

  beforeAll(async () => {
    expect(
      HAVE_CHROMIUM,
      `Chromium is required for this test in CI: no executable at ${CHROMIUM} (apt-get install chromium)`,
    ).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--disable-gpu', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    cleanupTemp();
  });

  const kinds = {
    run: makeRun,
    sweep: makeSweep,
    sensitivity: (d: string) => makeSensitivity(d, 'sobol'),
    validation: makeValidation,
  };

  it.each(Object.keys(kinds))(
    '%s report renders every figure without errors',
    async (kind) => {
      const dir = kinds[kind as keyof typeof kinds](join(root, kind));
      const report = await buildReport(dir, { programVersion: 'test' });
      const url = pathToFileURL(join(dir, 'report', 'report.html')).href;
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.route('**/*', (route) => {
        if (route.request().url() === url) return route.continue();
        requests.push(route.request().url());
        return route.abort();
      });
      await page.goto(url, { waitUntil: 'load' });
      const sizes = await page.$$eval('svg', (svgs) =>
        svgs.map((s) => {
          const r = s.getBoundingClientRect();
          return { width: r.width, height: r.height };
        }),
      );
      expect(sizes).toHaveLength(report.figures.length);
      for (const s of sizes) {
        expect(s.width).toBeGreaterThan(50);
        expect(s.height).toBeGreaterThan(50);
      }
      // Every figure's marks are laid out (not an empty <svg> of the right size).
      const marks = await page.$$eval('svg', (svgs) =>
        svgs.map((s) => s.querySelectorAll('[role="graphics-symbol"]').length),
      );
      for (const n of marks) expect(n).toBeGreaterThan(0);
      if (kind === 'validation') {
        expect(await page.locator('table tbody tr').count()).toBe(VALIDATION_ROWS.length);
        // Numbers right-aligned and rounded in the table.
        const cells = await page.$$eval('td.num', (tds) =>
          tds.map((td) => ({
            align: td.ownerDocument.defaultView!.getComputedStyle(td).textAlign,
            text: td.textContent ?? '',
          })),
        );
        expect(cells.length).toBeGreaterThan(0);
        for (const c of cells) expect(c.align).toBe('right');
        expect(cells.map((c) => c.text)).toContain('-0.00814');
        // The forest plot: a panel per scale, every threshold drawn, and every CI (counts and
        // small differences alike) drawn wide enough to read rather than collapsed to a pixel.
        const forest = page.locator('figure#validation-forest svg');
        expect(
          await forest.locator('text', { hasText: 'checks with values within ±' }).count(),
        ).toBe(3);
        expect(
          await forest.locator('[aria-roledescription="tick"]').count(),
        ).toBeGreaterThanOrEqual(VALIDATION_ROWS.length);
        const widths = await forest
          .locator('[aria-roledescription="rule mark"]')
          .evaluateAll((lines) => lines.map((l) => l.getBoundingClientRect().width));
        expect(widths).toHaveLength(VALIDATION_ROWS.length);
        for (const w of widths) expect(w).toBeGreaterThan(10);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `report-${kind}.png`), fullPage: true });
      await page.close();
    },
    30_000,
  );
});
