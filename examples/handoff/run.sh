#!/usr/bin/env bash
# pnpm example:handoff: the README's "When you outgrow one machine", start to end — the
# virtualenv (made once), tapegrad's training, PyTorch's DDP run on 2 processes, the weights
# back in tapegrad, the ONNX file in ONNX Runtime from Node and from Python. Output: out/handoff.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="$(scripts/interop/venv.sh)"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" # torchrun's default per process, without its warning
pnpm --silent handoff:train
"$VENV/bin/torchrun" --standalone --nproc_per_node=2 examples/handoff/train_ddp.py
pnpm --silent handoff:finish
"$VENV/bin/python" examples/handoff/serve.py
