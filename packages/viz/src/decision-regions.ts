// Decision regions of a 2-D classifier: the grid of predicted classes as a picture in light
// tints of the class colours, the data points on top in the full colours.
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull } from './internal/values.js';
import { classColor, regionColor, rgb } from './palette.js';
import { pngDataUrl } from './raster.js';
import { type Title, titleText } from './title.js';

/**
 * Data bounds of a 2-D plot.
 *
 * @example
 * const square: Bounds = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
 */
export interface Bounds {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/**
 * A classifier over a flat Float64Array of `[x, y]` pairs: one class index (0, 1, 2, …) per pair.
 *
 * @example
 * const classify: Classify = (grid) => {
 *   const out = new Int32Array(grid.length / 2);
 *   for (let i = 0; i < out.length; i++) out[i] = grid[2 * i]! > 0 ? 1 : 0;
 *   return out;
 * };
 */
export type Classify = (grid: Float64Array) => ArrayLike<number>;

/**
 * The classes a classifier predicts on a `resolution × resolution` grid over `bounds`: cell
 * (i, j) is column i from the left, row j from the top, `classes[j · resolution + i]`.
 *
 * @example
 * const grid: ClassGrid = { bounds, resolution: 2, classes: [0, 1, 0, 1] }; // left 0, right 1
 */
export interface ClassGrid {
  readonly bounds: Bounds;
  readonly resolution: number;
  readonly classes: ArrayLike<number>;
}

/**
 * Evaluates `classify` once on the centres of a `resolution × resolution` grid over `bounds`,
 * row 0 at the top (y = yMax), and checks that it returned one class index per cell.
 *
 * @example
 * const grid = classGrid(classify, { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, 100);
 * grid.classes.length; // 10000
 */
export function classGrid(classify: Classify, bounds: Bounds, resolution = 200): ClassGrid {
  checkBounds('classGrid', bounds);
  if (!Number.isInteger(resolution) || resolution < 2) {
    throw new RangeError(`classGrid: resolution must be an integer ≥ 2, got ${resolution}`);
  }
  const grid = new Float64Array(resolution * resolution * 2);
  const dx = (bounds.xMax - bounds.xMin) / resolution;
  const dy = (bounds.yMax - bounds.yMin) / resolution;
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      grid[2 * (j * resolution + i)] = bounds.xMin + (i + 0.5) * dx;
      grid[2 * (j * resolution + i) + 1] = bounds.yMax - (j + 0.5) * dy;
    }
  }
  const result = { bounds, resolution, classes: classify(grid) };
  checkGrid('classGrid', result);
  return result;
}

/**
 * Options of {@link decisionRegions}.
 *
 * @example
 * const options: DecisionRegionsOptions = { title: 'spiral', classNames: ['a', 'b', 'c'] };
 */
export interface DecisionRegionsOptions {
  /** A title above the plot (several strings are its lines). */
  title?: Title;
  /** Width and height of the plot area in pixels; 320 by default. */
  width?: number;
  height?: number;
  /** Axis titles; none by default. */
  xTitle?: string;
  yTitle?: string;
  /** Data bounds when `regions` is a classifier; the points' box widened by `margin` by default. */
  bounds?: Bounds;
  /** Fraction of the data range added on each side for automatic bounds; 0.1 by default. */
  margin?: number;
  /** Grid cells per side when `regions` is a classifier; 200 by default. */
  resolution?: number;
  /** Area of a data point in square pixels; by default smaller for more points and smaller plots. */
  pointSize?: number;
  /** Names of the classes, for a legend; no legend when omitted. */
  classNames?: readonly string[];
}

/**
 * A 2-D classifier's decision regions as a Vega-Lite spec: the grid of predicted classes
 * (`regions`: a {@link ClassGrid}, or a {@link Classify} evaluated by {@link classGrid}) shown
 * as one picture (an `image` mark of a PNG data URL, each cell in its class's light tint,
 * {@link regionColor}), and the data `points` (flat `[x, y]` pairs) with their `labels` on top
 * as discs in the class colours ({@link classColor}) with a dark outline.
 *
 * @example
 * const spec = decisionRegions(classify, new Float64Array([-1, 0, 1, 0]), [0, 1], {
 *   title: 'x > 0',
 *   classNames: ['left', 'right'],
 * });
 * await writePng('out/demo/regions.png', spec); // writePng from '@tapegrad/viz/node'
 */
export function decisionRegions(
  regions: Classify | ClassGrid,
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: DecisionRegionsOptions = {},
): TopLevelSpec {
  const n = labels.length;
  if (points.length !== 2 * n) {
    throw new RangeError(
      `decisionRegions: points must hold 2 numbers per label (${2 * n} for ${n} labels), got ${points.length}`,
    );
  }
  checkClasses('decisionRegions', 'labels', labels);
  const names = options.classNames;
  if (names !== undefined && maxOf(labels) >= names.length) {
    throw new RangeError(
      `decisionRegions: ${names.length} classNames for labels up to ${maxOf(labels)}; name every class`,
    );
  }
  let grid: ClassGrid;
  if (typeof regions === 'function') {
    const bounds = options.bounds ?? dataBounds(points, options.margin ?? 0.1);
    grid = classGrid(regions, bounds, options.resolution ?? 200);
  } else {
    checkBounds('decisionRegions', regions.bounds);
    checkGrid('decisionRegions', regions);
    grid = regions;
  }
  const { bounds, resolution, classes } = grid;

  const classCount = Math.max(maxOf(labels), maxOf(classes), (names?.length ?? 0) - 1) + 1;
  const tints = Array.from({ length: classCount }, (_, k) => rgb(regionColor(k)));
  const pixels = new Uint8Array(3 * classes.length);
  for (let k = 0; k < classes.length; k++) pixels.set(tints[classes[k]!]!, 3 * k);
  const image = pngDataUrl({ width: resolution, height: resolution, rgb: pixels });

  const values = Array.from({ length: n }, (_, k) => ({
    x: finiteOrNull(points[2 * k]!),
    y: finiteOrNull(points[2 * k + 1]!),
    class: names === undefined ? labels[k]! : names[labels[k]!]!,
  }));
  const domain: (string | number)[] = names
    ? [...names]
    : Array.from({ length: classCount }, (_, k) => k);
  const width = options.width ?? 320;
  const height = options.height ?? 320;
  // smaller for more points, and in a smaller plot
  const size =
    options.pointSize ??
    (n <= 300 ? 60 : n <= 1500 ? 36 : 18) * Math.min(1, Math.min(width, height) / 320);
  return {
    ...(options.title === undefined ? {} : { title: titleText(options.title) }),
    width,
    height,
    // shared by both layers: one x and one y scale over the bounds
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle ?? null,
        scale: { domain: [bounds.xMin, bounds.xMax], nice: false, zero: false },
        axis: { grid: false, tickCount: 5 },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle ?? null,
        scale: { domain: [bounds.yMin, bounds.yMax], nice: false, zero: false },
        axis: { grid: false, tickCount: 5 },
      },
    },
    layer: [
      {
        data: {
          values: [
            { x: bounds.xMin, x2: bounds.xMax, y: bounds.yMin, y2: bounds.yMax, url: image },
          ],
        },
        // nearest-neighbour scaling (smooth: false) keeps each cell its class's exact tint
        mark: { type: 'image', aspect: false, smooth: false, aria: false },
        encoding: { x2: { field: 'x2' }, y2: { field: 'y2' }, url: { field: 'url' } },
      },
      {
        data: { values },
        mark: {
          type: 'circle',
          size,
          opacity: 1,
          stroke: '#222222',
          strokeWidth: 1,
          clip: true,
        },
        encoding: {
          color: {
            field: 'class',
            type: 'nominal',
            scale: { domain, range: domain.map((_, k) => classColor(k)) },
            legend: names === undefined ? null : { title: null },
          },
        },
      },
    ],
  };
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

/** [lo, hi] widened by `margin` × its width on each side; a point becomes a unit interval. */
function widen(lo: number, hi: number, margin: number): [number, number] {
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}

function checkBounds(op: string, b: Bounds): void {
  const ok = [b.xMin, b.xMax, b.yMin, b.yMax].every(Number.isFinite);
  if (!ok || b.xMin >= b.xMax || b.yMin >= b.yMax) {
    throw new RangeError(
      `${op}: bounds must be finite with xMin < xMax and yMin < yMax, got x [${b.xMin}, ${b.xMax}], y [${b.yMin}, ${b.yMax}]`,
    );
  }
}

function checkGrid(op: string, grid: ClassGrid): void {
  const { resolution, classes } = grid;
  if (classes.length !== resolution * resolution) {
    throw new RangeError(
      `${op}: a ${resolution}×${resolution} grid needs ${resolution * resolution} classes, got ${classes.length}`,
    );
  }
  checkClasses(op, 'the grid classes', classes);
}

function checkClasses(op: string, name: string, classes: ArrayLike<number>): void {
  for (let k = 0; k < classes.length; k++) {
    const c = classes[k]!;
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(
        `${op}: ${name} must be class indices 0, 1, 2, …, got ${c} at index ${k}`,
      );
    }
  }
}

function maxOf(values: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  return max;
}
