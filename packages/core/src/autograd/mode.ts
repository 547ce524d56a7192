// Global switches of the tape: whether ops record, and anomaly detection.
import { describeValue, ValueError } from '../errors.js';

/** A callback, or a ValueError naming the function it was given to. */
function checkCallback(op: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new ValueError(op, `expected a function to run, got ${describeValue(fn)}`);
  }
}

let gradEnabled = true;
let anomalyEnabled = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  checkCallback(op, fn);
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Run `fn` without recording ops on the tape (for evaluation and parameter updates).
 * The switch covers the synchronous part of `fn` only.
 *
 * @example
 * const acc = noGrad(() => model.forward(x).argmax(1));
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Run `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

/** Whether a buffer holds a NaN or an Inf (anomaly mode's test, forward and backward). */
export function hasNonFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return true;
  return false;
}

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/**
 * Run `fn` in anomaly mode: the first op whose forward or backward produces a NaN or an
 * Inf from finite inputs throws an `AnomalyError` naming the op (for backward, the forward
 * op the gradient belongs to).
 */
export function detectAnomaly<T>(fn: () => T): T {
  return withAnomalyMode('detectAnomaly', true, fn);
}

/**
 * Run `fn` with anomaly checks off. The engine runs backward rules this way and checks
 * their gradients itself, so that a NaN is blamed on the forward op the rule belongs to
 * rather than on an op inside the rule.
 */
export function withoutAnomaly<T>(fn: () => T): T {
  return withAnomalyMode('withoutAnomaly', false, fn);
}

function withAnomalyMode<T>(op: string, enabled: boolean, fn: () => T): T {
  checkCallback(op, fn);
  const prev = anomalyEnabled;
  anomalyEnabled = enabled;
  try {
    return fn();
  } finally {
    anomalyEnabled = prev;
  }
}

/** Turn anomaly mode on or off for everything that follows. */
export function setDetectAnomaly(enabled: boolean): void {
  if (typeof enabled !== 'boolean') {
    throw new ValueError(
      'setDetectAnomaly',
      `enabled must be true or false, got ${describeValue(enabled)}`,
    );
  }
  anomalyEnabled = enabled;
}
