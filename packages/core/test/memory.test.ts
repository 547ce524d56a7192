// Memory: the graph hangs off tensors only, so a training loop that drops its loss each
// step keeps the heap flat — no tape to clear, no tidy, no dispose.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { noGrad, Rng, randn, type Tensor, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { inFreshProcess, srcUrl } from './fresh-process.js';

/** A forced full GC: the global one under --expose-gc, else one exposed at run time. */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('memory', () => {
  it('stays flat over thousands of training steps', () => {
    const gc = getGc();
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const rng = new Rng(0);
    const x = randn([16, 8], { rng });
    const target = randn([16, 2], { rng });
    const w1 = randn([8, 16], { rng, requiresGrad: true });
    const b1 = zeros([16], { requiresGrad: true });
    const w2 = randn([16, 2], { rng, requiresGrad: true });
    const b2 = zeros([2], { requiresGrad: true });
    const params = [w1, b1, w2, b2];
    const lr = 0.01;

    const step = (): number => {
      const h = x.matmul(w1).add(b1).tanh();
      const loss = h.matmul(w2).add(b2).sub(target).pow(2).mean();
      loss.backward();
      noGrad(() => {
        for (const p of params) {
          const updated = p.sub(p.grad!.mul(lr));
          p.data.data.set(updated.toTypedArray());
          p.grad!.data.data.fill(0);
        }
      });
      return loss.item();
    };

    const steps = 3000;
    const checkpoints: number[] = [];
    let first = 0;
    let last = 0;
    for (let i = 0; i < steps; i++) {
      const l = step();
      if (i === 0) first = l;
      last = l;
      if (i > 0 && i % 500 === 0) checkpoints.push(heap());
    }
    checkpoints.push(heap());

    // the loop really trains (so the graph and the updates really ran)
    expect(last).toBeLessThan(first);
    // after warm-up (compiled kernels, JIT), the heap does not grow with the step count
    const early = checkpoints[1]!;
    const late = checkpoints[checkpoints.length - 1]!;
    const growth = late - early;
    expect(
      growth,
      `heap at checkpoints (MB): ${checkpoints.map((b) => (b / 2 ** 20).toFixed(2)).join(', ')}`,
    ).toBeLessThan(2 * 2 ** 20);
  });

  it('frees a dropped graph: a weakly held intermediate is collected', async () => {
    const gc = getGc();
    const x = randn([64, 64], { requiresGrad: true });
    // in a function of its own, so that no slot of this async function holds h
    const forwardBackward = (): WeakRef<Tensor> => {
      const h = x.matmul(x).tanh();
      h.sum().backward();
      return new WeakRef(h);
    };
    const ref = forwardBackward();
    // WeakRef targets stay alive until the end of the current job
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(ref.deref()).toBeUndefined();
    expect(x.grad!.shape).toEqual([64, 64]);
  });

  // glibc's malloc (under Node's ArrayBuffers) trims its heap, and maps blocks of 128 kB or
  // more fresh from the system, unless core warmed it at load (dtype.ts). Measured in this
  // program, the mean faults per new [300,100] float32 buffer over rounds 3–8: 0–0.15 warmed
  // (a round at most 0.6), 2–4.4 before (rounds of 4.3 a buffer: a trimmed heap).
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header?.glibcVersionRuntime;
  it.runIf(glibc !== undefined)(
    'new buffers reuse memory the process keeps, instead of faulting in fresh pages',
    async () => {
      const faults = (await inFreshProcess(`
        await import(${srcUrl('index.ts')});
        let keep;
        const round = () => {
          const f0 = process.resourceUsage().minorPageFault;
          for (let i = 0; i < 500; i++) { keep = new Float32Array(30000); keep.fill(1); }
          return (process.resourceUsage().minorPageFault - f0) / 500;
        };
        round(); // the warm-up buffer is freed by a collection during the first rounds
        round();
        console.log(JSON.stringify(Array.from({ length: 6 }, round)));`)) as number[];
      const mean = faults.reduce((a, b) => a + b, 0) / faults.length;
      expect(mean, `faults per buffer, by round: ${faults}`).toBeLessThan(1);
    },
    60_000,
  );
});
