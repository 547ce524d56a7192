// The op author's kit: typed defineOp, the elementwise and reduction presets, and the op
// registry that exporters switch over.
import { grad, gt, leakyRelu, relu, sum, type Tensor, tensor, toDot } from '@tapegrad/core';
import {
  CORE_OPS,
  coreOpCall,
  defineOp,
  E,
  elementwiseOp,
  emptyArray,
  isInternal,
  kernels,
  type OpName,
  reduceAttrs,
  reductionOp,
  spread,
  type TracedOp,
  traceOps,
} from '@tapegrad/core/op-kit';
import { broadcastPairArb, checkOpGradient } from '@tapegrad/core/testing';
import { describe, expect, it } from 'vitest';
import * as ops from '../src/ops/index.js';

describe('defineOp', () => {
  it('types the inputs as a tuple and says which ones need a gradient', () => {
    const seen: boolean[][] = [];
    const scaled = defineOp<[x: Tensor, w: Tensor], { readonly k: number }>({
      name: 'scaled',
      arity: 2,
      // a custom forward: a new array, computed by the backend's kernels
      forward: ([x, w], { k }) => {
        const out = emptyArray(x.shape, 'float64');
        kernels().map(E.mul(E.mul(E.input(0), E.input(1)), E.param(0)), [x, w], out, [k]);
        return out;
      },
      backward: (dy, { inputs: [x, w], attrs: { k }, needsInputGrad }) => {
        seen.push([...needsInputGrad]);
        return [
          needsInputGrad[0] ? dy.mul(w).mul(k) : null,
          needsInputGrad[1] ? dy.mul(x).mul(k) : null,
        ];
      },
    });
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const w = tensor([3, 4], { dtype: 'float64' });
    const y = scaled.run([x, w], { k: 2 });
    expect(y.toArray()).toEqual([6, 16]);
    y.sum().backward();
    expect(seen).toEqual([[true, false]]);
    expect(x.grad?.toArray()).toEqual([6, 8]);
    expect(scaled.opName).toBe('scaled');
    expect(scaled.definition.name).toBe('scaled');
  });
});

describe('elementwiseOp', () => {
  // the example of the op-kit's documentation: a binary op in a dozen lines
  const hypot = elementwiseOp({
    name: 'hypot',
    arity: 2,
    expr: ([a, b]) => E.sqrt(E.add(E.mul(a, a), E.mul(b, b))),
    backward: (dy, { inputs: [a, b], output, needsInputGrad }) => [
      needsInputGrad[0] ? dy.mul(a).div(output) : null,
      needsInputGrad[1] ? dy.mul(b).div(output) : null,
    ],
  });

  it('broadcasts, promotes, and names itself in errors', () => {
    const y = hypot(tensor([[3], [5]]), tensor([4, 12], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([
      [5, Math.hypot(3, 12)],
      [Math.hypot(5, 4), 13],
    ]);
    expect(() => hypot(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'hypot: shapes [2] and [3] cannot broadcast (dim -1: 2 vs 3)',
    );
  });

  it('passes its one-line gradient property test', () => {
    checkOpGradient(hypot, {
      shapes: broadcastPairArb(),
      domain: { min: 0.5, max: 2 },
      order: 2,
    });
  });

  it('takes numeric attributes as run-time parameters (one kernel for every value)', () => {
    const clampBelow = elementwiseOp<1, { readonly floor: number }>({
      name: 'clampBelow',
      arity: 1,
      params: ['floor'],
      expr: ([x], { floor }) => E.max(x, floor),
    });
    expect(clampBelow.run([tensor([-1, 0.5, 2])], { floor: 0 }).toArray()).toEqual([0, 0.5, 2]);
    expect(clampBelow.run([tensor([-1, 0.5, 2])], { floor: 1 }).toArray()).toEqual([1, 1, 2]);
  });
});

describe('reductionOp', () => {
  it('reduces over dims with keepdim, and its backward spreads dy back', () => {
    const total = reductionOp({
      name: 'total',
      kind: 'sum',
      backward: (dy, { inputs: [x], attrs }) => [spread(dy, x.shape, attrs)],
    });
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const y = total.run([x], reduceAttrs('total', x, 1, true));
    expect(y.toArray()).toEqual([[6], [15]]);
    const [dx] = grad(y.sum(), [x]);
    expect(dx?.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(() => total.run([x], reduceAttrs('total', x, 2, false))).toThrow(
      /total: dim 2 is out of range/,
    );
  });

  it('refuses a max over an empty dim, naming the op', () => {
    const biggest = reductionOp({ name: 'biggest', kind: 'max' });
    const x = tensor([[], []]);
    expect(() => biggest.run([x], reduceAttrs('biggest', x, 1, false))).toThrow(
      /biggest: cannot reduce over dim 1 of size 0/,
    );
  });
});

describe('the op registry', () => {
  it('lists every core op under its own name', () => {
    for (const [name, op] of Object.entries(CORE_OPS)) expect(op.opName).toBe(name);
  });

  it('covers every op the library exports', () => {
    const composed = ['mean', 'squeeze', 'unsqueeze', 'stack'];
    const names = new Set<string>(Object.keys(CORE_OPS));
    const missing = Object.keys(ops).filter((fn) => !names.has(fn) && !composed.includes(fn));
    expect(missing).toEqual([]);
  });

  it('gives a recorded node back as a typed call, null for an op defined elsewhere', () => {
    const x = tensor([[1, -2]], { requiresGrad: true });
    const s = sum(x, 1, true);
    const call = coreOpCall(s.gradFn!);
    expect(call).toEqual({ op: 'sum', attrs: { dims: [1], keepdim: true } });
    const user = defineOp({ name: 'mine', forward: ([a]) => a!, backward: (dy) => [dy] });
    expect(coreOpCall(user(x).gradFn!)).toBeNull();
  });

  it('marks the ops internal to another op’s backward', () => {
    const x = tensor([1, -1], { requiresGrad: true });
    const [g] = grad(relu(x).sum(), [x], { createGraph: true });
    expect(g?.gradFn?.op).toBe('reluBackward');
    expect(isInternal(g!.gradFn!)).toBe(true);
    expect(isInternal(relu(x).gradFn!)).toBe(false);
    const internal = (Object.keys(CORE_OPS) as OpName[]).filter(
      (k) => CORE_OPS[k].definition.internal === true,
    );
    expect(internal.sort()).toEqual(
      ['indexAdd', 'leakyReluBackward', 'padSlice', 'reluBackward', 'scatterAdd'].sort(),
    );
  });

  it('lets toDot show attributes as tooltips and internal ops dotted', () => {
    const x = tensor([1, -1], { requiresGrad: true });
    const [g] = grad(leakyRelu(x, 0.2).sum(), [x], { createGraph: true });
    const dot = toDot(g!);
    expect(dot).toMatch(
      /tooltip="negativeSlope=0.2", style=dotted, label="leakyReluBackward \[2\]"/,
    );
    expect(toDot(sum(x.mul(2), 0))).toMatch(/tooltip="dims=\[0\] keepdim=false", label="sum \[\]"/);
  });
});

describe('traceOps', () => {
  it('reports every op application in order, recorded on the tape or not', () => {
    const x = tensor([-1, 2, 3], { requiresGrad: true });
    const c = tensor([1, 1, 1]); // needs no gradient: ops on it alone are not on the tape
    const seen: TracedOp[] = [];
    const y = traceOps(
      () => relu(x).mul(gt(x, 0)).add(c.mul(2)),
      (op) => seen.push(op),
    );
    expect(seen.map((op) => op.def.name)).toEqual(['relu', 'gt', 'mul', 'mul', 'add']);
    // gt has no backward rule and c·2 needs no gradient: neither is on the tape
    expect(seen[1]!.output.gradFn).toBeNull();
    expect(seen[3]!.output.gradFn).toBeNull();
    expect(seen[3]!.inputs[0]).toBe(c);
    expect(seen[4]!.output).toBe(y);
    expect(seen[0]!.inputs[0]).toBe(x);
  });

  it('nests (the inner trace sees its own ops), stops when fn throws, and returns fn’s value', () => {
    const outer: string[] = [];
    const inner: string[] = [];
    const x = tensor([1, 2]);
    const result = traceOps(
      () => {
        const a = x.exp();
        traceOps(
          () => a.log(),
          (op) => inner.push(op.def.name),
        );
        return a.neg();
      },
      (op) => outer.push(op.def.name),
    );
    expect(outer).toEqual(['exp', 'neg']);
    expect(inner).toEqual(['log']);
    expect(Array.from(result.toTypedArray())).toEqual([
      -Math.fround(Math.E),
      -Math.fround(Math.exp(2)),
    ]);
    expect(() =>
      traceOps(
        () => {
          throw new Error('boom');
        },
        () => outer.push('never'),
      ),
    ).toThrow('boom');
    x.exp();
    expect(outer).toEqual(['exp', 'neg']);
  });
});
