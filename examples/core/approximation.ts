// Universal approximation: one hidden layer of N sigmoid or ReLU units fitted to a 1-D
// function (sin, or a step) by gradient descent on the squared error.
import { noGrad, Rng, type Tensor, tensor } from '@tapegrad/core';
import { type Regression1dFn, regression1d } from '@tapegrad/datasets';
import { type Linear, MLP, mseLoss } from '@tapegrad/nn';
import { Adam, CosineAnnealingLR } from '@tapegrad/optim';

/**
 * What {@link fitOneHiddenLayer} fits and how.
 *
 * @example
 * const options: FitOptions = { fn: 'sin', activation: 'sigmoid', hidden: 10, iterations: 3000, lr: 0.05, seed: 0 };
 */
export interface FitOptions {
  /** The target function of `regression1d`: 'sin' or 'step' (0 for x < 0, 1 from 0 on). */
  fn: Regression1dFn;
  activation: 'sigmoid' | 'relu';
  /** N, the number of hidden units. */
  hidden: number;
  iterations: number;
  /** Adam's learning rate, annealed to 0 along a half cosine. */
  lr: number;
  /** Seeds the initial weights. */
  seed: number;
  /** Samples of the function on an even grid over [-π, π]; 200 by default. */
  points?: number;
  /** Called after every step with the iteration (from 0) and the loss. */
  onStep?: (iteration: number, loss: number) => void;
}

/**
 * A fitted network: the samples, the network's output on them and its mean squared error.
 *
 * @example
 * const { mse, x, target, fit } = fitOneHiddenLayer(options);
 */
export interface Fit {
  /** Mean squared error on the samples after training. */
  mse: number;
  /** The loss before each step (`iterations` values). */
  losses: Float64Array;
  x: Float64Array;
  target: Float64Array;
  fit: Float64Array;
}

/**
 * Trains `MLP([1, N, 1])` on samples of `fn` and returns its error and output. Full batch
 * gradient descent with Adam: forward, loss, zeroGrad, backward, step.
 *
 * With zero biases every unit starts centred at x = 0 (a sigmoid's middle, a ReLU's kink all
 * at the same place); the biases are drawn so that each unit starts centred at a random
 * point of the input range, where the function it has to follow is.
 *
 * @example
 * fitOneHiddenLayer({ fn: 'sin', activation: 'relu', hidden: 50, iterations: 3000, lr: 0.05, seed: 0 }).mse; // ~1e-4
 */
export function fitOneHiddenLayer(options: FitOptions): Fit {
  const { x, y } = regression1d({ fn: options.fn, points: options.points ?? 200 });
  const rng = new Rng(options.seed);
  const model = new MLP([1, options.hidden, 1], { activation: options.activation, rng });
  spreadCentres(model.layers[0] as Linear, -Math.PI, Math.PI, rng);

  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: options.iterations });
  const losses = new Float64Array(options.iterations);
  for (let i = 0; i < options.iterations; i++) {
    const loss = mseLoss(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    schedule.step();
    losses[i] = loss.item();
    options.onStep?.(i, losses[i]!);
  }

  const out = noGrad(() => model.forward(x));
  return {
    mse: noGrad(() => mseLoss(out, y).item()),
    losses,
    x: toFloat64(x),
    target: toFloat64(y),
    fit: toFloat64(out),
  };
}

/** Sets the biases so that unit i's pre-activation w·x + b is 0 at a random point of [lo, hi]. */
function spreadCentres(layer: Linear, lo: number, hi: number, rng: Rng): void {
  const w = layer.weight.toTypedArray(); // [N, 1]: one input weight per unit
  const b = Float64Array.from(w, (wi) => -wi * rng.uniform(lo, hi));
  noGrad(() => layer.bias!.copy_(tensor(b)));
}

function toFloat64(t: Tensor): Float64Array {
  return Float64Array.from(t.toTypedArray());
}
