"""Regenerate test/oracle/fixtures/*.json with PyTorch (float64). Run by `pnpm oracle`.

    python scripts/oracle/generate.py            # every fixture
    python scripts/oracle/generate.py ops optim  # some of them
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

import losses  # noqa: E402
import modules  # noqa: E402
import ops  # noqa: E402
import optim  # noqa: E402
from common import ROOT, write_fixture  # noqa: E402

FIXTURES = {
    "ops": (
        ops.generate,
        "core ops (the entries of packages/core/test/op-table.ts): value, vector-Jacobian "
        "product for gradOutput, second order (gradient of <vjp, v> w.r.t. inputs and gradOutput)",
    ),
    "losses": (
        losses.generate,
        "@tapegrad/nn losses, every reduction: value, gradients w.r.t. scores/logits and "
        "targets, second order where PyTorch defines it",
    ),
    "modules": (
        modules.generate,
        "@tapegrad/nn modules with fixed weights: output, gradients of the input and of "
        "every parameter, second order",
    ),
    "optim": (
        optim.generate,
        "@tapegrad/optim: optimizer and scheduler trajectories (parameters and lrs after "
        "every step), gradient clipping",
    ),
}


def main(argv: list[str]) -> None:
    names = argv or list(FIXTURES)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        raise SystemExit(f"unknown fixture(s) {unknown}; expected some of {list(FIXTURES)}")
    for name in names:
        make, about = FIXTURES[name]
        cases = make()
        path = write_fixture(name, cases, about)
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT)}: {len(cases)} cases, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
