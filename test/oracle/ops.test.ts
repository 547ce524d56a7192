// Every entry of core's op table against PyTorch (fixtures/ops.json, from scripts/oracle/ops.py):
// the value, the vector-Jacobian product and the second order, in float64. The ops without
// gradients (comparisons, argmax, sign): their values.
import { argmax, eq, ge, gt, le, lt, sign, type Tensor } from '@tapegrad/core';
import { assert, describe, it } from 'vitest';
import { opTable } from '../../packages/core/test/op-table.js';
import {
  type Arr,
  checkFirstOrder,
  checkForward,
  checkSecondOrder,
  type DerivativeCase,
  decodeAttrs,
  eachBackend,
  loadFixture,
  type Setup,
  toTensor,
} from './helpers.js';

interface OpCase extends DerivativeCase {
  readonly attrs: Record<string, unknown>;
  readonly forwardOnly?: undefined;
}

interface ValueCase {
  readonly op: string;
  readonly attrs: { dim?: number; keepdim?: boolean; c?: number; side?: 'a' | 'b' };
  readonly forwardOnly: true;
  readonly inputs: Arr[];
  readonly forward: Arr;
}

export type OpsFixtureCase = OpCase | ValueCase;

const fixture = loadFixture<OpsFixtureCase>('ops');
const entries = new Map(opTable.map((e) => [e.name, e]));

/** Fresh float64 inputs that require grad, and the op-table entry's call on them. */
function setup(c: OpCase): Setup {
  const entry = entries.get(c.op);
  if (entry === undefined) throw new Error(`fixture op '${c.op}' is not in the op table`);
  const leaves: Tensor[] = c.inputs.map((a) => toTensor(a, true));
  const attrs = decodeAttrs(c.attrs);
  return {
    leaves,
    names: leaves.map((_, k) => `input ${k}`),
    call: () => entry.call(leaves, attrs),
  };
}

type Compare = (a: Tensor | number, b: Tensor | number) => Tensor;

function compared(f: Compare): (xs: Tensor[], a: ValueCase['attrs']) => Tensor {
  return ([x, y], { c, side }) =>
    c === undefined ? f(x!, y!) : side === 'b' ? f(x!, c) : f(c, x!);
}

/** The ops without gradients, called as the fixture says. */
export const VALUE_OPS: Record<string, (xs: Tensor[], a: ValueCase['attrs']) => Tensor> = {
  gt: compared(gt),
  ge: compared(ge),
  lt: compared(lt),
  le: compared(le),
  eq: compared(eq),
  argmax: ([x], { dim, keepdim }) => argmax(x!, dim, keepdim),
  sign: ([x]) => sign(x!),
};

function title(c: OpsFixtureCase, i: number): string {
  return `case ${i} ${JSON.stringify(c.attrs)} ${c.inputs.map((a) => `[${a.shape}]`).join(' ')}`;
}

eachBackend(() => {
  const ops = [...new Set(fixture.cases.map((c) => c.op))];
  describe.each(ops)('%s', (op) => {
    const cases = fixture.cases.filter((c) => c.op === op);
    describe.each(cases.map((c, i) => [title(c, i), c] as const))('%s', (_, c) => {
      if (c.forwardOnly) {
        it('value (masks and indices are exact)', () => {
          const call = VALUE_OPS[c.op];
          if (call === undefined) throw new Error(`fixture op '${c.op}' has no call here`);
          const y = call(
            c.inputs.map((a) => toTensor(a)),
            c.attrs,
          );
          assert.deepEqual(y.shape, c.forward.shape, 'shape');
          // PyTorch gives bool or int64, tapegrad float 0/1 and indices: the values must agree
          assert.deepEqual(
            Array.from(y.toTypedArray(), (v) => v + 0),
            c.forward.data,
          );
        });
        return;
      }
      it('value', () => checkForward(c, setup(c)));
      it('first order', () => checkFirstOrder(c, setup(c)));
      if (c.second !== undefined) it('second order', () => checkSecondOrder(c, setup(c)));
    });
  });
});
