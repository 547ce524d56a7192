// Sequential: layers applied in order, each to the output of the one before.
import { freeWithGraph, type Tensor, ValueError } from '@tapegrad/core';
import { recordHealth } from './activation.js';
import { show } from './internal/args.js';
import { Linear } from './linear.js';
import { type ForwardHook, INDEXED_FIELD, Module } from './module.js';
import { ReLU } from './relu.js';

/** `layer` if it is a Module; a ValueError naming where it was given otherwise. */
function checkLayer(op: string, where: string, layer: unknown): Module {
  if (layer instanceof Module) return layer;
  const hint = Array.isArray(layer)
    ? '; pass the layers one by one: new Sequential(...layers)'
    : '';
  throw new ValueError(op, `${where} must be a Module, got ${show(layer)}${hint}`);
}

/**
 * Whether `layer`, then `next`, are a plain Linear and ReLU (these classes themselves, no
 * hook on either but the ReLU's own health hook, no `forward` set by hand): Sequential then
 * runs them as one op, `linearRelu`, with the same values and gradients as the two, in one
 * pass over the output (on 'wasm', the relu in the product's kernel) and one tape node.
 */
function fusesWithRelu(layer: Module, next: Module): boolean {
  return (
    Object.getPrototypeOf(layer) === Linear.prototype &&
    Object.getPrototypeOf(next) === ReLU.prototype &&
    layer.runsOwnForward() &&
    next.runsOwnForward(recordHealth as ForwardHook)
  );
}

/**
 * Whether `layer` keeps no reference to its input or output: a plain Linear or ReLU (these
 * classes themselves, with no hook but the ReLU's own health hook, which keeps counts only,
 * and no `forward` set by hand).
 */
function keepsNothing(layer: Module): boolean {
  const proto = Object.getPrototypeOf(layer);
  return (
    (proto === Linear.prototype && layer.runsOwnForward()) ||
    (proto === ReLU.prototype && layer.runsOwnForward(recordHealth as ForwardHook))
  );
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
    const layers = this.layers;
    let h = x;
    // whether the layers that made h keep no reference to it
    let madeHere = false;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      let out: Tensor;
      let plain: boolean;
      if (next !== undefined && fusesWithRelu(layer, next)) {
        // the ReLU's dead units show in the output as in its input: its health hook's record
        out = (layer as Linear).forwardRelu(h);
        if ((next as ReLU).tracksHealth) recordHealth(next as ReLU, [out], out);
        plain = true;
        i++;
      } else {
        out = layer.forward(h);
        plain = keepsNothing(layer);
      }
      // an activation between two plain layers reaches no one but the graph: backward frees
      // it with the graph, and its memory is reused
      const made = plain && out !== h;
      if (madeHere && made) freeWithGraph(h, out);
      madeHere = made;
      h = out;
    }
    return h;
  }
}
