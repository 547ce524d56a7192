// The names of the CIFAR-10 classes, by label.

/**
 * The CIFAR-10 class names, indexed by label (the order of the dataset's `batches.meta.txt`).
 *
 * @example
 * CIFAR10_CLASSES[3]; // 'cat'
 */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);
