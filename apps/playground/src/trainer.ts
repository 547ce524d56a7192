// One run of the playground, without the page: the data, the network and its optimizer, the
// training step, the evaluation the readouts show, the decision-region grid, the graph of
// one step and the weights as safetensors.
import { argmax, noGrad, Rng, type Tensor, tensor, toDot } from '@tapegrad/core';
import {
  loadSafetensorsWithMetadata,
  type Module,
  saveSafetensors,
  softmaxCrossEntropy,
  trackHealth,
} from '@tapegrad/nn';
import { type Bounds, type ClassGrid, classGrid } from '@tapegrad/viz';
import {
  ACTIVATIONS,
  type ActivationChoice,
  type Config,
  DATA_KEYS,
  NETWORK_KEYS,
  parseHidden,
} from './config.js';
import { makeData, type PlaygroundData } from './data.js';
import type { LayerHealth } from './hook.js';
import { LossHistory } from './loss-history.js';
import {
  buildModel,
  makeOptimizer,
  type PageOptimizer,
  regLoss,
  retune,
  splitParameters,
} from './model.js';

/** What the readouts show about the current weights. */
export interface Evaluation {
  readonly dataLoss: number;
  readonly regLoss: number;
  readonly trainAccuracy: number;
  /** NaN without test points. */
  readonly testAccuracy: number;
  readonly health: readonly LayerHealth[];
}

/** Grid points per forward pass of `predictGrid`. */
const GRID_SLICE = 1000;

/** The format tag in the metadata of the weights the page saves. */
const FORMAT = 'tapegrad-playground';

/** The fraction of `points` whose highest score is their label (NaN for none). */
function accuracyOf(model: Module, x: Tensor, y: Int32Array): number {
  if (y.length === 0) return Number.NaN;
  const predicted = noGrad(() => argmax(model.forward(x), 1)).toTypedArray();
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
  return correct / y.length;
}

/** FNV-1a over the predicted classes: equal grids, equal hashes. */
function hashOf(classes: Int32Array): number {
  let h = 0x811c9dc5;
  for (const c of classes) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

export class Trainer {
  config: Config;
  data: PlaygroundData;
  model!: Module;
  optimizer!: PageOptimizer;
  iteration = 0;
  readonly history = new LossHistory();
  /** The data loss before the first step of this run (NaN before it). */
  firstLoss = Number.NaN;
  #weights: Tensor[] = [];

  constructor(config: Config) {
    this.config = config;
    this.data = makeData(config);
    this.reset();
  }

  /** New weights from the seed, a new optimizer, an empty loss curve; the data stays. */
  reset(): void {
    this.#install(this.#build(this.config));
  }

  /** A network for `config` with its initial weights from the seed. */
  #build(config: Config): Module {
    const { hidden, activation, seed } = config;
    const model = buildModel({ hidden, activation, classes: this.data.classes }, new Rng(seed));
    // the health hooks measure only the evaluation's forward pass (see evaluate)
    trackHealth(model, false);
    return model;
  }

  /** Train `model` from now on, from iteration 0. */
  #install(model: Module): void {
    this.model = model;
    this.#weights = splitParameters(model).weights;
    this.optimizer = makeOptimizer(this.config.optimizer, model, this.config);
    this.iteration = 0;
    this.firstLoss = Number.NaN;
    this.history.clear();
  }

  /**
   * Apply a new configuration: new data (and network) when a data setting or the seed
   * changed, a new network when its shape did, a new optimizer for another kind, and the
   * learning rate and λ in place otherwise (training goes on). Returns which of these it was.
   */
  configure(next: Config): 'data' | 'network' | 'optimizer' | 'tuning' {
    const prev = this.config;
    const changed = (k: keyof Config) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]);
    const data = DATA_KEYS.some(changed) ? makeData(next) : null; // may throw: nothing changed yet
    this.config = next;
    if (data !== null) {
      this.data = data;
      this.reset();
      return 'data';
    }
    if (NETWORK_KEYS.some(changed)) {
      this.reset();
      return 'network';
    }
    if (changed('optimizer')) {
      this.optimizer = makeOptimizer(next.optimizer, this.model, next);
      return 'optimizer';
    }
    retune(this.optimizer, next);
    return 'tuning';
  }

  /** One full-batch step: forward, softmax loss, backward, update. Returns the data loss. */
  step(): number {
    const { train } = this.data;
    const dataLoss = softmaxCrossEntropy(this.model.forward(train.x), train.y);
    const loss = dataLoss.item();
    const reg = regLoss(this.#weights, this.config.lambda);
    this.optimizer.zeroGrad();
    dataLoss.backward();
    this.optimizer.step();
    if (this.iteration === 0) this.firstLoss = loss;
    this.iteration++;
    this.history.push(this.iteration, loss, reg);
    return loss;
  }

  /** The current weights' losses, accuracies and per-layer health on the training set. */
  evaluate(): Evaluation {
    const { train, test } = this.data;
    trackHealth(this.model, true);
    const scores = noGrad(() => this.model.forward(train.x));
    const stats = this.model.activationStats();
    trackHealth(this.model, false);
    const health: LayerHealth[] = [...stats].map(([layer, s]) => ({
      layer,
      activation: s.activation,
      units: s.units,
      dead: s.dead,
      saturated: s.saturated,
    }));
    const dataLoss =
      train.length === 0 ? Number.NaN : noGrad(() => softmaxCrossEntropy(scores, train.y).item());
    const predicted = noGrad(() => argmax(scores, 1)).toTypedArray();
    let correct = 0;
    for (let i = 0; i < train.length; i++) if (predicted[i] === train.y[i]) correct++;
    return {
      dataLoss,
      regLoss: regLoss(this.#weights, this.config.lambda),
      trainAccuracy: train.length === 0 ? Number.NaN : correct / train.length,
      testAccuracy: accuracyOf(this.model, test.x, test.y),
      health,
    };
  }

  /**
   * The classes predicted on viz's `classGrid` of n × n cells over `bounds` (the examples'
   * grid: each cell's centre, row by row from the top), and a hash of them.
   */
  predictGrid(bounds: Bounds, n: number): ClassGrid & { classes: Int32Array; hash: number } {
    const grid = classGrid((xy) => this.#classify(xy), bounds, n);
    const classes = grid.classes as Int32Array;
    return { ...grid, classes, hash: hashOf(classes) };
  }

  /**
   * The class predicted at each `[x, y]` pair, GRID_SLICE points per forward pass: a browser
   * returns a freed block over a megabyte to the system, and the next one (the hidden layer
   * of all the grid's points at once) page-faults anew.
   */
  #classify(xy: Float64Array): Int32Array {
    const n = xy.length / 2;
    const classes = new Int32Array(n);
    for (let start = 0; start < n; start += GRID_SLICE) {
      const end = Math.min(n, start + GRID_SLICE);
      const x = tensor(Float32Array.from(xy.subarray(2 * start, 2 * end)), {
        shape: [end - start, 2],
      });
      classes.set(noGrad(() => argmax(this.model.forward(x), 1)).toTypedArray(), start);
    }
    return classes;
  }

  /**
   * The graph of one step's objective, data loss + ½·λ·Σ W², in Graphviz DOT, its parameters
   * labelled with their names.
   */
  graphDot(): string {
    const { train } = this.data;
    let loss = softmaxCrossEntropy(this.model.forward(train.x), train.y);
    const half = 0.5 * this.config.lambda;
    for (const w of this.#weights) loss = loss.add(w.mul(w).sum().mul(half));
    return toDot(loss, { params: this.model.namedParameters() });
  }

  /**
   * The weights as safetensors bytes, with the network's shape in the metadata (so that
   * loading builds the same network first). Python reads them with `safetensors.numpy.load`.
   */
  saveWeights(): Uint8Array {
    const { hidden, activation } = this.config;
    return saveSafetensors(this.model, {
      metadata: {
        format: FORMAT,
        hidden: hidden.join(','),
        activation,
        classes: String(this.data.classes),
      },
    });
  }

  /**
   * Load weights saved by `saveWeights` (or any safetensors file with this network's
   * parameter names and shapes). The network takes the file's shape if the file says it;
   * training starts over from the loaded weights. Returns the configuration now in use.
   */
  loadWeights(bytes: Uint8Array, fileName: string): Config {
    const { tensors, metadata } = loadSafetensorsWithMetadata(bytes);
    let next = this.config;
    if (metadata.format === FORMAT) {
      const classes = Number(metadata.classes);
      if (classes !== this.data.classes) {
        throw new Error(
          `loadWeights: ${fileName} classifies ${metadata.classes} classes, the data has ${this.data.classes}: choose a dataset with ${metadata.classes} classes first`,
        );
      }
      const activation = metadata.activation as ActivationChoice;
      if (!ACTIVATIONS.includes(activation)) {
        throw new Error(`loadWeights: ${fileName} names an unknown activation "${activation}"`);
      }
      next = { ...next, hidden: parseHidden(metadata.hidden ?? ''), activation };
    }
    const model = this.#build(next);
    model.loadStateDict(tensors); // throws, naming the parameter, on a name or shape mismatch
    this.config = next;
    this.#install(model);
    return next;
  }
}
