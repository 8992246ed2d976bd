"""The PyTorch side of the side-by-side benchmark: the subcommands of axon-bench (AxonBench/) with
the same shapes, hyperparameters and data, and the same JSON output (one object per line). W5,
the polynomial fit, is here too (Axon runs it through its C and Python doors). bench.py runs this.

    python torch_bench.py info
    python torch_bench.py w1 --n N --threads T
    python torch_bench.py w2 --batch B --threads T [--fused 1]
    python torch_bench.py w3 --batch B --threads T
    python torch_bench.py w4 --threads T
    python torch_bench.py w5 --threads T
    python torch_bench.py w6 --threads T [--data DIR]
    python torch_bench.py w7 --threads T [--data FILE]
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
from w5_timing import time_iterations
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def emit(**fields):
    print(json.dumps(fields), flush=True)


def time_each(body, warmup, min_reps, min_seconds):
    """Seconds of each call of `body` after `warmup` calls, until min_reps calls and min_seconds."""
    for _ in range(warmup):
        body()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return times


def mlp(sizes, batch_norm, dropout):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 == len(sizes):
            break
        if batch_norm:
            layers.append(nn.BatchNorm1d(sizes[i + 1]))
        layers.append(nn.ReLU())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def train_step(model, opt, x, y):
    """Forward, cross-entropy, zero grad, backward, optimizer step (as axon-bench's trainStep)."""
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def idx(path):
    data = gzip.open(path).read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def cmd_info(args):
    emit(torch_version=torch.__version__, cpu_capability=torch.backends.cpu.get_cpu_capability(),
         threads=torch.get_num_threads())


def cmd_w1(args):
    n = args.n
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        torch.mm(a, b)
    reps, start = 0, time.perf_counter()
    while reps < 2 or time.perf_counter() - start < 0.3:
        torch.mm(a, b)
        reps += 1
    seconds = (time.perf_counter() - start) / reps
    emit(workload="w1", n=n, threads=torch.get_num_threads(), gflops=2 * n ** 3 / seconds / 1e9, reps=reps)


def cmd_w2(args):
    model = mlp([784, 512, 512, 10], batch_norm=True, dropout=0.2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=bool(args.fused) or None)
    x, y = torch.randn(args.batch, 784), torch.randint(0, 10, (args.batch,))
    last = []
    times = time_each(lambda: last.append(train_step(model, opt, x, y)), 5, 20, 0.5)
    emit(workload="w2", batch=args.batch, threads=torch.get_num_threads(), fused=bool(args.fused),
         ms_per_step=1e3 * float(np.median(times)), steps=len(times), loss=last[-1].item())


def cmd_w3(args):
    model = mlp([784, 512, 512, 10], batch_norm=True, dropout=0.2).eval()
    x = torch.randn(args.batch, 784)
    with torch.inference_mode():
        times = time_each(lambda: model(x), 20, 50, 0.5)
    emit(workload="w3", batch=args.batch, threads=torch.get_num_threads(),
         us_per_forward=1e6 * float(np.median(times)), reps=len(times))


def cmd_w4(args):
    model = cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    last = []
    times = time_each(lambda: last.append(train_step(model, opt, x, y)), 3, 20, 0.5)
    emit(workload="w4", threads=torch.get_num_threads(), ms_per_step=1e3 * float(np.median(times)),
         steps=len(times), loss=last[-1].item())


def cmd_w5(args):
    """The cubic a + b x + c x^2 + d x^3 fit to sin(x) on 2000 points, plain autograd, SGD by hand (lr 1e-6),
    2000 iterations of which the first 50 are a warm-up (as w5_polyfit.c and w5_polyfit.py)."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    params = [torch.tensor(v, requires_grad=True) for v in (-0.5, 0.8, 0.3, -0.1)]
    a, b, c, d = params

    def step():
        loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 1e-6 * p.grad
                p.grad = None

    times = time_iterations(step, args.iterations)  # the first 50 are the warm-up
    emit(workload="w5", door="torch", threads=torch.get_num_threads(),
         us_per_iteration=1e6 * float(np.median(times)), iterations=len(times),
         coefficients=[p.item() for p in params])


def cmd_w6(args):
    x = torch.tensor(idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")), dtype=torch.float32) / 255
    x = ((x - 0.1307) / 0.3081).reshape(len(x), -1)
    y = torch.tensor(idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")), dtype=torch.int64)
    model = mlp([784, 512, 512, 10], batch_norm=False, dropout=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    perm = torch.randperm(len(x))
    for i in range(2):  # warm-up: two steps, as axon-bench
        j = perm[i * 4096:(i + 1) * 4096]
        train_step(model, opt, x[j], y[j])
    start, total, steps = time.perf_counter(), 0.0, 0
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 4096):
        j = perm[i:i + 4096]
        total += train_step(model, opt, x[j], y[j]).item()
        steps += 1
    emit(workload="w6", threads=torch.get_num_threads(), seconds_per_epoch=time.perf_counter() - start,
         steps=steps, mean_loss=total / steps)


def cmd_w7(args):
    with gzip.open(args.data, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    x, y = torch.tensor(table[:, :-1] / 16), torch.tensor(table[:, -1], dtype=torch.int64)
    xtr, ytr, xte, yte = x[:1437], y[:1437], x[1437:], y[1437:]
    model = mlp([64, 128, 128, 10], batch_norm=True, dropout=0.2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    model.train()
    for _ in range(50):
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 32):
            j = perm[i:i + 32]
            train_step(model, opt, xtr[j], ytr[j])
    model.eval()
    with torch.no_grad():
        accuracy = (model(xte).argmax(1) == yte).float().mean().item()
    emit(workload="w7", threads=torch.get_num_threads(), epochs=50, test_accuracy=accuracy,
         seconds=time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["info", "w1", "w2", "w3", "w4", "w5", "w6", "w7"])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--fused", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.data is None:
        args.data = os.path.join(ROOT, "Tests", "Data", "mnist" if args.command == "w6" else
                                 os.path.join("sklearn_toy", "digits.csv.gz"))
    torch.manual_seed(0)
    globals()["cmd_" + args.command](args)


if __name__ == "__main__":
    sys.exit(main())
