"""What the fixture generators share: float64 torch, seeded values, the JSON encoding of arrays,
the derivatives of a function (value, vector-Jacobian product, second order), the sources' hash.

Every number is written with Python's repr (the shortest string that parses back to the same
double), which JavaScript's JSON.parse reads to the same float64: fixtures round-trip exactly.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = ROOT / "test" / "oracle" / "fixtures"

# Inputs are rounded to this many decimals: short in JSON, and still any float64 (the rounded
# decimal is parsed to the same double by Python and JavaScript).
DECIMALS = 4


def sources_sha256() -> str:
    """sha256 over scripts/oracle/*.py (sorted by name): each name, a newline, its bytes, a newline.

    test/oracle/staleness.test.ts computes the same hash: a fixture whose recorded hash differs
    from the current sources' is stale.
    """
    h = hashlib.sha256()
    for path in sorted(HERE.glob("*.py"), key=lambda p: p.name):
        h.update(path.name.encode())
        h.update(b"\n")
        h.update(path.read_bytes())
        h.update(b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Values


class Values:
    """Seeded input values (NumPy's PCG64: the same numbers on every machine)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def uniform(
        self,
        shape: Sequence[int],
        lo: float = -2.0,
        hi: float = 2.0,
        avoid: Sequence[float] = (),
        margin: float = 0.1,
    ) -> torch.Tensor:
        """Uniform in [lo, hi], rounded, each at least `margin` from every value in `avoid`."""
        n = math.prod(shape)
        out = np.empty(n)
        for i in range(n):
            while True:
                v = round(float(self.rng.uniform(lo, hi)), DECIMALS)
                if all(abs(v - a) >= margin for a in avoid):
                    break
            out[i] = v
        return torch.tensor(out.reshape(shape))

    def distinct(self, shape: Sequence[int], lo: float = -5.0, hi: float = 5.0) -> torch.Tensor:
        """Pairwise distinct values, at least 0.05 apart (no ties for max)."""
        n = math.prod(shape)
        grid = np.arange(lo, hi, 0.05)
        picks = self.rng.choice(len(grid), size=n, replace=False)
        return torch.tensor(np.round(grid[picks], DECIMALS).reshape(shape))

    def lattice(self, shape: Sequence[int], offset: float) -> torch.Tensor:
        """Multiples of 0.1 plus `offset`: two lattices 0.05 apart never tie."""
        n = math.prod(shape)
        k = self.rng.integers(-20, 21, size=n)
        return torch.tensor(np.round(k * 0.1 + offset, DECIMALS).reshape(shape))

    def integers(self, shape: Sequence[int], hi: int) -> list[int]:
        return [int(v) for v in self.rng.integers(0, hi, size=math.prod(shape))]

    def mask(self, shape: Sequence[int]) -> torch.Tensor:
        n = math.prod(shape)
        return torch.tensor(self.rng.integers(0, 2, size=n).astype(np.float64).reshape(shape))

    def like(self, t: torch.Tensor) -> torch.Tensor:
        """An upstream gradient or direction for `t`: uniform in [-1.5, 1.5], `t`'s dtype."""
        return self.uniform(list(t.shape), -1.5, 1.5).to(t.dtype)


# ---------------------------------------------------------------------------------------------
# JSON


def arr(t: torch.Tensor | None) -> dict[str, Any] | None:
    """A tensor as {shape, data} (row-major); float32 values are written as the doubles they are."""
    if t is None:
        return None
    t = t.detach()
    if t._is_zerotensor():  # PyTorch's lazily-zero gradients have no storage to read
        t = torch.zeros(t.shape, dtype=t.dtype)
    out: dict[str, Any] = {
        "shape": list(t.shape),
        "data": [float(v) for v in t.to(torch.float64).reshape(-1).tolist()],
    }
    if t.dtype == torch.float32:
        out["dtype"] = "float32"
    return out


def check_finite(obj: Any, where: str = "") -> None:
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"non-finite value in fixture at {where}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            check_finite(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_finite(v, f"{where}[{i}]")


def write_fixture(name: str, cases: list[dict[str, Any]], about: str) -> Path:
    """Write test/oracle/fixtures/<name>.json: generator hash and versions, one case a line."""
    check_finite(cases, name)
    header = {
        "about": about,
        "sourcesSha256": sources_sha256(),
        "torch": torch.__version__,
        "numpy": np.__version__,
    }
    dump = lambda o: json.dumps(o, separators=(",", ":"), allow_nan=False)  # noqa: E731
    lines = [f'{{"generator":{dump(header)},', '"cases":[']
    lines += [dump(c) + ("," if i + 1 < len(cases) else "") for i, c in enumerate(cases)]
    lines.append("]}")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / f"{name}.json"
    path.write_text("\n".join(lines) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# Derivatives


def derivatives(
    fn: Callable[..., torch.Tensor],
    inputs: Sequence[torch.Tensor],
    vals: Values,
    second: bool = True,
) -> dict[str, Any]:
    """The value of fn(*inputs), its vector-Jacobian product for a random upstream gradient g,
    and (if `second`) the second order: the gradient of <vjp, v> for a random direction v,
    with respect to the inputs and to g.

    A gradient PyTorch leaves disconnected (None with allow_unused) is written as zeros, and
    flagged in `unused`: the tests accept null from tapegrad exactly there.
    """
    xs = [x.detach().clone().requires_grad_(True) for x in inputs]
    y = fn(*xs)
    g = vals.like(y).requires_grad_(True)
    gxs = torch.autograd.grad(y, xs, g, create_graph=second, allow_unused=True)
    grads = [torch.zeros_like(x) if gx is None else gx for x, gx in zip(xs, gxs)]
    out: dict[str, Any] = {
        "inputs": [arr(x) for x in xs],
        "gradOutput": arr(g),
        "forward": arr(y),
        "grads": [arr(gx) for gx in grads],
        "firstUnused": [gx is None for gx in gxs],
    }
    if not second:
        return out
    vs = [vals.like(x) for x in xs]
    terms = [(gx * v).sum() for gx, v in zip(gxs, vs) if gx is not None]
    if not any(t.requires_grad for t in terms):
        raise ValueError("no first-order gradient depends on anything: no second order")
    s = torch.stack(terms).sum()
    targets = [*xs, g]
    ggs = torch.autograd.grad(s, targets, allow_unused=True)
    out["second"] = {
        "v": [arr(v) for v in vs],
        "grads": [arr(torch.zeros_like(t) if gg is None else gg) for t, gg in zip(targets, ggs)],
        "unused": [gg is None for gg in ggs],
    }
    return out
