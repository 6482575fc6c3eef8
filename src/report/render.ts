/**
 * Vega-Lite → Vega → SVG, headless: vega-lite compiles the spec, vega parses it and a View
 * without a renderer (`renderer: 'none'`) draws the scenegraph to an SVG string. No browser,
 * no canvas: text widths are estimated by vega, which is enough for layout.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Figure } from './figure.js';

/**
 * Text widths for layout. Without a canvas, vega estimates every character as 0.8 em, about
 * 1.4 times the real width of common sans-serif fonts, which leaves wide empty margins around
 * long axis titles. This table gives widths in em between Helvetica/Arial and the wider
 * DejaVu Sans that Linux browsers fall back to, so text neither overflows nor floats in
 * white space (vega supports replacing textMetrics.width; vl-convert does the same).
 */
function charWidth(c: string): number {
  if (" .,:;|!'ijlI".includes(c)) return 0.32;
  if ('ftr()[]{}-/'.includes(c)) return 0.4;
  if ('mwMW@%'.includes(c)) return 0.95;
  if (c >= 'A' && c <= 'Z') return 0.74;
  if (c >= '0' && c <= '9') return 0.64;
  if (c === '_') return 0.5;
  if (c.charCodeAt(0) > 0x2000) return 0.7;
  return 0.62;
}

function textWidth(
  item: { text?: unknown; fontSize?: number; fontWeight?: unknown },
  text?: unknown,
): number {
  const t = text ?? item.text;
  const lines = Array.isArray(t) ? t.map(String) : t === null || t === undefined ? [] : [String(t)];
  const size = typeof item.fontSize === 'number' ? item.fontSize : 11;
  const bold =
    item.fontWeight === 'bold' || (typeof item.fontWeight === 'number' && item.fontWeight >= 600)
      ? 1.06
      : 1;
  let w = 0;
  for (const line of lines) {
    let em = 0;
    for (const c of line) em += charWidth(c);
    w = Math.max(w, em * size * bold);
  }
  return Math.ceil(w);
}
(vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = textWidth;

/** Warnings of the compiler and the runtime, collected instead of printed. */
function collectingLogger(warnings: string[]) {
  let lvl = vega.Warn;
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

export interface RenderedFigure extends Figure {
  svg: string;
  /** Compiler and runtime warnings (empty for a clean figure). */
  warnings: string[];
}

export async function renderFigure(figure: Figure): Promise<RenderedFigure> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const vg = compile(figure.spec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logger: logger as never });
  try {
    const svg = await view.toSVG();
    return { ...figure, svg, warnings };
  } finally {
    view.finalize();
  }
}

export async function renderFigures(figures: readonly Figure[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const f of figures) out.push(await renderFigure(f));
  return out;
}
