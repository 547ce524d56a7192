// Figures of several plots: a Vega-Lite concat with columns, an overall title, each panel
// with scales and legends of its own; specs that only a whole figure may be are refused.
import { describe, expect, it } from 'vitest';
import { imageView, linePlot, panels } from '../src/index.js';
import { grayRaster } from '../src/raster.js';
import { decodeDataUrl, pixel } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the plain JSON of a spec
type Json = any;

describe('panels', () => {
  const plots = ['a', 'b', 'c', 'd', 'e'].map((name) =>
    linePlot([{ name, y: [1, 2] }], { title: name }),
  );

  it('lays out the specs row by row in columns under a title', () => {
    const spec: Json = panels(plots, { cols: 2, title: ['figure', 'second line'], spacing: 10 });
    expect(spec.columns).toBe(2);
    expect(spec.spacing).toBe(10);
    expect(spec.concat).toEqual(plots);
    expect(spec.title).toMatchObject({ text: ['figure', 'second line'], anchor: 'middle' });
    expect(spec.resolve).toEqual({
      scale: { color: 'independent', shape: 'independent' },
      legend: { color: 'independent', shape: 'independent' },
    });
  });

  it('makes about √n columns by default, and no title unless asked', () => {
    const spec: Json = panels(plots);
    expect(spec.columns).toBe(3);
    expect(spec.title).toBeUndefined();
  });

  it('refuses no specs, bad columns, and panels with what only a figure may have', () => {
    expect(() => panels([])).toThrow('panels: expected at least one spec');
    expect(() => panels(plots, { cols: 0 })).toThrow(
      'panels: cols must be a positive integer, got 0',
    );
    expect(() => panels([plots[0]!, { ...plots[1]!, config: {}, padding: 5 }])).toThrow(
      'panels: spec 1 has config, padding, which only a whole figure may have',
    );
  });
});

describe('imageView', () => {
  it('shows a raster at zoom × its size with sharp pixels and no axes', () => {
    const spec: Json = imageView(grayRaster([0, 1], 2, 1), { title: '7 → 1', zoom: 3 });
    expect(spec).toMatchObject({ title: '7 → 1', width: 6, height: 3, view: { stroke: null } });
    expect(spec.mark).toMatchObject({ type: 'image', width: 6, height: 3, smooth: false });
    const png = decodeDataUrl(spec.data.values[0].url);
    expect([pixel(png, 0, 0), pixel(png, 1, 0)]).toEqual(['#ffffff', '#000000']);
  });

  it('names a zoom it cannot use', () => {
    expect(() => imageView(grayRaster([0], 1, 1), { zoom: 0 })).toThrow(
      'imageView: zoom must be a positive number, got 0',
    );
  });
});
