// The notes' single neuron as a linear classifier, as functions a script or a test calls:
// its score w·x + b trained with the logistic loss (binary softmax) or the hinge loss
// (binary SVM), by full-batch gradient descent with L2 on w ("gradual forgetting").
import { noGrad, type Rng, type Tensor, tensor } from '@tapegrad/core';
import type { Dataset } from '@tapegrad/datasets';
import { binaryCrossEntropyWithLogits, hingeLoss, Neuron } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

/**
 * Which classifier the neuron becomes: `'logistic'` (binary softmax: σ(w·x + b) is the
 * probability of class 1) or `'hinge'` (binary SVM: a margin of 1 around w·x + b = 0).
 */
export type NeuronLoss = 'logistic' | 'hinge';

/** Options of {@link trainNeuron}. */
export interface NeuronOptions {
  /** Full-batch gradient steps. */
  iterations: number;
  /** Step size. */
  lr: number;
  /** L2 strength λ on the weights (not the bias). */
  lambda: number;
  /** The generator of the initial weights. */
  rng: Rng;
  /** Called after each step with the iteration and its loss (data loss + ½·λ·‖w‖²). */
  onIteration?: (iteration: number, loss: number) => void;
}

/** What {@link trainNeuron} returns. */
export interface TrainedNeuron {
  neuron: Neuron;
  /** The loss of every iteration, before that iteration's step. */
  losses: Float64Array;
  /** The fraction of points on their class's side of w·x + b = 0, after training. */
  accuracy: number;
}

/**
 * The targets a loss wants from 0/1 labels: 0/1 for the logistic loss, ±1 for the hinge.
 *
 * @example
 * targetsFor('hinge', Int32Array.of(0, 1)).toArray(); // [-1, 1]
 */
export function targetsFor(loss: NeuronLoss, labels: Int32Array): Tensor {
  return tensor(Array.from(labels, (y) => (loss === 'hinge' ? 2 * y - 1 : y)));
}

/**
 * The class a trained neuron gives each point of a flat `[x, y, x, y, …]` grid: 1 where
 * w·x + b > 0 (for the logistic neuron, where σ(w·x + b) > 0.5), else 0.
 *
 * @example
 * decisionRegions(neuronClassifier(neuron), points, labels);
 */
export function neuronClassifier(neuron: Neuron): (grid: Float64Array) => Int32Array {
  return (grid) => {
    const x = tensor(grid, { shape: [grid.length / 2, 2], dtype: 'float32' });
    const scores = noGrad(() => neuron.preActivation(x)).toTypedArray();
    return Int32Array.from(scores, (s) => (s > 0 ? 1 : 0));
  };
}

/**
 * Trains one neuron on 2-D points with 0/1 labels: forward (the score w·x + b), loss,
 * zero the gradients, backward, step. Weight decay λ in SGD is the gradient of ½·λ·‖w‖²;
 * the bias is not decayed.
 *
 * @example
 * const { accuracy } = trainNeuron(blobs({ classes: 2 }), 'hinge', {
 *   iterations: 300, lr: 0.1, lambda: 1e-3, rng: new Rng(0),
 * });
 */
export function trainNeuron(
  data: Dataset<Int32Array>,
  loss: NeuronLoss,
  options: NeuronOptions,
): TrainedNeuron {
  const { iterations, lr, lambda, rng, onIteration } = options;
  // The logistic neuron fires σ(w·x + b); the SVM's neuron is linear, its score is its output.
  const neuron = new Neuron(2, {
    activation: loss === 'logistic' ? 'sigmoid' : 'identity',
    init: 'small',
    rng,
  });
  const targets = targetsFor(loss, data.y);
  const optimizer = new SGD(
    [
      { params: [neuron.weight], weightDecay: lambda },
      { params: [neuron.bias], weightDecay: 0 },
    ],
    { lr },
  );
  const losses = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const score = neuron.preActivation(data.x);
    const dataLoss =
      loss === 'logistic'
        ? binaryCrossEntropyWithLogits(score, targets)
        : hingeLoss(score, targets);
    losses[i] = dataLoss.item() + 0.5 * lambda * squaredNorm(neuron.weight);
    optimizer.zeroGrad();
    dataLoss.backward();
    optimizer.step();
    onIteration?.(i, losses[i]!);
  }
  return { neuron, losses, accuracy: neuronAccuracy(neuron, data) };
}

/** ‖w‖², as a number. */
function squaredNorm(w: Tensor): number {
  return noGrad(() => w.mul(w).sum().item());
}

/**
 * The fraction of points on their class's side of the neuron's boundary w·x + b = 0.
 *
 * @example
 * neuronAccuracy(neuron, blobs({ classes: 2, seed: 1 })); // 0.97…
 */
export function neuronAccuracy(neuron: Neuron, data: Dataset<Int32Array>): number {
  const scores = noGrad(() => neuron.preActivation(data.x)).toTypedArray();
  let correct = 0;
  for (let i = 0; i < data.y.length; i++) if ((scores[i]! > 0 ? 1 : 0) === data.y[i]) correct++;
  return correct / data.y.length;
}
