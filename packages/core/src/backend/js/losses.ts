// The fused loss kernels of the 'js' backend, one pass per row of dense [n, c] scores:
// softmax cross-entropy shifted by the row max (no logit size overflows), and the multiclass
// SVM hinge of the cs231n notes.
import type { FloatArray } from '../../dtype.js';
import type { View } from '../kernels.js';
import { exp } from './exp.js';

/** The max of row `row` (c values; 0 if not finite: all -Inf, or an Inf keeps the arithmetic exact). */
function rowMax(d: FloatArray, row: number, c: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < c; j++) if (d[row + j]! > m) m = d[row + j]!;
  return Number.isFinite(m) ? m : 0;
}

/** Σ exp(z - m) over row `row` (c values), each exp(z - m) kept in e[at…] (backward reuses them). */
function rowExpSum(
  d: FloatArray,
  row: number,
  c: number,
  m: number,
  e: Float64Array,
  at: number,
): number {
  let s = 0;
  for (let j = 0; j < c; j++) {
    const v = exp(d[row + j]! - m);
    e[at + j] = v;
    s += v;
  }
  return s;
}

/** A row's exp(z - m) values (grown to the widest row seen). */
let exps = new Float64Array(16);

function expsFor(c: number): Float64Array {
  if (exps.length < c) exps = new Float64Array(c);
  return exps;
}

/** Per-row `logsumexp(z) - z[y]` of dense `[n, c]` logits; see `Kernels.softmaxCrossEntropy`. */
export function softmaxCrossEntropy(
  z: View,
  labels: Int32Array,
  losses: Float64Array,
  probs?: Float64Array,
): void {
  const d = z.data;
  const n = z.shape[0]!;
  const c = z.shape[1]!;
  // exp(z - m) straight into probs (then divided by the row's sum there), or into a row's scratch
  const e = probs ?? expsFor(c);
  for (let i = 0, row = z.offset, o = 0; i < n; i++, row += c) {
    const m = rowMax(d, row, c);
    const s = rowExpSum(d, row, c, m, e, o);
    losses[i] = m + Math.log(s) - d[row + labels[i]!]!;
    if (probs === undefined) continue;
    for (let j = 0; j < c; j++) probs[o + j] = probs[o + j]! / s;
    o += c;
  }
}

/** `(softmax(z) - onehot(y)) · scale` per row; see `Kernels.softmaxCrossEntropyBackward`. */
export function softmaxCrossEntropyBackward(
  z: View,
  labels: Int32Array,
  scale: View,
  out: FloatArray,
  probs?: Float64Array,
): void {
  const d = z.data;
  const k = scale.data;
  const ko = scale.offset;
  const one = k.length === 1 || scale.shape.every((s) => s === 1);
  const ks = one ? 0 : (scale.stride[0] ?? 1);
  const n = z.shape[0]!;
  const c = z.shape[1]!;
  // each exp(z - m) once, kept for the row's second pass; or the forward's e/s, divided by 1
  const e = probs ?? expsFor(c);
  for (let i = 0, row = z.offset; i < n; i++, row += c) {
    const o = i * c;
    let s = 1;
    let eo = o;
    if (probs === undefined) {
      s = rowExpSum(d, row, c, rowMax(d, row, c), e, 0);
      eo = 0;
    }
    const si = k[ko + i * ks]!;
    const y = labels[i]!;
    // one rounding per element, into out's dtype: the label's -si is taken in float64 first
    for (let j = 0; j < c; j++) {
      const g = (e[eo + j]! / s) * si;
      out[o + j] = j === y ? g - si : g;
    }
  }
}

/** Per-row `Σ_{j≠y} max(0, s_j − s_y + margin)`; see `Kernels.multiclassHinge`. */
export function multiclassHinge(
  scores: View,
  labels: Int32Array,
  margin: number,
  losses: Float64Array,
): void {
  const d = scores.data;
  const n = scores.shape[0]!;
  const c = scores.shape[1]!;
  for (let i = 0, row = scores.offset; i < n; i++, row += c) {
    const y = labels[i]!;
    const sy = d[row + y]!;
    let l = 0;
    for (let j = 0; j < c; j++) if (j !== y) l += Math.max(0, d[row + j]! - sy + margin);
    losses[i] = l;
  }
}

/** +1 per class within the margin of the label's score, minus their count at the label. */
export function multiclassHingeBackward(
  scores: View,
  labels: Int32Array,
  margin: number,
  out: FloatArray,
): void {
  const d = scores.data;
  const n = scores.shape[0]!;
  const c = scores.shape[1]!;
  out.fill(0, 0, n * c);
  for (let i = 0, row = scores.offset, o = 0; i < n; i++, row += c, o += c) {
    const y = labels[i]!;
    for (let j = 0; j < c; j++) {
      if (j !== y && d[row + j]! - d[row + y]! + margin > 0) {
        out[o + j] = 1;
        out[o + y]! -= 1;
      }
    }
  }
}
