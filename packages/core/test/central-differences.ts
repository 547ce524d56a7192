// The error of gradcheck's central differences, bounded for one computation at one point,
// so that a gradient check's tolerance is a bound rather than a guess.
//
// gradcheck compares the engine's gradient a = ∂f/∂xₖ with D = (f̂(x + h) − f̂(x − h))/(2h),
// where f̂ is f as float64 evaluates it. Then
//
//   |D − a| ≤ h²/6·max|∂³f/∂xₖ³|          truncation (Taylor to third order)
//           + δ/h                          rounding: |f̂ − f| ≤ δ at x ± h (δ/2h at each)
//           + |∂f/∂xₖ|·u·(|xₖ| + h)/h      xₖ ± h rounded to float64 (relative u each)
//           + |a − ∂f/∂xₖ|                 the engine's own rounding
//
// and each term is computed for the case at hand, from f recorded as a list of steps
// (`Step`: an op's inputs, output, and the magnitudes of the terms it computes with):
//
// - δ, to first order in u: a step's output is rounded, element by element, by at most
//   γ_{n+R}·T (T the magnitude of the terms it is computed from, n how many are summed into
//   it, R roundings per term: `roundingError`), and that error reaches f multiplied by
//   ∂f/∂t: δ(x) = Σₜ Σₑ |∂f/∂tₑ|·γ_{n+R}·Tₑ, with ∂f/∂t from one backward pass.
// - G, the magnitude of the terms of the gradient: a backward pass over the steps in
//   absolute values, |dy| in and each step's gradient terms out (`Step.gradientTerms`): Gₖ
//   sums, over every path from xₖ to f, the absolute products the engine's gradient sums
//   with signs. The engine's gradient is then off by at most γ_N·Gₖ, N the roundings of all
//   steps (Σ (n + R)): that bounds it even where its terms cancel (f = x − x has a = 0 and
//   G = 2). δ changes between x and x ± h by at most h·γ_N·Gₖ as well (the terms T move
//   with t, and Σₑ|∂f/∂tₑ|·|∂tₑ/∂xₖ| ≤ Gₖ): so δ(x)/h + 2γ_N·Gₖ covers both, also where
//   δ(x) = 0 (all of f's values exactly 0 at x, and not at x ± h).
// - ∂³f/∂xₖ³, estimated by the third difference with step H = max(1e-3, 10h) ≫ h,
//   [f(x+2H) − 2f(x+H) + 2f(x−H) − f(x−2H)]/(2H³) = f''' + O(H²·f⁽⁵⁾). It averages f'''
//   over [x − 2H, x + 2H] ⊃ [x − h, x + h], so the inputs must be smooth there (the op
//   table keeps kinks 0.01 away; the random graphs squash values into their domains);
//   TRUNCATION_SAFETY covers f''' varying within that window. Its own rounding error,
//   3δ/H³, only adds to the estimate (by (h/H)³·δ/h at most, through h²/6): it can make
//   the bound looser, never wrong.
import { type DType, grad, gradcheck, noGrad, type Tensor, tensor } from '@tapegrad/core';
import { fromNested, map, type Ref } from './reference.js';

/** Unit roundoff u: a value rounded to the dtype is off by at most u relatively. */
export const UNIT_ROUNDOFF: Readonly<Record<DType, number>> = {
  float32: 2 ** -24,
  float64: 2 ** -53,
};

/** γₖ = k·u/(1 − k·u): k successive roundings are off by at most this, relatively. */
export function gamma(k: number, u: number): number {
  return (k * u) / (1 - k * u);
}

// Roundings along one term in the op table's kernels and backward rules, at most: softmax's
// gradient y·(dy − Σ dy·y) takes 7 (op-table.ts), pow's dy·y·ln a summed back over broadcast
// dims and cast to the input's dtype 6, the others fewer.
export const ROUNDINGS_PER_TERM = 8;

/**
 * The most an element computed in `dtype` from terms of total magnitude `terms` (Σ|term|)
 * is off by: a sum of at most n terms, each through at most ROUNDINGS_PER_TERM roundings,
 * is off by γ_{n+R}(u)·Σ|term| (Higham, Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., §3.1 and §4.2).
 */
export function roundingError(terms: number, n: number, dtype: DType): number {
  return gamma(n + ROUNDINGS_PER_TERM, UNIT_ROUNDOFF[dtype]) * terms;
}

export const refOf = (t: Tensor): Ref => fromNested(t.toArray());

/** Float64 leaves holding exactly the values of xs (float32 ones as float32 rounded them). */
export function float64Copies(xs: readonly Tensor[]): Tensor[] {
  return xs.map((x) =>
    tensor(Array.from(x.toTypedArray()), { shape: x.shape, dtype: 'float64', requiresGrad: true }),
  );
}

/**
 * Σⱼ |dyⱼ|·|∂yⱼ/∂xₖ| for every element k of every input of y = call(...inputs): the
 * magnitude of the terms of the gradient Σⱼ dyⱼ·∂yⱼ/∂xₖ, from the float64 Jacobian at
 * the inputs (one backward pass per output element with dyⱼ ≠ 0).
 */
export function jacobianTerms(
  call: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  dy: Ref,
): Ref[] {
  const xs = float64Copies(inputs);
  const terms = xs.map((x) => new Array<number>(x.size).fill(0));
  dy.data.forEach((d, j) => {
    if (d === 0) return;
    const out = call(...xs);
    if (!out.requiresGrad) return;
    const unit = dy.data.map((_, i) => (i === j ? 1 : 0));
    const rows = grad(out, xs, {
      gradOutput: tensor(unit, { shape: out.shape, dtype: 'float64' }),
      allowUnused: true,
    });
    rows.forEach((row, i) => {
      if (row === null) return;
      refOf(row).data.forEach((v, k) => {
        terms[i]![k]! += Math.abs(d) * Math.abs(v);
      });
    });
  });
  return terms.map((data, i) => ({ shape: xs[i]!.shape, data }));
}

/** One step of f: an op applied to earlier steps' outputs, leaves, and constants. */
export interface Step {
  /** What it read; those that require grad are f's leaves or earlier steps' outputs. */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The magnitude of the terms each output element is computed from. */
  readonly terms: Ref;
  /** The most terms summed into one output element. */
  readonly count: number;
  /** The step again, on other tensors (for the default `gradientTerms`). */
  readonly call: (...inputs: Tensor[]) => Tensor;
  /**
   * The magnitude of the terms of each input's gradient for an upstream gradient of
   * magnitude `dy` (default: `jacobianTerms`, right unless the backward cancels inside).
   */
  readonly gradientTerms?: (dy: Ref) => readonly Ref[];
}

/** f at some inputs: its scalar value, and its steps (asked for once per bound). */
export interface Traced {
  readonly output: Tensor;
  readonly steps: () => readonly Step[];
}

/** The step of gradcheck's central differences (its default). */
export const STEP = 1e-6;
/** The step of the third difference that estimates f'''. */
export const THIRD_DIFFERENCE_STEP = 1e-3;
/** f''' is estimated as an average over [x − 2H, x + 2H]: its maximum near x may be larger. */
const TRUNCATION_SAFETY = 4;

export interface CentralDifferenceBound {
  /** The bound for every input element: pass it to gradcheck as `atol`, with `rtol: 0`. */
  readonly atol: number;
  /** Its parts at the element where it is largest, for messages. */
  readonly parts: {
    readonly truncation: number;
    readonly rounding: number;
    readonly step: number;
    readonly gradient: number;
  };
}

/** Σ|terms| of the gradient of f with respect to every tensor, by a backward pass over |·|. */
function absoluteBackward(output: Tensor, steps: readonly Step[]): Map<Tensor, number[]> {
  const adjoint = new Map<Tensor, number[]>([[output, [1]]]);
  for (const step of steps.slice().reverse()) {
    const dy = adjoint.get(step.output);
    if (dy === undefined) continue;
    const dyRef = { shape: step.output.shape, data: dy };
    const terms = step.gradientTerms?.(dyRef) ?? jacobianTerms(step.call, step.inputs, dyRef);
    step.inputs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const add = terms[i]!.data;
      const acc = adjoint.get(x);
      if (acc === undefined) adjoint.set(x, add.slice());
      else
        add.forEach((v, k) => {
          acc[k]! += v;
        });
    });
  }
  return adjoint;
}

/**
 * The most gradcheck's central differences with step `eps` and the engine's gradient of
 * the scalar f = `trace(xs).output` may differ by at `inputs` (float64), over every element
 * of every input that requires grad (see the analysis at the top of this file).
 */
export function centralDifferenceBound(
  trace: (...xs: Tensor[]) => Traced,
  inputs: readonly Tensor[],
  eps = STEP,
): CentralDifferenceBound {
  const xs = inputs.map((x) =>
    tensor(Array.from(x.toTypedArray()), {
      shape: x.shape,
      dtype: 'float64',
      requiresGrad: x.requiresGrad,
    }),
  );
  const checked = xs.filter((x) => x.requiresGrad);
  const traced = trace(...xs);
  const output = traced.output;
  const steps = traced.steps();
  // a constant of f (no input reaches it) is rounded the same way at every point
  const varying = steps.filter((s) => s.output.requiresGrad);
  const gs = grad(output, [...checked, ...varying.map((s) => s.output)], { allowUnused: true });
  const values = (t: Tensor | null): readonly number[] => (t === null ? [] : refOf(t).data);

  // δ: the rounding errors of the steps' outputs, carried to f
  let delta = 0;
  varying.forEach((s, j) => {
    values(gs[checked.length + j]!).forEach((a, e) => {
      delta += Math.abs(a) * roundingError(s.terms.data[e]!, s.count, s.output.dtype);
    });
  });
  // G: the terms of the gradient; N: every rounding of every step
  const G = absoluteBackward(output, varying);
  const roundings = steps.reduce((n, s) => n + s.count + ROUNDINGS_PER_TERM, 0);
  const gammaN = gamma(roundings, UNIT_ROUNDOFF.float64);

  const f = (): number => noGrad(() => trace(...xs).output.item());
  // H ≫ h: the third difference's own rounding error 3δ/H³ then adds (h/H)³·δ/h at most
  // to the truncation term, next to δ/h
  const H = Math.max(THIRD_DIFFERENCE_STEP, 10 * eps);
  let worst = { truncation: 0, rounding: 0, step: 0, gradient: 0 };
  let atol = 0;
  checked.forEach((x, i) => {
    const data = x.data.data;
    const analytical = values(gs[i]!);
    const terms = G.get(x) ?? [];
    for (let k = 0; k < data.length; k++) {
      const original = data[k]!;
      const at = (d: number): number => {
        data[k] = original + d;
        const v = f();
        data[k] = original;
        return v;
      };
      const third = (at(2 * H) - 2 * at(H) + 2 * at(-H) - at(-2 * H)) / (2 * H ** 3);
      const a = analytical[k] ?? 0;
      const parts = {
        truncation: TRUNCATION_SAFETY * (eps ** 2 / 6) * Math.abs(third),
        rounding: delta / eps,
        step: Math.abs(a) * UNIT_ROUNDOFF.float64 * ((Math.abs(original) + eps) / eps),
        gradient: 2 * gammaN * (terms[k] ?? 0),
      };
      const total = parts.truncation + parts.rounding + parts.step + parts.gradient;
      if (!(total <= atol)) {
        atol = total;
        worst = parts;
      }
    }
  });
  return { atol, parts: worst };
}

/**
 * gradcheck of the scalar f = `trace(...inputs).output` with step `eps`, within the bound of
 * `centralDifferenceBound` (atol, rtol 0); throws gradcheck's report and the bound's parts.
 */
export function assertCentralDifferences(
  trace: (...xs: Tensor[]) => Traced,
  inputs: readonly Tensor[],
  eps = STEP,
): void {
  const { atol, parts } = centralDifferenceBound(trace, inputs, eps);
  const report = gradcheck((...xs) => trace(...xs).output, inputs, { eps, atol, rtol: 0 });
  if (!report.ok) {
    const terms = Object.entries(parts)
      .map(([name, v]) => `${name} ${v.toExponential(2)}`)
      .join(', ');
    throw new Error(`${report.message}\nthe bound ${atol.toExponential(3)} is made of ${terms}`);
  }
}

/** Σ y ⊙ w as a step: its terms are Σ|y||w|, its gradient's |dy|·|w|. */
export function weightedSumStep(y: Tensor, w: Tensor, f: Tensor): Step {
  const wRef = refOf(w);
  const yw = map((a, b) => Math.abs(a * b), refOf(y), wRef);
  return {
    inputs: [y],
    output: f,
    terms: { shape: [], data: [yw.data.reduce((s, t) => s + t, 0)] },
    count: y.size + 1,
    call: (t) => t.mul(w).sum(),
    gradientTerms: (dy) => [map((b) => Math.abs(dy.data[0]!) * Math.abs(b), wRef)],
  };
}

/** a₁ + a₂ + … of scalars as a step. */
export function totalStep(parts: readonly Tensor[], f: Tensor): Step {
  return {
    inputs: parts,
    output: f,
    terms: { shape: [], data: [parts.reduce((s, p) => s + Math.abs(p.item()), 0)] },
    count: parts.length,
    call: (...ps) => ps.reduce((a, b) => a.add(b)),
    gradientTerms: (dy) => parts.map(() => ({ shape: [], data: [Math.abs(dy.data[0]!)] })),
  };
}
