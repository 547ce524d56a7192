// PNG output: encoding a canvas and writing it atomically.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pngjs from 'pngjs';
import type { Canvas } from './canvas.js';

/**
 * Encodes a canvas as PNG bytes.
 *
 * @example
 * const bytes = encodePng(new Canvas(2, 2)); // starts with 0x89 'PNG'
 */
export function encodePng(canvas: Canvas): Buffer {
  const png = new pngjs.PNG({ width: canvas.width, height: canvas.height });
  png.data = Buffer.from(canvas.data.buffer, canvas.data.byteOffset, canvas.data.byteLength);
  return pngjs.PNG.sync.write(png, { colorType: 6 });
}

/**
 * Writes `canvas` as a PNG file at `path`, atomically: the bytes go to a temporary file
 * in the same folder, which is then renamed over `path`, so a reader never sees half a
 * picture. Creates the folder. Returns `path`.
 *
 * @example
 * const file = writePng('out/spiral/regions.png', pic);
 * console.log(`wrote ${file}`);
 */
export function writePng(path: string, canvas: Canvas): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, encodePng(canvas));
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return path;
}
