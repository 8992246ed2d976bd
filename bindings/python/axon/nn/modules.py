"""PyTorch-shaped layers. Each module only describes itself as text in the library's layer
spec language; the module you call (or ask for ``parameters()``) builds one library model from
its whole spec, lazily, with the next seed of :func:`axon.manual_seed`.

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
    "Flatten",
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
    "Dropout",
    "Dropout2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm2d",
    "Sequential",
    "Residual",
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


class Module:
    """Base class of the layers: a spec text, a lazily built model, and PyTorch's methods."""

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
    """A module from raw spec text, e.g. ``Spec("linear 4 8; relu")`` (also what
    :func:`axon.load` returns)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    @classmethod
    def _wrap(cls, model: Model) -> Spec:
        module = cls(model.spec)
        module._model = model
        module._training = model.training
        return module

    @property
    def spec(self) -> str:
        return self._text


class _Leaf(Module):
    """A layer whose spec is a fixed kind with arguments."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    @property
    def spec(self) -> str:
        return self._text


class Linear(_Leaf):
    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__(f"linear {int(in_features)} {int(out_features)} bias={_bool(bias)}")


class Conv2d(_Leaf):
    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True) -> None:
        super().__init__(
            f"conv2d {int(in_channels)} {int(out_channels)} kernel={_pair(kernel_size)} "
            f"stride={_pair(stride)} padding={_pair(padding)} dilation={_pair(dilation)} "
            f"groups={int(groups)} bias={_bool(bias)}"
        )


class MaxPool2d(_Leaf):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1) -> None:
        stride_text = "" if stride is None else f" stride={_pair(stride)}"
        super().__init__(
            f"maxpool2d kernel={_pair(kernel_size)}{stride_text} padding={_pair(padding)} "
            f"dilation={_pair(dilation)}"
        )


class AvgPool2d(_Leaf):
    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        stride_text = "" if stride is None else f" stride={_pair(stride)}"
        super().__init__(f"avgpool2d kernel={_pair(kernel_size)}{stride_text} padding={_pair(padding)}")


class Flatten(_Leaf):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__(f"flatten start={int(start_dim)} end={int(end_dim)}")


class ReLU(_Leaf):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__("relu")


class GELU(_Leaf):
    def __init__(self) -> None:
        super().__init__("gelu")


class Sigmoid(_Leaf):
    def __init__(self) -> None:
        super().__init__("sigmoid")


class Tanh(_Leaf):
    def __init__(self) -> None:
        super().__init__("tanh")


class Softplus(_Leaf):
    def __init__(self) -> None:
        super().__init__("softplus")


class Identity(_Leaf):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__("identity")


class LeakyReLU(_Leaf):
    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(f"leakyrelu slope={_float(negative_slope)}")


class ELU(_Leaf):
    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(f"elu alpha={_float(alpha)}")


class Softmax(_Leaf):
    def __init__(self, dim: int = -1) -> None:
        super().__init__(f"softmax axis={int(dim)}")


class LogSoftmax(_Leaf):
    def __init__(self, dim: int = -1) -> None:
        super().__init__(f"logsoftmax axis={int(dim)}")


class Dropout(_Leaf):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__(f"dropout p={_float(p)}")


class Dropout2d(_Leaf):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__(f"dropout2d p={_float(p)}")


def _norm(kind: str, features: int, eps: float, momentum, affine: bool, track: bool) -> str:
    momentum_text = "none" if momentum is None else _float(momentum)
    return (
        f"{kind} {int(features)} eps={_float(eps)} momentum={momentum_text} "
        f"affine={_bool(affine)} track={_bool(track)}"
    )


class BatchNorm1d(_Leaf):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__(_norm("batchnorm1d", num_features, eps, momentum, affine, track_running_stats))


class BatchNorm2d(_Leaf):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__(_norm("batchnorm2d", num_features, eps, momentum, affine, track_running_stats))


class InstanceNorm2d(_Leaf):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False) -> None:
        super().__init__(
            _norm("instancenorm2d", num_features, eps, momentum, affine, track_running_stats)
        )


class LayerNorm(_Leaf):
    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True) -> None:
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        super().__init__(
            f"layernorm shape={'x'.join(str(int(d)) for d in shape)} eps={_float(eps)} "
            f"affine={_bool(elementwise_affine)}"
        )


class GroupNorm(_Leaf):
    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True) -> None:
        super().__init__(
            f"groupnorm {int(num_groups)} {int(num_channels)} eps={_float(eps)} affine={_bool(affine)}"
        )


class _Container(Module):
    _kind = ""

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
