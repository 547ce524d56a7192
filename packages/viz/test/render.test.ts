// Rendering: renderSvg draws every builder's spec without a Vega warning, with the marks and
// text the spec asks for; renderPng draws PNGs of the SVG's size × scale, with the region
// tints, the points' colours and text where they belong (fonts shipped with the package).
import { decode } from 'fast-png';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  classColor,
  decisionRegions,
  fitPlot,
  grayRaster,
  imageView,
  linePlot,
  panels,
  regionColor,
  renderPng,
  renderSvg,
  svgToPng,
  trainingCurves,
} from '../src/node.js';
import { boxOf, darkPixels, pixel } from './helpers.js';

const square = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
/** Class 1 in the top-left quarter (x < 0, y > 0), else 0. */
const topLeftIsOne = { bounds: square, resolution: 2, classes: [1, 0, 0, 0] };

/** How many times `pattern` occurs in `text`. */
const count = (text: string, pattern: string) => text.split(pattern).length - 1;

/** The width and height an SVG document declares. */
function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (m === null) throw new Error(`no size in ${svg.slice(0, 200)}`);
  return [Number(m[1]), Number(m[2])];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('renderSvg', () => {
  it('draws decision regions: the picture, one circle per point, the titles', async () => {
    const spec = decisionRegions(topLeftIsOne, [0.5, 0.5, -0.5, -0.5, 0.5, -0.5], [0, 1, 2], {
      title: 'regions',
      xTitle: 'x1',
      classNames: ['a', 'b', 'c'],
    });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(count(svg, '<image ')).toBe(1);
    expect(svg).toContain('xlink:href="data:image/png;base64,');
    expect(svg).toContain('image-rendering: pixelated');
    expect(count(svg, 'aria-roledescription="circle"')).toBe(3);
    for (const c of [0, 1, 2]) expect(svg).toContain(`fill="${classColor(c)}"`);
    for (const text of ['>regions</text>', '>x1</text>', '>a</text>', '>c</text>']) {
      expect(svg).toContain(text);
    }
    // the plot area of 320 × 320, with room around it for the axes, title and legend
    const [width, height] = svgSize(svg);
    expect(width).toBeGreaterThan(320);
    expect(height).toBeGreaterThan(320);
  });

  it('draws a line per line series and a dot per point, with a legend', async () => {
    const svg = await renderSvg(
      linePlot(
        [
          { name: 'train', y: [3, 2, 1] },
          { name: 'val', y: [4, 5], style: 'points' },
        ],
        { title: 'loss', logY: true },
      ),
    );
    expect(count(svg, 'aria-roledescription="line mark"')).toBe(1);
    expect(count(svg, 'aria-roledescription="point"')).toBe(2);
    expect(svg).toContain('>train</text>');
    expect(svg).toContain('>val</text>');
  });

  it("renders every builder's spec without a Vega or Vega-Lite warning", async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const specs = [
      decisionRegions(topLeftIsOne, [0, 0], [0]),
      fitPlot([0, 1, 2], [0, 1, 4], [0, 1.1, 3.9]),
      trainingCurves(
        {
          loss: [2, 1, 0.5, 0.2],
          regLoss: [0.1, 0.1, 0.1, 0.1],
          trainAccuracy: [0.5, 0.9],
          valAccuracy: [0.4, 0.8],
        },
        { stepsPerEpoch: 2 },
      ),
      panels(
        [
          imageView(grayRaster([0, 1, 1, 0], 2, 2), { title: 'x', zoom: 4 }),
          linePlot([{ name: 'a', y: [1] }]),
        ],
        { title: 't' },
      ),
    ];
    for (const spec of specs) expect(await renderSvg(spec)).toContain('<svg');
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('names itself when Vega-Lite cannot compile a spec', async () => {
    await expect(
      renderSvg({
        data: { values: [] },
        mark: 'point',
        encoding: { x: { field: 'a', type: 'interval' } },
      } as never),
    ).rejects.toThrow(/^renderSvg: Vega-Lite could not compile the spec: /);
  });
});

describe('renderPng', () => {
  const spec = decisionRegions(topLeftIsOne, [0.5, -0.5], [2], {
    title: 'TITLE',
    width: 200,
    height: 200,
  });

  it('draws the SVG at scale 2: tints where the classes are, the point in its colour', async () => {
    const [width, height] = svgSize(await renderSvg(spec));
    const png = decode(await renderPng(spec));
    expect([png.width, png.height]).toEqual([2 * width, 2 * height]);
    const area = boxOf(png, [regionColor(0), regionColor(1)]);
    // the 200 × 200 plot area, at scale 2
    expect(area).toMatchObject({ width: 400, height: 400 });
    const { x, y } = area!;
    // class 1 in the top-left quarter, class 0 in the other three
    expect(pixel(png, x + 100, y + 100)).toBe(regionColor(1));
    expect(pixel(png, x + 300, y + 100)).toBe(regionColor(0));
    expect(pixel(png, x + 100, y + 300)).toBe(regionColor(0));
    // the point (0.5, -0.5): a disc of class 2's colour with its centre at 3/4 across, 3/4 down
    expect(pixel(png, x + 300, y + 300)).toBe(classColor(2));
    expect(pixel(png, x + 300, y + 300 + 12)).toBe(regionColor(0));
    // nearest-neighbour scaling: no blend of two tints on the border between the classes
    for (let dx = -3; dx <= 3; dx++) {
      expect([regionColor(0), regionColor(1)]).toContain(pixel(png, x + 200 + dx, y + 100));
    }
  });

  it('draws the text with the fonts it ships', async () => {
    const png = decode(await renderPng(spec, { scale: 1 }));
    const area = boxOf(png, [regionColor(0), regionColor(1)])!;
    // the title, above the plot area, is dark text
    expect(darkPixels(png, 0, area.y - 2)).toBeGreaterThan(50);
  });

  it('scales and fills the background as asked', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>';
    const png = decode(await svgToPng(svg, { scale: 2.5, background: '#102030' }));
    expect([png.width, png.height]).toEqual([10, 8]);
    expect(pixel(png, 5, 5)).toBe('#102030');
    await expect(svgToPng(svg, { scale: 0 })).rejects.toThrow(
      'svgToPng: scale must be a positive number, got 0',
    );
  });
});
