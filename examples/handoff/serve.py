"""Serving the network in Python: out/handoff/mlp.onnx (finish.ts) in ONNX Runtime, on the test
digits train.ts saved. No tapegrad and no PyTorch here: what a server needs is the .onnx file.

    .venv-interop/bin/python examples/handoff/serve.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnxruntime as ort
from safetensors.numpy import load_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("out/handoff"), help="the example's folder"
    )
    args = parser.parse_args()
    session = ort.InferenceSession(str(args.out / "mlp.onnx"), providers=["CPUExecutionProvider"])
    digits = load_file(str(args.out / "digits.safetensors"))
    x, y = digits["test.x"], digits["test.y"].astype(np.int64)
    (logits,) = session.run(["logits"], {"pixels": x})
    accuracy = float(np.mean(logits.argmax(1) == y))
    one = session.run(["logits"], {"pixels": x[:1]})[0]
    print(
        f"onnxruntime {ort.__version__} (Python): {args.out / 'mlp.onnx'} on {len(y)} test digits "
        f"in one batch: accuracy {accuracy:.2%}; the first digit alone: {int(one.argmax())} "
        f"(label {int(y[0])})"
    )


if __name__ == "__main__":
    main()
