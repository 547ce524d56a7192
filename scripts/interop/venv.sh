#!/usr/bin/env bash
# Makes the Python virtualenv of the interop checks and of examples/handoff, or reuses it when
# it is complete: .venv-interop/ (or $TAPEGRAD_VENV) with CPU torch, numpy, onnx, onnxruntime
# and safetensors from scripts/interop/requirements.txt. Prints the virtualenv's folder on
# standard output; everything else goes to standard error.
#
# Indexes (pip_indexes.py): pip installs from the first URL of the configured extra-index-url
# (`pip config get global.extra-index-url`) as --index-url and the others as --extra-index-url,
# so that a machine with a local index never waits on the public one; with no index
# configured, pip's own defaults, plus PyTorch's CPU index for torch. When an index offers a CPU-only torch (a "+cpu" version), it is pinned:
# the default Linux torch wheel pulls gigabytes of CUDA libraries.
#
# When Python 3, venv or the packages cannot be had, says what is missing and what to install,
# and exits with status 3 (callers may skip), or 1 in CI (CI set): CI cannot skip silently.
# In CI, a missing python3 or venv module is installed with apt-get first, as .ci/run installs
# Chromium.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${TAPEGRAD_VENV:-$ROOT/.venv-interop}"
BASE_PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$HERE/requirements.txt"
MARKER="$VENV/.tapegrad-interop"

say() { printf 'interop venv: %s\n' "$*" >&2; }

in_ci() { [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; }

# What is missing and how to get it; exit 1 in CI, 3 elsewhere.
unavailable() {
  {
    printf '\ninterop venv: cannot make the Python environment: %s\n' "$1"
    printf '  to fix: %s\n' "$2"
    printf '  (the interop checks and examples/handoff need Python 3.9+ with venv, and pip\n'
    printf '  packages %s)\n\n' "$(grep -v '^#' "$REQUIREMENTS" | paste -sd ' ' -)"
  } >&2
  if in_ci; then exit 1; fi
  exit 3
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || return 1
    sudo=sudo
  fi
  say "apt-get install $*"
  $sudo apt-get update >&2 || return 1
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >&2
}

# The venv's packages import, torch has gloo, and the marker matches the requirements.
complete() {
  [ -x "$VENV/bin/python" ] && [ -f "$MARKER" ] &&
    [ "$(cat "$MARKER")" = "$(requirements_stamp)" ] &&
    "$VENV/bin/python" -c 'import importlib.util as u, sys
sys.exit(0 if all(u.find_spec(m) for m in ("torch", "numpy", "onnx", "onnxruntime", "safetensors")) else 1)' 2>/dev/null
}

# The requirements and the venv's Python, hashed: a change of either makes the venv incomplete.
requirements_stamp() {
  "$VENV/bin/python" -c 'import hashlib, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read() + sys.version.encode()).hexdigest())' "$REQUIREMENTS"
}

check_python() {
  if ! command -v "$BASE_PYTHON" >/dev/null && in_ci; then apt_install python3 python3-venv || true; fi
  if ! command -v "$BASE_PYTHON" >/dev/null; then
    unavailable "no '$BASE_PYTHON' on PATH" \
      "install Python 3 (Debian/Ubuntu: sudo apt-get install python3 python3-venv), or set PYTHON=/path/to/python3"
  fi
  if ! "$BASE_PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
    unavailable "'$BASE_PYTHON' is not Python 3.9 or newer ($("$BASE_PYTHON" --version 2>&1 | head -n 1))" \
      "install Python 3.9 or newer, and set PYTHON=/path/to/python3 if it is not python3"
  fi
}

make_venv() {
  rm -rf "$VENV"
  say "creating $VENV with $("$BASE_PYTHON" --version 2>&1)"
  if "$BASE_PYTHON" -m venv "$VENV" >&2; then return; fi
  rm -rf "$VENV"
  # Debian's python3 keeps venv's pip (ensurepip) in the python3-venv package
  local minor
  minor="$("$BASE_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  if in_ci && { apt_install python3-venv || apt_install "python$minor-venv"; } &&
    "$BASE_PYTHON" -m venv "$VENV" >&2; then
    return
  fi
  rm -rf "$VENV"
  unavailable "'$BASE_PYTHON -m venv' failed (no venv module or no ensurepip)" \
    "install the venv module: sudo apt-get install python3-venv (or python$minor-venv)"
}

# "torch==<v>+cpu" for the newest CPU-only torch the indexes offer, or "torch".
torch_requirement() {
  local versions cpu
  versions="$("$VENV/bin/python" -m pip index versions torch "$@" 2>/dev/null |
    sed -n 's/^Available versions: //p')"
  cpu="$(printf '%s\n' "$versions" | tr ',' '\n' | tr -d ' ' | grep '+cpu$' | head -n 1 || true)"
  if [ -n "$cpu" ]; then
    printf 'torch==%s\n' "$cpu"
  else
    say "no CPU-only torch (a +cpu version) on the indexes: the default torch wheel may pull CUDA libraries"
    printf 'torch\n'
  fi
}

install_packages() {
  local -a indexes=()
  local line
  while IFS= read -r line; do indexes+=("$line"); done < <("$VENV/bin/python" "$HERE/pip_indexes.py")
  local torch
  torch="$(torch_requirement "${indexes[@]}")"
  say "pip install ${indexes[*]} -r requirements.txt $torch (a minute or so)"
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${indexes[@]}" \
    -r "$REQUIREMENTS" "$torch" >&2; then
    unavailable "pip could not install the packages (see pip's message above)" \
      "point pip at an index that has them (pip config set global.index-url <url>, or PIP_INDEX_URL), or install them into $VENV by hand: $VENV/bin/pip install -r $REQUIREMENTS"
  fi
  if ! "$VENV/bin/python" -c 'import torch, torch.distributed as d, numpy, onnx, onnxruntime, safetensors
assert d.is_available() and d.is_gloo_available(), "torch.distributed with gloo"' >&2; then
    unavailable "the installed packages do not import (see above)" \
      "remove $VENV and run this script again; torch needs torch.distributed with gloo"
  fi
  requirements_stamp >"$MARKER"
}

versions() {
  "$VENV/bin/python" -c 'import platform, numpy, onnx, onnxruntime, safetensors, torch
print(f"Python {platform.python_version()}, torch {torch.__version__}, numpy {numpy.__version__}, "
      f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}, safetensors {safetensors.__version__}")'
}

main() {
  if complete; then
    say "reusing $VENV ($(versions))"
  else
    check_python
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
      make_venv
    fi
    install_packages
    say "ready: $VENV ($(versions))"
  fi
  printf '%s\n' "$VENV"
}

main
