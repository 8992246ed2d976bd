"""Layer 2: :class:`Tensor`, the owning wrapper of one ``axon_tensor`` handle, and the
functions that make tensors (:func:`tensor`, :func:`make_dual`).

``Tensor`` is both a wrapper of the C door (it derives from :class:`axon._owned._Owned`, like
every handle's wrapper) and the tensor of the PyTorch-shaped API, which re-exports it as
``axon.Tensor``.
"""

from __future__ import annotations

from ctypes import POINTER, byref, c_float, c_int64

import numpy as np

from . import _lib
from ._owned import _Owned

__all__ = ["Tensor", "tensor", "make_dual"]


def _axes(dim) -> tuple:
    """``dim`` (None, an int or a sequence of ints) as a C array and its length."""
    if dim is None:
        return None, 0
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return (c_int64 * max(len(dims), 1))(*dims), len(dims)


class Tensor(_Owned):
    """An n-dimensional float32 array that can take part in automatic differentiation.

    A ``Tensor`` owns one reference to a tensor of the library. It is released by
    :meth:`close`, on leaving a ``with`` block, or when the object is garbage collected;
    closing twice is harmless. Results of operations keep what they depend on alive in the
    library, so inputs may be closed before results.

    A tensor is not synchronized: do not use one from two threads at the same time.
    """

    __slots__ = ()
    _kind = "tensor"
    _free = staticmethod(_lib.axon_tensor_free)

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

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        _lib.axon_tensor_set_requires_grad(self._h, 1 if value else 0)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Sets ``requires_grad`` in place and returns this tensor (as PyTorch's)."""
        self.requires_grad = requires_grad
        return self

    def dim(self) -> int:
        return self.ndim

    def size(self, dim: int | None = None):
        """The shape, or its length along ``dim``."""
        return self.shape if dim is None else self.shape[dim]

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

    def __truediv__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_div, other)

    def __rtruediv__(self, other) -> Tensor:
        return self._binary(_lib.axon_tensor_div, other, reflected=True)

    def __neg__(self) -> Tensor:
        return self._apply(_lib.axon_tensor_neg)

    def __pow__(self, exponent) -> Tensor:
        if isinstance(exponent, Tensor):
            return NotImplemented
        return self.pow(exponent)

    def div(self, other) -> Tensor:
        return self / other

    def neg(self) -> Tensor:
        return -self

    def exp(self) -> Tensor:
        return self._apply(_lib.axon_tensor_exp)

    def log(self) -> Tensor:
        return self._apply(_lib.axon_tensor_log)

    def tanh(self) -> Tensor:
        return self._apply(_lib.axon_tensor_tanh)

    def sigmoid(self) -> Tensor:
        return self._apply(_lib.axon_tensor_sigmoid)

    def relu(self) -> Tensor:
        return self._apply(_lib.axon_tensor_relu)

    def sqrt(self) -> Tensor:
        return self._apply(_lib.axon_tensor_sqrt)

    def pow(self, exponent: float) -> Tensor:
        """Elementwise ``self ** exponent`` for a number ``exponent``."""
        out = _lib.tensor_p()
        _lib.axon_tensor_pow(byref(out), self._h, float(exponent))
        return Tensor._adopt(out)

    def _reduce(self, fn, dim, keepdim: bool) -> Tensor:
        axes, n = _axes(dim)
        out = _lib.tensor_p()
        fn(byref(out), self._h, axes, n, 1 if keepdim else 0)
        return Tensor._adopt(out)

    def sum(self, dim=None, keepdim: bool = False) -> Tensor:
        """The sum over ``dim`` (an int, a tuple, or None for all axes)."""
        if dim is None and not keepdim:
            return self._apply(_lib.axon_tensor_sum)
        return self._reduce(_lib.axon_tensor_sum_axes, dim, keepdim)

    def mean(self, dim=None, keepdim: bool = False) -> Tensor:
        """The mean over ``dim`` (an int, a tuple, or None for all axes)."""
        return self._reduce(_lib.axon_tensor_mean, dim, keepdim)

    def reshape(self, *shape) -> Tensor:
        """The elements in a new shape (``t.reshape(2, -1)`` or ``t.reshape((2, -1))``)."""
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        dims = (c_int64 * max(len(shape), 1))(*shape)
        out = _lib.tensor_p()
        _lib.axon_tensor_reshape(byref(out), self._h, dims, len(shape))
        return Tensor._adopt(out)

    view = reshape

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        out = _lib.tensor_p()
        _lib.axon_tensor_transpose(byref(out), self._h, dim0, dim1)
        return Tensor._adopt(out)

    @property
    def T(self) -> Tensor:
        """The axes in reverse order (a transposed matrix)."""
        n = self.ndim
        if n < 2:
            return self.reshape(self.shape)
        result = self.transpose(0, n - 1)
        for i in range(1, n // 2):
            result = result.transpose(i, n - 1 - i)
        return result

    def softmax(self, dim: int = -1) -> Tensor:
        out = _lib.tensor_p()
        _lib.axon_tensor_softmax(byref(out), self._h, dim)
        return Tensor._adopt(out)

    def log_softmax(self, dim: int = -1) -> Tensor:
        out = _lib.tensor_p()
        _lib.axon_tensor_log_softmax(byref(out), self._h, dim)
        return Tensor._adopt(out)

    def detach(self) -> Tensor:
        """The same values, cut off from the graph (does not require grad)."""
        return self._apply(_lib.axon_tensor_detach)

    # ---- Gradients ----------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Accumulates d self / d leaf into every leaf that requires grad.

        ``gradient`` is the seed (needed unless this tensor has one element); ``retain_graph``
        keeps the graph for another pass; ``create_graph`` records the pass itself for
        higher-order derivatives.
        """
        if gradient is None and not retain_graph and not create_graph:
            _lib.axon_tensor_backward(self._h)
            return
        seed = None
        if gradient is not None:
            seed = gradient if isinstance(gradient, Tensor) else Tensor(gradient)
        _lib.axon_tensor_backward_seed(
            self._h, seed._h if seed is not None else None, int(retain_graph), int(create_graph)
        )

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient as a new tensor (a snapshot), or None if there is none."""
        out = _lib.tensor_p()
        _lib.axon_tensor_grad(byref(out), self._h)
        return Tensor._adopt(out) if out else None

    @property
    def tangent(self) -> Tensor | None:
        """The forward-mode tangent this tensor carries (see :func:`make_dual`), or None."""
        out = _lib.tensor_p()
        _lib.axon_tensor_tangent(byref(out), self._h)
        return Tensor._adopt(out) if out else None

    def zero_grad(self) -> None:
        """Drops the accumulated gradient (``grad`` becomes None)."""
        _lib.axon_tensor_zero_grad(self._h)


def tensor(data, requires_grad: bool = False) -> Tensor:
    """A tensor holding a float32 copy of ``data`` (a number, nested lists, or a NumPy array)."""
    return Tensor(data, requires_grad=requires_grad)


def make_dual(primal: Tensor, tangent) -> Tensor:
    """Forward mode: ``primal``'s values carrying ``tangent`` (as
    ``torch.autograd.forward_ad.make_dual``). Operations on the result propagate tangents;
    read them from the results' ``tangent``."""
    tangent = tangent if isinstance(tangent, Tensor) else Tensor(tangent)
    return primal._apply(_lib.axon_tensor_dual, tangent)
