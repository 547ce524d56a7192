// The network and its optimizer for a configuration: an MLP with the chosen activation (or
// a stack of Maxout layers), the weights that λ regularizes, and SGD, momentum or Adam with
// weight decay on those weights only (the case study's ½·λ·Σ W²: decay λ·W is its gradient).
import { noGrad, type Rng, type Tensor } from '@tapegrad/core';
import { Linear, Maxout, MLP, type Module, Sequential } from '@tapegrad/nn';
import { Adam, SGD } from '@tapegrad/optim';
import type { ActivationChoice, OptimizerName } from './config.js';

/** What a network is: its input, hidden and output sizes and its activation. */
export interface Architecture {
  readonly hidden: readonly number[];
  readonly activation: ActivationChoice;
  readonly classes: number;
}

/**
 * A network from 2-D points to class scores: Linear layers with `activation` between them
 * (nn's MLP: He initialization for the rectifiers, Xavier for tanh and sigmoid); for maxout,
 * Maxout layers of two pieces, then a Linear layer to the scores. No hidden layer is a
 * linear classifier.
 *
 * @example
 * buildModel({ hidden: [100], activation: 'relu', classes: 3 }, new Rng(1));
 */
export function buildModel(arch: Architecture, rng: Rng): Module {
  const { hidden, activation, classes } = arch;
  if (activation !== 'maxout') return new MLP([2, ...hidden, classes], { activation, rng });
  const layers: Module[] = hidden.map(
    (units, i) => new Maxout(i === 0 ? 2 : hidden[i - 1]!, units, { rng }),
  );
  layers.push(new Linear(hidden.at(-1) ?? 2, classes, { rng, init: 'lecun' }));
  return new Sequential(...layers);
}

/** The weights λ regularizes (Linear and Maxout weights) and every other parameter. */
export function splitParameters(model: Module): { weights: Tensor[]; others: Tensor[] } {
  const weights = new Set<Tensor>();
  for (const m of model.modules()) {
    if (m instanceof Linear || m instanceof Maxout) weights.add(m.weight);
  }
  const others = model.parameters().filter((p) => !weights.has(p));
  return { weights: [...weights], others };
}

/** The regularization loss ½·λ·Σ W² over `weights`, as a number. */
export function regLoss(weights: readonly Tensor[], lambda: number): number {
  if (lambda === 0) return 0;
  return noGrad(() => {
    let s = 0;
    for (const w of weights) s += w.mul(w).sum().item();
    return 0.5 * lambda * s;
  });
}

/** The optimizers the page offers, with the options that set them apart. */
export type PageOptimizer = SGD | Adam;

/**
 * The optimizer `name` over `model`'s parameters, with weight decay λ on the weights only.
 *
 * @example
 * makeOptimizer('momentum', model, { lr: 0.1, lambda: 1e-3 });
 */
export function makeOptimizer(
  name: OptimizerName,
  model: Module,
  options: { lr: number; lambda: number },
): PageOptimizer {
  const { weights, others } = splitParameters(model);
  const { lr, lambda } = options;
  // the weights first (every network ends in a Linear layer), then biases and PReLU slopes
  const groups = [{ params: weights, weightDecay: lambda }];
  if (others.length > 0) groups.push({ params: others, weightDecay: 0 });
  switch (name) {
    case 'sgd':
      return new SGD(groups, { lr });
    case 'momentum':
      return new SGD(groups, { lr, momentum: 0.9 });
    case 'nesterov':
      return new SGD(groups, { lr, momentum: 0.9, nesterov: true });
    case 'adam':
      return new Adam(groups, { lr });
  }
}

/** Set the learning rate and λ of a running optimizer (they take effect at the next step). */
export function retune(optimizer: PageOptimizer, options: { lr: number; lambda: number }): void {
  for (const group of optimizer.paramGroups) group.lr = options.lr;
  // the first group holds the regularized weights (see makeOptimizer)
  optimizer.paramGroups[0]!.weightDecay = options.lambda;
}
