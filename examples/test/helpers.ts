// What the example tests share: running a script with tsx on the sources, a temporary folder
// for its output, reading the PNGs it writes, counting their pixels of a colour and checking a
// grid of decision-region panels.
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, expect } from 'vitest';
import { Canvas, classColor, PALETTE, panels, regionColor } from '../lib/plot.js';

/** The repository root, where the scripts run from. */
const root = resolve(import.meta.dirname, '../..');

/** Node's arguments to run `examples/<script>` with tsx on the TypeScript sources. */
function nodeArgs(script: string, args: readonly string[]): string[] {
  return ['--conditions=tapegrad-source', '--import', 'tsx', join('examples', script), ...args];
}

/**
 * Runs an example script with tsx on the sources; returns its standard output. Throws if it
 * exits with a non-zero status.
 *
 * @example
 * const first = runScript('neuron.ts', ['--out', dir]);
 */
export function runScript(script: string, args: readonly string[] = []): string {
  return execFileSync(process.execPath, nodeArgs(script, args), { cwd: root, encoding: 'utf8' });
}

/**
 * Runs an example script with tsx on the sources and returns its exit status, standard output
 * and standard error, for tests that look at failures too.
 *
 * @example
 * expect(spawnScript('cifar10.ts').status).toBe(1);
 */
export function spawnScript(
  script: string,
  args: readonly string[] = [],
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, nodeArgs(script, args), { cwd: root, encoding: 'utf8' });
}

/**
 * A new temporary folder `tapegrad-<name>-XXXXXX`, removed after the test file's tests.
 *
 * @example
 * const out = tempDir('mnist');
 */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tapegrad-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The PNG file at `path`, decoded: its width, height and RGBA pixels.
 *
 * @example
 * expect(readPng(join(out, 'loss.png')).width).toBe(640);
 */
export function readPng(path: string): pngjs.PNG {
  return pngjs.PNG.sync.read(readFileSync(path));
}

/**
 * Checks a PNG of `panels` decision-region panels of 480 × 480 pixels, `cols` across under a
 * title: its size; for each of the `classes` classes, more than `points` pixels of the class's
 * colour and more than `regions` of its region tint; and no pixel of the next class's colour.
 *
 * @example
 * expectDecisionPanels(file, { panels: 2, cols: 2, classes: 2, points: 100, regions: 10_000 });
 */
export function expectDecisionPanels(
  file: string,
  want: { panels: number; cols: number; classes: number; points: number; regions: number },
): void {
  const png = readPng(file);
  const blank = { canvas: new Canvas(480, 480), title: 't' };
  const expected = panels(Array(want.panels).fill(blank), { cols: want.cols, title: 't' });
  expect([png.width, png.height]).toEqual([expected.width, expected.height]);
  const pixels = new Uint8Array(png.data);
  for (let k = 0; k < want.classes; k++) {
    expect(countPixels(pixels, classColor(k)), `class ${k} points`).toBeGreaterThan(want.points);
    expect(countPixels(pixels, regionColor(k)), `class ${k} region`).toBeGreaterThan(want.regions);
  }
  expect(countPixels(pixels, PALETTE[want.classes]!)).toBe(0);
}

/**
 * How many pixels of RGBA `data` have exactly the colour `c`.
 *
 * @example
 * expect(countPixels(readPng(file).data, classColor(3))).toBe(0);
 */
export function countPixels(data: Uint8Array, c: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === c[0] && data[i + 1] === c[1] && data[i + 2] === c[2]) n++;
  }
  return n;
}
