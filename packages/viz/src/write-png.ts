// Writing a spec's picture to a PNG file, atomically.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { type PngOptions, renderPng } from './render-png.js';

/**
 * Renders `spec` and writes it as a PNG file at `path`, atomically: the picture is rendered
 * first, its bytes go to a temporary file in the same folder, which is then renamed over
 * `path`, so a reader never sees half a picture and a failed render leaves the old file as it
 * was. Creates the folder. Resolves to `path`.
 *
 * @example
 * const file = await writePng('out/spiral/regions.png', decisionRegions(classify, points, labels));
 * console.log(`wrote ${file}`);
 */
export async function writePng(
  path: string,
  spec: TopLevelSpec,
  options: PngOptions = {},
): Promise<string> {
  const png = await renderPng(spec, options);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, png);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return path;
}
