// Argument checks of the public functions and classes: an argument of the wrong type is a
// ValueError naming the function, the argument, what it got and what it expects, never a raw
// TypeError from somewhere inside.
import { type Rng, Tensor, ValueError } from '@tapegrad/core';
import { fmtShape } from './values.js';

/** An element of an array in `show`: short, so that a long list stays one line. */
function brief(v: unknown): string {
  if (Array.isArray(v)) return '[…]';
  return v !== null && typeof v === 'object' ? show(v) : show(v).slice(0, 20);
}

/**
 * A value the way a user recognizes it in a message: `3`, `"relu"`, `null`, `an array [1, 2]`,
 * `a Map`, `an object`, `a Tensor of shape [2,3]`.
 *
 * @example
 * show([1, 2]); // 'an array [1, 2]'
 */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'function') return 'a function';
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) {
    return v.length <= 6
      ? `an array [${v.map(brief).join(', ')}]`
      : `an array of ${v.length} items`;
  }
  if (v === null || typeof v !== 'object') return String(v);
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  if (name === undefined || name === '' || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** `v` if it is a Tensor; a ValueError from `op` naming the argument otherwise. */
export function checkTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new ValueError(op, `${name} must be a Tensor, got ${show(v)}`);
  return v;
}

/** Whether `v` is an object of named options (not null, an array, a tensor or a number). */
export function isOptionsObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

/**
 * The options object of `op` (`{}` when left out); a ValueError naming `name` when it is not
 * an object (`example` shows one).
 */
export function optionsOf<T extends object>(
  op: string,
  v: T | undefined,
  example: string,
  name = 'options',
): T {
  if (v === undefined) return {} as T;
  if (!isOptionsObject(v)) {
    throw new ValueError(op, `${name} must be an object such as ${example}, got ${show(v)}`);
  }
  return v;
}

/**
 * `rng` if it is a generator, undefined if left out (the default generator, seeded by
 * `manualSeed`, is then used); a ValueError naming `op` otherwise.
 */
export function checkRng(op: string, rng: unknown): Rng | undefined {
  if (rng === undefined) return undefined;
  const r = rng as Partial<Rng> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.normal !== 'function' ||
    typeof r.uniform !== 'function'
  ) {
    throw new ValueError(
      op,
      `rng must be an Rng (new Rng(seed)), or left out for the default generator that manualSeed seeds, got ${show(rng)}`,
    );
  }
  return rng as Rng;
}

/** `v` if it is true or false; a ValueError naming the argument otherwise. */
export function checkBoolean(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new ValueError(op, `${name} must be true or false, got ${show(v)}`);
  return v;
}
