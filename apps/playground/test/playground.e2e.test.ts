// The built playground in Chromium, served with exactly the Content-Security-Policy the page
// states: train on the spiral through the page's buttons, check the loss, the accuracies and
// the colours on the canvas, change the network, add a point, save and load the weights,
// show the graph; once on the 'wasm' backend and once forced to 'js'. Any console error or
// page error fails the test.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { regionColor, rgb } from '@tapegrad/viz';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundGlobal, PlaygroundState } from '../src/hook.js';
import { type Browser, CHROMIUM, launch } from './browser.js';
import { type StaticServer, serveStatic } from './server.js';

const APP = resolve(import.meta.dirname, '..');
const DIST = join(APP, 'dist');
const RESULTS = join(APP, 'test-results');
/** Steps of each training run: the default net reaches about 97% on the spiral in 300. */
const STEPS = 300;

/** The policy the page states in its footer (`<code id="csp">`), as the built page has it. */
async function statedPolicy(): Promise<string> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const m = /<code id="csp">([^<]*)<\/code>/.exec(html);
  if (m === null) throw new Error('playground test: dist/index.html states no <code id="csp">');
  return m[1]!.replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Collects console errors and page errors: the guard every test ends with. */
function guard(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as PlaygroundGlobal).__playground !== undefined);
  await page.evaluate(() => (globalThis as PlaygroundGlobal).__playground!.ready);
}

/** The page's chunks with Vega (loaded with the first loss curve) that the page has fetched. */
const vegaChunks = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((name) => /\/render-svg-[^/]*\.js$/.test(name)),
  );

// The functions given to `page.evaluate` run in the page: each names the hook itself.
const state = (page: Page): Promise<PlaygroundState> =>
  page.evaluate(() => (globalThis as PlaygroundGlobal).__playground!.state());

/** Start training with the Start button and wait for the loop to pause at iteration `n`. */
async function trainUntil(page: Page, n: number): Promise<PlaygroundState> {
  await page.evaluate((stop) => (globalThis as PlaygroundGlobal).__playground!.stopAt(stop), n);
  await page.click('#start');
  await page.waitForFunction(
    (stop) => {
      const s = (globalThis as PlaygroundGlobal).__playground!.state();
      return !s.running && s.iteration >= stop;
    },
    n,
    { timeout: 90_000 },
  );
  return state(page);
}

/** Set a text or number field as a user does: type, then Enter (its change event). */
async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.fill(selector, value);
  await page.press(selector, 'Enter');
}

/**
 * The share of the canvas's pixels in each class's region tint (exactly, ±2 per channel for
 * rounding), read from a screenshot of the canvas.
 */
async function regionShares(page: Page, classes: number): Promise<number[]> {
  const png = PNG.sync.read(await page.locator('#regions').screenshot());
  const tints = Array.from({ length: classes }, (_, k) => rgb(regionColor(k)));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    const k = tints.findIndex(
      (t) => Math.abs(t[0] - r) <= 2 && Math.abs(t[1] - g) <= 2 && Math.abs(t[2] - b) <= 2,
    );
    if (k >= 0) counts[k]!++;
  }
  return counts.map((c) => c / (png.width * png.height));
}

let browser: Browser;
let server: StaticServer;
let policy: string;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(
      `playground test: ${DIST}/index.html is missing: build the page first (pnpm --filter @tapegrad/playground build)`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `playground test: no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`,
    );
  }
  await mkdir(RESULTS, { recursive: true });
  policy = await statedPolicy();
  // the app's folder, so the page loads from a subfolder (dist/): its URLs are relative
  server = await serveStatic(APP, policy);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the stated Content-Security-Policy', () => {
  it('is the one the README gives', async () => {
    const readme = await readFile(resolve(APP, '../../README.md'), 'utf8');
    expect(readme).toContain(policy);
    expect(policy).toMatch(/script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'/);
  });

  it("needs 'unsafe-eval': without it the page fails (ndarray compiles code at run time)", async () => {
    const strict = await serveStatic(DIST, policy.replace(" 'unsafe-eval'", ''));
    const page = await browser.context.newPage();
    const errors = guard(page);
    try {
      await page.goto(`${strict.url}index.html`);
      await expect.poll(() => errors.join('\n'), { timeout: 30_000 }).toMatch(/eval/i);
    } finally {
      await page.close();
      await strict.close();
    }
  });
});

describe.each(['wasm', 'js'])("the playground on the '%s' backend", (backend) => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    page = await browser.context.newPage();
    errors = guard(page);
    await open(page, `${server.url}dist/index.html${backend === 'js' ? '?backend=js' : ''}`);
  });

  afterAll(async () => {
    await page.screenshot({ path: join(RESULTS, `playground-${backend}-end.png`), fullPage: true });
    await page.close();
    expect(errors, 'console errors and page errors').toEqual([]);
  });

  it('says which backend runs', async () => {
    expect((await state(page)).backend).toBe(backend);
    await expect.poll(() => page.textContent('#backend-badge')).toBe(`backend: ${backend}`);
    expect(await page.inputValue('#backend')).toBe(backend);
  });

  it('loads Vega with the first loss curve, not with the page', async () => {
    expect(await page.textContent('#loss-chart')).toBe('press Start or Step to train');
    expect(await vegaChunks(page)).toEqual([]);
  });

  it('trains a 2-layer ReLU net on the spiral to ≥ 90% training accuracy, and a seed repeats the run', async () => {
    await page.selectOption('#dataset', 'spiral');
    await fill(page, '#seed', '1');
    await page.click('[data-hidden="100"]');
    await page.selectOption('#activation', 'relu');
    let s = await state(page);
    expect(s).toMatchObject({ dataset: 'spiral', classes: 3, hidden: [100], activation: 'relu' });
    expect(s.iteration).toBe(0);

    await page.click('#step');
    const stepped = await state(page);
    expect(stepped.iteration).toBe(1);
    const started = Date.now();
    s = await trainUntil(page, STEPS);
    const elapsed = Date.now() - started;
    expect(s.iteration).toBe(STEPS);
    expect(s.dataLoss).toBeLessThan(0.5 * s.firstLoss);
    expect(s.trainAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.testAccuracy).toBeGreaterThan(0.6);
    expect(await page.textContent('#train-acc')).toBe(`${(100 * s.trainAccuracy).toFixed(1)}%`);
    expect(s.health).toHaveLength(1);
    expect(s.health[0]).toMatchObject({ layer: '1', activation: 'relu', units: 100 });
    expect(s.speed).toBeGreaterThan(0);

    // the loss curve: viz's trainingCurves spec as an SVG, the data and regularization loss
    // up to the last iteration; while training, redrawn at most every 250 ms (plus the render
    // of the step before, perhaps still under way, and the one as training pauses)
    expect(s.chart.renders - stepped.chart.renders).toBeLessThanOrEqual(3 + elapsed / 250);
    expect(await vegaChunks(page)).toHaveLength(1);
    await expect
      .poll(() => page.getAttribute('#loss-chart', 'aria-label'))
      .toContain(`at iteration ${STEPS}`);
    expect(await page.getAttribute('#loss-chart', 'role')).toBe('img');
    const chart = page.locator('#loss-chart svg');
    expect(await chart.locator('g.mark-line path').count()).toBe(2);
    expect(await chart.locator('text').allTextContents()).toEqual(
      expect.arrayContaining(['loss', 'iteration', 'data loss', 'regularization loss']),
    );
    await page.locator('#loss-chart').screenshot({ path: join(RESULTS, `loss-${backend}.png`) });

    // the decision regions: each of the three classes holds a good part of the plane
    const shares = await regionShares(page, 3);
    expect(
      shares.every((share) => share > 0.05),
      `region shares ${shares}`,
    ).toBe(true);
    await page.locator('#regions').screenshot({ path: join(RESULTS, `regions-${backend}.png`) });

    // Reset draws the same initial weights from the seed: the same run, bit for bit
    await page.click('#reset');
    expect((await state(page)).iteration).toBe(0);
    await page.click('#step');
    const again = await trainUntil(page, STEPS);
    expect(again.dataLoss).toBe(s.dataLoss);
    expect(again.gridHash).toBe(s.gridHash);
  });

  it('shows the computation graph of one step as an SVG', async () => {
    await page.click('#render-graph');
    await page.waitForSelector('#graph svg', { timeout: 60_000 });
    const nodes = await page.locator('#graph svg g.node').count();
    expect(nodes).toBeGreaterThan(10);
    const labels = await page.locator('#graph svg g.node text').allTextContents();
    expect(labels.join(' ')).toContain('softmaxCrossEntropy');
    // the parameters by name, the layers' ops as one linear each (a Linear followed by a ReLU
    // as one linearRelu: Sequential runs the pair as one op)
    expect(labels).toEqual(
      expect.arrayContaining(['0.weight', '0.bias', '2.weight', 'linearRelu [240,100]']),
    );
    expect(labels).toEqual(expect.arrayContaining(['linear [240,3]']));
    const shot = join(RESULTS, `playground-${backend}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (backend === 'wasm' && process.env.TAPEGRAD_UPDATE_DOCS === '1') {
      await copyFile(shot, resolve(APP, '../../docs/playground.png'));
    }
  });

  it('trains again after a change of activation and width', async () => {
    await page.selectOption('#activation', 'tanh');
    await fill(page, '#hidden', '20, 20');
    const before = await state(page);
    expect(before).toMatchObject({ hidden: [20, 20], activation: 'tanh', iteration: 0 });
    expect(await page.textContent('#network-summary')).toContain('2 → 20 → 20 → 3');
    const s = await trainUntil(page, STEPS);
    expect(s.dataLoss).toBeLessThan(0.5 * s.firstLoss);
    expect(s.trainAccuracy).toBeGreaterThan(0.8);
    expect(s.health.map((h) => h.activation)).toEqual(['tanh', 'tanh']);
    expect(s.health.every((h) => h.saturated !== null && h.dead === null)).toBe(true);
    // the graph follows the network
    await expect
      .poll(() => page.locator('#graph svg g.node text').allTextContents())
      .toContain('tanh [240,20]');
  });

  it('adds a point of the chosen class where the canvas is clicked', async () => {
    const before = await state(page);
    await page.click('#class-picker [data-class="2"]');
    const box = (await page.locator('#regions').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.25);
    const after = await state(page);
    expect(after.trainPoints).toBe(before.trainPoints + 1);
    expect(after.testPoints).toBe(before.testPoints);
    expect(await page.textContent('#point-count')).toBe(
      `${after.trainPoints} · ${after.testPoints}`,
    );
  });

  it('saves the weights as safetensors and loads them back', async () => {
    const saved = await state(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    expect(download.suggestedFilename()).toMatch(/\.safetensors$/);
    const file = join(RESULTS, `weights-${backend}.safetensors`);
    await download.saveAs(file);
    // the format: an 8-byte little-endian header length, a JSON header, the data
    const bytes = await readFile(file);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
      string,
      { dtype: string; shape: number[] }
    >;
    expect(header['0.weight']).toMatchObject({ dtype: 'F32', shape: [20, 2] });
    expect(header.__metadata__).toMatchObject({ hidden: '20,20', activation: 'tanh' });

    // other weights, other predictions
    await page.selectOption('#activation', 'relu');
    await fill(page, '#hidden', '6');
    expect((await state(page)).gridHash).not.toBe(saved.gridHash);

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#load')]);
    await chooser.setFiles(file);
    await expect.poll(() => page.textContent('#status')).toContain('loaded');
    const loaded = await state(page);
    expect(loaded).toMatchObject({ hidden: [20, 20], activation: 'tanh', iteration: 0 });
    expect(loaded.dataLoss).toBe(saved.dataLoss);
    expect(loaded.trainAccuracy).toBe(saved.trainAccuracy);
    expect(loaded.gridHash).toBe(saved.gridHash);
    expect(await page.inputValue('#hidden')).toBe('20, 20');
    expect(loaded.error).toBe('');
  });
});

describe('every choice of the page', () => {
  it('trains each dataset, activation and optimizer, a linear classifier and no test split without an error', async () => {
    const page = await browser.context.newPage();
    const errors = guard(page);
    try {
      await open(page, `${server.url}dist/index.html`);
      await fill(page, '#hidden', '8, 8');
      for (const dataset of ['moons', 'circles', 'xor', 'blobs', 'spiral']) {
        await page.selectOption('#dataset', dataset);
        const s = await state(page);
        expect(s.dataset).toBe(dataset);
        expect(s.classes).toBe(dataset === 'spiral' || dataset === 'blobs' ? 3 : 2);
        expect(await page.locator('#class-picker [role="radio"]').count()).toBe(s.classes);
      }
      await fill(page, '#classes', '5');
      expect((await state(page)).classes).toBe(5);
      // each activation with SGD, each optimizer with tanh
      const runs = [
        ...['sigmoid', 'relu', 'leakyRelu', 'prelu', 'maxout'].map((a) => [a, 'sgd']),
        ...['sgd', 'momentum', 'nesterov', 'adam'].map((o) => ['tanh', o]),
      ];
      for (const [activation, optimizer] of runs) {
        await page.selectOption('#activation', activation!);
        await page.selectOption('#optimizer', optimizer!);
        await page.click('#reset');
        const s = await trainUntil(page, 20);
        expect(s.iteration).toBe(20);
        expect(Number.isFinite(s.dataLoss), `${activation} ${optimizer}`).toBe(true);
        expect(s.health.length).toBe(activation === 'maxout' ? 0 : 2);
      }
      await fill(page, '#hidden', '');
      expect(await page.textContent('#network-summary')).toContain('2 → 5 ·');
      await page.selectOption('#test-fraction', '0');
      const s = await trainUntil(page, 20);
      expect(s).toMatchObject({ testPoints: 0, hidden: [] });
      expect(s.testAccuracy).toBeNaN();
      // a wrong entry is named under the canvas, and changes nothing
      await fill(page, '#hidden', '20, x');
      expect(await page.textContent('#status')).toContain('hidden layers');
      expect((await state(page)).hidden).toEqual([]);
      await page.screenshot({ path: join(RESULTS, 'choices.png'), fullPage: true });
    } finally {
      await page.close();
    }
    expect(errors, 'console errors and page errors').toEqual([]);
  });
});
