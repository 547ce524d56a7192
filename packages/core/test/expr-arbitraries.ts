// Random elementwise expressions and the values that probe their semantics' edges, for the
// property tests of the kernels that compile them (backend.test.ts: the 'js' code;
// wasm-backend.test.ts: the 'wasm' modules).
import { E } from '@tapegrad/core/op-kit';
import fc from 'fast-check';

export const UNARY = ['neg', 'abs', 'exp', 'log', 'log1p', 'sqrt', 'tanh', 'sign'] as const;
export const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'max',
  'min',
  'gt',
  'ge',
  'lt',
  'le',
  'eq',
  'ne',
] as const;

/**
 * Random expression trees over 3 inputs and 2 parameters, every node kind included, and
 * nodes used twice (one object in two places, as `E.mul(t, t)` builds).
 */
export const exprArb: fc.Arbitrary<E.Expr> = fc.letrec<{ expr: E.Expr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'expr' },
    fc.nat({ max: 2 }).map((i) => E.input(i)),
    fc.nat({ max: 1 }).map((i) => E.param(i)),
    fc.constantFrom(0, -0, 1, -2.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY).map(E.constant),
    fc.tuple(fc.constantFrom(...UNARY), tie('expr')).map(([op, x]) => E[op](x)),
    fc.tuple(fc.constantFrom(...BINARY), tie('expr'), tie('expr')).map(([op, a, b]) => E[op](a, b)),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => E.select(c, a, b)),
    fc.tuple(fc.constantFrom(...BINARY), tie('expr')).map(([op, t]) => E[op](t, E.neg(t))),
  ),
})).expr;

/** Values that probe the semantics' edges: signed zeros, NaN, infinities, ordinary numbers. */
export const valueArb = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
  fc.double({ min: -10, max: 10, noNaN: true }),
);
