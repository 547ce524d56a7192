// Line plots: named series such as loss curves (optionally on a log axis), and
// regression targets vs fit.
import { type Color, INK } from './canvas.js';
import {
  drawLegend,
  finishFrame,
  type LegendPosition,
  type Plot,
  type PlotOptions,
  startPlot,
  widen,
} from './internal/axes.js';
import { classColor } from './palette.js';

/**
 * One named series of a {@link linePlot}.
 *
 * @example
 * const fit: Series = { name: 'fit', x: xs, y: ys, style: 'line', color: classColor(3) };
 */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  /** x values; 0, 1, 2, … (the iteration) by default. */
  x?: ArrayLike<number>;
  /** Colour; `PALETTE[i]` for the i-th series by default. */
  color?: Color;
  /** A line through the points, the points alone, or both; 'line' by default. */
  style?: 'line' | 'points' | 'both';
  /** Line width in pixels; scales with the picture by default. */
  lineWidth?: number;
}

/**
 * Options of {@link linePlot}.
 *
 * @example
 * const options: LinePlotOptions = { title: 'loss', logY: true, legend: 'upper right' };
 */
export interface LinePlotOptions extends PlotOptions {
  /** A log-scale y axis (non-positive values are left out). */
  logY?: boolean;
  /** Fixed axis ranges; by default the data's, y widened by 5%. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Legend corner, or false for none; 'best' by default when there are names. */
  legend?: LegendPosition | false;
}

/**
 * Plots named series against x (the iteration by default) with axes at round ticks, a
 * legend and a title; non-finite values break a line. With `logY`, the y axis is
 * logarithmic.
 *
 * @example
 * const pic = linePlot(
 *   [
 *     { name: 'train', y: trainLoss },
 *     { name: 'val', y: valLoss },
 *   ],
 *   { title: 'loss', xLabel: 'iteration', logY: true },
 * );
 */
export function linePlot(series: readonly Series[], options: LinePlotOptions = {}): Plot {
  const width = options.width ?? 560;
  const height = options.height ?? 400;
  const logY = options.logY === true;
  const xOf = (s: Series, i: number) => (s.x === undefined ? i : s.x[i]!);
  const usable = (y: number) => Number.isFinite(y) && (!logY || y > 0);

  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.x !== undefined && s.x.length !== s.y.length) {
      throw new RangeError(
        `linePlot: series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values`,
      );
    }
    for (let i = 0; i < s.y.length; i++) {
      const x = xOf(s, i);
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !usable(y)) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  if (xMin > xMax) [xMin, xMax, yMin, yMax] = [0, 1, logY ? 1 : 0, logY ? 10 : 1];
  // Lines start and end at the frame; points get room so they are not cut in half.
  const hasPoints = series.some((s) => s.style === 'points' || s.style === 'both');
  let [x0, x1] = widen(xMin, xMax, hasPoints ? 0.05 : 0);
  let [y0, y1] = logY
    ? widen(Math.log10(yMin), Math.log10(yMax), 0.05).map((v) => 10 ** v)
    : widen(yMin, yMax, 0.05);
  if (options.xRange) [x0, x1] = options.xRange;
  if (options.yRange) [y0, y1] = options.yRange;
  checkRange('xRange', x0!, x1!, false);
  checkRange('yRange', y0!, y1!, logY);

  const { plot, xAxis, yAxis, scale } = startPlot(
    width,
    height,
    { min: x0!, max: x1! },
    { min: y0!, max: y1!, log: logY },
    options,
    true,
  );
  plot.clip = plot.axes.area;
  const dataPixels: number[] = [];
  series.forEach((s, k) => {
    const color = s.color ?? classColor(k);
    const style = s.style ?? 'line';
    const xs = new Float64Array(s.y.length);
    const ys = new Float64Array(s.y.length);
    for (let i = 0; i < s.y.length; i++) {
      const y = s.y[i]!;
      const [px, py] = usable(y) ? plot.axes.toPixel(xOf(s, i), y) : [Number.NaN, Number.NaN];
      xs[i] = px;
      ys[i] = py;
      dataPixels.push(px, py);
    }
    if (style !== 'points') plot.polyline(xs, ys, color, s.lineWidth ?? scale + 0.5);
    if (style !== 'line') {
      for (let i = 0; i < xs.length; i++) {
        if (Number.isFinite(xs[i]! + ys[i]!)) plot.disc(xs[i]!, ys[i]!, 2 * scale, color, INK);
      }
    }
  });
  finishFrame(plot, xAxis, yAxis, scale, options);
  if (options.legend !== false) {
    const entries = series
      .filter((s) => s.name !== '')
      .map((s) => ({
        name: s.name,
        color: s.color ?? classColor(series.indexOf(s)),
        marker: s.style === 'points' ? ('point' as const) : ('line' as const),
      }));
    drawLegend(plot, entries, options.legend ?? 'best', scale, dataPixels);
  }
  return plot;
}

function checkRange(name: string, lo: number, hi: number, log: boolean) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi) || (log && lo <= 0)) {
    throw new RangeError(
      `linePlot: ${name} must be finite with min < max${log ? ' and min > 0 on a log axis' : ''}, got [${lo}, ${hi}]`,
    );
  }
}

/**
 * Regression target vs fit: the targets as points, the fit as a line through x in
 * increasing order (x may come unsorted).
 *
 * @example
 * const pic = fitPlot(xs, ys, model(xs), { title: 'sin(x), 20 hidden units' });
 */
export function fitPlot(
  x: ArrayLike<number>,
  target: ArrayLike<number>,
  fit: ArrayLike<number>,
  options: LinePlotOptions = {},
): Plot {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  return linePlot(
    [
      { name: 'target', x, y: target, style: 'points' },
      {
        name: 'fit',
        x: order.map((i) => x[i]!),
        y: order.map((i) => fit[i]!),
        style: 'line',
        color: classColor(3),
      },
    ],
    options,
  );
}
