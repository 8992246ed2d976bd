"""Layer 3: ``axon.nn.utils``, gradient clipping (``torch.nn.utils.clip_grad_norm_`` and
``clip_grad_value_``) over :mod:`axon._ops`, and weight normalization
(``torch.nn.utils.weight_norm``)."""

from __future__ import annotations

from .. import _ops
from ..tensor import Tensor
from .modules import Module, WeightNorm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "weight_norm"]


def _params(parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Scales the gradients together so that their joint norm is at most ``max_norm``;
    returns the total norm before clipping as a 0-d tensor. ``norm_type`` may be ``inf``."""
    return Tensor(_ops.clip_grad_norm(_params(parameters), max_norm, norm_type))


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamps every gradient element to [-clip_value, clip_value]."""
    _ops.clip_grad_value(_params(parameters), clip_value)


def weight_norm(module: Module) -> WeightNorm:
    """``module`` (a :class:`~axon.nn.Linear` or :class:`~axon.nn.Conv2d`) with its weight
    reparameterized as ``weight_g * weight_v / ||weight_v||``, as ``torch.nn.utils.weight_norm``
    (norm per output unit, ``dim=0``). Unlike PyTorch's, it returns a new module,
    :class:`~axon.nn.WeightNorm`, whose state is ``bias``, ``weight_g`` and ``weight_v``;
    use the result in place of ``module``."""
    return WeightNorm(module)
