// One full-batch SGD step of a 2-layer MLP (D → H ReLU → C, softmax cross-entropy, optional
// L2 ½·λ·Σ W² on the weights) written in each library the way its users write it, from the
// same initial weights and data; each step reads its loss back as a number.
import { noGrad, tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, softmaxCrossEntropy } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import type { Scalar } from '@tensorflow/tfjs';
import { JAX, type Jax, type JaxArray, type TfAnchor, type TfBackend, tfName } from './anchors.js';
import { referenceMatmul } from './check.js';
import type { Contender } from './contenders.js';
import { withBackend } from './tapegrad.js';

export interface MlpSpec {
  readonly batch: number;
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
  readonly lr: number;
  /** L2 strength λ on the weights (not the biases); 0 for none. */
  readonly l2: number;
  /** [batch, inputs], row-major. */
  readonly x: Float32Array;
  readonly labels: Int32Array;
  /** Initial weights [inputs, hidden] and [hidden, classes] (x·W layout); biases start at 0. */
  readonly w1: Float32Array;
  readonly w2: Float32Array;
}

/** A training step that returns the loss it computed (before its update). */
export type Step = () => number;

/** The loss at the initial weights, in float64: what every library's first step must give. */
export function referenceLoss(s: MlpSpec): number {
  const h = referenceMatmul(s.batch, s.inputs, s.hidden, s.x, [s.inputs, 1], s.w1, [s.hidden, 1]);
  for (let i = 0; i < h.length; i++) h[i] = Math.max(0, h[i]!);
  const z = referenceMatmul(s.batch, s.hidden, s.classes, h, [s.hidden, 1], s.w2, [s.classes, 1]);
  let loss = 0;
  for (let i = 0; i < s.batch; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < s.classes; c++) max = Math.max(max, z[i * s.classes + c]!);
    let sum = 0;
    for (let c = 0; c < s.classes; c++) sum += Math.exp(z[i * s.classes + c]! - max);
    loss += Math.log(sum) + max - z[i * s.classes + s.labels[i]!]!;
  }
  let reg = 0;
  for (const w of [s.w1, s.w2]) for (let i = 0; i < w.length; i++) reg += w[i]! * w[i]!;
  return loss / s.batch + 0.5 * s.l2 * reg;
}

/** Throws unless the first step's loss matches the float64 reference. */
export function checkFirstLoss(who: string, got: number, s: MlpSpec): void {
  const want = referenceLoss(s);
  if (!(Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want)))) {
    throw new Error(`wrong result: ${who}'s first loss is ${got}, the reference ${want}`);
  }
}

/** tapegrad's model, loss and optimizer, as in examples/core/case-study.ts. */
export interface TapegradMlp {
  readonly model: Sequential;
  readonly first: Linear;
  readonly second: Linear;
  readonly optimizer: SGD;
  readonly x: ReturnType<typeof tensor>;
  readonly labels: Int32Array;
}

/** The tapegrad model of `s` on `backend`: nn.Linear layers holding `s`'s weights. */
export function tapegradMlp(backend: string, s: MlpSpec): TapegradMlp {
  return withBackend(backend, () => {
    const first = new Linear(s.inputs, s.hidden);
    const second = new Linear(s.hidden, s.classes);
    noGrad(() => {
      // Linear stores W as [out, in]: the transposes of the x·W layout's weights
      first.weight.copy_(tensor(s.w1, { shape: [s.inputs, s.hidden] }).T);
      second.weight.copy_(tensor(s.w2, { shape: [s.hidden, s.classes] }).T);
    });
    const model = new Sequential(first, new ReLU(), second);
    const optimizer = new SGD(
      [
        { params: [first.weight, second.weight], weightDecay: s.l2 },
        { params: [first.bias!, second.bias!], weightDecay: 0 },
      ],
      { lr: s.lr },
    );
    const x = tensor(s.x, { shape: [s.batch, s.inputs] });
    return { model, first, second, optimizer, x, labels: s.labels };
  });
}

/**
 * A tapegrad step as a user writes it: forward, loss, zero the gradients, backward, step,
 * and the loss as a number (plus ½·λ·Σ W² when λ > 0, the penalty SGD's weight decay applies).
 * `sample` (for memory peaks) is called after the forward and after the backward.
 */
export function tapegradStep(backend: string, m: TapegradMlp, l2: number) {
  const weights = [m.first.weight, m.second.weight];
  return (sample?: () => void): number =>
    withBackend(backend, () => {
      const loss = softmaxCrossEntropy(m.model.forward(m.x), m.labels);
      let value = loss.item();
      if (l2 !== 0) {
        value += 0.5 * l2 * noGrad(() => weights.reduce((a, w) => a + w.mul(w).sum().item(), 0));
      }
      sample?.();
      m.optimizer.zeroGrad();
      loss.backward();
      sample?.();
      m.optimizer.step();
      return value;
    });
}

/** The step in TensorFlow.js on `backend`: variables, `optimizer.minimize`, the loss read. */
export function tfStep(
  tfa: TfAnchor,
  backend: TfBackend,
  s: MlpSpec,
): { step: Step; dispose: () => void } {
  const { tf } = tfa;
  tfa.use(backend);
  const w1 = tf.variable(tf.tensor2d(s.w1, [s.inputs, s.hidden]));
  const b1 = tf.variable(tf.zeros([s.hidden]));
  const w2 = tf.variable(tf.tensor2d(s.w2, [s.hidden, s.classes]));
  const b2 = tf.variable(tf.zeros([s.classes]));
  const x = tf.tensor2d(s.x, [s.batch, s.inputs]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(s.labels, 'int32'), s.classes).toFloat());
  const optimizer = tf.train.sgd(s.lr);
  const lossFn = (): Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const logits = tf.add(tf.matMul(h, w2), b2);
    const data = tf.losses.softmaxCrossEntropy(y, logits) as Scalar;
    if (s.l2 === 0) return data;
    return tf.add(data, tf.mul(0.5 * s.l2, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2)))));
  };
  return {
    step: () => {
      tfa.use(backend);
      const loss = optimizer.minimize(lossFn, true)!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose: () => {
      tf.dispose([w1, b1, w2, b2, x, y]);
      optimizer.dispose();
    },
  };
}

type JaxParams = { w1: JaxArray; b1: JaxArray; w2: JaxArray; b2: JaxArray };

/**
 * The step in jax-js: `jit` of the whole step (valueAndGrad of the loss, then the SGD
 * update as a tree map), parameters threaded through; the loss read with `item()` (jax-js
 * runs its work when a value is read). Arguments are moved in, per jax-js's ownership rules.
 */
export function jaxStep(jax: Jax, s: MlpSpec): { step: Step; dispose: () => void } {
  const { numpy: np, nn, tree } = jax;
  let params: JaxParams = {
    w1: np.array(s.w1, { shape: [s.inputs, s.hidden] }),
    b1: np.zeros([s.hidden]),
    w2: np.array(s.w2, { shape: [s.hidden, s.classes] }),
    b2: np.zeros([s.classes]),
  };
  const x = np.array(s.x, { shape: [s.batch, s.inputs] });
  const y = nn.oneHot(np.array(s.labels, { dtype: np.int32 }), s.classes);
  const lossFn = (p: JaxParams, xs: JaxArray, ys: JaxArray): JaxArray => {
    const reg = s.l2 === 0 ? null : np.square(p.w1.ref).sum().add(np.square(p.w2.ref).sum());
    const h = nn.relu(np.matmul(xs, p.w1).add(p.b1));
    const logits = np.matmul(h, p.w2).add(p.b2);
    const data = nn
      .logSoftmax(logits)
      .mul(ys)
      .sum()
      .mul(-1 / s.batch);
    return reg === null ? data : data.add(reg.mul(0.5 * s.l2));
  };
  const update = jax.jit((p: JaxParams, xs: JaxArray, ys: JaxArray) => {
    const [loss, grads] = jax.valueAndGrad(lossFn)(tree.ref(p), xs, ys);
    const next = tree.map((w: JaxArray, g: JaxArray) => w.sub(g.mul(s.lr)), p, grads) as JaxParams;
    return [loss, next] as [JaxArray, JaxParams];
  });
  return {
    step: () => {
      const [loss, next] = update(params, x.ref, y.ref);
      params = next;
      return loss.item();
    },
    dispose: () => {
      tree.dispose(params);
      x.dispose();
      y.dispose();
      update.dispose();
    },
  };
}

/**
 * The anchors' contenders for one training step: tfjs on each backend it loaded, and jax-js,
 * each checked on its first loss before it is timed. `maxRounds` may cap a slow one.
 */
export function anchorStepContenders(
  tfa: TfAnchor | null,
  jax: Jax | null,
  s: MlpSpec,
  maxRounds: (name: string) => number | undefined = () => undefined,
): Contender[] {
  const contenders: Contender[] = [];
  const add = (name: string, make: () => { step: Step; dispose: () => void }) => {
    const rounds = maxRounds(name);
    contenders.push({
      name,
      ...(rounds === undefined ? {} : { maxRounds: rounds }),
      setup: () => {
        const { step, dispose } = make();
        checkFirstLoss(name, step(), s);
        return { run: step, dispose };
      },
    });
  };
  for (const backend of tfa?.backends ?? []) add(tfName(backend), () => tfStep(tfa!, backend, s));
  if (jax !== null) add(JAX, () => jaxStep(jax, s));
  return contenders;
}
