"""Fixtures of the losses of @tapegrad/nn, each with every reduction ('mean', 'sum', 'none').

The PyTorch expression of each, written from tapegrad's documented semantics:

- softmaxCrossEntropy(logits [N, C], labels) = mean_i logsumexp(z_i) - z_i[y_i]
  -> F.cross_entropy(z, y).
- binaryCrossEntropyWithLogits(logits, targets in [0, 1]), mean over every element
  -> F.binary_cross_entropy_with_logits(z, t). Targets may require grad (d/dt = -z).
- hingeLoss(scores, targets = ±1) = mean of max(0, 1 - t·s), gradient 0 on the hinge
  (relu'(0) = 0) -> torch.relu(1 - t * s). PyTorch has no binary hinge loss; clamp(min=0)
  would pass the gradient on the hinge itself (t·s = 1), relu does not, as tapegrad documents.
- multiclassHingeLoss(scores [N, C], labels, margin Δ) = mean_i Σ_{j≠y_i} max(0, s_j - s_y + Δ)
  (the cs231n SVM: summed over the classes, not averaged) -> C · F.multi_margin_loss(s, y,
  margin=Δ, reduction='none'), reduced; written as the explicit sum above, checked against
  F.multi_margin_loss here. PyTorch has no second derivative for multi_margin_loss: none here.
- mseLoss(pred, target) = mean of (p - t)² -> F.mse_loss(p, t).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from common import Values, derivatives

REDUCTIONS = ["mean", "sum", "none"]


def reduce(losses: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def multiclass_hinge(s: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    """Per-sample Σ_{j≠y} max(0, s_j - s_y + Δ)."""
    sy = s.gather(1, y.reshape(-1, 1))
    m = torch.relu(s - sy + margin)
    wrong = torch.ones_like(s).scatter(1, y.reshape(-1, 1), 0.0)
    return (m * wrong).sum(1)


def targets_of(attrs: dict[str, Any], like: torch.Tensor) -> torch.Tensor:
    return torch.tensor(attrs["targets"]).reshape(like.shape)


def separated_scores(v: Values, n: int, c: int, labels: list[int], margin: float) -> torch.Tensor:
    """Scores whose margins s_j - s_y + Δ are all at least 0.05 from the kink at 0."""
    while True:
        s = v.uniform([n, c], -2, 2)
        y = torch.tensor(labels)
        z = s - s.gather(1, y.reshape(-1, 1)) + margin
        z = z.scatter(1, y.reshape(-1, 1), 1.0)
        if bool((z.abs() >= 0.05).all()):
            return s


def generate() -> list[dict[str, Any]]:
    v = Values(7)
    out: list[dict[str, Any]] = []

    def add(loss: str, fn, inputs, attrs: dict[str, Any], second: bool = True) -> None:
        d = derivatives(fn, inputs, v, second=second)
        out.append({"op": loss, "case": len(out), "attrs": attrs, **d})

    # softmaxCrossEntropy: labels as Int32Array, number[] or a tensor
    for r in REDUCTIONS:
        for form, (n, c, lo, hi) in zip(
            ["int32", "list", "tensor"], [(4, 3, -3, 3), (2, 5, 800, 805), (3, 4, -3, 3)]
        ):
            labels = v.integers([n], c)
            attrs = {"reduction": r, "labels": labels, "labelsForm": form}
            y = torch.tensor(labels)
            add(
                "softmaxCrossEntropy",
                lambda z, y=y, r=r: F.cross_entropy(z, y, reduction=r),
                [v.uniform([n, c], lo, hi)],
                attrs,
            )

    # binaryCrossEntropyWithLogits: 0/1 targets as numbers; fractional targets that require
    # grad; logits [N, 1] with targets [N]; large logits
    for r in REDUCTIONS:
        t01 = [float(x) for x in v.integers([5], 2)]
        add(
            "binaryCrossEntropyWithLogits",
            lambda z, t=t01, r=r: F.binary_cross_entropy_with_logits(
                z, torch.tensor(t), reduction=r
            ),
            [v.uniform([5], -4, 4)],
            {"reduction": r, "targets": t01},
        )
        add(
            "binaryCrossEntropyWithLogits",
            lambda z, t, r=r: F.binary_cross_entropy_with_logits(z, t, reduction=r),
            [v.uniform([2, 3], -4, 4), v.uniform([2, 3], 0, 1)],
            {"reduction": r},
        )
        t4 = [float(x) for x in v.integers([4], 2)]
        add(
            "binaryCrossEntropyWithLogits",
            lambda z, t=t4, r=r: F.binary_cross_entropy_with_logits(
                z, torch.tensor(t).reshape(z.shape), reduction=r
            ),
            [v.uniform([4, 1], -4, 4)],
            {"reduction": r, "targets": t4},
        )
        big = [float(x) for x in v.integers([4], 2)]
        add(
            "binaryCrossEntropyWithLogits",
            lambda z, t=big, r=r: F.binary_cross_entropy_with_logits(
                z, torch.tensor(t), reduction=r
            ),
            [torch.tensor([-40.0, 35.5, 745.25, -720.0])],
            {"reduction": r, "targets": big},
        )

    # hingeLoss: ±1 targets away from the hinge; learned targets; [N, 1] against [N]; and a
    # case on the hinge itself (t·s = 1), where tapegrad documents a zero gradient (relu'(0))
    def hinge(s: torch.Tensor, t: torch.Tensor, r: str) -> torch.Tensor:
        return reduce(torch.relu(1 - t * s), r)

    def pm(n: int) -> list[float]:
        return [2.0 * x - 1.0 for x in v.integers([n], 2)]

    for r in REDUCTIONS:
        t5 = pm(5)
        add(
            "hingeLoss",
            lambda s, t=t5, r=r: hinge(s, torch.tensor(t), r),
            [v.uniform([5], -3, 3, avoid=[-1, 1])],
            {"reduction": r, "targets": t5},
        )
        add(
            "hingeLoss",
            lambda s, t, r=r: hinge(s, t, r),
            [v.uniform([2, 3], -3, 3, avoid=[-1, 1]), v.uniform([2, 3], 0.2, 1.5)],
            {"reduction": r},
        )
        t4 = pm(4)
        add(
            "hingeLoss",
            lambda s, t=t4, r=r: hinge(s, torch.tensor(t).reshape(s.shape), r),
            [v.uniform([4, 1], -3, 3, avoid=[-1, 1])],
            {"reduction": r, "targets": t4},
        )
        on = [1.0, -1.0, 1.0]
        add(
            "hingeLoss",
            lambda s, t=on, r=r: hinge(s, torch.tensor(t), r),
            [torch.tensor([1.0, -1.0, 0.25])],
            {"reduction": r, "targets": on},
        )

    # multiclassHingeLoss: the notes' examples (Δ = 10 → 8; Δ = 1 → 2.9, 0, 12.9), random
    # scores away from the margin's kink, and scores exactly on it (zero gradient there)
    examples = [
        ([[13.0, -7.0, 11.0]], [0], 10.0),
        ([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]], [0, 1, 2], None),
        ([[1.0, 0.0, 0.0], [0.5, 1.5, -0.5]], [0, 1], None),
    ]
    for r in REDUCTIONS:
        cases = [(torch.tensor(s), y, m) for s, y, m in examples]
        for n, c, m in [(4, 3, None), (3, 5, 0.5), (2, 4, 2.0)]:
            y = v.integers([n], c)
            cases.append((separated_scores(v, n, c, y, 1.0 if m is None else m), y, m))
        for s, y, m in cases:
            margin = 1.0 if m is None else m
            yt = torch.tensor(y)
            mine = multiclass_hinge(s, yt, margin)
            theirs = F.multi_margin_loss(s, yt, margin=margin, reduction="none") * s.shape[1]
            if not torch.allclose(mine, theirs, rtol=1e-13, atol=1e-13):
                raise ValueError(f"multiclass hinge differs from F.multi_margin_loss: {s}")
            attrs: dict[str, Any] = {"reduction": r, "labels": y}
            if m is not None:
                attrs["margin"] = m
            add(
                "multiclassHingeLoss",
                lambda s, y=yt, mg=margin, r=r: reduce(multiclass_hinge(s, y, mg), r),
                [s],
                attrs,
                second=False,
            )

    # mseLoss: targets as numbers, learned targets, [N, 1] against [N]
    for r in REDUCTIONS:
        t5 = [float(x) for x in v.uniform([5])]
        add(
            "mseLoss",
            lambda p, t=t5, r=r: F.mse_loss(p, torch.tensor(t), reduction=r),
            [v.uniform([5])],
            {"reduction": r, "targets": t5},
        )
        add(
            "mseLoss",
            lambda p, t, r=r: F.mse_loss(p, t, reduction=r),
            [v.uniform([2, 3]), v.uniform([2, 3])],
            {"reduction": r},
        )
        t4 = [float(x) for x in v.uniform([4])]
        add(
            "mseLoss",
            lambda p, t=t4, r=r: F.mse_loss(p, torch.tensor(t).reshape(p.shape), reduction=r),
            [v.uniform([4, 1])],
            {"reduction": r, "targets": t4},
        )
    return out
