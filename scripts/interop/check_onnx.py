"""Checks every ONNX file export.ts wrote: onnx.checker with full checking (strict shape and
type inference), then ONNX's reference implementation and onnxruntime on the sample inputs,
at the traced batch size and others, against tapegrad's outputs.

Usage: python check_onnx.py [out/interop]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx.reference import ReferenceEvaluator
from safetensors.numpy import load_file

from interop_common import ONNX_TOL, Agreement, compare, load_manifest, out_dir


def check_file(out: Path, entry: dict[str, Any]) -> tuple[Agreement, Agreement]:
    """Checker, then reference and onnxruntime runs; their agreement with tapegrad."""
    path = out / entry["file"]
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    reference = ReferenceEvaluator(model)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tensors = load_file(str(out / entry["tensors"]))
    ref_agreement, ort_agreement = Agreement(), Agreement()
    for run in entry["runs"]:
        feeds = {name: tensors[key] for name, key in run["inputs"].items()}
        want = tensors[run["output"]]
        what = f"{entry['name']} at batch {run['batch']}"
        (ref_out,) = reference.run([run["outputName"]], feeds)
        (ort_out,) = session.run([run["outputName"]], feeds)
        ref_agreement.add(compare(np.asarray(ref_out), want, ONNX_TOL, f"{what}, reference"))
        ort_agreement.add(compare(ort_out, want, ONNX_TOL, f"{what}, onnxruntime"))
    return ref_agreement, ort_agreement


def main() -> None:
    out = out_dir()
    entries = load_manifest(out)["onnx"]
    ref_total, ort_total = Agreement(), Agreement()
    print(f"  {'model':<34} {'batches':<10} max abs / rel difference from tapegrad")
    for entry in entries:
        ref, rt = check_file(out, entry)
        batches = ",".join(str(r["batch"]) for r in entry["runs"])
        print(
            f"  {entry['name']:<34} {batches:<10} reference {ref.max_abs:.1e} / {ref.max_rel:.1e}, "
            f"onnxruntime {rt.max_abs:.1e} / {rt.max_rel:.1e}"
        )
        ref_total.add(ref)
        ort_total.add(rt)
    print(
        f"check_onnx.py: {len(entries)} files pass onnx.checker (full_check) "
        f"(onnx {onnx.__version__}, onnxruntime {ort.__version__})"
    )
    print(f"  reference implementation vs tapegrad: {ref_total} (tolerance {ONNX_TOL})")
    print(f"  onnxruntime vs tapegrad:               {ort_total} (tolerance {ONNX_TOL})")


if __name__ == "__main__":
    main()
