// Decision regions: the grid a classifier is evaluated on, the spec's picture of the classes
// (a PNG whose pixels are the region tints, row 0 at the top), the points and their colours,
// the scales over the bounds, and the errors.
import { describe, expect, it } from 'vitest';
import {
  type Bounds,
  type ClassGrid,
  classColor,
  classGrid,
  decisionRegions,
  regionColor,
} from '../src/index.js';
import { decodeDataUrl, pixel } from './helpers.js';

const square: Bounds = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };

/** Class 1 where x > 0, else 0. */
const rightIsOne = (grid: Float64Array) =>
  Int32Array.from({ length: grid.length / 2 }, (_, i) => (grid[2 * i]! > 0 ? 1 : 0));

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the plain JSON of a spec
type Json = any;

describe('classGrid', () => {
  it('evaluates the classifier once on the cell centres, row 0 at the top', () => {
    const calls: number[][] = [];
    const grid = classGrid(
      (points) => {
        calls.push(Array.from(points));
        return [0, 1, 2, 3];
      },
      { xMin: 0, xMax: 4, yMin: 0, yMax: 2 },
      2,
    );
    expect(calls).toEqual([[1, 1.5, 3, 1.5, 1, 0.5, 3, 0.5]]);
    expect(grid).toEqual({
      bounds: { xMin: 0, xMax: 4, yMin: 0, yMax: 2 },
      resolution: 2,
      classes: [0, 1, 2, 3],
    });
  });

  it('names what the classifier returned wrong, and bad bounds or resolutions', () => {
    expect(() => classGrid(() => [0, 1], square, 2)).toThrow(
      'classGrid: a 2×2 grid needs 4 classes, got 2',
    );
    expect(() => classGrid(() => [0, 1, 0.5, 1], square, 2)).toThrow(
      'classGrid: the grid classes must be class indices 0, 1, 2, …, got 0.5 at index 2',
    );
    expect(() => classGrid(rightIsOne, square, 1)).toThrow(
      'classGrid: resolution must be an integer ≥ 2, got 1',
    );
    expect(() => classGrid(rightIsOne, { xMin: 1, xMax: 1, yMin: 0, yMax: 1 }, 2)).toThrow(
      'classGrid: bounds must be finite with xMin < xMax and yMin < yMax, got x [1, 1], y [0, 1]',
    );
  });
});

describe('decisionRegions', () => {
  const points = [0.5, 0.5, -0.5, -0.5, 0.25, -0.75];
  const labels = [1, 0, 2];

  it('shows the classes as a PNG of region tints, row 0 at the top', () => {
    // top row: classes 1 and 0; bottom row: 2 and 2
    const grid: ClassGrid = { bounds: square, resolution: 2, classes: [1, 0, 2, 2] };
    const spec: Json = decisionRegions(grid, points, labels);
    const image = spec.layer[0];
    expect(image.mark).toMatchObject({ type: 'image', aspect: false, smooth: false });
    expect(image.data.values).toEqual([
      { x: -1, x2: 1, y: -1, y2: 1, url: expect.stringMatching(/^data:image\/png;base64,/) },
    ]);
    expect(image.encoding).toEqual({
      x2: { field: 'x2' },
      y2: { field: 'y2' },
      url: { field: 'url' },
    });
    const png = decodeDataUrl(image.data.values[0].url);
    expect([png.width, png.height]).toEqual([2, 2]);
    expect([pixel(png, 0, 0), pixel(png, 1, 0), pixel(png, 0, 1), pixel(png, 1, 1)]).toEqual([
      regionColor(1),
      regionColor(0),
      regionColor(2),
      regionColor(2),
    ]);
  });

  it('draws the points in their class colours on scales over the bounds', () => {
    const spec: Json = decisionRegions(
      { bounds: square, resolution: 2, classes: [0, 0, 1, 1] },
      points,
      labels,
      { title: 't', xTitle: 'x1', yTitle: 'x2', width: 200, height: 100 },
    );
    expect(spec).toMatchObject({ title: 't', width: 200, height: 100 });
    expect(spec.encoding.x).toMatchObject({
      field: 'x',
      title: 'x1',
      scale: { domain: [-1, 1], nice: false, zero: false },
    });
    expect(spec.encoding.y).toMatchObject({ field: 'y', title: 'x2', scale: { domain: [-1, 1] } });
    const dots = spec.layer[1];
    expect(dots.mark).toMatchObject({ type: 'circle', opacity: 1, stroke: '#222222', clip: true });
    expect(dots.data.values).toEqual([
      { x: 0.5, y: 0.5, class: 1 },
      { x: -0.5, y: -0.5, class: 0 },
      { x: 0.25, y: -0.75, class: 2 },
    ]);
    expect(dots.encoding.color).toEqual({
      field: 'class',
      type: 'nominal',
      scale: { domain: [0, 1, 2], range: [classColor(0), classColor(1), classColor(2)] },
      legend: null,
    });
  });

  it('names the classes in a legend when given classNames', () => {
    const spec: Json = decisionRegions(rightIsOne, [1, 0, -1, 0], [1, 0], {
      classNames: ['left', 'right'],
      resolution: 4,
    });
    const color = spec.layer[1].encoding.color;
    expect(color.scale).toEqual({
      domain: ['left', 'right'],
      range: [classColor(0), classColor(1)],
    });
    expect(color.legend).toEqual({ title: null });
    expect(spec.layer[1].data.values.map((v: Json) => v.class)).toEqual(['right', 'left']);
  });

  it("evaluates a classifier on the points' box widened by the margin", () => {
    const spec: Json = decisionRegions(rightIsOne, [0, 0, 2, 4], [0, 1], { resolution: 4 });
    // x in [0, 2] and y in [0, 4], widened by 10% of each range on each side
    expect(spec.encoding.x.scale.domain).toEqual([-0.2, 2.2]);
    expect(spec.encoding.y.scale.domain).toEqual([-0.4, 4.4]);
    const png = decodeDataUrl(spec.layer[0].data.values[0].url);
    expect([png.width, png.height]).toEqual([4, 4]);
    // cell centres at x = -0.2 + 0.6·(i + 0.5): 0.1, 0.7, 1.3, 1.9 are all > 0
    expect(pixel(png, 0, 3)).toBe(regionColor(1));
  });

  it('leaves points that are not finite out of the JSON', () => {
    const spec: Json = decisionRegions(rightIsOne, [Number.NaN, 0, 1, 1], [0, 1], {
      bounds: square,
    });
    expect(spec.layer[1].data.values[0]).toEqual({ x: null, y: 0, class: 0 });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('names the argument it cannot use', () => {
    expect(() => decisionRegions(rightIsOne, [0, 0, 1], [0, 1])).toThrow(
      'decisionRegions: points must hold 2 numbers per label (4 for 2 labels), got 3',
    );
    expect(() => decisionRegions(rightIsOne, [0, 0], [-1])).toThrow(
      'decisionRegions: labels must be class indices 0, 1, 2, …, got -1 at index 0',
    );
    expect(() =>
      decisionRegions(rightIsOne, [0, 0, 1, 1], [0, 2], { classNames: ['a', 'b'] }),
    ).toThrow('decisionRegions: 2 classNames for labels up to 2; name every class');
    expect(() =>
      decisionRegions({ bounds: square, resolution: 2, classes: [0, 1, 1] }, [0, 0], [0]),
    ).toThrow('decisionRegions: a 2×2 grid needs 4 classes, got 3');
  });
});
