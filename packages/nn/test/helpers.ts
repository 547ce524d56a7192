// Test helpers: a small user-written module, and gradient checks of a module's inputs and
// parameters through core's gradcheck.
import {
  type GradcheckOptions,
  type GradcheckReport,
  grad,
  gradcheck,
  Rng,
  type Tensor,
} from '@tapegrad/core';
import { expect } from 'vitest';
import { functionalCall, Linear, Module, ReLU } from '../src/index.js';

/** A user-written module calling its children's forward, as in the notes (26 parameters). */
export class TwoLayer extends Module {
  fc1 = new Linear(3, 4, { rng: new Rng(1) });
  act = new ReLU();
  fc2 = new Linear(4, 2, { rng: new Rng(2) });
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

/**
 * gradcheck of `module.forward(...inputs)` with respect to the inputs that require grad and
 * every parameter of the module (run through functionalCall, so gradcheck's float64 copies
 * of the parameters are the ones used).
 */
export function gradcheckModule(
  module: Module,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const named = module.namedParameters();
  const n = inputs.length;
  const fn = (...xs: Tensor[]): Tensor =>
    functionalCall(
      module,
      new Map(named.map(([name], i) => [name, xs[n + i]!])),
      ...xs.slice(0, n),
    );
  // Guard against a vacuous pass: every parameter must reach the output (grad throws if
  // one does not), or gradcheck would compare zeros with zeros.
  const copies = named.map(([, p]) => p.detach().to('float64').clone().requiresGrad_());
  const y = fn(...inputs.map((x) => x.detach()), ...copies);
  if (copies.length > 0) grad(y.sum(), copies);
  return gradcheck(fn, [...inputs, ...named.map(([, p]) => p)], options);
}

export function expectGradcheck(report: GradcheckReport): void {
  expect(report.ok, report.message).toBe(true);
}

/** Every value of `actual` within `tol` of `expected` (flat, row-major). */
export function expectValues(actual: Tensor, expected: readonly number[], tol = 1e-6): void {
  const got = Array.from(actual.toTypedArray());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    expect(
      Math.abs(v - expected[i]!),
      `element ${i}: got ${v}, expected ${expected[i]}`,
    ).toBeLessThanOrEqual(tol);
  });
}
