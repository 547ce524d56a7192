// The training curves of a classifier trained by minibatches: the loss of every minibatch with
// its mean over each epoch, and the train and test accuracy after each epoch, side by side.
import type { Canvas } from './canvas.js';
import { linePlot } from './line-plot.js';
import { panels } from './panels.js';

/**
 * What {@link trainingCurves} draws: a loss per minibatch, accuracies (0…1) per epoch.
 *
 * @example
 * const history: TrainingHistory = { losses: [2.3, 1.1], trainAccuracy: [0.8], testAccuracy: [0.78] };
 */
export interface TrainingHistory {
  losses: readonly number[];
  trainAccuracy: readonly number[];
  testAccuracy: readonly number[];
}

/**
 * Two plots side by side: the loss of every minibatch (light) with its mean over each epoch
 * on a log axis, and the train and test accuracy (%) after each epoch.
 *
 * @example
 * writePng('out/mnist/training.png', trainingCurves(result, Math.ceil(60_000 / 64)));
 */
export function trainingCurves(history: TrainingHistory, batchesPerEpoch: number): Canvas {
  const epochs = history.testAccuracy.map((_, e) => e + 1);
  const epochMeans = epochs.map((e) => {
    const part = history.losses.slice((e - 1) * batchesPerEpoch, e * batchesPerEpoch);
    return part.reduce((s, v) => s + v, 0) / part.length;
  });
  const loss = linePlot(
    [
      { name: 'minibatch', y: history.losses, color: [170, 200, 230], lineWidth: 1 },
      {
        name: 'epoch mean',
        x: epochs.map((e) => e * batchesPerEpoch),
        y: epochMeans,
        style: 'both',
      },
    ],
    { title: 'training loss', xLabel: 'iteration', yLabel: 'loss', logY: true },
  );
  const accuracy = linePlot(
    [
      { name: 'train', x: epochs, y: history.trainAccuracy.map((a) => 100 * a), style: 'both' },
      { name: 'test', x: epochs, y: history.testAccuracy.map((a) => 100 * a), style: 'both' },
    ],
    { title: 'accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', legend: 'lower right' },
  );
  return panels([loss, accuracy], { cols: 2 });
}
