// Elementwise kernels of the 'js' backend: JavaScript generated from an expression tree, once
// per (expression, dtypes), like ndarray-ops' cwise. A flat loop when every input and the
// output lie in row-major order in the output's shape (indexing from 0 when every offset is
// 0, measured 10-30% faster than from an offset), otherwise a walk over strided (and
// broadcast, stride 0) inputs and output with a tight innermost loop, over as few dims as
// the strides allow (a bias added to [n, c] rows is a 2-D walk).
import { isRowMajor, sizeOf } from '../../shape.js';
import { remember } from '../compiled-cache.js';
import { arityOf, type BinaryOp, type Expr, exprKey, isComparison, type UnaryOp } from '../expr.js';
import type { View } from '../kernels.js';

type Kernel = (
  o: View['data'],
  oo: number,
  views: readonly View[],
  params: readonly number[],
  mode: number,
  size: number,
  shape: readonly number[],
  os: readonly number[],
  strides: readonly (readonly number[])[],
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

/** Temporaries the source being generated uses (`$0`, `$1`, …), counted by `generated`. */
let temps = 0;

/**
 * `use(x)` for the JS source x of `e`, where `use` reads x more than once: a compound `e`
 * is computed once into a temporary (a comma expression), not once per read. The kernel
 * declares the temporaries (see `generated`).
 */
function shared(e: Expr, use: (x: string) => string): string {
  if (e.kind === 'input' || e.kind === 'param' || e.kind === 'const') return use(source(e));
  const t = `$${temps++}`;
  return `(${t} = ${source(e)}, ${use(t)})`;
}

/**
 * The JS source `make` returns (built with `source` and `condition`), and the declaration of
 * the temporaries it uses, for a generated function to put before its loops.
 *
 * @example
 * const { code, declare } = generated(() => source(expr)); // declare: 'let $0, $1;' or ''
 */
export function generated(make: () => string): { code: string; declare: string } {
  temps = 0;
  const code = make();
  const names = Array.from({ length: temps }, (_, i) => `$${i}`);
  return { code, declare: names.length === 0 ? '' : `let ${names.join(', ')};` };
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
      if (e.op === 'neg') return `(-${source(e.x)})`;
      // sign reads its operand up to three times
      return e.op === 'sign' ? shared(e.x, UNARY.sign) : UNARY[e.op](source(e.x));
    }
    case 'binary': {
      if (e.op === 'max' && isPositiveZero(e.b)) return shared(e.a, rectified);
      // NaN on either side propagates; on equal values the second operand wins
      if (e.op === 'max' || e.op === 'min') {
        const test = e.op === 'max' ? '>' : '<';
        return shared(e.a, (a) =>
          shared(e.b, (b) => `(${a} ${test} ${b} || ${a} !== ${a} ? ${a} : ${b})`),
        );
      }
      const a = source(e.a);
      const b = source(e.b);
      if (e.op === 'pow') return `Math.pow(${a}, ${b})`;
      if (isComparison(e.op)) return `(${a} ${INFIX[e.op]} ${b} ? 1 : 0)`;
      return `(${a} ${INFIX[e.op]} ${b})`;
    }
    case 'select': {
      const { cond, ifTrue, ifFalse } = e;
      if (
        cond.kind === 'binary' &&
        cond.op === 'le' &&
        isPositiveZero(cond.b) &&
        isPositiveZero(ifTrue)
      ) {
        return shared(cond.a, (c) => shared(ifFalse, (v) => gated(c, v)));
      }
      return `(${condition(cond)} ? ${source(ifTrue)} : ${source(ifFalse)})`;
    }
  }
}

function isPositiveZero(e: Expr): boolean {
  return e.kind === 'const' && Object.is(e.value, 0);
}

/**
 * max(x, +0) (relu; x a name or a temporary: it is read four times) without a
 * data-dependent branch: V8 compiles a select of two numbers to a jump, mispredicted half
 * the time on random signs (~5 ms for 10⁶ values here, against ~1 ms). (x + |x|)/2 is x for
 * x ≥ 0 and +0 below, NaN for NaN, all exactly; the two tests that are almost never true
 * keep -∞ (−∞ + ∞ is NaN) and values past 10³⁰⁷ (whose double overflows) out of it.
 */
function rectified(x: string): string {
  return `(${x} === -Infinity ? 0 : ${x} > 1e307 ? ${x} : (${x} + Math.abs(${x})) * 0.5)`;
}

/**
 * `c ≤ 0 ? +0 : v` for names or temporaries c and v (relu's backward: 0 where x ≤ 0, else
 * dy) without a data-dependent branch: v·m + 0·(0 − m) with m = (c > 0 or c is NaN) as 0
 * or 1 — v itself (−0 too: −0 + −0) where m is 1, +0 where it is 0. A finite v only: v·0 is
 * NaN for ±∞, so the test that is almost never false sends a non-finite v to the plain
 * select. 10⁶ random signs: ~1.7 ms, against ~5.6 ms for the branch.
 */
function gated(c: string, v: string): string {
  const m = `((${c} > 0) | (${c} !== ${c}))`;
  return `(${v} - ${v} === 0 ? ${v} * ${m} + 0 * (0 - ${m}) : ${c} <= 0 ? 0 : ${v})`;
}

/** How a kernel walks its operands (see `map`). */
const FLAT0 = 0; // every operand row-major in the output's shape, all from index 0
const FLAT = 1; // every operand row-major in the output's shape, from its offset
const STRIDED = 2; // the N-d walk over (collapsed) shape and strides

/**
 * The kernel of `expr` over `nInputs` inputs. The inputs in the bit mask `scalars` hold one
 * value (a number operand, a 0-d tensor): the flat loops read each once, before the loop; a
 * kernel with scalars runs only flat (see `map`).
 */
function generate(expr: Expr, nInputs: number, scalars: number): Kernel {
  const { code: value, declare } = generated(() => source(expr));
  const { params } = arityOf(expr);
  const ins = Array.from({ length: nInputs }, (_, i) => i);
  const each = (line: (i: number) => string): string => ins.map(line).join('\n');
  const scalar = (i: number): boolean => (scalars & (1 << i)) !== 0;
  const eachArray = (line: (i: number) => string): string =>
    ins.map((i) => (scalar(i) ? '' : line(i))).join('\n');
  const body = `
    ${declare}
    ${Array.from({ length: params }, (_, i) => `const p${i} = params[${i}];`).join('\n')}
    ${each((i) => `const d${i} = views[${i}].data;`)}
    ${ins.map((i) => (scalar(i) ? `const x${i} = d${i}[views[${i}].offset];` : '')).join('\n')}
    if (mode === ${FLAT0}) {
      for (let i = 0; i < size; i++) {
        ${eachArray((i) => `const x${i} = d${i}[i];`)}
        o[i] = ${value};
      }
      return;
    }
    ${each((i) => `let q${i} = views[${i}].offset;`)}
    if (mode === ${FLAT}) {
      for (let i = 0; i < size; i++) {
        ${eachArray((i) => `const x${i} = d${i}[q${i} + i];`)}
        o[oo + i] = ${value};
      }
      return;
    }
    const nd = shape.length;
    const last = nd - 1;
    const n = shape[last];
    ${each((i) => `const s${i} = strides[${i}]; const l${i} = s${i}[last];`)}
    const ol = os[last];
    let po = oo;
    if (nd === 1) {
      for (let i = 0; i < n; i++) {
        ${each((i) => `const x${i} = d${i}[q${i}]; q${i} += l${i};`)}
        o[po] = ${value};
        po += ol;
      }
      return;
    }
    if (nd === 2 && ol === 1${each((i) => ` && l${i} === 1`)}) {
      // rows of unit stride (a bias added to each row): indexed from each row's start,
      // measured ~12% faster than stepping every pointer
      const m = shape[0];
      ${each((i) => `const t${i} = s${i}[0];`)}
      const orow = os[0];
      for (let k = 0; k < m; k++) {
        for (let i = 0; i < n; i++) {
          ${each((i) => `const x${i} = d${i}[q${i} + i];`)}
          o[po + i] = ${value};
        }
        ${each((i) => `q${i} += t${i};`)}
        po += orow;
      }
      return;
    }
    if (nd === 2) {
      // rows: after each row, step from its end to the next row's start
      const m = shape[0];
      ${each((i) => `const r${i} = s${i}[0] - l${i} * n;`)}
      const or = os[0] - ol * n;
      for (let k = 0; k < m; k++) {
        for (let i = 0; i < n; i++) {
          ${each((i) => `const x${i} = d${i}[q${i}]; q${i} += l${i};`)}
          o[po] = ${value};
          po += ol;
        }
        ${each((i) => `q${i} += r${i};`)}
        po += or;
      }
      return;
    }
    const idx = new Int32Array(nd);
    const outer = size / n;
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
  const src = `'use strict'; return function kernel(o, oo, views, params, mode, size, shape, os, strides) {${body}\n};`;
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

/**
 * Compiled kernels of one expression: by the number of inputs (an expression need not read
 * them all), then by dtype signature, bit 0 set for a float64 output and bit i + 1 for a
 * float64 input i (sparse arrays: one slot per combination used).
 */
type Copies = Kernel[][];

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
    copies = byKey.get(key) ?? remember(byKey, key, []);
    byExpr.set(expr, copies);
  }
  return copies;
}

/** The expressions whose kernels are cached by structure (for tests: the cache is bounded). */
export function cachedExpressionCount(): number {
  return byKey.size;
}

/** The last expression `map` ran and its copies: ops call it with one expression over and over. */
let lastExpr: Expr | null = null;
let lastCopies: Copies = [];

const NONE: readonly number[] = [];

/** `out = expr(inputs…)` elementwise with broadcasting; see `Kernels.map`. */
export function map(
  expr: Expr,
  inputs: readonly View[],
  out: View,
  params: readonly number[] = NONE,
): void {
  let copies = lastCopies;
  if (expr !== lastExpr) {
    copies = copiesOf(expr);
    lastExpr = expr;
    lastCopies = copies;
  }
  const k = inputs.length;
  const shape = out.shape;
  const size = sizeOf(shape);
  if (size === 0) return;
  // one copy per dtype combination, so that every typed-array access site sees one type
  let key = out.data instanceof Float64Array ? 1 : 0;
  for (let i = 0, bit = 2; i < k; i++, bit *= 2) {
    if (inputs[i]!.data instanceof Float64Array) key += bit;
  }
  const byDtypes = (copies[k] ??= []);
  // Flat when every operand lies in row-major order in the output's shape (an input of the
  // output's size that broadcasts to it has its shape, up to dims of size 1), or holds one
  // value (read once: a number operand such as the 2 of x·2).
  let flat = isRowMajor(shape, out.stride);
  let zero = out.offset === 0;
  let scalars = 0;
  for (let i = 0; flat && i < k; i++) {
    const v = inputs[i]!;
    const n = sizeOf(v.shape);
    if (n === 1 && size > 1) scalars |= 1 << i;
    else {
      flat = n === size && isRowMajor(v.shape, v.stride);
      if (v.offset !== 0) zero = false;
    }
  }
  // kernels with scalars after those without: bits k+1… of the key say which inputs
  const flatKey = flat ? key + scalars * (2 << k) : key;
  let kernel = byDtypes[flatKey];
  if (kernel === undefined) {
    kernel = generate(expr, k, flat ? scalars : 0);
    byDtypes[flatKey] = kernel;
  }
  if (flat) {
    kernel(
      out.data,
      out.offset,
      inputs,
      params,
      zero ? FLAT0 : FLAT,
      size,
      shape,
      NONE,
      NO_STRIDES,
    );
    return;
  }
  const strides: number[][] = new Array(k);
  for (let i = 0; i < k; i++) strides[i] = broadcastStrides(inputs[i]!, shape);
  const nd = shape.length;
  let ones = false;
  for (let d = 0; d < nd; d++) if (shape[d] === 1) ones = true;
  if (nd <= 2 && !ones) {
    kernel(out.data, out.offset, inputs, params, STRIDED, size, shape, out.stride, strides);
    return;
  }
  // The walk over the dims left after dropping those of size 1 and merging neighbours that
  // every operand steps through as one (a [b, n, c] + [c] walk is 2-D, a [b, n, c] slice 1-D).
  const dims: number[] = [];
  const os: number[] = [];
  const merged: number[][] = new Array(k);
  for (let i = 0; i < k; i++) merged[i] = [];
  for (let d = 0; d < nd; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const o = out.stride[d]!;
    const prev = dims.length - 1;
    let merge = prev >= 0 && os[prev] === o * n;
    for (let i = 0; merge && i < k; i++) merge = merged[i]![prev] === strides[i]![d]! * n;
    if (merge) {
      dims[prev]! *= n;
      os[prev] = o;
      for (let i = 0; i < k; i++) merged[i]![prev] = strides[i]![d]!;
    } else {
      dims.push(n);
      os.push(o);
      for (let i = 0; i < k; i++) merged[i]!.push(strides[i]![d]!);
    }
  }
  kernel(out.data, out.offset, inputs, params, STRIDED, size, dims, os, merged);
}

const NO_STRIDES: readonly (readonly number[])[] = [];
