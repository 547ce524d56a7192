// A random split of a dataset into two disjoint parts (used by trainValSplit and loadMnist).
import type { Rng } from '@tapegrad/core';
import type { Dataset, Targets } from '../dataset.js';
import { datasetRows, takeRows } from './rows.js';

/** `[rest, part]`: `part` holds `round(N · fraction)` samples. */
export function splitDataset<Y extends Targets>(
  op: string,
  dataset: Dataset<Y>,
  fraction: number,
  shuffle: boolean,
  rng: Rng,
): [Dataset<Y>, Dataset<Y>] {
  const rows = datasetRows(op, dataset);
  const n = rows.n;
  let order: Int32Array;
  if (shuffle) order = rng.permutation(n);
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const nPart = Math.round(n * fraction);
  return [takeRows(rows, order, 0, n - nPart), takeRows(rows, order, n - nPart, n)];
}
