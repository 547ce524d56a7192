// Rendering Vega-Lite specs and SVG documents to PNG in Node, with resvg and the shipped fonts.
import { renderAsync } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY, FONT_FILES } from './internal/fonts.js';
import { renderSvg } from './render-svg.js';

/**
 * Options of {@link renderPng} and {@link svgToPng}.
 *
 * @example
 * await renderPng(spec, { scale: 1, background: '#ffffff' });
 */
export interface PngOptions {
  /** PNG pixels per SVG pixel; 2 by default, sharp on high-density screens. */
  scale?: number;
  /** A CSS colour under the picture; white by default. */
  background?: string;
}

/**
 * Draws an SVG document as PNG bytes with resvg: `scale` PNG pixels per SVG pixel, text in
 * DejaVu Sans (shipped with the package; the machine's fonts are not used).
 *
 * @example
 * const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>');
 * // an 8 × 4 white PNG
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(`svgToPng: scale must be a positive number, got ${scale}`);
  }
  // Vega marks a sharp image (smooth: false) 'image-rendering: optimizeSpeed; image-rendering:
  // pixelated;' for browsers; resvg does not know 'pixelated', takes it as the last word and
  // smooths the image: without it, resvg reads optimizeSpeed and scales by nearest neighbour.
  const sharp = svg.replaceAll('image-rendering: pixelated;', '');
  const image = await renderAsync(sharp, {
    fitTo: { mode: 'zoom', value: scale },
    background: options.background ?? 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    logLevel: 'off',
  });
  return image.asPng();
}

/**
 * Renders a Vega-Lite spec to PNG bytes: {@link renderSvg}, then {@link svgToPng}.
 *
 * @example
 * const png = await renderPng(decisionRegions(classify, points, labels), { scale: 1 });
 */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), options);
}
