// A picture of pixels (a digit, a layer's weights) as a plot of its own, without axes.
import type { TopLevelSpec } from 'vega-lite';
import { pngDataUrl, type Raster } from './raster.js';
import { type Title, titleText } from './title.js';

/**
 * Options of {@link imageView}.
 *
 * @example
 * imageView(digit, { title: '7 -> 1', zoom: 3 });
 */
export interface ImageViewOptions {
  /** A title above the plot (several strings are its lines). */
  title?: Title;
  /** Screen pixels per picture pixel, each a sharp square; 1 by default. */
  zoom?: number;
}

/**
 * A raster shown at `zoom` × its size with sharp pixels (an `image` mark of a PNG data URL),
 * no axes, as a Vega-Lite spec; put several side by side with `panels`.
 *
 * @example
 * const spec = panels(
 *   wrong.map((i) => imageView(grayRaster(digitPixels(i), 28, 28), { title: `${i}`, zoom: 3 })),
 *   { cols: 8 },
 * );
 */
export function imageView(raster: Raster, options: ImageViewOptions = {}): TopLevelSpec {
  const zoom = options.zoom ?? 1;
  if (!(Number.isFinite(zoom) && zoom > 0)) {
    throw new RangeError(`imageView: zoom must be a positive number, got ${zoom}`);
  }
  const width = raster.width * zoom;
  const height = raster.height * zoom;
  return {
    ...(options.title === undefined ? {} : { title: titleText(options.title) }),
    width,
    height,
    view: { stroke: null },
    data: { values: [{ url: pngDataUrl(raster) }] },
    mark: {
      type: 'image',
      width,
      height,
      align: 'left',
      baseline: 'top',
      aspect: false,
      smooth: false,
      aria: false,
    },
    encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url' } },
  };
}
