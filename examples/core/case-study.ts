// The notes' case study as functions a script or a test calls: a softmax linear classifier
// and a 2-layer ReLU net on a 2-D set, trained by full-batch gradient descent with the
// L2 penalty ½·λ·Σ W² on the weights (not the biases), plus accuracy and a classifier
// for pictures of decision regions.
import { argmax, noGrad, type Rng, type Tensor, tensor } from '@tapegrad/core';
import type { Dataset } from '@tapegrad/datasets';
import {
  type Init,
  Linear,
  type Module,
  ReLU,
  Sequential,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

/**
 * The notes' linear classifier `scores = x W + b`: weights 0.01·randn, biases 0.
 *
 * @example
 * const model = linearClassifier(2, 3, new Rng(0));
 */
export function linearClassifier(inputs: number, classes: number, rng: Rng): Linear {
  return new Linear(inputs, classes, { init: 'small', rng });
}

/**
 * The notes' 2-layer net `scores = max(0, x W1 + b1) W2 + b2`: weights 0.01·randn (or
 * another `init`, such as `'kaiming'`), biases 0.
 *
 * @example
 * const model = twoLayerNet(2, 100, 3, new Rng(0));
 */
export function twoLayerNet(
  inputs: number,
  hidden: number,
  classes: number,
  rng: Rng,
  init: Init = 'small',
): Sequential {
  return new Sequential(
    new Linear(inputs, hidden, { init, rng }),
    new ReLU(),
    new Linear(hidden, classes, { init, rng }),
  );
}

/**
 * A model's weights and biases, split by parameter name (`0.weight`, `0.bias`, …).
 *
 * @example
 * const { weights, biases } = weightsAndBiases(twoLayerNet(2, 100, 3, new Rng(0)));
 * weights.length; // 2
 */
export function weightsAndBiases(model: Module): { weights: Tensor[]; biases: Tensor[] } {
  const weights: Tensor[] = [];
  const biases: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) {
    (name.endsWith('bias') ? biases : weights).push(p);
  }
  return { weights, biases };
}

/**
 * The regularization loss ½·λ·Σ W² over `weights`, as a number.
 *
 * @example
 * regLoss([tensor([3, 4])], 0.1); // 1.25
 */
export function regLoss(weights: readonly Tensor[], lambda: number): number {
  if (lambda === 0) return 0;
  return noGrad(() => {
    let s = 0;
    for (const w of weights) s += w.mul(w).sum().item();
    return 0.5 * lambda * s;
  });
}

/**
 * The fraction of rows of `x` whose highest score is the label.
 *
 * @example
 * accuracy(model, spiral({ seed: 0 })); // 0.49… for the linear classifier
 */
export function accuracy(model: Module, data: Dataset<Int32Array>): number {
  const predicted = noGrad(() => argmax(model.forward(data.x), 1)).toTypedArray();
  let correct = 0;
  for (let i = 0; i < data.y.length; i++) if (predicted[i] === data.y[i]) correct++;
  return correct / data.y.length;
}

/**
 * The class `model` gives each point of a flat `[x, y, x, y, …]` grid, for `decisionRegions`.
 *
 * @example
 * decisionRegions(classifier(model), points, labels);
 */
export function classifier(model: Module): (grid: Float64Array) => Int32Array {
  return (grid) => {
    const x = tensor(grid, { shape: [grid.length / 2, 2], dtype: 'float32' });
    return Int32Array.from(noGrad(() => argmax(model.forward(x), 1)).toTypedArray());
  };
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Full-batch gradient steps. */
  iterations: number;
  /** Step size of gradient descent. */
  lr: number;
  /** L2 strength λ on the weights. */
  lambda: number;
  /** Called after each step with the iteration and its loss (data loss + ½·λ·Σ W²). */
  onIteration?: (iteration: number, loss: number) => void;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The loss of every iteration, data loss + ½·λ·Σ W², before that iteration's step. */
  losses: Float64Array;
  /** The training accuracy after the last step. */
  accuracy: number;
}

/**
 * Trains `model` on all of `data` at once with the softmax (cross-entropy) loss, as the
 * notes' case study does: forward, loss, zero the gradients, backward, step. Weight decay λ
 * in SGD adds λ·W to each weight's gradient, which is the gradient of ½·λ·Σ W²: the penalty
 * lives in the optimizer, and is added to the printed loss by hand. Biases are not decayed.
 *
 * @example
 * const model = twoLayerNet(2, 100, 3, new Rng(0));
 * const { accuracy } = train(model, spiral({ seed: 0 }), { iterations: 10_000, lr: 1, lambda: 1e-3 });
 */
export function train(
  model: Module,
  data: Dataset<Int32Array>,
  options: TrainOptions,
): TrainResult {
  const { iterations, lr, lambda, onIteration } = options;
  const { weights, biases } = weightsAndBiases(model);
  const optimizer = new SGD(
    [
      { params: weights, weightDecay: lambda },
      { params: biases, weightDecay: 0 },
    ],
    { lr },
  );
  const losses = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const scores = model.forward(data.x);
    const dataLoss = softmaxCrossEntropy(scores, data.y);
    const loss = dataLoss.item() + regLoss(weights, lambda);
    optimizer.zeroGrad();
    dataLoss.backward();
    optimizer.step();
    losses[i] = loss;
    onIteration?.(i, loss);
  }
  return { losses, accuracy: accuracy(model, data) };
}
