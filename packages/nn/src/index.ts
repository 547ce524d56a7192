// @tapegrad/nn: modules (neurons, layers, networks), activations, dropout, initializers,
// losses, training-health statistics and safetensors weights. File IO: '@tapegrad/nn/node'.

export { leakyRelu, relu, sigmoid, tanh } from '@tapegrad/core';
export { Activation } from './activation.js';
export {
  type ActivationKind,
  type ActivationStats,
  measureActivation,
  SIGMOID_SATURATION,
  TANH_SATURATION,
} from './activation-stats.js';
export { Dropout, type DropoutOptions, dropout } from './dropout.js';
export { FileError, SafetensorsError, type ShapeMismatch, StateDictError } from './errors.js';
export { healthReport, trackHealth } from './health.js';
export { Identity } from './identity.js';
export {
  calculateGain,
  type Fans,
  fans,
  type Init,
  initWeight,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  type Nonlinearity,
  smallRandom,
  xavierNormal,
  xavierUniform,
} from './init.js';
export { LeakyReLU } from './leaky-relu.js';
export { Linear, type LinearOptions } from './linear.js';
export { binaryCrossEntropyWithLogits } from './losses/binary-cross-entropy-with-logits.js';
export { hingeLoss } from './losses/hinge-loss.js';
export { mseLoss } from './losses/mse-loss.js';
export { multiclassHingeLoss } from './losses/multiclass-hinge-loss.js';
export type { LossOptions, Reduction, Targets } from './losses/reduction.js';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
export { type ActivationName, type ActivationSpec, makeActivation } from './make-activation.js';
export { Maxout, type MaxoutOptions, maxout } from './maxout.js';
export { MLP, type MLPOptions } from './mlp.js';
export {
  type ForwardHook,
  functionalCall,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type RemovableHandle,
  type StateDict,
  type StateDictLike,
} from './module.js';
export { Neuron, type NeuronOptions } from './neuron.js';
export { Parameter } from './parameter.js';
export { PReLU, type PReLUOptions, prelu } from './prelu.js';
export { ReLU } from './relu.js';
export { type Rename, renameKeys } from './rename.js';
export {
  loadSafetensors,
  loadSafetensorsWithMetadata,
  type SafetensorsContents,
  type SaveSafetensorsOptions,
  saveSafetensors,
} from './safetensors.js';
export { Sequential } from './sequential.js';
export { Sigmoid } from './sigmoid.js';
export { summary } from './summary.js';
export { Tanh } from './tanh.js';
