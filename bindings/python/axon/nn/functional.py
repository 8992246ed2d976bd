"""Layer 3: ``axon.nn.functional``, losses and activations as functions
(``torch.nn.functional``), over :func:`axon._ops.loss` and the methods of
:class:`~axon.tensor.Tensor`.

Targets may be tensors or array-likes; class indices (``cross_entropy``, ``nll_loss``) are
whole numbers, of any numeric dtype.
"""

from __future__ import annotations

from .. import _ops
from ..tensor import Tensor

__all__ = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "kl_div",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
]


def _loss(name: str, input: Tensor, target, reduction: str) -> Tensor:
    """The C door's loss ``name``; ``target`` may be a tensor or an array-like."""
    target = target if isinstance(target, Tensor) else Tensor(target)
    return _ops.loss(name, input, target, reduction)


def mse_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    return _loss("mse", input, target, reduction)


def l1_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    return _loss("l1", input, target, reduction)


def smooth_l1_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Smooth L1 with beta = 1."""
    return _loss("smooth_l1", input, target, reduction)


def huber_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Huber with delta = 1."""
    return _loss("huber", input, target, reduction)


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    return _loss("bce", input, target, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target, reduction: str = "mean") -> Tensor:
    return _loss("bce_with_logits", input, target, reduction)


def cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Cross entropy of logits ``input`` (N, C) against class indices (N,) or probabilities."""
    return _loss("cross_entropy", input, target, reduction)


def nll_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    return _loss("nll", input, target, reduction)


def kl_div(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """KL divergence with log-probabilities ``input`` and probabilities ``target``."""
    return _loss("kl_div", input, target, reduction)


def relu(input: Tensor) -> Tensor:
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softmax(input: Tensor, dim: int = -1) -> Tensor:
    return input.softmax(dim)


def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    return input.log_softmax(dim)
