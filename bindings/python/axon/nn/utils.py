"""Layer 3: ``axon.nn.utils``: gradient clipping (over :mod:`axon._ops`), parameters as one
vector, and weight normalization."""

from __future__ import annotations

from .. import _creation, _ops
from ..grad_mode import no_grad
from ..tensor import Tensor
from .layers import WeightNorm
from .module import Module

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "weight_norm"]


def _params(parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scales the gradients together so that their joint norm is at most ``max_norm``;
    returns the total norm before clipping as a 0-d tensor. ``norm_type`` may be ``inf``."""
    total = _ops.clip_grad_norm(_params(parameters), max_norm, norm_type)
    if error_if_nonfinite and not (total == total and abs(total) != float("inf")):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients is non-finite")
    return Tensor(total)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamps every gradient element to [-clip_value, clip_value]."""
    _ops.clip_grad_value(_params(parameters), clip_value)


def parameters_to_vector(parameters) -> Tensor:
    return _creation.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[offset:offset + n].reshape(p.shape))
            offset += n


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> WeightNorm:
    """``module`` (Linear or Conv2d) with ``weight = weight_g * weight_v / ||weight_v||`` (norm per
    output unit, ``dim=0``). Unlike PyTorch's, it returns a new module whose state is ``bias``,
    ``weight_g`` and ``weight_v``, starting from ``module``'s values; use it in ``module``'s place."""
    if name != "weight" or dim != 0:
        raise ValueError("weight_norm: only name='weight', dim=0 are supported")
    wrapped = WeightNorm(module)
    return wrapped
