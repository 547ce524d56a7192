// argmax: the index of the largest value along a dim (the first on ties). Not differentiable.
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { normalizeDim, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNonEmptyDims } from './reduce.js';
import { contiguousArray } from './reshape.js';

const argmaxOp = defineOp<{ dim: number | null; keepdim: boolean }>({
  name: 'argmax',
  arity: 1,
  check: ([x], { dim }) =>
    checkNonEmptyDims('argmax', x!.shape, dim === null ? x!.shape.map((_, i) => i) : [dim]),
  forward: ([input], { dim, keepdim }) => {
    const x = contiguousArray(input!);
    const d = x.data;
    if (dim === null) {
      let best = 0;
      for (let i = 1; i < x.size; i++) if (d[x.offset + i]! > d[x.offset + best]!) best = i;
      return ndarray(new Float32Array([best]), keepdim ? x.shape.map(() => 1) : []);
    }
    const n = x.shape[dim]!;
    const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const outer = x.size / Math.max(1, n * inner);
    const out = new Float32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = x.offset + o * n * inner + i;
        let best = 0;
        for (let j = 1; j < n; j++) if (d[base + j * inner]! > d[base + best * inner]!) best = j;
        out[o * inner + i] = best;
      }
    }
    return ndarray(out, reducedShape(x.shape, [dim], keepdim));
  },
});

/**
 * The index of the maximum along `dim` (of the flattened tensor when absent), as whole
 * numbers in a float32 tensor. @example argmax(scores, 1) // predicted classes
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  const d = dim === undefined ? null : normalizeDim('argmax', dim, x.ndim, x.shape);
  return argmaxOp.run([x], { dim: d, keepdim });
}
