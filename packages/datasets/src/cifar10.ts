// CIFAR-10 from the official binary batches in a folder the user names (Node only: node:fs).
import { join } from 'node:path';
import { Tensor, ValueError } from '@tapegrad/core';
import { fmtShape, fromBuffer } from '@tapegrad/core/op-kit';
import type { Dataset } from './dataset.js';
import { DataFileError } from './errors.js';
import {
  checkBoolean,
  checkChoice,
  checkFinite,
  checkOptions,
  checkPath,
  describe,
  given,
  optionNames,
} from './internal/check.js';
import { checkFile, checkFolder, pathKind, readDataFile } from './internal/files.js';

/** Pixels per image: 32 × 32 in each of 3 channels. */
const PIXELS = 3072;
/** Bytes per record: 1 label byte, then the 1024 red, 1024 green and 1024 blue bytes. */
const RECORD = 1 + PIXELS;

const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILES = ['test_batch.bin'];

export interface LoadCifar10Options {
  /** `'train'` (default): data_batch_1.bin … data_batch_5.bin, 50,000 images; `'test'`: test_batch.bin, 10,000. */
  readonly split?: 'train' | 'test';
  /** `x` of shape `[N, 3072]` (default true) or, when false, `[N, 3, 32, 32]`. */
  readonly flatten?: boolean;
  /** Multiply every pixel value (0 … 255) by this (default 1; `1 / 255` gives [0, 1]). */
  readonly scale?: number;
  /**
   * Mean subtraction: `true` subtracts the mean image of this split (training split only);
   * a tensor of 3072 values (such as `train.mean`) subtracts that image. After `scale`.
   */
  readonly subtractMean?: boolean | Tensor;
}

const OPTIONS = optionNames<LoadCifar10Options>({
  split: true,
  flatten: true,
  scale: true,
  subtractMean: true,
});

/** The folder the official archive extracts to. */
const FOLDER = 'cifar-10-batches-bin';

/** A CIFAR-10 split: `x` float32, `y` labels 0–9, and the mean image subtracted (or null). */
export interface Cifar10Dataset extends Dataset<Int32Array> {
  /** The mean image that was subtracted, shaped like one sample of `x`; null if none was. */
  readonly mean: Tensor | null;
}

/**
 * Read CIFAR-10 from the official binary batches (the extracted `cifar-10-batches-bin`
 * folder); nothing is downloaded. Each record is 1 label byte and 3072 pixel bytes, channel
 * by channel (red, green, blue), each channel row by row. Returns `x` float32 `[N, 3072]` (or
 * `[N, 3, 32, 32]`) with the raw pixel values times `scale`, and `y` an `Int32Array` of labels
 * 0–9 (see `CIFAR10_CLASSES`), in file order.
 *
 * The notes' preprocessing: subtract the mean image of the training data from every split.
 * A missing folder or file, a folder where a batch file belongs, a file that cannot be read,
 * a file whose length is not a multiple of 3073 bytes and a label byte above 9 are
 * `DataFileError`s naming the path (and the byte offset). Bad options are ValueErrors,
 * thrown before any file is touched.
 *
 * @example
 * import { loadCifar10 } from '@tapegrad/datasets/node';
 * const train = loadCifar10('data/cifar-10-batches-bin', { subtractMean: true });
 * const test = loadCifar10('data/cifar-10-batches-bin', { split: 'test', subtractMean: train.mean! });
 * train.x.shape; // [50000, 3072]
 */
export function loadCifar10(folder: string, options: LoadCifar10Options = {}): Cifar10Dataset {
  const op = 'loadCifar10';
  checkPath(op, 'folder', folder);
  const o = checkOptions(op, options, OPTIONS, "{ split: 'test', scale: 1 / 255 }");
  const split = checkChoice(op, 'split', given(o.split, 'train'), ['train', 'test']);
  const flatten = checkBoolean(op, 'flatten', given(o.flatten, true));
  const scale = checkFinite(op, 'scale', given(o.scale, 1));
  const subtractMean: unknown = given(o.subtractMean, false);
  if (typeof subtractMean !== 'boolean' && !(subtractMean instanceof Tensor)) {
    throw new ValueError(
      op,
      `subtractMean must be true, false or a mean image Tensor of ${PIXELS} values (such as train.mean), got ${describe(subtractMean)}`,
    );
  }
  if (subtractMean === true && split !== 'train') {
    throw new ValueError(
      op,
      "subtractMean: true on the test split would use the test data's own statistics; pass the training mean instead (subtractMean: train.mean)",
    );
  }
  const givenMean = subtractMean instanceof Tensor ? meanImage(op, subtractMean) : null;

  const files = checkFiles(op, folder, split === 'train' ? TRAIN_FILES : TEST_FILES);
  const n = files.reduce((s, f) => s + f.records, 0);
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  let row = 0;
  for (const f of files) {
    const bytes = readDataFile(op, f.path);
    if (bytes.length !== f.records * RECORD) {
      throw new DataFileError(
        op,
        f.path,
        null,
        `${f.path}: changed while being read (${bytes.length} bytes, ${f.records * RECORD} when checked)`,
      );
    }
    for (let r = 0, off = 0; r < f.records; r++, off += RECORD, row++) {
      const label = bytes[off]!;
      if (label > 9) {
        throw new DataFileError(
          op,
          f.path,
          off,
          `${f.path}: label byte ${label} at offset ${off} (record ${r}) is not a CIFAR-10 class; expected 0–9`,
        );
      }
      y[row] = label;
      const base = row * PIXELS;
      const src = off + 1;
      if (scale === 1) for (let k = 0; k < PIXELS; k++) x[base + k] = bytes[src + k]!;
      else for (let k = 0; k < PIXELS; k++) x[base + k] = bytes[src + k]! * scale;
    }
  }

  let mean: Float32Array | null = givenMean;
  if (subtractMean === true) mean = meanOfRows(x, n);
  if (mean !== null) {
    for (let i = 0; i < n; i++) {
      const base = i * PIXELS;
      for (let k = 0; k < PIXELS; k++) x[base + k]! -= mean[k]!;
    }
  }
  const sample = flatten ? [PIXELS] : [3, 32, 32];
  return {
    x: fromBuffer(x, [n, ...sample]),
    y,
    mean: mean === null ? null : fromBuffer(mean.slice(), sample),
  };
}

interface BatchFile {
  readonly path: string;
  readonly records: number;
}

/** Check the folder, each file's presence and length, before reading any of them. */
function checkFiles(op: string, folder: string, names: readonly string[]): BatchFile[] {
  const expected = `the CIFAR-10 binary batches (${[...TRAIN_FILES, ...TEST_FILES].join(', ')})`;
  checkFolder(op, folder, expected);
  // The folder the archive extracts to, one level down: a common slip.
  const inner = join(folder, FOLDER);
  const hint =
    pathKind(op, join(folder, names[0]!)) === 'missing' && pathKind(op, inner) === 'folder'
      ? ` (did you mean ${inner}?)`
      : '';
  return names.map((name) => {
    const path = join(folder, name);
    const size = checkFile(
      op,
      path,
      `the CIFAR-10 binary batch ${name} (records of 1 label byte + 3072 pixel bytes) in ${folder}${hint}`,
    );
    if (size === 0 || size % RECORD !== 0) {
      const last = size - (size % RECORD);
      throw new DataFileError(
        op,
        path,
        last,
        size === 0
          ? `${path}: the file is empty; expected records of ${RECORD} bytes (1 label byte + 3072 pixel bytes)`
          : `${path}: length ${size} is not a multiple of ${RECORD} (1 label byte + 3072 pixel bytes per record); the incomplete record at offset ${last} has ${size - last} bytes`,
      );
    }
    return { path, records: size / RECORD };
  });
}

/** The mean of n rows of 3072 values, accumulated in float64. */
function meanOfRows(x: Float32Array, n: number): Float32Array {
  const acc = new Float64Array(PIXELS);
  for (let i = 0; i < n; i++) {
    const base = i * PIXELS;
    for (let k = 0; k < PIXELS; k++) acc[k]! += x[base + k]!;
  }
  const mean = new Float32Array(PIXELS);
  for (let k = 0; k < PIXELS; k++) mean[k] = n === 0 ? 0 : acc[k]! / n;
  return mean;
}

/** A given mean image: any tensor of 3072 values ([3072] or [3, 32, 32]). */
function meanImage(op: string, t: Tensor): Float32Array {
  if (t.size !== PIXELS) {
    throw new ValueError(
      op,
      `subtractMean must be a mean image of ${PIXELS} values ([3072] or [3,32,32]), got shape ${fmtShape(t.shape)}`,
    );
  }
  return Float32Array.from(t.toTypedArray());
}
