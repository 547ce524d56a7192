// The notes' single neuron as a linear classifier: its score w·x + b, trained with the
// logistic loss (the binary softmax classifier) and with the hinge loss (the binary SVM),
// on two Gaussian blobs. Prints each one's training accuracy and draws both boundaries.
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { blobs } from '@tapegrad/datasets';
import { decisionRegions, panels, writePng } from '@tapegrad/viz/node';
import { type NeuronLoss, neuronClassifier, trainNeuron } from './core/neuron.js';
import { parseOptions } from './lib/cli.js';

const opts = parseOptions({
  name: 'neuron',
  description: 'a single neuron as a binary softmax classifier and as a binary SVM',
  defaults: { iterations: 300, lambda: 1e-3, lr: 0.5 },
});

// One generator for everything, so a seed fixes the data and both initial weights.
const rng = new Rng(opts.seed);
const data = blobs({
  centers: [
    [-1, -1],
    [1, 1],
  ],
  std: 0.8,
  pointsPerClass: 100,
  rng,
});
console.log(`data: 2 Gaussian blobs of 100 points around (-1, -1) and (1, 1), std 0.8`);

const classifiers: [NeuronLoss, string][] = [
  ['logistic', 'logistic loss (binary softmax)'],
  ['hinge', 'hinge loss (binary SVM)'],
];
const points = data.x.toTypedArray();
const pictures = classifiers.map(([loss, name]) => {
  const { neuron, losses, accuracy } = trainNeuron(data, loss, {
    iterations: opts.iterations,
    lr: opts.lr,
    lambda: opts.lambda,
    rng,
  });
  const [w0, w1] = neuron.weight.toTypedArray();
  console.log(
    `${name}: loss ${losses[0]!.toFixed(4)} → ${losses[losses.length - 1]!.toFixed(4)}, ` +
      `training accuracy ${(100 * accuracy).toFixed(1)}%, ` +
      `w = [${w0!.toFixed(3)}, ${w1!.toFixed(3)}], b = ${neuron.bias.item().toFixed(3)}`,
  );
  return decisionRegions(neuronClassifier(neuron), points, data.y, {
    classNames: ['class 0', 'class 1'],
    xTitle: 'x1',
    yTitle: 'x2',
    title: `${name}: ${(100 * accuracy).toFixed(1)}%`,
  });
});

const file = await writePng(
  join(opts.out, 'neuron.png'),
  panels(pictures, { cols: 2, title: 'one neuron, two linear classifiers: w·x + b = 0' }),
);
console.log(`decision boundaries: ${file}`);
