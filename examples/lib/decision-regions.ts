// Decision regions of a 2-D classifier: tinted regions, the data on top, axes and title.
import { INK } from './canvas.js';
import {
  drawLegend,
  finishFrame,
  type LegendPosition,
  type Plot,
  type PlotOptions,
  startPlot,
  widen,
} from './internal/axes.js';
import { classColor, regionColor } from './palette.js';

/**
 * Data bounds of a 2-D plot.
 *
 * @example
 * decisionRegions(classify, xs, ys, { bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 } });
 */
export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * Options of {@link decisionRegions}.
 *
 * @example
 * const options: DecisionRegionsOptions = { title: 'spiral', resolution: 100, classNames: ['a', 'b', 'c'] };
 */
export interface DecisionRegionsOptions extends PlotOptions {
  /** Grid cells per side the classifier is evaluated on (in one call); 200 by default. */
  resolution?: number;
  /** Data bounds; by default the points' bounding box widened by `margin`. */
  bounds?: Bounds;
  /** Fraction of the data range added on each side for automatic bounds; 0.1. */
  margin?: number;
  /** Radius of the data points in pixels; by default smaller for more points. */
  pointRadius?: number;
  /** Names of the classes, for a legend; no legend when omitted. */
  classNames?: readonly string[];
  legend?: LegendPosition;
}

/**
 * A 2-D classifier's decision regions: `classify` is called once with every grid point
 * (a flat Float64Array of `[x, y]` pairs) and returns one class index per point. Each
 * region is filled with a light tint of its class colour ({@link regionColor}); the
 * data `points` (flat `[x, y]` pairs) are drawn on top as discs in the full class colour
 * ({@link classColor}) with a dark outline.
 *
 * @example
 * const classify = (grid: Float64Array) => {
 *   const out = new Int32Array(grid.length / 2);
 *   for (let i = 0; i < out.length; i++) out[i] = grid[2 * i]! > 0 ? 1 : 0;
 *   return out;
 * };
 * const pic = decisionRegions(classify, new Float64Array([-1, 0, 1, 0]), new Int32Array([0, 1]), {
 *   title: 'x > 0',
 * });
 * writePng('out/demo/regions.png', pic);
 */
export function decisionRegions(
  classify: (grid: Float64Array) => ArrayLike<number>,
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: DecisionRegionsOptions = {},
): Plot {
  const n = labels.length;
  if (points.length !== 2 * n) {
    throw new RangeError(
      `decisionRegions: points must hold 2 numbers per label (${2 * n} for ${n} labels), got ${points.length}`,
    );
  }
  const bounds = options.bounds ?? dataBounds(points, options.margin ?? 0.1);
  const width = options.width ?? 480;
  const height = options.height ?? 480;
  const { plot, xAxis, yAxis, scale } = startPlot(
    width,
    height,
    { min: bounds.xMin, max: bounds.xMax },
    { min: bounds.yMin, max: bounds.yMax, log: false },
    options,
    false,
  );
  const { area } = plot.axes;

  // Evaluate the classifier at the cell centres, row 0 at the top.
  const res = Math.max(2, Math.round(options.resolution ?? 200));
  const grid = new Float64Array(res * res * 2);
  const dx = (bounds.xMax - bounds.xMin) / res;
  const dy = (bounds.yMax - bounds.yMin) / res;
  for (let j = 0; j < res; j++) {
    for (let i = 0; i < res; i++) {
      grid[2 * (j * res + i)] = bounds.xMin + (i + 0.5) * dx;
      grid[2 * (j * res + i) + 1] = bounds.yMax - (j + 0.5) * dy;
    }
  }
  const classes = classify(grid);
  if (classes.length !== res * res) {
    throw new RangeError(
      `decisionRegions: classify returned ${classes.length} classes for ${res * res} grid points`,
    );
  }
  for (let k = 0; k < classes.length; k++) {
    const c = classes[k]!;
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(
        `decisionRegions: classify returned ${c} at grid point ${k}; expected class indices 0, 1, 2, …`,
      );
    }
  }

  // Fill each pixel of the plot area with the tint of its grid cell's class.
  const d = plot.data;
  for (let py = 0; py < area.height; py++) {
    const j = Math.min(res - 1, Math.floor(((py + 0.5) / area.height) * res));
    for (let px = 0; px < area.width; px++) {
      const i = Math.min(res - 1, Math.floor(((px + 0.5) / area.width) * res));
      const color = regionColor(classes[j * res + i]!);
      const o = ((area.y + py) * width + area.x + px) * 4;
      d[o] = color[0];
      d[o + 1] = color[1];
      d[o + 2] = color[2];
    }
  }

  plot.clip = area;
  const r = options.pointRadius ?? (n <= 300 ? 4.5 : n <= 1500 ? 3.5 : 2.5) * (0.5 + scale / 4);
  const pixels = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const [px, py] = plot.axes.toPixel(points[2 * k]!, points[2 * k + 1]!);
    pixels[2 * k] = px;
    pixels[2 * k + 1] = py;
    plot.disc(px, py, r, classColor(labels[k]!), INK, Math.max(1, scale / 2));
  }
  finishFrame(plot, xAxis, yAxis, scale, options);
  if (options.classNames !== undefined) {
    const entries = options.classNames.map((name, k) => ({
      name,
      color: classColor(k),
      marker: 'point' as const,
    }));
    drawLegend(plot, entries, options.legend ?? 'best', scale, pixels);
  }
  return plot;
}

/** The bounding box of flat `[x, y]` pairs, widened by `margin` × its size on each side. */
function dataBounds(points: ArrayLike<number>, margin: number): Bounds {
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const [x0, x1] = widen(xMin, xMax, margin);
  const [y0, y1] = widen(yMin, yMax, margin);
  return { xMin: x0, xMax: x1, yMin: y0, yMax: y1 };
}
