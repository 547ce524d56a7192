"""Fixtures of the core ops: one list of cases per entry of packages/core/test/op-table.ts,
named as there, with the entry's attributes in the shape its `call` takes them.

Each case: the inputs, the op's value, the vector-Jacobian product for an upstream gradient g,
and the second order (gradient of <vjp, v> with respect to the inputs and g). Inputs stay
inside each op's domain and away from kinks and ties (the notes of the op table).
"""

from __future__ import annotations

from typing import Any, Callable

import torch
import torch.nn.functional as F

from common import Values, arr, derivatives

Case = tuple[list[torch.Tensor], dict[str, Any]]

# Broadcasting pairs: equal shapes, a trailing match, both sides stretched, scalars, rank gaps.
PAIRS = [
    ([3], [3]),
    ([2, 3], [3]),
    ([2, 1, 3], [4, 1]),
    ([], [2, 3]),
    ([2, 3], []),
    ([3, 1], [1, 4]),
]
UNARY_SHAPES = [[], [4], [2, 3], [2, 1, 3]]


def dims_tuple(dims: Any, ndim: int) -> tuple[int, ...]:
    if dims is None:
        return tuple(range(ndim))
    return (dims,) if isinstance(dims, int) else tuple(dims)


def reduce_fn(kind: str) -> Callable[..., torch.Tensor]:
    def f(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
        x = xs[0]
        dims = dims_tuple(a.get("dims"), x.ndim)
        keep = a["keepdim"]
        if kind == "sum":
            return x.sum() if x.ndim == 0 else torch.sum(x, dim=dims, keepdim=keep)
        if kind == "mean":
            return x.mean() if x.ndim == 0 else torch.mean(x, dim=dims, keepdim=keep)
        if kind == "max":  # amax: ties split the gradient evenly, as tapegrad's max
            return torch.amax(x, dim=dims, keepdim=keep)
        return torch.logsumexp(x, dim=dims, keepdim=keep)

    return f


def index_tensor(a: dict[str, Any]) -> torch.Tensor:
    index = a["index"]
    if isinstance(index, list):
        return torch.tensor(index, dtype=torch.long)
    return torch.tensor(index["data"], dtype=torch.long).reshape(index["shape"])


def condition(a: dict[str, Any]) -> torch.Tensor:
    c = a["condition"]
    return torch.tensor(c["data"]).reshape(c["shape"]) != 0


def slice_fn(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
    x = xs[0]
    d = a["dim"] % x.ndim
    key = [slice(None)] * x.ndim
    key[d] = slice(a["start"], a.get("end"))  # Python's clamping, as tapegrad's slice
    return x[tuple(key)]


def squeeze_fn(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
    return torch.squeeze(xs[0]) if a.get("dim") is None else torch.squeeze(xs[0], a["dim"])


def where_number(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
    c, x = condition(a), xs[0]
    k = torch.tensor(a["c"])
    return torch.where(c, k, x) if a["side"] == "a" else torch.where(c, x, k)


def cast_fn(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
    return xs[0].to(torch.float32 if a["dtype"] == "float32" else torch.float64)


# name -> the PyTorch expression of the op-table entry of that name
TORCH: dict[str, Callable[[list[torch.Tensor], dict[str, Any]], torch.Tensor]] = {
    "add": lambda xs, a: xs[0] + xs[1],
    "sub": lambda xs, a: xs[0] - xs[1],
    "mul": lambda xs, a: xs[0] * xs[1],
    "div": lambda xs, a: xs[0] / xs[1],
    "pow (tensor exponent)": lambda xs, a: torch.pow(xs[0], xs[1]),
    "maximum": lambda xs, a: torch.maximum(xs[0], xs[1]),
    "minimum": lambda xs, a: torch.minimum(xs[0], xs[1]),
    "add (tensor + number)": lambda xs, a: xs[0] + a["c"],
    "sub (number - tensor)": lambda xs, a: a["c"] - xs[0],
    "mul (number · tensor)": lambda xs, a: a["c"] * xs[0],
    "div (number / tensor)": lambda xs, a: a["c"] / xs[0],
    "pow (number exponent)": lambda xs, a: torch.pow(xs[0], a["exponent"]),
    "neg": lambda xs, a: -xs[0],
    "exp": lambda xs, a: torch.exp(xs[0]),
    "log": lambda xs, a: torch.log(xs[0]),
    "sqrt": lambda xs, a: torch.sqrt(xs[0]),
    "abs": lambda xs, a: torch.abs(xs[0]),
    "tanh": lambda xs, a: torch.tanh(xs[0]),
    "sigmoid": lambda xs, a: torch.sigmoid(xs[0]),
    "relu": lambda xs, a: torch.relu(xs[0]),
    "leakyRelu": lambda xs, a: F.leaky_relu(xs[0], a.get("slope", 0.01)),
    "matmul (2-D)": lambda xs, a: torch.matmul(xs[0], xs[1]),
    "matmul (batched)": lambda xs, a: torch.matmul(xs[0], xs[1]),
    "matmul (1-D operands)": lambda xs, a: torch.matmul(xs[0], xs[1]),
    "linear": lambda xs, a: F.linear(xs[0], xs[1], xs[2]),
    "linear (no bias)": lambda xs, a: F.linear(xs[0], xs[1]),
    "linearRelu": lambda xs, a: torch.relu(F.linear(xs[0], xs[1], xs[2])),
    "linearRelu (no bias)": lambda xs, a: torch.relu(F.linear(xs[0], xs[1])),
    "sum": reduce_fn("sum"),
    "mean": reduce_fn("mean"),
    "max": reduce_fn("max"),
    "logsumexp": reduce_fn("logsumexp"),
    "logsumexp (large logits)": reduce_fn("logsumexp"),
    "softmax": lambda xs, a: torch.softmax(xs[0], a["dim"]),
    "softmax (large logits)": lambda xs, a: torch.softmax(xs[0], a["dim"]),
    "logSoftmax": lambda xs, a: torch.log_softmax(xs[0], a["dim"]),
    "logSoftmax (large logits)": lambda xs, a: torch.log_softmax(xs[0], a["dim"]),
    "reshape": lambda xs, a: torch.reshape(xs[0], a["shape"]),
    "transpose": lambda xs, a: torch.transpose(xs[0], a.get("d0", -2), a.get("d1", -1)),
    "squeeze": squeeze_fn,
    "unsqueeze": lambda xs, a: torch.unsqueeze(xs[0], a["dim"]),
    "slice": slice_fn,
    "gather": lambda xs, a: torch.gather(xs[0], a["dim"], index_tensor(a)),
    "indexSelect": lambda xs, a: torch.index_select(xs[0], a["dim"], index_tensor(a)),
    "concat": lambda xs, a: torch.cat(xs, a["dim"]),
    "stack": lambda xs, a: torch.stack(xs, a["dim"]),
    "expand": lambda xs, a: xs[0].expand(a["shape"]),
    "where": lambda xs, a: torch.where(condition(a), xs[0], xs[1]),
    "where (number branch)": where_number,
    "cast": cast_fn,
    "clone": lambda xs, a: xs[0].clone(),
}


def cases(v: Values) -> dict[str, list[Case]]:
    """The inputs and attributes of every op's cases."""
    u = v.uniform
    out: dict[str, list[Case]] = {}

    out["add"] = [([u(a), u(b)], {}) for a, b in PAIRS]
    out["sub"] = [([u(a), u(b)], {}) for a, b in PAIRS]
    out["mul"] = [([u(a), u(b)], {}) for a, b in PAIRS]
    # |b| ≥ 0.5: the gradient -a/b² blows up at 0
    out["div"] = [([u(a), u(b, -2, 2, avoid=[0], margin=0.5)], {}) for a, b in PAIRS]
    # base in [0.5, 2]: d/dy xʸ = xʸ ln x
    out["pow (tensor exponent)"] = [([u(a, 0.5, 2), u(b)], {}) for a, b in PAIRS]
    # two lattices 0.05 apart: a and b never tie
    out["maximum"] = [([v.lattice(a, 0), v.lattice(b, 0.05)], {}) for a, b in PAIRS]
    out["minimum"] = [([v.lattice(a, 0.05), v.lattice(b, 0)], {}) for a, b in PAIRS]

    numbers = [-1.5, 0.5, 2, 3]
    for name in ["add (tensor + number)", "sub (number - tensor)", "mul (number · tensor)"]:
        out[name] = [([u(s)], {"c": c}) for s, c in zip([[], [3], [2, 3], [2, 1, 2]], numbers)]
    out["div (number / tensor)"] = [
        ([u(s, avoid=[0], margin=0.5)], {"c": c})
        for s, c in zip([[], [3], [2, 3], [2, 1, 2]], numbers)
    ]
    out["pow (number exponent)"] = [
        ([u([2, 3])], {"exponent": 2}),
        ([u([4])], {"exponent": 3}),
        ([u([2, 2], 0.5, 2)], {"exponent": 0.5}),
        ([u([3], 0.5, 2)], {"exponent": -1}),
        ([u([], 0.5, 2)], {"exponent": -1.5}),
        ([u([2, 1, 2], 0.5, 2)], {"exponent": 2.5}),
    ]

    def unary(lo: float = -2, hi: float = 2, **kw: Any) -> list[Case]:
        return [([u(s, lo, hi, **kw)], {}) for s in UNARY_SHAPES]

    out["neg"] = unary()
    out["exp"] = unary()
    out["log"] = unary(0.1, 3)
    out["sqrt"] = unary(0.1, 3)
    out["abs"] = unary(avoid=[0])
    out["tanh"] = unary(-3, 3)
    out["sigmoid"] = unary(-4, 4)
    out["relu"] = unary(avoid=[0])
    out["leakyRelu"] = [
        ([u([2, 3], avoid=[0])], {}),
        ([u([4], avoid=[0])], {"slope": 0.2}),
        ([u([2, 1, 3], avoid=[0])], {"slope": -0.3}),
        ([u([], -2, -0.1)], {"slope": 1.5}),
        ([u([3, 2], avoid=[0])], {"slope": 0.01}),
    ]

    mm = lambda *shapes: [([u(a), u(b)], {}) for a, b in shapes]  # noqa: E731
    out["matmul (2-D)"] = mm(([2, 3], [3, 4]), ([1, 3], [3, 1]), ([4, 2], [2, 3]))
    out["matmul (batched)"] = mm(
        ([2, 2, 3], [2, 3, 2]),
        ([2, 1, 2, 3], [2, 3, 4]),
        ([1, 2, 3], [2, 3, 2]),
        ([2, 3, 4], [4, 2]),
        ([3, 2], [2, 2, 1]),
    )
    out["matmul (1-D operands)"] = mm(
        ([3], [3]), ([3], [3, 2]), ([3], [2, 3, 2]), ([2, 3], [3]), ([2, 2, 3], [3])
    )

    out["linear"] = [
        ([u(x), u(w), u(b)], {})
        for x, w, b in (
            ([2, 3], [4, 3], [4]),
            ([3], [2, 3], [2]),
            ([2, 2, 3], [1, 3], [1]),
            ([1, 4], [3, 4], [3]),
        )
    ]
    out["linear (no bias)"] = mm(([2, 3], [4, 3]), ([3], [2, 3]), ([2, 1, 2], [3, 2]))
    # relu(linear): the same shapes; the values' signs put some outputs on each side of 0
    out["linearRelu"] = [
        ([u(x), u(w), u(b)], {})
        for x, w, b in (
            ([2, 3], [4, 3], [4]),
            ([3], [2, 3], [2]),
            ([2, 2, 3], [1, 3], [1]),
            ([3, 4], [5, 4], [5]),
        )
    ]
    out["linearRelu (no bias)"] = mm(([2, 3], [4, 3]), ([3], [2, 3]), ([2, 2, 3], [3, 3]))

    reductions: list[tuple[list[int], Any, bool]] = [
        ([3, 4], None, False),
        ([3, 4], 0, True),
        ([3, 4], -1, False),
        ([3, 4], [0, 1], True),
        ([2, 3, 4], [0, 2], False),
        ([2, 3, 4], -2, True),
        ([2, 3, 4], [-1, 0], True),
        ([5], 0, False),
        ([], None, True),
    ]

    def reduction(make: Callable[[list[int]], torch.Tensor], need_dims: bool) -> list[Case]:
        rs = [r for r in reductions if not (need_dims and r[1] is None)]
        return [
            ([make(s)], {"keepdim": k} if d is None else {"dims": d, "keepdim": k})
            for s, d, k in rs
        ]

    out["sum"] = reduction(lambda s: u(s), False)
    out["mean"] = reduction(lambda s: u(s), False)
    out["max"] = reduction(lambda s: v.distinct(s), False)
    out["logsumexp"] = reduction(lambda s: u(s, -3, 3), True)
    out["logsumexp (large logits)"] = reduction(lambda s: u(s, -805, -800), True)

    along = [([4], 0), ([3, 4], 1), ([3, 4], -2), ([2, 3, 4], 1), ([2, 3, 1], -1)]
    for name, lo, hi in [
        ("softmax", -3, 3),
        ("softmax (large logits)", 800, 805),
        ("logSoftmax", -3, 3),
        ("logSoftmax (large logits)", 800, 805),
    ]:
        out[name] = [([u(s, lo, hi)], {"dim": d}) for s, d in along]

    out["reshape"] = [
        ([u([2, 3])], {"shape": [3, 2]}),
        ([u([6])], {"shape": [1, -1, 2]}),
        ([u([2, 3, 2])], {"shape": [4, -1]}),
        ([u([])], {"shape": [1, 1]}),
        ([u([4])], {"shape": [2, 2, 1]}),
    ]
    out["transpose"] = [
        ([u([2, 3])], {}),
        ([u([2, 3, 4])], {"d0": 0, "d1": 2}),
        ([u([2, 3, 4])], {"d0": -1}),
        ([u([3, 4])], {"d0": 1, "d1": 1}),
        ([u([2, 3, 4])], {"d1": 0}),
    ]
    out["squeeze"] = [
        ([u([1, 3, 1])], {}),
        ([u([1, 3, 1])], {"dim": 0}),
        ([u([2, 3])], {"dim": 1}),
        ([u([1])], {}),
        ([u([2, 1, 3])], {"dim": -2}),
    ]
    out["unsqueeze"] = [
        ([u([3])], {"dim": 0}),
        ([u([2, 3])], {"dim": -1}),
        ([u([2, 3])], {"dim": 1}),
        ([u([])], {"dim": 0}),
        ([u([2, 3])], {"dim": -3}),
    ]
    out["slice"] = [
        ([u([5])], {"dim": 0, "start": 1, "end": 4}),
        ([u([3, 4])], {"dim": 1, "start": -3}),
        ([u([3, 4])], {"dim": 0, "start": 2, "end": 1}),
        ([u([3, 4])], {"dim": -1, "start": -10, "end": 10}),
        ([u([2, 3, 4])], {"dim": 1, "start": 1, "end": -1}),
    ]

    def tensor_index(shape: list[int], hi: int, dtype: str) -> dict[str, Any]:
        return {"shape": shape, "data": [float(i) for i in v.integers(shape, hi)], "dtype": dtype}

    out["gather"] = [
        ([u([3, 4])], {"dim": 1, "index": tensor_index([3, 2], 4, "float64")}),
        ([u([3, 4])], {"dim": 0, "index": tensor_index([5, 4], 3, "float32")}),
        ([u([4])], {"dim": 0, "index": [3, 0, 0, 2, 1]}),
        ([u([2, 3, 4])], {"dim": -1, "index": tensor_index([2, 2, 5], 4, "float64")}),
    ]
    out["indexSelect"] = [
        ([u([3, 4])], {"dim": 0, "index": [2, 0, 2]}),
        ([u([3, 4])], {"dim": -1, "index": [1, 1, 3, 0, 2]}),
        ([u([2, 3, 2])], {"dim": 1, "index": [2]}),
    ]
    out["concat"] = [
        ([u([2, 3]), u([1, 3])], {"dim": 0}),
        ([u([2, 1]), u([2, 3]), u([2, 2])], {"dim": -1}),
        ([u([3])], {"dim": 0}),
        ([u([2, 2, 3]), u([2, 1, 3])], {"dim": 1}),
    ]
    out["stack"] = [
        ([u([3]), u([3])], {"dim": 0}),
        ([u([2, 3]), u([2, 3]), u([2, 3])], {"dim": -1}),
        ([u([]), u([])], {"dim": 0}),
        ([u([2, 3])], {"dim": 1}),
    ]
    out["expand"] = [
        ([u([3])], {"shape": [2, 3]}),
        ([u([2, 1])], {"shape": [2, 4]}),
        ([u([])], {"shape": [2, 2]}),
        ([u([1, 3, 1])], {"shape": [2, 1, 3, 4]}),
    ]

    def mask(shape: list[int], dtype: str) -> dict[str, Any]:
        return {"shape": shape, "data": v.mask(shape).reshape(-1).tolist(), "dtype": dtype}

    out["where"] = [
        ([u([2, 3]), u([2, 3])], {"condition": mask([2, 3], "float64")}),
        ([u([2, 1]), u([])], {"condition": mask([3], "float32")}),
        ([u([3]), u([2, 3])], {"condition": mask([2, 1], "float64")}),
    ]
    out["where (number branch)"] = [
        ([u([3])], {"condition": mask([2, 3], "float64"), "c": 0, "side": "a"}),
        ([u([2, 3])], {"condition": mask([3], "float32"), "c": -1.5, "side": "b"}),
        ([u([2])], {"condition": mask([], "float64"), "c": 2, "side": "a"}),
    ]
    out["cast"] = [
        ([u([2, 3])], {"dtype": "float32"}),
        ([u([4])], {"dtype": "float64"}),
        ([u([])], {"dtype": "float32"}),
    ]
    out["clone"] = [([u([])], {}), ([u([2, 3])], {})]
    return out


# The ops without gradients (masks and indices): their values only. Ties on purpose: argmax
# takes the first maximal index (as torch.argmax), comparisons of equal values.
def forward_only(v: Values) -> list[dict[str, Any]]:
    def ints(shape: list[int]) -> torch.Tensor:
        return torch.tensor(v.integers(shape, 3), dtype=torch.float64).reshape(shape) - 1

    def operands(xs: list[torch.Tensor], a: dict[str, Any]) -> list[Any]:
        return [*xs, a["c"]] if a.get("side") == "b" else [a["c"], *xs] if "c" in a else xs

    compare = {"gt": torch.gt, "ge": torch.ge, "lt": torch.lt, "le": torch.le, "eq": torch.eq}
    cases: list[tuple[str, list[torch.Tensor], dict[str, Any], Callable[..., torch.Tensor]]] = []
    def compared(f: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
        def fn(xs: list[torch.Tensor], a: dict[str, Any]) -> torch.Tensor:
            return f(*[torch.tensor(o) if isinstance(o, float) else o for o in operands(xs, a)])

        return fn

    for name, f in compare.items():
        fn = compared(f)
        cases += [
            (name, [ints([2, 3]), ints([3])], {}, fn),
            (name, [ints([2, 1]), ints([1, 3])], {}, fn),
            (name, [ints([4])], {"c": 0.0, "side": "b"}, fn),
            (name, [ints([4])], {"c": 0.0, "side": "a"}, fn),
        ]
    am = lambda xs, a: torch.argmax(xs[0], a.get("dim"), a.get("keepdim", False))  # noqa: E731
    cases += [
        ("argmax", [ints([3, 4])], {"dim": 1}, am),
        ("argmax", [ints([3, 4])], {"dim": 0, "keepdim": True}, am),
        ("argmax", [ints([3, 4])], {"dim": -1, "keepdim": False}, am),
        ("argmax", [ints([2, 3])], {}, am),
        ("argmax", [ints([2, 2, 3])], {"dim": 1}, am),
    ]
    sg = lambda xs, a: torch.sign(xs[0])  # noqa: E731
    cases += [
        ("sign", [torch.tensor([-1.5, 0.0, 2.0, -0.0, 1e-300])], {}, sg),
        ("sign", [v.uniform([2, 3])], {}, sg),
    ]
    return [
        {
            "op": name,
            "case": i,
            "attrs": attrs,
            "forwardOnly": True,
            "inputs": [arr(x) for x in xs],
            "forward": arr(fn(xs, attrs).to(torch.float64)),
        }
        for i, (name, xs, attrs, fn) in enumerate(cases)
    ]


def generate() -> list[dict[str, Any]]:
    vals = Values(20240611)
    result = []
    for name, entries in cases(vals).items():
        fn = TORCH[name]
        for i, (inputs, attrs) in enumerate(entries):
            d = derivatives(lambda *xs: fn(list(xs), attrs), inputs, vals)
            result.append({"op": name, "case": i, "attrs": attrs, **d})
    missing = set(TORCH) - {c["op"] for c in result}
    if missing:
        raise ValueError(f"ops without cases: {sorted(missing)}")
    return result + forward_only(vals)

