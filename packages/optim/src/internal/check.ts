// Option checks shared by the optimizers and schedulers: each error names the option and
// the value it got, and says what would be right.
import { Tensor, ValueError } from '@tapegrad/core';
import { fmtShape } from '@tapegrad/core/op-kit';

/** `42`, `'abc'`, `undefined`: a value the way a user would write it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Tensor) return `a Tensor of shape ${fmtShape(value.shape)}`;
  if (value === null || typeof value !== 'object') return String(value);
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
    ?.constructor?.name;
  if (name === undefined || name === '' || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/**
 * The options object of `op` (`{}` when left out is allowed); a ValueError naming it, with
 * `example`, when it is not an object.
 */
export function checkOptions<T>(op: string, options: T, example: string, optional = true): T {
  if (options === undefined && optional) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(op, `options must be an object such as ${example}, got ${show(options)}`);
  }
  return options;
}

/** A number in the interval written as `[lo, hi)`-style brackets; throws a ValueError otherwise. */
export function checkRange(
  op: string,
  name: string,
  value: unknown,
  interval: { lo: number; hi: number; loOpen?: boolean; hiOpen?: boolean },
): number {
  const { lo, hi, loOpen = false, hiOpen = false } = interval;
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (loOpen ? value > lo : value >= lo) &&
    (hiOpen ? value < hi : value <= hi);
  if (!ok) {
    const range = `${loOpen ? '(' : '['}${lo}, ${hi === Infinity ? '∞' : hi}${hiOpen ? ')' : ']'}`;
    throw new ValueError(op, `${name} must be a number in ${range}, got ${show(value)}`);
  }
  return value as number;
}

/** A finite number ≥ 0. */
export function checkNonNegative(op: string, name: string, value: unknown): number {
  return checkRange(op, name, value, { lo: 0, hi: Infinity, hiOpen: true });
}

/** A whole number ≥ `min`. */
export function checkInteger(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(op, `${name} must be a whole number ≥ ${min}, got ${show(value)}`);
  }
  return value;
}

export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ValueError(op, `${name} must be true or false, got ${show(value)}`);
  }
  return value;
}

/** Throw if `options` has a key outside `known` (catches typos such as `weight_decay`). */
export function checkKnownKeys(
  op: string,
  where: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        op,
        `${where} has an unknown option ${JSON.stringify(key)}; the options are ${known.join(', ')}`,
      );
    }
  }
}
