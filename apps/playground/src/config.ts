// What a run is made of: the data, the network, the optimizer and the seed, with the
// defaults of the notes' case study (the spiral, 100 hidden ReLUs, SGD with step size 1,
// λ = 0.001), and how the page's text fields are read.

export const DATASETS = ['spiral', 'moons', 'circles', 'xor', 'blobs'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const ACTIVATIONS = ['relu', 'leakyRelu', 'prelu', 'tanh', 'sigmoid', 'maxout'] as const;
export type ActivationChoice = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Labels for the selects. */
export const LABELS: Readonly<Record<DatasetName | ActivationChoice | OptimizerName, string>> = {
  spiral: 'Spiral',
  moons: 'Moons',
  circles: 'Circles',
  xor: 'XOR',
  blobs: 'Blobs',
  relu: 'ReLU',
  leakyRelu: 'Leaky ReLU',
  prelu: 'PReLU',
  tanh: 'tanh',
  sigmoid: 'Sigmoid',
  maxout: 'Maxout (2 pieces)',
  sgd: 'SGD',
  momentum: 'SGD + momentum 0.9',
  nesterov: 'Nesterov 0.9',
  adam: 'Adam',
};

/** The sets with a `classes` option; the others have two classes. */
export const MULTICLASS: ReadonlySet<DatasetName> = new Set(['spiral', 'blobs']);

export interface Config {
  readonly dataset: DatasetName;
  /** Classes, for the spiral and blobs (the other sets have 2). */
  readonly classes: number;
  readonly pointsPerClass: number;
  /** The generator's noise: on the angle for the spiral, the std of a blob, else per coordinate. */
  readonly noise: number;
  /** The fraction of points held out for the test accuracy (0: none). */
  readonly testFraction: number;
  /** Units per hidden layer: [100] is the case study's 2-layer net, [20, 20] a 3-layer one. */
  readonly hidden: readonly number[];
  readonly activation: ActivationChoice;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** L2 strength λ on the weights (not the biases): the penalty ½·λ·Σ W². */
  readonly lambda: number;
  readonly seed: number;
}

/** The notes' case study. */
export const DEFAULTS: Config = {
  dataset: 'spiral',
  classes: 3,
  pointsPerClass: 100,
  noise: 0.2,
  testFraction: 0.2,
  hidden: [100],
  activation: 'relu',
  optimizer: 'sgd',
  lr: 1,
  lambda: 1e-3,
  seed: 1,
};

/** The noise the page starts each set with (the generators' defaults; some noise for XOR). */
export const DEFAULT_NOISE: Readonly<Record<DatasetName, number>> = {
  spiral: 0.2,
  moons: 0.1,
  circles: 0.05,
  xor: 0.05,
  blobs: 0.5,
};

/** A learning rate that trains each optimizer well on the default network. */
export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = {
  sgd: 1,
  momentum: 0.1,
  nesterov: 0.1,
  adam: 0.01,
};

/** The keys whose change needs new data (and so a new network). */
export const DATA_KEYS = [
  'dataset',
  'classes',
  'pointsPerClass',
  'noise',
  'testFraction',
  'seed',
] as const;
/** The keys whose change needs a new network. */
export const NETWORK_KEYS = ['hidden', 'activation'] as const;

/** The widest hidden layer and the most hidden layers the page builds. */
export const MAX_UNITS = 500;
export const MAX_LAYERS = 6;

/**
 * Hidden layer sizes from text such as "100" or "20, 20"; an empty text is no hidden layer
 * (a linear classifier). Throws an Error naming the field and the text.
 *
 * @example
 * parseHidden('20, 20'); // [20, 20]
 */
export function parseHidden(text: string): number[] {
  const parts = text.trim() === '' ? [] : text.split(/[\s,]+/).filter((p) => p !== '');
  const sizes = parts.map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_UNITS)) {
    throw new Error(
      `hidden layers: expected whole numbers from 1 to ${MAX_UNITS} separated by commas, got "${text}"`,
    );
  }
  if (sizes.length > MAX_LAYERS) {
    throw new Error(
      `hidden layers: at most ${MAX_LAYERS} layers, got ${sizes.length} in "${text}"`,
    );
  }
  return sizes;
}

/**
 * A number from a text field within [min, max], or an Error naming the field and the text.
 *
 * @example
 * parseNumber('learning rate', '0.5', { min: 0, max: 10 }); // 0.5
 */
export function parseNumber(
  field: string,
  text: string,
  range: { min: number; max: number; integer?: boolean },
): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < range.min || n > range.max) {
    throw new Error(`${field}: expected a number from ${range.min} to ${range.max}, got "${text}"`);
  }
  if (range.integer === true && !Number.isInteger(n)) {
    throw new Error(`${field}: expected a whole number, got "${text}"`);
  }
  return n;
}
