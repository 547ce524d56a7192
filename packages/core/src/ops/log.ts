// log: The natural logarithm elementwise (-Inf at 0, NaN below).
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mapArrays } from './elementwise.js';

const logKernel = compileMap({ inputs: ['a'], expr: 'Math.log(a)' });

const logOp = defineOp({
  name: 'log',
  arity: 1,
  forward: (xs) => mapArrays('log', logKernel, xs),
  backward: (dy, { inputs: [x] }) => [div(dy, x!)],
});

/** The natural logarithm elementwise (-Inf at 0, NaN below). */
export function log(x: Tensor): Tensor {
  return logOp(x);
}
