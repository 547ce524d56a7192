// @tapegrad/core: tensors, the op library, the tape and reverse-mode autodiff. What op and
// optimizer authors need beyond this is in '@tapegrad/core/op-kit'.
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
export { getBackend, listBackends, setBackend } from './backend/registry.js';
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
export { getDefaultRng, isRng, manualSeed, Rng, type Seed } from './random.js';
export { MAX_RANK } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export { toDot } from './to-dot.js';

// Helpers for op authors, now in '@tapegrad/core/op-kit'; kept here for one release.

/** @deprecated import it from '@tapegrad/core/op-kit' */
export const allocate = kit.allocate;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const checkDtype = kit.checkDtype;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const dtypeOf = kit.dtypeOf;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const fmtShape = kit.fmtShape;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const broadcastShapes = kit.broadcastShapes;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const normalizeDim = kit.normalizeDim;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const sameShape = kit.sameShape;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const sizeOf = kit.sizeOf;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export const toIndexArray = kit.toIndexArray;
/** @deprecated import it from '@tapegrad/core/op-kit' */
export type IndexArray = kit.IndexArray;
