"""Fixtures of the modules of @tapegrad/nn with fixed weights: output, gradients of the input and
of every parameter (named as tapegrad's namedParameters(), which follow torch.nn), and the
second order (gradient of <grads, v> w.r.t. input, parameters and gradOutput).

A module is a spec {type, args, options} (Sequential: {type, layers}); forward() below is its
PyTorch expression. Weights and inputs are resampled until no rectifier's input is within 0.05
of its kink and no maxout's two best pieces are within 0.05 of each other.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from common import Values, derivatives

Spec = dict[str, Any]


def act(
    name: str, z: torch.Tensor, p: dict[str, torch.Tensor], at: str, kinks: list
) -> torch.Tensor:
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "identity":
        return z
    kinks.append(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leakyRelu":
        return F.leaky_relu(z, 0.01)
    if name == "prelu":
        return prelu(z, p[f"{at}weight"])
    raise ValueError(name)


def prelu(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    if w.numel() == 1 or x.ndim >= 2:
        return F.prelu(x, w)
    # a 1-D input with one slope per element: tapegrad takes dim 0 as the channels;
    # F.prelu rejects this (it sees one channel), so the formula is written out
    return torch.where(x > 0, x, w * x)


def maxout(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None, kinks: list) -> torch.Tensor:
    k, out, n = w.shape
    z = x @ w.reshape(k * out, n).T
    if b is not None:
        z = z + b.reshape(k * out)
    z = z.reshape(*x.shape[:-1], k, out)
    top = torch.topk(z.detach(), 2, dim=-2).values if k > 1 else None
    if top is not None:
        kinks.append(top.select(-2, 0) - top.select(-2, 1))
    return z.amax(-2)


def forward(spec: Spec, p: dict[str, torch.Tensor], at: str, x: torch.Tensor, kinks: list):
    t = spec["type"]
    args = spec.get("args", [])
    opts = spec.get("options", {})
    if t == "Linear":
        y = x @ p[f"{at}weight"].T
        return y if opts.get("bias", True) is False else y + p[f"{at}bias"]
    if t == "Neuron":
        z = x @ p[f"{at}weight"] + p[f"{at}bias"]
        return act(opts.get("activation", "sigmoid"), z, p, f"{at}activation.", kinks)
    if t in ("Sigmoid", "Tanh", "ReLU"):
        return act(t.lower(), x, p, at, kinks)
    if t == "LeakyReLU":
        kinks.append(x)
        return F.leaky_relu(x, args[0] if args else 0.01)
    if t == "PReLU":
        kinks.append(x)
        return prelu(x, p[f"{at}weight"])
    if t == "Maxout":
        b = None if opts.get("bias", True) is False else p[f"{at}bias"]
        return maxout(x, p[f"{at}weight"], b, kinks)
    if t == "MLP":
        sizes = args[0]
        a = opts.get("activation", "relu")
        h = x
        for i in range(len(sizes) - 1):
            h = h @ p[f"{at}{2 * i}.weight"].T + p[f"{at}{2 * i}.bias"]
            if i + 2 < len(sizes):
                h = act(a, h, p, f"{at}{2 * i + 1}.", kinks)
        return h
    if t == "Sequential":
        h = x
        for i, layer in enumerate(spec["layers"]):
            h = forward(layer, p, f"{at}{i}.", h, kinks)
        return h
    raise ValueError(t)


def param_shapes(spec: Spec, at: str = "") -> dict[str, list[int]]:
    """The parameters of a module, by tapegrad's (= torch.nn's) names."""
    t = spec["type"]
    args = spec.get("args", [])
    opts = spec.get("options", {})
    if t == "Linear":
        n, m = args
        out = {f"{at}weight": [m, n]}
        if opts.get("bias", True) is not False:
            out[f"{at}bias"] = [m]
        return out
    if t == "Neuron":
        out = {f"{at}weight": [args[0]], f"{at}bias": []}
        if opts.get("activation") == "prelu":
            out[f"{at}activation.weight"] = [1]
        return out
    if t == "PReLU":
        return {f"{at}weight": [opts.get("numParameters", 1)]}
    if t == "Maxout":
        n, m = args
        k = opts.get("pieces", 2)
        out = {f"{at}weight": [k, m, n]}
        if opts.get("bias", True) is not False:
            out[f"{at}bias"] = [k, m]
        return out
    if t == "MLP":
        sizes = args[0]
        out = {}
        for i in range(len(sizes) - 1):
            out[f"{at}{2 * i}.weight"] = [sizes[i + 1], sizes[i]]
            out[f"{at}{2 * i}.bias"] = [sizes[i + 1]]
            if i + 2 < len(sizes) and opts.get("activation") == "prelu":
                out[f"{at}{2 * i + 1}.weight"] = [1]
        return out
    if t == "Sequential":
        out = {}
        for i, layer in enumerate(spec["layers"]):
            out.update(param_shapes(layer, f"{at}{i}."))
        return out
    return {}


def m(t: str, *args: Any, **options: Any) -> Spec:
    """A module spec: type, constructor args, options (tapegrad's names)."""
    spec: Spec = {"type": t}
    if args:
        spec["args"] = list(args)
    if options:
        spec["options"] = options
    return spec


# (title, module, input shape)
CASES: list[tuple[str, Spec, list[int]]] = [
    ("Linear", m("Linear", 3, 4), [5, 3]),
    ("Linear without bias, one vector", m("Linear", 3, 2, bias=False), [3]),
    ("Linear over leading dims", m("Linear", 2, 3), [2, 4, 2]),
    ("Neuron (sigmoid)", m("Neuron", 3), [4, 3]),
    ("Neuron (tanh), one vector", m("Neuron", 3, activation="tanh"), [3]),
    ("Neuron (relu)", m("Neuron", 2, activation="relu"), [5, 2]),
    ("Neuron (identity)", m("Neuron", 2, activation="identity"), [3, 2]),
    ("Neuron (prelu)", m("Neuron", 2, activation="prelu"), [4, 2]),
    ("Sigmoid", m("Sigmoid"), [3, 4]),
    ("Tanh", m("Tanh"), [3, 4]),
    ("ReLU", m("ReLU"), [3, 4]),
    ("LeakyReLU", m("LeakyReLU"), [3, 4]),
    ("LeakyReLU(0.2)", m("LeakyReLU", 0.2), [2, 3]),
    ("PReLU", m("PReLU"), [3, 4]),
    ("PReLU per channel", m("PReLU", numParameters=4), [3, 4]),
    ("PReLU per channel, 3-D", m("PReLU", numParameters=3), [2, 3, 2]),
    ("PReLU per channel, 1-D (dim 0; F.prelu rejects it)", m("PReLU", numParameters=4), [4]),
    ("Maxout", m("Maxout", 3, 4), [5, 3]),
    ("Maxout, 3 pieces, no bias, one vector", m("Maxout", 3, 2, pieces=3, bias=False), [3]),
    ("MLP [3, 4, 2] (relu)", m("MLP", [3, 4, 2]), [5, 3]),
    ("MLP [3, 4, 4, 1] (sigmoid)", m("MLP", [3, 4, 4, 1], activation="sigmoid"), [4, 3]),
    ("MLP [2, 5, 3] (tanh)", m("MLP", [2, 5, 3], activation="tanh"), [3, 2]),
    ("MLP [2, 3, 2] (leakyRelu)", m("MLP", [2, 3, 2], activation="leakyRelu"), [4, 2]),
    ("MLP [2, 3, 2] (prelu)", m("MLP", [2, 3, 2], activation="prelu"), [4, 2]),
    (
        "Sequential(Linear, LeakyReLU(0.1), Maxout, Tanh, Linear)",
        {
            "type": "Sequential",
            "layers": [
                m("Linear", 3, 4),
                m("LeakyReLU", 0.1),
                m("Maxout", 4, 3),
                m("Tanh"),
                m("Linear", 3, 2),
            ],
        },
        [4, 3],
    ),
]


def is_slope(spec: Spec, name: str) -> bool:
    """Whether the parameter `name` of `spec` is a PReLU slope."""
    if spec["type"] == "PReLU" or name.endswith("activation.weight"):
        return True
    prelu_mlp = spec["type"] == "MLP" and spec.get("options", {}).get("activation") == "prelu"
    return prelu_mlp and name.endswith(".weight") and int(name.split(".")[0]) % 2 == 1


def generate() -> list[dict[str, Any]]:
    v = Values(99)
    out = []
    for i, (name, spec, xshape) in enumerate(CASES):
        shapes = param_shapes(spec)
        names = list(shapes)
        for _ in range(1000):
            x = v.uniform(xshape)
            # PReLU slopes in [0.05, 0.5] (their init is 0.25), every other weight in [-1, 1]
            params = [
                v.uniform(s, 0.05, 0.5) if is_slope(spec, n) else v.uniform(s, -1, 1)
                for n, s in shapes.items()
            ]
            kinks: list[torch.Tensor] = []
            forward(spec, dict(zip(names, params)), "", x, kinks)
            if all(bool((k.abs() >= 0.05).all()) for k in kinks):
                break
        else:
            raise ValueError(f"{name}: no sample away from the kinks")

        def fn(*xs: torch.Tensor, spec: Spec = spec, names: list[str] = names) -> torch.Tensor:
            return forward(spec, dict(zip(names, xs[1:])), "", xs[0], [])

        d = derivatives(fn, [x, *params], v)
        out.append({"op": name, "case": i, "module": spec, "paramNames": names, **d})
    return out
