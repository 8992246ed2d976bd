"""W5 of the side-by-side benchmark through Axon's Python door (bindings/python/axon over the
shipped libaxon.so; bench.py sets AXON_LIBRARY and PYTHONPATH): the cubic a + b x + c x^2 + d x^3
fit to sin(x) on 2000 points of [-pi, pi], plain autograd, SGD by hand (lr 1e-6), as torch_bench.py's
w5 and w5_polyfit.c: 2000 iterations, the first 50 a warm-up, so the coefficients can be compared
with PyTorch's. Prints microseconds per iteration (median of the timed ones) as one JSON line.

The loop is torch_bench.py's w5 with ``torch`` replaced by ``axon``: the update is in place
(``p -= 1e-6 * p.grad`` under no_grad, then ``p.grad = None``).

    AXON_LIBRARY=.../libaxon.so PYTHONPATH=bindings/python python w5_polyfit.py [--threads T]
"""
import argparse
import json
import math

import numpy as np
from w5_timing import time_iterations

import axon


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--iterations", type=int, default=2000)
    args = parser.parse_args()
    if args.threads:
        axon.set_num_threads(args.threads)
    x = axon.linspace(-math.pi, math.pi, 2000)
    y = axon.sin(x)
    params = [axon.tensor(v, requires_grad=True) for v in (-0.5, 0.8, 0.3, -0.1)]
    a, b, c, d = params

    def step():
        loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum()
        loss.backward()
        with axon.no_grad():
            for p in params:
                p -= 1e-6 * p.grad
                p.grad = None

    times = time_iterations(step, args.iterations)  # the first 50 are the warm-up
    print(json.dumps({"workload": "w5", "door": "python", "threads": axon.get_num_threads(),
                      "us_per_iteration": 1e6 * float(np.median(times)), "iterations": len(times),
                      "coefficients": [p.item() for p in params]}), flush=True)


if __name__ == "__main__":
    main()
