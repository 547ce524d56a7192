// Forward hooks: when they run, in which order, what they may return, how they go away, and
// what they must not change (fields, parameters, state dicts); summary() and health tracking
// built on them.
import { noGrad, Rng, randn, ShapeError, type Tensor, tensor, ValueError } from '@tapegrad/core';
import { denseValues, type TracedOp, traceOps } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import {
  type ForwardHook,
  functionalCall,
  healthReport,
  Linear,
  MLP,
  type Module,
  Neuron,
  ReLU,
  Sequential,
  Tanh,
  trackHealth,
} from '../src/index.js';
import { TwoLayer } from './helpers.js';

/** A hook that counts its calls. */
function counter(): { calls: number; hook: ForwardHook } {
  const c = {
    calls: 0,
    hook: () => {
      c.calls++;
    },
  };
  return c;
}

/** A subclass whose forward calls the parent's. */
class Doubled extends Linear {
  override forward(x: Tensor): Tensor {
    return super.forward(x).mul(2);
  }
}

describe('registerForwardHook', () => {
  it('runs after a direct forward with the module, the inputs and the output', () => {
    const fc = new Linear(3, 2, { rng: new Rng(0) });
    const x = randn([4, 3], { rng: new Rng(1) });
    const seen: [Module, readonly Tensor[], Tensor][] = [];
    fc.registerForwardHook((m, inputs, output) => {
      seen.push([m, inputs, output]);
    });
    const y = fc.forward(x);
    expect(seen).toHaveLength(1);
    const [m, inputs, output] = seen[0]!;
    expect(m).toBe(fc);
    expect(inputs).toEqual([x]);
    expect(inputs[0]).toBe(x);
    expect(output).toBe(y);
  });

  it('runs when a container or a user-written module calls the child, and in functionalCall', () => {
    const inner = new Linear(4, 4, { rng: new Rng(0) });
    const seq = new Sequential(new Linear(3, 4, { rng: new Rng(1) }), inner, new ReLU());
    const c = counter();
    inner.registerForwardHook(c.hook);
    seq.forward(randn([2, 3]));
    expect(c.calls).toBe(1);

    const mlp = new MLP([3, 4, 2], { rng: new Rng(2) });
    const act = counter();
    mlp.layers[1]!.registerForwardHook(act.hook);
    mlp.forward(randn([2, 3]));
    expect(act.calls).toBe(1);

    const neuron = new Neuron(3, { activation: 'tanh' });
    const n = counter();
    neuron.activation.registerForwardHook(n.hook);
    neuron.forward(randn([5, 3]));
    expect(n.calls).toBe(1);

    const net = new TwoLayer();
    const order: string[] = [];
    for (const [name, m] of net.namedModules()) {
      m.registerForwardHook(() => {
        order.push(name);
      });
    }
    net.forward(randn([2, 3]));
    expect(order).toEqual(['fc1', 'act', 'fc2', '']); // children first: a hook runs after forward

    const before = order.length;
    functionalCall(net, { 'fc1.bias': tensor([0, 0, 0, 0]) }, randn([2, 3]));
    expect(order.length - before).toBe(4);
  });

  it('runs the hooks in registration order, each seeing the output the previous one left', () => {
    const fc = new Linear(2, 2, { rng: new Rng(0) });
    const calls: string[] = [];
    fc.registerForwardHook(() => {
      calls.push('a');
    });
    fc.registerForwardHook((_m, _inputs, y) => {
      calls.push('b');
      return y.mul(10);
    });
    let seenByC: Tensor | null = null;
    fc.registerForwardHook((_m, _inputs, y) => {
      calls.push('c');
      seenByC = y;
    });
    const x = randn([3, 2], { rng: new Rng(1) });
    const plain = Linear.prototype.forward.call(fc, x);
    const y = fc.forward(x);
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(seenByC).toBe(y);
    expect(Array.from(y.toTypedArray())).toEqual(
      Array.from(plain.toTypedArray()).map((v) => Math.fround(v * 10)),
    );
  });

  it('a returned tensor replaces the output downstream, and gradients flow through it', () => {
    const fc1 = new Linear(2, 3, { rng: new Rng(0) });
    const fc2 = new Linear(3, 1, { rng: new Rng(1) });
    const net = new Sequential(fc1, fc2);
    const x = randn([4, 2], { rng: new Rng(2) });
    const before = net.forward(x).sum().item();
    const zeroed = fc1.registerForwardHook((_m, _inputs, y) => y.mul(0));
    const y = net.forward(x);
    // fc1's output replaced by zeros: fc2 sees only its bias
    expect(Array.from(y.toTypedArray())).toEqual(new Array(4).fill(fc2.bias!.item()));
    y.sum().backward();
    expect(Array.from(fc2.bias!.grad!.toTypedArray())).toEqual([4]);
    expect(Array.from(fc1.weight.grad!.toTypedArray()).every((g) => g === 0)).toBe(true);
    zeroed.remove();
    expect(net.forward(x).sum().item()).toBeCloseTo(before, 6);
  });

  it('remove() unregisters that hook only, and a second remove() does nothing', () => {
    const fc = new Linear(2, 2);
    const c = counter();
    // the same function twice: two registrations, each removed by its own handle
    const h1 = fc.registerForwardHook(c.hook);
    const h2 = fc.registerForwardHook(c.hook);
    const other = counter();
    fc.registerForwardHook(other.hook);
    fc.forward(randn([1, 2]));
    expect([c.calls, other.calls]).toEqual([2, 1]);
    h1.remove();
    h1.remove();
    fc.forward(randn([1, 2]));
    expect([c.calls, other.calls]).toEqual([3, 2]);
    h2.remove();
    fc.forward(randn([1, 2]));
    expect([c.calls, other.calls]).toEqual([3, 3]);
  });

  it('a hook removing itself while the hooks run does not skip the next one', () => {
    const fc = new Linear(2, 2);
    const calls: string[] = [];
    const once = fc.registerForwardHook(() => {
      calls.push('once');
      once.remove();
    });
    fc.registerForwardHook(() => {
      calls.push('always');
    });
    fc.forward(randn([1, 2]));
    fc.forward(randn([1, 2]));
    expect(calls).toEqual(['once', 'always', 'always']);
  });

  it('super.forward in a subclass does not run the hooks twice', () => {
    const d = new Doubled(2, 2, { rng: new Rng(0) });
    const outputs: Tensor[] = [];
    d.registerForwardHook((_m, _inputs, y) => {
      outputs.push(y);
    });
    const y = d.forward(randn([3, 2]));
    expect(outputs).toEqual([y]); // once, with the subclass's (doubled) output
  });

  it("a hook's error propagates out of forward and out of the container; the hook stays", () => {
    const fc = new Linear(2, 2);
    const net = new Sequential(fc, new ReLU());
    let fail = true;
    fc.registerForwardHook(() => {
      if (fail) throw new RangeError('hook failed');
    });
    expect(() => fc.forward(randn([1, 2]))).toThrow('hook failed');
    expect(() => net.forward(randn([1, 2]))).toThrow(RangeError);
    fail = false;
    expect(net.forward(randn([1, 2])).shape).toEqual([1, 2]);
  });

  it('a hook returning something else than a tensor or nothing is a ValueError', () => {
    const fc = new Linear(2, 2);
    fc.registerForwardHook((() => 3) as unknown as ForwardHook);
    expect(() => fc.forward(randn([1, 2]))).toThrow(
      /forward hook: a forward hook of Linear\(2 → 2\) returned 3; it must return a Tensor/,
    );
    expect(() => fc.registerForwardHook('log' as unknown as ForwardHook)).toThrow(ValueError);
  });

  it('adds no enumerable key: fields, parameter names and state dicts stay the same', () => {
    const net = new TwoLayer();
    const keys = (m: Module): string[] => Object.keys(m);
    const before = net.modules().map(keys);
    const names = net.namedParameters().map(([n]) => n);
    const sd = [...net.stateDict().keys()];
    const handles = net.modules().map((m) => m.registerForwardHook(() => undefined));
    expect(net.modules().map(keys)).toEqual(before);
    expect(net.namedParameters().map(([n]) => n)).toEqual(names);
    expect([...net.stateDict().keys()]).toEqual(sd);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    const own = Object.getOwnPropertyDescriptor(net.fc1, 'forward');
    expect(own?.enumerable).toBe(false);
    for (const h of handles) h.remove();
    // no hook left: a Linear is back to its class's forward
    expect(Object.hasOwn(net.fc1, 'forward')).toBe(false);
    expect(net.fc1.forward).toBe(Linear.prototype.forward);
    expect(net.modules().map(keys)).toEqual(before);
  });

  it('an own forward set on the instance before the first hook is kept and wrapped', () => {
    const fc = new Linear(2, 2);
    const patched = (x: Tensor): Tensor => x.mul(3);
    fc.forward = patched;
    const outputs: Tensor[] = [];
    const h = fc.registerForwardHook((_m, _inputs, y) => {
      outputs.push(y);
    });
    const x = tensor([[1, 2]]);
    expect(Array.from(fc.forward(x).toTypedArray())).toEqual([3, 6]);
    expect(outputs).toHaveLength(1);
    h.remove();
    expect(fc.forward).toBe(patched);
  });
});

describe('summary with hooks', () => {
  it('leaves no hook behind, also when the sample forward throws', () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2), new Tanh());
    trackHealth(net, false); // no module has a hook now
    net.summary(randn([2, 3]));
    expect(net.modules().some((m) => Object.hasOwn(m, 'forward'))).toBe(false);
    expect(() => net.summary(randn([2, 5]))).toThrow(ShapeError);
    expect(net.modules().some((m) => Object.hasOwn(m, 'forward'))).toBe(false);
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('keeps the activation statistics of the last real batch when the sample forward throws', () => {
    const relu = new ReLU();
    const net = new Sequential(new Linear(3, 4, { rng: new Rng(0) }), relu, new Linear(4, 2));
    net.forward(randn([8, 3], { rng: new Rng(1) }));
    const stats = relu.stats;
    expect(stats).not.toBeNull();
    net.summary(randn([2, 3]));
    expect(relu.stats).toBe(stats);
    net.layers[2]!.registerForwardHook(() => {
      throw new Error('late failure'); // after the ReLU has run on the sample
    });
    expect(() => net.summary(randn([2, 3]))).toThrow('late failure');
    expect(relu.stats).toBe(stats);
    // the user's hook is still there, and only it: the health hook still records
    expect(() => net.forward(randn([5, 3]))).toThrow('late failure');
    expect(relu.stats!.samples).toBe(5);
  });

  it("keeps the user's hooks, which see the sample pass", () => {
    const fc = new Linear(3, 2);
    const net = new Sequential(fc);
    const c = counter();
    fc.registerForwardHook(c.hook);
    net.summary(randn([2, 3]));
    expect(c.calls).toBe(1);
    net.forward(randn([2, 3]));
    expect(c.calls).toBe(2);
  });
});

describe('health tracking through hooks', () => {
  const x = tensor([
    [1, -2],
    [3, -4],
  ]);

  it('is on from construction, can be turned off and on per layer or per network', () => {
    const relu = new ReLU();
    expect(relu.tracksHealth).toBe(true);
    relu.forward(x);
    expect(relu.stats).toMatchObject({ samples: 2, units: 2, dead: 0.5 });
    relu.trackHealth(false);
    expect(relu.tracksHealth).toBe(false);
    expect(relu.stats).toBeNull(); // forgotten: no numbers from an older pass
    expect(Object.hasOwn(relu, 'forward')).toBe(false); // no hook, no cost
    relu.forward(x);
    expect(relu.stats).toBeNull();
    relu.trackHealth(true).trackHealth(true); // twice: one hook
    relu.forward(x);
    expect(relu.stats!.dead).toBe(0.5);
    relu.trackHealth(false);
    expect(Object.hasOwn(relu, 'forward')).toBe(false);

    const net = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 2), new Tanh());
    trackHealth(net, false);
    net.forward(x);
    expect(net.activationStats().size).toBe(0);
    trackHealth(net);
    net.forward(x);
    expect([...net.activationStats().keys()]).toEqual(['1', '3']);
  });

  it('healthReport turns tracking back on where it was off, and says so', () => {
    const net = new Sequential(
      new Linear(2, 4, { rng: new Rng(0) }),
      new ReLU(),
      new Linear(4, 4, { rng: new Rng(1) }),
      new Tanh(),
    );
    net.forward(x);
    trackHealth(net, false);
    const off = healthReport(net).split('\n');
    expect(off).toEqual([
      'no activation statistics yet: run a forward pass first',
      'health tracking was off for 1, 3: turned back on, the next forward pass measures them',
    ]);
    net.forward(x);
    const on = healthReport(net).split('\n');
    expect(on).toHaveLength(3); // header and two layers, no note
    expect(on[1]).toMatch(/^1\s+relu\s+4\s/);

    // one layer off: the other's row, and a note for it
    (net.layers[3] as Tanh).trackHealth(false);
    const one = healthReport(net).split('\n');
    expect(one).toHaveLength(3);
    expect(one[1]).toMatch(/^1\s+relu/);
    expect(one[2]).toBe(
      'health tracking was off for 3: turned back on, the next forward pass measures it',
    );
    net.forward(x);
    expect(healthReport(net).split('\n')).toHaveLength(3);
  });

  it("a user hook replacing a ReLU's output leaves its dead-unit count on the input", () => {
    const relu = new ReLU();
    relu.registerForwardHook((_m, _inputs, y) => y.add(1));
    const y = relu.forward(x);
    expect(Array.from(y.toTypedArray())).toEqual([2, 1, 4, 1]);
    expect(relu.stats!.dead).toBe(0.5);
  });
});

describe('Sequential frees the activations between its plain layers with the graph', () => {
  // [300, 100] float32 activations: 120 kB, buffers of their own (recycled above 8 kB)
  const rng = new Rng(11);
  const x = randn([300, 2], { rng });
  const make = () =>
    new Sequential(new Linear(2, 100, { rng }), new ReLU(), new Linear(100, 3, { rng }));
  const hidden = (y: Tensor) => y.gradFn!.inputs[0]!;

  it("frees the hidden activation in backward; the next step's takes its memory", () => {
    const seq = make();
    const y1 = seq.forward(x);
    const h1 = hidden(y1);
    const buffer = denseValues(h1).data;
    y1.sum().backward();
    expect(() => h1.toTypedArray()).toThrow(/freed with the graph by backward/);
    expect(denseValues(hidden(seq.forward(x))).data).toBe(buffer);
  });

  it("keeps what a user's hook sees, and everything when the graph is retained", () => {
    for (const [hooked, kept] of [
      [1, true], // the ReLU's hook sees h as its output
      [2, true], // the last Linear's sees it as its input
      [0, false], // the first Linear's sees only its own output: h is still the graph's alone
    ] as const) {
      const seq = make();
      seq.layers[hooked]!.registerForwardHook(() => {});
      const y = seq.forward(x);
      const h = hidden(y);
      const z = h.gradFn!.inputs[0]!; // relu's input: the hooked first Linear's output
      y.sum().backward();
      if (kept) expect(h.toTypedArray().length, `hook on ${hooked}`).toBe(30000);
      else {
        expect(() => h.toTypedArray()).toThrow(/freed with the graph/);
        expect(z.toTypedArray().length).toBe(30000);
      }
    }
    const seq = make();
    const y = seq.forward(x);
    y.sum().backward(undefined, { retainGraph: true });
    expect(hidden(y).toTypedArray().length).toBe(30000);
  });
});

describe("Sequential's Linear + ReLU as one op (linearRelu)", () => {
  const rng = new Rng(5);
  // a batch where some hidden units are never active: their weights' rows point away
  const x = randn([6, 3], { rng });
  const net = () => {
    const r = new Rng(9);
    const seq = new Sequential(
      new Linear(3, 5, { rng: r }),
      new ReLU(),
      new Linear(5, 2, { rng: r }),
    );
    noGrad(() => {
      const w = (seq.layers[0] as Linear).weight;
      w.copy_(w.mul(tensor([[1], [1], [0], [0], [1]])));
      (seq.layers[0] as Linear).bias!.copy_(tensor([0.1, -0.2, -1, -2, 0.3]));
    });
    return seq;
  };
  const opsOf = (f: () => Tensor): string[] => {
    const names: string[] = [];
    traceOps(f, (op: TracedOp) => names.push(op.def.name));
    return names;
  };
  /** Output, input gradient and parameter gradients, as arrays. */
  const run = (seq: Sequential, forward: (x: Tensor) => Tensor) => {
    seq.zeroGrad();
    const xi = x.detach().requiresGrad_();
    const y = forward(xi);
    y.mul(tensor([[1, -2]]))
      .sum()
      .backward();
    return [y, xi.grad!, ...seq.parameters().map((p) => p.grad!)].map((t) => t.toArray());
  };
  /** Each layer's forward in turn: no fusion. */
  const byLayer = (seq: Sequential) => (h: Tensor) =>
    seq.layers.reduce((acc, layer) => layer.forward(acc), h);

  it('runs one op, with the bits, gradients and dead-unit count of the two layers', () => {
    const seq = net();
    expect(opsOf(() => seq.forward(x))).toEqual(['linearRelu', 'linear']);
    const fused = run(seq, (h) => seq.forward(h));
    const fusedStats = (seq.layers[1] as ReLU).stats;
    const plain = run(seq, byLayer(seq));
    expect(fused).toEqual(plain);
    expect(fusedStats).toEqual((seq.layers[1] as ReLU).stats);
    // units 2 and 3 have zero weights and a negative bias: dead whatever the batch
    expect(fusedStats!.dead).toBeGreaterThanOrEqual(0.4);
    // health tracking off: still one op, and no record
    trackHealth(seq, false);
    expect(opsOf(() => seq.forward(x))).toEqual(['linearRelu', 'linear']);
    expect((seq.layers[1] as ReLU).stats).toBeNull();
  });

  it("runs them apart when either has a user's hook, or the Linear is a subclass", () => {
    const seq = net();
    const seen: Tensor[] = [];
    const handle = seq.layers[0]!.registerForwardHook((_m, _inputs, z) => {
      seen.push(z);
    });
    expect(opsOf(() => seq.forward(x))).toEqual(['linear', 'relu', 'linear']);
    // the hook sees the pre-activation, negative values included
    expect(Math.min(...seen[0]!.toTypedArray())).toBeLessThan(0);
    handle.remove();
    const onRelu = seq.layers[1]!.registerForwardHook((_m, [z]) => {
      seen.push(z!);
    });
    expect(opsOf(() => seq.forward(x))).toEqual(['linear', 'relu', 'linear']);
    expect(Math.min(...seen[1]!.toTypedArray())).toBeLessThan(0);
    onRelu.remove();
    expect(opsOf(() => seq.forward(x))).toEqual(['linearRelu', 'linear']);
    const sub = new Sequential(new Doubled(3, 5, { rng }), new ReLU());
    expect(opsOf(() => sub.forward(x))).toEqual(['linear', 'mul', 'relu']);
  });
});
