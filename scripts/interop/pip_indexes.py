"""Prints, one per line, the pip index arguments venv.sh installs with: the first URL of the
configured extra-index-url as --index-url and the others as --extra-index-url (so that a machine
with a local index never waits on the public one), then a configured index-url as one more
--extra-index-url; with no index configured, PyTorch's CPU index as an extra one (PyPI stays
pip's default). Environment variables (PIP_EXTRA_INDEX_URL, PIP_INDEX_URL) win over files.

Reads `pip config list`, which, unlike `pip config get`, also shows the environment's values
and those of a PIP_CONFIG_FILE.
"""

from __future__ import annotations

import re
import subprocess
import sys

PYTORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def pip_config() -> dict[str, str]:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    return dict(re.findall(r"^([\w:.-]+)='(.*?)'$", listing, re.MULTILINE | re.DOTALL))


def urls(config: dict[str, str], key: str) -> list[str]:
    value = config.get(f":env:.{key}") or config.get(f"global.{key}") or ""
    return value.split()


def index_args(config: dict[str, str]) -> list[str]:
    extra, index = urls(config, "extra-index-url"), urls(config, "index-url")
    if not extra and not index:
        return ["--extra-index-url", PYTORCH_CPU_INDEX]
    first, *rest = extra + [u for u in index if u not in extra]
    args = ["--index-url", first]
    for url in rest:
        args += ["--extra-index-url", url]
    return args


if __name__ == "__main__":
    print("\n".join(index_args(pip_config())))
