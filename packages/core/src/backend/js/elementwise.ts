// Elementwise kernels of the 'js' backend: JavaScript generated from an expression tree, once
// per (expression, dtypes), like ndarray-ops' cwise. A flat loop when every input and the
// output lie in row-major order in the output's shape, otherwise an N-d walk over strided
// (and broadcast, stride 0) inputs and output with a tight innermost loop.
import { isRowMajor, sizeOf } from '../../shape.js';
import { arityOf, type BinaryOp, type Expr, exprKey, isComparison, type UnaryOp } from '../expr.js';
import type { View } from '../kernels.js';

type Kernel = (
  o: View['data'],
  oo: number,
  os: readonly number[],
  shape: readonly number[],
  size: number,
  flat: boolean,
  views: readonly View[],
  strides: readonly (readonly number[])[],
  params: readonly number[],
) => void;

const UNARY: Readonly<Record<UnaryOp, (x: string) => string>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `Math.abs(${x})`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  sign: (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x})`,
};

const INFIX: Partial<Readonly<Record<BinaryOp, string>>> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
  eq: '===',
  ne: '!==',
};

/** A JS literal for a constant (NaN, ±Infinity and -0 included). */
function literal(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** JS source of `e` as a boolean test (for select), without turning comparisons into 0/1. */
export function condition(e: Expr): string {
  if (e.kind === 'binary' && isComparison(e.op)) {
    return `(${source(e.a)} ${INFIX[e.op]} ${source(e.b)})`;
  }
  return `(${source(e)} !== 0)`;
}

/**
 * JS source of `e` as a number (also used by the reductions' generated code). Operands are
 * single-use names (`x0`, `p0`), so repeated
 * sub-expressions are computed again, as in a hand-written kernel. Simple operands (names,
 * literals) are not wrapped in parentheses, so the generated kernels read like hand-written
 * ones (and compute the same bits).
 */
export function source(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `x${e.index}`;
    case 'param':
      return `p${e.index}`;
    case 'const':
      return e.value < 0 || Object.is(e.value, -0) ? `(${literal(e.value)})` : literal(e.value);
    case 'unary': {
      const x = source(e.x);
      return e.op === 'neg' ? `(-${x})` : UNARY[e.op](x);
    }
    case 'binary': {
      const a = source(e.a);
      const b = source(e.b);
      if (e.op === 'pow') return `Math.pow(${a}, ${b})`;
      // NaN on either side propagates; on equal values the second operand wins
      if (e.op === 'max') return `(${a} > ${b} || ${a} !== ${a} ? ${a} : ${b})`;
      if (e.op === 'min') return `(${a} < ${b} || ${a} !== ${a} ? ${a} : ${b})`;
      if (isComparison(e.op)) return `(${a} ${INFIX[e.op]} ${b} ? 1 : 0)`;
      return `(${a} ${INFIX[e.op]} ${b})`;
    }
    case 'select':
      return `(${condition(e.cond)} ? ${source(e.ifTrue)} : ${source(e.ifFalse)})`;
  }
}

function generate(expr: Expr, nInputs: number): Kernel {
  const value = source(expr);
  const { params } = arityOf(expr);
  const ins = Array.from({ length: nInputs }, (_, i) => i);
  const each = (line: (i: number) => string): string => ins.map(line).join('\n');
  const body = `
    ${Array.from({ length: params }, (_, i) => `const p${i} = params[${i}];`).join('\n')}
    ${each((i) => `const d${i} = views[${i}].data; let q${i} = views[${i}].offset;`)}
    if (flat) {
      if (oo === 0) {
        for (let i = 0; i < size; i++) {
          ${each((i) => `const x${i} = d${i}[q${i} + i];`)}
          o[i] = ${value};
        }
      } else {
        for (let i = 0; i < size; i++) {
          ${each((i) => `const x${i} = d${i}[q${i} + i];`)}
          o[oo + i] = ${value};
        }
      }
      return;
    }
    const nd = shape.length;
    if (nd === 0) {
      ${each((i) => `const x${i} = d${i}[q${i}];`)}
      o[oo] = ${value};
      return;
    }
    if (size === 0) return;
    const last = nd - 1;
    const n = shape[last];
    ${each((i) => `const s${i} = strides[${i}]; const l${i} = s${i}[last];`)}
    const ol = os[last];
    const idx = new Int32Array(nd);
    const outer = size / n;
    let po = oo;
    for (let k = 0; k < outer; k++) {
      for (let i = 0; i < n; i++) {
        ${each((i) => `const x${i} = d${i}[q${i}]; q${i} += l${i};`)}
        o[po] = ${value};
        po += ol;
      }
      ${each((i) => `q${i} -= l${i} * n;`)}
      po -= ol * n;
      for (let d = last - 1; d >= 0; d--) {
        idx[d]++;
        ${each((i) => `q${i} += s${i}[d];`)}
        po += os[d];
        if (idx[d] < shape[d]) break;
        ${each((i) => `q${i} -= s${i}[d] * shape[d];`)}
        po -= os[d] * shape[d];
        idx[d] = 0;
      }
    }`;
  const src = `'use strict'; return function kernel(o, oo, os, shape, size, flat, views, strides, params) {${body}\n};`;
  return new Function(src)() as Kernel;
}

/** Strides of `v` seen in a broadcast output shape: 0 where `v` is broadcast. */
export function broadcastStrides(v: View, outShape: readonly number[]): number[] {
  const nd = outShape.length;
  const off = nd - v.shape.length;
  const s = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - off;
    s[i] = j < 0 || v.shape[j] === 1 ? 0 : v.stride[j]!;
  }
  return s;
}

/** Compiled kernels of one expression, by dtype signature ('f' float32, 'd' float64; output first). */
type Copies = Map<string, Kernel>;

const byExpr = new WeakMap<Expr, Copies>();
const byKey = new Map<string, Copies>();

/**
 * The kernel copies of `expr`: found by object first (ops build their expressions once), then
 * by structure (an expression rebuilt on every call compiles once too).
 */
function copiesOf(expr: Expr): Copies {
  let copies = byExpr.get(expr);
  if (copies === undefined) {
    const key = exprKey(expr);
    copies = byKey.get(key);
    if (copies === undefined) {
      copies = new Map();
      byKey.set(key, copies);
    }
    byExpr.set(expr, copies);
  }
  return copies;
}

const NONE: readonly number[] = [];

/** `out = expr(inputs…)` elementwise with broadcasting; see `Kernels.map`. */
export function map(
  expr: Expr,
  inputs: readonly View[],
  out: View,
  params: readonly number[] = NONE,
): void {
  const copies = copiesOf(expr);
  // one copy per dtype combination, so that every typed-array access site sees one type
  let key = out.data instanceof Float64Array ? 'd' : 'f';
  for (const v of inputs) key += v.data instanceof Float64Array ? 'd' : 'f';
  let kernel = copies.get(key);
  if (kernel === undefined) {
    kernel = generate(expr, inputs.length);
    copies.set(key, kernel);
  }
  const shape = out.shape;
  const size = sizeOf(shape);
  const strides = inputs.map((v) => broadcastStrides(v, shape));
  const flat =
    isRowMajor(shape, out.stride) &&
    strides.every((s) => isRowMajor(shape, s)) &&
    inputs.every((v) => sizeOf(v.shape) === size);
  kernel(out.data, out.offset, out.stride, shape, size, flat, inputs, strides, params);
}
