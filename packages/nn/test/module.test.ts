// Module: registration without boilerplate, names, counting, modes, dtype, state dicts, summary.
import {
  noGrad,
  ones,
  Rng,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@tapegrad/core';
import { denseValues } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import {
  Dropout,
  functionalCall,
  Linear,
  MLP,
  Module,
  Neuron,
  Parameter,
  ReLU,
  renameKeys,
  Sequential,
  StateDictError,
  Tanh,
} from '../src/index.js';
import { TwoLayer } from './helpers.js';

/** Two layers sharing one weight (tied weights) and holding parameters in an array. */
class Tied extends Module {
  shared = new Linear(2, 2, { rng: new Rng(3) });
  again = this.shared;
  scales = [new Parameter(ones([2])), new Parameter(ones([2]))];
  other = new Linear(2, 2, { rng: new Rng(4) });
  #hidden = new Linear(2, 2); // private fields are not registered
  constructor() {
    super();
    this.other.weight = this.shared.weight;
  }
  forward(x: Tensor): Tensor {
    return this.other.forward(this.again.forward(x.mul(this.scales[0]!)));
  }
  hidden(): Linear {
    return this.#hidden;
  }
}

function values(m: Module): number[][] {
  return m.parameters().map((p) => Array.from(p.toTypedArray()));
}

describe('registration and names', () => {
  it('finds sub-modules and parameters from plain field assignments', () => {
    const net = new TwoLayer();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'fc1', 'act', 'fc2']);
    expect(net.numParameters()).toBe(26);
  });

  it("names a Sequential's layers by index, as PyTorch's nn.Sequential: 0.weight, 2.bias", () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', '0', '1', '2']);
    expect(net.length).toBe(3);
    // nested: a Sequential in a field keeps the field's name, then the index
    class Net extends Module {
      body = new Sequential(new Linear(2, 2), new Tanh());
      head = new Linear(2, 1);
      forward(x: Tensor) {
        return this.head.forward(this.body.forward(x));
      }
    }
    expect(new Net().namedParameters().map(([n]) => n)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'head.weight',
      'head.bias',
    ]);
  });

  it('rename: a DDP checkpoint (module.0.weight) by a function, another tree by a table', () => {
    const a = new MLP([3, 4, 2]);
    const b = new MLP([3, 4, 2]);
    const ddp = new Map([...a.stateDict()].map(([n, t]) => [`module.${n}`, t]));
    expect(() => b.loadStateDict(ddp)).toThrow("unexpected 'module.0.weight'");
    b.loadStateDict(ddp, { rename: (n) => n.replace(/^module\./, '') });
    expect(b.parameters().map((p) => p.toArray())).toEqual(a.parameters().map((p) => p.toArray()));
    // a torch model with named fields: { fc1, act, fc2 }
    const torchNames = renameKeys(a.stateDict(), {
      '0.weight': 'fc1.weight',
      '0.bias': 'fc1.bias',
      '2.weight': 'fc2.weight',
      '2.bias': 'fc2.bias',
    });
    expect([...torchNames.keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const c = new MLP([3, 4, 2]);
    c.loadStateDict(Object.fromEntries(torchNames), {
      rename: {
        'fc1.weight': '0.weight',
        'fc1.bias': '0.bias',
        'fc2.weight': '2.weight',
        'fc2.bias': '2.bias',
      },
    });
    expect(c.parameters().map((p) => p.toArray())).toEqual(a.parameters().map((p) => p.toArray()));
    expect(() => renameKeys(a.stateDict(), () => 'same')).toThrow(
      "renameKeys: rename maps both '0.weight' and '0.bias' to 'same'",
    );
    expect(() => b.loadStateDict(ddp, { rename: 'module.' as never })).toThrow(
      'loadStateDict: rename must be a table { oldName: newName } or a function (name) => newName, got "module."',
    );
  });

  it('loads a state dict saved with the names before (layers.0.weight), strictly', () => {
    const a = new MLP([3, 4, 2]);
    const b = new MLP([3, 4, 2]);
    const old = new Map([...a.stateDict()].map(([n, t]) => [`layers.${n}`, t]));
    expect(b.loadStateDict(old, { strict: true })).toEqual({ missing: [], unexpected: [] });
    expect(b.parameters().map((p) => p.toArray())).toEqual(a.parameters().map((p) => p.toArray()));
    // a name of neither kind is still unexpected
    old.set('layers.9.weight', zeros([1]));
    expect(() => b.loadStateDict(old)).toThrow("unexpected 'layers.9.weight'");
  });

  it('lists a shared parameter or module once, under its first name; skips # fields', () => {
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'scales.0',
      'scales.1',
      'shared.weight',
      'shared.bias',
      'other.bias',
    ]);
    expect(m.numParameters()).toBe(2 + 2 + 4 + 2 + 2);
    expect(m.modules()).toHaveLength(3);
    expect(m.modules()).not.toContain(m.hidden());
  });

  it('has the notes parameter counts: MLP([3, 4, 2]) 26, MLP([3, 4, 4, 1]) 41', () => {
    expect(new MLP([3, 4, 2]).numParameters()).toBe(26);
    expect(new MLP([3, 4, 4, 1]).numParameters()).toBe(41);
    expect(new MLP([3, 4, 2], { bias: false }).numParameters()).toBe(20);
    expect(new Neuron(3).numParameters()).toBe(4);
  });

  it('parameters are contiguous leaves requiring grad', () => {
    for (const p of new MLP([3, 4, 2]).parameters()) {
      expect(p).toBeInstanceOf(Parameter);
      expect(p.isLeaf).toBe(true);
      expect(p.requiresGrad).toBe(true);
      expect(p.isContiguous()).toBe(true);
      expect(denseValues(p).data.length).toBe(p.size);
    }
    const view = randn([4, 3]).T; // a strided view becomes an owned contiguous copy
    const p = new Parameter(view);
    expect(p.toArray()).toEqual(view.toArray());
    expect(denseValues(p).data.length).toBe(12);
  });
});

describe('modes, gradients and dtype', () => {
  it('train() and eval() reach every module', () => {
    const net = new Sequential(new Linear(2, 2), new Dropout(0.5), new Sequential(new ReLU()));
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('zeroGrad() clears every gradient', () => {
    const net = new MLP([3, 4, 2]);
    net
      .forward(randn([5, 3]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("to('float64') converts every parameter, keeps values and sharing", () => {
    const m = new Tied();
    const before = values(m);
    m.to('float64');
    expect(m.parameters().every((p) => p.dtype === 'float64' && p instanceof Parameter)).toBe(true);
    expect(m.other.weight).toBe(m.shared.weight);
    expect(m.again).toBe(m.shared);
    values(m).forEach((v, i) => {
      v.forEach((x, j) => {
        expect(x).toBeCloseTo(before[i]![j]!, 6);
      });
    });
    expect(m.forward(randn([3, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('to() converts in place: the same parameter objects (so an optimizer made before still holds them), gradients too', () => {
    const net = new MLP([3, 4, 2], { rng: new Rng(1) });
    net
      .forward(randn([5, 3], { rng: new Rng(2) }))
      .sum()
      .backward();
    const params = net.parameters();
    const grads = params.map((p) => Array.from(p.grad!.toTypedArray()));
    net.to('float64');
    expect(net.parameters()).toHaveLength(params.length);
    net.parameters().forEach((p, i) => {
      expect(p).toBe(params[i]);
      expect(p.dtype).toBe('float64');
      expect(p.grad!.dtype).toBe('float64');
      expect(Array.from(p.grad!.toTypedArray())).toEqual(grads[i]);
    });
    // what an optimizer does with the parameters it was given: write into them in place
    const w = params[0]!;
    noGrad(() => w.fill_(0.5));
    expect(net.layers[0]!.parameters()[0]!.toTypedArray()[0]).toBe(0.5);
  });

  it('modules can be built in float64', () => {
    const net = new MLP([2, 3, 1], { dtype: 'float64', activation: 'tanh' });
    expect(net.parameters().every((p) => p.dtype === 'float64')).toBe(true);
  });
});

describe('functionalCall', () => {
  it('runs the module with the given tensors and restores its own', () => {
    const fc = new Linear(2, 1, { rng: new Rng(0) });
    const w = tensor([[1, 2]], { requiresGrad: true });
    const y = functionalCall(fc, { weight: w }, tensor([[3, 4]]));
    expect(y.item()).toBe(11); // bias is still the module's (zero)
    y.backward();
    expect(w.grad!.toArray()).toEqual([[3, 4]]);
    expect(fc.weight).toBeInstanceOf(Parameter);
    expect(fc.weight.grad).toBeNull();
  });

  it('rejects unknown names and wrong shapes', () => {
    const fc = new Linear(2, 1);
    expect(() => functionalCall(fc, { wieght: zeros([1, 2]) }, zeros([1, 2]))).toThrow(ValueError);
    expect(() => functionalCall(fc, { weight: zeros([2, 1]) }, zeros([1, 2]))).toThrow(
      /'weight' must be a tensor of shape \[1,2\], got \[2,1\]/,
    );
  });
});

describe('stateDict and loadStateDict', () => {
  it('round-trips between two models and is a snapshot', () => {
    const a = new MLP([3, 4, 2], { rng: new Rng(1) });
    const b = new MLP([3, 4, 2], { rng: new Rng(2) });
    const sd = a.stateDict();
    expect([...sd.keys()]).toEqual(a.namedParameters().map(([n]) => n));
    expect([...sd.values()].every((t) => !t.requiresGrad)).toBe(true);
    noGrad(() => a.parameters()[0]!.fill_(123)); // later changes do not reach the snapshot
    expect(sd.get('0.weight')!.toTypedArray()[0]).not.toBe(123);
    const before = b.parameters();
    expect(b.loadStateDict(sd)).toEqual({ missing: [], unexpected: [] });
    expect(b.parameters()).toEqual(before); // same parameter objects, new values
    expect(values(b)).toEqual([...sd.values()].map((t) => Array.from(t.toTypedArray())));
  });

  it('accepts a plain object and converts dtypes', () => {
    const a = new Linear(2, 2, { dtype: 'float64', rng: new Rng(5) });
    const b = new Linear(2, 2, { rng: new Rng(6) });
    b.loadStateDict(Object.fromEntries(a.stateDict()));
    expect(b.weight.dtype).toBe('float32');
    expect(Array.from(b.weight.toTypedArray())).toEqual(
      Array.from(Float32Array.from(a.weight.toTypedArray())),
    );
  });

  function expectUnchanged(m: Module, load: () => unknown): StateDictError {
    const params = m.parameters();
    const before = values(m);
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(m.parameters()).toEqual(params);
    expect(values(m)).toEqual(before);
    return error as StateDictError;
  }

  it('a wrong shape names the parameter and both shapes; nothing is loaded', () => {
    const m = new MLP([3, 4, 2], { rng: new Rng(1) });
    const sd = new MLP([3, 4, 2], { rng: new Rng(9) }).stateDict();
    sd.set('2.weight', zeros([4, 2]));
    const e = expectUnchanged(m, () => m.loadStateDict(sd));
    expect(e.message).toContain(
      "shape mismatch for '2.weight': the module has [2,4], the state dict has [4,2]",
    );
    expect(e.message).toContain('Nothing was loaded');
    expect(e.mismatched).toEqual([{ name: '2.weight', expected: [2, 4], got: [4, 2] }]);
    // strict: false does not excuse a shape mismatch
    expectUnchanged(m, () => m.loadStateDict(sd, { strict: false }));
  });

  it('a missing or unexpected name is an error unless strict is false', () => {
    const m = new MLP([3, 4, 2], { rng: new Rng(1) });
    const sd = new MLP([3, 4, 2], { rng: new Rng(9) }).stateDict();
    sd.delete('0.bias');
    sd.set('9.weight', zeros([1]));
    const e = expectUnchanged(m, () => m.loadStateDict(sd));
    expect(e.missing).toEqual(['0.bias']);
    expect(e.unexpected).toEqual(['9.weight']);
    expect(e.message).toMatch(/missing '0\.bias'/);
    expect(e.message).toMatch(/unexpected '9\.weight'/);

    const result = m.loadStateDict(sd, { strict: false });
    expect(result).toEqual({ missing: ['0.bias'], unexpected: ['9.weight'] });
    expect(m.parameters()[0]!.toArray()).toEqual(sd.get('0.weight')!.toArray());
  });

  it("reads every value before writing any: a state dict of the module's own parameters, permuted", () => {
    const m = new Sequential(
      new Linear(1, 1, { bias: false, init: (w) => w.fill_(1) }),
      new Linear(1, 1, { bias: false, init: (w) => w.fill_(2) }),
    );
    const [[a, pa], [b, pb]] = m.namedParameters() as [[string, Parameter], [string, Parameter]];
    m.loadStateDict(
      new Map([
        [a, pb as Tensor],
        [b, pa as Tensor],
      ]),
    ); // swap the two weights
    expect(m.parameters().map((p) => p.item())).toEqual([2, 1]);
  });

  it('a value that is not a tensor is an error', () => {
    const m = new Linear(1, 1);
    expectUnchanged(m, () =>
      m.loadStateDict({ weight: [[1]] as unknown as Tensor, bias: zeros([1]) }),
    );
  });
});

describe('summary', () => {
  it('tables layers, output shapes and parameter counts with the total', () => {
    const net = new MLP([3, 4, 2]);
    const text = net.summary(randn([8, 3]));
    expect(text.split('\n')).toEqual([
      'Layer   Type            Output shape  Params',
      '(root)  MLP(3 → 4 → 2)  [8,2]              0',
      '0       Linear(3 → 4)   [8,4]             16',
      '1       ReLU            [8,4]              0',
      '2       Linear(4 → 2)   [8,2]             10',
      'Total parameters: 26 (trainable: 26)',
    ]);
  });

  it('without a sample input shows no shapes; shared parameters count once', () => {
    const text = new Tied().summary();
    expect(text).toContain('—');
    expect(text).toContain('Total parameters: 12 (trainable: 12)');
    const big = new MLP([784, 1000, 10]);
    big.layers[0]!.parameters()[1]!.requiresGrad_(false);
    expect(big.summary()).toContain('Total parameters: 795,010 (trainable: 794,010)');
  });

  it('leaves training mode, forward and gradients as they were', () => {
    const net = new Sequential(new Linear(2, 3), new Dropout(0.5), new Tanh());
    const text = net.summary(randn([4, 2]));
    expect(text).toContain('Dropout(p=0.5)');
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(Object.hasOwn(net.layers[0]!, 'forward')).toBe(false);
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("a sample input of the wrong shape gives the layer's ShapeError", () => {
    expect(() => new MLP([3, 2]).summary(randn([1, 5]))).toThrow(ShapeError);
  });
});
