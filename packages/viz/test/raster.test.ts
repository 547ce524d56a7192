// Pictures of pixels: grey levels from values, and PNG data URLs that decode to the same
// pixels.
import { describe, expect, it } from 'vitest';
import { grayRaster, pngDataUrl } from '../src/index.js';
import { decodeDataUrl } from './helpers.js';

describe('grayRaster', () => {
  it('maps [min, max] to white … black (ink), clamping outside', () => {
    const r = grayRaster([0, 0.5, 1, 2, -1, 0.25], 3, 2);
    expect([r.width, r.height]).toEqual([3, 2]);
    expect(Array.from(r.rgb)).toEqual([
      255, 255, 255, 128, 128, 128, 0, 0, 0, 0, 0, 0, 255, 255, 255, 191, 191, 191,
    ]);
  });

  it('maps to black … white without ink, over a range of our choosing', () => {
    const r = grayRaster([-0.1, 0, 0.1], 3, 1, { min: -0.1, max: 0.1, ink: false });
    expect(Array.from(r.rgb)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
  });

  it('names the size or range it cannot use', () => {
    expect(() => grayRaster([0, 1, 2], 2, 2)).toThrow(
      'grayRaster: values must hold width × height = 4 numbers, got 3',
    );
    expect(() => grayRaster([], 0, 2)).toThrow(
      'grayRaster: width and height must be positive integers, got 0×2',
    );
    expect(() => grayRaster([0], 1, 1, { min: 1, max: 1 })).toThrow(
      'grayRaster: need finite min < max, got min 1, max 1',
    );
  });
});

describe('pngDataUrl', () => {
  it('encodes a PNG that decodes to the same size and pixels', () => {
    const rgb = new Uint8Array([
      255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90,
    ]);
    const url = pngDataUrl({ width: 3, height: 2, rgb });
    expect(url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const png = decodeDataUrl(url);
    expect([png.width, png.height, png.channels, png.depth]).toEqual([3, 2, 3, 8]);
    expect(Array.from(png.data)).toEqual(Array.from(rgb));
  });

  it('encodes a large picture (base64 in chunks)', () => {
    const rgb = new Uint8Array(3 * 300 * 300).map((_, i) => (i * 7919) % 256);
    const png = decodeDataUrl(pngDataUrl({ width: 300, height: 300, rgb }));
    expect(Buffer.from(png.data).equals(rgb)).toBe(true);
  });

  it('names a raster whose bytes do not match its size', () => {
    expect(() => pngDataUrl({ width: 2, height: 2, rgb: new Uint8Array(11) })).toThrow(
      'pngDataUrl: a 2×2 raster needs 12 rgb bytes, got 11',
    );
  });
});
