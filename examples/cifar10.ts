// CIFAR-10: the MNIST example's two-layer network (3072-100-10) on 32×32 colour images, read
// from the official binary batches in a folder you name with --data. Nothing is downloaded.
import { join } from 'node:path';
import { CIFAR10_CLASSES, DataFileError } from '@tapegrad/datasets/node';
import { trainingCurves, writePng } from '@tapegrad/viz/node';
import {
  cifar10Problem,
  howToGetCifar10,
  loadCifar10Splits,
  trainCifar10,
} from './core/cifar10.js';
import { parseOptions } from './lib/cli.js';
import { progress } from './lib/progress.js';

const opts = parseOptions({
  name: 'cifar10',
  description: 'a 3072-100-10 network on CIFAR-10 from the official binary files (--data <folder>)',
  defaults: { hidden: 100, lambda: 1e-4, lr: 0.01 },
  extra: {
    data: { default: '', description: 'the extracted cifar-10-batches-bin folder (required)' },
    epochs: {
      default: 2,
      description: 'passes over the training images',
      integer: true,
      min: 'positive',
    },
    trainSize: {
      default: 20_000,
      description: 'training images used (the first ones; at most 50,000)',
      integer: true,
      min: 'positive',
    },
    batchSize: { default: 64, description: 'images per minibatch', integer: true, min: 'positive' },
    momentum: { default: 0.9, description: 'SGD momentum', min: 'nonNegative' },
  },
});

const problem = cifar10Problem(opts.data);
if (problem !== null) fail(problem);
let splits: ReturnType<typeof loadCifar10Splits>;
try {
  splits = loadCifar10Splits(opts.data, opts.trainSize);
} catch (err) {
  if (err instanceof DataFileError) fail(err.message);
  throw err;
}
const { train, test } = splits;
console.log(
  `CIFAR-10 from ${opts.data}: ${train.y.length} training and ${test.y.length} test images of 32×32×3 = 3072 values`,
);
console.log('preprocessing: pixels / 255, minus the mean training image');

const batches = Math.ceil(train.y.length / opts.batchSize);
const bar = progress({ total: opts.epochs * batches, label: 'cifar10', unit: 'batch' });
const result = trainCifar10(train, test, {
  hidden: opts.hidden,
  epochs: opts.epochs,
  batchSize: opts.batchSize,
  lr: opts.lr,
  momentum: opts.momentum,
  lambda: opts.lambda,
  seed: opts.seed,
  onBatch: (loss) => bar.tick({ loss }),
  onEpoch: (epoch, trainAcc, testAcc) =>
    bar.log(
      `epoch ${epoch + 1}/${opts.epochs}: train accuracy ${pct(trainAcc)} (first 5000), test accuracy ${pct(testAcc)}`,
    ),
});
bar.stop();

console.log(
  `${result.model.sizes.join('-')} network (${result.model.numParameters()} parameters), ${opts.epochs} epochs of SGD`,
);
console.log(`test accuracy: ${pct(result.testAccuracy.at(-1)!)} (chance: 10%)`);
console.log('per class:');
CIFAR10_CLASSES.forEach((name, k) => {
  console.log(`  ${name.padEnd(10)} ${pct(result.perClass[k]!)}`);
});

// Loss per minibatch with its mean over each epoch, and accuracy per epoch.
const file = await writePng(
  join(opts.out, 'training.png'),
  trainingCurves(
    { loss: result.losses, trainAccuracy: result.trainAccuracy, valAccuracy: result.testAccuracy },
    { stepsPerEpoch: batches, valName: 'test' },
  ),
);
console.log(`wrote ${file}`);

/** Says what is missing and how to get it, on stderr, and exits with status 1. */
function fail(problem: string): never {
  process.stderr.write(`${howToGetCifar10(problem)}\n`);
  process.exit(1);
}

function pct(a: number): string {
  return `${(100 * a).toFixed(2)}%`;
}
