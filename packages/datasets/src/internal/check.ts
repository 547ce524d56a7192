// Argument checks shared by every public function: each error names the function, the
// argument or option, what it got (`the string "0.5"`, `a Float32Array of length 3`) and what
// it expects, and is thrown before any work is done. Options objects are checked for
// unknown names too (a typo such as `batch_size` would otherwise be ignored silently).
import {
  type DType,
  DTypeError,
  describeValue,
  type Labels,
  Rng,
  Tensor,
  ValueError,
} from '@tapegrad/core';
import type { SeedOptions } from '../dataset.js';

/** A value the way an error message should show it (core's `describeValue`). */
export const describe = describeValue;

/** `value`, or `fallback` when it is undefined (null is a value, and is checked as one). */
export function given<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * Every option name of `T`, in the order error messages list them. Typed so that the list
 * must name each option of `T` and nothing else: adding an option to an interface without
 * adding it here does not compile.
 */
export function optionNames<T extends object>(
  names: {
    readonly [K in keyof Required<T>]: true;
  },
): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/**
 * The options object `options` of `op`, checked: undefined gives `{}`; anything other than
 * an object is a ValueError showing `example`; a key outside `known` is a ValueError listing
 * the known ones (the same wording as @tapegrad/optim).
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  known: readonly string[],
  example: string,
): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(
      op,
      `options must be an object such as ${example}, got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        op,
        `the options object has an unknown option ${JSON.stringify(key)}; the options are ${known.join(', ')}`,
      );
    }
  }
  return options;
}

/** A whole number ≥ `min` (1 by default), or a ValueError. */
export function checkInt(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(op, `${name} must be a whole number ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number, or a ValueError. */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ 0, or a ValueError. */
export function checkNonNegative(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(op, `${name} must be a finite number ≥ 0, got ${describe(value)}`);
  }
  return value;
}

/** A fraction in [0, 1], or a ValueError. */
export function checkFraction(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ValueError(op, `${name} must be a number in [0, 1], got ${describe(value)}`);
  }
  return value;
}

/** true or false (not a truthy string such as 'false'), or a ValueError. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ValueError(op, `${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** One of the strings `choices`, or a ValueError listing them. */
export function checkChoice<C extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly C[],
): C {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    const list = choices.map((c) => `'${c}'`);
    const expected =
      list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    throw new ValueError(op, `${name} must be ${expected}, got ${describe(value)}`);
  }
  return value as C;
}

/** 'float32' or 'float64', or a DTypeError. */
export function checkDtype(op: string, value: unknown): DType {
  if (value === 'float32' || value === 'float64') return value;
  throw new DTypeError(op, `dtype must be 'float32' or 'float64', got ${describe(value)}`);
}

/**
 * The generator an option set asks for: its `rng` (an Rng of @tapegrad/core), or a fresh one
 * from `seed` (a whole number, default 0).
 */
export function resolveRng(op: string, options: SeedOptions): Rng {
  const { rng, seed } = options;
  if (rng !== undefined) {
    if (seed !== undefined) {
      throw new ValueError(op, 'give either seed or rng, not both');
    }
    if (!(rng instanceof Rng)) {
      const other =
        rng !== null && typeof rng === 'object' && (rng as object).constructor?.name === 'Rng'
          ? ' (an Rng of another copy of @tapegrad/core: make every package use one copy)'
          : '';
      throw new ValueError(
        op,
        `rng must be an Rng from @tapegrad/core (new Rng(seed)), got ${describe(rng)}${other}`,
      );
    }
    return rng;
  }
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw new ValueError(op, `seed must be a whole number, got ${describe(seed)}`);
  }
  return new Rng(seed ?? 0);
}

/** A file or folder path: a non-empty string, or a ValueError. */
export function checkPath(op: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new ValueError(op, `${name} must be a non-empty path string, got ${describe(value)}`);
  }
  return value;
}

/**
 * Class labels in a form core's `toIndexArray` takes (a Tensor, an Int32Array or a number[]),
 * checked first so that a Float32Array or strings are named as such in the error.
 */
export function checkLabels(op: string, name: string, labels: unknown): Labels {
  if (labels instanceof Tensor || labels instanceof Int32Array) return labels;
  if (Array.isArray(labels)) {
    for (let i = 0; i < labels.length; i++) {
      const v: unknown = labels[i];
      if (typeof v !== 'number') {
        throw new ValueError(
          op,
          `${name} must hold whole numbers, got ${describe(v)} at position ${i}`,
        );
      }
    }
    return labels as number[];
  }
  const hint = ArrayBuffer.isView(labels) ? ` (convert it with Int32Array.from(${name}))` : '';
  throw new ValueError(
    op,
    `${name} must be a Tensor, an Int32Array or a number[], got ${describe(labels)}${hint}`,
  );
}
