#!/usr/bin/env bash
# pnpm test:interop: tapegrad's models checked by the Python ecosystem (see README.md here).
#   1. venv.sh: the virtualenv (.venv-interop) with torch (CPU), numpy, onnx, onnxruntime,
#      safetensors, made or reused
#   2. export.ts: ONNX files, tapegrad weights and outputs → out/interop (or $1)
#   3. check_onnx.py: onnx.checker (full_check), reference implementation, onnxruntime
#   4. check_torch.py: tapegrad weights in torch.nn (strict), and torch.nn weights for step 6
#   5. ddp_train.py under torchrun: DistributedDataParallel, 2 processes, gloo on loopback
#   6. reload.ts: torch's weights in tapegrad (strict), forward and SGD trajectory compared
#   7. examples/handoff (pnpm example:handoff), as the README shows it: MNIST trained by
#      tapegrad, then by PyTorch DDP, back in tapegrad (no less accurate), served from ONNX
# Without Python or the packages it says what to install and skips (exit 0), but fails in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/interop}"
START=$SECONDS

step() {
  local name="$1" t=$SECONDS
  shift
  printf '\n▸ %s\n' "$name"
  "$@"
  printf '  (%ss)\n' "$((SECONDS - t))"
}

status=0
VENV="$(scripts/interop/venv.sh)" || status=$?
if [ "$status" = 3 ]; then
  echo "test:interop: skipped: no Python environment (see above); CI=1 makes this an error"
  exit 0
elif [ "$status" != 0 ]; then
  exit "$status"
fi
PY="$VENV/bin/python"
printf '  (venv: %ss)\n' "$((SECONDS - START))"

tsx() { node --conditions=tapegrad-source --import tsx "$@"; }
step "export.ts: ONNX files and torch.nn weights from tapegrad" tsx scripts/interop/export.ts "$OUT"
step "check_onnx.py: onnx.checker, reference implementation, onnxruntime" \
  "$PY" scripts/interop/check_onnx.py "$OUT"
step "check_torch.py: tapegrad weights in torch.nn (strict)" \
  "$PY" scripts/interop/check_torch.py "$OUT"
step "ddp_train.py: torchrun --nproc_per_node=2, DistributedDataParallel on gloo" \
  env OMP_NUM_THREADS=1 "$PY" -m torch.distributed.run --standalone --nproc_per_node=2 \
  scripts/interop/ddp_train.py "$OUT"
step "reload.ts: torch's weights in tapegrad (strict)" tsx scripts/interop/reload.ts "$OUT"
step "examples/handoff: tapegrad → PyTorch DDP → tapegrad → ONNX Runtime" \
  bash examples/handoff/run.sh
printf '\ntest:interop: passed in %ss\n' "$((SECONDS - START))"
