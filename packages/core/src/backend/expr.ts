// Elementwise expressions as data: a small tree of inputs, constants, run-time parameters,
// unary and binary operations and select. Ops describe what to compute with it; each
// backend turns the same tree into its own code (JavaScript source today, WebAssembly next).
//
// Semantics every backend keeps (they are what the op library was written against):
// - arithmetic is float64 (a float32 output rounds once, when stored);
// - comparisons give 1 or 0, and every comparison with NaN is 0 (`ne` gives 1);
// - `select(c, a, b)` is `a` where `c` is not 0 (NaN counts as not 0), else `b`;
// - `max` / `min` propagate NaN from either side; on equal values they give `b`;
// - `sign` is -1, 0 or 1 and keeps -0, +0 and NaN as they are.

export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'tanh' | 'sign';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'max'
  | 'min'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'eq'
  | 'ne';

/** An elementwise expression: a tree of plain objects (build it with the functions below). */
export type Expr =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'param'; readonly index: number }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly x: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'select'; readonly cond: Expr; readonly ifTrue: Expr; readonly ifFalse: Expr };

/** An operand: an expression, or a number (a constant). */
export type ExprLike = Expr | number;

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['gt', 'ge', 'lt', 'le', 'eq', 'ne']);

/** Whether `op` is a comparison (its value is 0 or 1). */
export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

function lift(x: ExprLike): Expr {
  return typeof x === 'number' ? { kind: 'const', value: x } : x;
}

/** Input `index` of the kernel (0 for the first tensor). @example add(input(0), input(1)) */
export function input(index: number): Expr {
  return { kind: 'input', index };
}

/** A tuple of `N` expressions (`[Expr, Expr]` for 2). */
export type Exprs<N extends number, R extends Expr[] = []> = number extends N
  ? Expr[]
  : R['length'] extends N
    ? R
    : Exprs<N, [...R, Expr]>;

/** Inputs 0 … n-1, to destructure. @example const [a, b] = inputs(2); */
export function inputs<N extends number>(n: N): Exprs<N> {
  return Array.from({ length: n }, (_, i) => input(i)) as Exprs<N>;
}

/** A constant. Numbers given to the other builders become constants by themselves. */
export function constant(value: number): Expr {
  return { kind: 'const', value };
}

/**
 * Run-time scalar `index`, passed with each call (a slope, a learning rate): one compiled
 * kernel serves every value. @example mul(param(0), input(0))
 */
export function param(index: number): Expr {
  return { kind: 'param', index };
}

function unary(op: UnaryOp) {
  return (x: ExprLike): Expr => ({ kind: 'unary', op, x: lift(x) });
}

function binary(op: BinaryOp) {
  return (a: ExprLike, b: ExprLike): Expr => ({ kind: 'binary', op, a: lift(a), b: lift(b) });
}

export const neg = unary('neg');
export const abs = unary('abs');
export const exp = unary('exp');
export const log = unary('log');
export const log1p = unary('log1p');
export const sqrt = unary('sqrt');
export const tanh = unary('tanh');
export const sign = unary('sign');

export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');
export const pow = binary('pow');
export const max = binary('max');
export const min = binary('min');
export const gt = binary('gt');
export const ge = binary('ge');
export const lt = binary('lt');
export const le = binary('le');
export const eq = binary('eq');
export const ne = binary('ne');

/** `ifTrue` where `cond` is not 0, else `ifFalse`. @example select(gt(x, 0), x, 0) // relu */
export function select(cond: ExprLike, ifTrue: ExprLike, ifFalse: ExprLike): Expr {
  return { kind: 'select', cond: lift(cond), ifTrue: lift(ifTrue), ifFalse: lift(ifFalse) };
}

/**
 * A canonical string of the expression, equal for equal trees: the key compiled kernels are
 * cached under. @example exprKey(add(input(0), 1)) // 'add(x0,1)'
 */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `x${e.index}`;
    case 'param':
      return `p${e.index}`;
    case 'const':
      // -0 and NaN print as themselves (String(-0) is '0')
      return Object.is(e.value, -0) ? '-0' : String(e.value);
    case 'unary':
      return `${e.op}(${exprKey(e.x)})`;
    case 'binary':
      return `${e.op}(${exprKey(e.a)},${exprKey(e.b)})`;
    case 'select':
      return `select(${exprKey(e.cond)},${exprKey(e.ifTrue)},${exprKey(e.ifFalse)})`;
  }
}

/** The number of inputs and parameters an expression reads (one past the largest index). */
export function arityOf(e: Expr): { inputs: number; params: number } {
  let inputs = 0;
  let params = 0;
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === 'input') inputs = Math.max(inputs, x.index + 1);
    else if (x.kind === 'param') params = Math.max(params, x.index + 1);
    else if (x.kind === 'unary') stack.push(x.x);
    else if (x.kind === 'binary') stack.push(x.a, x.b);
    else if (x.kind === 'select') stack.push(x.cond, x.ifTrue, x.ifFalse);
  }
  return { inputs, params };
}

/**
 * The value of `e` at one point, in float64: the reference semantics the backends' generated
 * code must match. @example evaluate(mul(input(0), 2), [3]) // 6
 */
export function evaluate(e: Expr, xs: readonly number[], params: readonly number[] = []): number {
  switch (e.kind) {
    case 'input':
      return xs[e.index]!;
    case 'param':
      return params[e.index]!;
    case 'const':
      return e.value;
    case 'unary':
      return applyUnary(e.op, evaluate(e.x, xs, params));
    case 'binary':
      return applyBinary(e.op, evaluate(e.a, xs, params), evaluate(e.b, xs, params));
    case 'select':
      return evaluate(e.cond, xs, params) !== 0
        ? evaluate(e.ifTrue, xs, params)
        : evaluate(e.ifFalse, xs, params);
  }
}

function applyUnary(op: UnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'log1p':
      return Math.log1p(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sign':
      return x > 0 ? 1 : x < 0 ? -1 : x;
  }
}

function applyBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'pow':
      return a ** b;
    case 'max':
      return a > b || Number.isNaN(a) ? a : b;
    case 'min':
      return a < b || Number.isNaN(a) ? a : b;
    case 'gt':
      return a > b ? 1 : 0;
    case 'ge':
      return a >= b ? 1 : 0;
    case 'lt':
      return a < b ? 1 : 0;
    case 'le':
      return a <= b ? 1 : 0;
    case 'eq':
      return a === b ? 1 : 0;
    case 'ne':
      return a !== b ? 1 : 0;
  }
}
