// DataLoader: batches of a dataset, in order or reshuffled every epoch.
import { type Rng, ValueError } from '@tapegrad/core';
import type { Dataset, SeedOptions, Targets } from './dataset.js';
import {
  checkBoolean,
  checkInt,
  checkOptions,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { type DatasetRows, datasetRows, numSamples, takeRows } from './internal/rows.js';

export interface DataLoaderOptions extends SeedOptions {
  /** Samples per batch (a whole number ≥ 1). */
  readonly batchSize: number;
  /** Visit the samples in a new random order every epoch (default false: in order). */
  readonly shuffle?: boolean;
  /** Leave out the last batch of an epoch when it is smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
}

const OPTIONS = optionNames<DataLoaderOptions>({
  batchSize: true,
  shuffle: true,
  dropLast: true,
  seed: true,
  rng: true,
});

/** One batch: `x` is `[b, …]` and `y` holds the b matching targets, of the dataset's kind. */
export type Batch<Y extends Targets = Targets> = Dataset<Y>;

/**
 * Iterates a dataset in batches `{ x, y }`. Each `for … of` (or `for await … of`) over the
 * loader is one epoch that visits every sample once; with `shuffle`, each epoch draws a new
 * order from the loader's generator, so a seed fixes the orders of every epoch in turn.
 * Every batch is a fresh copy, its rows taken with `indexSelect(x, 0, rows)` in the epoch's
 * order: changing it (or the next one) never changes the dataset or a batch you already hold.
 * Batches are plain tensors, not recorded on the tape, even if the dataset's `x` requires grad.
 *
 * @example
 * const loader = new DataLoader(spiral({ seed: 0 }), { batchSize: 32, shuffle: true, seed: 1 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const { x, y } of loader) {
 *     // x: Tensor [32, 2] (the last batch of an epoch: [12, 2]), y: Int32Array(32)
 *   }
 * }
 */
export class DataLoader<Y extends Targets = Targets>
  implements Iterable<Batch<Y>>, AsyncIterable<Batch<Y>>
{
  readonly dataset: Dataset<Y>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rows: DatasetRows<Y>;
  private readonly rng: Rng;
  private epochs = 0;

  constructor(dataset: Dataset<Y>, options: DataLoaderOptions) {
    const op = 'DataLoader';
    if (options === undefined) {
      throw new ValueError(op, 'options are required: new DataLoader(dataset, { batchSize })');
    }
    numSamples(op, dataset);
    const o = checkOptions(op, options, OPTIONS, '{ batchSize: 32, shuffle: true }');
    this.batchSize = checkInt(op, 'batchSize', o.batchSize);
    this.shuffle = checkBoolean(op, 'shuffle', given(o.shuffle, false));
    this.dropLast = checkBoolean(op, 'dropLast', given(o.dropLast, false));
    this.rng = resolveRng(op, o);
    this.rows = datasetRows(op, dataset);
    this.dataset = dataset;
  }

  /** The number of batches in one epoch. */
  get length(): number {
    const n = this.rows.n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The number of epochs started so far (iterators created). */
  get epoch(): number {
    return this.epochs;
  }

  /** Start an epoch: its order is drawn now, its batches are copied as they are reached. */
  [Symbol.iterator](): Iterator<Batch<Y>> {
    return this.batches(this.nextOrder());
  }

  /** The same epoch as an async iterable, for `for await` loops and streams. */
  [Symbol.asyncIterator](): AsyncIterator<Batch<Y>> {
    const batches = this.batches(this.nextOrder());
    return {
      next: async () => batches.next(),
      return: async () => batches.return(undefined),
    };
  }

  private nextOrder(): Int32Array {
    this.epochs++;
    const n = this.rows.n;
    if (this.shuffle) return this.rng.permutation(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  private *batches(order: Int32Array): Generator<Batch<Y>, undefined, undefined> {
    const n = order.length;
    const end = this.dropLast ? n - (n % this.batchSize) : n;
    for (let start = 0; start < end; start += this.batchSize) {
      yield takeRows(this.rows, order, start, Math.min(start + this.batchSize, end));
    }
    return undefined;
  }
}
