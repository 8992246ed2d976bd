"""Layer 3: PyTorch-shaped layers. Each module only describes itself as text in the library's
layer spec language; the module you call (or ask for ``parameters()``) builds one layer-2
:class:`axon._objects.Model` from its whole spec, lazily, with the next seed of
:func:`axon.manual_seed`.

Every layer class names the library's layer kind it stands for in one class attribute,
``_kind = "<kind>"``, and its spec text starts with that kind: a single layer derives from
:class:`Spec` and its ``__init__`` produces only the arguments after the kind; a container
(:class:`Sequential`, :class:`Residual`, :class:`WeightNorm`) lists its children in braces.

>>> model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
>>> model.spec
'sequential { linear 2 8 bias=true; relu; linear 8 2 bias=true }'
>>> y = model(axon.tensor(np.zeros((4, 2))))   # builds the model on first use

A module placed inside a container is a description: its weights live in the container's
model, which is the one to call, train and save.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .. import _seed
from .._objects import Model
from ..tensor import Tensor

__all__ = [
    "Module",
    "Spec",
    "Linear",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "Flatten",
    "Unflatten",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Softplus",
    "Identity",
    "Maxout",
    "Dropout",
    "Dropout2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm2d",
    "Sequential",
    "Residual",
    "WeightNorm",
]


def _bool(b: bool) -> str:
    return "true" if b else "false"


def _pair(v) -> str:
    """An int or a pair of ints as spec text: 3 -> "3", (3, 2) -> "3x2"."""
    if isinstance(v, int):
        return str(v)
    a, b = v
    return f"{int(a)}x{int(b)}"


def _float(x: float) -> str:
    return repr(float(x))


def _dims(shape) -> str:
    """An int or a sequence of ints as spec text: 4 -> "4", (1, 28, 28) -> "1x28x28"."""
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    return "x".join(str(int(d)) for d in dims)


class Module:
    """Base class of the layers: a spec text, a lazily built model, and PyTorch's methods."""

    #: The library's layer kind this class stands for ("" for none).
    _kind = ""

    def __init__(self) -> None:
        self._model: Model | None = None
        self._training = True

    # ---- The description ----------------------------------------------------------------------

    @property
    def spec(self) -> str:
        """This module's text in the layer spec language."""
        raise NotImplementedError

    def children(self) -> list[Module]:
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    # ---- The model ----------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """The library model of this module, built on first use."""
        if self._model is None or self._model.closed:
            self._model = Model(self.spec, _seed.next_seed())
            self._model.train(self._training)
        return self._model

    def close(self) -> None:
        """Releases the library model (a later use builds a fresh one)."""
        if self._model is not None:
            self._model.close()

    def forward(self, x) -> Tensor:
        return self.model.forward(x if isinstance(x, Tensor) else Tensor(x))

    def __call__(self, x) -> Tensor:
        return self.forward(x)

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics) for the module and its children."""
        self._training = bool(mode)
        for child in self.children():
            child.train(mode)
        if self._model is not None and not self._model.closed:
            self._model.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    @property
    def training(self) -> bool:
        return self._training

    def parameters(self) -> list[Tensor]:
        """The trainable tensors (the very ones the model uses), in PyTorch's order."""
        return [t for _, t in self.model.named_parameters()]

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        return self.model.named_parameters()

    def num_parameters(self) -> int:
        """The number of trainable scalars."""
        return self.model.parameter_count

    def state_dict(self) -> OrderedDict:
        """Parameters and buffers by name, as NumPy copies, in PyTorch's order."""
        return OrderedDict((name, t.numpy()) for name, t in self.model.state())

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copies values (arrays or tensors) into the parameters and buffers by name."""
        state = [
            (name, value if isinstance(value, Tensor) else Tensor(np.asarray(value)))
            for name, value in state_dict.items()
        ]
        self.model.load_state(state, strict=strict)

    def zero_grad(self) -> None:
        for t in self.parameters():
            t.zero_grad()


class Spec(Module):
    """A module given by spec text: ``Spec("linear 4 8; relu")`` is raw text (also what
    :func:`axon.load` returns), and each single layer below is a ``Spec`` whose text is its
    ``_kind`` followed by the arguments its ``__init__`` passes here."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = " ".join(part for part in (self._kind, text) if part)

    @classmethod
    def _wrap(cls, model: Model) -> Spec:
        module = cls(model.spec)
        module._model = model
        module._training = model.training
        return module

    @property
    def spec(self) -> str:
        return self._text


class Linear(Spec):
    _kind = "linear"

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__(f"{int(in_features)} {int(out_features)} bias={_bool(bias)}")


class Conv2d(Spec):
    _kind = "conv2d"

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True) -> None:
        super().__init__(
            f"{int(in_channels)} {int(out_channels)} kernel={_pair(kernel_size)} "
            f"stride={_pair(stride)} padding={_pair(padding)} dilation={_pair(dilation)} "
            f"groups={int(groups)} bias={_bool(bias)}"
        )


def _stride(stride) -> str:
    """A pooling stride as spec text; none given means the kernel size."""
    return "" if stride is None else f" stride={_pair(stride)}"


class MaxPool2d(Spec):
    _kind = "maxpool2d"

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1) -> None:
        super().__init__(f"kernel={_pair(kernel_size)}{_stride(stride)} padding={_pair(padding)} "
                         f"dilation={_pair(dilation)}")


class AvgPool2d(Spec):
    _kind = "avgpool2d"

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__(f"kernel={_pair(kernel_size)}{_stride(stride)} padding={_pair(padding)}")


class AdaptiveAvgPool2d(Spec):
    """Average pooling to a fixed ``output_size`` (an int or a pair), whatever the input size.
    ``None`` entries (keep the input's size) are not supported."""

    _kind = "adaptiveavgpool2d"

    def __init__(self, output_size) -> None:
        size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
        if len(size) != 2 or any(d is None for d in size):
            raise ValueError(f"AdaptiveAvgPool2d: output_size {output_size!r} is not supported; "
                             "give an int or a pair of ints (None entries are not supported)")
        super().__init__(f"size={_dims(size)}")


class Flatten(Spec):
    _kind = "flatten"

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__(f"start={int(start_dim)} end={int(end_dim)}")


class Unflatten(Spec):
    """Expands axis ``dim`` into ``unflattened_size``, e.g. ``Unflatten(1, (1, 28, 28))``."""

    _kind = "unflatten"

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__(f"axis={int(dim)} shape={_dims(unflattened_size)}")


class ReLU(Spec):
    _kind = "relu"

    def __init__(self, inplace: bool = False) -> None:
        super().__init__("")


class GELU(Spec):
    _kind = "gelu"

    def __init__(self) -> None:
        super().__init__("")


class Sigmoid(Spec):
    _kind = "sigmoid"

    def __init__(self) -> None:
        super().__init__("")


class Tanh(Spec):
    _kind = "tanh"

    def __init__(self) -> None:
        super().__init__("")


class Softplus(Spec):
    _kind = "softplus"

    def __init__(self) -> None:
        super().__init__("")


class Identity(Spec):
    _kind = "identity"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("")


class LeakyReLU(Spec):
    _kind = "leakyrelu"

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(f"slope={_float(negative_slope)}")


class ELU(Spec):
    _kind = "elu"

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(f"alpha={_float(alpha)}")


class Softmax(Spec):
    _kind = "softmax"

    def __init__(self, dim: int = -1) -> None:
        super().__init__(f"axis={int(dim)}")


class LogSoftmax(Spec):
    _kind = "logsoftmax"

    def __init__(self, dim: int = -1) -> None:
        super().__init__(f"axis={int(dim)}")


class Maxout(Spec):
    """Maxout (Axon's own; PyTorch has none): the last axis of size F is read as F / pieces
    groups of ``pieces`` consecutive features, and each output feature is the maximum of its
    group. Put it after a Linear with ``pieces`` times the wanted width."""

    _kind = "maxout"

    def __init__(self, pieces: int) -> None:
        super().__init__(str(int(pieces)))


class Dropout(Spec):
    _kind = "dropout"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__(f"p={_float(p)}")


class Dropout2d(Spec):
    _kind = "dropout2d"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__(f"p={_float(p)}")


def _norm(features: int, eps: float, momentum, affine: bool, track: bool) -> str:
    """The arguments of the batch and instance norms (momentum None: a cumulative average)."""
    momentum_text = "none" if momentum is None else _float(momentum)
    return (f"{int(features)} eps={_float(eps)} momentum={momentum_text} "
            f"affine={_bool(affine)} track={_bool(track)}")


class BatchNorm1d(Spec):
    _kind = "batchnorm1d"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__(_norm(num_features, eps, momentum, affine, track_running_stats))


class BatchNorm2d(Spec):
    _kind = "batchnorm2d"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__(_norm(num_features, eps, momentum, affine, track_running_stats))


class InstanceNorm2d(Spec):
    _kind = "instancenorm2d"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False) -> None:
        super().__init__(_norm(num_features, eps, momentum, affine, track_running_stats))


class LayerNorm(Spec):
    _kind = "layernorm"

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True) -> None:
        super().__init__(f"shape={_dims(normalized_shape)} eps={_float(eps)} "
                         f"affine={_bool(elementwise_affine)}")


class GroupNorm(Spec):
    _kind = "groupnorm"

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True) -> None:
        super().__init__(f"{int(num_groups)} {int(num_channels)} eps={_float(eps)} affine={_bool(affine)}")


class _Container(Module):
    """A layer holding child modules; its spec is ``<_kind> { child; child; ... }``."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            raise TypeError(f"{type(self).__name__}: named children are not supported; pass modules")
        for m in modules:
            if not isinstance(m, Module):
                raise TypeError(f"{type(self).__name__}: {m!r} is not an axon.nn.Module")
        self._modules = list(modules)

    def children(self) -> list[Module]:
        return list(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return self._modules[i]

    def __iter__(self):
        return iter(self._modules)

    @property
    def spec(self) -> str:
        return f"{self._kind} {{ " + "; ".join(m.spec for m in self._modules) + " }"


class Sequential(_Container):
    """Its children one after another; state names are ``"<index>.<name>"`` as in PyTorch."""

    _kind = "sequential"


class Residual(_Container):
    """``x + body(x)``, the body being its children in sequence."""

    _kind = "residual"


class WeightNorm(_Container):
    """Weight normalization of one :class:`Linear` or :class:`Conv2d` (what
    :func:`axon.nn.utils.weight_norm` returns): the weight is ``weight_g * weight_v /
    ||weight_v||``, the norm taken per output unit, with ``weight_g`` and ``weight_v`` trained
    in its place. The state names are ``bias``, ``weight_g`` and ``weight_v``, as PyTorch's."""

    _kind = "weightnorm"

    def __init__(self, module: Module) -> None:
        if not isinstance(module, (Linear, Conv2d)):
            raise TypeError(f"WeightNorm: expected an axon.nn.Linear or Conv2d, got {type(module).__name__}")
        super().__init__(module)

    @property
    def module(self) -> Module:
        """The wrapped layer (a description: the weights live in this module's model)."""
        return self._modules[0]
