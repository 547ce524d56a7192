// MNIST digits: a 784-100-10 network trained by minibatch SGD on real handwritten digits,
// its test accuracy, and its weights saved as safetensors, reloaded and re-evaluated.
import { join } from 'node:path';
import { loadMnist } from '@tapegrad/datasets/node';
import { grayRaster, imageView, panels, trainingCurves, writePng } from '@tapegrad/viz/node';
import { evaluate, saveAndReload, trainClassifier } from './core/mnist.js';
import { parseOptions } from './lib/cli.js';
import { progress } from './lib/progress.js';

const opts = parseOptions({
  name: 'mnist',
  description: 'a 784-100-10 network on the MNIST digits, saved and reloaded as safetensors',
  defaults: { hidden: 100, lambda: 1e-4, lr: 0.1 },
  extra: {
    epochs: {
      default: 8,
      description: 'passes over the training digits',
      integer: true,
      min: 'positive',
    },
    batchSize: { default: 64, description: 'digits per minibatch', integer: true, min: 'positive' },
    momentum: { default: 0.9, description: 'SGD momentum', min: 'nonNegative' },
  },
});

const { train, test } = loadMnist({ seed: opts.seed });
console.log(
  `MNIST: ${train.y.length} training and ${test.y.length} test digits of 28×28 = 784 pixels`,
);
const batches = Math.ceil(train.y.length / opts.batchSize);
const bar = progress({ total: opts.epochs * batches, label: 'mnist', unit: 'batch' });
const result = trainClassifier(train, test, {
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
      `epoch ${epoch + 1}/${opts.epochs}: train accuracy ${pct(trainAcc)}, test accuracy ${pct(testAcc)}`,
    ),
});
bar.stop();

const { model } = result;
const before = evaluate(model, test);
console.log(
  `${model.sizes.join('-')} network (${model.numParameters()} parameters), ${opts.epochs} epochs of SGD`,
);
console.log(`test accuracy: ${pct(before.accuracy)} (chance: 10%)`);

const weightsFile = join(opts.out, 'mlp.safetensors');
const reloaded = await saveAndReload(model, weightsFile);
const after = evaluate(reloaded, test);
console.log(`saved the weights to ${weightsFile}, loaded them into a fresh network`);
console.log(`test accuracy after reloading: ${pct(after.accuracy)}`);
if (
  after.accuracy !== before.accuracy ||
  after.predicted.some((p, i) => p !== before.predicted[i])
) {
  throw new Error('mnist: the reloaded network predicts differently from the trained one');
}
console.log('same predictions on every test digit');

// Loss per minibatch with its mean over each epoch, and accuracy per epoch.
const curves = await writePng(
  join(opts.out, 'training.png'),
  trainingCurves(
    { loss: result.losses, trainAccuracy: result.trainAccuracy, valAccuracy: result.testAccuracy },
    { stepsPerEpoch: batches, valName: 'test' },
  ),
);
console.log(`wrote ${curves}`);

// The first test digits the network gets wrong, titled "true → predicted".
const wrong: number[] = [];
for (let i = 0; i < test.y.length && wrong.length < 24; i++) {
  if (before.predicted[i] !== test.y[i]) wrong.push(i);
}
if (wrong.length > 0) {
  const pixels = test.x.toTypedArray();
  const digits = wrong.map((i) =>
    imageView(grayRaster(pixels.subarray(784 * i, 784 * (i + 1)), 28, 28), {
      title: `${test.y[i]} → ${before.predicted[i]}`,
      zoom: 3,
    }),
  );
  const file = await writePng(
    join(opts.out, 'mistakes.png'),
    panels(digits, { cols: 8, title: 'test digits the network got wrong (true → predicted)' }),
  );
  console.log(`wrote ${file}`);
}

function pct(a: number): string {
  return `${(100 * a).toFixed(2)}%`;
}
