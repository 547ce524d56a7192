// Line plots: the data rows of each series, lines and points in layers, the colour and legend
// of each series, log axes with decade ticks, fixed ranges, fitPlot's sorted fit, and errors.
import { describe, expect, it } from 'vitest';
import { classColor, fitPlot, linePlot } from '../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the plain JSON of a spec
type Json = any;

describe('linePlot', () => {
  it('draws each series as a line through its points in order, x the index by default', () => {
    const spec: Json = linePlot(
      [
        { name: 'train', y: [3, 2, 1] },
        { name: 'val', x: [10, 0], y: [4, 5], color: '#123456', strokeWidth: 1 },
      ],
      { title: 'loss', xTitle: 'iteration', yTitle: 'loss' },
    );
    expect(spec).toMatchObject({ title: 'loss', width: 400, height: 280 });
    expect(spec.layer).toHaveLength(1);
    const [line] = spec.layer;
    expect(line.mark).toEqual({ type: 'line', clip: false });
    expect(line.data.values).toEqual([
      { series: 'train', i: 0, x: 0, y: 3, width: 2 },
      { series: 'train', i: 1, x: 1, y: 2, width: 2 },
      { series: 'train', i: 2, x: 2, y: 1, width: 2 },
      { series: 'val', i: 0, x: 10, y: 4, width: 1 },
      { series: 'val', i: 1, x: 0, y: 5, width: 1 },
    ]);
    // the line follows the series' order (i), not x; each series its own width
    expect(line.encoding.order).toEqual({ field: 'i', type: 'quantitative' });
    expect(line.encoding.strokeWidth).toMatchObject({ field: 'width', scale: null, legend: null });
    expect(spec.encoding.x).toMatchObject({
      field: 'x',
      title: 'iteration',
      scale: { zero: false },
    });
    expect(spec.encoding.y).toMatchObject({ field: 'y', title: 'loss', scale: { zero: false } });
    expect(spec.encoding.color).toEqual({
      field: 'series',
      type: 'nominal',
      scale: { domain: ['train', 'val'], range: [classColor(0), '#123456'] },
      legend: { title: null, orient: 'right' },
    });
  });

  it('puts points in a layer of their own, with a dot in the legend for them', () => {
    const spec: Json = linePlot(
      [
        { name: 'a', y: [1, 2] },
        { name: 'b', y: [3], style: 'points' },
        { name: 'c', y: [4], style: 'both' },
      ],
      { legend: 'top-right' },
    );
    const [line, dots] = spec.layer;
    expect(line.data.values.map((r: Json) => r.series)).toEqual(['a', 'a', 'c']);
    expect(dots.mark).toMatchObject({ type: 'point', filled: true, opacity: 1 });
    expect(dots.data.values).toEqual([
      { series: 'b', i: 0, x: 0, y: 3 },
      { series: 'c', i: 0, x: 0, y: 4 },
    ]);
    expect(dots.encoding.shape.scale).toEqual({
      domain: ['a', 'b', 'c'],
      range: ['stroke', 'circle', 'circle'],
    });
    expect(spec.encoding.color.legend).toEqual({ title: null, orient: 'top-right' });
  });

  it('leaves out values that are not finite, and those ≤ 0 on a log axis', () => {
    const spec: Json = linePlot([{ name: 'loss', y: [10, Number.NaN, 0, 0.01, Infinity] }], {
      logY: true,
      legend: false,
    });
    expect(spec.layer[0].data.values.map((r: Json) => r.y)).toEqual([10, null, null, 0.01, null]);
    expect(spec.encoding.y.scale).toEqual({ type: 'log' });
    // ticks and grid lines at the powers of ten from 0.01 to 10
    expect(spec.encoding.y.axis).toEqual({ values: [0.01, 0.1, 1, 10], format: '~g' });
    expect(spec.encoding.color.legend).toBeNull();
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('keeps Vega-Lite ticks on a log axis over fewer than three powers of ten', () => {
    // the axis runs from 1 to 10: two powers, and nothing marked between them
    const spec: Json = linePlot([{ name: 'loss', y: [2, 3] }], { logY: true });
    expect(spec.encoding.y.axis).toBeUndefined();
  });

  it('uses fixed ranges, and clips only when they leave values out', () => {
    const inside: Json = linePlot([{ name: 's', y: [1, 2] }], { xDomain: [0, 5], yDomain: [0, 3] });
    expect(inside.encoding.x.scale).toEqual({ domain: [0, 5], nice: false });
    expect(inside.encoding.y.scale).toEqual({ zero: false, domain: [0, 3], nice: false });
    expect(inside.layer[0].mark.clip).toBe(false);
    const cut: Json = linePlot([{ name: 's', y: [1, 200] }], { logY: true, yDomain: [0.5, 100] });
    expect(cut.encoding.y.scale).toEqual({ type: 'log', domain: [0.5, 100], nice: false });
    expect(cut.encoding.y.axis.values).toEqual([1, 10, 100]);
    expect(cut.layer[0].mark.clip).toBe(true);
  });

  it('names the argument it cannot use', () => {
    expect(() => linePlot([])).toThrow('linePlot: expected at least one series');
    expect(() =>
      linePlot([
        { name: 'a', y: [1] },
        { name: 'a', y: [2] },
      ]),
    ).toThrow('linePlot: series names must differ, got "a" twice');
    expect(() => linePlot([{ name: 'a', x: [1, 2], y: [1] }])).toThrow(
      'linePlot: series "a" has 2 x values and 1 y values',
    );
    expect(() => linePlot([{ name: 'a', y: [1] }], { logY: true, yDomain: [0, 1] })).toThrow(
      'linePlot: yDomain must be finite with min < max and min > 0 on a log axis, got [0, 1]',
    );
    expect(() => linePlot([{ name: 'a', y: [1] }], { xDomain: [2, 1] })).toThrow(
      'linePlot: xDomain must be finite with min < max, got [2, 1]',
    );
  });
});

describe('fitPlot', () => {
  it('shows the targets as points and the fit as a line in increasing x', () => {
    const spec: Json = fitPlot([2, 0, 1], [20, 0, 10], [21, 1, 11], { title: 'fit' });
    const [line, dots] = spec.layer;
    expect(line.data.values.map((r: Json) => [r.x, r.y])).toEqual([
      [0, 1],
      [1, 11],
      [2, 21],
    ]);
    expect(dots.data.values.map((r: Json) => [r.x, r.y])).toEqual([
      [2, 20],
      [0, 0],
      [1, 10],
    ]);
    expect(spec.encoding.color.scale).toEqual({
      domain: ['target', 'fit'],
      range: ['#969696', classColor(3)],
    });
  });

  it('names lengths that differ', () => {
    expect(() => fitPlot([1, 2], [1], [1, 2])).toThrow(
      'fitPlot: x, target and fit must have one value per point, got 2, 1 and 2',
    );
  });
});
