// An RGBA raster with the few primitives plots need: rectangles, anti-aliased polylines
// and discs, text in the built-in font, and pasting one canvas into another.
import { drawText, type TextOptions } from './font.js';

/**
 * An opaque colour as 0–255 red, green, blue.
 *
 * @example
 * const teal: Color = [23, 190, 207];
 */
export type Color = readonly [r: number, g: number, b: number];

/**
 * A rectangle in pixels: left, top, width, height.
 *
 * @example
 * canvas.fillRect({ x: 0, y: 0, width: 10, height: 10 }, INK);
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * White, the default background.
 *
 * @example
 * const c = new Canvas(64, 64, WHITE);
 */
export const WHITE: Color = [255, 255, 255];
/**
 * Near-black, for text, axes and outlines.
 *
 * @example
 * canvas.text('loss', 4, 4, INK);
 */
export const INK: Color = [34, 34, 34];

/**
 * Parses `#rrggbb` into a {@link Color}.
 *
 * @example
 * hex('#1f77b4'); // [31, 119, 180]
 */
export function hex(code: string): Color {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(code);
  if (m === null) throw new Error(`hex: expected a colour like "#1f77b4", got "${code}"`);
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/**
 * Mixes `color` toward white: `amount` 0 keeps it, 1 gives white.
 *
 * @example
 * tint([0, 0, 255], 0.75); // [191, 191, 255]
 */
export function tint(color: Color, amount: number): Color {
  return [
    Math.round(color[0] + (255 - color[0]) * amount),
    Math.round(color[1] + (255 - color[1]) * amount),
    Math.round(color[2] + (255 - color[2]) * amount),
  ];
}

/**
 * An opaque RGBA picture, row-major, 4 bytes a pixel (alpha always 255), which is the
 * layout PNG encoders take. Drawing outside the canvas or outside `clip` is dropped.
 *
 * @example
 * const c = new Canvas(100, 50);
 * c.fillRect({ x: 10, y: 10, width: 20, height: 5 }, [255, 0, 0]);
 * c.get(15, 12); // [255, 0, 0]
 */
export class Canvas {
  readonly data: Uint8Array;
  /** Drawing is limited to this rectangle when set (the plot area, for data). */
  clip: Rect | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Color = WHITE,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Canvas: size must be positive integers, got ${width}×${height}`);
    }
    this.data = new Uint8Array(width * height * 4);
    this.fillRect({ x: 0, y: 0, width, height }, background);
  }

  /** The colour at pixel (x, y). */
  get(x: number, y: number): Color {
    const i = (y * this.width + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!];
  }

  /** Sets pixel (x, y) if it lies inside the canvas and the clip. */
  set(x: number, y: number, color: Color): void {
    this.blend(x, y, color, 1);
  }

  /** Mixes `color` into pixel (x, y) with opacity `alpha` in [0, 1]. */
  blend(x: number, y: number, color: Color, alpha: number): void {
    if (!this.inside(x, y) || alpha <= 0) return;
    const d = this.data;
    const i = (y * this.width + x) * 4;
    if (alpha >= 1) {
      d[i] = color[0];
      d[i + 1] = color[1];
      d[i + 2] = color[2];
    } else {
      d[i] = Math.round(d[i]! + (color[0] - d[i]!) * alpha);
      d[i + 1] = Math.round(d[i + 1]! + (color[1] - d[i + 1]!) * alpha);
      d[i + 2] = Math.round(d[i + 2]! + (color[2] - d[i + 2]!) * alpha);
    }
    d[i + 3] = 255;
  }

  /** Fills a rectangle (integer pixel edges). */
  fillRect(rect: Rect, color: Color): void {
    const x0 = Math.max(0, Math.round(rect.x));
    const y0 = Math.max(0, Math.round(rect.y));
    const x1 = Math.min(this.width, Math.round(rect.x + rect.width));
    const y1 = Math.min(this.height, Math.round(rect.y + rect.height));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) this.set(x, y, color);
  }

  /** Draws the outline of a rectangle, `lineWidth` pixels wide, inside its edges. */
  strokeRect(rect: Rect, color: Color, lineWidth = 1): void {
    const { x, y, width, height } = rect;
    this.fillRect({ x, y, width, height: lineWidth }, color);
    this.fillRect({ x, y: y + height - lineWidth, width, height: lineWidth }, color);
    this.fillRect({ x, y, width: lineWidth, height }, color);
    this.fillRect({ x: x + width - lineWidth, y, width: lineWidth, height }, color);
  }

  /**
   * Draws an anti-aliased polyline through (xs[i], ys[i]) in pixel coordinates (pixel
   * (i, j) spans [i, i+1) × [j, j+1)). A NaN coordinate breaks the line. Coverage is the
   * maximum over segments, so joints do not darken where segments overlap.
   */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, color: Color, lineWidth = 2): void {
    const half = lineWidth / 2;
    const coverage = new Float32Array(this.width * this.height);
    const n = Math.min(xs.length, ys.length);
    for (let i = 0; i + 1 < n; i++) {
      const ax = xs[i]!;
      const ay = ys[i]!;
      const bx = xs[i + 1]!;
      const by = ys[i + 1]!;
      if (!(Number.isFinite(ax + ay) && Number.isFinite(bx + by))) continue;
      this.segmentCoverage(ax, ay, bx, by, half, coverage);
    }
    if (n === 1 && Number.isFinite(xs[0]! + ys[0]!)) {
      this.segmentCoverage(xs[0]!, ys[0]!, xs[0]!, ys[0]!, half, coverage);
    }
    for (let key = 0; key < coverage.length; key++) {
      const alpha = coverage[key]!;
      if (alpha > 0) this.blend(key % this.width, Math.floor(key / this.width), color, alpha);
    }
  }

  private segmentCoverage(
    ax: number,
    ay: number,
    bx: number,
    by: number,
    half: number,
    coverage: Float32Array,
  ): void {
    const pad = half + 1;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - pad));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + pad));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - pad));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + pad));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        // Distance from the pixel centre to the segment; coverage falls off over 1 px.
        const cx = px + 0.5 - ax;
        const cy = py + 0.5 - ay;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, (cx * dx + cy * dy) / len2));
        const ex = cx - t * dx;
        const ey = cy - t * dy;
        const a = Math.min(1, half + 0.5 - Math.sqrt(ex * ex + ey * ey));
        if (a <= 0) continue;
        const key = py * this.width + px;
        if (a > coverage[key]!) coverage[key] = a;
      }
    }
  }

  /**
   * Draws an anti-aliased filled disc of radius `r` centred at (cx, cy), with an
   * outline `outlineWidth` pixels wide when `outline` is given.
   */
  disc(cx: number, cy: number, r: number, fill: Color, outline?: Color, outlineWidth = 1): void {
    const inner = outline === undefined ? r : r - outlineWidth;
    const x0 = Math.floor(cx - r - 1);
    const x1 = Math.ceil(cx + r + 1);
    const y0 = Math.floor(cy - r - 1);
    const y1 = Math.ceil(cy + r + 1);
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const d = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
        const edge = Math.min(1, r + 0.5 - d);
        if (edge <= 0) continue;
        const inFill = Math.min(1, Math.max(0, inner + 0.5 - d));
        if (outline !== undefined) this.blend(px, py, outline, edge);
        this.blend(px, py, fill, outline === undefined ? edge : inFill);
      }
    }
  }

  /**
   * Draws `text` with the built-in bitmap font; `(x, y)` is the anchor chosen by
   * `options.align` and `options.baseline`.
   */
  text(text: string, x: number, y: number, color: Color = INK, options: TextOptions = {}): void {
    drawText(this, text, x, y, color, options);
  }

  /** Copies `source` with its top-left corner at (x, y). */
  draw(source: Canvas, x: number, y: number): void {
    for (let sy = 0; sy < source.height; sy++) {
      const ty = y + sy;
      if (ty < 0 || ty >= this.height) continue;
      const from = Math.max(0, -x);
      const to = Math.min(source.width, this.width - x);
      if (to <= from) continue;
      const src = (sy * source.width + from) * 4;
      this.data.set(
        source.data.subarray(src, src + (to - from) * 4),
        (ty * this.width + x + from) * 4,
      );
    }
  }

  /** Whether (x, y) is a drawable pixel: inside the canvas and the clip. */
  private inside(x: number, y: number): boolean {
    if (!(x >= 0 && y >= 0 && x < this.width && y < this.height)) return false;
    const c = this.clip;
    return c === null || (x >= c.x && y >= c.y && x < c.x + c.width && y < c.y + c.height);
  }
}
