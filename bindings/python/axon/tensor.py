"""Layer 2: :class:`Tensor`, the owning wrapper of one ``axon_tensor`` handle."""

from __future__ import annotations

from ctypes import POINTER, byref, c_float, c_int64

import numpy as np

from . import _lib
from .errors import StateError

__all__ = ["Tensor", "tensor"]


class Tensor:
    """An n-dimensional float32 array that can take part in automatic differentiation.

    A ``Tensor`` owns one reference to a tensor of the library. It is released by
    :meth:`close`, on leaving a ``with`` block, or when the object is garbage collected;
    closing twice is harmless. Results of operations keep what they depend on alive in the
    library, so inputs may be closed before results.

    A tensor is not synchronized: do not use one from two threads at the same time.
    """

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, data, requires_grad: bool = False) -> None:
        self._handle = None
        array = np.asarray(data, dtype=np.float32, order="C")  # keeps 0-d
        shape = (c_int64 * max(array.ndim, 1))(*array.shape)
        out = _lib.tensor_p()
        _lib.axon_tensor_new(
            byref(out),
            array.ctypes.data_as(POINTER(c_float)),
            array.size,
            shape,
            array.ndim,
            1 if requires_grad else 0,
        )
        self._handle = out

    @classmethod
    def _adopt(cls, handle) -> Tensor:
        """Wraps a handle the caller owns; the new object takes over that reference."""
        tensor = cls.__new__(cls)
        tensor._handle = handle
        return tensor

    # ---- Lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Releases the handle. Further use raises :class:`StateError`; closing again is a no-op."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _lib.axon_tensor_free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may already be gone
            pass

    def __enter__(self) -> Tensor:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return not self._handle

    @property
    def _h(self):
        if not self._handle:
            raise StateError("tensor is closed")
        return self._handle

    # ---- Properties ---------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        handle = self._h
        rank = _lib.axon_tensor_rank(handle)
        dims = (c_int64 * max(rank, 1))()
        _lib.axon_tensor_shape(handle, dims, rank)
        return tuple(dims[:rank])

    @property
    def ndim(self) -> int:
        return _lib.axon_tensor_rank(self._h)

    def numel(self) -> int:
        """The number of elements."""
        return _lib.axon_tensor_numel(self._h)

    @property
    def requires_grad(self) -> bool:
        return bool(_lib.axon_tensor_requires_grad(self._h))

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # ---- Conversions --------------------------------------------------------------------------

    def numpy(self) -> np.ndarray:
        """A float32 NumPy copy of the elements, in this tensor's shape."""
        handle = self._h
        shape = self.shape
        array = np.empty(shape, dtype=np.float32)
        _lib.axon_tensor_copy_data(handle, array.ctypes.data_as(POINTER(c_float)), array.size)
        return array

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy is False:
            raise ValueError("a Tensor cannot be converted to a NumPy array without a copy")
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def tolist(self):
        """Nested lists of floats (a float for a 0-d tensor), as ``ndarray.tolist``."""
        return self.numpy().tolist()

    def item(self) -> float:
        """The value of a one-element tensor."""
        array = self.numpy()
        if array.size != 1:
            raise ValueError(f"item: tensor of shape {array.shape} has {array.size} elements, not 1")
        return float(array.reshape(()))

    def __float__(self) -> float:
        return self.item()

    def __repr__(self) -> str:
        if self.closed:
            return "tensor(<closed>)"
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"tensor({self.tolist()!r}{grad})"

    # ---- Operations ---------------------------------------------------------------------------

    def _apply(self, fn, *others) -> Tensor:
        out = _lib.tensor_p()
        fn(byref(out), self._h, *(o._h for o in others))
        return Tensor._adopt(out)

    def _binary(self, fn, other, reflected: bool = False) -> Tensor:
        if isinstance(other, Tensor):
            return other._apply(fn, self) if reflected else self._apply(fn, other)
        with Tensor(other) as converted:  # the result keeps what it needs alive
            return converted._apply(fn, self) if reflected else self._apply(fn, converted)

    def __add__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_add, other)

    def __radd__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_add, other, reflected=True)

    def __sub__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_sub, other)

    def __rsub__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_sub, other, reflected=True)

    def __mul__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_mul, other)

    def __rmul__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_mul, other, reflected=True)

    def __matmul__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_matmul, other)

    def __rmatmul__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_matmul, other, reflected=True)

    def matmul(self, other) -> Tensor:
        return self @ other

    def sum(self) -> Tensor:
        """The sum of all elements, as a 0-d tensor."""
        return self._apply(_lib.axon_tensor_sum)

    # ---- Gradients ----------------------------------------------------------------------------

    def backward(self) -> None:
        """Accumulates the gradient of this one-element tensor into every leaf that requires grad."""
        _lib.axon_tensor_backward(self._h)

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient as a new tensor (a snapshot), or None if there is none."""
        handle = self._h
        out = _lib.tensor_p()
        try:
            _lib.axon_tensor_grad(byref(out), handle)
        except StateError:
            return None
        return Tensor._adopt(out)

    def zero_grad(self) -> None:
        """Drops the accumulated gradient (``grad`` becomes None)."""
        _lib.axon_tensor_zero_grad(self._h)


def tensor(data, requires_grad: bool = False) -> Tensor:
    """A tensor holding a float32 copy of ``data`` (a number, nested lists, or a NumPy array)."""
    return Tensor(data, requires_grad=requires_grad)

