// Vite's and esbuild's production browser bundles of an app on @tapegrad/* train and draw, with no
// Node built-in.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build as esbuild, formatMessages } from 'esbuild';
import type { Rolldown } from 'vite';
import { createLogger, build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const entry = join(import.meta.dirname, 'app/main.ts');
/** The browsers to build for: Vite 8's default target, 'baseline-widely-available'. */
const BROWSERS = ['chrome111', 'edge111', 'firefox114', 'safari16.4', 'ios16.4'];
const PACKAGES = ['core', 'nn', 'optim', 'datasets', 'viz', 'onnx'];

/** What a bundler made: the bundle's path, the files it took in and the imports it left. */
interface Bundle {
  file: string;
  inputs: string[];
  externalImports: string[];
  warnings: string[];
}

/** Result of running a bundle with Node. */
interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

let out: string;

/**
 * Builds each package's dist/ with the workspace's TypeScript, as `pnpm build` does (core
 * first: the others compile against its declarations), so that a fresh clone needs no build.
 */
async function buildPackages(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compile = (pkg: string) =>
    run(process.execPath, [tsc, '-p', `packages/${pkg}/tsconfig.build.json`], { cwd: root }).catch(
      (e: { stdout?: string; stderr?: string }) => {
        throw new Error(`tsc failed on packages/${pkg}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      },
    );
  await compile('core');
  await Promise.all(PACKAGES.filter((p) => p !== 'core' && p !== 'onnx').map(compile));
  await compile('onnx'); // against nn's declarations
}

async function bundleWithVite(): Promise<Bundle> {
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (msg) => void warnings.push(msg);
  logger.warnOnce = logger.warn;
  // A production build needs NODE_ENV=production ('test' under vitest would make it a dev one).
  vi.stubEnv('NODE_ENV', 'production');
  try {
    const result = await viteBuild({
      configFile: false,
      root: join(import.meta.dirname, 'app'),
      mode: 'production',
      logLevel: 'warn',
      customLogger: logger,
      build: {
        outDir: join(out, 'vite'),
        emptyOutDir: true,
        minify: true,
        target: BROWSERS,
        copyPublicDir: false,
        reportCompressedSize: false,
        rolldownOptions: { input: entry, output: { format: 'es', entryFileNames: 'app.mjs' } },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
    return {
      file: join(out, 'vite', 'app.mjs'),
      inputs: chunks.flatMap((c) => c.moduleIds),
      externalImports: chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]),
      warnings,
    };
  } finally {
    vi.unstubAllEnvs();
  }
}

async function bundleWithEsbuild(): Promise<Bundle> {
  const file = join(out, 'esbuild', 'app.mjs');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: BROWSERS,
    minify: true, // also defines process.env.NODE_ENV as "production"
    treeShaking: true,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.values(result.metafile.outputs);
  return {
    file,
    inputs: Object.keys(result.metafile.inputs).map((p) => resolve(root, p)),
    externalImports: outputs.flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)),
    warnings: await formatMessages(result.warnings, { kind: 'warning' }),
  };
}

async function runBundle(file: string): Promise<Run> {
  return run(process.execPath, [file], { cwd: out, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, signal: null, stdout, stderr }),
    (e: { code?: number | null; signal?: string | null; stdout?: string; stderr?: string }) => ({
      code: e.code ?? null,
      signal: e.signal ?? null,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
}

/**
 * What a failed run printed, for the failure message. Node echoes the minified source line
 * (and a caret under it) above an uncaught error: those lines are cut short.
 */
function report(name: string, bundle: Bundle, result: Run): string {
  const cut = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .filter((l) => !/^\s*\^?\s*$/.test(l) || l.length < 240)
      .map((l) => (l.length > 240 ? `${l.slice(0, 240)}… (${l.length} characters)` : l))
      .join('\n');
  return [
    `node ${relative(out, bundle.file)} failed${result.signal ? ` (${result.signal})` : ''}.`,
    `stderr:\n${cut(result.stderr) || '(empty)'}`,
    `stdout:\n${cut(result.stdout) || '(empty)'}`,
    `${name} warnings: ${bundle.warnings.join('\n') || '(none)'}`,
    `exit code of the ${name} bundle`,
  ].join('\n');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const BUILTIN = String.raw`node:[\w/]+|${builtinModules.map(escapeRegExp).join('|')}`;
const IS_BUILTIN = new RegExp(`^(?:${BUILTIN})$`);
/** `from "fs"`, `import "fs"`, `import("fs")`, `require("fs")`, and any "node:…" string. */
const BUILTIN_IN_TEXT = new RegExp(
  String.raw`(?:\bfrom|\bimport|\brequire)\s*\(?\s*["'\`](?:${BUILTIN})["'\`]|["'\`]node:[\w/]+["'\`]`,
  'g',
);

/**
 * The one built-in a browser bundle may name: core's 'wasm' backend starts its second thread
 * from `worker_threads` only when it runs in Node (`process.versions.node`), by an import of
 * a variable (which a minifier may inline: `import("node:worker_threads")`), and in the
 * worker's source text (a string run by `new Worker(…, { eval: true })`). In a browser it
 * makes a Blob worker instead.
 */
const WORKER_THREADS = /^(?:(?:require|import)\(\s*)?["'`]node:worker_threads["'`]$/;

/**
 * Checks that a bundle took each package from its browser dist/ (not src/, nor the Node
 * entries dist/node.js) and holds no Node built-in: none bundled (Vite stubs them as
 * __vite-browser-external and warns), left as an import, or named in the text.
 */
async function checkBrowserBundle(name: string, bundle: Bundle): Promise<void> {
  const text = await readFile(bundle.file, 'utf8');
  const inputs = bundle.inputs.map((p) => relative(root, p));
  const fromDist = (pkg: string) => inputs.some((p) => p.startsWith(`packages/${pkg}/dist/`));
  const problems = [
    ...PACKAGES.filter((pkg) => !fromDist(pkg)).map((pkg) => `nothing from packages/${pkg}/dist`),
    ...inputs
      .filter((p) => /^packages\/(?![^/]+\/dist\/)|^packages\/[^/]+\/dist\/node\.js$/.test(p))
      .map((p) => `bundled ${p}`),
    ...inputs.filter((p) => p.includes('browser-external')).map((p) => `bundled ${p}`),
    ...bundle.warnings.filter((w) => w.includes('externalized for browser')),
    ...bundle.externalImports.filter((i) => IS_BUILTIN.test(i)).map((i) => `imports ${i}`),
    ...(text.match(BUILTIN_IN_TEXT) ?? [])
      .filter((m) => !WORKER_THREADS.test(m))
      .map((m) => `text: ${m}`),
  ];
  expect(problems, `the ${name} bundle`).toEqual([]);
}

/**
 * Runs the bundle with Node and checks that training lowered the loss, and that the SVG of the
 * decision regions holds the picture of the grid, the 150 points and the title.
 */
async function checkTraining(name: string, bundle: Bundle): Promise<void> {
  const result = await runBundle(bundle.file);
  expect(result.code, report(name, bundle, result)).toBe(0);
  const { before, after, onnxBytes, picture } = JSON.parse(
    result.stdout.trim().split('\n').at(-1)!,
  ) as {
    before: number;
    after: number;
    onnxBytes: number;
    picture: unknown;
  };
  // the trained 2-32-3 MLP as ONNX: 195 float32 parameters (780 bytes) and the graph
  expect(onnxBytes, `${name}: the ONNX export's size`).toBeGreaterThan(780);
  const loss = `${name}: loss ${before} before training, ${after} after`;
  expect(Number.isFinite(before), loss).toBe(true);
  // About 1.38 -> 0.37 with this seed: the 30 steps must at least halve the loss.
  expect(after, loss).toBeLessThan(before / 2);
  expect(picture, `${name}: the decision regions' SVG`).toEqual({
    svg: true,
    images: 1,
    circles: 150,
    title: true,
  });
}

describe('a production browser bundle of an app on @tapegrad/*', () => {
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'tapegrad-bundle-'));
    await buildPackages();
  }, 120_000);
  afterAll(() => out && rm(out, { recursive: true, force: true }));

  it('built by Vite trains, draws and holds no Node built-in', { timeout: 120_000 }, async () => {
    const bundle = await bundleWithVite();
    await checkBrowserBundle('vite', bundle);
    await checkTraining('vite', bundle);
  });

  it('built by esbuild trains, draws and holds no Node built-in', {
    timeout: 120_000,
  }, async () => {
    const bundle = await bundleWithEsbuild();
    await checkBrowserBundle('esbuild', bundle);
    await checkTraining('esbuild', bundle);
  });
});
