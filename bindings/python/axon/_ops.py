"""Layer 2: the C door's functions that belong to no single handle -- losses, gradient
clipping, the grad-mode switch, the runtime settings and the library's version -- taking and returning wrappers
(:class:`~axon.tensor.Tensor`) and plain Python values.

The PyTorch-shaped API (:mod:`axon.nn.functional`, :mod:`axon.nn.utils`,
:mod:`axon.grad_mode`, ``axon.__version__``) is built on these.
"""

from __future__ import annotations

from ctypes import byref, c_float, c_size_t

from . import _lib
from ._owned import _tensor_array
from .tensor import Tensor

__all__ = ["version", "set_num_threads", "get_num_threads", "cpu_features", "live_handles",
           "is_grad_enabled", "set_grad_enabled", "loss", "clip_grad_norm", "clip_grad_value"]


def version() -> str:
    """The loaded library's version string, e.g. ``"0.1.0"``."""
    return _lib.axon_version().decode("ascii")


def set_num_threads(n: int) -> None:
    """Sets the number of threads the kernels use (1 to 256), process-wide."""
    _lib.axon_set_num_threads(int(n))


def get_num_threads() -> int:
    """The number of threads the kernels use."""
    return _lib.axon_get_num_threads()


def cpu_features() -> str:
    """The CPU's vector features the kernels use and the kernel path, e.g. "avx2 fma kernels=avx2+fma"."""
    return _lib.axon_cpu_features().decode("ascii")


def live_handles(type_name: str | None = None) -> int:
    """The number of live library handles of one type ("axon_tensor", ...) or of every type."""
    out = c_size_t()
    _lib.axon_live_handles(byref(out), type_name.encode() if type_name is not None else None)
    return out.value


def is_grad_enabled() -> bool:
    """Whether operations on this thread record a graph for backward()."""
    return bool(_lib.axon_is_grad_enabled())


def set_grad_enabled(enabled: bool) -> bool:
    """Turns recording on this thread on or off; returns the previous mode."""
    return bool(_lib.axon_set_grad_enabled(1 if enabled else 0))


def loss(name: str, input: Tensor, target: Tensor, reduction: str) -> Tensor:
    """The loss ``name`` (the C door's name, e.g. ``"cross_entropy"``) of ``input`` against
    ``target`` with ``reduction`` (``"mean"``, ``"sum"``, ``"none"``, ...)."""
    out = _lib.tensor_p()
    _lib.axon_loss(byref(out), name.encode(), input._h, target._h, reduction.encode())
    return Tensor._adopt(out)


def clip_grad_norm(tensors, max_norm: float, norm_type: float) -> float:
    """Scales the gradients of ``tensors`` together so that their joint norm is at most
    ``max_norm``; returns the total norm before clipping."""
    array, n = _tensor_array(tensors)
    total = c_float()
    _lib.axon_clip_grad_norm(byref(total), array, n, float(max_norm), float(norm_type))
    return total.value


def clip_grad_value(tensors, clip_value: float) -> None:
    """Clamps every gradient element of ``tensors`` to [-clip_value, clip_value]."""
    array, n = _tensor_array(tensors)
    _lib.axon_clip_grad_value(array, n, float(clip_value))
