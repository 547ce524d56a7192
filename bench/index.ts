// `pnpm bench`: runs every `bench/<name>.bench.ts` (each exports `bench: Bench`, see
// lib/harness.ts) in name order, those of RUN_LAST last, and prints its tables. `pnpm bench
// matmul overhead` runs only the files whose names contain one of the words.
//
// Every number also goes to bench/results/latest.json (written to a temporary file, then
// renamed), merged by file, so a filtered run updates only its files' entries; the run's
// tables go to bench/results/latest.md. `pnpm bench --readme` (a full run) also puts them
// in bench/README.md, between its `bench:results` markers.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { backendFeatures, getBackend, threadsReady } from '@tapegrad/core';
import { anchorStatuses } from './lib/anchors.js';
import { type Bench, type BenchTable, formatTable } from './lib/harness.js';
import { describeMachine, machine } from './lib/machine.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const writeReadme = args.includes('--readme');
/**
 * Files that leave the process unfit for timing what runs after them. optim.bench.ts counts
 * typed arrays by swapping the global Float32Array/Float64Array constructors (lib/memory.ts),
 * which leaves V8's code for core's ops deoptimized or polymorphic: the per-op file's tiny
 * MLP forward took 14.1 µs after it, 5.7–8.0 after any other file.
 */
const RUN_LAST = new Set(['optim.bench.ts']);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort(
    (a, b) => Number(RUN_LAST.has(a)) - Number(RUN_LAST.has(b)) || (a < b ? -1 : a > b ? 1 : 0),
  );

if (files.length === 0) {
  console.error(`no bench/*.bench.ts file matches ${filters.join(', ')}`);
  process.exit(1);
}
const box = machine();
// the 'wasm' backend's second thread starts in the background: wait for it
const threads = await threadsReady();
/** The default backend as measured: its WebAssembly features (relaxed SIMD: fused multiply-add) and threads. */
const features = backendFeatures();
const tapegradSetup =
  `tapegrad default backend: ${getBackend()}` +
  `${features.length === 0 ? '' : ` (${features.join(', ')})`}, ${threads} thread(s) for large products`;
console.log(
  `tapegrad bench — ${files.length} file(s)\n${describeMachine(box)}\n${tapegradSetup}\n`,
);

interface FileResult {
  readonly ranAt: string;
  readonly seconds: number;
  readonly machine: typeof box;
  readonly tables: readonly BenchTable[];
  readonly error?: string;
}
const results: Record<string, FileResult> = {};
const started = performance.now();
for (const file of files) {
  const t0 = performance.now();
  const ranAt = new Date().toISOString();
  let tables: BenchTable[] = [];
  let error: string | undefined;
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { bench?: Bench };
    if (typeof mod.bench !== 'function') {
      throw new Error(`bench/${file} must export \`bench\`, a function returning tables`);
    }
    tables = await mod.bench();
    for (const table of tables) console.log(`${formatTable(table)}\n`);
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    console.error(`bench/${file} failed:\n${error}\n`);
    process.exitCode = 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`(${file}: ${seconds.toFixed(1)} s)\n`);
  results[file] = {
    ranAt,
    seconds,
    machine: box,
    tables,
    ...(error === undefined ? {} : { error }),
  };
}
const total = (performance.now() - started) / 1000;
const anchors = anchorStatuses();
console.log('anchors:');
for (const [name, s] of Object.entries(anchors)) {
  console.log(`  ${name}: ${s.available ? '' : 'SKIPPED — '}${s.detail}`);
}
console.log(`\ntotal ${total.toFixed(1)} s`);

// --- results: JSON (merged by file) and markdown, each written atomically
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const writeAtomic = (path: string, text: string) => {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
};
const jsonPath = join(resultsDir, 'latest.json');
let previous: { files?: Record<string, FileResult> } = {};
try {
  previous = JSON.parse(readFileSync(jsonPath, 'utf8')) as typeof previous;
} catch {
  // none yet, or unreadable: start over
}
const json = {
  schema: 1,
  updatedAt: new Date().toISOString(),
  lastRun: { machine: box, files, filters, seconds: total, anchors, tapegrad: tapegradSetup },
  files: { ...(previous.files ?? {}), ...results },
};
writeAtomic(jsonPath, `${JSON.stringify(json, (_k, v) => (v === undefined ? null : v), 1)}\n`);

const markdown = [
  `Run ${new Date().toISOString().slice(0, 10)} on ${describeMachine(box)}; ` +
    `${files.length} file(s), ${total.toFixed(0)} s. ${tapegradSetup}.`,
  '',
  'Anchors:',
  '',
  ...Object.entries(anchors).map(
    ([name, s]) => `- **${name}**: ${s.available ? '' : 'skipped — '}${s.detail}`,
  ),
  '',
  ...Object.entries(results).flatMap(([file, r]) => [
    `### ${file}`,
    '',
    ...(r.error === undefined ? [] : ['```text', `failed: ${r.error.split('\n')[0]}`, '```', '']),
    ...r.tables.flatMap((t) => {
      const [title, , ...body] = formatTable(t).split('\n');
      return [`**${title!.replace(/^## /, '')}**`, '', '```text', ...body, '```', ''];
    }),
  ]),
].join('\n');
writeAtomic(join(resultsDir, 'latest.md'), `${markdown}\n`);
console.log(`results: ${jsonPath} and latest.md`);

if (writeReadme) {
  const readmePath = join(here, 'README.md');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const readme = readFileSync(readmePath, 'utf8');
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (filters.length > 0) {
    console.log('--readme: not written (a filtered run); run `pnpm bench --readme` with no words');
  } else if (i < 0 || j < i) {
    console.log(`--readme: ${readmePath} has no ${start} … ${end} section`);
  } else {
    writeAtomic(
      readmePath,
      `${readme.slice(0, i + start.length)}\n\n${markdown}\n${readme.slice(j)}`,
    );
    console.log(`--readme: the tables are in ${readmePath}`);
  }
}
