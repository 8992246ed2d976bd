"""Layer 2: data-parallel training over the C door: Python callables as the door's collective
hooks (``axon_replica_fn``), flat buffers of tensors, and an owning wrapper of a sharded
``axon_loader`` with its ``axon_dataset``.

A hook receives the buffer as a one-dimensional float32 NumPy array over the library's memory,
to change in place (an ``Allreduce`` of mpi4py with ``MPI.IN_PLACE``, a ``Bcast``, a division).
An exception it raises fails the C call (``AXON_ERR_CALLBACK``) and is raised again from the
Python call that ran it.
"""

from __future__ import annotations

import ctypes
from ctypes import byref, c_float

from . import _lib
from .errors import hook_failed
from ._owned import _Owned, _tensor_array
from .tensor import Tensor

__all__ = ["Hook", "flat_read", "flat_write", "ShardedLoader"]


def _array(data, count: int):
    import numpy

    if count == 0:
        return numpy.zeros(0, dtype=numpy.float32)
    return numpy.ctypeslib.as_array(data, shape=(count,))


class Hook:
    """A Python callable ``fn(buffer)`` as an ``axon_replica_fn``. Keep the object alive while
    the library may call it (for one call, or as long as a model's synchronized BatchNorm keeps
    it). An exception ``fn`` raises makes the hook return non-zero; the library call that ran it
    (whichever: a training step, a forward pass, backward) then raises that exception, its
    CallbackError chained (see :func:`axon.errors.hook_failed`)."""

    __slots__ = ("fn", "c_function")

    def __init__(self, fn) -> None:
        if not callable(fn):
            raise TypeError(f"a hook must be callable, not {type(fn).__name__}")
        self.fn = fn

        def call(data, count, _user):
            try:
                fn(_array(data, count))
                return 0
            except BaseException as error:  # noqa: BLE001 - raised again after the C call
                hook_failed(error)
                return 1

        self.c_function = _lib.replica_fn(call)


def flat_read(tensors: list[Tensor], gradients: bool):
    """The values (or gradients; zeros where there is none) of ``tensors`` as one float32 array."""
    import numpy

    array, n = _tensor_array(tensors)
    out = numpy.zeros(sum(t.numel() for t in tensors), dtype=numpy.float32)
    _lib.axon_tensors_flat_read(array, n, 1 if gradients else 0,
                                out.ctypes.data_as(ctypes.POINTER(c_float)), out.size)
    return out


def flat_write(tensors: list[Tensor], gradients: bool, values) -> None:
    """Copies ``values`` (as many floats as ``tensors`` hold) into their values or gradients."""
    import numpy

    values = numpy.ascontiguousarray(values, dtype=numpy.float32).reshape(-1)
    array, n = _tensor_array(tensors)
    _lib.axon_tensors_flat_write(array, n, 1 if gradients else 0,
                                 values.ctypes.data_as(ctypes.POINTER(c_float)), values.size)


class _Dataset(_Owned):
    __slots__ = ()
    _kind = "dataset"
    _free = staticmethod(_lib.axon_dataset_free)


class ShardedLoader(_Owned):
    """An ``axon_loader`` of replica ``rank`` of ``world_size``: each epoch every replica draws
    the same order from ``seed`` and takes its contiguous share of ``batch_size`` samples of
    every global batch of ``batch_size * world_size``. Iterating gives one epoch of ``(x, y)``."""

    __slots__ = ("_dataset", "_tensors")
    _kind = "loader"
    _free = staticmethod(_lib.axon_loader_free)

    def __init__(self, features: Tensor, targets: Tensor, batch_size: int, *, rank: int = 0,
                 world_size: int = 1, shuffle: bool = True, drop_last: bool = False, seed: int = 0) -> None:
        self._handle = None
        out = _lib.dataset_p()
        _lib.axon_dataset_new(byref(out), features._h, targets._h)
        self._dataset = _Dataset._adopt(out)
        self._tensors = (features, targets)
        loader = _lib.loader_p()
        _lib.axon_loader_new_sharded(byref(loader), self._dataset._h, batch_size, int(shuffle), int(drop_last),
                                     seed, rank, world_size)
        self._handle = loader

    def __len__(self) -> int:
        return _lib.axon_loader_batch_count(self._h)

    def __iter__(self):
        while True:
            x, y = _lib.tensor_p(), _lib.tensor_p()
            _lib.axon_loader_next(byref(x), byref(y), self._h)
            if not x:
                return
            yield Tensor._adopt(x), Tensor._adopt(y)

    def close(self) -> None:
        super().close()
        dataset = getattr(self, "_dataset", None)
        if dataset is not None:
            dataset.close()

