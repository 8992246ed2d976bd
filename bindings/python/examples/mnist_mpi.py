"""Data-parallel training of an MNIST MLP with mpi4py and Axon's PyTorch-shaped API.

Every rank holds a replica, rank 0's initial state is broadcast, each rank reads its share of
every global batch from a sharded loader, and the gradients are averaged with an Allreduce
before each optimizer step, in the PyTorch-style loop (``--loop torch``) or inside the library's
training step (``--loop library``). The library links no MPI: mpi4py is the engine.

    mpirun -np 4 python3 bindings/python/examples/mnist_mpi.py --batch 128 --steps 50 --out final.npy

Options: --data (the MNIST directory), --samples (the first N training images), --batch (the
global batch: each rank reads batch / ranks), --steps, --opt sgd|adam, --bn none|replica|sync,
--seed, --out (rank 0 saves the model's parameters and buffers, state_dict order, as one
float32 .npy array), --checkpoint and --save-at (rank 0 saves the model and optimizer state
after that many steps), --resume (every rank restores such a checkpoint: any world size with
the same global batch).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

import axon as torch
from axon import nn, parallel

ROOT = Path(__file__).resolve().parents[3]


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--data", default=str(ROOT / "Tests" / "Data"))
    arguments.add_argument("--samples", type=int, default=8192)
    arguments.add_argument("--batch", type=int, default=128)
    arguments.add_argument("--steps", type=int, default=50)
    arguments.add_argument("--opt", choices=["sgd", "adam"], default="sgd")
    arguments.add_argument("--bn", choices=["none", "replica", "sync"], default="none")
    arguments.add_argument("--loop", choices=["torch", "library"], default="torch")
    arguments.add_argument("--seed", type=int, default=1)
    arguments.add_argument("--out")
    arguments.add_argument("--checkpoint", help="rank 0 saves model and optimizer here after --save-at steps")
    arguments.add_argument("--save-at", type=int, default=-1)
    arguments.add_argument("--resume", help="every rank restores this checkpoint, then trains to --steps")
    options = arguments.parse_args()

    comm = MPI.COMM_WORLD
    if options.batch % comm.size:
        sys.exit(f"mnist_mpi: batch {options.batch} is not a multiple of {comm.size} ranks")

    def average(buffer):
        comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
        buffer /= comm.size

    def total(buffer):
        comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)

    train = torch.vision.datasets.MNIST(options.data, train=True)
    x = torch.tensor(train.data[:options.samples].reshape(-1, 784).astype(np.float32) / 255)
    y = torch.tensor(train.targets[:options.samples])

    torch.manual_seed(options.seed + comm.rank)  # different on each rank: the broadcast aligns them
    if options.bn == "none":
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 10))
    parallel.broadcast_parameters(model, lambda buffer: comm.Bcast(buffer, root=0))
    if options.bn == "sync":
        parallel.sync_batchnorm(model, total, rank=comm.rank, world_size=comm.size)
    if options.opt == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loader = parallel.ShardedLoader(x, y, options.batch // comm.size, rank=comm.rank, world_size=comm.size,
                                    shuffle=True, drop_last=True, seed=options.seed)

    step, loss, start = 0, float("nan"), time.perf_counter()
    skip = 0
    if options.resume:
        # Any world size with the same global batch resumes: the loader draws the same order from
        # the seed, so the batches already trained are skipped.
        saved = torch.load(options.resume)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        step = skip = saved["step"]
    while step < options.steps:
        for x_batch, y_batch in loader:
            if skip:
                skip -= 1
                continue
            if options.loop == "library":
                loss = parallel.train_step(model, optimizer, "cross_entropy", x_batch, y_batch, average)
            else:
                optimizer.zero_grad()
                value = nn.functional.cross_entropy(model(x_batch), y_batch)
                value.backward()
                parallel.all_reduce_gradients(model, average)
                optimizer.step()
                loss = value.item()
            step += 1
            if step == options.save_at and options.checkpoint and comm.rank == 0:
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step},
                           options.checkpoint)
            if step == options.steps:
                break
    elapsed = time.perf_counter() - start
    if comm.rank == 0:
        print(f"mnist_mpi.py: {comm.size} rank(s), {options.loop} loop, opt {options.opt}, bn {options.bn}, "
              f"{step} steps, last loss {loss:.6f}, {step * options.batch / elapsed:.0f} samples/s")
        if options.out:
            np.save(options.out, parallel.parameters_vector(list(model.state_dict().values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
