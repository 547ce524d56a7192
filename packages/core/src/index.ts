// @tapegrad/core: tensors, the op library, the tape and reverse-mode autodiff.
import { backward } from './autograd/engine.js';
import * as ops from './ops/index.js';
import { bindTensorMethods } from './tensor.js';

bindTensorMethods(ops, backward);

export { defineOp, type Op, type OpDefinition, type TensorLike } from './autograd/define-op.js';
export { type BackwardOptions, backward, type GradOptions, grad } from './autograd/engine.js';
export {
  detectAnomaly,
  enableGrad,
  isAnomalyEnabled,
  isGradEnabled,
  noGrad,
  setDetectAnomaly,
} from './autograd/mode.js';
export type { BackwardRule, OpContext } from './autograd/node.js';
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
export { allocate, checkDtype, type DType, dtypeOf, type FloatArray } from './dtype.js';
export {
  AnomalyError,
  AutogradError,
  DTypeError,
  fmtShape,
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
export { type IndexArray, type Labels, toIndexArray } from './labels.js';
export * from './ops/index.js';
export { getDefaultRng, manualSeed, Rng } from './random.js';
export { broadcastShapes, normalizeDim, sameShape, sizeOf } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export { toDot } from './to-dot.js';
