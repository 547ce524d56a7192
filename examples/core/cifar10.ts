// CIFAR-10 with the MNIST example's two-layer network and training loop: the official binary
// batches from a folder the user names (nothing is downloaded), scaled to [0, 1] with the
// training set's mean image subtracted, as the notes' preprocessing section advises.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Cifar10Dataset, loadCifar10 } from '@tapegrad/datasets/node';
import { evaluate, type TrainResult, trainClassifier } from './mnist.js';

/** The files of the binary version of CIFAR-10, as `cifar-10-binary.tar.gz` extracts them. */
export const CIFAR10_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
] as const;

/** Bytes per record: 1 label byte, then 3072 pixel bytes. */
const RECORD = 3073;

/** Where the binary version is published (the "CIFAR-10 binary version (suitable for C programs)"). */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

/**
 * What to do when the data is not there: which files, in what format, where to get them.
 * `problem` says what is wrong (no `--data`, a missing folder or file, a bad file).
 *
 * @example
 * console.error(howToGetCifar10('no folder given (--data <folder>)'));
 */
export function howToGetCifar10(problem: string): string {
  return [
    `cifar10: ${problem}`,
    '',
    'This example reads the official binary version of CIFAR-10 from a folder you name;',
    'it downloads nothing. To get the data:',
    `  1. download ${CIFAR10_URL}`,
    '     (162 MB: "CIFAR-10 binary version (suitable for C programs)" on',
    '     https://www.cs.toronto.edu/~kriz/cifar.html)',
    '  2. extract it: tar xzf cifar-10-binary.tar.gz  (makes a folder cifar-10-batches-bin)',
    '  3. run: npx tsx --conditions=tapegrad-source examples/cifar10.ts --data cifar-10-batches-bin',
    '',
    'The folder must hold six files: data_batch_1.bin ... data_batch_5.bin (the 50,000',
    'training images) and test_batch.bin (the 10,000 test images). Each file is 10,000',
    'records of 3073 bytes: 1 label byte (0-9: airplane, automobile, bird, cat, deer, dog,',
    'frog, horse, ship, truck), then 3072 pixel bytes (0-255): the 1024 red values of the',
    '32x32 image row by row, then the 1024 green, then the 1024 blue.',
  ].join('\n');
}

/**
 * Why `folder` cannot be read as CIFAR-10 (a message for {@link howToGetCifar10}), or null
 * when it holds every file with a whole number of records. Looks at names and sizes only;
 * the loader checks the contents (a label byte above 9 is a `DataFileError` too).
 *
 * @example
 * cifar10Problem(''); // 'no folder given (--data <folder>)'
 */
export function cifar10Problem(folder: string): string | null {
  if (folder === '') return 'no folder given (--data <folder>)';
  if (!existsSync(folder)) return `folder not found: ${folder}`;
  if (!statSync(folder).isDirectory()) return `not a folder: ${folder}`;
  const missing = CIFAR10_FILES.filter((name) => !existsSync(join(folder, name)));
  if (missing.length > 0) return `${folder} lacks ${missing.join(', ')}`;
  for (const name of CIFAR10_FILES) {
    const size = statSync(join(folder, name)).size;
    if (size === 0 || size % RECORD !== 0) {
      return `${join(folder, name)} has ${size} bytes, not a whole number of ${RECORD}-byte records`;
    }
  }
  return null;
}

/**
 * The two splits, pixels scaled to [0, 1] and centred by the training set's mean image;
 * `trainSize` keeps the first that many training images (all 50,000 by default).
 *
 * @example
 * const { train, test } = loadCifar10Splits('cifar-10-batches-bin', 20_000);
 */
export function loadCifar10Splits(
  folder: string,
  trainSize?: number,
): { train: Cifar10Dataset; test: Cifar10Dataset } {
  const all = loadCifar10(folder, { scale: 1 / 255, subtractMean: true });
  const test = loadCifar10(folder, { split: 'test', scale: 1 / 255, subtractMean: all.mean! });
  const n = Math.min(trainSize ?? all.y.length, all.y.length);
  const train =
    n === all.y.length ? all : { x: all.x.slice(0, 0, n), y: all.y.slice(0, n), mean: all.mean };
  return { train, test };
}

/**
 * How {@link trainCifar10} trains (the options of the MNIST example's loop).
 *
 * @example
 * const options: CifarOptions = { hidden: 100, epochs: 2, batchSize: 64, lr: 0.01, momentum: 0.9, lambda: 1e-4, seed: 0 };
 */
export type CifarOptions = Parameters<typeof trainClassifier>[2];

/**
 * Trains a 3072-hidden-10 network on `train` and reports the test accuracy, overall and per
 * class (by label).
 *
 * @example
 * const { testAccuracy, perClass } = trainCifar10(train, test, options);
 */
export function trainCifar10(
  train: Cifar10Dataset,
  test: Cifar10Dataset,
  options: CifarOptions,
): TrainResult & { perClass: number[]; predicted: Int32Array } {
  const result = trainClassifier(train, test, { trainAccuracyOn: 5000, ...options });
  const { predicted } = evaluate(result.model, test);
  const right = new Array<number>(10).fill(0);
  const count = new Array<number>(10).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    count[test.y[i]!]!++;
    if (predicted[i] === test.y[i]) right[test.y[i]!]!++;
  }
  return { ...result, predicted, perClass: right.map((r, k) => (count[k]! ? r / count[k]! : 0)) };
}
