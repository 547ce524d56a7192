"""What the Python interop checks share: the manifest export.ts writes, and comparisons.

Every comparison is elementwise, |got - want| <= tol * max(1, |want|): an absolute bound for
values of magnitude up to 1 and a relative one above, because float32 rounding errors scale
with the magnitude of the terms a value is computed from (and values near zero come from
cancelling terms of magnitude ~1 here, whose rounding errors are absolute).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# ONNX (reference implementation, onnxruntime) vs tapegrad, float32: both compute the same ops
# in float32, so they differ by a few roundings of 2^-24 (6e-8) in values of magnitude ~1,
# plus summation order in products and reductions (k <= 784 terms); 1e-5 leaves a margin of
# ~10x over the largest difference measured, and is 1e-5 for float64 cases too (which agree
# to ~1e-16).
ONNX_TOL = 1e-5
# torch.nn vs tapegrad, the same weights, float32: matrix products of k <= 16 terms summed in
# another order differ by a few ulps (~2.4e-7 at magnitude 1).
TORCH_TOL = 1e-6


def out_dir() -> Path:
    """The folder export.ts wrote (the first argument, default out/interop)."""
    return Path(sys.argv[1] if len(sys.argv) > 1 else "out/interop")


def load_manifest(out: Path) -> dict[str, Any]:
    with open(out / "manifest.json", encoding="utf-8") as f:
        manifest: dict[str, Any] = json.load(f)
    return manifest


@dataclass
class Agreement:
    """The largest differences seen: absolute, and relative to max(1, |want|)."""

    max_abs: float = 0.0
    max_rel: float = 0.0
    values: int = 0

    def add(self, other: Agreement) -> None:
        self.max_abs = max(self.max_abs, other.max_abs)
        self.max_rel = max(self.max_rel, other.max_rel)
        self.values += other.values

    def __str__(self) -> str:
        return f"max abs {self.max_abs:.2e}, max rel {self.max_rel:.2e} ({self.values} values)"


class MismatchError(AssertionError):
    """Two results differ by more than the tolerance, or in shape or dtype."""


def compare(got: np.ndarray, want: np.ndarray, tol: float, what: str) -> Agreement:
    """Checks that `got` equals `want` within tol * max(1, |want|) elementwise."""
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape:
        raise MismatchError(f"{what}: shape {got.shape}, expected {want.shape}")
    if got.dtype != want.dtype:
        raise MismatchError(f"{what}: dtype {got.dtype}, expected {want.dtype}")
    g = got.astype(np.float64).ravel()
    w = want.astype(np.float64).ravel()
    if g.size == 0:
        return Agreement()
    diff = np.abs(g - w)
    rel = diff / np.maximum(1.0, np.abs(w))
    worst = int(np.argmax(np.where(np.isnan(rel), math.inf, rel)))
    if not np.all(rel <= tol):
        raise MismatchError(
            f"{what}: element {worst} is {float(g[worst])!r}, expected {float(w[worst])!r} "
            f"(difference {diff[worst]:.3e} > {tol} * max(1, |expected|))"
        )
    return Agreement(float(diff.max()), float(rel.max()), int(g.size))
