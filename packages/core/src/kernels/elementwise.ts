// Elementwise kernels, generated once per (expression, dtypes) like ndarray-ops' cwise:
// a flat loop when every input is contiguous in the output's shape, otherwise an N-d walk
// over strided (and broadcast, stride 0) inputs with a tight innermost loop.
import { allocate, type DType, type FloatArray } from '../dtype.js';
import { isRowMajor, sizeOf } from '../shape.js';

/** The part of an ndarray a kernel reads. `ndarray` objects satisfy it. */
export interface View {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
}

export interface MapSpec {
  /** Input names used in `expr`, e.g. `['a', 'b']`. */
  readonly inputs: readonly string[];
  /** Scalar parameter names used in `expr`, e.g. `['slope']`. */
  readonly params?: readonly string[];
  /** A JS expression of the inputs and params, e.g. `a > 0 ? a : slope * a`. */
  readonly expr: string;
  /** Functions the expression may call by name (inlined by the JIT: they are constants). */
  readonly helpers?: Readonly<Record<string, (...xs: number[]) => number>>;
}

type Kernel = (
  out: FloatArray,
  shape: readonly number[],
  size: number,
  flat: boolean,
  views: readonly View[],
  strides: readonly (readonly number[])[],
  params: readonly number[],
) => void;

function generate(spec: MapSpec): Kernel {
  const params = spec.params ?? [];
  const helperNames = Object.keys(spec.helpers ?? {});
  // one line per input, with $ standing for the input's number and @ for its name
  const each = (line: string): string =>
    spec.inputs.map((name, i) => line.replaceAll('$', String(i)).replaceAll('@', name)).join('\n');
  const body = `
    ${params.map((p, i) => `const ${p} = params[${i}];`).join('\n')}
    ${each('const d$ = views[$].data; let p$ = views[$].offset;')}
    if (flat) {
      for (let i = 0; i < size; i++) {
        ${each('const @ = d$[p$ + i];')}
        o[i] = ${spec.expr};
      }
      return;
    }
    const nd = shape.length;
    if (nd === 0) {
      ${each('const @ = d$[p$];')}
      o[0] = ${spec.expr};
      return;
    }
    if (size === 0) return;
    const last = nd - 1;
    const n = shape[last];
    ${each('const st$ = strides[$]; const sl$ = st$[last];')}
    const idx = new Int32Array(nd);
    const outer = size / n;
    let po = 0;
    for (let k = 0; k < outer; k++) {
      for (let i = 0; i < n; i++) {
        ${each('const @ = d$[p$]; p$ += sl$;')}
        o[po++] = ${spec.expr};
      }
      ${each('p$ -= sl$ * n;')}
      for (let d = last - 1; d >= 0; d--) {
        idx[d]++;
        ${each('p$ += st$[d];')}
        if (idx[d] < shape[d]) break;
        ${each('p$ -= st$[d] * shape[d];')}
        idx[d] = 0;
      }
    }`;
  const source = `return function kernel(o, shape, size, flat, views, strides, params) {${body}\n};`;
  const factory = new Function(...helperNames, source) as (...helpers: unknown[]) => Kernel;
  return factory(...helperNames.map((h) => spec.helpers?.[h]));
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

/** A compiled elementwise map; call it with inputs of broadcastable shapes. */
export interface MapKernel {
  (
    outShape: readonly number[],
    outDtype: DType,
    views: readonly View[],
    params?: readonly number[],
  ): FloatArray;
  /** Write into an existing contiguous buffer instead of allocating. */
  into(
    out: FloatArray,
    outShape: readonly number[],
    views: readonly View[],
    params?: readonly number[],
  ): void;
}

/**
 * Compile an elementwise map. The generated code is specialised per combination of
 * dtypes (each gets its own copy, so the JIT sees a single typed-array type per site).
 */
export function compileMap(spec: MapSpec): MapKernel {
  const cache = new Map<string, Kernel>();
  const none: readonly number[] = [];
  const into = (
    out: FloatArray,
    outShape: readonly number[],
    views: readonly View[],
    params: readonly number[] = none,
  ): void => {
    let key = out instanceof Float64Array ? 'd' : 'f';
    for (const v of views) key += v.data instanceof Float64Array ? 'd' : 'f';
    let k = cache.get(key);
    if (k === undefined) {
      k = generate(spec);
      cache.set(key, k);
    }
    const strides = views.map((v) => broadcastStrides(v, outShape));
    const flat =
      strides.every((s) => isRowMajor(outShape, s)) &&
      views.every((v) => sizeOf(v.shape) === out.length);
    k(out, outShape, out.length, flat, views, strides, params);
  };
  const run = ((outShape, outDtype, views, params) => {
    const out = allocate(outDtype, sizeOf(outShape));
    into(out, outShape, views, params);
    return out;
  }) as MapKernel;
  run.into = into;
  return run;
}
