// Sequential: layers applied in order, each to the output of the one before.
import { type Tensor, ValueError } from '@tapegrad/core';
import { show } from './internal/args.js';
import { INDEXED_FIELD, Module } from './module.js';

/** `layer` if it is a Module; a ValueError naming where it was given otherwise. */
function checkLayer(op: string, where: string, layer: unknown): Module {
  if (layer instanceof Module) return layer;
  const hint = Array.isArray(layer)
    ? '; pass the layers one by one: new Sequential(...layers)'
    : '';
  throw new ValueError(op, `${where} must be a Module, got ${show(layer)}${hint}`);
}

/**
 * A chain of modules; its parameters are named `<i>.<name>` by layer index, as PyTorch's
 * `nn.Sequential` names them (state dicts saved with tapegrad 0.1's `layers.<i>.<name>`
 * still load).
 *
 * @example
 * const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
 * net.forward(randn([8, 3])).shape;      // [8, 2]
 * net.namedParameters()[0]![0];          // '0.weight'
 */
export class Sequential extends Module {
  static readonly [INDEXED_FIELD] = 'layers';
  layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((layer, i) => checkLayer('Sequential', `layer ${i}`, layer));
  }

  /** Add a layer at the end; returns this. */
  append(layer: Module): this {
    this.layers.push(checkLayer('Sequential.append', 'layer', layer));
    return this;
  }

  /** The number of layers. */
  get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}
