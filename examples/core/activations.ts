// The same deep fully-connected network with each activation function of the notes, trained
// on the same data by the same gradient descent: loss curves and training health per layer.
import { noGrad, Rng, type Tensor } from '@tapegrad/core';
import type { Dataset } from '@tapegrad/datasets';
import {
  type ActivationStats,
  Linear,
  Maxout,
  MLP,
  type Module,
  Sequential,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { formatTable } from '../lib/table.js';

/** The activations compared, in the notes' order. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'prelu', 'maxout'] as const;

/** One of {@link ACTIVATIONS}. */
export type ActivationChoice = (typeof ACTIVATIONS)[number];

/**
 * A network of `depth` hidden layers of `width` units with `activation` between Linear layers
 * (`MLP`, with Xavier initialization for sigmoid and tanh, He for the rectifiers); for maxout,
 * `depth` Maxout layers of two pieces each, then a Linear layer to the class scores.
 *
 * @example
 * buildNetwork('tanh', { inputs: 2, width: 32, depth: 5, classes: 3, rng: new Rng(0) });
 */
export function buildNetwork(
  activation: ActivationChoice,
  shape: { inputs: number; width: number; depth: number; classes: number; rng: Rng },
): Module {
  const { inputs, width, depth, classes, rng } = shape;
  if (activation !== 'maxout') {
    return new MLP([inputs, ...new Array<number>(depth).fill(width), classes], { activation, rng });
  }
  const layers: Module[] = [];
  for (let i = 0; i < depth; i++) layers.push(new Maxout(i === 0 ? inputs : width, width, { rng }));
  layers.push(new Linear(width, classes, { rng, init: 'lecun' }));
  return new Sequential(...layers);
}

/**
 * How {@link trainWithActivation} trains.
 *
 * @example
 * const options: TrainOptions = { activation: 'relu', width: 32, depth: 5, iterations: 600, lr: 0.05, momentum: 0.9, seed: 0 };
 */
export interface TrainOptions {
  activation: ActivationChoice;
  /** Units per hidden layer. */
  width: number;
  /** Hidden layers. */
  depth: number;
  iterations: number;
  lr: number;
  momentum: number;
  /** Seeds the initial weights (the same seed gives every activation the same draw order). */
  seed: number;
  /** Called after every step with the iteration (from 0) and the loss. */
  onStep?: (iteration: number, loss: number) => void;
}

/**
 * A trained network, its loss curve, its accuracy and the health of its activation layers.
 *
 * @example
 * const { losses, accuracy, health } = trainWithActivation(data, options);
 */
export interface TrainResult {
  model: Module;
  /** The loss before each step. */
  losses: Float64Array;
  /** Accuracy on the training data after training. */
  accuracy: number;
  /**
   * The norm of each layer's weight gradient at the first step, input layer first: how much
   * signal the loss sends back to each depth before any learning.
   */
  firstGradNorms: number[];
  /**
   * The health of each activation layer (by dotted name, in layer order) measured on one
   * forward pass over the whole data after training; empty for maxout (no such statistics).
   */
  health: Map<string, ActivationStats>;
}

/**
 * Trains `buildNetwork(activation)` on `data` by full-batch gradient descent with momentum:
 * forward, loss, zeroGrad, backward, step.
 *
 * @example
 * const result = trainWithActivation(spiral({ seed: 0 }), { activation: 'relu', width: 32, depth: 5, iterations: 600, lr: 0.05, momentum: 0.9, seed: 0 });
 * result.losses.at(-1); // ~0.02
 */
export function trainWithActivation(data: Dataset<Int32Array>, options: TrainOptions): TrainResult {
  const classes = Math.max(...data.y) + 1;
  const model = buildNetwork(options.activation, {
    inputs: data.x.shape[1]!,
    width: options.width,
    depth: options.depth,
    classes,
    rng: new Rng(options.seed),
  });
  const optimizer = new SGD(model.parameters(), { lr: options.lr, momentum: options.momentum });
  const weights = model
    .namedParameters()
    .filter(([name, p]) => name.endsWith('weight') && p.ndim >= 2)
    .map(([, p]) => p);
  const losses = new Float64Array(options.iterations);
  let firstGradNorms: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const loss = softmaxCrossEntropy(model.forward(data.x), data.y);
    optimizer.zeroGrad();
    loss.backward();
    if (i === 0) firstGradNorms = weights.map((w) => norm(w.grad!));
    optimizer.step();
    losses[i] = loss.item();
    options.onStep?.(i, losses[i]!);
  }
  // One pass over all the data records every activation layer's statistics.
  const scores = noGrad(() => model.forward(data.x));
  return {
    model,
    losses,
    accuracy: accuracy(scores, data.y),
    firstGradNorms,
    health: model.activationStats(),
  };
}

/**
 * The fraction of rows of `scores` whose largest entry is at the label.
 *
 * @example
 * accuracy(tensor([[2, 1], [0, 3]]), Int32Array.of(0, 0)); // 0.5
 */
export function accuracy(scores: Tensor, labels: Int32Array): number {
  const predicted = scores.argmax(1).toTypedArray();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

/** The Euclidean norm of all the entries of `t`. */
function norm(t: Tensor): number {
  return noGrad(() => t.mul(t).sum().sqrt().item());
}

/**
 * The per-layer health table of several trained networks: one row per hidden layer, one
 * column per activation; rectifiers show the dead units (never active on any sample),
 * sigmoid and tanh the saturated outputs (and the saturated units, if any).
 *
 * @example
 * console.log(healthTable(new Map([['relu', result.health]])));
 */
export function healthTable(results: ReadonlyMap<string, Map<string, ActivationStats>>): string {
  const names = [...results.keys()];
  const depth = Math.max(...[...results.values()].map((h) => h.size));
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const cell = (s: ActivationStats | undefined): string => {
    if (s === undefined) return '—';
    if (s.dead !== null) return `${pct(s.dead)} dead`;
    const units = s.saturated! > 0 ? ` (${pct(s.saturated!)} units)` : '';
    return `${pct(s.saturatedOutputs!)} sat.${units}`;
  };
  const rows = [['layer', ...names]];
  for (let layer = 0; layer < depth; layer++) {
    rows.push([
      `hidden ${layer + 1}`,
      ...names.map((n) => cell([...results.get(n)!.values()][layer])),
    ]);
  }
  return formatTable(rows);
}
