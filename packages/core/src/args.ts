// Argument checks shared by the public functions: options objects (an object, every key one
// the function knows: a misspelled `requiresgrad` would otherwise be ignored without a word),
// tensors, lists of tensors and callbacks, each error naming the function and the argument.
import { getTensorClass } from './autograd/tensor-class.js';
import { describeValue, ValueError } from './errors.js';

/**
 * `options` as a record (`{}` when undefined), or a ValueError naming `op`: for a value that
 * is not a plain object, or a key not in `known`.
 *
 * @example
 * const o = checkOptions('zeros', options, ['dtype', 'requiresGrad']);
 */
export function checkOptions(
  op: string,
  options: unknown,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  const proto = options === null ? undefined : Object.getPrototypeOf(options);
  if (
    typeof options !== 'object' ||
    options === null ||
    (proto !== Object.prototype && proto !== null)
  ) {
    throw new ValueError(op, `options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        op,
        `unknown option ${JSON.stringify(key)}; the options are ${known.join(', ')}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** `value` if it is true or false (or `fallback` when undefined), else a ValueError naming `op`. */
export function checkBoolean(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ValueError(op, `${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** `x` if it is a Tensor, else a ValueError naming `op` and the argument. */
export function checkTensor(op: string, x: unknown, what = 'input'): void {
  if (!(x instanceof getTensorClass())) {
    throw new ValueError(op, `${what} must be a Tensor, got ${describeValue(x)}`);
  }
}

/** A non-empty list of tensors, else a ValueError naming `op`. */
export function checkTensorList(op: string, xs: unknown): void {
  if (!Array.isArray(xs)) {
    throw new ValueError(op, `tensors must be a list of tensors, got ${describeValue(xs)}`);
  }
  if (xs.length === 0) throw new ValueError(op, 'expected at least one tensor');
  for (let i = 0; i < xs.length; i++) checkTensor(op, xs[i], `tensor ${i}`);
}
