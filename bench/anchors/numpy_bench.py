"""The numpy anchor of `pnpm bench`: times the bench's cases with numpy and prints one JSON
object on stdout, which bench/lib/anchors.ts reads.

    python3 bench/anchors/numpy_bench.py info matmul dense train case_study elementwise activations

Each argument names a group of cases (see GROUPS). The TS side runs this with
OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1, so BLAS uses one thread;
`info` reports what BLAS numpy was built with and, when it can ask, its thread count.
Exit status 3 (and a line on stderr) when numpy cannot be imported.
"""

import json
import os
import sys
import time

try:
    import numpy as np
except ImportError as e:  # the TS side turns this into a skip note
    print(f"numpy is not importable: {e}", file=sys.stderr)
    sys.exit(3)


def timed(fn, *, warmup=2, min_runs=5, max_runs=50, min_time=0.3):
    """Median seconds of `fn()` after warm-up: at least min_runs calls, more until min_time."""
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_runs or (
        len(samples) < max_runs and time.perf_counter() - start < min_time
    ):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    n = len(samples)
    return samples[n // 2] if n % 2 else 0.5 * (samples[n // 2 - 1] + samples[n // 2])


def blas_threads():
    """OpenBLAS's own thread count, asked through ctypes (None when it cannot be asked)."""
    try:
        import ctypes

        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line}
        for path in libs:
            lib = ctypes.CDLL(path)
            for name in (
                "scipy_openblas_get_num_threads64_",
                "openblas_get_num_threads64_",
                "openblas_get_num_threads",
            ):
                fn = getattr(lib, name, None)
                if fn is not None:
                    return int(fn())
    except Exception:
        pass
    return None


def info():
    blas = None
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg["Build Dependencies"]["blas"]
        blas = f"{b.get('name')} {b.get('version')}"
    except Exception:
        pass
    return {
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "blas": blas,
        "blas_threads": blas_threads(),
        "env_threads": {
            k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        },
    }


# ---------------------------------------------------------------------------------------
# matmul: square n×n @ n×n, GFLOP/s


def matmul():
    rng = np.random.default_rng(0)
    out = {}
    for dtype in ("float32", "float64"):
        for n in (128, 256, 512, 1024):
            a = rng.standard_normal((n, n)).astype(dtype)
            b = rng.standard_normal((n, n)).astype(dtype)
            s = timed(lambda: a @ b, min_runs=3 if n >= 1024 else 5)
            out[f"{dtype} {n}"] = {"ms": s * 1e3, "gflops": 2 * n**3 / s / 1e9}
    return out


# ---------------------------------------------------------------------------------------
# dense: the three products of a dense layer, B=256, D=3072, H=100, float32


def dense():
    B, D, H = 256, 3072, 100
    rng = np.random.default_rng(0)
    X = rng.standard_normal((B, D)).astype(np.float32)  # stored [256, 3072]
    W = rng.standard_normal((D, H)).astype(np.float32)  # stored [3072, 100]
    dY = rng.standard_normal((B, H)).astype(np.float32)
    flops = 2 * B * D * H
    cases = {
        "XW": lambda: X @ W,  # X·W   [256,3072]@[3072,100]
        "XtdY": lambda: X.T @ dY,  # Xᵀ·dY [3072,256]@[256,100], X.T a view
        "dYWt": lambda: dY @ W.T,  # dY·Wᵀ [256,100]@[100,3072], W.T a view
    }
    out = {}
    for name, fn in cases.items():
        s = timed(fn)
        out[name] = {"ms": s * 1e3, "gflops": flops / s / 1e9}
    return out


# ---------------------------------------------------------------------------------------
# train: one SGD step of a 2-layer MLP, written the way the notes do it (float32)


def mlp_step_fn(B, D, H, C, dtype=np.float32, lr=0.01):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((B, D)).astype(dtype)
    y = rng.integers(0, C, size=B)
    W1 = (rng.standard_normal((D, H)) * np.sqrt(2.0 / D)).astype(dtype)
    b1 = np.zeros((1, H), dtype)
    W2 = (rng.standard_normal((H, C)) * np.sqrt(2.0 / H)).astype(dtype)
    b2 = np.zeros((1, C), dtype)
    rows = np.arange(B)

    def step():
        nonlocal W1, b1, W2, b2
        hidden = np.maximum(0, X @ W1 + b1)
        scores = hidden @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)
        exp_scores = np.exp(scores)
        probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
        loss = float(-np.log(probs[rows, y]).mean())
        dscores = probs
        dscores[rows, y] -= 1
        dscores /= B
        dW2 = hidden.T @ dscores
        db2 = dscores.sum(axis=0, keepdims=True)
        dhidden = dscores @ W2.T
        dhidden[hidden <= 0] = 0
        dW1 = X.T @ dhidden
        db1 = dhidden.sum(axis=0, keepdims=True)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
        return loss

    return step


def train():
    out = {}
    for name, (B, D, H, C) in {
        "784-128-10 b128": (128, 784, 128, 10),
        "3072-100-10 b256": (256, 3072, 100, 10),
    }.items():
        step = mlp_step_fn(B, D, H, C)
        s = timed(step, warmup=3, min_runs=10, min_time=0.5)
        out[name] = {"ms": s * 1e3}
    return out


# ---------------------------------------------------------------------------------------
# case_study: the notes' own code (cs231n "neural-networks-case-study"), float64 as written,
# and the same code on float32 arrays


def spiral(N=100, D=2, K=3, seed=0):
    rng = np.random.RandomState(seed)
    X = np.zeros((N * K, D))  # data matrix (each row = single example)
    y = np.zeros(N * K, dtype="uint8")  # class labels
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)  # radius
        t = np.linspace(j * 4, (j + 1) * 4, N) + rng.randn(N) * 0.2  # theta
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def case_study_run(dtype, iterations, seed=0):
    """The notes' 2-layer net loop, verbatim apart from the dtype and the timing around it.
    Returns (seconds per iteration over the timed iterations, the first and last loss)."""
    X, y = spiral(seed=seed)
    X = X.astype(dtype)
    D, K = 2, 3
    rng = np.random.RandomState(seed + 1)
    # initialize parameters randomly
    h = 100  # size of hidden layer
    W = (0.01 * rng.randn(D, h)).astype(dtype)
    b = np.zeros((1, h), dtype)
    W2 = (0.01 * rng.randn(h, K)).astype(dtype)
    b2 = np.zeros((1, K), dtype)

    # some hyperparameters
    step_size = 1e-0
    reg = 1e-3  # regularization strength

    # gradient descent loop
    num_examples = X.shape[0]
    warmup = 200
    losses = []
    t0 = 0.0
    for i in range(warmup + iterations):
        if i == warmup:
            t0 = time.perf_counter()

        # evaluate class scores, [N x K]
        hidden_layer = np.maximum(0, np.dot(X, W) + b)  # note, ReLU activation
        scores = np.dot(hidden_layer, W2) + b2

        # compute the class probabilities
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]

        # compute the loss: average cross-entropy loss and regularization
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
        loss = data_loss + reg_loss
        losses.append(float(loss))  # the notes print it every 1000 iterations

        # compute the gradient on scores
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples

        # backpropate the gradient to the parameters
        # first backprop into parameters W2 and b2
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0, keepdims=True)
        # next backprop into hidden layer
        dhidden = np.dot(dscores, W2.T)
        # backprop the ReLU non-linearity
        dhidden[hidden_layer <= 0] = 0
        # finally into W,b
        dW = np.dot(X.T, dhidden)
        db = np.sum(dhidden, axis=0, keepdims=True)

        # add regularization gradient contribution
        dW2 += reg * W2
        dW += reg * W

        # perform a parameter update
        W += -step_size * dW
        b += -step_size * db
        W2 += -step_size * dW2
        b2 += -step_size * db2
    seconds = (time.perf_counter() - t0) / iterations
    return seconds, losses[0], losses[-1]


def case_study_cold():
    """The notes' loop in a fresh process, before warm_allocator(): see warm_allocator."""
    return {dtype: case_study_run(dtype, 300)[0] * 1e3 for dtype in ("float64", "float32")}


COLD = {}


def case_study():
    runs = {"float64": [], "float32": []}
    for _ in range(3):  # alternating, so a change of load hits both alike
        for dtype in runs:
            runs[dtype].append(case_study_run(dtype, 1000))
    out = {}
    for dtype, rs in runs.items():
        rs.sort(key=lambda r: r[0])
        s, first, last = rs[1]
        out[dtype] = {
            "ms": s * 1e3,
            "cold_ms": COLD.get(dtype),
            "first_loss": first,
            "last_loss": last,
            "iterations": 1200,
        }
    return out


# ---------------------------------------------------------------------------------------
# elementwise: relu(a·b + c) on 10⁶ float32 values, Melem/s


def elementwise():
    n = 1_000_000
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(n).astype(np.float32) for _ in range(3))
    out = {}
    s = timed(lambda: np.maximum(a * b + c, 0), min_runs=10)
    out["expression"] = {"ms": s * 1e3, "melems": n / s / 1e6}
    buf = np.empty(n, np.float32)

    def in_place():
        np.multiply(a, b, out=buf)
        np.add(buf, c, out=buf)
        np.maximum(buf, 0, out=buf)
        return buf

    s = timed(in_place, min_runs=10)
    out["in place (out=)"] = {"ms": s * 1e3, "melems": n / s / 1e6}
    return out


# ---------------------------------------------------------------------------------------
# activations: sigmoid and tanh on 10⁶ float32 values (normal times 3), Melem/s


def activations():
    n = 1_000_000
    rng = np.random.default_rng(0)
    x = (3 * rng.standard_normal(n)).astype(np.float32)
    out = {}
    s = timed(lambda: 1 / (1 + np.exp(-x)), min_runs=10)
    out["sigmoid"] = {"ms": s * 1e3, "melems": n / s / 1e6}
    s = timed(lambda: np.tanh(x), min_runs=10)
    out["tanh"] = {"ms": s * 1e3, "melems": n / s / 1e6}
    return out


GROUPS = {
    "info": info,
    "matmul": matmul,
    "dense": dense,
    "train": train,
    "case_study": case_study,
    "elementwise": elementwise,
    "activations": activations,
}


def warm_allocator():
    """Allocate and free 8 MB once. glibc's malloc serves blocks above its mmap threshold
    (128 KB at start) with fresh mmaps and trims freed heap tops back to the OS, so a loop
    whose temporaries are a few hundred KB (the notes' float64 [300, 100] arrays) pays page
    faults on every iteration, ~5× slower, until a large block is freed and glibc raises both
    thresholds. A long-running process (a notebook) is in the raised state; this puts every
    group in it. The fresh-process time of the notes' loop is reported as cold_ms."""
    big = np.ones(1 << 20)  # 8 MB: at most 32 MB, or glibc does not adjust
    big[::4096] = 2.0
    del big


def main(argv):
    unknown = [g for g in argv if g not in GROUPS]
    if unknown:
        print(f"unknown group(s) {unknown}; known: {list(GROUPS)}", file=sys.stderr)
        return 2
    if "case_study" in argv:
        COLD.update(case_study_cold())
    warm_allocator()
    result = {g: GROUPS[g]() for g in (argv or ["info"])}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
