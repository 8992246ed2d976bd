"""Layer 2: the operations of :class:`axon.Tensor`, each one call of the C door (or a short
composition of such calls), as a base class of ``Tensor``.

Names, arguments and results follow ``torch.Tensor``. Python numbers broadcast like 0-d
tensors. Logical dtypes (see :mod:`axon._dtype`): comparisons give ``bool``; ``+ - *`` of two
integer operands and ``sum`` of integers give ``int64``; everything else is float32.
"""

from __future__ import annotations

import math
from collections import namedtuple
from ctypes import byref, c_float, c_int64

import numpy as np

from . import _dtype, _lib
from .errors import StateError

_tensor_p = _lib.tensor_p
_check = _lib._check
_bare_sum = _lib.bare["axon_tensor_sum"]
_cls = None  # Tensor, bound by axon.tensor

return_types_max = namedtuple("max", ["values", "indices"])
return_types_min = namedtuple("min", ["values", "indices"])
return_types_sort = namedtuple("sort", ["values", "indices"])
return_types_topk = namedtuple("topk", ["values", "indices"])


def bind(cls) -> None:
    global _cls
    _cls = cls


# Results get the slots ``_dt`` (None: float32) and ``_op`` at once: an unset slot's getattr raises inside.
_new = object.__new__


def wrap(fn, *args, dt=None, op: bool = True):
    """Calls the constructor-style C function ``fn(&out, *args)`` and wraps the new handle;
    ``dt`` tags the logical dtype, ``op`` marks an operation's result (a non-leaf when it
    requires grad)."""
    out = _tensor_p()
    fn(byref(out), *args)
    t = _new(_cls)
    t._handle = out
    t._dt = dt
    t._op = op
    return t


def is_recording() -> bool:
    return bool(_lib.axon_is_grad_enabled())


_SCALARS: dict = {}


def wrap_bare(bare, fn, *handles):
    """``wrap(fn, *handles)`` for a float32 result through ``bare``, ``fn``'s twin without argtypes
    and errcheck (see axon._lib); a nonzero status raises as ``fn``'s errcheck would."""
    out = _tensor_p()
    status = bare(byref(out), *handles)
    if status:
        _check(status, fn, None)
    t = _new(_cls)
    t._handle, t._dt, t._op = out, None, True
    return t


def scalar(value: float):
    """A 0-d tensor holding ``value`` that does not require grad. The tensors of the most used
    values are kept and shared: they are constants that no caller updates (operands of ops)."""
    key = value if value else (0.0, math.copysign(1.0, value))  # -0.0 == 0.0: a zero is keyed with its sign
    cached = _SCALARS.get(key)
    if cached is not None:
        return cached
    out = _tensor_p()
    _lib.axon_tensor_new(byref(out), byref(c_float(value)), 1, None, 0, 0)
    t = _new(_cls)
    t._handle = out
    t._dt = None
    t._op = False
    if len(_SCALARS) < 256 and value == value:
        _SCALARS[key] = t
    return t


def operand(x):
    """``x`` as a tensor: tensors as they are, numbers as 0-d tensors, arrays and lists copied."""
    if isinstance(x, _cls):
        return x
    if isinstance(x, (int, float)):
        cached = _SCALARS.get(x) if x else None  # 2 finds 2.0's tensor, True 1.0's; zeros go by sign
        return cached if cached is not None else scalar(float(x))
    return _cls(x)


def _intlike(x) -> bool:
    if isinstance(x, _cls):
        dt = getattr(x, "_dt", None)
        return dt is not None and not dt.is_floating_point
    return isinstance(x, int)


def axes_array(dim) -> tuple:
    """``dim`` (None, an int or a sequence of ints) as a C array and its length."""
    if dim is None:
        return None, 0
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return (c_int64 * max(len(dims), 1))(*dims), len(dims)


def _shape_args(shape) -> tuple:
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    return tuple(int(d) for d in shape)


def _int_dt(x):
    return _dtype.int64 if _intlike(x) else None


def _operator(fn, reflected: bool, name: str, arithmetic: bool = True):
    """The operator ``name`` (reflected or not): ``fn`` of the two operands, as ``_binary`` does;
    with ``arithmetic`` (``+ - *``), int64 when both are integral, as ``_arith``. The hot path of
    every script, so one function each, without those calls, through ``fn``'s bare twin."""
    bare = _lib.bare[fn.__name__]

    def operator(self, other):
        dt = getattr(self, "_dt", None) if arithmetic else None
        if dt is not None:
            dt = _dtype.int64 if _intlike(self) and _intlike(other) else None
        if not isinstance(other, _cls):
            other = operand(other)
        a, b = (other, self) if reflected else (self, other)
        ha, hb = a._handle, b._handle
        if not ha or not hb:
            raise StateError("tensor is closed")
        t = wrap_bare(bare, fn, ha, hb)
        t._dt = dt
        return t
    operator.__name__, operator.__qualname__ = name, "TensorOps." + name
    return operator


class TensorOps:
    """The operations of a tensor (the base class of :class:`axon.Tensor`)."""

    __slots__ = ()

    # ---- Elementwise binary -------------------------------------------------------------------

    def _binary(self, fn, other, reflected: bool = False, dt=None):
        # The hot path of many ops, so ``_h`` is inlined.
        other = other if isinstance(other, _cls) else operand(other)
        a, b = (other, self) if reflected else (self, other)
        ha, hb = a._handle, b._handle
        if not ha or not hb:
            raise StateError("tensor is closed")
        out = _tensor_p()
        fn(byref(out), ha, hb)
        t = _new(_cls)
        t._handle = out
        t._dt = dt
        t._op = True
        return t

    def _arith(self, fn, other, reflected=False):
        if getattr(self, "_dt", None) is None:  # float32: the common case
            return self._binary(fn, other, reflected)
        dt = _dtype.int64 if _intlike(self) and _intlike(other) else None
        return self._binary(fn, other, reflected, dt)

    __add__ = _operator(_lib.axon_tensor_add, False, "__add__")
    __radd__ = _operator(_lib.axon_tensor_add, True, "__radd__")
    __sub__ = _operator(_lib.axon_tensor_sub, False, "__sub__")
    __rsub__ = _operator(_lib.axon_tensor_sub, True, "__rsub__")
    __mul__ = _operator(_lib.axon_tensor_mul, False, "__mul__")
    __rmul__ = _operator(_lib.axon_tensor_mul, True, "__rmul__")
    __truediv__ = _operator(_lib.axon_tensor_div, False, "__truediv__", False)
    __rtruediv__ = _operator(_lib.axon_tensor_div, True, "__rtruediv__", False)
    __matmul__ = _operator(_lib.axon_tensor_matmul, False, "__matmul__", False)
    __rmatmul__ = _operator(_lib.axon_tensor_matmul, True, "__rmatmul__", False)

    def __pow__(self, exponent):
        return self.pow(exponent)

    def __rpow__(self, base):
        return self._binary(_lib.axon_tensor_pow_tensor, base, True)

    def __floordiv__(self, other):
        return self.div(other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return operand(other).div(self, rounding_mode="floor")

    def __mod__(self, other):
        return self.remainder(other)

    def __neg__(self):
        return wrap(_lib.axon_tensor_neg, self._h, dt=getattr(self, "_dt", None))

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def add(self, other, alpha=1):
        return self + (other if alpha == 1 else operand(other) * alpha)

    def sub(self, other, alpha=1):
        return self - (other if alpha == 1 else operand(other) * alpha)

    subtract = sub

    def mul(self, other):
        return self * other

    multiply = mul

    def div(self, other, rounding_mode: str | None = None):
        """``self / other``; ``rounding_mode`` "trunc" or "floor" rounds the quotient (no gradient
        flows through the rounding, as in PyTorch)."""
        quotient = self / other
        if rounding_mode is None:
            return quotient
        rounded = quotient.trunc() if rounding_mode == "trunc" else quotient.floor()
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', not {rounding_mode!r}")
        return rounded._retag(_dtype.int64) if _intlike(self) and _intlike(other) else rounded

    divide = true_divide = div

    def remainder(self, other):
        return self - (self / other).floor() * other

    def pow(self, exponent):
        """``self ** exponent`` for a number or a tensor exponent."""
        if isinstance(exponent, (int, float)):
            if getattr(self, "_dt", None) is None:  # float32: the common case, inlined
                out = _tensor_p()
                _lib.axon_tensor_pow(byref(out), self._h, float(exponent))
                t = _new(_cls)
                t._handle = out
                t._dt = None
                t._op = True
                return t
            dt = _dtype.int64 if _intlike(self) and isinstance(exponent, int) and exponent >= 0 else None
            return wrap(_lib.axon_tensor_pow, self._h, float(exponent), dt=dt)
        return self._binary(_lib.axon_tensor_pow_tensor, exponent)

    def matmul(self, other):
        return self @ other

    mm = bmm = mv = matmul

    def dot(self, other):
        return (self * other).sum()

    inner = dot

    def outer(self, other):
        return self.reshape(-1, 1) * operand(other).reshape(1, -1)

    ger = outer

    def maximum(self, other):
        return self._binary(_lib.axon_tensor_maximum, other, dt=_int_dt(self))

    def minimum(self, other):
        return self._binary(_lib.axon_tensor_minimum, other, dt=_int_dt(self))

    fmax, fmin = maximum, minimum

    # ---- Comparisons and logic ----------------------------------------------------------------

    def _compare(self, fn, other):
        return self._binary(fn, other, dt=_dtype.bool_)

    def __eq__(self, other):
        return self._compare(_lib.axon_tensor_eq, other)

    def __ne__(self, other):
        return self._compare(_lib.axon_tensor_ne, other)

    def __lt__(self, other):
        return self._compare(_lib.axon_tensor_lt, other)

    def __le__(self, other):
        return self._compare(_lib.axon_tensor_le, other)

    def __gt__(self, other):
        return self._compare(_lib.axon_tensor_gt, other)

    def __ge__(self, other):
        return self._compare(_lib.axon_tensor_ge, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def equal(self, other) -> bool:
        """True when both have the same shape and elements (a Python bool)."""
        other = operand(other)
        return tuple(self.shape) == tuple(other.shape) and bool((self == other).all())

    def isclose(self, other, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False):
        other = operand(other)
        close = (self - other).abs() <= other.abs() * rtol + atol
        if equal_nan:
            close = close.logical_or(self.isnan().logical_and(other.isnan()))
        return close

    def allclose(self, other, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def isnan(self):
        return self != self

    def isinf(self):
        return self.abs() == math.inf

    def isfinite(self):
        return (self.abs() < math.inf)

    def logical_not(self):
        return (self == 0)

    def logical_and(self, other):
        return (self != 0)._binary(_lib.axon_tensor_mul, operand(other) != 0, dt=_dtype.bool_)

    def logical_or(self, other):
        return (self != 0)._binary(_lib.axon_tensor_maximum, operand(other) != 0, dt=_dtype.bool_)

    def logical_xor(self, other):
        return (self != 0) != (operand(other) != 0)

    __invert__ = logical_not
    __and__ = __rand__ = logical_and
    __or__ = __ror__ = logical_or
    __xor__ = __rxor__ = logical_xor

    def any(self, dim=None, keepdim: bool = False):
        return (self != 0).amax(() if dim is None else dim, keepdim)._retag(_dtype.bool_)

    def all(self, dim=None, keepdim: bool = False):
        return (self != 0).amin(() if dim is None else dim, keepdim)._retag(_dtype.bool_)

    def count_nonzero(self, dim=None):
        return (self != 0).sum(dim)

    def where(self, condition, other):
        from ._creation import where
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        from ._creation import where
        return where(mask, value, self)

    # ---- Elementwise unary --------------------------------------------------------------------

    def _unary(self, fn, keep_dtype: bool = False):
        return wrap(fn, self._h, dt=getattr(self, "_dt", None) if keep_dtype else None)

    def exp(self):
        return self._unary(_lib.axon_tensor_exp)

    def log(self):
        return self._unary(_lib.axon_tensor_log)

    def tanh(self):
        return self._unary(_lib.axon_tensor_tanh)

    def sigmoid(self):
        return self._unary(_lib.axon_tensor_sigmoid)

    def relu(self):
        return self._unary(_lib.axon_tensor_relu, True)

    def sqrt(self):
        return self._unary(_lib.axon_tensor_sqrt)

    def sin(self):
        return self._unary(_lib.axon_tensor_sin)

    def cos(self):
        return self._unary(_lib.axon_tensor_cos)

    def abs(self):
        return self._unary(_lib.axon_tensor_abs, True)

    absolute = abs

    def erf(self):
        return self._unary(_lib.axon_tensor_erf)

    def neg(self):
        return -self

    negative = neg

    def tan(self):
        return self.sin() / self.cos()

    def sinh(self):
        return (self.exp() - (-self).exp()) * 0.5

    def cosh(self):
        return (self.exp() + (-self).exp()) * 0.5

    def rsqrt(self):
        return 1.0 / self.sqrt()

    def square(self):
        return self * self

    def reciprocal(self):
        return 1.0 / self

    def log1p(self):
        return (self + 1.0).log()

    def expm1(self):
        return self.exp() - 1.0

    def log2(self):
        return self.log() * (1.0 / math.log(2.0))

    def log10(self):
        return self.log() * (1.0 / math.log(10.0))

    def exp2(self):
        return 2.0 ** self

    def sign(self):
        return (self > 0).float() - (self < 0).float()

    sgn = sign

    def _rounded(self, fn):
        """``fn`` of the values as a new tensor (rounding has a zero gradient: none flows)."""
        return _cls(fn(self.detach().numpy().astype(np.float64)), dtype=self.dtype)

    def floor(self):
        return self._rounded(np.floor)

    def ceil(self):
        return self._rounded(np.ceil)

    def round(self, decimals: int = 0):
        return self._rounded(lambda a: np.round(a, decimals))

    def trunc(self):
        return self._rounded(np.trunc)

    fix = trunc

    def frac(self):
        return self - self.trunc()

    def clamp(self, min=None, max=None):
        """Limits the elements to [min, max]; bounds may be numbers or tensors (broadcast)."""
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if isinstance(min, TensorOps) or isinstance(max, TensorOps):
            result = self
            if min is not None:
                result = result.maximum(min)
            if max is not None:
                result = result.minimum(max)
            return result
        low = -math.inf if min is None else float(min)
        high = math.inf if max is None else float(max)
        return wrap(_lib.axon_tensor_clamp, self._h, low, high, dt=getattr(self, "_dt", None))

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0):
        if beta == 1.0 and threshold == 20.0:
            return self._unary(_lib.axon_tensor_softplus)
        scaled = self * beta
        return ((scaled.clamp(max=threshold)).exp() + 1.0).log() / beta * (scaled <= threshold).float() + \
            self * (scaled > threshold).float()

    def gelu(self, approximate: str = "none"):
        if approximate == "none":
            return self._unary(_lib.axon_tensor_gelu)
        if approximate != "tanh":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
        inner = (self + self.pow(3) * 0.044715) * math.sqrt(2.0 / math.pi)
        return self * 0.5 * (inner.tanh() + 1.0)

    def elu(self, alpha: float = 1.0):
        return wrap(_lib.axon_tensor_elu, self._h, float(alpha))

    def leaky_relu(self, negative_slope: float = 0.01):
        return wrap(_lib.axon_tensor_leaky_relu, self._h, float(negative_slope))

    def silu(self):
        return self * self.sigmoid()

    def softmax(self, dim: int = -1, dtype=None):
        return wrap(_lib.axon_tensor_softmax, self._h, int(dim))

    def log_softmax(self, dim: int = -1, dtype=None):
        return wrap(_lib.axon_tensor_log_softmax, self._h, int(dim))

    # ---- Reductions ---------------------------------------------------------------------------

    def _reduce(self, fn, dim, keepdim: bool, dt=None):
        axes, n = axes_array(dim)
        return wrap(fn, self._h, axes, n, 1 if keepdim else 0, dt=dt)

    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        """The sum over ``dim`` (an int, a tuple, or None for every axis)."""
        if dim is None and not keepdim and dtype is None and getattr(self, "_dt", None) is None:  # float32
            return wrap_bare(_bare_sum, _lib.axon_tensor_sum, self._h)
        dt = _int_dt(self) if dtype is None else _dtype.check_dtype(dtype, "sum")
        dt = None if dt is _dtype.float32 else dt
        if dim is None and not keepdim:
            return wrap(_lib.axon_tensor_sum, self._h, dt=dt)
        return self._reduce(_lib.axon_tensor_sum_axes, dim, keepdim, dt)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        """The mean over ``dim`` (an int, a tuple, or None for every axis)."""
        return self._reduce(_lib.axon_tensor_mean, dim, keepdim)

    def amax(self, dim=(), keepdim: bool = False):
        return self._reduce(_lib.axon_tensor_amax, dim if dim != () else None, keepdim, getattr(self, "_dt", None))

    def amin(self, dim=(), keepdim: bool = False):
        return self._reduce(_lib.axon_tensor_amin, dim if dim != () else None, keepdim, getattr(self, "_dt", None))

    def logsumexp(self, dim, keepdim: bool = False):
        return self._reduce(_lib.axon_tensor_logsumexp, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False):
        """The index of the largest element (along ``dim``), as an int64 tensor."""
        if dim is None:
            flat = self.reshape(-1)
            result = wrap(_lib.axon_tensor_argmax, flat._h, 0, dt=_dtype.int64)
            return result.reshape([1] * self.ndim) if keepdim else result
        result = wrap(_lib.axon_tensor_argmax, self._h, int(dim), dt=_dtype.int64)
        return result.unsqueeze(dim) if keepdim else result

    def argmin(self, dim: int | None = None, keepdim: bool = False):
        return (-self).argmax(dim, keepdim)

    def _extreme(self, reduce, index, result_type, dim, keepdim):
        if dim is None:
            return reduce()
        if isinstance(dim, TensorOps):
            return None
        return result_type(reduce(dim, keepdim), index(dim, keepdim))

    def max(self, dim=None, keepdim: bool = False):
        """The largest element; with ``dim``, ``(values, indices)``; with a tensor, ``maximum``."""
        if isinstance(dim, TensorOps):
            return self.maximum(dim)
        return self._extreme(self.amax, self.argmax, return_types_max, dim, keepdim)

    def min(self, dim=None, keepdim: bool = False):
        """The smallest element; with ``dim``, ``(values, indices)``; with a tensor, ``minimum``."""
        if isinstance(dim, TensorOps):
            return self.minimum(dim)
        return self._extreme(self.amin, self.argmin, return_types_min, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """The variance over ``dim``: unbiased (correction 1) by default, as PyTorch's."""
        if isinstance(dim, bool):  # var(unbiased)
            dim, unbiased = None, dim
        if correction is None:
            correction = 0 if unbiased is False else 1
        axes, n = axes_array(dim)
        return wrap(_lib.axon_tensor_var, self._h, axes, n, int(correction), 1 if keepdim else 0)

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        return self.var(dim, unbiased, keepdim, correction=correction).sqrt()

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """The vector p-norm over ``dim`` (2 / "fro" by default; 1; inf; -inf; any p > 0)."""
        if p in ("fro", 2, 2.0, None):
            return (self * self).sum(dim, keepdim).sqrt()
        if p in (math.inf, "inf"):
            return self.abs().amax(() if dim is None else dim, keepdim)
        if p in (-math.inf, "-inf"):
            return self.abs().amin(() if dim is None else dim, keepdim)
        if p == 1:
            return self.abs().sum(dim, keepdim)
        if isinstance(p, str):
            raise ValueError(f"norm: p={p!r} is not supported (numbers, 'fro', inf)")
        return self.abs().pow(float(p)).sum(dim, keepdim).pow(1.0 / float(p))
