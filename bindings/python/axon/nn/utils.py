"""``axon.nn.utils``: gradient clipping (``torch.nn.utils.clip_grad_norm_`` and
``clip_grad_value_``)."""

from __future__ import annotations

from ctypes import byref, c_float

from .. import _lib
from .._objects import _tensor_array
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _params(parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Scales the gradients together so that their joint norm is at most ``max_norm``;
    returns the total norm before clipping as a 0-d tensor. ``norm_type`` may be ``inf``."""
    tensors, n = _tensor_array(_params(parameters))
    total = c_float()
    _lib.axon_clip_grad_norm(byref(total), tensors, n, float(max_norm), float(norm_type))
    return Tensor(total.value)


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamps every gradient element to [-clip_value, clip_value]."""
    tensors, n = _tensor_array(_params(parameters))
    _lib.axon_clip_grad_value(tensors, n, float(clip_value))
