// Seeded randomness: xoshiro128** on 32-bit integer arithmetic, so a seed gives the same
// numbers on every machine and in every JS engine (normals use Math.log/cos/sqrt, which
// V8 computes identically everywhere).

import { describeValue, ValueError } from './errors.js';

/** A seed: a whole number (a safe integer) or a bigint in [-2⁶³, 2⁶⁴), as PyTorch's. */
export type Seed = number | bigint;

/**
 * The seed's low and high 32 bits (two's complement), or a ValueError naming `op`: a seed
 * of NaN, 0.7, Infinity or 'abc' would otherwise quietly give seed 0's stream.
 */
function seedWords(op: string, seed: unknown): [lo: number, hi: number] {
  if (typeof seed === 'bigint') {
    if (seed < -(2n ** 63n) || seed >= 2n ** 64n) {
      throw new ValueError(op, `seed must lie in [-2^63, 2^64), got ${seed}n`);
    }
    const u = BigInt.asUintN(64, seed);
    return [Number(u & 0xffffffffn), Number(u >> 32n)];
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new ValueError(op, `seed must be a whole number, got ${describeValue(seed)}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError(
      op,
      `seed ${seed} is beyond 2^53, where numbers lose their last digits; write it as a bigint (with an n: 123n)`,
    );
  }
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/** A whole number of items, or a ValueError naming `op` and `what`. */
function countArg(op: string, what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ValueError(op, `${what} must be a whole number ≥ 0, got ${describeValue(n)}`);
  }
  return n;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded random number generator. `new Rng(42)` gives the same stream everywhere. */
export class Rng {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  /** @param seed a whole number, or a bigint in [-2⁶³, 2⁶⁴) (default 0). */
  constructor(seed: Seed = 0) {
    this.restart('Rng', seed);
  }

  /** Restart the stream from `seed` (a whole number or a bigint; anything else is refused). */
  seed(seed: Seed): void {
    this.restart('Rng.seed', seed);
  }

  private restart(op: string, seed: unknown): void {
    const [lo, hi] = seedWords(op, seed);
    const sm = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    for (let i = 0; i < 4; i++) this.s[i] = sm();
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || !(low < high)) {
      throw new ValueError(
        'Rng.int',
        `low and high must be whole numbers with low < high, got ${describeValue(low)} and ${describeValue(high)}`,
      );
    }
    return low + Math.floor(this.random() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    countArg('Rng.permutation', 'n', n);
    if (n > 2 ** 31 - 1) {
      throw new ValueError('Rng.permutation', `n must be below 2^31, got ${n}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** The generator's state, to save and restore (e.g. with a checkpoint). */
  getState(): number[] {
    return [...this.s, this.spare === null ? Number.NaN : this.spare];
  }

  setState(state: readonly number[]): void {
    const ok =
      Array.isArray(state) &&
      state.length === 5 &&
      state
        .slice(0, 4)
        .every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < 2 ** 32) &&
      typeof state[4] === 'number' &&
      state.slice(0, 4).some((w) => w !== 0);
    if (!ok) {
      throw new ValueError(
        'Rng.setState',
        `state must be what getState() returned (four 32-bit words, not all 0, and a number), got ${describeValue(state)}`,
      );
    }
    for (let i = 0; i < 4; i++) this.s[i] = state[i]! >>> 0;
    const spare = state[4];
    this.spare = spare === undefined || Number.isNaN(spare) ? null : spare;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let defaultRng = new Rng(0);

/** Seed the default generator used when no `rng` option is given (a whole number or a bigint). */
export function manualSeed(seed: Seed): void {
  seedWords('manualSeed', seed);
  defaultRng = new Rng(seed);
}

/** The default generator (seeded by `manualSeed`). */
export function getDefaultRng(): Rng {
  return defaultRng;
}

/** `rng`, or the default generator when absent; a ValueError naming `op` for anything else. */
export function rngArg(op: string, rng: unknown): Rng {
  if (rng === undefined) return defaultRng;
  const r = rng as Partial<Rng> | null;
  if (rng instanceof Rng || (typeof r?.normal === 'function' && typeof r.random === 'function')) {
    return rng as Rng;
  }
  throw new ValueError(op, `rng must be an Rng (new Rng(seed)), got ${describeValue(rng)}`);
}
