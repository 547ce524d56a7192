// @tapegrad/core/op-kit: what an op (or optimizer) author needs beyond `defineOp`: presets
// for elementwise ops and reductions, elementwise expressions, the kernels of the current
// backend, arrays without depending on `ndarray`, and shape and dtype helpers.

export { checkBoolean, checkOptions } from './args.js';
export {
  type Arr,
  arrayDtype,
  castArray,
  contiguousArray,
  emptyArray,
  makeArray,
  scalarArray,
} from './array.js';
export {
  type AnyOpDefinition,
  type ArraysOf,
  type BackwardRule,
  defineOp,
  type FlagsOf,
  type GradsOf,
  type LikeOf,
  type Op,
  type OpDefinition,
  type OpInfo,
  type TensorLike,
  type TensorList,
} from './autograd/define-op.js';
export type { Node, OpContext } from './autograd/node.js';
export { type TracedOp, traceOps } from './autograd/trace.js';
export * as E from './backend/expr.js';
export type {
  AdamStep,
  Dense,
  IndexArray,
  Kernels,
  Operand,
  ReduceKind,
  SgdStep,
  View,
} from './backend/kernels.js';
export {
  getBackend,
  kernels,
  kernelsOf,
  listBackends,
  registerBackend,
  setBackend,
} from './backend/registry.js';
export {
  allocate,
  checkDtype,
  DTYPES,
  type DType,
  dtypeOf,
  type FloatArray,
  promote,
} from './dtype.js';
export { describeInput, describeValue, fmtShape } from './errors.js';
export { checkWritable, denseValues } from './inplace.js';
export { checkRange, type Labels, toIndexArray } from './labels.js';
export {
  broadcastAll,
  type ElementwiseDefinition,
  type ExprTuple,
  elementwiseOp,
  promoteAll,
  type TensorTuple,
} from './ops/elementwise.js';
export {
  checkNonEmptyDims,
  type ReduceAttrs,
  type ReductionDefinition,
  reduceArray,
  reduceAttrs,
  reductionOp,
} from './ops/reduce.js';
export { keepDims, spread } from './ops/reduce-grad.js';
export {
  CORE_OPS,
  type CoreOpCall,
  coreOpCall,
  isInternal,
  type OpAttributes,
  type OpName,
} from './ops/registry.js';
export {
  broadcastShapes,
  checkRank,
  checkShape,
  contiguousStrides,
  isRowMajor,
  MAX_RANK,
  normalizeDim,
  normalizeDims,
  reducedShape,
  sameShape,
  sizeOf,
} from './shape.js';
export { fromBuffer, scalarTensor } from './tensor.js';
export { adamStep_, sgdStep_, sumAbsPow } from './updates.js';
