// Line plots: named series such as loss curves (optionally on a log axis), and a regression's
// targets vs its fit.
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull } from './internal/values.js';
import { classColor } from './palette.js';
import { type Title, titleText } from './title.js';

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
  /** Colour (any CSS colour); `classColor(i)` for the i-th series by default. */
  color?: string;
  /** A line through the points in their order, the points alone, or both; 'line' by default. */
  style?: 'line' | 'points' | 'both';
  /** Line width in pixels; 2 by default. */
  strokeWidth?: number;
}

/**
 * Where a legend goes: outside the plot ('right', 'bottom', …), inside a corner, or none.
 *
 * @example
 * const legend: LegendPosition = 'top-right';
 */
export type LegendPosition =
  | 'right'
  | 'left'
  | 'top'
  | 'bottom'
  | 'top-left'
  | 'top-right'
  | 'bottom-left'
  | 'bottom-right'
  | false;

/**
 * Options of {@link linePlot}.
 *
 * @example
 * const options: LinePlotOptions = { title: 'loss', logY: true, legend: 'top-right' };
 */
export interface LinePlotOptions {
  /** A title above the plot (several strings are its lines). */
  title?: Title;
  /** Width and height of the plot area in pixels; 400 × 280 by default. */
  width?: number;
  height?: number;
  xTitle?: string;
  yTitle?: string;
  /** A log-scale y axis (values ≤ 0 are left out). */
  logY?: boolean;
  /** Fixed axis ranges (what falls outside is clipped); by default the data's, rounded. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Where the legend goes; 'right' (outside the plot) by default. */
  legend?: LegendPosition;
}

/**
 * Plots named series against x (the iteration by default) as a Vega-Lite spec: lines in each
 * series' order, points, or both, one colour per series with a legend. Values that are not
 * finite (and, with `logY`, not positive) are left out; a line breaks there.
 *
 * @example
 * const spec = linePlot(
 *   [
 *     { name: 'train', y: trainLoss },
 *     { name: 'val', y: valLoss },
 *   ],
 *   { title: 'loss', xTitle: 'iteration', logY: true },
 * );
 */
export function linePlot(series: readonly Series[], options: LinePlotOptions = {}): TopLevelSpec {
  if (series.length === 0) throw new RangeError('linePlot: expected at least one series');
  const names = series.map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new RangeError(`linePlot: series names must differ, got "${repeated}" twice`);
  }
  const logY = options.logY === true;
  if (options.xDomain) checkDomain('xDomain', options.xDomain, false);
  if (options.yDomain) checkDomain('yDomain', options.yDomain, logY);
  const rows = (style: 'line' | 'points') =>
    series
      .filter((s) => (s.style ?? 'line') === style || s.style === 'both')
      .flatMap((s) => {
        if (s.x !== undefined && s.x.length !== s.y.length) {
          throw new RangeError(
            `linePlot: series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values`,
          );
        }
        return Array.from({ length: s.y.length }, (_, i) => {
          const y = s.y[i]!;
          return {
            series: s.name,
            i,
            x: finiteOrNull(s.x === undefined ? i : s.x[i]!),
            y: logY && y <= 0 ? null : finiteOrNull(y),
            ...(style === 'line' ? { width: s.strokeWidth ?? 2 } : {}),
          };
        });
      });
  const lines = rows('line');
  const points = rows('points');
  // clipped to the plot only when a fixed range leaves values out (a point on the edge stays whole)
  const outside = (v: number | null, domain: readonly [number, number] | undefined) =>
    v !== null && domain !== undefined && (v < domain[0] || v > domain[1]);
  const clip = [...lines, ...points].some(
    (r) => outside(r.x, options.xDomain) || outside(r.y, options.yDomain),
  );
  const legend = options.legend ?? 'right';
  const ticks = logY ? decades(series, options.yDomain) : undefined;
  return {
    ...(options.title === undefined ? {} : { title: titleText(options.title) }),
    width: options.width ?? 400,
    height: options.height ?? 280,
    // shared by both layers: one x, one y and one colour scale
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle ?? null,
        axis: { tickCount: 6 },
        scale: options.xDomain ? { domain: [...options.xDomain], nice: false } : { zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle ?? null,
        ...(ticks === undefined ? {} : { axis: { values: ticks, format: '~g' } }),
        scale: {
          ...(logY ? { type: 'log' } : { zero: false }),
          ...(options.yDomain ? { domain: [...options.yDomain], nice: false } : {}),
        },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: series.map((s, k) => s.color ?? classColor(k)) },
        legend: legend === false ? null : { title: null, orient: legend },
      },
    },
    layer: [
      ...(lines.length === 0
        ? []
        : [
            {
              data: { values: lines },
              mark: { type: 'line', clip },
              encoding: {
                order: { field: 'i', type: 'quantitative' },
                strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
              },
            } as const,
          ]),
      ...(points.length === 0
        ? []
        : [
            {
              data: { values: points },
              mark: {
                type: 'point',
                filled: true,
                size: 24,
                opacity: 1,
                stroke: '#222222',
                strokeWidth: 0.5,
                clip,
              },
              // a legend entry shows a line for a series drawn as a line, a dot for the others
              encoding: {
                shape: {
                  field: 'series',
                  type: 'nominal',
                  scale: {
                    domain: names,
                    range: series.map((s) =>
                      (s.style ?? 'line') === 'line' ? 'stroke' : 'circle',
                    ),
                  },
                  legend: legend === false ? null : { title: null, orient: legend },
                },
              },
            } as const,
          ]),
    ],
  };
}

/**
 * Regression targets vs a fit: the targets as points, the fit as a line through x in
 * increasing order (x may come unsorted).
 *
 * @example
 * const spec = fitPlot(xs, ys, model(xs), { title: 'sin(x), 20 hidden units' });
 */
export function fitPlot(
  x: ArrayLike<number>,
  target: ArrayLike<number>,
  fit: ArrayLike<number>,
  options: LinePlotOptions = {},
): TopLevelSpec {
  if (target.length !== x.length || fit.length !== x.length) {
    throw new RangeError(
      `fitPlot: x, target and fit must have one value per point, got ${x.length}, ${target.length} and ${fit.length}`,
    );
  }
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  return linePlot(
    [
      { name: 'target', x, y: target, style: 'points', color: '#969696' },
      {
        name: 'fit',
        x: order.map((i) => x[i]!),
        y: order.map((i) => fit[i]!),
        color: classColor(3),
      },
    ],
    options,
  );
}

/**
 * Powers of ten over the positive y values (or `domain`) for a log axis' ticks and grid
 * lines, or undefined (Vega-Lite's ticks) when fewer than three fall inside.
 */
function decades(
  series: readonly Series[],
  domain: readonly [number, number] | undefined,
): number[] | undefined {
  let [lo, hi] = domain ?? [Number.POSITIVE_INFINITY, 0];
  if (domain === undefined) {
    for (const s of series) {
      for (let i = 0; i < s.y.length; i++) {
        const y = s.y[i]!;
        if (Number.isFinite(y) && y > 0) [lo, hi] = [Math.min(lo, y), Math.max(hi, y)];
      }
    }
    if (!(lo <= hi)) return undefined;
    [lo, hi] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  }
  const values: number[] = [];
  for (let k = Math.ceil(Math.log10(lo)); k <= Math.floor(Math.log10(hi)); k++) {
    // 10 ** -2 is 0.010000000000000002: Number(toPrecision) gives the power's shortest text
    values.push(Number((10 ** k).toPrecision(1)));
  }
  return values.length >= 3 ? values : undefined;
}

function checkDomain(name: string, [lo, hi]: readonly [number, number], log: boolean): void {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi) || (log && lo <= 0)) {
    throw new RangeError(
      `linePlot: ${name} must be finite with min < max${log ? ' and min > 0 on a log axis' : ''}, got [${lo}, ${hi}]`,
    );
  }
}
