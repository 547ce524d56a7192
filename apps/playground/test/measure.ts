// Measures the built page: the iterations per second it reaches on the default run (the
// spiral, 2-layer net of 100 ReLUs, full batch) on each backend, what the loss curve's renders
// and the decision regions cost, and the bytes of dist/.
// Run: pnpm --filter @tapegrad/playground measure [seconds]
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PlaygroundGlobal, PlaygroundState } from '../src/hook.js';
import { launch } from './browser.js';
import { serveStatic } from './server.js';

const DIST = resolve(import.meta.dirname, '../dist');
const seconds = Number(process.argv[2] ?? 5);

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let raw = 0;
let gzipped = 0;
for (const file of await files(DIST)) {
  const bytes = await readFile(file);
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
  console.log(`${file.slice(DIST.length + 1).padEnd(34)} ${String(bytes.length).padStart(9)} B`);
}
console.log(`dist/: ${raw} bytes, ${gzipped} gzipped (each file at gzip -9)`);

const html = await readFile(join(DIST, 'index.html'), 'utf8');
const policy = /<code id="csp">([^<]*)<\/code>/.exec(html)![1]!.replace(/&#39;/g, "'");
const server = await serveStatic(DIST, policy);
const browser = await launch();
try {
  for (const backend of ['wasm', 'js']) {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}index.html?backend=${backend}`);
    await page.waitForFunction(() => (globalThis as PlaygroundGlobal).__playground !== undefined);
    await page.evaluate(() => (globalThis as PlaygroundGlobal).__playground!.ready);
    await page.click('#start');
    const readings: PlaygroundState[] = [];
    for (let s = 0; s < seconds; s++) {
      await page.waitForTimeout(1000);
      readings.push(
        await page.evaluate(() => (globalThis as PlaygroundGlobal).__playground!.state()),
      );
    }
    await page.click('#start');
    const last = readings.at(-1)!;
    const speeds = readings.slice(1).map((r) => Math.round(r.speed));
    console.log(
      `${backend}: ${last.iteration} iterations in ${seconds} s; it/s each second after the first: ${speeds.join(', ')}; ${last.msPerStep.toFixed(2)} ms of training per step`,
    );
    const { renders, lastMs, totalMs } = last.chart;
    console.log(
      `${backend}: loss curve ${renders} renders, ${(totalMs / Math.max(1, renders)).toFixed(1)} ms each on average (the last: ${lastMs.toFixed(1)} ms), ${((100 * totalMs) / last.trainingMs).toFixed(1)}% of the training time; decision regions ${last.regionsMs.toFixed(1)} ms`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
