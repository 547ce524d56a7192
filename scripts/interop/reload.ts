// The TypeScript side of `pnpm test:interop`, after Python: what torch wrote comes back into
// tapegrad with strict loads.
//   - each torch.nn module's own weights (check_torch.py) load into the tapegrad model, whose
//     forward equals torch's on the probe input;
//   - the DDP-trained weights (ddp_train.py) load too, their forward equals torch's, and
//     tapegrad's own SGD, replayed from the same start on the whole batch, reaches the same
//     losses and weights (DDP's averaged gradients are the gradient of the whole batch's mean).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad, type Tensor } from '@tapegrad/core';
import { type Module, softmaxCrossEntropy } from '@tapegrad/nn';
import { loadFile, loadFileWithMetadata } from '@tapegrad/nn/node';
import { SGD } from '@tapegrad/optim';
import type { DdpConfig, Manifest, TorchEntry } from './export.js';
import { TORCH_MODELS } from './models.js';

/** torch.nn vs tapegrad on the same weights: see interop_common.py (TORCH_TOL). */
const FORWARD_TOL = 1e-6;
/**
 * Weights and losses after `steps` SGD steps in torch (DDP) and in tapegrad: each step's
 * gradient differs by float32 roundings (~1e-7 relative), carried on by momentum (a sum of
 * at most 1/(1 − 0.9) = 10 gradients) times lr 0.1, over 8 steps: a few 1e-7 expected.
 */
const REPLAY_TOL = 1e-5;

interface Agreement {
  maxAbs: number;
  maxRel: number;
  values: number;
}

const none = (): Agreement => ({ maxAbs: 0, maxRel: 0, values: 0 });

function merge(a: Agreement, b: Agreement): Agreement {
  return {
    maxAbs: Math.max(a.maxAbs, b.maxAbs),
    maxRel: Math.max(a.maxRel, b.maxRel),
    values: a.values + b.values,
  };
}

const show = (a: Agreement) =>
  `max abs ${a.maxAbs.toExponential(2)}, max rel ${a.maxRel.toExponential(2)} (${a.values} values)`;

/** `got` equals `want` within tol · max(1, |want|) elementwise, as interop_common.compare. */
function compare(got: Tensor, want: Tensor, tol: number, what: string): Agreement {
  if (got.shape.join() !== want.shape.join()) {
    throw new Error(`${what}: shape [${got.shape}], expected [${want.shape}]`);
  }
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  const a = none();
  for (let i = 0; i < w.length; i++) {
    const diff = Math.abs(g[i]! - w[i]!);
    const rel = diff / Math.max(1, Math.abs(w[i]!));
    if (!(rel <= tol)) {
      throw new Error(`${what}: element ${i} is ${g[i]}, expected ${w[i]} (> ${tol} relative)`);
    }
    a.maxAbs = Math.max(a.maxAbs, diff);
    a.maxRel = Math.max(a.maxRel, rel);
  }
  a.values = w.length;
  return a;
}

/** A fresh tapegrad model of the entry with the weights of `file`, loaded strictly. */
async function loaded(out: string, entry: TorchEntry, file: string): Promise<Module> {
  const model = TORCH_MODELS[entry.name]!();
  model.loadStateDict(await loadFile(join(out, file)), { strict: true });
  model.eval();
  return model;
}

async function forwardAgrees(
  out: string,
  entry: TorchEntry,
  weights: string,
  probeFile: string,
): Promise<Agreement> {
  const model = await loaded(out, entry, weights);
  const probe = await loadFile(join(out, probeFile));
  const got = noGrad(() => model.forward(probe.get('input')!));
  return compare(got, probe.get('output')!, FORWARD_TOL, `${entry.name} (${weights}) in tapegrad`);
}

/** tapegrad's SGD from the entry's initial weights on the whole batch, vs torch's DDP run. */
async function replay(out: string, entry: TorchEntry, config: DdpConfig): Promise<Agreement> {
  const model = await loaded(out, entry, entry.weights);
  model.train();
  const data = await loadFile(join(out, config.data));
  const [x, y] = [data.get('x')!, data.get('y')!];
  const optimizer = new SGD(model.parameters(), { lr: config.lr, momentum: config.momentum });
  const losses: number[] = [];
  for (let step = 0; step < config.steps; step++) {
    const loss = softmaxCrossEntropy(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  const { tensors: trained, metadata } = await loadFileWithMetadata(join(out, entry.ddpWeights!));
  const result = await loadFile(join(out, entry.ddpResult!));
  const torchLosses = result.get('losses')!.toTypedArray();
  let a = none();
  losses.forEach((l, i) => {
    const diff = Math.abs(l - torchLosses[i]!);
    if (!(diff <= REPLAY_TOL * Math.max(1, Math.abs(l)))) {
      throw new Error(`${entry.name}: step ${i} loss ${l} in tapegrad, ${torchLosses[i]} in DDP`);
    }
    a = merge(a, { maxAbs: diff, maxRel: diff / Math.max(1, Math.abs(l)), values: 1 });
  });
  for (const [name, p] of model.namedParameters()) {
    a = merge(a, compare(p, trained.get(name)!, REPLAY_TOL, `${entry.name}: ${name} after SGD`));
  }
  console.log(
    `  ${entry.name.padEnd(24)} DDP (${metadata.world_size} processes, ${metadata.steps} steps) vs tapegrad's SGD replayed: ${show(a)}`,
  );
  return a;
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? join('out', 'interop');
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
  let fromTorch = none();
  let fromDdp = none();
  let replayed = none();
  for (const entry of manifest.torch) {
    fromTorch = merge(
      fromTorch,
      await forwardAgrees(out, entry, entry.torchWeights, entry.torchProbe),
    );
    if (entry.ddpWeights !== undefined) {
      fromDdp = merge(fromDdp, await forwardAgrees(out, entry, entry.ddpWeights, entry.ddpResult!));
      replayed = merge(replayed, await replay(out, entry, manifest.ddp));
    }
  }
  console.log(
    `reload.ts: ${manifest.torch.length} torch.nn modules' weights load into tapegrad (strict)`,
  );
  console.log(
    `  tapegrad forward vs torch.nn: ${show(fromTorch)} (tolerance ${FORWARD_TOL.toExponential()})`,
  );
  console.log(
    `  DDP-trained weights, tapegrad vs torch forward: ${show(fromDdp)} (tolerance ${FORWARD_TOL.toExponential()})`,
  );
  console.log(
    `  DDP training vs tapegrad's SGD replayed: ${show(replayed)} (tolerance ${REPLAY_TOL.toExponential()})`,
  );
}

await main();
