// @tapegrad/datasets/node: everything in '@tapegrad/datasets', plus the loaders that read
// files with node:fs (MNIST digits from the `mnist` package, CIFAR-10 binary batches).
export { type Cifar10Dataset, type LoadCifar10Options, loadCifar10 } from './cifar10.js';
export * from './index.js';
export { type LoadMnistOptions, loadMnist, type MnistSplits } from './mnist.js';
