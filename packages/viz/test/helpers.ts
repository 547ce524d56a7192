// What the viz tests share: decoding PNGs (files, data URLs) and finding colours in them.
import { type DecodedPng, decode } from 'fast-png';
import { rgb } from '../src/index.js';

/**
 * The PNG inside a `data:image/png;base64,…` URL, decoded.
 *
 * @example
 * decodeDataUrl(pngDataUrl(raster)).width; // raster.width
 */
export function decodeDataUrl(url: string): DecodedPng {
  const prefix = 'data:image/png;base64,';
  if (!url.startsWith(prefix)) throw new Error(`not a PNG data URL: ${url.slice(0, 40)}…`);
  return decode(Buffer.from(url.slice(prefix.length), 'base64'));
}

/**
 * The `#rrggbb` colour of pixel (x, y) of a decoded PNG.
 *
 * @example
 * expect(pixel(png, 0, 0)).toBe('#ffffff');
 */
export function pixel(png: DecodedPng, x: number, y: number): string {
  const o = (y * png.width + x) * png.channels;
  const bytes = [png.data[o]!, png.data[o + 1]!, png.data[o + 2]!];
  return `#${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The box of the pixels of a decoded PNG that have one of `colors`: left, top, and the
 * width and height, or null when none has.
 *
 * @example
 * const area = boxOf(png, [regionColor(0), regionColor(1)]); // the plot area of the regions
 */
export function boxOf(
  png: DecodedPng,
  colors: readonly string[],
): { x: number; y: number; width: number; height: number } | null {
  const wanted = colors.map(rgb);
  let [x0, y0, x1, y1] = [png.width, png.height, -1, -1];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const o = (y * png.width + x) * png.channels;
      const d = png.data;
      if (wanted.some(([r, g, b]) => d[o] === r && d[o + 1] === g && d[o + 2] === b)) {
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * How many pixels of a decoded PNG in rows [top, bottom) are dark (every byte under 100).
 *
 * @example
 * expect(darkPixels(png, 0, 30)).toBeGreaterThan(100); // a title was drawn
 */
export function darkPixels(png: DecodedPng, top: number, bottom: number): number {
  let n = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < png.width; x++) {
      const o = (y * png.width + x) * png.channels;
      if (png.data[o]! < 100 && png.data[o + 1]! < 100 && png.data[o + 2]! < 100) n++;
    }
  }
  return n;
}
