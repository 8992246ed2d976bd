"""Reference values for Axon's layers and losses, computed by PyTorch.

Writes layers.json and losses.json beside this script. Module parameters come from
PyTorch's default initialisation under a fixed `torch.manual_seed` per case (the affine
parameters and running statistics of normalisation layers, and the `weight_g` of weight
norm, are then overwritten with random values so they matter); inputs and cotangents are
drawn with numpy `default_rng` under a fixed seed per case. Everything is float32.

    /work/torchvenv/bin/python Tests/AxonTests/Fixtures/generate_layers.py   # needs torch and numpy

JSON layout (compact, no whitespace). A tensor is `{"shape": [..], "data": [..]}` with the
data flat in row-major order; every value is the exact float32 value written as a JSON
number (integer-valued things such as class indices and `num_batches_tracked` too, as
floats; a scalar has shape [] and one datum).

layers.json:
    {"generator": "generate_layers.py", "torch": "<version>",
     "added_with_torch": {version: [name, ...]},  # optional: cases merged into an older file by another
                                                  # torch version (the script itself always writes all)
     "cases": {name: {
        "train": bool,           # module mode during the forward
        "state": {key: tensor},  # full state_dict before the forward, in state_dict order
        "state_keys": [key, ...],  # the state_dict order (JSON readers may not keep it)
        "input": tensor,
        "output": tensor,
        "cotangent": tensor,     # random normal, shape of output; gradients are of sum(output * cotangent)
        "input_grad": tensor,
        "param_grads": {name: tensor},   # every parameter, named and ordered as named_parameters()
        "state_after": {key: tensor}}},  # full state_dict after the forward (running stats updated in train mode)
     "sequences": {name: {
        "module": str,           # description, e.g. "BatchNorm1d(4)"
        "state": {key: tensor},  # initial state_dict
        "state_keys": [key, ...],
        "steps": [tensor, ...],  # inputs of successive forwards in train mode
        "outputs": [tensor, ...],
        "state_after": {key: tensor},    # state_dict after all the steps
        "eval_input": tensor,
        "eval_output": tensor}}}         # forward of eval_input after .eval()

losses.json:
    {"generator": "generate_layers.py", "torch": "<version>",
     "cases": {name: {
        "input": tensor, "target": tensor, "output": tensor,
        "cotangent": tensor,     # only for reduction='none'; otherwise the cotangent is 1
        "input_grad": tensor}}}  # d sum(output * cotangent) / d input
"""
import json
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def pack(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def pack_state(module):
    return {k: pack(v) for k, v in module.state_dict().items()}


class Inputs:
    """numpy-seeded input draws, as float32 torch tensors."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def normal(self, *shape, std=1.0):
        return torch.tensor(self.rng.normal(0, std, shape), dtype=torch.float32)

    def uniform(self, *shape, low=0.0, high=1.0):
        return torch.tensor(self.rng.uniform(low, high, shape), dtype=torch.float32)

    def distinct(self, *shape):
        n = int(np.prod(shape))
        v = np.arange(n) * 0.1 - n * 0.05 + 0.01
        return torch.tensor(self.rng.permutation(v).reshape(shape), dtype=torch.float32)

    def integers(self, high, *shape):
        return torch.tensor(self.rng.integers(0, high, shape), dtype=torch.long)

    def spread(self, *shape, small, large):
        """Values with magnitudes half in `small`, half in `large` (each a (low, high) range), random signs."""
        n = int(np.prod(shape))
        k = n // 2
        mags = np.concatenate([self.rng.uniform(*small, k), self.rng.uniform(*large, n - k)])
        signs = np.where(self.rng.uniform(size=n) < 0.5, -1.0, 1.0)
        return torch.tensor(self.rng.permutation(mags * signs).reshape(shape), dtype=torch.float32)


# ----------------------------------------------------------------------------- modules


class Maxout(nn.Module):
    """Maxout with 3 pieces over the feature axis: out[:, j] = max(x[:, 3j], x[:, 3j+1], x[:, 3j+2])."""

    def forward(self, x):
        return x.view(x.shape[0], x.shape[1] // 3, 3).amax(-1)


class Residual(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x + self.body(x)


NORM_TYPES = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)


def randomize(module):
    """Random affine parameters and running statistics for every normalisation layer, random weight_g."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, NORM_TYPES):
                if getattr(m, "weight", None) is not None:
                    m.weight.copy_(1 + 0.3 * torch.randn_like(m.weight))
                if getattr(m, "bias", None) is not None:
                    m.bias.copy_(0.3 * torch.randn_like(m.bias))
        for m in module.modules():
            if isinstance(m, nn.modules.batchnorm._NormBase) and m.track_running_stats:
                m.running_mean.copy_(0.3 * torch.randn_like(m.running_mean))
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
            if hasattr(m, "weight_g"):
                m.weight_g.mul_(torch.rand_like(m.weight_g) + 0.5)


def randomize_affine(module):
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, NORM_TYPES) and getattr(m, "weight", None) is not None:
                m.weight.copy_(1 + 0.3 * torch.randn_like(m.weight))
                m.bias.copy_(0.3 * torch.randn_like(m.bias))


def weight_norm(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.nn.utils.weight_norm(module)


ACTIVATIONS = [
    ("relu", nn.ReLU), ("leaky_relu", nn.LeakyReLU), ("elu", nn.ELU), ("gelu", nn.GELU),
    ("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh), ("softmax", lambda: nn.Softmax(dim=1)),
    ("log_softmax", lambda: nn.LogSoftmax(dim=1)), ("softplus", nn.Softplus), ("identity", nn.Identity),
]

# (name, module factory, input shape, input kind, train)
LAYER_CASES = [
    ("linear", lambda: nn.Linear(5, 3), (4, 5), "normal", True),
    ("linear_nobias_batched", lambda: nn.Linear(5, 3, bias=False), (2, 3, 5), "normal", True),
    ("conv2d", lambda: nn.Conv2d(3, 4, 3), (2, 3, 6, 6), "normal", True),
    ("conv2d_full", lambda: nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, dilation=(2, 1), groups=2),
     (2, 4, 9, 8), "normal", True),
    ("maxpool2d", lambda: nn.MaxPool2d(2), (2, 3, 6, 6), "distinct", True),
    ("maxpool2d_s1p1", lambda: nn.MaxPool2d(3, stride=1, padding=1), (1, 2, 5, 5), "distinct", True),
    ("avgpool2d", lambda: nn.AvgPool2d(2), (2, 3, 6, 6), "normal", True),
    ("avgpool2d_s2p1", lambda: nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 7, 7), "normal", True),
    *[(name, factory, (4, 6), "normal", True) for name, factory in ACTIVATIONS],
    ("maxout", Maxout, (4, 12), "distinct", True),
    ("flatten", nn.Flatten, (2, 3, 4, 5), "normal", True),
    ("sequential", lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)), (5, 6), "normal", True),
    ("residual", lambda: Residual(nn.Sequential(nn.Linear(6, 6), nn.Tanh())), (5, 6), "normal", True),
    ("batchnorm1d_nc", lambda: nn.BatchNorm1d(4), (8, 4), "normal", True),
    ("batchnorm1d_ncl", lambda: nn.BatchNorm1d(3), (4, 3, 5), "normal", True),
    ("batchnorm2d", lambda: nn.BatchNorm2d(3), (4, 3, 5, 5), "normal", True),
    ("batchnorm1d_eval", lambda: nn.BatchNorm1d(4), (6, 4), "normal", False),
    ("batchnorm2d_eval", lambda: nn.BatchNorm2d(3), (2, 3, 4, 4), "normal", False),
    ("batchnorm1d_no_track", lambda: nn.BatchNorm1d(4, track_running_stats=False), (8, 4), "normal", False),
    ("batchnorm1d_no_affine", lambda: nn.BatchNorm1d(4, affine=False, momentum=0.3), (8, 4), "normal", True),
    ("layernorm", lambda: nn.LayerNorm(5), (3, 4, 5), "normal", True),
    ("layernorm_2d", lambda: nn.LayerNorm([4, 5]), (3, 4, 5), "normal", True),
    ("groupnorm", lambda: nn.GroupNorm(2, 6), (3, 6, 4, 4), "normal", True),
    ("instancenorm2d", lambda: nn.InstanceNorm2d(3), (2, 3, 5, 5), "normal", True),
    ("instancenorm2d_affine_track", lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
     (2, 3, 5, 5), "normal", True),
    ("instancenorm2d_track_eval", lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
     (2, 3, 5, 5), "normal", False),
    ("weightnorm_linear", lambda: weight_norm(nn.Linear(5, 3)), (4, 5), "normal", True),
    ("weightnorm_conv2d", lambda: weight_norm(nn.Conv2d(3, 4, 3)), (2, 3, 5, 5), "normal", True),
    # Appended after the others: a case's seeds come from its index, so inserting earlier would change them.
    ("unflatten", lambda: nn.Unflatten(1, (2, 3)), (4, 6), "normal", True),
    ("unflatten_neg", lambda: nn.Unflatten(-1, (-1, 2)), (3, 2, 4), "normal", True),
    ("adaptive_avgpool2d", lambda: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 7), "normal", True),
    # Height 8 into 3 bins: rows [0, 3), [2, 6), [5, 8) overlap and have sizes 3, 4, 3; width 5 into 2: [0, 3), [2, 5).
    ("adaptive_avgpool2d_uneven", lambda: nn.AdaptiveAvgPool2d((3, 2)), (2, 2, 8, 5), "normal", True),
    # Height 3 into 4 bins (more bins than rows): [0, 1), [0, 2), [1, 3), [2, 3).
    ("adaptive_avgpool2d_larger", lambda: nn.AdaptiveAvgPool2d((4, 3)), (1, 2, 3, 6), "normal", True),
]

# (name, description, module factory, step shape, eval shape)
SEQUENCE_CASES = [
    ("batchnorm1d_3steps", "BatchNorm1d(4)", lambda: nn.BatchNorm1d(4), (8, 4), (1, 4)),
    ("batchnorm2d_3steps", "BatchNorm2d(3)", lambda: nn.BatchNorm2d(3), (4, 3, 5, 5), (2, 3, 5, 5)),
    ("batchnorm1d_ncl_3steps", "BatchNorm1d(3, momentum=0.2)", lambda: nn.BatchNorm1d(3, momentum=0.2),
     (4, 3, 6), (1, 3, 6)),
    ("instancenorm2d_3steps", "InstanceNorm2d(3, affine=True, track_running_stats=True)",
     lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 4), (1, 3, 4, 4)),
]


def layer_case(index, factory, shape, kind, train):
    torch.manual_seed(100 + index)
    module = factory()
    randomize(module)
    module.train(train)
    draw = Inputs(1000 + index)
    x = getattr(draw, kind)(*shape).requires_grad_(True)
    state = pack_state(module)
    params = list(module.named_parameters())
    y = module(x)
    cotangent = draw.normal(*y.shape)
    grads = torch.autograd.grad(y, [x] + [p for _, p in params], cotangent, allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(t) for g, t in zip(grads, [x] + [p for _, p in params])]
    return {
        "train": train,
        "state": state,
        "state_keys": list(state.keys()),
        "input": pack(x),
        "output": pack(y),
        "cotangent": pack(cotangent),
        "input_grad": pack(grads[0]),
        "param_grads": {name: pack(g) for (name, _), g in zip(params, grads[1:])},
        "state_after": pack_state(module),
    }


def sequence_case(index, description, factory, step_shape, eval_shape):
    torch.manual_seed(500 + index)
    module = factory()
    randomize_affine(module)  # default running statistics (zeros / ones)
    draw = Inputs(5000 + index)
    state = pack_state(module)
    module.train()
    steps, outputs = [], []
    with torch.no_grad():
        for _ in range(3):
            x = draw.normal(*step_shape)
            steps.append(pack(x))
            outputs.append(pack(module(x)))
        state_after = pack_state(module)
        module.eval()
        x = draw.normal(*eval_shape)
        y = module(x)
    return {
        "module": description, "state": state, "state_keys": list(state.keys()), "steps": steps, "outputs": outputs,
        "state_after": state_after, "eval_input": pack(x), "eval_output": pack(y),
    }


# ----------------------------------------------------------------------------- losses


def logits_and_indices(d, classes=5):
    return d.normal(6, classes), d.integers(classes, 6)


def near_target(d, small, large):
    x = d.normal(6, 4)
    return x, x - d.spread(6, 4, small=small, large=large)


def l1_pair(d):
    x, t = d.normal(6, 4), d.normal(6, 4)
    while True:
        close = (x - t).abs() < 0.05
        if not close.any():
            return x, t
        t = torch.where(close, d.normal(6, 4), t)


LOSS_CASES = [
    ("mse_mean", lambda d: (d.normal(6, 4), d.normal(6, 4)), lambda x, t: F.mse_loss(x, t)),
    ("mse_sum", lambda d: (d.normal(6, 4), d.normal(6, 4)), lambda x, t: F.mse_loss(x, t, reduction="sum")),
    ("mse_none", lambda d: (d.normal(6, 4), d.normal(6, 4)), lambda x, t: F.mse_loss(x, t, reduction="none")),
    ("l1_mean", l1_pair, lambda x, t: F.l1_loss(x, t)),
    ("l1_sum", l1_pair, lambda x, t: F.l1_loss(x, t, reduction="sum")),
    ("l1_none", l1_pair, lambda x, t: F.l1_loss(x, t, reduction="none")),
    ("smooth_l1_mean", lambda d: near_target(d, (0.05, 0.9), (1.1, 3.0)),
     lambda x, t: F.smooth_l1_loss(x, t, beta=1.0)),
    ("smooth_l1_beta05_none", lambda d: near_target(d, (0.03, 0.45), (0.55, 2.0)),
     lambda x, t: F.smooth_l1_loss(x, t, reduction="none", beta=0.5)),
    ("huber_mean", lambda d: near_target(d, (0.05, 0.9), (1.1, 4.0)),
     lambda x, t: F.huber_loss(x, t, delta=1.0)),
    ("huber_delta2_sum", lambda d: near_target(d, (0.05, 1.8), (2.2, 4.0)),
     lambda x, t: F.huber_loss(x, t, reduction="sum", delta=2.0)),
    ("bce_mean", lambda d: (torch.sigmoid(d.normal(6, 4)), d.uniform(6, 4)),
     lambda x, t: F.binary_cross_entropy(x, t)),
    ("bce_sum", lambda d: (torch.sigmoid(d.normal(6, 4)), d.uniform(6, 4)),
     lambda x, t: F.binary_cross_entropy(x, t, reduction="sum")),
    ("bce_none", lambda d: (torch.sigmoid(d.normal(6, 4)), d.uniform(6, 4)),
     lambda x, t: F.binary_cross_entropy(x, t, reduction="none")),
    ("bce_logits_mean", lambda d: (d.normal(6, 4, std=2.0), d.uniform(6, 4)),
     lambda x, t: F.binary_cross_entropy_with_logits(x, t)),
    ("bce_logits_none", lambda d: (d.normal(6, 4, std=2.0), d.uniform(6, 4)),
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none")),
    ("cross_entropy_indices", logits_and_indices, lambda x, t: F.cross_entropy(x, t)),
    ("cross_entropy_indices_sum", logits_and_indices, lambda x, t: F.cross_entropy(x, t, reduction="sum")),
    ("cross_entropy_indices_none", logits_and_indices, lambda x, t: F.cross_entropy(x, t, reduction="none")),
    ("cross_entropy_smoothing", logits_and_indices, lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1)),
    ("cross_entropy_probs", lambda d: (d.normal(6, 5), torch.softmax(d.normal(6, 5), 1)),
     lambda x, t: F.cross_entropy(x, t)),
    ("cross_entropy_probs_smoothing", lambda d: (d.normal(6, 5), torch.softmax(d.normal(6, 5), 1)),
     lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1)),
    ("nll_mean", lambda d: (torch.log_softmax(d.normal(6, 5), 1), d.integers(5, 6)), lambda x, t: F.nll_loss(x, t)),
    ("nll_sum", lambda d: (torch.log_softmax(d.normal(6, 5), 1), d.integers(5, 6)),
     lambda x, t: F.nll_loss(x, t, reduction="sum")),
    *[(f"kl_div_{r}", lambda d: (torch.log_softmax(d.normal(6, 5), 1), torch.softmax(d.normal(6, 5), 1)),
       (lambda r: lambda x, t: F.kl_div(x, t, reduction=r))(r))
      for r in ("batchmean", "sum", "mean", "none")],
]


def loss_case(index, make, f):
    draw = Inputs(9000 + index)
    x, t = make(draw)
    x = x.detach().clone().requires_grad_(True)
    y = f(x, t)
    entry = {"input": pack(x), "target": pack(t), "output": pack(y)}
    if y.dim() == 0:
        cotangent = torch.ones(())
    else:
        cotangent = draw.normal(*y.shape)
        entry["cotangent"] = pack(cotangent)
    (grad,) = torch.autograd.grad(y, [x], cotangent)
    entry["input_grad"] = pack(grad)
    return entry


# ----------------------------------------------------------------------------- main


def write(name, payload):
    path = os.path.join(HERE, name)
    with open(path, "w") as fh:
        json.dump({"generator": "generate_layers.py", "torch": torch.__version__, **payload}, fh,
                  separators=(",", ":"))
    return path


def main():
    torch.set_default_dtype(torch.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers = {name: layer_case(i, *rest) for i, (name, *rest) in enumerate(LAYER_CASES)}
        sequences = {name: sequence_case(i, *rest) for i, (name, *rest) in enumerate(SEQUENCE_CASES)}
        losses = {name: loss_case(i, make, f) for i, (name, make, f) in enumerate(LOSS_CASES)}
    for w in caught:
        print(f"warning: {w.category.__name__}: {w.message}")

    assert len(layers) == len(LAYER_CASES) and len(losses) == len(LOSS_CASES), "duplicate case names"
    for path, count in [(write("layers.json", {"cases": layers, "sequences": sequences}),
                         f"{len(layers)} cases, {len(sequences)} sequences"),
                        (write("losses.json", {"cases": losses}), f"{len(losses)} cases")]:
        print(f"wrote {count} to {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
