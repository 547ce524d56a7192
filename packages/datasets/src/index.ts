// @tapegrad/datasets for every runtime: synthetic 2-D sets, batching and preprocessing (no
// node: import). In Node, '@tapegrad/datasets' resolves to node.ts, which adds the file
// loaders (MNIST, CIFAR-10); bundlers get this file through the 'browser' condition.
export { type BlobsOptions, blobs } from './blobs.js';
export { CIFAR10_CLASSES } from './cifar10-classes.js';
export { type CirclesOptions, circles } from './circles.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './data-loader.js';
export type { Dataset, SeedOptions, SyntheticOptions, Targets } from './dataset.js';
export { DataFileError } from './errors.js';
export { type MoonsOptions, moons } from './moons.js';
export { type OneHotOptions, oneHot } from './one-hot.js';
export { type Regression1dFn, type Regression1dOptions, regression1d } from './regression1d.js';
export { type SpiralOptions, spiral } from './spiral.js';
export { Standardizer, type StandardizerOptions } from './standardizer.js';
export { type TrainValSplit, type TrainValSplitOptions, trainValSplit } from './train-val-split.js';
export { type XorOptions, xor } from './xor.js';
