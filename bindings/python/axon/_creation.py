"""Layer 2: functions that make tensors (``zeros``, ``arange``, ``randn``, ``cat``, ...), the
random :class:`Generator`, and ``where``, as PyTorch's.

Random values come from Axon's own seeded generator (xoshiro256**): the same seed gives the
same values on every machine, but not the values PyTorch draws for that seed.
"""

from __future__ import annotations

import math
import threading
from ctypes import byref, c_int64

import numpy as np

from . import _dtype, _lib, _seed
from ._optim import Generator
from ._owned import _tensor_array
from ._tensor_ops import _shape_args, operand, wrap
from .tensor import Tensor

__all__ = ["zeros", "ones", "full", "empty", "arange", "linspace", "logspace", "eye", "zeros_like", "ones_like",
           "full_like", "empty_like", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
           "randint_like", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "where", "from_numpy",
           "as_tensor", "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "scalar_tensor"]


def _shape(size) -> tuple:
    shape = _shape_args(size)
    return (c_int64 * max(len(shape), 1))(*shape), len(shape)


def _options(what: str, dtype, device, requires_grad: bool):
    """Checks the keyword options of a factory; the logical dtype (None for float32)."""
    _dtype.check_device(device, what)
    dt = _dtype.check_dtype(dtype, what)
    if dt is not None and not dt.is_floating_point and requires_grad:
        raise RuntimeError("only tensors of floating point dtype can require gradients")
    return None if dt is _dtype.float32 else dt


def _factory(fn, size, what, dtype, device, requires_grad, *extra):
    dt = _options(what, dtype, device, requires_grad)
    dims, n = _shape(size)
    return wrap(fn, dims, n, *extra, 1 if requires_grad else 0, dt=dt, op=False)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, out=None, layout=None) -> Tensor:
    return _factory(_lib.axon_tensor_zeros, size, "zeros", dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, out=None, layout=None) -> Tensor:
    return _factory(_lib.axon_tensor_ones, size, "ones", dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False, out=None, layout=None,
          memory_format=None) -> Tensor:
    """Axon's ``empty`` is zero-filled (never uninitialized memory)."""
    return _factory(_lib.axon_tensor_zeros, size, "empty", dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False, out=None, layout=None) -> Tensor:
    if dtype is None and isinstance(fill_value, bool):
        dtype = _dtype.bool_
    elif dtype is None and isinstance(fill_value, int):
        dtype = _dtype.int64
    dt = _options("full", dtype, device, requires_grad)
    dims, n = _shape((size,) if isinstance(size, int) else (tuple(size),))
    return wrap(_lib.axon_tensor_full, dims, n, float(fill_value), 1 if requires_grad else 0, dt=dt, op=False)


def scalar_tensor(value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return full((), value, dtype=dtype, device=device, requires_grad=requires_grad)


def _like(fn, a: Tensor, what, dtype, device, requires_grad, *extra) -> Tensor:
    dt = _options(what, dtype if dtype is not None else a.dtype, device, requires_grad)
    return wrap(fn, a._h, *extra, 1 if requires_grad else 0, dt=dt, op=False)


def zeros_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    return _like(_lib.axon_tensor_zeros_like, input, "zeros_like", dtype, device, requires_grad)


def ones_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    return _like(_lib.axon_tensor_ones_like, input, "ones_like", dtype, device, requires_grad)


def empty_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    return _like(_lib.axon_tensor_full_like, input, "full_like", dtype, device, requires_grad, float(fill_value))


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """``arange(end)``, ``arange(start, end)``, ``arange(start, end, step)``; int64 when every
    argument is an int, as PyTorch's."""
    if end is None:
        start, end = 0, start
    numbers = [float(v) if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is None and all(isinstance(v, int) for v in numbers):
        dtype = _dtype.int64
    dt = _options("arange", dtype, device, requires_grad)
    return wrap(_lib.axon_tensor_arange, float(numbers[0]), float(numbers[1]), float(numbers[2]),
                1 if requires_grad else 0, dt=dt, op=False)


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, bit for bit as PyTorch's."""
    dt = _options("linspace", dtype, device, requires_grad)
    return wrap(_lib.axon_tensor_linspace, float(start), float(end), int(steps), 1 if requires_grad else 0,
                dt=dt, op=False)


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    exponents = linspace(start, end, steps, dtype=dtype, device=device)
    result = (exponents * math.log(base)).exp()
    return result.requires_grad_() if requires_grad else result


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt = _options("eye", dtype, device, requires_grad)
    return wrap(_lib.axon_tensor_eye, int(n), int(n if m is None else m), 1 if requires_grad else 0, dt=dt,
                op=False)


# ---- Random ------------------------------------------------------------------------------------

_lock = threading.Lock()
default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seeds the default generator (``rand``, ``randn``, ``randint``, ``randperm``, data loaders)
    and the initialization of the layers built after this call."""
    _seed.manual_seed(int(seed))
    with _lock:
        default_generator.manual_seed(int(seed))
    return default_generator


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def _generator(generator) -> Generator:
    return default_generator if generator is None else generator


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """Uniform in [0, 1)."""
    dt = _options("rand", dtype, device, requires_grad)
    dims, n = _shape(size)
    return wrap(_lib.axon_tensor_rand, _generator(generator)._h, dims, n, 1 if requires_grad else 0, dt=dt,
                op=False)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """Standard normal."""
    dt = _options("randn", dtype, device, requires_grad)
    dims, n = _shape(size)
    return wrap(_lib.axon_tensor_randn, _generator(generator)._h, dims, n, 1 if requires_grad else 0, dt=dt,
                op=False)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``randint(high, size)`` or ``randint(low, high, size)``: whole numbers in [low, high), int64."""
    if size is None:
        low, high, size = 0, low, high
    _options("randint", dtype, device, False)
    dims, n = _shape((tuple(size),))
    return wrap(_lib.axon_tensor_randint, _generator(generator)._h, int(low), int(high), dims, n,
                dt=_dtype.check_dtype(dtype, "randint") or _dtype.int64, op=False)


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of 0..n-1, int64."""
    _options("randperm", dtype, device, False)
    return wrap(_lib.axon_tensor_randperm, _generator(generator)._h, int(n), dt=_dtype.int64, op=False)


def rand_like(input: Tensor, generator=None, **kwargs) -> Tensor:
    return rand(input.shape, generator=generator, **kwargs)


def randn_like(input: Tensor, generator=None, **kwargs) -> Tensor:
    return randn(input.shape, generator=generator, **kwargs)


def randint_like(input: Tensor, low, high=None, **kwargs) -> Tensor:
    return randint(low, high, input.shape, **kwargs) if high is not None else randint(low, input.shape, **kwargs)


# ---- Joining and choosing ----------------------------------------------------------------------

def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """The tensors joined along ``dim`` (torch.cat)."""
    tensors = [operand(t) for t in tensors]
    array, n = _tensor_array(tensors)
    dts = {t.dtype for t in tensors}
    dt = dts.pop() if len(dts) == 1 else None
    return wrap(_lib.axon_tensor_concat, array, n, int(dim), dt=None if dt is _dtype.float32 else dt)


concat = concatenate = cat


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """The tensors joined along a new axis ``dim`` (torch.stack)."""
    tensors = [operand(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    rank = tensors[0].ndim
    axis = dim % (rank + 1) if dim < 0 else dim
    return cat([t.unsqueeze(axis) for t in tensors], axis)


def hstack(tensors) -> Tensor:
    tensors = [operand(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    return cat([t.reshape(1, -1) if t.ndim == 1 else t for t in map(operand, tensors)], 0)


def where(condition, input=None, other=None) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (numbers broadcast); with one argument,
    the indices of the non-zero elements as a tuple of int64 tensors."""
    condition = operand(condition)
    if input is None and other is None:
        return tuple(Tensor(i, dtype=_dtype.int64) for i in np.nonzero(condition.numpy()))
    a, b = operand(input), operand(other)
    dts = {a.dtype, b.dtype}
    dt = dts.pop() if len(dts) == 1 else None
    return wrap(_lib.axon_tensor_where, condition._h, a._h, b._h, dt=None if dt is _dtype.float32 else dt)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor holding a copy of ``array`` (PyTorch's shares memory; Axon's tensors own theirs)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    return Tensor(array)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``data`` itself when it is a tensor of that dtype, else a new tensor holding a copy."""
    _dtype.check_device(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or _dtype.check_dtype(dtype, "as_tensor") is data.dtype):
        return data
    return Tensor(data, dtype=dtype)

