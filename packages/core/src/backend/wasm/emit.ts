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

  /** Pushes the f64x2 (v, v). */
  /**
   * Pushes the f64x2 (v, v): a local set once before the loop (V8 builds a v128.const with
   * several instructions each time, and exp has 20 constants).
   */
  splat(v: number): void {
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
    this.get(local);
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
 * The module computing `expr` over operands laid out as `spec` says, or null if the
 * expression uses an operation f64x2 lacks.
 */
export function emitMap(expr: Expr, spec: MapSpec): Uint8Array<ArrayBuffer> | null {
  // parameters: count, row, out, then one address per input in memory, one f64 per scalar
  // input, one f64 per param; locals: r, j, i (i32), then v128s
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

  // scalar inputs and params, splatted once before the loop; an input in memory has a local
  // for each half of the four values an iteration computes
  const inputLocal = spec.inputs.map((l) => {
    const lo = body.newV128();
    return [lo, l.kind === 'scalar' ? lo : body.newV128()] as const;
  });
  const paramLocal = Array.from({ length: spec.params }, () => body.newV128());
  spec.inputs.forEach((l, i) => {
    if (l.kind !== 'scalar') return;
    body.get(inputParam[i]!);
    body.simd(F64X2_SPLAT);
    body.set(inputLocal[i]![0]);
  });
  paramLocal.forEach((local, p) => {
    body.get(firstParam + p);
    body.simd(F64X2_SPLAT);
    body.set(local);
  });

  // values used more than once are computed once, into a local
  // keyed by structure (exprKey): a subtree written twice, as two objects, is computed once
  const keys = new Map<Expr, string>();
  const keyOf = (e: Expr): string => {
    let key = keys.get(e);
    if (key === undefined) {
      key = exprKey(e);
      keys.set(e, key);
    }
    return key;
  };
  const uses = new Map<string, number>();
  const count = (e: Expr): void => {
    const n = (uses.get(keyOf(e)) ?? 0) + 1;
    uses.set(keyOf(e), n);
    if (n > 1) return;
    if (e.kind === 'unary') count(e.x);
    else if (e.kind === 'binary') {
      count(e.a);
      count(e.b);
    } else if (e.kind === 'select') {
      count(e.cond);
      count(e.ifTrue);
      count(e.ifFalse);
    }
  };
  count(expr);
  let half: 0 | 1 = 0;
  let computed = new Map<string, number>();

  /** A local holding e's value (computing it into a new one unless it is an input's). */
  const local = (e: Expr): number => {
    if (e.kind === 'input') return inputLocal[e.index]![half];
    if (e.kind === 'param') return paramLocal[e.index]!;
    const known = computed.get(keyOf(e));
    if (known !== undefined) return known;
    if (e.kind === 'const') {
      body.splat(e.value);
      const l = body.newV128();
      body.set(l);
      computed.set(keyOf(e), l);
      return l;
    }
    value(e, true);
    return computed.get(keyOf(e))!;
  };

  /** Pushes the all-ones / all-zeros mask of a comparison. */
  const compare = (op: BinaryOp, a: Expr, b: Expr): void => {
    value(a);
    value(b);
    body.simd(COMPARE[op]!);
  };

  /** Pushes a mask: all ones where `cond` is not 0 (NaN is not 0). */
  const mask = (cond: Expr): void => {
    if (cond.kind === 'binary' && COMPARE[cond.op] !== undefined && !computed.has(keyOf(cond))) {
      compare(cond.op, cond.a, cond.b);
      return;
    }
    value(cond);
    body.splat(0);
    body.simd(COMPARE.ne!);
  };

  /** max(a, b) = a > b or a is NaN ? a : b; min with a < b. */
  const extremum = (op: 'max' | 'min', a: Expr, b: Expr): void => {
    // With a constant side, one pmax / pmin instruction (pmax(x, y) = x < y ? y : x, pmin(x,
    // y) = y < x ? y : x) gives that: a constant first (not NaN) exactly as pmax(b, a); a
    // constant second (not NaN, not 0) exactly as pmax(a, b), where only equal values could
    // differ; and max(a, +0) as pmax(a, +0) + 0, whose sum turns -0 into +0 (relu).
    const constant = (e: Expr): e is Expr & { kind: 'const' } =>
      e.kind === 'const' && !Number.isNaN(e.value);
    const instruction = op === 'max' ? F64X2_PMAX : F64X2_PMIN;
    if (constant(a)) {
      value(b);
      value(a);
      body.simd(instruction);
      return;
    }
    if (constant(b) && (b.value !== 0 || (op === 'max' && Object.is(b.value, 0)))) {
      value(a);
      value(b);
      body.simd(instruction);
      if (b.value === 0) {
        body.splat(0);
        body.simd(ARITHMETIC.add!);
      }
      return;
    }
    const la = local(a);
    const lb = local(b);
    body.get(la);
    body.get(lb);
    body.get(la);
    body.get(lb);
    body.simd(COMPARE[op === 'max' ? 'gt' : 'lt']!);
    body.get(la);
    body.get(la);
    body.simd(COMPARE.ne!);
    body.simd(V128_OR);
    body.simd(V128_BITSELECT);
  };

  function value(e: Expr, toLocal = false): void {
    if (e.kind === 'input' || e.kind === 'param') {
      body.get(local(e));
      return;
    }
    if (e.kind === 'const') {
      body.splat(e.value);
      return;
    }
    const known = computed.get(keyOf(e));
    if (known !== undefined) {
      body.get(known);
      return;
    }
    switch (e.kind) {
      case 'unary':
        if (e.op === 'sign') {
          // x > 0 ? 1 : x < 0 ? -1 : x (±0 and NaN stay)
          const x = local(e.x);
          body.splat(1);
          body.splat(-1);
          body.get(x);
          body.get(x);
          body.splat(0);
          body.simd(COMPARE.lt!);
          body.simd(V128_BITSELECT);
          body.get(x);
          body.splat(0);
          body.simd(COMPARE.gt!);
          body.simd(V128_BITSELECT);
          break;
        }
        if (e.op === 'exp' || e.op === 'tanh') {
          (e.op === 'exp' ? exp : tanh)(body, local(e.x));
          break;
        }
        value(e.x);
        if (e.op === 'neg') body.simd(F64X2_NEG);
        else if (e.op === 'abs') body.simd(F64X2_ABS);
        else if (e.op === 'sqrt') body.simd(F64X2_SQRT);
        else throw new Unsupported(e.op);
        break;
      case 'binary': {
        const arithmetic = ARITHMETIC[e.op];
        if (arithmetic !== undefined) {
          value(e.a);
          value(e.b);
          body.simd(arithmetic);
        } else if (COMPARE[e.op] !== undefined) {
          compare(e.op, e.a, e.b);
          body.splat(1);
          body.simd(V128_AND);
        } else if (e.op === 'max' || e.op === 'min') {
          extremum(e.op, e.a, e.b);
        } else {
          throw new Unsupported(e.op);
        }
        break;
      }
      case 'select':
        value(e.ifTrue);
        value(e.ifFalse);
        mask(e.cond);
        body.simd(V128_BITSELECT);
        break;
    }
    if (toLocal || (uses.get(keyOf(e)) ?? 0) > 1) {
      const l = body.newV128();
      computed.set(keyOf(e), l);
      body.set(l);
      if (!toLocal) body.get(l);
    }
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
  // the inputs the expression reads, two values per half, widened to f64
  const read = new Set<number>();
  for (const e of keys.keys()) if (e.kind === 'input') read.add(e.index);
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
      body.set(inputLocal[k]![h]);
    }
  });
  body.get(OUT);
  body.get(spec.out64 ? I8 : I4);
  body.op(I32_ADD);
  body.set(OUT_AT);
  for (const h of [0, 1] as const) {
    half = h;
    computed = new Map();
    body.get(OUT_AT);
    try {
      value(expr);
    } catch (e) {
      if (e instanceof Unsupported) return null;
      throw e;
    }
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

/** A value for the helpers below: a local (its index) or an emitter that pushes it. */
type Operand = number | (() => void);

/** Helpers that emit f64x2 code over locals (numbers) and emitters (functions). */
function vector(body: Body) {
  const tee = (): number => {
    const l = body.newV128();
    body.set(l);
    return l;
  };
  /** Pushes a local's value or runs an emitter. */
  const push = (v: Operand): void => {
    if (typeof v === 'number') body.get(v);
    else v();
  };
  const op = (a: Operand, b: Operand, sub: number): void => {
    push(a);
    push(b);
    body.simd(sub);
  };
  /** An emitter of the constant v. */
  const c = (v: number) => () => body.splat(v);
  /** A new local: ifTrue where mask, else ifFalse. */
  const select = (ifTrue: Operand, ifFalse: Operand, mask: () => void): number => {
    push(ifTrue);
    push(ifFalse);
    mask();
    body.simd(V128_BITSELECT);
    return tee();
  };
  /** A new local: y·2^k, k (an integer-valued f64) added to y's exponent field. */
  /** A new local: k (an integer-valued f64) as an int64 shifted into the exponent field. */
  const exponent = (k: Operand): number => {
    push(k);
    body.simd(I32X4_TRUNC_SAT_F64X2_S_ZERO);
    body.simd(I64X2_EXTEND_LOW_I32X4_S);
    body.i32(52);
    body.simd(I64X2_SHL);
    return tee();
  };
  /** A new local: y·2^k, `bits` = exponent(k) added to y's exponent field. */
  const scale = (y: Operand, bits: number): number => {
    op(y, bits, I64X2_ADD);
    return tee();
  };
  const ADD = ARITHMETIC.add!;
  const SUB = ARITHMETIC.sub!;
  const MUL = ARITHMETIC.mul!;
  const DIV = ARITHMETIC.div!;
  return { tee, op, c, select, exponent, scale, ADD, SUB, MUL, DIV };
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
 * Pushes tanh(x) for the f64x2 in local `x`, bit for bit as V8's Math.tanh (msun's s_tanh.c):
 * z = 1 − 2/(t + 2) with t = expm1(2|x|) for |x| ≥ 1, −t/(t + 2) with t = expm1(−2|x|) below,
 * one expm1 per lane on the argument its branch needs; ±1 from |x| ≥ 22, x itself below
 * 2⁻²⁸. expm1's arguments are then in [2, 44) or (−2, 0): its reductions k = 3 … 64 and
 * −3 … 0, so the k = 1 branch and the huge and tiny arguments of s_expm1.c never occur.
 */
function tanh(body: Body, x: number): void {
  const { tee, op, c, select, exponent, scale, ADD, SUB, MUL, DIV } = vector(body);
  body.get(x);
  body.simd(F64X2_ABS);
  const ax = tee();
  const atLeast1 = (): void => op(ax, c(1), COMPARE.ge!);
  // a = ±2|x|
  const a = select(
    () => op(c(2), ax, MUL),
    () => op(c(-2), ax, MUL),
    atLeast1,
  );
  // expm1(a): k = trunc(a/ln2 ± 1/2) where |a| > ln2/2, else 0; r = hi − lo; cr = (hi − r) − lo
  op(a, c(EXP.invLn2), MUL);
  body.splat(-0.5);
  body.splat(0.5);
  op(a, c(0), COMPARE.lt!);
  body.simd(V128_BITSELECT);
  body.simd(ADD);
  body.simd(F64X2_TRUNC);
  const kr = tee();
  const k = select(kr, c(0), () => {
    body.get(a);
    body.simd(F64X2_ABS);
    body.splat(EXP.reduce);
    body.simd(COMPARE.gt!);
  });
  op(a, () => op(k, c(EXP.ln2Hi), MUL), SUB);
  const hi = tee();
  op(k, c(EXP.ln2Lo), MUL);
  const lo = tee();
  op(hi, lo, SUB);
  const r = tee();
  op(() => op(hi, r, SUB), lo, SUB);
  const cr = tee();
  // hfx = r/2, hxs = r·hfx, r1 = 1 + hxs·(Q1 + hxs·(… Q5)), t = 3 − r1·hfx
  op(c(0.5), r, MUL);
  const hfx = tee();
  op(r, hfx, MUL);
  const hxs = tee();
  body.splat(EXPM1_Q[4]!);
  for (let i = 3; i >= 0; i--) {
    body.get(hxs);
    body.simd(MUL);
    body.splat(EXPM1_Q[i]!);
    body.simd(ADD);
  }
  body.get(hxs);
  body.simd(MUL);
  body.splat(1);
  body.simd(ADD); // (hxs·…) + 1: IEEE addition commutes exactly
  const r1 = tee();
  op(c(3), () => op(r1, hfx, MUL), SUB);
  const t = tee();
  // e = hxs·((r1 − t)/(6 − r·t))
  op(
    hxs,
    () =>
      op(
        () => op(r1, t, SUB),
        () => op(c(6), () => op(r, t, MUL), SUB),
        DIV,
      ),
    MUL,
  );
  const e = tee();
  // k = 0: r − (r·e − hxs)
  op(r, () => op(() => op(r, e, MUL), hxs, SUB), SUB);
  const k0 = tee();
  // e2 = (r·(e − cr) − cr) − hxs
  op(() => op(() => op(r, () => op(e, cr, SUB), MUL), cr, SUB), hxs, SUB);
  const e2 = tee();
  // k = −1: (r − e2)/2 − 1/2
  op(() => op(c(0.5), () => op(r, e2, SUB), MUL), c(0.5), SUB);
  const kMinus1 = tee();
  // k ≤ −2 (or k > 56): (1 − (e2 − r))·2^k − 1
  const kBits = exponent(k);
  const yA = scale(() => op(c(1), () => op(e2, r, SUB), SUB), kBits);
  op(yA, c(1), SUB);
  const kFar = tee();
  // 2^−k, exactly (k in 2 … 56 where it is used): 1's bits less k's
  op(c(1), kBits, I64X2_SUB);
  const twoMinusK = tee();
  // 2 ≤ k < 20: ((1 − 2^−k) − (e2 − r))·2^k
  const mid = (): void =>
    op(
      () => op(c(1), twoMinusK, SUB),
      () => op(e2, r, SUB),
      SUB,
    );
  const kMid = scale(mid, kBits);
  // 20 ≤ k ≤ 56: ((r − (e2 + 2^−k)) + 1)·2^k
  const high = (): void => op(() => op(r, () => op(e2, twoMinusK, ADD), SUB), c(1), ADD);
  const kHigh = scale(high, kBits);
  let em1 = select(kMid, kHigh, () => op(k, c(20), COMPARE.lt!));
  em1 = select(kFar, em1, () => {
    op(k, c(-2), COMPARE.le!);
    op(k, c(56), COMPARE.gt!);
    body.simd(V128_OR);
  });
  em1 = select(kMinus1, em1, () => op(k, c(-1), COMPARE.eq!));
  em1 = select(k0, em1, () => op(k, c(0), COMPARE.eq!));
  // z = 1 − 2/(t + 2) for |x| ≥ 1, −t/(t + 2) below: one quotient q, of 2 or of −t
  const negT = (): void => {
    body.get(em1);
    body.simd(F64X2_NEG);
  };
  const numerator = select(c(2), negT, atLeast1);
  op(numerator, () => op(em1, c(2), ADD), DIV);
  const q = tee();
  let z = select(() => op(c(1), q, SUB), q, atLeast1);
  z = select(c(1), z, () => op(ax, c(22), COMPARE.ge!));
  const negated = (): void => {
    body.get(z);
    body.simd(F64X2_NEG);
  };
  const signed = select(negated, z, () => op(x, c(0), COMPARE.lt!));
  body.get(x);
  body.get(signed);
  op(ax, c(EXP.tiny), COMPARE.lt!);
  body.simd(V128_BITSELECT);
}

/**
 * Pushes exp(x) for the f64x2 in local `x`, bit for bit as fdlibm computes it one value at a
 * time: the branches computed and the right one selected per lane. The argument reduction's
 * k is trunc(x/ln2 ± 1/2) wherever |x| > ln2/2 (fdlibm's k = ±1 below 1.5·ln2 is what that
 * gives there, and k·ln2Hi, k·ln2Lo are the same products). Lanes with 2⁻²⁸ ≤ |x| ≤ 707 and
 * x ≠ 1 (nearly all) need only the reduction's select; an iteration with another lane takes
 * the code that also selects NaN, overflow, underflow, subnormal results, tiny x and exp(1).
 */
function exp(body: Body, x: number): void {
  const { tee, op, c, select, ADD, SUB, MUL, DIV } = vector(body);

  body.get(x);
  body.simd(F64X2_ABS);
  const ax = tee();
  // any lane outside 2⁻²⁸ ≤ |x| ≤ 707 (NaN included), or x = 1?
  op(ax, c(EXP.tiny), COMPARE.ge!);
  op(ax, c(707), COMPARE.le!);
  body.simd(V128_AND);
  body.simd(V128_NOT);
  op(x, c(1), COMPARE.eq!);
  body.simd(V128_OR);
  body.simd(V128_ANY_TRUE);
  body.op(IF, V128);
  for (const full of [true, false]) {
    if (!full) body.op(ELSE);
    // k = trunc(x/ln2 + (x < 0 ? -1/2 : 1/2)); hi = x − k·ln2Hi; lo = k·ln2Lo
    body.get(x);
    body.splat(EXP.invLn2);
    body.simd(MUL);
    body.splat(-0.5);
    body.splat(0.5);
    op(x, c(0), COMPARE.lt!);
    body.simd(V128_BITSELECT);
    body.simd(ADD);
    body.simd(F64X2_TRUNC);
    const k = tee();
    op(x, () => op(k, c(EXP.ln2Hi), MUL), SUB);
    const hi = tee();
    op(k, c(EXP.ln2Lo), MUL);
    const lo = tee();
    const reduced = (): void => op(ax, c(EXP.reduce), COMPARE.gt!);
    const r = select(() => op(hi, lo, SUB), x, reduced);
    // c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), t = r²
    op(r, r, MUL);
    const t = tee();
    body.splat(EXP.p[4]!);
    for (let i = 3; i >= 0; i--) {
      body.get(t);
      body.simd(MUL);
      body.splat(EXP.p[i]!);
      body.simd(ADD);
    }
    body.get(t);
    body.simd(MUL);
    const poly = tee();
    op(r, poly, SUB);
    const cc = tee();
    // k = 0: 1 − (r·c/(c − 2) − r); else y = 1 − ((lo − r·c/(2 − c)) − hi), the same quotient
    // negated (a/(−b) = −(a/b) exactly, and lo − (−q) = lo + q): one division for both
    op(
      () => op(r, cc, MUL),
      () => op(cc, c(2), SUB),
      DIV,
    );
    const q = tee();
    body.splat(1);
    op(q, r, SUB);
    body.simd(SUB);
    const small = tee();
    body.splat(1);
    op(() => op(lo, q, ADD), hi, SUB);
    body.simd(SUB);
    const y = tee();
    // y·2^k: k added to y's exponent; where k < −1021 (a subnormal result), k + 1000 added
    // and the product with 2⁻¹⁰⁰⁰ taken
    const below = (): void => {
      op(k, c(-1021), COMPARE.ge!);
      body.simd(V128_NOT);
    };
    const kk = full ? select(() => op(k, c(1000), ADD), k, below) : k;
    body.get(y);
    body.get(kk);
    body.simd(I32X4_TRUNC_SAT_F64X2_S_ZERO);
    body.simd(I64X2_EXTEND_LOW_I32X4_S);
    body.i32(52);
    body.simd(I64X2_SHL);
    body.simd(I64X2_ADD);
    let scaled = tee();
    if (full) scaled = select(() => op(scaled, c(EXP.twoM1000), MUL), scaled, below);
    if (!full) {
      body.get(scaled);
      body.get(small);
      reduced();
      body.simd(V128_BITSELECT);
      continue;
    }
    let result = select(() => body.get(scaled), small, reduced);
    result = select(
      () => op(c(1), x, ADD),
      result,
      () => op(ax, c(EXP.tiny), COMPARE.lt!),
    );
    result = select(c(Number.POSITIVE_INFINITY), result, () => op(x, c(EXP.overflow), COMPARE.gt!));
    result = select(c(0), result, () => op(x, c(EXP.underflow), COMPARE.lt!));
    result = select(c(Math.E), result, () => op(x, c(1), COMPARE.eq!));
    // NaN: x + x
    op(x, x, ADD);
    body.get(result);
    op(x, x, COMPARE.ne!);
    body.simd(V128_BITSELECT);
  }
  body.op(END);
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
