"""Reference values for Axon's op catalog, computed by PyTorch.

For every case of Tests/AxonTests/OpCatalogTests.swift (same names), this draws inputs
with numpy (seeded), evaluates the op in float32 with torch, pulls back a random
cotangent, and writes inputs, output, cotangent and input gradients to ops.json.

    python3 Tests/AxonTests/Fixtures/generate_ops.py   # needs torch and numpy

The two adaptiveAvgPool2d cases were added later with torch 2.13 (the file's "torch" field
names the version of the others): written to a scratch file with AXON_OPS_JSON and merged into
ops.json, so the earlier cases keep their data to the bit.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(2026)


def away(*shape):
    x = rng.uniform(0.2, 1.0, shape)
    return x * np.where(rng.uniform(size=shape) < 0.5, -1, 1)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def normal(*shape, std=1.0):
    return rng.normal(0, std, shape)


def distinct(*shape):
    n = int(np.prod(shape))
    v = np.arange(n) * 0.1 - n * 0.05 + 0.01
    return rng.permutation(v).reshape(shape)


WHERE_MASK = torch.tensor([1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1], dtype=torch.float32).reshape(3, 4)
GATHER_INDEX = torch.tensor([0, 3, 3, 1, 2, 2, 0, 1, 3]).reshape(3, 3)

CASES = [
    ("add [3, 4] [3, 4]", lambda: [away(3, 4), away(3, 4)], lambda a, b: a + b),
    ("add [2, 1, 3] [4, 1]", lambda: [away(2, 1, 3), away(4, 1)], lambda a, b: a + b),
    ("sub [3, 4] [4]", lambda: [away(3, 4), away(4)], lambda a, b: a - b),
    ("sub [] [2, 3]", lambda: [away(), away(2, 3)], lambda a, b: a - b),
    ("mul [3, 4] [3, 4]", lambda: [away(3, 4), away(3, 4)], lambda a, b: a * b),
    ("mul [3, 1] [1, 5]", lambda: [away(3, 1), away(1, 5)], lambda a, b: a * b),
    ("div [3, 4] [3, 4]", lambda: [away(3, 4), positive(3, 4)], lambda a, b: a / b),
    ("div [2, 3] [3]", lambda: [away(2, 3), positive(3)], lambda a, b: a / b),
    ("neg [3, 4]", lambda: [away(3, 4)], lambda x: -x),
    ("pow 3 [3, 4]", lambda: [away(3, 4)], lambda x: x ** 3),
    ("pow -1.5 [5]", lambda: [positive(5)], lambda x: x ** -1.5),
    ("pow 0.5 [2, 3]", lambda: [positive(2, 3)], lambda x: x ** 0.5),
    ("pow tensor [3, 4] [4]", lambda: [positive(3, 4), away(4)], lambda a, b: a ** b),
    ("exp [3, 4]", lambda: [away(3, 4)], torch.exp),
    ("log [3, 4]", lambda: [positive(3, 4)], torch.log),
    ("sqrt [3, 4]", lambda: [positive(3, 4)], torch.sqrt),
    ("abs [3, 4]", lambda: [away(3, 4)], torch.abs),
    ("clamp [4, 5]", lambda: [distinct(4, 5)], lambda x: torch.clamp(x, -0.52, 0.48)),
    ("clamp min [6]", lambda: [distinct(6)], lambda x: torch.clamp(x, min=-0.04)),
    ("sin [3, 4]", lambda: [normal(3, 4)], torch.sin),
    ("cos [3, 4]", lambda: [normal(3, 4)], torch.cos),
    ("tanh [3, 4]", lambda: [normal(3, 4)], torch.tanh),
    ("sigmoid [3, 4]", lambda: [normal(3, 4)], torch.sigmoid),
    ("relu [3, 4]", lambda: [away(3, 4)], torch.relu),
    ("leakyRelu [3, 4]", lambda: [away(3, 4)], lambda x: F.leaky_relu(x, 0.1)),
    ("elu [3, 4]", lambda: [away(3, 4)], F.elu),
    ("gelu [3, 4]", lambda: [normal(3, 4)], F.gelu),
    ("softplus [3, 4]", lambda: [normal(3, 4)], F.softplus),
    ("erf [3, 4]", lambda: [normal(3, 4)], torch.erf),
    ("maximum [3, 4] [4]", lambda: (lambda x: [x[:3], x[3]])(distinct(4, 4)), torch.maximum),
    ("minimum [2, 3]", lambda: (lambda x: [x[0], x[1]])(distinct(2, 2, 3)), torch.minimum),
    ("maxout 3 pieces", lambda: list(distinct(3, 2, 4)), lambda a, b, c: torch.maximum(torch.maximum(a, b), c)),
    ("matmul [3, 4] [4, 5]", lambda: [away(3, 4), away(4, 5)], torch.matmul),
    ("matmul batched [2, 3, 4] [2, 4, 5]", lambda: [away(2, 3, 4), away(2, 4, 5)], torch.matmul),
    ("matmul broadcast [2, 1, 3, 4] [3, 4, 2]", lambda: [away(2, 1, 3, 4), away(3, 4, 2)], torch.matmul),
    ("matmul vector-matrix [4] [4, 5]", lambda: [away(4), away(4, 5)], torch.matmul),
    ("matmul matrix-vector [3, 4] [4]", lambda: [away(3, 4), away(4)], torch.matmul),
    ("matmul large [7, 37] [37, 19]", lambda: [away(7, 37), away(37, 19)], torch.matmul),
    ("transpose [3, 4]", lambda: [away(3, 4)], lambda x: x.transpose(-2, -1)),
    ("permute [2, 3, 4]", lambda: [away(2, 3, 4)], lambda x: x.permute(2, 0, 1)),
    ("reshape [2, 3, 4]", lambda: [away(2, 3, 4)], lambda x: x.reshape(4, -1)),
    ("expand [3, 1]", lambda: [away(3, 1)], lambda x: x.expand(2, 3, 4)),
    ("slice [4, 5]", lambda: [away(4, 5)], lambda x: x[:, 1:4]),
    ("slice negative [6, 2]", lambda: [away(6, 2)], lambda x: x[-4:-1]),
    ("concat", lambda: [normal(2, 3), normal(2, 1), normal(2, 2)], lambda *xs: torch.cat(xs, 1)),
    ("indexSelect [4, 3]", lambda: [away(4, 3)], lambda x: torch.index_select(x, 0, torch.tensor([3, 0, 3, 1]))),
    ("gather [3, 4]", lambda: [away(3, 4)], lambda x: torch.gather(x, 1, GATHER_INDEX)),
    ("sum all [3, 4]", lambda: [away(3, 4)], lambda x: x.sum()),
    ("sum axes [2, 3, 4]", lambda: [away(2, 3, 4)], lambda x: x.sum((0, 2))),
    ("sum keepDims [2, 3, 4]", lambda: [away(2, 3, 4)], lambda x: x.sum(1, keepdim=True)),
    ("mean [2, 3, 4]", lambda: [away(2, 3, 4)], lambda x: x.mean(-1)),
    ("max [3, 5]", lambda: [distinct(3, 5)], lambda x: x.amax(1)),
    ("max all [2, 3, 2]", lambda: [distinct(2, 3, 2)], lambda x: x.amax()),
    ("min [3, 5]", lambda: [distinct(3, 5)], lambda x: x.amin(0)),
    ("var [3, 5]", lambda: [normal(3, 5)], lambda x: x.var(1)),
    ("var biased [2, 3, 4]", lambda: [normal(2, 3, 4)], lambda x: x.var((0, 2), unbiased=False)),
    ("softmax [3, 5]", lambda: [normal(3, 5)], lambda x: torch.softmax(x, -1)),
    ("softmax axis 0 [4, 3]", lambda: [normal(4, 3)], lambda x: torch.softmax(x, 0)),
    ("logSoftmax [3, 5]", lambda: [normal(3, 5)], lambda x: torch.log_softmax(x, 1)),
    ("logSumExp [3, 5]", lambda: [normal(3, 5)], lambda x: torch.logsumexp(x, 1)),
    ("conv2d", lambda: [normal(2, 3, 5, 5), normal(4, 3, 3, 3, std=0.3), normal(4)], lambda x, w, b: F.conv2d(x, w, b)),
    ("conv2d stride 2 padding 1", lambda: [normal(1, 2, 6, 5), normal(3, 2, 3, 2, std=0.3)],
     lambda x, w: F.conv2d(x, w, stride=2, padding=1)),
    ("conv2d dilation 2", lambda: [normal(1, 2, 7, 7), normal(2, 2, 3, 3, std=0.3)],
     lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=2)),
    ("conv2d groups 2", lambda: [normal(2, 4, 4, 4), normal(6, 2, 2, 2, std=0.3), normal(6)],
     lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), groups=2)),
    ("maxPool2d [2, 2, 4, 4]", lambda: [distinct(2, 2, 4, 4)], lambda x: F.max_pool2d(x, 2)),
    ("maxPool2d stride 1 padding 1 [1, 2, 5, 4]", lambda: [distinct(1, 2, 5, 4)],
     lambda x: F.max_pool2d(x, (3, 2), stride=1, padding=1)),
    ("avgPool2d [2, 2, 4, 6]", lambda: [normal(2, 2, 4, 6)], lambda x: F.avg_pool2d(x, (2, 3))),
    ("avgPool2d padding [1, 3, 5, 5]", lambda: [normal(1, 3, 5, 5)], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1)),
    ("where", lambda: [normal(3, 4), normal(4)], lambda a, b: torch.where(WHERE_MASK != 0, a, b)),
    # Added later, at the end, so the cases above keep their seeded inputs.
    ("adaptiveAvgPool2d [2, 2, 7, 5]", lambda: [normal(2, 2, 7, 5)], lambda x: F.adaptive_avg_pool2d(x, (3, 2))),
    ("adaptiveAvgPool2d larger [1, 2, 3, 2]", lambda: [normal(1, 2, 3, 2)],
     lambda x: F.adaptive_avg_pool2d(x, (4, 3))),
]


def pack(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    out = {}
    for name, make, f in CASES:
        inputs = [torch.tensor(np.asarray(x), dtype=torch.float32, requires_grad=True) for x in make()]
        y = f(*inputs)
        cotangent = torch.tensor(rng.normal(0, 1, tuple(y.shape)), dtype=torch.float32)
        grads = torch.autograd.grad(y, inputs, cotangent, allow_unused=True)
        out[name] = {
            "inputs": [pack(x) for x in inputs],
            "output": pack(y),
            "cotangent": pack(cotangent),
            "grads": [pack(g if g is not None else torch.zeros_like(x)) for g, x in zip(grads, inputs)],
        }
    path = os.environ.get("AXON_OPS_JSON") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops.json")
    with open(path, "w") as fh:
        json.dump({"generator": "generate_ops.py", "torch": torch.__version__, "cases": out}, fh, separators=(",", ":"))
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
