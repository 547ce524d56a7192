// @tapegrad/optim: optimizers (SGD, Adam, AdamW), learning-rate schedules and gradient clipping.
export { Adam } from './adam.js';
export { AdamW } from './adamw.js';
export { ChainedScheduler } from './chained-scheduler.js';
export { type ClipGradNormOptions, clipGradNorm } from './clip-grad-norm.js';
export { clipGradValue } from './clip-grad-value.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export type { AdamHyperparams, AdamOptions, AdamState } from './internal/adam-base.js';
export { LinearWarmup, type LinearWarmupOptions } from './linear-warmup.js';
export {
  LRScheduler,
  type LrGroup,
  type SchedulableOptimizer,
  type SchedulerStateDict,
} from './lr-scheduler.js';
export {
  type BaseHyperparams,
  type Hyperparam,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInit,
  type Params,
  type SavedParamGroup,
  type ZeroGradOptions,
} from './optimizer.js';
export { SequentialLR, type SequentialLROptions } from './sequential-lr.js';
export { SGD, type SGDHyperparams, type SGDOptions, type SGDState } from './sgd.js';
export { StepLR, type StepLROptions } from './step-lr.js';
