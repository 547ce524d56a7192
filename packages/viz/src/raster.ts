// Pictures made of pixels (decision-region grids, digits, weights) and their PNG data URLs,
// which a Vega-Lite `image` mark shows in the browser and in Node alike.
import { encode } from 'fast-png';

/**
 * A picture of `width × height` pixels: `rgb` holds 3 bytes per pixel, row by row from the top.
 *
 * @example
 * const red: Raster = { width: 1, height: 1, rgb: new Uint8Array([255, 0, 0]) };
 */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/**
 * Options of {@link grayRaster}.
 *
 * @example
 * grayRaster(weights, 28, 28, { min: -0.1, max: 0.1, ink: false });
 */
export interface GrayRasterOptions {
  /** The value shown as white (as black with `ink: false`); 0 by default. */
  min?: number;
  /** The value shown as black (as white with `ink: false`); 1 by default. */
  max?: number;
  /** Dark ink on white paper (true, the default), or light values on black. */
  ink?: boolean;
}

/**
 * A grey picture of `width × height` values, row by row from the top, mapped linearly from
 * [min, max] to grey levels (values outside are clamped).
 *
 * @example
 * const digit = grayRaster(pixels.subarray(784 * i, 784 * (i + 1)), 28, 28); // dark ink on white
 */
export function grayRaster(
  values: ArrayLike<number>,
  width: number,
  height: number,
  options: GrayRasterOptions = {},
): Raster {
  checkSize('grayRaster', width, height);
  if (values.length !== width * height) {
    throw new RangeError(
      `grayRaster: values must hold width × height = ${width * height} numbers, got ${values.length}`,
    );
  }
  const min = options.min ?? 0;
  const max = options.max ?? 1;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    throw new RangeError(`grayRaster: need finite min < max, got min ${min}, max ${max}`);
  }
  const ink = options.ink ?? true;
  const rgb = new Uint8Array(3 * values.length);
  for (let i = 0; i < values.length; i++) {
    const t = Math.min(1, Math.max(0, (values[i]! - min) / (max - min)));
    const level = Math.round(255 * (ink ? 1 - t : t));
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = level;
  }
  return { width, height, rgb };
}

/**
 * The raster as a `data:image/png;base64,…` URL (a compressed PNG), for an `image` mark's
 * `url`; works in Node and in the browser.
 *
 * @example
 * pngDataUrl({ width: 1, height: 1, rgb: new Uint8Array([255, 0, 0]) }); // 'data:image/png;base64,iVBORw0…'
 */
export function pngDataUrl(raster: Raster): string {
  const { width, height, rgb } = raster;
  checkSize('pngDataUrl', width, height);
  if (rgb.length !== 3 * width * height) {
    throw new RangeError(
      `pngDataUrl: a ${width}×${height} raster needs ${3 * width * height} rgb bytes, got ${rgb.length}`,
    );
  }
  const png = encode({ width, height, data: rgb, channels: 3, depth: 8 });
  return `data:image/png;base64,${base64(png)}`;
}

function checkSize(op: string, width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(
      `${op}: width and height must be positive integers, got ${width}×${height}`,
    );
  }
}

/** Base64 of bytes with `btoa`, which Node and browsers both have. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  // String.fromCharCode takes the bytes as arguments: in chunks, under engines' argument limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
