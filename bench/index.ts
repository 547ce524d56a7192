// `pnpm bench`: runs every `bench/<name>.bench.ts` (each exports `bench: Bench`, see
// lib/harness.ts) in name order and prints its tables. `pnpm bench matmul overhead` runs
// only the files whose names contain one of the words. Each file runs in a process of its
// own (this script again, with `--child <file> --json <path>`), so that no file's tables
// depend on what ran before it in the process: JIT state, heap and C-heap sizes, a worker
// still spinning.
//
// Every number also goes to bench/results/latest.json (written to a temporary file, then
// renamed), merged by file, so a filtered run updates only its files' entries; the run's
// tables go to bench/results/latest.md. `pnpm bench --readme` (a full run) also puts them
// in bench/README.md, between its `bench:results` markers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { backendFeatures, getBackend, threadsReady } from '@tapegrad/core';
import { type AnchorStatus, anchorStatuses } from './lib/anchors.js';
import { type Bench, type BenchTable, formatTable } from './lib/harness.js';
import { describeMachine, machine } from './lib/machine.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const writeReadme = args.includes('--readme');
/** The value after a flag (`--child file`), or undefined. */
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const VALUED = new Set(['--child', '--json']);
const filters = args.filter((a, i) => !a.startsWith('-') && !VALUED.has(args[i - 1] ?? ''));
const child = flag('--child');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

interface FileResult {
  readonly ranAt: string;
  readonly seconds: number;
  readonly machine: ReturnType<typeof machine>;
  readonly tables: readonly BenchTable[];
  readonly error?: string;
}

/** JSON with undefined values written as null. */
const toJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, (_k, v) => (v === undefined ? null : v), indent);

/** What a child process reports on its file. */
interface ChildReport {
  readonly result: FileResult;
  readonly anchors: Record<string, AnchorStatus>;
}

if (child !== undefined) {
  // the child: run one file in this fresh process and write its report where asked
  const json = flag('--json');
  if (!files.includes(child) || json === undefined) {
    console.error(`bench/index.ts --child: no bench file ${child}, or no --json path`);
    process.exit(2);
  }
  await threadsReady();
  const result = await runFile(child, machine());
  const report: ChildReport = { result, anchors: anchorStatuses() };
  writeFileSync(json, toJson(report));
  process.exit(result.error === undefined ? 0 : 1);
}

/** Runs one bench file in this process, printing its tables as they come. */
async function runFile(file: string, box: ReturnType<typeof machine>): Promise<FileResult> {
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
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`(${file}: ${seconds.toFixed(1)} s)\n`);
  return { ranAt, seconds, machine: box, tables, ...(error === undefined ? {} : { error }) };
}

/**
 * Runs one bench file in a child process: node with this process's flags (tsx's loader,
 * `--conditions`, a V8 flag such as `--experimental-wasm-relaxed-simd`) on this script.
 */
function runChild(file: string): ChildReport {
  const json = join(tmpdir(), `tapegrad-bench-${process.pid}-${file}.json`);
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', file, '--json', json],
    { stdio: 'inherit' },
  );
  try {
    return JSON.parse(readFileSync(json, 'utf8')) as ChildReport;
  } catch {
    const why = run.error?.message ?? `exit code ${run.status}, signal ${run.signal}`;
    const error = `bench/${file}: its process wrote no report (${why})`;
    console.error(`${error}\n`);
    return {
      result: { ranAt: new Date().toISOString(), seconds: 0, machine: box, tables: [], error },
      anchors: {},
    };
  } finally {
    rmSync(json, { force: true });
  }
}

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

const results: Record<string, FileResult> = {};
const anchors: Record<string, AnchorStatus> = {};
const started = performance.now();
for (const file of files) {
  const report = runChild(file);
  results[file] = report.result;
  if (report.result.error !== undefined) process.exitCode = 1;
  // an anchor loaded in any file counts as available
  for (const [name, s] of Object.entries(report.anchors)) {
    if (anchors[name] === undefined || s.available) anchors[name] = s;
  }
}
const total = (performance.now() - started) / 1000;
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
writeAtomic(jsonPath, `${toJson(json, 1)}\n`);

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
