// where: a where the condition is non-zero, b elsewhere.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import { scalarTensor, Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays, promoteAll } from './elementwise.js';

const whereKernel = compileMap({ inputs: ['c', 'a', 'b'], expr: 'c !== 0 ? a : b' });

const whereOp = defineOp({
  name: 'where',
  arity: 3,
  check: checkBroadcast('where'),
  forward: (xs) => mapArrays('where', whereKernel, xs, undefined, promoteAll(xs.slice(1))),
  backward: (dy, { inputs: [c] }) => [null, where(c!, dy, 0), where(c!, 0, dy)],
});

/** `condition ? a : b` elementwise (the condition is a 0/1 mask or any tensor). */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  // a number branch takes the other branch's dtype: the condition's dtype is not a value's
  const dtype = [a, b].some((x) => x instanceof Tensor && x.dtype === 'float64')
    ? 'float64'
    : 'float32';
  const wrap = (x: TensorLike): Tensor => (typeof x === 'number' ? scalarTensor(x, dtype) : x);
  return whereOp(condition, wrap(a), wrap(b));
}
