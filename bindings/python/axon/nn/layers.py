"""Layer 3: the built-in layers with PyTorch's names, arguments and attributes, each a view of
one layer of the library (see :mod:`axon.nn.native`). Initial values come from the library's
initializers seeded by :func:`axon.manual_seed` (PyTorch's schemes, not its random streams).
"""

from __future__ import annotations

from .._tensor_ops import operand
from .module import Module
from .native import NativeModule

__all__ = ["Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Unflatten", "ReLU",
           "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softplus", "Identity",
           "Maxout", "Dropout", "Dropout2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm",
           "InstanceNorm2d", "Residual", "WeightNorm", "Spec"]


def _bool(b: bool) -> str:
    return "true" if b else "false"


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _pair_text(v) -> str:
    a, b = _pair(v)
    return f"{a}x{b}"


def _float(x: float) -> str:
    return repr(float(x))


def _dims(shape) -> str:
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    return "x".join(str(int(d)) for d in dims)


def _unsupported(layer: str, **options) -> None:
    for name, (value, default) in options.items():
        if value != default:
            raise ValueError(f"{layer}: {name}={value!r} is not supported (only {default!r})")


class Linear(NativeModule):
    """``y = x W^T + b``."""

    _kind = "linear"
    _optional = ("bias",)

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        self._build(f"{int(in_features)} {int(out_features)} bias={_bool(bias)}")
        self._describe()

    def _describe(self) -> None:
        self.out_features, self.in_features = self.weight.shape

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Conv2d(NativeModule):
    """2-d cross-correlation over NCHW input. ``padding`` may be an int, a pair or "same" (odd
    kernels) / "valid"; only ``padding_mode="zeros"``."""

    _kind = "conv2d"
    _optional = ("bias",)

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        _unsupported("Conv2d", padding_mode=(padding_mode, "zeros"))
        kernel, dil = _pair(kernel_size), _pair(dilation)
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if _pair(stride) != (1, 1) or any(d * (k - 1) % 2 for k, d in zip(kernel, dil)):
                raise ValueError("Conv2d: padding='same' needs stride 1 and an odd dilated kernel")
            padding = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dil))
        self._build(f"{int(in_channels)} {int(out_channels)} kernel={_pair_text(kernel)} "
                    f"stride={_pair_text(stride)} padding={_pair_text(padding)} dilation={_pair_text(dil)} "
                    f"groups={int(groups)} bias={_bool(bias)}")
        self.stride, self.padding, self.dilation, self.groups = _pair(stride), _pair(padding), dil, int(groups)
        self._describe()

    def _describe(self) -> None:
        out, per_group, kh, kw = self.weight.shape
        self.out_channels, self.kernel_size = out, (kh, kw)
        self.groups = getattr(self, "groups", 1)
        self.in_channels = per_group * self.groups

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"


def _stride(stride) -> str:
    return "" if stride is None else f" stride={_pair_text(stride)}"


class MaxPool2d(NativeModule):
    _kind = "maxpool2d"

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        _unsupported("MaxPool2d", return_indices=(return_indices, False), ceil_mode=(ceil_mode, False))
        self._build(f"kernel={_pair_text(kernel_size)}{_stride(stride)} padding={_pair_text(padding)} "
                    f"dilation={_pair_text(dilation)}")
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation


class AvgPool2d(NativeModule):
    """Average pooling with ``count_include_pad=True`` (PyTorch's default)."""

    _kind = "avgpool2d"

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        _unsupported("AvgPool2d", ceil_mode=(ceil_mode, False), count_include_pad=(count_include_pad, True),
                     divisor_override=(divisor_override, None))
        self._build(f"kernel={_pair_text(kernel_size)}{_stride(stride)} padding={_pair_text(padding)}")
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding = padding


class AdaptiveAvgPool2d(NativeModule):
    """Average pooling to a fixed ``output_size`` (an int or a pair; None entries unsupported)."""

    _kind = "adaptiveavgpool2d"

    def __init__(self, output_size) -> None:
        size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
        if len(size) != 2 or any(d is None for d in size):
            raise ValueError(f"AdaptiveAvgPool2d: output_size {output_size!r} is not supported; "
                             "give an int or a pair of ints (None entries are not supported)")
        self._build(f"size={_dims(size)}")
        self.output_size = output_size


class Flatten(NativeModule):
    _kind = "flatten"

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self._build(f"start={int(start_dim)} end={int(end_dim)}")
        self.start_dim, self.end_dim = start_dim, end_dim


class Unflatten(NativeModule):
    """Expands axis ``dim`` into ``unflattened_size``, e.g. ``Unflatten(1, (1, 28, 28))``."""

    _kind = "unflatten"

    def __init__(self, dim: int, unflattened_size) -> None:
        self._build(f"axis={int(dim)} shape={_dims(unflattened_size)}")
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)


class _Plain(NativeModule):
    """An activation without arguments; ``inplace`` is accepted (the result is the same)."""

    def __init__(self, inplace: bool = False) -> None:
        self._build("")
        self.inplace = inplace


class ReLU(_Plain):
    _kind = "relu"


class Sigmoid(_Plain):
    _kind = "sigmoid"


class Tanh(_Plain):
    _kind = "tanh"


class GELU(NativeModule):
    """GELU, exact erf form (``approximate="tanh"`` is refused here; ``F.gelu`` has it)."""

    _kind = "gelu"

    def __init__(self, approximate: str = "none") -> None:
        _unsupported("GELU", approximate=(approximate, "none"))
        self._build("")
        self.approximate = approximate


class Softplus(NativeModule):
    """``log(1 + e^x)``: beta 1 and threshold 20 only (``F.softplus`` takes others)."""

    _kind = "softplus"

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        _unsupported("Softplus", beta=(float(beta), 1.0), threshold=(float(threshold), 20.0))
        self._build("")
        self.beta, self.threshold = beta, threshold


class Identity(NativeModule):
    _kind = "identity"

    def __init__(self, *args, **kwargs) -> None:
        self._build("")


class LeakyReLU(NativeModule):
    _kind = "leakyrelu"

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        self._build(f"slope={_float(negative_slope)}")
        self.negative_slope, self.inplace = negative_slope, inplace


class ELU(NativeModule):
    _kind = "elu"

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        self._build(f"alpha={_float(alpha)}")
        self.alpha, self.inplace = alpha, inplace


class Softmax(NativeModule):
    _kind = "softmax"

    def __init__(self, dim: int | None = None) -> None:
        self._build(f"axis={-1 if dim is None else int(dim)}")
        self.dim = dim

    def forward(self, input):
        if getattr(self, "dim", -1) is None:  # PyTorch's implicit axis: 0 for 0-, 1- and 3-d input, else 1
            return operand(input).softmax(0 if operand(input).ndim in (0, 1, 3) else 1)
        return super().forward(input)


class LogSoftmax(NativeModule):
    _kind = "logsoftmax"

    def __init__(self, dim: int | None = None) -> None:
        self._build(f"axis={-1 if dim is None else int(dim)}")
        self.dim = dim

    def forward(self, input):
        if getattr(self, "dim", -1) is None:  # PyTorch's implicit axis: 0 for 0-, 1- and 3-d input, else 1
            return operand(input).log_softmax(0 if operand(input).ndim in (0, 1, 3) else 1)
        return super().forward(input)


class Maxout(NativeModule):
    """Maxout (Axon's own): the last axis of size F is read as F / pieces groups of ``pieces``
    consecutive features, and each output is the maximum of its group."""

    _kind = "maxout"

    def __init__(self, pieces: int) -> None:
        self._build(str(int(pieces)))


class Dropout(NativeModule):
    """Inverted dropout; its mask stream is seeded when the layer is built."""

    _kind = "dropout"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self._build(f"p={_float(min(p, 0.5))}")  # p = 1 (all dropped) is handled in forward
        self.p, self.inplace = p, inplace

    def _native_model(self):
        return None if getattr(self, "p", None) == 1.0 else self._native

    def forward(self, input):
        if getattr(self, "p", None) == 1.0:
            return operand(input) * 0.0 if self.training else operand(input)
        return super().forward(input)


class Dropout2d(Dropout):
    _kind = "dropout2d"


def _norm(features: int, eps: float, momentum, affine: bool, track: bool) -> str:
    momentum_text = "none" if momentum is None else _float(momentum)
    return (f"{int(features)} eps={_float(eps)} momentum={momentum_text} "
            f"affine={_bool(affine)} track={_bool(track)}")


class _BatchNorm(NativeModule):
    _optional = ("weight", "bias", "running_mean", "running_var")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None) -> None:
        self._build(_norm(num_features, eps, momentum, affine, track_running_stats))
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats


class BatchNorm1d(_BatchNorm):
    _kind = "batchnorm1d"


class BatchNorm2d(_BatchNorm):
    _kind = "batchnorm2d"


class InstanceNorm2d(_BatchNorm):
    _kind = "instancenorm2d"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats)


class LayerNorm(NativeModule):
    _kind = "layernorm"
    _optional = ("weight", "bias")

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None) -> None:
        _unsupported("LayerNorm", bias=(bias, True))
        self._build(f"shape={_dims(normalized_shape)} eps={_float(eps)} affine={_bool(elementwise_affine)}")
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine


class GroupNorm(NativeModule):
    _kind = "groupnorm"
    _optional = ("weight", "bias")

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device=None, dtype=None) -> None:
        self._build(f"{int(num_groups)} {int(num_channels)} eps={_float(eps)} affine={_bool(affine)}")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine


class _SpecContainer(NativeModule):
    """A library container built from its children's specs; its children become views of the
    copies inside it (the modules passed in keep their own, separate weights)."""

    def __init__(self, *modules: Module) -> None:
        for m in modules:
            if not hasattr(m, "spec"):
                raise TypeError(f"{type(self).__name__}: {type(m).__name__} is not a built-in layer")
        self._build("{ " + "; ".join(m.spec for m in modules) + " }")
        from ..grad_mode import no_grad
        body = self._modules.get("body")
        children = body._modules.values() if body is not None else self._modules.values()
        with no_grad():
            for child, given in zip(children, modules):
                child.load_state_dict(given.state_dict())


class Residual(_SpecContainer):
    """``x + body(x)`` (Axon's own), the body being its children in sequence."""

    _kind = "residual"


class WeightNorm(_SpecContainer):
    """Weight normalization of one Linear or Conv2d: the weight is ``weight_g * weight_v /
    ||weight_v||`` per output unit, ``weight_g`` and ``weight_v`` trained in its place (the state
    names of ``torch.nn.utils.weight_norm``)."""

    _kind = "weightnorm"

    def __init__(self, module: Module) -> None:
        if not isinstance(module, (Linear, Conv2d)):
            raise TypeError(f"WeightNorm: expected an axon.nn.Linear or Conv2d, got {type(module).__name__}")
        self._build("{ " + module.spec + " }")
        object.__setattr__(self, "_wrapped", module)
        from ..grad_mode import no_grad
        with no_grad():  # g = ||v|| per output unit: the layer starts computing what ``module`` did
            weight = module.weight
            self.weight_v.copy_(weight)
            self.weight_g.copy_(weight.reshape(weight.shape[0], -1).norm(2, 1).reshape(self.weight_g.shape))
            if module.bias is not None:
                self.bias.copy_(module.bias)

    @property
    def module(self) -> Module:
        """The layer this one was made from (its own, separate weights)."""
        return self.__dict__.get("_wrapped")


def Spec(text: str) -> Module:
    """The module tree of a text in the library's layer spec language, e.g.
    ``Spec("linear 4 8; relu")`` (a Sequential of views of the layers it builds)."""
    from .. import _seed
    from .._objects import Model
    from .native import from_native
    return from_native(Model(text, _seed.next_seed()))
