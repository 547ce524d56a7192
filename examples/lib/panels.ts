// A grid of pictures, each with a title above it, under an optional overall title.
import { Canvas, INK } from './canvas.js';
import { GLYPH_HEIGHT, textHeight } from './font.js';
import { fitText, textScale } from './internal/axes.js';

/**
 * A picture in a {@link panels} grid, with a title drawn above it.
 *
 * @example
 * const panel: Panel = { canvas: pic, title: 'λ = 0.01' };
 */
export interface Panel {
  canvas: Canvas;
  title?: string;
}

/**
 * Options of {@link panels}.
 *
 * @example
 * panels(pictures, { rows: 2, cols: 3, title: 'regularization', gap: 12 });
 */
export interface PanelsOptions {
  /** Grid columns; about √n by default. */
  cols?: number;
  /** Grid rows; enough for all panels by default. */
  rows?: number;
  /** A title over the whole grid. */
  title?: string;
  /** Pixels between panels and around the grid; 8 by default. */
  gap?: number;
}

/**
 * Composes pictures into a rows × cols grid (row by row), each with an optional title
 * above it, and an optional overall title. Cells are as large as the largest picture;
 * a smaller one sits at the top of its cell, centred across it.
 *
 * @example
 * const grid = panels(
 *   [3, 6, 20].map((h) => ({ canvas: regionsFor(h), title: `${h} hidden units` })),
 *   { cols: 3, title: 'capacity' },
 * );
 */
export function panels(items: readonly (Canvas | Panel)[], options: PanelsOptions = {}): Canvas {
  if (items.length === 0) throw new RangeError('panels: expected at least one picture');
  const list = items.map((it) => (it instanceof Canvas ? { canvas: it } : it));
  const cols = options.cols ?? Math.ceil(Math.sqrt(list.length));
  const rows = options.rows ?? Math.ceil(list.length / cols);
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
    throw new RangeError(`panels: rows and cols must be positive integers, got ${rows}×${cols}`);
  }
  if (rows * cols < list.length) {
    throw new RangeError(`panels: ${list.length} pictures do not fit in ${rows}×${cols} cells`);
  }
  const gap = options.gap ?? 8;
  const cellW = Math.max(...list.map((p) => p.canvas.width));
  const cellH = Math.max(...list.map((p) => p.canvas.height));
  const s = textScale(cellW, cellH);
  const header = list.some((p) => p.title) ? textHeight(s) + 2 * s : 0;
  const banner = options.title ? GLYPH_HEIGHT * (s + 1) + 3 * gap : 0;
  const width = cols * cellW + (cols + 1) * gap;
  const height = banner + rows * (cellH + header) + (rows + 1) * gap;
  const out = new Canvas(width, height);
  if (options.title) {
    const [title, ts] = fitText(options.title, s + 1, width - 2 * gap);
    out.text(title, width / 2, gap * 1.5, INK, { scale: ts, align: 'center', bold: true });
  }
  list.forEach((p, k) => {
    const x = gap + (k % cols) * (cellW + gap);
    const y = banner + gap + Math.floor(k / cols) * (cellH + header + gap);
    if (p.title) {
      const [title, ts] = fitText(p.title, s, cellW);
      out.text(title, x + cellW / 2, y, INK, { scale: ts, align: 'center', bold: true });
    }
    out.draw(p.canvas, x + Math.floor((cellW - p.canvas.width) / 2), y + header);
  });
  return out;
}
