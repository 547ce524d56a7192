// Every module's gradients — inputs and parameters, PReLU's slopes and Maxout's pieces
// included — against central differences through core's gradcheck, in float64.
import { gradgradcheck, noGrad, Rng, randn, type Tensor, tensor } from '@tapegrad/core';
import { describe, it } from 'vitest';
import {
  Dropout,
  dropout,
  functionalCall,
  Identity,
  LeakyReLU,
  Linear,
  Maxout,
  MLP,
  type Module,
  Neuron,
  PReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../src/index.js';
import { expectGradcheck, gradcheckModule } from './helpers.js';

const dtype = 'float64';
const input = (shape: number[], seed: number): Tensor =>
  randn(shape, { rng: new Rng(seed), dtype, requiresGrad: true });

function check(module: Module, ...inputs: Tensor[]): void {
  expectGradcheck(gradcheckModule(module, inputs));
}

describe('gradcheck of every module (float64)', () => {
  it('Linear, with and without bias, on a batch and on one vector', () => {
    check(new Linear(3, 4, { dtype, rng: new Rng(1) }), input([5, 3], 2));
    check(new Linear(3, 2, { dtype, bias: false, rng: new Rng(3) }), input([4, 3], 4));
    check(new Linear(3, 2, { dtype, rng: new Rng(5) }), input([3], 6));
    check(new Linear(2, 2, { dtype, rng: new Rng(5) }), input([2, 3, 2], 6));
  });

  it('Neuron with every activation', () => {
    for (const activation of [
      'sigmoid',
      'tanh',
      'relu',
      'leakyRelu',
      'prelu',
      'identity',
    ] as const) {
      check(new Neuron(3, { activation, dtype, rng: new Rng(7) }), input([6, 3], 8));
    }
  });

  it('the activation modules', () => {
    const x = input([4, 5], 9);
    for (const m of [new Sigmoid(), new Tanh(), new ReLU(), new LeakyReLU(0.1), new Identity()]) {
      check(m, x);
    }
  });

  it("PReLU's slope: one per layer and one per channel", () => {
    check(new PReLU({ dtype }), input([4, 3], 10));
    const perChannel = new PReLU({ numParameters: 3, dtype });
    noGrad(() => perChannel.weight.copy_(tensor([0.1, 0.25, -0.3], { dtype })));
    check(perChannel, input([4, 3], 11));
    check(new PReLU({ numParameters: 3, dtype }), input([2, 3, 4], 12)); // [N, C, L]
  });

  it("Maxout's pieces", () => {
    check(new Maxout(3, 4, { pieces: 2, dtype, rng: new Rng(13) }), input([5, 3], 14));
    check(new Maxout(2, 3, { pieces: 3, dtype, rng: new Rng(15) }), input([4, 2], 16));
    check(new Maxout(2, 2, { pieces: 2, bias: false, dtype, rng: new Rng(17) }), input([2], 18));
  });

  it('MLP and Sequential (with dropout in eval mode)', () => {
    check(new MLP([3, 4, 2], { dtype, rng: new Rng(19) }), input([5, 3], 20));
    check(
      new MLP([3, 4, 4, 1], { activation: 'sigmoid', dtype, rng: new Rng(21) }),
      input([4, 3], 22),
    );
    check(new MLP([2, 5, 1], { activation: 'tanh', dtype, rng: new Rng(23) }), input([6, 2], 24));
    const seq = new Sequential(
      new Linear(3, 4, { dtype, rng: new Rng(25) }),
      new PReLU({ numParameters: 4, dtype }),
      new Dropout(0.5),
      new Maxout(4, 2, { dtype, rng: new Rng(26) }),
    );
    check(seq.eval(), input([3, 3], 27));
  });

  it('dropout in training, with a fixed mask', () => {
    // a fresh Rng per call: gradcheck's repeated evaluations see the same mask
    const fixedMask = new (class extends Identity {
      override forward(t: Tensor): Tensor {
        return dropout(t, 0.4, { rng: new Rng(29) });
      }
    })();
    expectGradcheck(gradcheckModule(fixedMask, [input([4, 6], 28)]));
  });

  it('second-order gradients of a tanh MLP and of PReLU (gradgradcheck)', () => {
    const net = new MLP([2, 3, 1], { activation: 'tanh', dtype, rng: new Rng(30) });
    const names = net.namedParameters().map(([n]) => n);
    const report = gradgradcheck(
      (x, ...ps) => functionalCall(net, new Map(names.map((n, i) => [n, ps[i]!])), x!),
      [input([4, 2], 31), ...net.parameters()],
    );
    expectGradcheck(report);
    const act = new PReLU({ numParameters: 3, dtype });
    expectGradcheck(
      gradgradcheck(
        (x, w) => functionalCall(act, { weight: w! }, x!),
        [input([4, 3], 32), act.weight],
      ),
    );
  });
});
