// Shared by the plot files (not part of the scripts' API): the Plot canvas and its axes,
// layout of the plot area around tick labels and titles, the frame, and the legend.
import { Canvas, type Color, INK, type Rect, WHITE } from '../canvas.js';
import { GLYPH_HEIGHT, textHeight, textWidth } from '../font.js';
import { formatTick, logTicks, niceTicks } from '../ticks.js';

const GRID: Color = [232, 232, 232];
const FRAME: Color = [60, 60, 60];

/**
 * Options every plot takes.
 *
 * @example
 * linePlot(series, { title: 'loss', xLabel: 'iteration', width: 480, height: 360 });
 */
export interface PlotOptions {
  /** Drawn bold, centred above the plot area. */
  title?: string;
  /** Picture size in pixels. */
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
}

/**
 * The data-to-pixel mapping of a plot, for drawing on top of it or checking it.
 *
 * @example
 * const [px, py] = plot.axes.toPixel(0.5, 1); // where (0.5, 1) is drawn
 */
export interface Axes {
  /** The plot area in pixels (inside the frame). */
  readonly area: Rect;
  readonly xMin: number;
  readonly xMax: number;
  /** The y range; for a log axis these are the data values, not their logarithms. */
  readonly yMin: number;
  readonly yMax: number;
  readonly logY: boolean;
  /** Continuous pixel coordinates of data point (x, y); pixel (i, j) spans [i, i+1). */
  toPixel(x: number, y: number): [px: number, py: number];
}

/**
 * A picture with axes: a {@link Canvas} that remembers how data maps to pixels.
 *
 * @example
 * const p = linePlot([{ name: 'loss', y: [3, 2, 1] }]);
 * const [px, py] = p.axes.toPixel(1, 2); // where the middle point was drawn
 */
export class Plot extends Canvas {
  constructor(
    width: number,
    height: number,
    readonly axes: Axes,
  ) {
    super(width, height);
  }
}

/**
 * Text scale that suits a picture: 1 up to about 300 pixels, 2 up to about 500, then 3.
 *
 * @example
 * textScale(480, 480); // 2
 */
export function textScale(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width, height) / 200));
}

/**
 * The largest scale ≤ `scale` at which `text` fits in `room` pixels, cut with '..' if none.
 *
 * @example
 * const [title, scale] = fitText('a long title', 2, 100); // ['a long title', 1]
 */
export function fitText(text: string, scale: number, room: number): [string, number] {
  for (let s = scale; s >= 1; s--) if (textWidth(text, s) <= room) return [text, s];
  let cut = text;
  while (cut.length > 0 && textWidth(`${cut}..`, 1) > room) cut = cut.slice(0, -1);
  return [`${cut}..`, 1];
}

interface AxisSpec {
  min: number;
  max: number;
  ticks: number[];
  labels: string[];
  log: boolean;
}

/** Ticks inside [min, max] with labels, thinned until the labels fit `room` pixels. */
function axisSpec(
  min: number,
  max: number,
  log: boolean,
  room: number,
  scale: number,
  vertical: boolean,
): AxisSpec {
  // Labels stacked up the y axis need less room than labels side by side along x.
  const count = Math.max(2, Math.floor(room / (vertical ? 60 : 80)));
  const all = log ? logTicks(min, max) : niceTicks(min, max, count);
  const eps = (max - min) * 1e-9;
  let ticks = all.filter((t) => t >= min - eps && t <= max + eps);
  if (ticks.length < 2 && !log) {
    ticks = niceTicks(min, max, 8).filter((t) => t >= min - eps && t <= max + eps);
  }
  const label = (ts: number[]) => {
    const step = ts.length > 1 ? Math.abs(ts[1]! - ts[0]!) : Math.abs(ts[0] ?? 1) || 1;
    return ts.map((t) => formatTick(t, log ? t : step));
  };
  let labels = label(ticks);
  // Thin the ticks when their labels would collide (only x labels run along the axis).
  for (let stride = 2; stride < 10; stride++) {
    const need = vertical
      ? ticks.length * textHeight(scale) * 1.5
      : labels.reduce((w, l) => w + textWidth(l, scale) + 8 * scale, 0);
    if (need <= room || ticks.length <= 2) break;
    ticks = all.filter((_, i) => i % stride === 0).filter((t) => t >= min - eps && t <= max + eps);
    labels = label(ticks);
  }
  return { min, max, ticks, labels, log };
}

/**
 * Lays out a plot: computes the plot area from the tick labels and text, draws the
 * grid lines (under the data) and returns the plot with its axes; {@link finishFrame}
 * draws the frame, ticks, labels and title after the data.
 *
 * @example
 * const { plot, xAxis, yAxis, scale } = startPlot(480, 480, x, y, options, true);
 * // … draw data inside plot.axes.area …
 * finishFrame(plot, xAxis, yAxis, scale, options);
 */
export function startPlot(
  width: number,
  height: number,
  x: { min: number; max: number },
  y: { min: number; max: number; log: boolean },
  options: PlotOptions,
  gridLines: boolean,
): { plot: Plot; xAxis: AxisSpec; yAxis: AxisSpec; scale: number } {
  const s = textScale(width, height);
  const pad = 6 * s;
  const tickLen = 3 * s;
  const cap = GLYPH_HEIGHT * s;
  const top = pad + (options.title ? cap + 3 * s + pad : 0);
  const bottom = tickLen + 3 * s + cap + pad + (options.xLabel ? cap + 4 * s : 0);
  // The y labels decide the left margin, so they are computed from a first guess.
  const yAxis = axisSpec(y.min, y.max, y.log, height - top - bottom, s, true);
  const yLabelWidth = Math.max(0, ...yAxis.labels.map((l) => textWidth(l, s)));
  // A vertical y label reads upwards, so its descenders (the tail of a "y") hang toward the plot.
  const left = pad + (options.yLabel ? textHeight(s) + 4 * s : 0) + yLabelWidth + tickLen + 3 * s;
  const provisional = width - left - pad;
  const xAxis = axisSpec(x.min, x.max, false, provisional, s, false);
  const lastLabel = xAxis.labels[xAxis.labels.length - 1] ?? '';
  const right = Math.max(pad, Math.ceil(textWidth(lastLabel, s) / 2) + 2 * s);
  const area: Rect = {
    x: left,
    y: top,
    width: Math.max(10, width - left - right),
    height: Math.max(10, height - top - bottom),
  };
  const lyMin = y.log ? Math.log10(y.min) : y.min;
  const lyMax = y.log ? Math.log10(y.max) : y.max;
  const axes: Axes = {
    area,
    xMin: x.min,
    xMax: x.max,
    yMin: y.min,
    yMax: y.max,
    logY: y.log,
    toPixel: (dx, dy) => {
      const v = y.log ? Math.log10(dy) : dy;
      return [
        area.x + ((dx - x.min) / (x.max - x.min)) * area.width,
        area.y + area.height - ((v - lyMin) / (lyMax - lyMin)) * area.height,
      ];
    },
  };
  const plot = new Plot(width, height, axes);
  if (gridLines) {
    for (const t of xAxis.ticks) {
      const px = Math.floor(axes.toPixel(t, y.min)[0]);
      plot.fillRect({ x: px, y: area.y, width: 1, height: area.height }, GRID);
    }
    for (const t of yAxis.ticks) {
      const py = Math.floor(axes.toPixel(x.min, t)[1]);
      plot.fillRect({ x: area.x, y: py, width: area.width, height: 1 }, GRID);
    }
  }
  return { plot, xAxis, yAxis, scale: s };
}

/**
 * Draws the frame, ticks, tick labels, axis labels and title of a laid-out plot.
 *
 * @example
 * finishFrame(plot, xAxis, yAxis, scale, { title: 'loss' }); // see startPlot
 */
export function finishFrame(
  plot: Plot,
  xAxis: AxisSpec,
  yAxis: AxisSpec,
  s: number,
  o: PlotOptions,
) {
  const { area, toPixel } = plot.axes;
  const tickLen = 3 * s;
  const cap = GLYPH_HEIGHT * s;
  plot.clip = null;
  plot.strokeRect(
    { x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2 },
    FRAME,
  );
  const below = area.y + area.height + 1;
  xAxis.ticks.forEach((t, i) => {
    const px = Math.min(area.x + area.width - 1, Math.floor(toPixel(t, plot.axes.yMin)[0]));
    plot.fillRect({ x: px, y: below, width: Math.max(1, s >> 1), height: tickLen }, FRAME);
    plot.text(xAxis.labels[i]!, px, below + tickLen + 3 * s, INK, { scale: s, align: 'center' });
  });
  yAxis.ticks.forEach((t, i) => {
    const py = Math.min(area.y + area.height - 1, Math.floor(toPixel(plot.axes.xMin, t)[1]));
    plot.fillRect(
      { x: area.x - 1 - tickLen, y: py, width: tickLen, height: Math.max(1, s >> 1) },
      FRAME,
    );
    plot.text(yAxis.labels[i]!, area.x - 1 - tickLen - 3 * s, py, INK, {
      scale: s,
      align: 'right',
      baseline: 'middle',
    });
  });
  const pad = 6 * s;
  if (o.xLabel) {
    const y = plot.height - pad - cap;
    plot.text(o.xLabel, area.x + area.width / 2, y, INK, { scale: s, align: 'center' });
  }
  if (o.yLabel) {
    plot.text(o.yLabel, pad, area.y + area.height / 2, INK, {
      scale: s,
      align: 'center',
      vertical: true,
    });
  }
  if (o.title) {
    const [title, ts] = fitText(o.title, s, plot.width - 2 * pad);
    plot.text(title, plot.width / 2, pad, INK, { scale: ts, align: 'center', bold: true });
  }
}

/**
 * One line of a legend: a line or point swatch in `color`, then `name`.
 *
 * @example
 * const entry: LegendEntry = { name: 'train', color: classColor(0), marker: 'line' };
 */
export interface LegendEntry {
  name: string;
  color: Color;
  marker: 'line' | 'point';
}

/**
 * Where a legend goes: a corner of the plot area, or the emptiest corner.
 *
 * @example
 * linePlot(series, { legend: 'lower left' });
 */
export type LegendPosition = 'best' | 'upper right' | 'upper left' | 'lower left' | 'lower right';

/**
 * Draws a legend box in a corner of the plot area; 'best' picks the corner covering the
 * fewest of `dataPixels` (flat pixel-coordinate pairs).
 *
 * @example
 * drawLegend(plot, [{ name: 'train', color: classColor(0), marker: 'line' }], 'best', 2, []);
 */
export function drawLegend(
  plot: Plot,
  entries: readonly LegendEntry[],
  position: LegendPosition,
  s: number,
  dataPixels: ArrayLike<number>,
) {
  if (entries.length === 0) return;
  const { area } = plot.axes;
  const pad = 4 * s;
  const swatch = 10 * s;
  const row = textHeight(s) + 2 * s;
  const w = pad * 3 + swatch + Math.max(...entries.map((e) => textWidth(e.name, s)));
  const h = pad * 2 + row * entries.length - 2 * s - 2 * s;
  const inset = 5 * s;
  const corners: Record<Exclude<LegendPosition, 'best'>, Rect> = {
    'upper right': { x: area.x + area.width - inset - w, y: area.y + inset, width: w, height: h },
    'upper left': { x: area.x + inset, y: area.y + inset, width: w, height: h },
    'lower left': { x: area.x + inset, y: area.y + area.height - inset - h, width: w, height: h },
    'lower right': {
      x: area.x + area.width - inset - w,
      y: area.y + area.height - inset - h,
      width: w,
      height: h,
    },
  };
  let box = corners['upper right'];
  if (position === 'best') {
    // The corner covering the fewest data points (pairs of pixel coordinates).
    let fewest = Number.POSITIVE_INFINITY;
    for (const rect of Object.values(corners)) {
      let count = 0;
      for (let i = 0; i + 1 < dataPixels.length; i += 2) {
        const px = dataPixels[i]!;
        const py = dataPixels[i + 1]!;
        if (px >= rect.x && px < rect.x + w && py >= rect.y && py < rect.y + h) count++;
      }
      if (count < fewest) {
        fewest = count;
        box = rect;
      }
    }
  } else {
    box = corners[position];
  }
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) plot.blend(x, y, WHITE, 0.88);
  }
  plot.strokeRect(box, [190, 190, 190]);
  entries.forEach((e, i) => {
    const cy = box.y + pad + i * row + (GLYPH_HEIGHT * s) / 2;
    if (e.marker === 'line') {
      plot.polyline([box.x + pad, box.x + pad + swatch], [cy, cy], e.color, 2 * s);
    } else {
      plot.disc(box.x + pad + swatch / 2, cy, 3 * s, e.color, INK);
    }
    plot.text(e.name, box.x + 2 * pad + swatch, cy, INK, { scale: s, baseline: 'middle' });
  });
}

/**
 * [lo, hi] widened by `margin` × its length on each side (by ±1 or ±10% if empty).
 *
 * @example
 * widen(0, 10, 0.05); // [-0.5, 10.5]
 */
export function widen(lo: number, hi: number, margin: number): [number, number] {
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}
