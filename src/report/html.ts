/**
 * report.html: one self-contained page (inline SVG and CSS; no scripts, no network) with the
 * provenance from manifest.json, each figure with its caption, and any tables.
 */
import type { ManifestSummary } from './data.js';
import { colourOf, RESULT_PALETTE } from './palettes.js';
import { REPORT_GENERATOR_TAG } from '../io/output-guard.js';
import type { RenderedFigure } from './render.js';
import { formatSignificant, numericColumns } from './table.js';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export interface HtmlTable {
  title: string;
  caption: string;
  columns: readonly string[];
  rows: readonly Record<string, string>[];
  /** Column whose value (PASS/FAIL) colours the row. */
  resultColumn?: string;
  /**
   * Significant digits of non-integer numbers (default 3). Numeric columns (every non-empty cell
   * a number) are rounded to them and right-aligned; the CSV keeps full precision.
   */
  digits?: number;
}

export interface ReportPage {
  kind: string;
  folder: string;
  manifest: ManifestSummary | null;
  programVersion: string;
  figures: readonly RenderedFigure[];
  tables: readonly HtmlTable[];
  notes: readonly string[];
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.45; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; font-size: 0.92em; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
figure { margin: 2em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.92em; color: #444; max-width: 60em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #555; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.PASS td.result { color: ${colourOf(RESULT_PALETTE, 'PASS')}; font-weight: bold; }
tr.FAIL td.result { color: ${colourOf(RESULT_PALETTE, 'FAIL')}; font-weight: bold; }
.note { color: #555; font-size: 0.92em; }
`;

function meta(page: ReportPage): string {
  const manifest = page.manifest;
  const items: [string, string][] = [
    ['folder', page.folder],
    ['kind', page.kind],
  ];
  if (manifest) {
    if (manifest.scenario_name) items.push(['scenario', manifest.scenario_name]);
    if (manifest.scenario_file) items.push(['scenario file', manifest.scenario_file]);
    if (manifest.seeds && manifest.seeds.length > 0)
      items.push([manifest.seeds.length > 1 ? 'seeds' : 'seed', manifest.seeds.join(', ')]);
    if (manifest.version)
      items.push(['model version', `${manifest.program ?? 'gvc-abm'} ${manifest.version}`]);
    if (manifest.git_commit)
      items.push([
        'git commit',
        manifest.git_commit + (manifest.git_dirty ? ' (with uncommitted changes)' : ''),
      ]);
    if (manifest.command_line) items.push(['command', manifest.command_line]);
  } else {
    items.push(['manifest', 'no manifest.json in this folder']);
  }
  items.push(['report by', `gvc ${page.programVersion} (gvc report)`]);
  return `<dl class="meta">\n${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}\n</dl>`;
}

function table(t: HtmlTable): string {
  const numeric = numericColumns(t.columns, t.rows);
  const digits = t.digits ?? 3;
  const cls = (c: string, j: number) => {
    const names = [...(numeric[j] ? ['num'] : []), ...(c === t.resultColumn ? ['result'] : [])];
    return names.length > 0 ? ` class="${names.join(' ')}"` : '';
  };
  const head = `<tr>${t.columns.map((c, j) => `<th${numeric[j] ? ' class="num"' : ''}>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((r) => {
      const rowCls = t.resultColumn ? ` class="${escapeHtml(r[t.resultColumn] ?? '')}"` : '';
      const cells = t.columns.map((c, j) => {
        const text = r[c] ?? '';
        return `<td${cls(c, j)}>${escapeHtml(numeric[j] ? formatSignificant(text, digits) : text)}</td>`;
      });
      return `<tr${rowCls}>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<section>\n<h2>${escapeHtml(t.title)}</h2>\n<p class="note">${escapeHtml(t.caption)}</p>\n<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n</section>`;
}

/** Strips the XML prolog vega may put before <svg> and gives the svg an accessible label. */
function inlineSvg(f: RenderedFigure): string {
  const svg = f.svg.slice(f.svg.indexOf('<svg'));
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(f.title)}" `);
}

export function buildHtml(page: ReportPage): string {
  const title = `gvc report: ${page.manifest?.scenario_name ?? page.folder} (${page.kind})`;
  const figures = page.figures
    .map(
      (f, i) =>
        `<figure id="${escapeHtml(f.id)}">\n${inlineSvg(f)}\n<figcaption><strong>Figure ${i + 1}.</strong> ${escapeHtml(f.caption)} <span class="note">(${escapeHtml(f.id)}.svg)</span></figcaption>\n</figure>`,
    )
    .join('\n');
  const notes = page.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${REPORT_GENERATOR_TAG}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${meta(page)}
${notes}
${page.tables.map(table).join('\n')}
${figures}
</body>
</html>
`;
}
