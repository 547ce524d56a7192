// A tiny browser app as a user would write it: a 2-layer MLP trained by SGD on the spiral,
// printing the loss before and after training, the size of its ONNX export and what the SVG
// of its decision regions holds, as one line of JSON. It calls Tensor methods (x.mean, x.sub,
// w.mul, loss.backward) so that a bundle which lost core's method binding fails.
import { noGrad, Rng, tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { MLP, softmaxCrossEntropy } from '@tapegrad/nn';
import { exportOnnx } from '@tapegrad/onnx';
import { SGD } from '@tapegrad/optim';
import { decisionRegions, renderSvg } from '@tapegrad/viz';

const STEPS = 30;
const LAMBDA = 1e-3;

const rng = new Rng(0);
const data = spiral({ classes: 3, pointsPerClass: 50, rng });
// Centre the inputs with tensor methods: x − mean(x) per feature.
const x = data.x.sub(data.x.mean(0, true));
const model = new MLP([2, 32, 3], { rng });
const weights = model
  .namedParameters()
  .filter(([name]) => name.endsWith('weight'))
  .map(([, w]) => w);
const opt = new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });

/** The data loss plus the L2 penalty ½·λ·Σ W² on the weights. */
function objective() {
  let loss = softmaxCrossEntropy(model.forward(x), data.y);
  for (const w of weights)
    loss = loss.add(
      w
        .mul(w)
        .sum()
        .mul(0.5 * LAMBDA),
    );
  return loss;
}

const before = noGrad(() => objective().item());
for (let step = 0; step < STEPS; step++) {
  opt.zeroGrad();
  objective().backward();
  opt.step();
}
const after = noGrad(() => objective().item());

// the trained model as ONNX bytes, for ONNX Runtime Web
const onnxBytes = exportOnnx(model, x.slice(0, 0, 1), { dynamicBatch: true }).length;

// The decision regions on a 40 × 40 grid (of centred inputs), drawn as the page would draw them.
const mean = data.x.mean(0).toTypedArray();
const classify = (grid: Float64Array) =>
  noGrad(() => {
    const points = tensor(Float32Array.from(grid), { shape: [grid.length / 2, 2] });
    return model
      .forward(points.sub(tensor(Float32Array.from(mean))))
      .argmax(1)
      .toTypedArray();
  });
const svg = await renderSvg(
  decisionRegions(classify, data.x.toTypedArray(), data.y, { resolution: 40, title: 'spiral' }),
);
const count = (pattern: string) => svg.split(pattern).length - 1;
const picture = {
  svg: svg.startsWith('<svg'),
  images: count('<image '),
  circles: count('aria-roledescription="circle"'),
  title: svg.includes('>spiral</text>'),
};

console.log(JSON.stringify({ steps: STEPS, before, after, onnxBytes, picture }));
