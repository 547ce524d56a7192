"""torch.nn modules from the specs export.ts writes (models.ts: `torchSpec`): a tapegrad
Sequential is the torch.nn.Sequential of the same layers, with the same state-dict names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

LAYERS: dict[str, Callable[[dict[str, Any]], nn.Module]] = {
    "Linear": lambda s: nn.Linear(s["in"], s["out"], bias=s["bias"]),
    "ReLU": lambda s: nn.ReLU(),
    "Sigmoid": lambda s: nn.Sigmoid(),
    "Tanh": lambda s: nn.Tanh(),
    "Identity": lambda s: nn.Identity(),
    "LeakyReLU": lambda s: nn.LeakyReLU(s["negativeSlope"]),
    "PReLU": lambda s: nn.PReLU(s["numParameters"], init=s["init"]),
    "Dropout": lambda s: nn.Dropout(s["p"]),
}


def build(spec: dict[str, Any]) -> nn.Module:
    """The torch.nn module of a manifest entry: one layer, or a Sequential of them."""
    layers = [LAYERS[layer["type"]](layer) for layer in spec["layers"]]
    return nn.Sequential(*layers) if spec["sequential"] else layers[0]


def randomize(model: nn.Module, seed: int) -> None:
    """New random weights (PReLU slopes too, whose init is a constant), drawn from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=generator) - 0.5)
