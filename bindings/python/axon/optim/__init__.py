"""Layer 3: ``axon.optim``, optimizers with PyTorch's names and keyword arguments, each
driving one layer-2 :class:`axon._objects.Optimizer`.

>>> opt = axon.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> opt.param_groups[0]["lr"] = 1e-4

Options left out keep PyTorch's defaults (the library's). All parameters form one group.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from .._objects import Optimizer as _NativeOptimizer
from . import lr_scheduler

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "lr_scheduler",
]


class _ParamGroup(MutableMapping):
    """``param_groups[i]``: ``"lr"`` reads and writes the library's rate; ``"params"`` and the
    options given at construction are plain entries."""

    def __init__(self, optimizer: Optimizer, index: int, entries: dict) -> None:
        self._optimizer = optimizer
        self._index = index
        self._entries = entries

    def __getitem__(self, key):
        if key == "lr":
            return self._optimizer._native.get_lr(self._index)
        return self._entries[key]

    def __setitem__(self, key, value) -> None:
        if key == "lr":
            self._optimizer._native.set_lr(float(value), self._index)
        else:
            self._entries[key] = value

    def __delitem__(self, key) -> None:
        if key == "lr":
            raise KeyError("lr cannot be removed")
        del self._entries[key]

    def __iter__(self):
        yield "lr"
        yield from self._entries

    def __len__(self) -> int:
        return len(self._entries) + 1

    def __repr__(self) -> str:
        return repr(dict(self))


class Optimizer:
    """Base class: an optimizer of the library's ``_kind`` with options by its names.

    ``_native`` is the layer-2 :class:`axon._objects.Optimizer` it drives (what schedulers and
    checkpoints are given).
    """

    _kind = ""

    def __init__(self, params, options: dict) -> None:
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        given = {k: v for k, v in options.items() if v is not None}
        self._native = _NativeOptimizer(self._kind, params, given)
        self.param_groups = [_ParamGroup(self, 0, {"params": params, **given})]
        self.param_groups[0]._entries.pop("lr", None)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drops every parameter's gradient (``set_to_none=True`` semantics only)."""
        self._native.zero_grad()

    def step(self, closure=None):
        """One update from the current gradients; ``closure`` (if given) is called first to
        recompute the loss, which is returned."""
        loss = closure() if closure is not None else None
        self._native.step()
        return loss

    def close(self) -> None:
        self._native.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.param_groups[0]['lr']})"


def _flag(b):
    return None if b is None else (1.0 if b else 0.0)


def _betas(betas):
    return (None, None) if betas is None else (betas[0], betas[1])


class SGD(Optimizer):
    _kind = "sgd"

    def __init__(self, params, lr=None, momentum=None, dampening=None, weight_decay=None,
                 nesterov=None) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": _flag(nesterov)})


class Adagrad(Optimizer):
    _kind = "adagrad"

    def __init__(self, params, lr=None, lr_decay=None, weight_decay=None,
                 initial_accumulator_value=None, eps=None) -> None:
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "eps": eps})


class RMSprop(Optimizer):
    _kind = "rmsprop"

    def __init__(self, params, lr=None, alpha=None, eps=None, weight_decay=None, momentum=None,
                 centered=None) -> None:
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": _flag(centered)})


class Adadelta(Optimizer):
    _kind = "adadelta"

    def __init__(self, params, lr=None, rho=None, eps=None, weight_decay=None) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay})


class _AdamFamily(Optimizer):
    def __init__(self, params, lr=None, betas=None, eps=None, weight_decay=None, **extra) -> None:
        beta1, beta2 = _betas(betas)
        super().__init__(params, {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
                                  "weight_decay": weight_decay, **extra})


class Adam(_AdamFamily):
    _kind = "adam"

    def __init__(self, params, lr=None, betas=None, eps=None, weight_decay=None,
                 amsgrad=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=_flag(amsgrad))


class AdamW(_AdamFamily):
    """Adam with decoupled weight decay (``weight_decay`` defaults to 0.01, as PyTorch's)."""

    _kind = "adamw"

    def __init__(self, params, lr=None, betas=None, eps=None, weight_decay=None,
                 amsgrad=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=_flag(amsgrad))


class Adamax(_AdamFamily):
    _kind = "adamax"

    def __init__(self, params, lr=None, betas=None, eps=None, weight_decay=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class NAdam(_AdamFamily):
    _kind = "nadam"

    def __init__(self, params, lr=None, betas=None, eps=None, weight_decay=None,
                 momentum_decay=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, momentum_decay=momentum_decay)
