// What the page exposes as `window.__playground` for its end-to-end tests: read-only state
// and a pause point for the training loop. Types only, no DOM, so that the tests (which run
// in Node) import it too.

/** One activation layer's health after the last evaluation (see nn's `activationStats`). */
export interface LayerHealth {
  readonly layer: string;
  readonly activation: string;
  readonly units: number;
  /** Rectifiers: the fraction of units that never fired on the training set; else null. */
  readonly dead: number | null;
  /** Sigmoid and tanh: the fraction of units saturated on every sample; else null. */
  readonly saturated: number | null;
}

/** The page's state, as its readouts show it. */
export interface PlaygroundState {
  readonly backend: string;
  readonly running: boolean;
  readonly iteration: number;
  readonly dataset: string;
  readonly classes: number;
  readonly hidden: readonly number[];
  readonly activation: string;
  readonly trainPoints: number;
  readonly testPoints: number;
  /** The data loss of the current weights on the training set. */
  readonly dataLoss: number;
  /** ½·λ·Σ W² of the current weights. */
  readonly regLoss: number;
  /** The data loss before the first step of this run, or NaN before it. */
  readonly firstLoss: number;
  readonly trainAccuracy: number;
  /** NaN without a held-out split. */
  readonly testAccuracy: number;
  readonly health: readonly LayerHealth[];
  /** A hash of the classes predicted on the decision-region grid. */
  readonly gridHash: number;
  /** Iterations per second over the last second of training (0 before any). */
  readonly speed: number;
  /** Training time per step over that second, in ms (0 before any). */
  readonly msPerStep: number;
  /** Training time since the page loaded, in ms. */
  readonly trainingMs: number;
  /** How long the last decision-region grid took to evaluate and draw, in ms. */
  readonly regionsMs: number;
  /** The loss curve's renders so far, the last one's time and their total time, in ms. */
  readonly chart: { readonly renders: number; readonly lastMs: number; readonly totalMs: number };
  /** The last error the page showed, or ''. */
  readonly error: string;
}

/** `window.__playground`. */
export interface PlaygroundHook {
  /** Resolves once the backend is in place and the first picture is drawn. */
  readonly ready: Promise<void>;
  state(): PlaygroundState;
  /** Make the training loop pause when the iteration count reaches `n` (0: never). */
  stopAt(n: number): void;
}

/** The global the page sets. */
export interface PlaygroundGlobal {
  __playground?: PlaygroundHook;
}
