"""Layer 2: the C door's functions that belong to no single handle -- losses, gradient
clipping, the grad-mode switch, the runtime settings and the library's version -- taking and returning wrappers
(:class:`~axon.tensor.Tensor`) and plain Python values.

The PyTorch-shaped API (:mod:`axon.nn.functional`, :mod:`axon.nn.utils`,
:mod:`axon.grad_mode`, ``axon.__version__``) is built on these.
"""

from __future__ import annotations

from ctypes import byref, c_float, c_int64, c_size_t

from . import _lib
from ._owned import _options, _tensor_array
from .tensor import Tensor, wrap

__all__ = ["version", "set_num_threads", "get_num_threads", "cpu_features", "live_handles",
           "is_grad_enabled", "set_grad_enabled", "loss", "clip_grad_norm", "clip_grad_value", "grad"]


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


def loss_with_options(name: str, input: Tensor, target: Tensor, reduction: str, weight: Tensor | None = None,
                      options: dict | None = None) -> Tensor:
    """The loss ``name`` with PyTorch's keyword options (``label_smoothing``, ``ignore_index``,
    ``beta``, ``delta``) and per-class ``weight``."""
    keys, values, n = _options(options or {})
    out = _lib.tensor_p()
    _lib.axon_loss_with_options(byref(out), name.encode(), input._h, target._h, reduction.encode(),
                                weight._h if weight is not None else None, keys, values, n)
    return _wrap_result(out)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool = False, create_graph: bool = False) -> list:
    """d sum_j <grad_outputs[j], outputs[j]> / d inputs[i] for every input, without touching any
    ``.grad`` (torch.autograd.grad). Inputs the outputs do not depend on get zeros."""
    outs, n_out = _tensor_array(outputs)
    ins, n_in = _tensor_array(inputs)
    seeds = None
    if grad_outputs is not None:
        handles = [g._h if g is not None else None for g in grad_outputs]
        seeds = (_lib.tensor_p * max(len(handles), 1))(*handles)
    result = (_lib.tensor_p * max(n_in, 1))()
    _lib.axon_grad(result, n_in, outs, n_out, seeds, ins, n_in, int(bool(retain_graph)), int(bool(create_graph)))
    return [_wrap_result(result[i]) for i in range(n_in)]


def _wrap_result(handle) -> Tensor:
    t = Tensor._adopt(handle)
    t._op = True
    return t


def _window(v):
    """A window pair (an int or two) as the C door's int64_t[2]; None stays NULL (the default)."""
    if v is None:
        return None
    a, b = (v, v) if isinstance(v, int) else (v[0], v[1])
    return (c_int64 * 2)(int(a), int(b))


def conv2d(input: Tensor, weight: Tensor, bias, stride, padding, dilation, groups: int) -> Tensor:
    """2-d cross-correlation (torch.nn.functional.conv2d)."""
    return wrap(_lib.axon_tensor_conv2d, input._h, weight._h, bias._h if bias is not None else None,
                _window(stride), _window(padding), _window(dilation), int(groups))


def max_pool2d(input: Tensor, kernel, stride, padding, dilation) -> Tensor:
    return wrap(_lib.axon_tensor_max_pool2d, input._h, _window(kernel), _window(stride), _window(padding),
                _window(dilation))


def avg_pool2d(input: Tensor, kernel, stride, padding) -> Tensor:
    return wrap(_lib.axon_tensor_avg_pool2d, input._h, _window(kernel), _window(stride), _window(padding))


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    return wrap(_lib.axon_tensor_adaptive_avg_pool2d, input._h, _window(output_size))
