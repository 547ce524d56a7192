// Whether activation modules record training-health statistics on forward. summary() turns
// it off so that its sample forward pass does not overwrite the statistics of real batches.

let enabled = true;

/** Whether activation modules record statistics now. */
export function statsEnabled(): boolean {
  return enabled;
}

/** Run `fn` with activation statistics not recorded. */
export function withoutStats<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
