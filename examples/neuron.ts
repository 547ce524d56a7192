// The notes' single neuron as a binary classifier: a dot product, a bias and a sigmoid,
// trained by gradient descent on the logistic loss over a linearly separable 2-D set.
import { manualSeed, noGrad, randn, Rng, tensor, zeros } from '@tapegrad/core';

manualSeed(0);
const rng = new Rng(1);

// Two Gaussian blobs: class 1 around (1, 1), class 0 around (-1, -1).
const n = 100;
const xs: number[][] = [];
const ys: number[] = [];
for (let i = 0; i < n; i++) {
  const label = i % 2;
  const c = label === 1 ? 1 : -1;
  xs.push([c + 0.6 * rng.normal(), c + 0.6 * rng.normal()]);
  ys.push(label);
}
const x = tensor(xs);
const y = tensor(ys).reshape([n, 1]);

const w = randn([2, 1], { rng }).mul(0.01).detach().requiresGrad_();
const b = zeros([1], { requiresGrad: true });

for (let step = 0; step <= 200; step++) {
  const p = x.matmul(w).add(b).sigmoid();
  // binary cross-entropy: -[y log p + (1 - y) log(1 - p)]
  const loss = y.mul(p.log()).add(y.neg().add(1).mul(p.neg().add(1).log())).mean().neg();
  w.grad = null;
  b.grad = null;
  loss.backward();
  noGrad(() => {
    w.data.data.set(w.sub(w.grad!.mul(0.5)).toTypedArray());
    b.data.data.set(b.sub(b.grad!.mul(0.5)).toTypedArray());
  });
  if (step % 50 === 0) {
    const acc = noGrad(() => p.gt(0.5).eq(y).mean().item());
    console.log(`step ${step}: loss ${loss.item().toFixed(4)}, accuracy ${(acc * 100).toFixed(1)}%`);
  }
}
