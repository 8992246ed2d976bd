"""Layer 3: the ``torch.<op>(input, ...)`` functions, each the tensor method of the same name
(``axon.sin(x)`` is ``x.sin()``), so every op exists both ways with one definition."""

from __future__ import annotations

from ._tensor_ops import operand

#: Tensor methods that are also module-level functions taking the tensor first.
METHODS = (
    "add sub subtract mul multiply div divide true_divide remainder pow matmul mm bmm mv dot inner outer "
    "maximum minimum fmax fmin eq ne lt le gt ge greater greater_equal less less_equal not_equal equal isclose "
    "allclose isnan isinf isfinite logical_not logical_and logical_or logical_xor any all count_nonzero "
    "masked_fill exp log tanh sigmoid relu sqrt sin cos tan sinh cosh abs absolute erf neg negative rsqrt "
    "square reciprocal log1p expm1 log2 log10 exp2 sign sgn floor ceil round trunc fix frac clamp clip "
    "clamp_min clamp_max softmax log_softmax sum mean amax amin logsumexp argmax argmin max min var std prod "
    "norm reshape flatten unflatten unsqueeze squeeze permute transpose swapaxes swapdims t narrow select "
    "split chunk unbind flip index_select gather take broadcast_to clone detach numel silu nonzero argwhere tril triu "
    "movedim moveaxis cumsum sort argsort topk"
).split()


def _make(name: str):
    def function(input, *args, **kwargs):
        return getattr(operand(input), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``axon.{name}(input, ...)`` is ``input.{name}(...)``."
    return function


FUNCTIONS = {name: _make(name) for name in METHODS}


def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return input.var(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return input.std(dim, unbiased, keepdim, correction=correction), input.mean(dim, keepdim)


def numel(input) -> int:
    return input.numel()


def is_tensor(obj) -> bool:
    from .tensor import Tensor
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


FUNCTIONS.update(var_mean=var_mean, std_mean=std_mean, numel=numel, is_tensor=is_tensor,
                 is_floating_point=is_floating_point)
