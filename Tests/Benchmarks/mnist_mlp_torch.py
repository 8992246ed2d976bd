"""The workload of `axon-cli mnist`, in PyTorch, for a side-by-side run.

784-256-256-10 with BatchNorm1d, ReLU, Dropout 0.2; Adam lr 1e-3; batch 128; StepLR(2, 0.1)
per epoch; clip_grad_norm_ 5; 3 epochs; test accuracy in eval mode. Reads the same IDX.gz
files. Prints one line per epoch and a final line `torch: accuracy A seconds S`.

    python3 Tests/Benchmarks/mnist_mlp_torch.py [data_dir] [threads]
"""
import gzip
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    data = gzip.open(path).read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "Tests/Data/mnist"
    if len(sys.argv) > 2:
        torch.set_num_threads(int(sys.argv[2]))
    torch.manual_seed(0)

    def load(images, labels):
        x = torch.tensor(idx(f"{root}/{images}"), dtype=torch.float32) / 255
        x = ((x - 0.1307) / 0.3081).reshape(len(x), -1)
        return x, torch.tensor(idx(f"{root}/{labels}"), dtype=torch.int64)

    xtr, ytr = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
    xte, yte = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    model = nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    start = time.perf_counter()
    for epoch in range(3):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            idx_b = perm[i:i + 128]
            loss = F.cross_entropy(model(xtr[idx_b]), ytr[idx_b])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        sched.step()
        print(f"torch epoch {epoch + 1}: test accuracy {100 * acc:.2f}%  {time.perf_counter() - t0:.1f} s")
    print(f"torch: accuracy {acc:.4f} seconds {time.perf_counter() - start:.2f}")


if __name__ == "__main__":
    main()
