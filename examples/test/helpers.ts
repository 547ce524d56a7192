// What the example tests share: running a script with tsx on the sources, a temporary folder
// for its output, reading the PNGs it writes, counting their pixels of a colour and checking a
// grid of decision-region panels.
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { classColor, PALETTE, regionColor, rgb } from '@tapegrad/viz';
import { type DecodedPng, decode } from 'fast-png';
import { afterAll, expect } from 'vitest';

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
 * The PNG file at `path`, decoded: its width, height, channels and pixels.
 *
 * @example
 * expect(readPng(join(out, 'loss.png')).width).toBeGreaterThan(1000);
 */
export function readPng(path: string): DecodedPng {
  return decode(readFileSync(path));
}

/**
 * Checks a PNG of `panels` decision-region panels (plot areas of 320 × 320 pixels, drawn at
 * scale 2), `cols` across: its size; for each of the `classes` classes, more than `points`
 * pixels of the class's colour and more than `regions` of its region tint; and no pixel of
 * the next class's colour.
 *
 * @example
 * expectDecisionPanels(file, { panels: 2, cols: 2, classes: 2, points: 400, regions: 40_000 });
 */
export function expectDecisionPanels(
  file: string,
  want: { panels: number; cols: number; classes: number; points: number; regions: number },
): void {
  const png = readPng(file);
  const rows = Math.ceil(want.panels / want.cols);
  // the plot areas, plus room for axes, titles and legends
  expect(png.width).toBeGreaterThan(2 * 320 * want.cols);
  expect(png.width).toBeLessThan(2 * 480 * want.cols);
  expect(png.height).toBeGreaterThan(2 * 320 * rows);
  expect(png.height).toBeLessThan(2 * 480 * rows);
  for (let k = 0; k < want.classes; k++) {
    expect(countPixels(png, classColor(k)), `class ${k} points`).toBeGreaterThan(want.points);
    expect(countPixels(png, regionColor(k)), `class ${k} region`).toBeGreaterThan(want.regions);
  }
  expect(countPixels(png, PALETTE[want.classes]!)).toBe(0);
}

/**
 * How many pixels of a decoded PNG have exactly the colour `color` (`#rrggbb`).
 *
 * @example
 * expect(countPixels(readPng(file), classColor(3))).toBe(0);
 */
export function countPixels(png: DecodedPng, color: string): number {
  const [r, g, b] = rgb(color);
  const { data, channels } = png;
  let n = 0;
  for (let i = 0; i < data.length; i += channels) {
    if (data[i] === r && data[i + 1] === g && data[i + 2] === b) n++;
  }
  return n;
}
