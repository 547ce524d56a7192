// Caches of code compiled at run time — the JavaScript kernels of elementwise expressions,
// the reductions' folds, the WebAssembly modules of fused expressions — are keyed by an
// expression's structure. They are bounded: a program that builds a new expression on every
// call (a constant that changes each step, where a param would serve) would otherwise keep
// every kernel it ever compiled. The oldest entry goes first (insertion order); a kernel
// dropped and needed again is compiled again.

/** The most kernels one cache keeps. */
export const COMPILED_CACHE_MAX = 512;

/**
 * Puts `value` under `key` in `cache`, dropping the oldest entries while the cache holds
 * `max` or more; returns `value`.
 *
 * @example
 * const kernel = cache.get(key) ?? remember(cache, key, compile(expr));
 */
export function remember<K, V>(
  cache: Map<K, V>,
  key: K,
  value: V,
  max: number = COMPILED_CACHE_MAX,
): V {
  while (cache.size >= max) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}
