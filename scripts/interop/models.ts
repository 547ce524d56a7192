// The models of the PyTorch round trip, and how each one is written as torch.nn layers: a
// tapegrad Sequential (or MLP) is the torch.nn.Sequential of the same layers, whose
// state-dict names (`0.weight`, `1.weight` of a PReLU, `2.bias`) and layouts (Linear.weight
// [out, in]) are tapegrad's. Maxout has no torch.nn equivalent and is left out.
import { Rng } from '@tapegrad/core';
import {
  Dropout,
  Identity,
  LeakyReLU,
  Linear,
  MLP,
  type Module,
  PReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@tapegrad/nn';
import { MODELS } from '../../packages/onnx/test/cases.js';

/** One layer as the torch.nn constructor call that builds it (see torch_models.py). */
export type TorchLayer =
  | { readonly type: 'Linear'; readonly in: number; readonly out: number; readonly bias: boolean }
  | { readonly type: 'ReLU' | 'Sigmoid' | 'Tanh' | 'Identity' }
  | { readonly type: 'LeakyReLU'; readonly negativeSlope: number }
  | { readonly type: 'PReLU'; readonly numParameters: number; readonly init: number }
  | { readonly type: 'Dropout'; readonly p: number };

/** What Python needs to build the torch.nn module: one layer, or a Sequential of layers. */
export interface TorchSpec {
  readonly sequential: boolean;
  readonly layers: readonly TorchLayer[];
}

function layerOf(m: Module): TorchLayer {
  if (m instanceof Linear) {
    return { type: 'Linear', in: m.inFeatures, out: m.outFeatures, bias: m.bias !== null };
  }
  if (m instanceof PReLU) {
    return { type: 'PReLU', numParameters: m.weight.size, init: m.weight.toTypedArray()[0]! };
  }
  if (m instanceof LeakyReLU) return { type: 'LeakyReLU', negativeSlope: m.negativeSlope };
  if (m instanceof Dropout) return { type: 'Dropout', p: m.p };
  if (m instanceof ReLU) return { type: 'ReLU' };
  if (m instanceof Sigmoid) return { type: 'Sigmoid' };
  if (m instanceof Tanh) return { type: 'Tanh' };
  if (m instanceof Identity) return { type: 'Identity' };
  throw new Error(`interop: ${m.constructor.name} has no torch.nn equivalent here`);
}

/** The torch.nn spelling of `model`: a Sequential's layers in order, or the one layer. */
export function torchSpec(model: Module): TorchSpec {
  if (model instanceof Sequential) {
    return { sequential: true, layers: model.layers.map(layerOf) };
  }
  return { sequential: false, layers: [layerOf(model)] };
}

const rng = new Rng(11);

/** The models loaded into torch.nn: the ONNX tests' networks (but Maxout), and more. */
export const TORCH_MODELS: Record<string, () => Module> = {
  ...Object.fromEntries(Object.entries(MODELS).filter(([name]) => name !== 'Maxout')),
  'MLP (tanh, 3 layers)': () => new MLP([6, 16, 16, 3], { activation: 'tanh', rng }),
  'MLP (prelu, 3 layers)': () => new MLP([6, 16, 16, 3], { activation: 'prelu', rng }),
  'every activation': () =>
    new Sequential(
      new Linear(6, 8, { rng }),
      new PReLU({ numParameters: 8, init: 0.2 }),
      new Linear(8, 8, { rng }),
      new Tanh(),
      new Linear(8, 8, { rng, bias: false }),
      new Sigmoid(),
      new Linear(8, 8, { rng }),
      new LeakyReLU(0.1),
      new Dropout(0.5),
      new Identity(),
      new ReLU(),
      new Linear(8, 3, { rng }),
    ),
};

/** The models that train under DistributedDataParallel (torchrun, 2 processes). */
export const DDP_MODELS: readonly string[] = ['MLP (ReLU)', 'PReLU (per channel)'];

/** A file name for a case: `MLP (ReLU)` → `mlp-relu`. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
