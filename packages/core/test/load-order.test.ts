// The package works whichever of its modules a loader or bundler evaluates first. Tensor's
// methods import the ops and some ops import Tensor; op modules call defineOp while they
// load, so defineOp and the presets must never wait on a module of that cycle. Each case
// runs in a fresh Node process under tsx (whose injected helpers fail loudly when a module
// runs before one it needs), importing one module first and then training a tiny model.
import { describe, expect, it } from 'vitest';
import { inFreshProcess, srcUrl } from './fresh-process.js';

const FIRST = [
  'index.ts',
  'op-kit.ts',
  'testing/index.ts',
  'tensor.ts',
  'autograd/define-op.ts',
  'autograd/engine.ts',
  'creation.ts',
  'inplace.ts',
  'ops/add.ts',
  'ops/where.ts',
  'ops/matmul.ts',
  'ops/elementwise.ts',
  'ops/reduce.ts',
  'ops/registry.ts',
  'to-dot.ts',
];

/** Import `first`, then the package, and take one gradient step; print the loss and grad. */
function program(first: string): string {
  return `
    await import(${srcUrl(first)});
    const core = await import(${srcUrl('index.ts')});
    const x = core.tensor([[1, -2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const loss = x.matmul(x.T).relu().add(1).sum();
    loss.backward();
    console.log(JSON.stringify([loss.item(), x.grad.toArray()]));`;
}

describe('module load order', () => {
  it.each(FIRST)(
    'works when %s is the first module loaded',
    async (first) => {
      // x xᵀ = [[5, -5], [-5, 25]]: relu keeps 5 and 25; loss = 5 + 0 + 0 + 25 + 4·1
      expect(await inFreshProcess(program(first))).toEqual([
        34,
        [
          [2, -4],
          [6, 8],
        ],
      ]);
    },
    60_000,
  );
});
