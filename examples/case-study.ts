// The notes' case study on the spiral (3 classes × 100 points): a softmax linear classifier,
// then a 2-layer ReLU net with 100 hidden units, both by full-batch gradient descent with
// step size 1 and L2 strength λ on the weights. The notes report about 49% and 98%
// training accuracy; this prints the loss as it goes, both accuracies, and draws both.
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import type { Module } from '@tapegrad/nn';
import { decisionRegions, panels, writePng } from '@tapegrad/viz/node';
import { classifier, linearClassifier, train, twoLayerNet } from './core/case-study.js';
import { parseOptions } from './lib/cli.js';
import { progress } from './lib/progress.js';

const opts = parseOptions({
  name: 'case-study',
  description: 'the cs231n case study: a linear classifier and a 2-layer net on the spiral',
  defaults: { iterations: 10_000, hidden: 100, lambda: 1e-3, lr: 1 },
  extra: {
    linearIterations: {
      default: 200,
      description: 'iterations of the linear classifier',
      integer: true,
      min: 'positive',
    },
  },
});

// One generator: the data first, then the initial weights of each model.
const rng = new Rng(opts.seed);
const data = spiral({ classes: 3, pointsPerClass: 100, rng });

/** Trains `model` with the shared loop, printing the loss every `every` iterations. */
function fit(model: Module, label: string, iterations: number, every: number): number {
  console.log(`${label}: ${iterations} iterations, step size ${opts.lr}, λ = ${opts.lambda}`);
  const bar = progress({ total: iterations, label });
  const { accuracy } = train(model, data, {
    iterations,
    lr: opts.lr,
    lambda: opts.lambda,
    onIteration: (i, loss) => {
      bar.tick({ loss });
      if (i % every === 0) bar.log(`iteration ${i}: loss ${loss.toFixed(6)}`);
    },
  });
  bar.stop();
  console.log(`${label}: training accuracy ${(100 * accuracy).toFixed(1)}%`);
  return accuracy;
}

const linear = linearClassifier(2, 3, rng);
const linearAccuracy = fit(linear, 'linear classifier', opts.linearIterations, 20);
const net = twoLayerNet(2, opts.hidden, 3, rng);
const netAccuracy = fit(net, `2-layer net (${opts.hidden} hidden)`, opts.iterations, 1000);

const points = data.x.toTypedArray();
// The notes' plots: the square [-1, 1]² around the spiral.
const bounds = { xMin: -1.1, xMax: 1.1, yMin: -1.1, yMax: 1.1 };
const picture = (model: Module, title: string) =>
  decisionRegions(classifier(model), points, data.y, { bounds, xTitle: 'x1', yTitle: 'x2', title });
const file = await writePng(
  join(opts.out, 'case-study.png'),
  panels(
    [
      picture(linear, `linear classifier: ${(100 * linearAccuracy).toFixed(1)}%`),
      picture(net, `2-layer net, ${opts.hidden} hidden: ${(100 * netAccuracy).toFixed(1)}%`),
    ],
    { cols: 2, title: 'the spiral: decision regions and training accuracy' },
  ),
);
console.log(`decision regions: ${file}`);
