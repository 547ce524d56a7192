"""Trains the manifest's DDP models from tapegrad's weights with DistributedDataParallel: CPU,
the gloo backend on loopback, one process per half of the data. Run it under torchrun:

    torchrun --standalone --nproc_per_node=2 ddp_train.py [out/interop]

Each step: every rank computes the mean cross-entropy on its half of the batch, DDP averages
the gradients (the gradient of the mean over the whole batch), SGD with momentum steps. Rank 0
then writes the trained weights (for tapegrad's strict load in reload.ts), the model's outputs
on the probe input and the loss of every step on the whole batch.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from safetensors.torch import load_file, save_file
from torch.nn.parallel import DistributedDataParallel

from interop_common import load_manifest, out_dir
from torch_models import build


def init_gloo() -> tuple[int, int]:
    """Joins the process group torchrun set up; gloo on the loopback interface."""
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo0" if sys.platform == "darwin" else "lo")
    dist.init_process_group("gloo", timeout=timedelta(seconds=120))
    return dist.get_rank(), dist.get_world_size()


def shard(n: int, rank: int, world: int) -> slice:
    """This rank's rows of a batch of n (n divisible by the world size)."""
    assert n % world == 0, f"a batch of {n} does not split into {world} equal halves"
    return slice(rank * n // world, (rank + 1) * n // world)


def replicas_differ(model: torch.nn.Module, world: int) -> float:
    """The largest difference between this rank's parameters and the other ranks'."""
    worst = 0.0
    for p in model.parameters():
        mine = p.detach().contiguous()
        copies = [torch.empty_like(mine) for _ in range(world)]
        dist.all_gather(copies, mine)
        worst = max(worst, max(float((c - mine).abs().max()) for c in copies))
    return worst


def train(out: Path, entry: dict[str, Any], config: dict[str, Any], rank: int, world: int) -> None:
    data = load_file(str(out / config["data"]))
    rows = shard(data["x"].shape[0], rank, world)
    x, y = data["x"][rows], data["y"][rows].long()
    model = build(entry)
    model.load_state_dict(load_file(str(out / entry["weights"])), strict=True)
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=config["lr"], momentum=config["momentum"])
    losses = []
    for _ in range(config["steps"]):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(ddp(x), y)
        loss.backward()
        optimizer.step()
        whole = loss.detach().clone()
        dist.all_reduce(whole)
        losses.append(float(whole) / world)
    spread = replicas_differ(model, world)
    if rank == 0:
        model.eval()
        probe = load_file(str(out / entry["probe"]))
        with torch.no_grad():
            output = model(probe["input"])
        metadata = {"world_size": str(world), "steps": str(config["steps"])}
        save_file(model.state_dict(), str(out / entry["ddpWeights"]), metadata=metadata)
        result = {"input": probe["input"], "output": output, "losses": torch.tensor(losses)}
        save_file(result, str(out / entry["ddpResult"]))
        print(
            f"  {entry['name']:<24} {config['steps']} DDP steps on {world} processes: "
            f"loss {losses[0]:.4f} → {losses[-1]:.4f}; replicas differ by {spread:.1e}"
        )
    if spread != 0.0:
        raise AssertionError(f"{entry['name']}: DDP replicas differ by {spread}")


def shut_down() -> None:
    """Leaves the process group, then ends the process at once (status 0), without Python's
    interpreter teardown: there, now and then, a gloo thread of PyTorch touching a Python object
    aborts the process after all the work is done ("terminate called without an active
    exception", SIGABRT; seen once in ~40 runs on 2 loaded cores), and torchrun would report
    the run as failed."""
    dist.barrier()
    dist.destroy_process_group()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main() -> None:
    rank, world = init_gloo()
    out = out_dir()
    manifest = load_manifest(out)
    config = manifest["ddp"]
    if world != config["worldSize"]:
        raise SystemExit(f"ddp_train.py: run with {config['worldSize']} processes, got {world}")
    for entry in manifest["torch"]:
        if "ddpWeights" in entry:
            train(out, entry, config, rank, world)
    if rank == 0:
        print(f"ddp_train.py: torch {torch.__version__}, gloo, {world} processes: saved")
    shut_down()


if __name__ == "__main__":
    main()
