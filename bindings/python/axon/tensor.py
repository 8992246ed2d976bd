"""Layer 2: :class:`Tensor`, the owning wrapper of one ``axon_tensor`` handle.

``Tensor`` is both a wrapper of the C door (it derives from :class:`axon._owned._Owned`, like
every handle's wrapper) and the tensor of the PyTorch-shaped API, re-exported as
``axon.Tensor``. Its operations are in :mod:`axon._tensor_ops` (a base class), indexing in
:mod:`axon._indexing`; this module holds the object itself: construction, properties,
conversions, gradients and the in-place protocol.

How it differs from ``torch.Tensor``: float32 storage only (``dtype`` may say ``bool`` or
``int64`` for comparison results and indices, held as whole-number floats); CPU only; basic
indexing and ``transpose`` give copies, but an in-place update of an indexing result writes
through to the tensor it came from (as a view would); ``numpy()`` shares memory, as PyTorch's.
"""

from __future__ import annotations

import ctypes
import weakref
from ctypes import POINTER, byref, c_float, c_int64

import numpy as np

from . import _dtype, _lib
from ._owned import _Owned
from . import _tensor_ops
from ._tensor_ops import TensorOps, is_recording, wrap
from ._tensor_shape import TensorShape
from .errors import StateError

__all__ = ["Tensor", "tensor", "make_dual", "wrap"]

_tensor_p = _lib.tensor_p
_new = object.__new__
_check = _lib._check
_bare = _lib.bare  # see axon._lib: the C functions without argtypes and errcheck, for the hot paths


def _call_bare(name: str, handle) -> None:
    """The C function ``name`` of one tensor handle through its bare twin, raising what its
    declaration would: :class:`StateError` for a closed tensor, the status's error otherwise."""
    if not handle:
        raise StateError("tensor is closed")
    status = _bare[name](handle)
    if status:
        _check(status, getattr(_lib, name), None)


_INTEGRAL = frozenset({"int64", "int32", "int16", "int8", "uint8", "bool"})


def _new_from_array(array: np.ndarray, requires_grad: bool):
    """A new handle holding a float32 copy of ``array``."""
    array = np.require(array, dtype=np.float32, requirements="C")  # keeps 0-d arrays 0-d
    shape = (c_int64 * max(array.ndim, 1))(*array.shape)
    out = _tensor_p()
    _lib.axon_tensor_new(byref(out), array.ctypes.data_as(POINTER(c_float)), array.size, shape, array.ndim,
                         1 if requires_grad else 0)
    return out


class Tensor(TensorShape, TensorOps, _Owned):
    """An n-dimensional float32 array that can take part in automatic differentiation.

    A ``Tensor`` owns one reference to a tensor of the library, released by :meth:`close`, on
    leaving a ``with`` block, or when the object is garbage collected. Results of operations
    keep what they depend on alive in the library. Not synchronized: do not use one tensor
    from two threads at the same time.
    """

    __slots__ = ("_dt", "_op", "_base", "_retained")
    _kind = "tensor"
    _free = staticmethod(_bare["axon_tensor_free"])  # only ever given a tensor_p

    def __init__(self, data=None, requires_grad: bool = False, dtype=None) -> None:
        self._handle = None
        # Every slot set, so that the hot paths' getattr(self, name, default) never misses.
        self._dt = None
        self._op = False
        self._base = None
        self._retained = None
        if data is None:
            data = []
        if isinstance(data, Tensor):
            array, dt = data.numpy(), data.dtype
        else:
            array = np.asarray(data)
            if array.dtype == object:
                array = np.asarray([float(v) for v in array.ravel()]).reshape(array.shape)
            dt = _dtype.from_numpy_dtype(array.dtype)
        wanted = _dtype.check_dtype(dtype, "tensor")
        if wanted is not None:
            dt = wanted
        if dt.name in _INTEGRAL:
            array = np.trunc(array.astype(np.float64)) if dt.name != "bool" else (array != 0)
            if requires_grad:
                raise RuntimeError("only tensors of floating point dtype can require gradients")
        self._handle = _new_from_array(array, requires_grad)
        if dt is not _dtype.float32:
            self._dt = dt

    # ---- Properties ---------------------------------------------------------------------------

    @property
    def shape(self) -> _dtype.Size:
        handle = self._h
        rank = _lib.axon_tensor_rank(handle)
        dims = (c_int64 * max(rank, 1))()
        _lib.axon_tensor_shape(handle, dims, rank)
        return _dtype.Size(dims[:rank])

    @property
    def ndim(self) -> int:
        return _lib.axon_tensor_rank(self._h)

    def dim(self) -> int:
        return self.ndim

    ndimension = dim

    def numel(self) -> int:
        """The number of elements."""
        return _lib.axon_tensor_numel(self._h)

    nelement = numel

    def size(self, dim: int | None = None):
        """The shape (a :class:`Size`), or its length along ``dim``."""
        return self.shape if dim is None else self.shape[dim]

    def element_size(self) -> int:
        return 4

    @property
    def dtype(self) -> _dtype.dtype:
        """float32, or the logical dtype of a comparison result (bool) or of indices (int64)."""
        dt = getattr(self, "_dt", None)
        return _dtype.float32 if dt is None else dt

    @property
    def device(self) -> _dtype.device:
        return _dtype.cpu

    is_cuda = False

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    @property
    def requires_grad(self) -> bool:
        return bool(_lib.axon_tensor_requires_grad(self._h))

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only tensors of floating point dtype can require gradients")
        if not self.is_leaf:
            raise RuntimeError("you can only change requires_grad flags of leaf variables")
        _lib.axon_tensor_set_requires_grad(self._h, 1 if value else 0)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Sets ``requires_grad`` in place and returns this tensor."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True unless this tensor is an operation's result that requires grad."""
        return not getattr(self, "_op", False) or not self.requires_grad

    @property
    def grad_fn(self):
        """None for a leaf; for an operation's result, an opaque marker (Axon does not expose
        its graph nodes)."""
        return None if self.is_leaf else _GradFn()

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    __hash__ = object.__hash__

    # ---- Conversions --------------------------------------------------------------------------

    def numpy(self, force: bool = False) -> np.ndarray:
        """The elements as a NumPy array in this tensor's shape. For float32 it shares memory with
        the tensor, as PyTorch's does: updates of the tensor show in the array, and writes to the
        array change the tensor (unseen by autograd). int64 and bool tensors give converted copies."""
        dt = self.dtype
        if dt is _dtype.float32 and self.numel() > 0:
            return np.asarray(_SharedView(self))
        array = np.empty(self.shape, dtype=np.float32)
        _lib.axon_tensor_copy_data(self._h, array.ctypes.data_as(POINTER(c_float)), array.size)
        if dt is _dtype.float32:
            return array
        return array != 0 if dt is _dtype.bool_ else array.astype(np.int64)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        array = self.numpy()
        if copy:
            array = array.copy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def tolist(self):
        """Nested lists of Python numbers (a number for a 0-d tensor)."""
        return self.numpy().tolist()

    def item(self):
        """The value of a one-element tensor: a float, or an int / bool for those dtypes."""
        if self.numel() != 1:
            raise ValueError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.numpy().reshape(()).item()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.numel()} values is ambiguous")
        return bool(self.item())

    def __format__(self, spec: str) -> str:
        if self.numel() == 1 and self.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        if self.closed:
            return "tensor(<closed>)"
        array = self.numpy()
        body = np.array2string(array, separator=", ", prefix="tensor(", precision=4,
                               floatmode="maxprec_equal" if array.size else "maxprec")
        extras = ""
        if self.dtype not in (_dtype.float32, _dtype.int64, _dtype.bool_):
            extras += f", dtype={self.dtype!r}"
        if self.requires_grad:
            extras += ", requires_grad=True" if self.is_leaf else ", grad_fn=<AxonBackward>"
        return f"tensor({body}{extras})"

    def _retag(self, dt) -> Tensor:
        """A tensor of the same values (sharing storage, in the same graph) tagged ``dt``."""
        shape = self.shape
        dims = (c_int64 * max(len(shape), 1))(*shape)
        result = wrap(_lib.axon_tensor_reshape, self._h, dims, len(shape),
                      dt=None if dt is _dtype.float32 else dt)
        return result

    def _cast(self, dt) -> Tensor:
        """These values as dtype ``dt`` (integers truncate toward zero, bool is != 0)."""
        if dt is self.dtype:
            return self
        if dt.is_floating_point:
            return self._retag(dt)
        if dt is _dtype.bool_:
            return self.ne(0)
        array = np.trunc(self.numpy().astype(np.float64))
        return Tensor(array, dtype=dt)

    def float(self) -> Tensor:
        return self._cast(_dtype.float32)

    def long(self) -> Tensor:
        return self._cast(_dtype.int64)

    def int(self) -> Tensor:
        return self._cast(_dtype.int32)

    def bool(self) -> Tensor:
        return self._cast(_dtype.bool_)

    def double(self) -> Tensor:
        raise TypeError("double(): float64 is not supported; Axon computes in float32 only")

    def half(self) -> Tensor:
        raise TypeError("half(): float16 is not supported; Axon computes in float32 only")

    def type(self, dtype=None):
        """With no argument, the type's name ('torch.FloatTensor', ...); else :meth:`to`."""
        if dtype is None:
            return {"float32": "torch.FloatTensor", "int64": "torch.LongTensor", "bool": "torch.BoolTensor"}.get(
                self.dtype.name, "torch.FloatTensor")
        return self._cast(_dtype.check_dtype(dtype, "type"))

    def type_as(self, other: Tensor) -> Tensor:
        return self._cast(other.dtype)

    def to(self, *args, **kwargs) -> Tensor:
        """``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``: float32 and the
        CPU are accepted (other supported dtypes convert); other devices are refused."""
        dt = kwargs.pop("dtype", None)
        _dtype.check_device(kwargs.pop("device", None), "to")
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        if kwargs:
            raise TypeError(f"to(): unexpected arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dt = arg.dtype
            elif isinstance(arg, _dtype.dtype) or arg in (float, int, bool):
                dt = arg
            else:
                _dtype.check_device(arg, "to")
        return self if dt is None else self._cast(_dtype.check_dtype(dt, "to"))

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs) -> Tensor:
        raise RuntimeError("cuda(): Axon runs on the CPU only")

    def contiguous(self, *args, **kwargs) -> Tensor:
        return self

    def is_contiguous(self, *args, **kwargs) -> bool:
        return True

    # ---- Gradients ----------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulates d self / d leaf into every leaf that requires grad.

        ``gradient`` is the seed (needed unless this tensor has one element); ``retain_graph``
        keeps the graph for another pass (default: ``create_graph``); ``create_graph`` records
        the pass for higher-order derivatives. ``inputs`` is not supported.
        """
        if inputs is not None:
            raise NotImplementedError("backward(inputs=...) is not supported; use axon.autograd.grad")
        retain = bool(create_graph if retain_graph is None else retain_graph)
        seed = None
        if gradient is not None:
            seed = gradient if isinstance(gradient, Tensor) else Tensor(gradient)
        if _RETAINED:
            _accumulate_retained(self, seed, create_graph)
        if gradient is None and not retain and not create_graph:
            _call_bare("axon_tensor_backward", getattr(self, "_handle", None))
            return
        _lib.axon_tensor_backward_seed(self._h, seed._h if seed is not None else None, int(retain),
                                       int(bool(create_graph)))

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient, or None. It shares storage with the gradient the library
        keeps, so ``x.grad.zero_()`` clears it; a later backward makes a new gradient. For an
        operation's result it is None unless :meth:`retain_grad` was called."""
        retained = getattr(self, "_retained", None)
        if retained is not None:
            return retained[0]
        handle = getattr(self, "_handle", None)
        if not handle:
            raise StateError("tensor is closed")
        out = _tensor_p()
        status = _bare["axon_tensor_grad"](byref(out), handle)
        if status:
            _check(status, _lib.axon_tensor_grad, None)  # raises, as its errcheck
        if not out:
            return None
        g = _new(Tensor)  # as Tensor._adopt(out), with the slots the hot paths read set
        g._handle = out
        g._dt = None
        g._op = False
        return g

    @grad.setter
    def grad(self, value) -> None:
        """``x.grad = None`` drops the gradient; ``x.grad = g`` makes ``g``'s values the gradient
        (by a backward pass seeded with them; ``x`` must require grad)."""
        if getattr(self, "_retained", None) is not None:
            self._retained[0] = None if value is None else (value if isinstance(value, Tensor) else Tensor(value))
            return
        _call_bare("axon_tensor_zero_grad", getattr(self, "_handle", None))
        if value is None:
            return
        value = value if isinstance(value, Tensor) else Tensor(value)
        if tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(f"assigned grad has data of a different size ({value.shape} vs {self.shape})")
        if not self.requires_grad:
            raise RuntimeError("assigning .grad is supported only for tensors that require grad")
        previous = _lib.axon_set_grad_enabled(1)
        try:
            (self * value.detach()).sum().backward()
        finally:
            _lib.axon_set_grad_enabled(previous)

    @property
    def tangent(self) -> Tensor | None:
        """The forward-mode tangent this tensor carries (see :func:`make_dual`), or None."""
        out = _tensor_p()
        _lib.axon_tensor_tangent(byref(out), self._h)
        return Tensor._adopt(out) if out else None

    def zero_grad(self) -> None:
        """Drops the accumulated gradient (``grad`` becomes None)."""
        if getattr(self, "_retained", None) is not None:
            self._retained[0] = None
        _lib.axon_tensor_zero_grad(self._h)

    def retain_grad(self) -> None:
        """Makes later backward passes through this operation's result fill its ``grad``."""
        if self.is_leaf:
            return
        if getattr(self, "_retained", None) is None:
            self._retained = [None]
            _RETAINED.add(self)

    @property
    def retains_grad(self) -> bool:
        return getattr(self, "_retained", None) is not None

    def register_hook(self, hook):
        raise NotImplementedError("tensor hooks are not supported")

    @property
    def data(self) -> Tensor:
        """The values cut off from the graph, sharing storage (updates through it change this
        tensor, as PyTorch's ``.data``)."""
        return self.detach()

    @data.setter
    def data(self, value) -> None:
        with _no_recording():
            self.copy_(value)

    def detach(self) -> Tensor:
        """The same values, sharing storage, cut off from the graph (does not require grad)."""
        return wrap(_lib.axon_tensor_detach, self._h, dt=getattr(self, "_dt", None), op=False)

    def detach_(self) -> Tensor:
        self._take(self.detach())
        return self

    # ---- The in-place protocol ----------------------------------------------------------------

    def _take(self, other: Tensor) -> None:
        """Makes this object refer to ``other``'s tensor (``other`` gives its handle up)."""
        old, self._handle, other._handle = getattr(self, "_handle", None), other._handle, None
        self._op = getattr(other, "_op", False)
        if old:
            Tensor._free(old)

    def _assign(self, result) -> Tensor:
        """Stores ``result`` (broadcast to this shape) into this tensor, as an in-place op.

        With no gradient involved (or outside recording) the values are copied into this very
        storage, so every holder of the tensor (a model, an optimizer) sees them. While recording
        a graph through a tensor that requires grad, this object takes the result's place in the
        graph, as PyTorch's in-place ops do; a leaf that requires grad is refused."""
        if not isinstance(result, Tensor):
            result = Tensor(result)
        if is_recording() and (self.requires_grad or result.requires_grad):
            if self.requires_grad and self.is_leaf:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation")
            if tuple(result.shape) != tuple(self.shape):
                result = result.expand(self.shape)
            self._take(result * 1.0)
        else:
            _lib.axon_tensor_copy_(self._h, result._h)
        base = getattr(self, "_base", None)
        if base is not None:
            parent, key = base
            parent[key] = self
        return self

    def copy_(self, src, non_blocking: bool = False) -> Tensor:
        return self._assign(src if isinstance(src, Tensor) else Tensor(src))

    def zero_(self) -> Tensor:
        if not is_recording() or not self.requires_grad:
            _lib.axon_tensor_zero_(self._h)
            return self._write_through()
        return self._assign(self * 0.0)

    def fill_(self, value) -> Tensor:
        if not isinstance(value, Tensor) and (not is_recording() or not self.requires_grad):
            _lib.axon_tensor_fill_(self._h, float(value))
            return self._write_through()
        return self._assign(self * 0.0 + value)

    def _write_through(self) -> Tensor:
        base = getattr(self, "_base", None)
        if base is not None:
            parent, key = base
            parent[key] = self
        return self


class _SharedView:
    """What NumPy wraps for :meth:`Tensor.numpy`: the tensor's storage through
    ``__array_interface__``. It holds its own handle (a detached tensor sharing the storage), so
    the array stays valid even if the tensor it came from is closed."""

    __slots__ = ("_tensor", "__array_interface__")

    def __init__(self, tensor: Tensor) -> None:
        self._tensor = tensor.detach()
        address = POINTER(c_float)()
        _lib.axon_tensor_data(byref(address), self._tensor._h)
        self.__array_interface__ = {
            "shape": tuple(tensor.shape),
            "typestr": "<f4",
            "data": (ctypes.addressof(address.contents), False),
            "version": 3,
        }


_RETAINED = weakref.WeakSet()


def _accumulate_retained(output: Tensor, seed, create_graph: bool) -> None:
    """Before a backward pass from ``output``: adds d output / d t into ``t.grad`` for every
    live result ``t`` that asked for :meth:`Tensor.retain_grad` (one extra pass of
    ``axon_grad`` over the kept graph, only when such tensors exist)."""
    targets = [t for t in list(_RETAINED) if not t.closed and t.requires_grad and t is not output]
    if not targets:
        return
    outs = (_tensor_p * 1)(output._h)
    ins = (_tensor_p * len(targets))(*(t._h for t in targets))
    seeds = (_tensor_p * 1)(seed._h) if seed is not None else None
    result = (_tensor_p * len(targets))()
    _lib.axon_grad(result, len(targets), outs, 1, seeds, ins, len(targets), 1, int(bool(create_graph)))
    for t, handle in zip(targets, result):
        g = Tensor._adopt(handle)
        previous = t._retained[0]
        t._retained[0] = g if previous is None else previous + g


class _GradFn:
    """What ``grad_fn`` returns for an operation's result: Axon keeps its graph internal."""

    def __repr__(self) -> str:
        return "<AxonBackward>"

    def name(self) -> str:
        return "AxonBackward"


class _no_recording:
    def __enter__(self):
        self._previous = _lib.axon_set_grad_enabled(0)

    def __exit__(self, *exc) -> None:
        _lib.axon_set_grad_enabled(self._previous)


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor holding a copy of ``data`` (a number, nested lists, a NumPy array or a tensor).
    Integer data gives an int64 tensor, booleans a bool one, floats float32 (also float64
    data: Axon has no float64)."""
    _dtype.check_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def make_dual(primal: Tensor, tangent) -> Tensor:
    """Forward mode: ``primal``'s values carrying ``tangent`` (as
    ``torch.autograd.forward_ad.make_dual``). Operations on the result propagate tangents;
    read them from the results' ``tangent``."""
    tangent = tangent if isinstance(tangent, Tensor) else Tensor(tangent)
    return wrap(_lib.axon_tensor_dual, primal._h, tangent._h)


_tensor_ops.bind(Tensor)
