// The modules of @tapegrad/nn with fixed weights against PyTorch (fixtures/modules.json, from
// scripts/oracle/modules.py): output, gradients of the input and of every parameter, and the
// second order, in float64.
import type { Tensor } from '@tapegrad/core';
import {
  type ActivationName,
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
} from '@tapegrad/nn';
import { assert, describe, it } from 'vitest';
import {
  checkFirstOrder,
  checkForward,
  checkSecondOrder,
  type DerivativeCase,
  eachBackend,
  loadFixture,
  type Setup,
  toTensor,
} from './helpers.js';

/** A module as the fixture describes it; options are tapegrad's (dtype added here). */
export interface ModuleSpec {
  readonly type: string;
  readonly args?: unknown[];
  readonly options?: Record<string, unknown>;
  readonly layers?: ModuleSpec[];
}

interface ModuleCase extends DerivativeCase {
  readonly module: ModuleSpec;
  /** The parameters' names (inputs[1…] hold their values, in this order). */
  readonly paramNames: string[];
}

const F64 = { dtype: 'float64' } as const;

/** The module of a spec, in float64. */
export function build(spec: ModuleSpec): Module {
  const a = (spec.args ?? []) as number[];
  const o = spec.options ?? {};
  switch (spec.type) {
    case 'Linear':
      return new Linear(a[0]!, a[1]!, { ...o, ...F64 });
    case 'Neuron':
      return new Neuron(a[0]!, { ...(o as { activation?: ActivationName }), ...F64 });
    case 'Sigmoid':
      return new Sigmoid();
    case 'Tanh':
      return new Tanh();
    case 'ReLU':
      return new ReLU();
    case 'LeakyReLU':
      return new LeakyReLU(...a);
    case 'PReLU':
      return new PReLU({ ...o, ...F64 });
    case 'Maxout':
      return new Maxout(a[0]!, a[1]!, { ...o, ...F64 });
    case 'MLP':
      return new MLP(spec.args![0] as number[], {
        ...(o as { activation?: ActivationName }),
        ...F64,
      });
    case 'Sequential':
      return new Sequential(...spec.layers!.map(build));
    default:
      throw new Error(`fixture module type '${spec.type}' has no constructor here`);
  }
}

const fixture = loadFixture<ModuleCase>('modules');

/** The module with the fixture's weights; the leaves are a fresh input and its parameters. */
function setup(c: ModuleCase): Setup {
  const module = build(c.module);
  const params = new Map(module.namedParameters());
  assert.sameMembers([...params.keys()], c.paramNames, 'the parameters the fixture gives');
  module.loadStateDict(
    Object.fromEntries(c.paramNames.map((n, k) => [n, toTensor(c.inputs[k + 1]!)])),
  );
  const x = toTensor(c.inputs[0]!, true);
  const leaves: Tensor[] = [x, ...c.paramNames.map((n) => params.get(n)!)];
  return { leaves, names: ['the input', ...c.paramNames], call: () => module.forward(x) };
}

eachBackend(() => {
  describe.each(fixture.cases.map((c) => [`${c.op} [${c.inputs[0]!.shape}]`, c] as const))(
    '%s',
    (_, c) => {
      it('float64 parameters', () => {
        const module = build(c.module);
        for (const [name, p] of module.namedParameters()) {
          assert.equal(p.dtype, 'float64', `${name}: a module built with dtype float64`);
        }
      });
      it('value', () => checkForward(c, setup(c)));
      it('first order', () => checkFirstOrder(c, setup(c)));
      if (c.second !== undefined) it('second order', () => checkSecondOrder(c, setup(c)));
    },
  );
});
