// The training curves of a classifier: its loss at every step (the data loss, and the
// regularization loss when there is one) and its accuracy on the training and held-out data,
// side by side.
import type { TopLevelSpec } from 'vega-lite';
import { linePlot, type Series } from './line-plot.js';
import { classColor } from './palette.js';
import { panels } from './panels.js';
import type { Title } from './title.js';

/**
 * What {@link trainingCurves} draws: a loss per step (an iteration or a minibatch), and
 * accuracies (0…1) measured now and then.
 *
 * @example
 * const history: TrainingHistory = { loss: [2.3, 1.1], trainAccuracy: [0.8], valAccuracy: [0.78] };
 */
export interface TrainingHistory {
  /** The data loss at each step. */
  readonly loss: readonly number[];
  /** The regularization loss at each step (such as ½·λ·Σ W²), when there is one. */
  readonly regLoss?: readonly number[];
  /**
   * The step of each loss value, in increasing order, when not every step is kept (a long
   * run's history thinned out); 0, 1, 2, … by default.
   */
  readonly lossAt?: readonly number[];
  readonly trainAccuracy?: readonly number[];
  readonly valAccuracy?: readonly number[];
  /**
   * How many steps were done when each accuracy was measured; by default the end of each
   * epoch (with `stepsPerEpoch`), else evenly spread: the k-th of n at (k + 1) · steps / n.
   */
  readonly accuracyAt?: readonly number[];
}

/**
 * Options of {@link trainingCurves}.
 *
 * @example
 * trainingCurves(history, { stepsPerEpoch: 938, valName: 'test' });
 */
export interface TrainingCurvesOptions {
  /** Steps in one epoch: adds the loss's mean over each epoch (as points on a light line). */
  stepsPerEpoch?: number;
  /** The name of the held-out accuracy's data; 'val' by default. */
  valName?: string;
  /** The loss on a log axis (true by default). */
  logLoss?: boolean;
  /** A title over both plots. */
  title?: Title;
  /** Width and height of each plot area; 400 × 280 by default. */
  width?: number;
  height?: number;
}

/**
 * Two plots side by side as one Vega-Lite spec: the loss at every step (the data loss, the
 * regularization loss when given, and the mean over each epoch with `stepsPerEpoch`), and the
 * train and held-out accuracy (%) against the step they were measured at. A history without
 * accuracies gives the loss plot alone.
 *
 * @example
 * const spec = trainingCurves(
 *   { loss: result.losses, trainAccuracy: result.trainAccuracy, valAccuracy: result.testAccuracy },
 *   { stepsPerEpoch: Math.ceil(60_000 / 64), valName: 'test' },
 * );
 */
export function trainingCurves(
  history: TrainingHistory,
  options: TrainingCurvesOptions = {},
): TopLevelSpec {
  const lossAt = history.lossAt;
  if (lossAt !== undefined && lossAt.length !== history.loss.length) {
    throw new RangeError(
      `trainingCurves: lossAt must give the step of each of the ${history.loss.length} losses, got ${lossAt.length} steps`,
    );
  }
  // the steps done: with lossAt, one past the last step kept
  const steps =
    lossAt === undefined ? history.loss.length : lossAt.length === 0 ? 0 : lossAt.at(-1)! + 1;
  const perEpoch = options.stepsPerEpoch;
  if (perEpoch !== undefined && !(Number.isInteger(perEpoch) && perEpoch > 0)) {
    throw new RangeError(
      `trainingCurves: stepsPerEpoch must be a positive integer, got ${perEpoch}`,
    );
  }
  if (history.regLoss !== undefined && history.regLoss.length !== history.loss.length) {
    throw new RangeError(
      `trainingCurves: regLoss must have one value per loss (${history.loss.length}), got ${history.regLoss.length}`,
    );
  }
  if (lossAt !== undefined && perEpoch !== undefined) {
    throw new RangeError(
      'trainingCurves: stepsPerEpoch needs the loss of every step (no lossAt) for its epoch means',
    );
  }
  const size = {
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  };
  const faded = perEpoch !== undefined;
  const loss: Series[] = [
    {
      name: history.regLoss === undefined ? 'loss' : 'data loss',
      ...(lossAt === undefined ? {} : { x: lossAt }),
      y: history.loss,
      color: faded ? '#aac8e6' : classColor(0),
      strokeWidth: faded ? 1 : 2,
    },
  ];
  if (history.regLoss !== undefined) {
    loss.push({
      name: 'regularization loss',
      ...(lossAt === undefined ? {} : { x: lossAt }),
      y: history.regLoss,
      color: classColor(2),
    });
  }
  if (perEpoch !== undefined) {
    const epochs = Math.ceil(steps / perEpoch);
    const ends = Array.from({ length: epochs }, (_, e) => Math.min(steps, (e + 1) * perEpoch));
    loss.push({
      name: 'epoch mean',
      x: ends,
      y: ends.map((end, e) => mean(history.loss.slice(e * perEpoch, end))),
      style: 'both',
      color: classColor(0),
    });
  }
  const lossPlot = linePlot(loss, {
    title: 'loss',
    xTitle: 'iteration',
    yTitle: 'loss',
    logY: options.logLoss ?? true,
    legend: 'top-right',
    ...size,
  });

  const accuracies: Series[] = [];
  const add = (name: string, values: readonly number[] | undefined, k: number) => {
    if (values === undefined) return;
    const at = history.accuracyAt ?? defaultSteps(values.length, steps, perEpoch);
    if (at.length !== values.length) {
      throw new RangeError(
        `trainingCurves: accuracyAt has ${at.length} steps for ${values.length} ${name} accuracies`,
      );
    }
    accuracies.push({
      name,
      x: at,
      y: values.map((a) => 100 * a),
      style: 'both',
      color: classColor(k),
    });
  };
  add('train', history.trainAccuracy, 0);
  add(options.valName ?? 'val', history.valAccuracy, 1);
  if (accuracies.length === 0) {
    return options.title === undefined ? lossPlot : panels([lossPlot], { title: options.title });
  }
  const accuracyPlot = linePlot(accuracies, {
    title: 'accuracy',
    xTitle: 'iteration',
    yTitle: 'accuracy (%)',
    legend: 'bottom-right',
    // the loss plot's iterations, so that the two plots line up
    ...(steps > 0 ? { xDomain: [0, steps] as const } : {}),
    ...size,
  });
  return panels([lossPlot, accuracyPlot], {
    cols: 2,
    ...(options.title === undefined ? {} : { title: options.title }),
  });
}

/** Steps done at the end of each of `n` evaluations: per epoch, or evenly spread. */
function defaultSteps(n: number, steps: number, perEpoch: number | undefined): number[] {
  return Array.from({ length: n }, (_, k) =>
    perEpoch === undefined
      ? Math.round(((k + 1) * steps) / n)
      : Math.min(steps, (k + 1) * perEpoch),
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
