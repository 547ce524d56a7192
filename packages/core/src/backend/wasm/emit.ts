// Elementwise expressions compiled to WebAssembly at run time: one small module per
// (expression, operand layout), which imports the backend's memory and exports one function
// that loops over the values four at a time, as two f64x2. It computes what the JavaScript kernels
// compute, bit for bit (expr.ts's semantics: float64 arithmetic, rounded once when a float32
// output is stored; comparisons give 1 or 0; max and min as `evaluate` defines them), so one
// fused kernel serves every elementwise op and every expression an op-kit user writes, on
// either backend, with the same results. exp and tanh are fdlibm's, as V8's Math.exp and
// Math.tanh compute them, in f64x2; expressions with log, log1p or pow stay on the JavaScript
// kernels (`emitMap` returns null).
//
// The generated function is
//   (count, row, out, …one address per input in memory, …one f64 per scalar input, …params)
// and computes out[i] for i < count, in rows of `row` values (count is a multiple of row):
// an input in memory holds either `count` values ('full') or one row repeated ('row', a bias).
// A row whose length is not a multiple of 4 computes up to 3 values past its end (overwritten
// by the next row, or past `count`), so every region must have room for its values rounded
// up to a multiple of 4.
import { type BinaryOp, type Expr, exprKey } from '../expr.js';

/** Where an input's values come from. */
export type InputLayout =
  | { readonly kind: 'full' | 'row'; readonly f64: boolean }
  | { readonly kind: 'scalar' };

export interface MapSpec {
  readonly inputs: readonly InputLayout[];
  readonly params: number;
  readonly out64: boolean;
}

/** A string naming a spec's layouts, for a cache key. */
export function layoutKey(spec: MapSpec): string {
  const parts = spec.inputs.map((l) =>
    l.kind === 'scalar' ? 's' : `${l.kind === 'full' ? 'f' : 'r'}${l.f64 ? 8 : 4}`,
  );
  return `${parts.join('')}|${spec.params}|${spec.out64 ? 8 : 4}`;
}

// opcodes (the WebAssembly core and SIMD specifications)
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const ELSE = 0x05;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const SIMD = 0xfd;
// SIMD sub-opcodes
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const V128_CONST = 0x0c;
const F64X2_SPLAT = 0x14;
const V128_NOT = 0x4d;
const V128_AND = 0x4e;
const V128_OR = 0x50;
const V128_BITSELECT = 0x52;
const V128_ANY_TRUE = 0x53;
const V128_STORE64_LANE = 0x5b;
const V128_LOAD64_ZERO = 0x5d;
const F32X4_DEMOTE_F64X2_ZERO = 0x5e;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F64X2_ABS = 0xec;
const F64X2_NEG = 0xed;
const F64X2_SQRT = 0xef;
const F64X2_TRUNC = 0x7a;
const I64X2_EXTEND_LOW_I32X4_S = 0xc7;
const I64X2_SHL = 0xcb;
const I64X2_ADD = 0xce;
const I64X2_SUB = 0xd1;
const I32X4_TRUNC_SAT_F64X2_S_ZERO = 0xfc;
const F64X2_PMIN = 0xf6;
const F64X2_PMAX = 0xf7;

const ARITHMETIC: Partial<Record<BinaryOp, number>> = {
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
};
const COMPARE: Partial<Record<BinaryOp, number>> = {
  eq: 0x47,
  ne: 0x48,
  lt: 0x49,
  gt: 0x4a,
  le: 0x4b,
  ge: 0x4c,
};

function uleb(out: number[], v: number): void {
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** The function's i32 locals (see emitMap). */
const I32_LOCALS = 8;

/** Not expressible in f64x2 instructions (the JavaScript kernel computes it). */
class Unsupported extends Error {}

/** The function body's code, with its v128 locals counted. */
class Body {
  readonly code: number[] = [];
  /** Code that runs once before `code`: the constants' locals. */
  readonly prologue: number[] = [];
  private readonly constants = new Map<string, number>();
  v128Locals = 0;
  readonly firstV128: number;

  constructor(firstV128: number) {
    this.firstV128 = firstV128;
  }

  op(...bytes: number[]): void {
    this.code.push(...bytes);
  }

  simd(sub: number): void {
    this.code.push(SIMD);
    uleb(this.code, sub);
  }

  get(local: number): void {
    this.code.push(LOCAL_GET);
    uleb(this.code, local);
  }

  set(local: number): void {
    this.code.push(LOCAL_SET);
    uleb(this.code, local);
  }

  i32(v: number): void {
    this.code.push(I32_CONST);
    sleb(this.code, v);
  }

  /**
   * The local holding the f64x2 (v, v), set once before the loop (V8 builds a v128.const
   * with several instructions each time it runs, and exp has 20 constants).
   */
  constant(v: number): number {
    const key = Object.is(v, -0) ? '-0' : String(v);
    let local = this.constants.get(key);
    if (local === undefined) {
      local = this.newV128();
      this.constants.set(key, local);
      this.prologue.push(SIMD);
      uleb(this.prologue, V128_CONST);
      this.prologue.push(...new Uint8Array(new Float64Array([v, v]).buffer), LOCAL_SET);
      uleb(this.prologue, local);
    }
    return local;
  }

  /** A load's or store's alignment hint (none) and byte offset. */
  memarg(offset: number): void {
    this.code.push(0);
    uleb(this.code, offset);
  }

  newV128(): number {
    return this.firstV128 + this.v128Locals++;
  }
}

/**
 * A value of the two halves an iteration computes (values 0–1 and 2–3): a v128 local each.
 * Every operation is emitted for both halves in turn, so that their dependency chains
 * interleave. Measured on exp's kernel: 6.0 ns a value with one half an iteration, 4.4 with
 * two halves one after the other, 4.15 interleaved; what remains is instruction count (about
 * 45 a value: V8 lowers abs, neg, bitselect and trunc_sat to several instructions each).
 */
type Pair = readonly [number, number];

/** Emits f64x2 operations over pairs, each into new locals. */
class Vec {
  readonly body: Body;

  constructor(body: Body) {
    this.body = body;
  }

  /** Runs `emit` for each half, each leaving one value, and keeps them in new locals. */
  each(emit: (h: 0 | 1) => void): Pair {
    const out: [number, number] = [0, 0];
    for (const h of [0, 1] as const) {
      emit(h);
      out[h] = this.body.newV128();
      this.body.set(out[h]);
    }
    return out;
  }

  /** The constant v in both halves. */
  c(v: number): Pair {
    const l = this.body.constant(v);
    return [l, l];
  }

  un(a: Pair, sub: number): Pair {
    return this.each((h) => {
      this.body.get(a[h]);
      this.body.simd(sub);
    });
  }

  op(a: Pair, b: Pair, sub: number): Pair {
    return this.each((h) => {
      this.body.get(a[h]);
      this.body.get(b[h]);
      this.body.simd(sub);
    });
  }

  add = (a: Pair, b: Pair): Pair => this.op(a, b, ARITHMETIC.add!);
  sub = (a: Pair, b: Pair): Pair => this.op(a, b, ARITHMETIC.sub!);
  mul = (a: Pair, b: Pair): Pair => this.op(a, b, ARITHMETIC.mul!);
  div = (a: Pair, b: Pair): Pair => this.op(a, b, ARITHMETIC.div!);
  /** The all-ones / all-zeros mask of a comparison. */
  cmp = (op: BinaryOp, a: Pair, b: Pair): Pair => this.op(a, b, COMPARE[op]!);
  or = (a: Pair, b: Pair): Pair => this.op(a, b, V128_OR);
  not = (a: Pair): Pair => this.un(a, V128_NOT);

  /** ifTrue where mask is all ones, else ifFalse. */
  select(ifTrue: Pair, ifFalse: Pair, mask: Pair): Pair {
    return this.each((h) => {
      this.body.get(ifTrue[h]);
      this.body.get(ifFalse[h]);
      this.body.get(mask[h]);
      this.body.simd(V128_BITSELECT);
    });
  }

  /** k (integer-valued) as int64s shifted into the exponent field. */
  exponent(k: Pair): Pair {
    return this.each((h) => {
      this.body.get(k[h]);
      this.body.simd(I32X4_TRUNC_SAT_F64X2_S_ZERO);
      this.body.simd(I64X2_EXTEND_LOW_I32X4_S);
      this.body.i32(52);
      this.body.simd(I64X2_SHL);
    });
  }

  /** y·2^k, with `bits` = exponent(k) added to y's exponent field. */
  scale(y: Pair, bits: Pair): Pair {
    return this.op(y, bits, I64X2_ADD);
  }

  /** x·invLn2 ± 1/2 truncated: fdlibm's k, where |x| > ln2/2. */
  reduction(x: Pair): Pair {
    const half = this.select(this.c(-0.5), this.c(0.5), this.cmp('lt', x, this.c(0)));
    return this.un(this.add(this.mul(x, this.c(EXP.invLn2)), half), F64X2_TRUNC);
  }
}

/**
 * The module computing `expr` over operands laid out as `spec` says, or null if the
 * expression uses an operation the module cannot compute as the JavaScript kernel does.
 */
export function emitMap(expr: Expr, spec: MapSpec): Uint8Array<ArrayBuffer> | null {
  // parameters: count, row, out, then one address per input in memory, one f64 per scalar
  // input, one f64 per param
  const COUNT = 0;
  const ROW = 1;
  const OUT = 2;
  const paramTypes: number[] = [I32, I32, I32];
  const inputParam: number[] = [];
  for (const l of spec.inputs) {
    if (l.kind !== 'scalar') inputParam.push(paramTypes.push(I32) - 1);
    else inputParam.push(-1);
  }
  spec.inputs.forEach((l, i) => {
    if (l.kind === 'scalar') inputParam[i] = paramTypes.push(F64) - 1;
  });
  const firstParam = paramTypes.length;
  for (let p = 0; p < spec.params; p++) paramTypes.push(F64);
  // locals: r, j, then the byte offsets i·4, i·8, j·4, j·8, an address, the output's address
  const R = paramTypes.length;
  const J = R + 1;
  const I4 = R + 2;
  const I8 = R + 3;
  const J4 = R + 4;
  const J8 = R + 5;
  const ADDR = R + 6;
  const OUT_AT = R + 7;
  const body = new Body(R + I32_LOCALS);
  const v = new Vec(body);

  // scalar inputs and params: splatted once before the loop, the same local for both halves
  const splat = (param: number): Pair => {
    const l = body.newV128();
    body.prologue.push(LOCAL_GET);
    uleb(body.prologue, param);
    body.prologue.push(SIMD);
    uleb(body.prologue, F64X2_SPLAT);
    body.prologue.push(LOCAL_SET);
    uleb(body.prologue, l);
    return [l, l];
  };
  const inputs: Pair[] = spec.inputs.map((l, i) =>
    l.kind === 'scalar' ? splat(inputParam[i]!) : [body.newV128(), body.newV128()],
  );
  const params = Array.from({ length: spec.params }, (_, p) => splat(firstParam + p));

  // every node once, by structure (a subtree written twice, as two objects, is computed once)
  const keys = new Map<Expr, string>();
  const keyOf = (e: Expr): string => {
    let key = keys.get(e);
    if (key === undefined) {
      key = exprKey(e);
      keys.set(e, key);
    }
    return key;
  };
  const done = new Map<string, Pair>();
  const read = new Set<number>();

  /** All ones where `cond` is not 0 (NaN is not 0). */
  const mask = (cond: Expr): Pair => {
    if (cond.kind === 'binary' && COMPARE[cond.op] !== undefined) {
      return v.cmp(cond.op, node(cond.a), node(cond.b));
    }
    return v.cmp('ne', node(cond), v.c(0));
  };

  /** max(a, b) = a > b or a is NaN ? a : b; min with a < b. */
  const extremum = (op: 'max' | 'min', a: Expr, b: Expr): Pair => {
    // With a constant side, one pmax / pmin (pmax(x, y) = x < y ? y : x, pmin(x, y) = y < x ?
    // y : x; V8 lowers f64x2.max to about eight instructions) gives that: a constant first
    // (not NaN) exactly as pmax(b, a); a constant second (not NaN, not 0) exactly as pmax(a,
    // b), where only equal values could differ; and max(a, +0) as pmax(a, +0) + 0, whose sum
    // turns -0 into +0 (relu).
    const constant = (e: Expr): e is Expr & { kind: 'const' } =>
      e.kind === 'const' && !Number.isNaN(e.value);
    const instruction = op === 'max' ? F64X2_PMAX : F64X2_PMIN;
    if (constant(a)) return v.op(node(b), node(a), instruction);
    if (constant(b) && (b.value !== 0 || (op === 'max' && Object.is(b.value, 0)))) {
      const m = v.op(node(a), node(b), instruction);
      return b.value === 0 ? v.add(m, v.c(0)) : m;
    }
    const x = node(a);
    const y = node(b);
    return v.select(x, y, v.or(v.cmp(op === 'max' ? 'gt' : 'lt', x, y), v.cmp('ne', x, x)));
  };

  function node(e: Expr): Pair {
    if (e.kind === 'input') {
      read.add(e.index);
      return inputs[e.index]!;
    }
    if (e.kind === 'param') return params[e.index]!;
    if (e.kind === 'const') return v.c(e.value);
    const key = keyOf(e);
    const known = done.get(key);
    if (known !== undefined) return known;
    let out: Pair;
    switch (e.kind) {
      case 'unary': {
        const x = node(e.x);
        if (e.op === 'neg') out = v.un(x, F64X2_NEG);
        else if (e.op === 'abs') out = v.un(x, F64X2_ABS);
        else if (e.op === 'sqrt') out = v.un(x, F64X2_SQRT);
        else if (e.op === 'exp') out = exp(v, x);
        else if (e.op === 'tanh') out = tanh(v, x);
        else if (e.op === 'sign') {
          // x > 0 ? 1 : x < 0 ? -1 : x (±0 and NaN stay)
          const negative = v.select(v.c(-1), x, v.cmp('lt', x, v.c(0)));
          out = v.select(v.c(1), negative, v.cmp('gt', x, v.c(0)));
        } else throw new Unsupported(e.op);
        break;
      }
      case 'binary': {
        const arithmetic = ARITHMETIC[e.op];
        if (arithmetic !== undefined) out = v.op(node(e.a), node(e.b), arithmetic);
        else if (COMPARE[e.op] !== undefined) {
          out = v.op(v.cmp(e.op, node(e.a), node(e.b)), v.c(1), V128_AND);
        } else if (e.op === 'max' || e.op === 'min') out = extremum(e.op, e.a, e.b);
        else throw new Unsupported(e.op);
        break;
      }
      case 'select':
        out = v.select(node(e.ifTrue), node(e.ifFalse), mask(e.cond));
        break;
    }
    done.set(key, out);
    return out;
  }

  const shifted = (from: number, shift: number, to: number): void => {
    body.get(from);
    body.i32(shift);
    body.op(I32_SHL);
    body.set(to);
  };

  // r = 0; while (r < count) { j = 0; while (j < row) { i = r + j; …; j += 4 } r += row }
  body.i32(0);
  body.set(R);
  body.op(BLOCK, 0x40, LOOP, 0x40);
  body.get(R);
  body.get(COUNT);
  body.op(I32_GE_U, BR_IF, 1);
  body.i32(0);
  body.set(J);
  body.op(BLOCK, 0x40, LOOP, 0x40);
  body.get(J);
  body.get(ROW);
  body.op(I32_GE_U, BR_IF, 1);
  body.get(R);
  body.get(J);
  body.op(I32_ADD);
  body.set(I4); // i, shifted below
  shifted(I4, 3, I8);
  shifted(I4, 2, I4);
  shifted(J, 2, J4);
  shifted(J, 3, J8);
  // the expression's code goes after the loads, which need to know what it reads
  const loadsAt = body.code.length;
  let value: Pair;
  try {
    value = node(expr);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  const compute = body.code.splice(loadsAt);
  // the inputs the expression reads, two values per half, widened to f64
  spec.inputs.forEach((l, k) => {
    if (l.kind === 'scalar' || !read.has(k)) return;
    body.get(inputParam[k]!);
    body.get(l.kind === 'full' ? (l.f64 ? I8 : I4) : l.f64 ? J8 : J4);
    body.op(I32_ADD);
    body.set(ADDR);
    for (const h of [0, 1] as const) {
      body.get(ADDR);
      if (l.f64) {
        body.simd(V128_LOAD);
        body.memarg(h * 16);
      } else {
        body.simd(V128_LOAD64_ZERO);
        body.memarg(h * 8);
        body.simd(F64X2_PROMOTE_LOW_F32X4);
      }
      body.set(inputs[k]![h]);
    }
  });
  body.code.push(...compute);
  body.get(OUT);
  body.get(spec.out64 ? I8 : I4);
  body.op(I32_ADD);
  body.set(OUT_AT);
  for (const h of [0, 1] as const) {
    body.get(OUT_AT);
    body.get(value[h]);
    if (spec.out64) {
      body.simd(V128_STORE);
      body.memarg(h * 16);
    } else {
      body.simd(F32X4_DEMOTE_F64X2_ZERO);
      body.simd(V128_STORE64_LANE);
      body.memarg(h * 8);
      body.op(0); // lane 0
    }
  }
  body.get(J);
  body.i32(4);
  body.op(I32_ADD);
  body.set(J);
  body.op(BR, 0, END, END);
  body.get(R);
  body.get(ROW);
  body.op(I32_ADD);
  body.set(R);
  body.op(BR, 0, END, END);
  body.op(END);

  return module(paramTypes, body);
}

/** The double whose bits are hi·2³² + lo. */
function fromBits(hi: number, lo: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return view.getFloat64(0);
}

// fdlibm's e_exp.c, as V8 computes Math.exp (src/base/ieee754.cc, which also returns Math.E
// for exp(1)): its constants, and its tests on the high word of |x| as bounds on |x|.
const EXP = {
  ln2Hi: fromBits(0x3fe62e42, 0xfee00000),
  ln2Lo: fromBits(0x3dea39ef, 0x35793c76),
  invLn2: fromBits(0x3ff71547, 0x652b82fe),
  p: [
    fromBits(0x3fc55555, 0x5555553e),
    fromBits(0xbf66c16c, 0x16bebd93),
    fromBits(0x3f11566a, 0xaf25de2c),
    fromBits(0xbebbbd41, 0xc5d26bf1),
    fromBits(0x3e663769, 0x72bea4d0),
  ],
  overflow: fromBits(0x40862e42, 0xfefa39ef),
  underflow: fromBits(0xc0874910, 0xd52d3051),
  twoM1000: fromBits(0x01700000, 0),
  /** |x| > this ⟺ hx > 0x3fd62e42 (|x| > ln2/2: reduce the argument) */
  reduce: fromBits(0x3fd62e42, 0xffffffff),
  /** |x| < this ⟺ hx < 0x3e300000 (|x| < 2⁻²⁸: 1 + x) */
  tiny: fromBits(0x3e300000, 0),
};

/**
 * exp(x), bit for bit as fdlibm computes it one value at a time: the branches computed and
 * the right one selected per lane. The argument reduction's k is trunc(x/ln2 ± 1/2) wherever
 * |x| > ln2/2 (fdlibm's k = ±1 below 1.5·ln2 is what that gives there, and k·ln2Hi, k·ln2Lo
 * are the same products). Iterations whose lanes all have 2⁻²⁸ ≤ |x| ≤ 707 and x ≠ 1 (nearly
 * all) take code with only the reduction's select; another takes the code that also selects
 * NaN, overflow, underflow, subnormal results, tiny x and exp(1) (V8 returns Math.E).
 */
function exp(v: Vec, x: Pair): Pair {
  const { body } = v;
  const ax = v.un(x, F64X2_ABS);
  const special = v.or(
    v.not(v.op(v.cmp('ge', ax, v.c(EXP.tiny)), v.cmp('le', ax, v.c(707)), V128_AND)),
    v.cmp('eq', x, v.c(1)),
  );
  const result: Pair = [body.newV128(), body.newV128()];
  body.get(special[0]);
  body.get(special[1]);
  body.simd(V128_OR);
  body.simd(V128_ANY_TRUE);
  body.op(IF, 0x40);
  for (const full of [true, false]) {
    if (!full) body.op(ELSE);
    // k = trunc(x/ln2 ± 1/2); hi = x − k·ln2Hi; lo = k·ln2Lo
    const k = v.reduction(x);
    const hi = v.sub(x, v.mul(k, v.c(EXP.ln2Hi)));
    const lo = v.mul(k, v.c(EXP.ln2Lo));
    const reduced = v.cmp('gt', ax, v.c(EXP.reduce));
    const r = v.select(v.sub(hi, lo), x, reduced);
    // c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), t = r²
    const t = v.mul(r, r);
    let poly = v.c(EXP.p[4]!);
    for (let i = 3; i >= 0; i--) poly = v.add(v.c(EXP.p[i]!), v.mul(t, poly));
    const c = v.sub(r, v.mul(t, poly));
    // k = 0: 1 − (r·c/(c − 2) − r); else y = 1 − ((lo − r·c/(2 − c)) − hi), the same quotient
    // negated (a/(−b) = −(a/b) exactly, and lo − (−q) = lo + q): one division for both
    const q = v.div(v.mul(r, c), v.sub(c, v.c(2)));
    const small = v.sub(v.c(1), v.sub(q, r));
    const y = v.sub(v.c(1), v.sub(v.add(lo, q), hi));
    // y·2^k: k added to y's exponent; where k < −1021 (a subnormal result), k + 1000 added
    // and the product with 2⁻¹⁰⁰⁰ taken
    let out: Pair;
    if (full) {
      const below = v.not(v.cmp('ge', k, v.c(-1021)));
      const kk = v.select(v.add(k, v.c(1000)), k, below);
      let scaled = v.scale(y, v.exponent(kk));
      scaled = v.select(v.mul(scaled, v.c(EXP.twoM1000)), scaled, below);
      out = v.select(scaled, small, reduced);
      out = v.select(v.add(v.c(1), x), out, v.cmp('lt', ax, v.c(EXP.tiny)));
      out = v.select(v.c(Number.POSITIVE_INFINITY), out, v.cmp('gt', x, v.c(EXP.overflow)));
      out = v.select(v.c(0), out, v.cmp('lt', x, v.c(EXP.underflow)));
      out = v.select(v.c(Math.E), out, v.cmp('eq', x, v.c(1)));
      out = v.select(v.add(x, x), out, v.cmp('ne', x, x)); // NaN: x + x
    } else {
      out = v.select(v.scale(y, v.exponent(k)), small, reduced);
    }
    for (const h of [0, 1] as const) {
      body.get(out[h]);
      body.set(result[h]);
    }
  }
  body.op(END);
  return result;
}

// fdlibm's s_expm1.c coefficients (FreeBSD msun's s_expm1.c and s_tanh.c are what V8's
// Math.tanh computes)
const EXPM1_Q = [
  fromBits(0xbfa11111, 0x111110f4),
  fromBits(0x3f5a01a0, 0x19fe5585),
  fromBits(0xbf14ce19, 0x9eaadbb7),
  fromBits(0x3ed0cfca, 0x86e65239),
  fromBits(0xbe8afdb7, 0x6e09c32d),
];

/**
 * tanh(x), bit for bit as V8's Math.tanh (msun's s_tanh.c): z = 1 − 2/(t + 2) with t =
 * expm1(2|x|) for |x| ≥ 1, −t/(t + 2) with t = expm1(−2|x|) below, one expm1 per lane on the
 * argument its branch needs; ±1 from |x| ≥ 22, x itself below 2⁻²⁸. expm1's arguments are
 * then in [2, 44) or (−2, 0): its reductions k = 3 … 64 and −3 … 0, so the k = 1 branch and
 * the huge and tiny arguments of s_expm1.c never occur.
 */
function tanh(v: Vec, x: Pair): Pair {
  const ax = v.un(x, F64X2_ABS);
  const atLeast1 = v.cmp('ge', ax, v.c(1));
  const a = v.select(v.mul(v.c(2), ax), v.mul(v.c(-2), ax), atLeast1);
  // expm1(a): k = trunc(a/ln2 ± 1/2) where |a| > ln2/2, else 0; r = hi − lo; cr = (hi − r) − lo
  const k = v.select(v.reduction(a), v.c(0), v.cmp('gt', v.un(a, F64X2_ABS), v.c(EXP.reduce)));
  const hi = v.sub(a, v.mul(k, v.c(EXP.ln2Hi)));
  const lo = v.mul(k, v.c(EXP.ln2Lo));
  const r = v.sub(hi, lo);
  const cr = v.sub(v.sub(hi, r), lo);
  // hfx = r/2, hxs = r·hfx, r1 = 1 + hxs·(Q1 + hxs·(… Q5)), t = 3 − r1·hfx
  const hfx = v.mul(v.c(0.5), r);
  const hxs = v.mul(r, hfx);
  let poly = v.c(EXPM1_Q[4]!);
  for (let i = 3; i >= 0; i--) poly = v.add(v.c(EXPM1_Q[i]!), v.mul(hxs, poly));
  const r1 = v.add(v.c(1), v.mul(hxs, poly));
  const t = v.sub(v.c(3), v.mul(r1, hfx));
  // e = hxs·((r1 − t)/(6 − r·t))
  const e = v.mul(hxs, v.div(v.sub(r1, t), v.sub(v.c(6), v.mul(r, t))));
  // k = 0: r − (r·e − hxs)
  const k0 = v.sub(r, v.sub(v.mul(r, e), hxs));
  // e2 = (r·(e − cr) − cr) − hxs
  const e2 = v.sub(v.sub(v.mul(r, v.sub(e, cr)), cr), hxs);
  // k = −1: (r − e2)/2 − 1/2
  const kMinus1 = v.sub(v.mul(v.c(0.5), v.sub(r, e2)), v.c(0.5));
  // k ≤ −2 (or k > 56): (1 − (e2 − r))·2^k − 1
  const kBits = v.exponent(k);
  const kFar = v.sub(v.scale(v.sub(v.c(1), v.sub(e2, r)), kBits), v.c(1));
  // 2^−k, exactly (k in 2 … 56 where it is used): 1's bits less k's
  const twoMinusK = v.op(v.c(1), kBits, I64X2_SUB);
  // 2 ≤ k < 20: ((1 − 2^−k) − (e2 − r))·2^k
  const kMid = v.scale(v.sub(v.sub(v.c(1), twoMinusK), v.sub(e2, r)), kBits);
  // 20 ≤ k ≤ 56: ((r − (e2 + 2^−k)) + 1)·2^k
  const kHigh = v.scale(v.add(v.sub(r, v.add(e2, twoMinusK)), v.c(1)), kBits);
  let em1 = v.select(kMid, kHigh, v.cmp('lt', k, v.c(20)));
  em1 = v.select(kFar, em1, v.or(v.cmp('le', k, v.c(-2)), v.cmp('gt', k, v.c(56))));
  em1 = v.select(kMinus1, em1, v.cmp('eq', k, v.c(-1)));
  em1 = v.select(k0, em1, v.cmp('eq', k, v.c(0)));
  // z = 1 − 2/(t + 2) for |x| ≥ 1, −t/(t + 2) below: one quotient q, of 2 or of −t
  const q = v.div(v.select(v.c(2), v.un(em1, F64X2_NEG), atLeast1), v.add(em1, v.c(2)));
  let z = v.select(v.sub(v.c(1), q), q, atLeast1);
  z = v.select(v.c(1), z, v.cmp('ge', ax, v.c(22)));
  const signed = v.select(v.un(z, F64X2_NEG), z, v.cmp('lt', x, v.c(0)));
  return v.select(x, signed, v.cmp('lt', ax, v.c(EXP.tiny)));
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  out.push(...content);
}

function module(paramTypes: number[], body: Body): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type: number[] = [1, 0x60];
  uleb(type, paramTypes.length);
  type.push(...paramTypes, 0);
  section(out, 1, type);
  // import env.memory (not shared, at least 0 pages, no maximum): the backend's own memory
  const imports: number[] = [1, 3, ...'env'.split('').map((c) => c.charCodeAt(0))];
  imports.push(6, ...'memory'.split('').map((c) => c.charCodeAt(0)), 0x02, 0x00, 0);
  section(out, 2, imports);
  section(out, 3, [1, 0]);
  section(out, 7, [1, 1, 'k'.charCodeAt(0), 0x00, 0]);
  const fn: number[] = [];
  // locals: r, j, i as i32, then the v128s
  fn.push(2, I32_LOCALS, I32);
  uleb(fn, body.v128Locals);
  fn.push(V128);
  fn.push(...body.prologue, ...body.code);
  const code: number[] = [1];
  uleb(code, fn.length);
  code.push(...fn);
  section(out, 10, code);
  return new Uint8Array(out);
}
