"""Layer 2: shape operations, indexing and the in-place methods of :class:`axon.Tensor` (a base
class of it), each a call of the C door or a short composition of calls (also ``prod``, a
reduction made of shape operations).

Indexing follows PyTorch (ints, slices with positive steps, ``None``, ``...``, index tensors,
lists and boolean masks, for reading and for assignment). Reading gives a new tensor; an
in-place update of a result of basic indexing (ints, slices, ``None``, ``...``) writes through
to the tensor it came from, as a PyTorch view would. ``reshape``, ``view``, ``flatten``,
``squeeze`` and ``unsqueeze`` share storage with their input.
"""

from __future__ import annotations

from ctypes import c_int64

import numpy as np

from . import _lib
from . import _tensor_ops as ops
from .errors import StateError

_wrap = ops.wrap


def _dims(shape) -> tuple:
    return (c_int64 * max(len(shape), 1))(*shape), len(shape)


def _index_array(value) -> np.ndarray:
    """An index given as a tensor, list or array, as a NumPy int64 or bool array."""
    if isinstance(value, ops.TensorOps):
        dt = value.dtype
        array = value.numpy()
        if dt.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return array
    array = np.asarray(value)
    if array.dtype == np.bool_:
        return array
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return array.astype(np.int64)


def _is_basic(item) -> bool:
    return item is None or item is Ellipsis or isinstance(item, (int, np.integer)) or (
        isinstance(item, slice) and (item.step is None or item.step == 1))


def _numpy_key(key):
    items = key if isinstance(key, tuple) else (key,)
    return tuple(item if _is_basic(item) or isinstance(item, slice) else _index_array(item) for item in items)


def _check_steps(key) -> None:
    for item in key if isinstance(key, tuple) else (key,):
        if isinstance(item, slice) and item.step is not None and item.step <= 0:
            raise ValueError("step must be greater than zero")


def positions(shape, key) -> np.ndarray:
    """The flat positions ``key`` selects in a row-major tensor of ``shape``, in the result's
    shape (NumPy's indexing rules, which are PyTorch's for these keys)."""
    _check_steps(key)
    try:
        return np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)[_numpy_key(key)]
    except IndexError as error:
        raise IndexError(str(error)) from None


class TensorShape:
    """Shape operations, indexing and in-place methods (a base class of :class:`axon.Tensor`)."""

    __slots__ = ()

    # ---- Shape --------------------------------------------------------------------------------

    def reshape(self, *shape):
        """The elements in a new shape (``t.reshape(2, -1)`` or ``t.reshape((2, -1))``), sharing
        storage."""
        dims, n = _dims(ops._shape_args(shape))
        return _wrap(_lib.axon_tensor_reshape, self._h, dims, n, dt=getattr(self, "_dt", None))

    view = reshape

    def view_as(self, other):
        return self.reshape(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self.ndim == 0:
            return self.reshape(1)
        return _wrap(_lib.axon_tensor_flatten, self._h, int(start_dim), int(end_dim), dt=getattr(self, "_dt", None))

    ravel = flatten

    def unflatten(self, dim: int, sizes):
        shape = list(self.shape)
        dim = dim % len(shape)
        return self.reshape(shape[:dim] + list(sizes) + shape[dim + 1:])

    def unsqueeze(self, dim: int):
        return _wrap(_lib.axon_tensor_unsqueeze, self._h, int(dim), dt=getattr(self, "_dt", None))

    def squeeze(self, dim=None):
        """Without the axes of length 1 (all of them, or those of ``dim`` that have length 1)."""
        shape = self.shape
        if dim is None:
            dims = [i for i, d in enumerate(shape) if d == 1]
        else:
            dims = [d % max(len(shape), 1) for d in ((dim,) if isinstance(dim, int) else dim)]
            dims = [d for d in dims if len(shape) and shape[d] == 1]
        keep = [d for i, d in enumerate(shape) if i not in dims]
        return self.reshape(keep) if len(keep) != len(shape) else self.reshape(shape)

    def permute(self, *dims):
        dims = ops._shape_args(dims)
        n = self.ndim
        array, count = _dims([d % n if n else d for d in dims])
        return _wrap(_lib.axon_tensor_permute, self._h, array, count, dt=getattr(self, "_dt", None))

    def transpose(self, dim0: int, dim1: int):
        return _wrap(_lib.axon_tensor_transpose, self._h, int(dim0), int(dim1), dt=getattr(self, "_dt", None))

    swapaxes = swapdims = transpose

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def T(self):
        """The axes in reverse order."""
        n = self.ndim
        return self.permute(list(range(n - 1, -1, -1))) if n >= 2 else self

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def expand(self, *sizes):
        sizes = list(ops._shape_args(sizes))
        shape = list(self.shape)
        offset = len(sizes) - len(shape)
        for i, s in enumerate(sizes):
            if s == -1:
                if i < offset:
                    raise RuntimeError("expand: -1 is not allowed for a new leading dimension")
                sizes[i] = shape[i - offset]
        array, n = _dims(sizes)
        return _wrap(_lib.axon_tensor_expand, self._h, array, n, dt=getattr(self, "_dt", None))

    def expand_as(self, other):
        return self.expand(other.shape)

    broadcast_to = expand

    def repeat(self, *sizes):
        """The tensor tiled ``sizes`` times along each axis (leading axes added as needed)."""
        sizes = ops._shape_args(sizes)
        shape = [1] * (len(sizes) - self.ndim) + list(self.shape)
        t = self.reshape(shape)
        interleaved, expanded, final = [], [], []
        for s, d in zip(sizes, shape):
            interleaved += [1, d]
            expanded += [s, d]
            final.append(s * d)
        return t.reshape(interleaved).expand(expanded).reshape(final)

    def narrow(self, dim: int, start: int, length: int):
        return _wrap(_lib.axon_tensor_slice, self._h, int(dim), int(start), int(start) + int(length),
                     dt=getattr(self, "_dt", None))

    def select(self, dim: int, index: int):
        size = self.shape[dim]
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
        index %= size
        return self.narrow(dim, index, 1).squeeze(dim)

    def split(self, split_size_or_sections, dim: int = 0):
        size = self.shape[dim]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            lengths = [min(step, size - s) for s in range(0, size, step)] or [0]
        else:
            lengths = list(split_size_or_sections)
            if sum(lengths) != size:
                raise RuntimeError(f"split: sizes {lengths} do not sum to the dimension's size {size}")
        result, start = [], 0
        for length in lengths:
            result.append(self.narrow(dim, start, length))
            start += length
        return tuple(result)

    def chunk(self, chunks: int, dim: int = 0):
        size = self.shape[dim]
        step = -(-size // chunks) if size else 1
        return self.split(step, dim)

    def unbind(self, dim: int = 0):
        return tuple(self.select(dim, i) for i in range(self.shape[dim]))

    def flip(self, *dims):
        t = self
        for d in ops._shape_args(dims):
            t = t.index_select(d, list(range(self.shape[d] - 1, -1, -1)))
        return t

    def index_select(self, dim: int, index):
        values = _index_array(index).reshape(-1)
        size = self.shape[dim]
        values = np.where(values < 0, values + size, values)
        array = (c_int64 * max(values.size, 1))(*values.tolist())
        return _wrap(_lib.axon_tensor_index_select, self._h, int(dim), array, values.size,
                     dt=getattr(self, "_dt", None))

    def gather(self, dim: int, index):
        return _wrap(_lib.axon_tensor_gather, self._h, int(dim), ops.operand(index)._h, dt=getattr(self, "_dt", None))

    def nonzero(self, as_tuple: bool = False):
        """The indices of the non-zero elements: an int64 tensor [n, ndim], or a tuple of them."""
        found = np.nonzero(self.numpy())
        if as_tuple:
            return tuple(ops._cls(i, dtype="int64") for i in found)
        return ops._cls(np.stack(found, axis=1) if found else np.zeros((0, 0)), dtype="int64")

    def argwhere(self):
        return self.nonzero()

    def _triangle(self, diagonal: int, lower: bool):
        rows, cols = self.shape[-2], self.shape[-1]
        keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
        from ._creation import where
        return where(ops._cls(keep), self, ops.scalar(0.0))

    def tril(self, diagonal: int = 0):
        return self._triangle(diagonal, True)

    def triu(self, diagonal: int = 0):
        return self._triangle(diagonal, False)

    def movedim(self, source: int, destination: int):
        n = self.ndim
        order = [d for d in range(n) if d != source % n]
        order.insert(destination % n, source % n)
        return self.permute(order)

    moveaxis = movedim

    def cumsum(self, dim: int, dtype=None):
        """Running sums along ``dim`` (a product with a triangular matrix of ones)."""
        n = self.shape[dim]
        ones = ops._cls(np.triu(np.ones((n, n), dtype=np.float32)))
        moved = self.movedim(dim, -1)
        result = (moved @ ones).movedim(-1, dim)
        return result._retag(self.dtype) if ops._intlike(self) else result

    def prod(self, dim: int | None = None, keepdim: bool = False, dtype=None):
        """The product over ``dim`` (or every element), by pairwise multiplication."""
        if dim is None:
            result = self.reshape(-1).prod(0)
            return result.reshape([1] * self.ndim) if keepdim else result
        dim = dim % max(self.ndim, 1)
        t = self
        while t.shape[dim] > 1:
            size = t.shape[dim]
            half = size // 2
            paired = t.narrow(dim, 0, half) * t.narrow(dim, half, half)
            t = paired if size % 2 == 0 else paired.cat_with(t.narrow(dim, size - 1, 1), dim)
        if t.shape[dim] == 0:
            shape = list(t.shape)
            shape[dim] = 1
            from ._creation import ones
            t = ones(shape)
        return t if keepdim else t.squeeze(dim)

    def cat_with(self, other, dim: int):
        from ._creation import cat
        return cat([self, other], dim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """``(values, indices)``; the values are gathered, so gradients flow to them."""
        order = np.argsort(-self.numpy() if descending else self.numpy(), axis=dim, kind="stable")
        indices = ops._cls(order, dtype="int64")
        return ops.return_types_sort(self.gather(dim, indices), indices)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        return self.sort(dim, descending)[1]

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        values, indices = self.sort(dim, descending=largest)
        return ops.return_types_topk(values.narrow(dim, 0, k), indices.narrow(dim, 0, k))

    def take(self, index):
        return self.reshape(-1)[index]

    # ---- Indexing -----------------------------------------------------------------------------

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        if all(_is_basic(item) or isinstance(item, slice) for item in items):
            _check_steps(key)
            result = self._basic_index(items)
            result._base = (self, key)
            return result
        advanced = [i for i, item in enumerate(items) if not (_is_basic(item) or isinstance(item, slice))]
        if len(advanced) == 1 and not any(item is None or item is Ellipsis for item in items):
            index = _index_array(items[advanced[0]])
            if index.dtype != np.bool_:
                return self._single_advanced(items, advanced[0], index)
        pos = positions(self.shape, key)
        return self.reshape(-1).index_select(0, pos.reshape(-1)).reshape(pos.shape)

    def _basic_index(self, items):
        explicit = sum(1 for item in items if item is not None and item is not Ellipsis)
        if explicit > self.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
        expanded = []
        for item in items:
            if item is Ellipsis:
                expanded += [slice(None)] * (self.ndim - explicit)
            else:
                expanded.append(item)
        t, axis = self, 0
        for item in expanded:
            if item is None:
                t, axis = t.unsqueeze(axis), axis + 1
            elif isinstance(item, slice):
                size = t.shape[axis]
                start, stop, step = item.indices(size)
                if step != 1:
                    t = t.index_select(axis, list(range(start, stop, step)))
                elif (start, stop) != (0, size):
                    t = t.narrow(axis, start, max(stop - start, 0))
                axis += 1
            else:
                t = t.select(axis, int(item))
        return t if t is not self else self.reshape(self.shape)

    def _single_advanced(self, items, where_, index):
        before = self._basic_index(items[:where_]) if where_ else self
        axis = sum(1 for item in items[:where_] if not isinstance(item, (int, np.integer)))
        size = before.shape[axis]
        if index.size and (index.max() >= size or index.min() < -size):
            bad = index.max() if index.max() >= size else index.min()
            raise IndexError(f"index {bad} is out of bounds for dimension {axis} with size {size}")
        picked = before.index_select(axis, index.reshape(-1))
        if index.ndim != 1:
            shape = list(picked.shape)
            picked = picked.reshape(shape[:axis] + list(index.shape) + shape[axis + 1:])
        rest = items[where_ + 1:]
        if not rest:
            return picked
        lead = [slice(None)] * (axis + index.ndim)
        return picked._basic_index(tuple(lead) + tuple(rest))

    def __setitem__(self, key, value) -> None:
        from ._creation import where
        shape = self.shape
        pos = positions(shape, key)
        n = int(np.prod(shape, dtype=np.int64))
        mask = np.zeros(n, dtype=bool)
        mask[pos.reshape(-1)] = True
        cond = ops._cls(mask.reshape(shape))
        if isinstance(value, ops.TensorOps):
            inverse = np.zeros(n, dtype=np.int64)
            inverse[pos.reshape(-1)] = np.arange(pos.size)
            if pos.size == 0:
                return
            spread = value.expand(pos.shape).reshape(-1).index_select(0, inverse).reshape(shape)
        else:
            spread = ops.operand(float(value))
        self._assign(where(cond, spread, self))

    # ---- In-place methods ---------------------------------------------------------------------

    def _inplace(self, fn, other, *extra):
        """The C door's in-place update ``fn`` when no graph is involved (one pass, this very
        storage); None when the update must be recorded (the caller composes it then)."""
        other = other if isinstance(other, ops._cls) else ops.operand(other)
        if _lib.axon_is_grad_enabled() and (self.requires_grad or other.requires_grad):  # ops.is_recording()
            return None
        ha, hb = getattr(self, "_handle", None), getattr(other, "_handle", None)  # self._h, other._h inlined
        if not ha or not hb:
            raise StateError("tensor is closed")
        fn(ha, hb, *extra)
        return self if getattr(self, "_base", None) is None else self._write_through()

    def add_(self, other, alpha=1):
        done = self._inplace(_lib.axon_tensor_add_, other, float(alpha))
        return done if done is not None else self._assign(self.add(other, alpha))

    def sub_(self, other, alpha=1):
        done = self._inplace(_lib.axon_tensor_sub_, other, float(alpha))
        return done if done is not None else self._assign(self.sub(other, alpha))

    def mul_(self, other):
        done = self._inplace(_lib.axon_tensor_mul_, other)
        return done if done is not None else self._assign(self * other)

    def div_(self, other, rounding_mode=None):
        if rounding_mode is None:
            done = self._inplace(_lib.axon_tensor_div_, other)
            if done is not None:
                return done
        return self._assign(self.div(other, rounding_mode=rounding_mode))

    def pow_(self, exponent):
        return self._assign(self.pow(exponent))

    def clamp_(self, min=None, max=None):
        return self._assign(self.clamp(min, max))

    clip_ = clamp_

    def neg_(self):
        return self._assign(-self)

    def abs_(self):
        return self._assign(self.abs())

    def exp_(self):
        return self._assign(self.exp())

    def log_(self):
        return self._assign(self.log())

    def sqrt_(self):
        return self._assign(self.sqrt())

    def relu_(self):
        return self._assign(self.relu())

    def sigmoid_(self):
        return self._assign(self.sigmoid())

    def tanh_(self):
        return self._assign(self.tanh())

    def masked_fill_(self, mask, value):
        return self._assign(self.masked_fill(mask, value))

    def addcmul_(self, t1, t2, value=1):
        return self._assign(self + ops.operand(t1) * t2 * value)

    def addcdiv_(self, t1, t2, value=1):
        return self._assign(self + ops.operand(t1) / t2 * value)

    def lerp_(self, end, weight):
        return self._assign(self + (ops.operand(end) - self) * weight)

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator=None):
        from ._creation import rand
        return self._assign(rand(self.shape, generator=generator) * (b - a) + a)

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator=None):
        from ._creation import randn
        return self._assign(randn(self.shape, generator=generator) * std + mean)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ipow__(self, other):
        return self.pow_(other)

    # ---- New tensors like this one ------------------------------------------------------------

    def new_zeros(self, *size, **kwargs):
        from ._creation import zeros
        return zeros(*size, **kwargs)

    def new_ones(self, *size, **kwargs):
        from ._creation import ones
        return ones(*size, **kwargs)

    def new_full(self, size, fill_value, **kwargs):
        from ._creation import full
        return full(size, fill_value, **kwargs)

    def new_empty(self, *size, **kwargs):
        from ._creation import zeros
        return zeros(*size, **kwargs)

    def new_tensor(self, data, **kwargs):
        return ops._cls(data, **kwargs)

    def clone(self, memory_format=None):
        """A copy with its own storage, in the same graph (the gradient flows back)."""
        return self._arith(_lib.axon_tensor_mul, 1) if ops._intlike(self) else self * 1.0

