"""The PyTorch round trip, both ways: every tapegrad model of the manifest loads into its
torch.nn equivalent with load_state_dict(load_file(path), strict=True) and computes tapegrad's
outputs; then a torch.nn module with torch's own random weights is saved for reload.ts, which
loads it into tapegrad (strict) and compares with torch's outputs written here.

Usage: python check_torch.py [out/interop]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from interop_common import TORCH_TOL, Agreement, compare, load_manifest, out_dir
from torch_models import build, randomize


def tapegrad_to_torch(out: Path, entry: dict[str, Any]) -> Agreement:
    """tapegrad's weights in torch.nn (strict), torch's forward vs tapegrad's."""
    model = build(entry)
    model.load_state_dict(load_file(str(out / entry["weights"])), strict=True)
    model.eval()
    probe = load_file(str(out / entry["probe"]))
    with torch.no_grad():
        got = model(probe["input"])
    return compare(got.numpy(), probe["output"].numpy(), TORCH_TOL, f"{entry['name']} in torch")


def torch_to_tapegrad(out: Path, entry: dict[str, Any], seed: int) -> None:
    """A torch.nn module's own weights and its outputs, for reload.ts."""
    model = build(entry)
    randomize(model, seed)
    model.eval()
    probe = load_file(str(out / entry["probe"]))
    with torch.no_grad():
        output = model(probe["input"])
    save_file(model.state_dict(), str(out / entry["torchWeights"]), metadata={"from": "torch"})
    save_file({"input": probe["input"], "output": output}, str(out / entry["torchProbe"]))


def main() -> None:
    out = out_dir()
    entries = load_manifest(out)["torch"]
    total = Agreement()
    for seed, entry in enumerate(entries):
        agreement = tapegrad_to_torch(out, entry)
        torch_to_tapegrad(out, entry, seed)
        print(f"  {entry['name']:<24} torch.nn vs tapegrad: {agreement}")
        total.add(agreement)
    print(
        f"check_torch.py: {len(entries)} tapegrad models load into torch.nn with strict=True "
        f"(torch {torch.__version__})"
    )
    print(f"  torch.nn forward vs tapegrad: {total} (tolerance {TORCH_TOL})")
    print(f"  wrote {len(entries)} torch.nn modules' own weights for reload.ts")


if __name__ == "__main__":
    main()
