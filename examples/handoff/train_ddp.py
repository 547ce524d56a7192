"""The hand-off, step 2 of 3: PyTorch continues training tapegrad's MNIST network with
DistributedDataParallel, one process per CPU core here (the same script runs on GPUs and on
many machines with torchrun's --nnodes and the nccl backend):

    .venv-interop/bin/torchrun --standalone --nproc_per_node=2 examples/handoff/train_ddp.py

Reads out/handoff/tapegrad.safetensors (train.ts) into the torch.nn.Sequential of the same
layers with load_state_dict(..., strict=True), trains on out/handoff/digits.safetensors (each
process on its half of every batch, DDP averaging the gradients over gloo on loopback), and
writes out/handoff/torch.safetensors for tapegrad (finish.ts).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/handoff"), help="train.ts's folder")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training digits")
    parser.add_argument("--batch-size", type=int, default=64, help="digits per step, all processes")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--seed", type=int, default=0, help="seeds the order of the digits")
    return parser.parse_args()


def init_gloo() -> tuple[int, int]:
    """Joins the process group torchrun set up: gloo, on the loopback interface."""
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo0" if sys.platform == "darwin" else "lo")
    dist.init_process_group("gloo", timeout=timedelta(seconds=120))
    return dist.get_rank(), dist.get_world_size()


def mlp_for(weights: dict[str, torch.Tensor]) -> nn.Sequential:
    """tapegrad's MLP in torch.nn: Linear layers at indices 0, 2, … (weight [out, in]), ReLUs
    between them, as tapegrad's MLP names its layers."""
    layers: list[nn.Module] = []
    while (weight := weights.get(f"{len(layers)}.weight")) is not None:
        out_features, in_features = weight.shape
        layers.append(nn.Linear(in_features, out_features))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers[:-1])
    return nn.Sequential(*layers)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        right = int((model(x).argmax(1) == y).sum())
    model.train()
    return right / len(y)


def all_mean(value: float) -> float:
    """The mean of a number over the processes."""
    t = torch.tensor([value], dtype=torch.float64)
    dist.all_reduce(t)
    return float(t) / dist.get_world_size()


def load_tapegrad(path: Path) -> tuple[nn.Sequential, float]:
    """tapegrad's weights in the torch.nn equivalent (strict), and the accuracy it measured."""
    with safe_open(str(path), "pt") as f:
        measured = float((f.metadata() or {}).get("test_accuracy", "nan"))
    weights = load_file(str(path))
    model = mlp_for(weights)
    model.load_state_dict(weights, strict=True)
    return model, measured


def train(args: argparse.Namespace, rank: int, world: int) -> None:
    log = print if rank == 0 else (lambda *_: None)
    model, before = load_tapegrad(args.out / "tapegrad.safetensors")
    digits = load_file(str(args.out / "digits.safetensors"))
    test_x, test_y = digits["test.x"], digits["test.y"].long()
    start = accuracy(model, test_x, test_y)
    log(
        f"PyTorch {torch.__version__}, {world} processes (gloo): loaded "
        f"{args.out / 'tapegrad.safetensors'} with strict=True; test accuracy {start:.2%} "
        f"(tapegrad said {before:.2%})"
    )

    train = TensorDataset(digits["train.x"], digits["train.y"].long())
    sampler: DistributedSampler[tuple[torch.Tensor, ...]] = DistributedSampler(
        train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed
    )
    loader = DataLoader(train, batch_size=args.batch_size // world, sampler=sampler)
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=args.momentum)
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        total, steps = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(ddp(x), y)
            loss.backward()
            optimizer.step()
            total, steps = total + loss.item(), steps + 1
        mean_loss = all_mean(total / steps)
        log(
            f"epoch {epoch + 1}/{args.epochs}: {steps} DDP steps of {args.batch_size} digits, "
            f"mean loss {mean_loss:.4f}, test accuracy {accuracy(model, test_x, test_y):.2%}"
        )

    if rank == 0:
        path = args.out / "torch.safetensors"
        metadata = {
            "trained_by": f"PyTorch {torch.__version__} (DDP, {world} processes)",
            "test_accuracy": str(accuracy(model, test_x, test_y)),
            "epochs": str(args.epochs),
        }
        save_file(model.state_dict(), str(path), metadata=metadata)
        log(f"saved the weights to {path}")


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
    args = parse_args()
    rank, world = init_gloo()
    train(args, rank, world)
    shut_down()


if __name__ == "__main__":
    main()
