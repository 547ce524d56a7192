import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countPixels, readPng, tempDir } from '../test/helpers.js';
import { Canvas, type Color } from './canvas.js';
import {
  classColor,
  decisionRegions,
  fitPlot,
  linePlot,
  PALETTE,
  panels,
  regionColor,
  writePng,
} from './plot.js';

const dir = tempDir('plot');

/** Class 0 left of x = -1/3, class 1 in the middle, class 2 right of x = 1/3. */
function thirds(grid: Float64Array): Int32Array {
  const out = new Int32Array(grid.length / 2);
  for (let i = 0; i < out.length; i++) {
    const x = grid[2 * i]!;
    out[i] = x < -1 / 3 ? 0 : x < 1 / 3 ? 1 : 2;
  }
  return out;
}

const points = new Float64Array([-0.8, 0.5, -0.7, -0.4, 0, 0.2, 0.1, -0.6, 0.7, 0.9, 0.8, -0.8]);
const labels = new Int32Array([0, 0, 1, 1, 2, 2]);

describe('palette', () => {
  it('has at least 10 distinct colours, and tints differ from the full colours', () => {
    expect(PALETTE.length).toBeGreaterThanOrEqual(10);
    const keys = new Set([...PALETTE, ...PALETTE.map((_, k) => regionColor(k))].map(String));
    expect(keys.size).toBe(2 * PALETTE.length);
    expect(classColor(PALETTE.length + 1)).toEqual(classColor(1));
  });
});

describe('decisionRegions', () => {
  it('writes a PNG of the right size holding every class and region colour', () => {
    const pic = decisionRegions(thirds, points, labels, {
      title: 'thirds',
      width: 300,
      height: 240,
    });
    const png = readPng(writePng(join(dir, 'regions.png'), pic));
    expect([png.width, png.height]).toEqual([300, 240]);
    const data = new Uint8Array(png.data);
    for (let k = 0; k < 3; k++) {
      expect(countPixels(data, classColor(k)), `class ${k} points`).toBeGreaterThan(10);
      expect(countPixels(data, regionColor(k)), `class ${k} region`).toBeGreaterThan(1000);
    }
    expect(countPixels(data, classColor(3))).toBe(0);
    expect(countPixels(data, regionColor(3))).toBe(0);
  });

  it('calls the classifier once on the whole grid and colours regions where it says', () => {
    const calls: number[] = [];
    const pic = decisionRegions(
      (grid) => {
        calls.push(grid.length);
        return thirds(grid);
      },
      points,
      labels,
      { resolution: 50, bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 } },
    );
    expect(calls).toEqual([50 * 50 * 2]);
    // Away from the points (none near y = 0.95 at x = ±0.6), the tint tells the class.
    const at = (x: number, y: number) =>
      pic.get(...(pic.axes.toPixel(x, y).map(Math.floor) as [number, number]));
    expect(at(-0.6, 0.95)).toEqual(regionColor(0));
    expect(at(0.0, 0.95)).toEqual(regionColor(1));
    expect(at(0.6, 0.95)).toEqual(regionColor(2));
    // A data point is drawn in its class colour at its position.
    expect(at(0, 0.2)).toEqual(classColor(1));
  });

  it('names the problem when the classifier or the points are wrong', () => {
    expect(() => decisionRegions(() => new Int32Array(3), points, labels)).toThrow(
      /returned 3 classes for 40000 grid points/,
    );
    expect(() =>
      decisionRegions((g) => new Float64Array(g.length / 2).fill(0.5), points, labels),
    ).toThrow(/returned 0.5 at grid point 0/);
    expect(() => decisionRegions(thirds, points.subarray(1), labels)).toThrow(
      /2 numbers per label/,
    );
  });
});

describe('linePlot', () => {
  it('draws a horizontal line at the right row and a log-scale point at the right height', () => {
    const blue = classColor(0);
    const orange = classColor(1);
    const pic = linePlot(
      [
        { name: 'half', x: [0, 10], y: [0.5, 0.5] },
        { name: 'quarter', x: [0, 10], y: [0.25, 0.25] },
      ],
      { xRange: [0, 10], yRange: [0, 1], legend: false },
    );
    const { area } = pic.axes;
    const column = Math.floor(area.x + area.width / 2);
    const rowsOf = (color: Color) => {
      const rows: number[] = [];
      for (let y = 0; y < pic.height; y++)
        if (String(pic.get(column, y)) === String(color)) rows.push(y);
      return rows;
    };
    const mid = area.y + area.height / 2;
    for (const y of rowsOf(blue)) expect(Math.abs(y + 0.5 - mid)).toBeLessThanOrEqual(1.5);
    for (const y of rowsOf(orange))
      expect(Math.abs(y + 0.5 - (area.y + area.height * 0.75))).toBeLessThanOrEqual(1.5);
    expect(rowsOf(blue).length).toBeGreaterThan(0);
    expect(rowsOf(orange).length).toBeGreaterThan(0);

    const log = linePlot([{ name: 'loss', x: [0, 10], y: [10, 10] }], {
      logY: true,
      yRange: [1, 100],
    });
    const [, py] = log.axes.toPixel(5, 10);
    expect(py).toBeCloseTo(log.axes.area.y + log.axes.area.height / 2, 9);
    expect(log.get(Math.floor(log.axes.area.x + 5), Math.floor(py))).toEqual(blue);
  });

  it('widens the data range to hold every point and draws a legend entry per series', () => {
    const pic = linePlot(
      [
        { name: 'train', y: [3, 2, 1.5, 1.2] },
        { name: 'val', y: [3.1, 2.5, 2.2, Number.NaN] },
      ],
      { title: 'loss', xLabel: 'iteration', yLabel: 'loss' },
    );
    expect(pic.axes.xMin).toBe(0);
    expect(pic.axes.xMax).toBe(3);
    expect(pic.axes.yMin).toBeLessThan(1.2);
    expect(pic.axes.yMax).toBeGreaterThan(3.1);
    expect(countPixels(pic.data, classColor(0))).toBeGreaterThan(50);
    expect(countPixels(pic.data, classColor(1))).toBeGreaterThan(50);
    expect(() => linePlot([{ name: 'a', x: [1], y: [1, 2] }])).toThrow(
      /"a" has 1 x values and 2 y values/,
    );
    expect(() => linePlot([{ name: 'a', y: [1, 2] }], { logY: true, yRange: [0, 1] })).toThrow(
      /min > 0/,
    );
  });

  it('fitPlot draws the targets as points and the fit as a line', () => {
    const x = [2, -1, 0, 1, -2];
    const pic = fitPlot(
      x,
      x.map((v) => v * v),
      x.map((v) => v * v + 0.5),
      { legend: false },
    );
    const [px, py] = pic.axes.toPixel(1, 1);
    expect(pic.get(Math.floor(px), Math.floor(py))).toEqual(classColor(0));
    const [fx, fy] = pic.axes.toPixel(0, 0.5);
    expect(pic.get(Math.floor(fx), Math.floor(fy))).toEqual(classColor(3));
  });
});

describe('panels', () => {
  it('lays pictures out row by row with a title above each', () => {
    const red = new Canvas(40, 30, [255, 0, 0]);
    const green = new Canvas(20, 30, [0, 255, 0]);
    const blue = new Canvas(40, 30, [0, 0, 255]);
    const grid = panels([red, { canvas: green, title: 'g' }, blue], {
      cols: 2,
      gap: 5,
      title: 'three',
    });
    expect(grid.width).toBe(2 * 40 + 3 * 5);
    expect(countPixels(grid.data, [255, 0, 0])).toBe(40 * 30);
    expect(countPixels(grid.data, [0, 255, 0])).toBe(20 * 30);
    expect(countPixels(grid.data, [0, 0, 255])).toBe(40 * 30);
    // blue starts the second row, below red, at the left edge.
    const redTop = grid.data.findIndex(
      (_, i) => i % 4 === 0 && grid.data[i] === 255 && grid.data[i + 1] === 0,
    );
    const blueTop = grid.data.findIndex(
      (_, i) => i % 4 === 2 && grid.data[i] === 255 && grid.data[i - 1] === 0,
    );
    expect(Math.floor(blueTop / 4) % grid.width).toBe(Math.floor(redTop / 4) % grid.width);
    expect(Math.floor(blueTop / 4 / grid.width)).toBeGreaterThan(
      Math.floor(redTop / 4 / grid.width) + 30,
    );
    expect(() => panels([red, green, blue], { rows: 1, cols: 2 })).toThrow(
      /3 pictures do not fit in 1×2/,
    );
  });
});

describe('writePng', () => {
  it('creates the folder, replaces an existing file and leaves no temporary file', () => {
    const folder = join(dir, 'nested', 'out');
    const path = join(folder, 'pic.png');
    expect(writePng(path, new Canvas(3, 2))).toBe(path);
    writeFileSync(path, 'not a png');
    writePng(path, new Canvas(5, 4, [1, 2, 3]));
    const png = readPng(path);
    expect([png.width, png.height]).toEqual([5, 4]);
    expect([...png.data.subarray(0, 4)]).toEqual([1, 2, 3, 255]);
    expect(readdirSync(folder)).toEqual(['pic.png']);
  });

  it('leaves no temporary file when the write fails', () => {
    const folder = join(dir, 'failing');
    // The target is a non-empty folder, so the rename fails.
    writePng(join(folder, 'taken', 'x.png'), new Canvas(1, 1));
    expect(() => writePng(join(folder, 'taken'), new Canvas(1, 1))).toThrow();
    expect(readdirSync(folder)).toEqual(['taken']);
  });
});
