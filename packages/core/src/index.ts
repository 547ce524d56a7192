// @tapegrad/core: tensors, the op library, the tape and reverse-mode autodiff. What op and
// optimizer authors need beyond this is in '@tapegrad/core/op-kit'.

import type { DType, FloatArray } from './dtype.js';
import { describeValue, ValueError } from './errors.js';
import * as kit from './op-kit.js';

export {
  type BackwardRule,
  defineOp,
  type Op,
  type OpDefinition,
  type TensorLike,
} from './autograd/define-op.js';
export { type BackwardOptions, backward, type GradOptions, grad } from './autograd/engine.js';
export {
  detectAnomaly,
  enableGrad,
  isAnomalyEnabled,
  isGradEnabled,
  noGrad,
  setDetectAnomaly,
} from './autograd/mode.js';
export type { OpContext } from './autograd/node.js';
export { freeWithGraph } from './autograd/release.js';
export {
  backendFeatures,
  getBackend,
  getNumThreads,
  listBackends,
  ready,
  setBackend,
  setNumThreads,
  threadsReady,
} from './backend/registry.js';
export {
  arange,
  type CreateOptions,
  eye,
  fromNdarray,
  full,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randn,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export type { DType, FloatArray } from './dtype.js';
export {
  AnomalyError,
  AutogradError,
  DTypeError,
  describeValue,
  FileError,
  IndexError,
  ShapeError,
  TapegradError,
  ValueError,
} from './errors.js';
export {
  type GradcheckFn,
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
  gradgradcheck,
} from './gradcheck.js';
export type { Labels } from './labels.js';
export * from './ops/index.js';
export { getDefaultRng, manualSeed, Rng, type Seed } from './random.js';
export { MAX_RANK } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export { type ToDotOptions, toDot } from './to-dot.js';

// Helpers for op authors, now in '@tapegrad/core/op-kit'; kept here for one release.

// The deprecated aliases check their arguments (op-kit's own versions, on op authors' hot
// paths, trust theirs).

/** A shape argument of a deprecated helper, or a ShapeError naming it. */
const shapeArg = (op: string, shape: unknown): readonly number[] => kit.checkShape(op, shape);

/** @deprecated import it from '@tapegrad/core/op-kit' */
export const allocate = (dtype: DType, n: number): FloatArray => {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ValueError('allocate', `n must be a whole number ≥ 0, got ${describeValue(n)}`);
  }
  return kit.allocate(kit.checkDtype('allocate', dtype), n);
};
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const checkDtype = kit.checkDtype;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const dtypeOf = kit.dtypeOf;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const fmtShape = (shape: readonly number[]): string =>
  kit.fmtShape(shapeArg('fmtShape', shape));
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const broadcastShapes = (op: string, a: readonly number[], b: readonly number[]): number[] =>
  kit.broadcastShapes(op, shapeArg(op, a), shapeArg(op, b));
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const normalizeDim = kit.normalizeDim;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  kit.sameShape(shapeArg('sameShape', a), shapeArg('sameShape', b));
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const sizeOf = (shape: readonly number[]): number => kit.sizeOf(shapeArg('sizeOf', shape));
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const toIndexArray = kit.toIndexArray;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export type IndexArray = kit.IndexArray;
