"""Layer 3: ``axon.optim``, the library's optimizers with PyTorch's names, keyword options,
parameter groups and state dicts (see :class:`~axon.optim.optimizer.Optimizer`).

>>> opt = axon.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> opt.param_groups[0]["lr"] = 1e-4          # read and written in the library

Every update rule runs in the library. Where Axon differs from PyTorch:

- ``maximize``, ``foreach``, ``fused``, ``capturable`` and ``differentiable`` are accepted at their
  defaults only (False or None); another value is a ``ValueError`` saying why;
- ``NAdam(decoupled_weight_decay=True)`` (NAdamW) is refused: the library has no such rule;
  ``Adam(decoupled_weight_decay=True)`` is the library's AdamW;
- ``state`` cannot be read and ``state_dict()["state"]`` is opaque (the library's checkpoint bytes);
- RAdam, ASGD, Rprop, SparseAdam, Adafactor and Muon raise ``NotImplementedError``.
"""

from __future__ import annotations

from .._optim import Optimizer as _NativeOptimizer
from ..tensor import Tensor
from . import lr_scheduler
from .optimizer import BETAS, BOOL, FIXED, FLOAT, INT, LINE_SEARCH, Optimizer, ParamGroup

__all__ = ["Optimizer", "ParamGroup", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam",
           "LBFGS", "RAdam", "ASGD", "Rprop", "SparseAdam", "Adafactor", "Muon", "lr_scheduler"]


def _fixed(*keys: str) -> dict:
    return {key: FIXED[key] for key in keys}


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov momentum and (coupled)
    weight decay, as ``torch.optim.SGD``."""

    _kind = "sgd"
    _codecs = {"lr": FLOAT, "momentum": FLOAT, "dampening": FLOAT, "weight_decay": FLOAT, "nesterov": BOOL}
    _fixed = _fixed("maximize", "foreach", "differentiable", "fused")

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``."""

    _kind = "adagrad"
    _codecs = {"lr": FLOAT, "lr_decay": FLOAT, "weight_decay": FLOAT, "initial_accumulator_value": FLOAT,
               "eps": FLOAT}
    _fixed = _fixed("foreach", "maximize", "differentiable", "fused")

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))


class RMSprop(Optimizer):
    """RMSprop with ``alpha``, ``eps``, ``momentum`` and ``centered``, as ``torch.optim.RMSprop``.
    ``centered`` and switching ``momentum`` between zero and non-zero cannot change after the
    first step (the library's :class:`~axon.errors.StateError`)."""

    _kind = "rmsprop"
    _codecs = {"lr": FLOAT, "alpha": FLOAT, "eps": FLOAT, "weight_decay": FLOAT, "momentum": FLOAT,
               "centered": BOOL}
    _fixed = _fixed("capturable", "foreach", "maximize", "differentiable")

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``."""

    _kind = "adadelta"
    _codecs = {"lr": FLOAT, "rho": FLOAT, "eps": FLOAT, "weight_decay": FLOAT}
    _fixed = _fixed("foreach", "capturable", "maximize", "differentiable")

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach: bool | None = None, *, capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      capturable=capturable, maximize=maximize, differentiable=differentiable))


_ADAM_CODECS = {"lr": FLOAT, "betas": BETAS, "eps": FLOAT, "weight_decay": FLOAT, "amsgrad": BOOL}


class Adam(Optimizer):
    """Adam with ``amsgrad`` and coupled weight decay, as ``torch.optim.Adam``; with
    ``decoupled_weight_decay=True`` it is the library's AdamW (fixed once made). ``amsgrad``
    cannot change after the first step."""

    _kind = "adam"
    _codecs = _ADAM_CODECS
    _fixed = _fixed("foreach", "maximize", "capturable", "differentiable", "fused")

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        if decoupled_weight_decay not in (True, False):
            raise TypeError(f"option 'decoupled_weight_decay' must be True or False, not {decoupled_weight_decay!r}")
        if decoupled_weight_decay:
            self._kind = "adamw"
        reason = "it chooses the library's rule (adam or adamw) when the optimizer is made"
        self._fixed = {**type(self)._fixed, "decoupled_weight_decay": ((bool(decoupled_weight_decay),), reason)}
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      foreach=foreach, maximize=maximize, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))


class AdamW(Adam):
    """Adam with decoupled weight decay (``weight_decay`` defaults to 0.01), as ``torch.optim.AdamW``."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm), as ``torch.optim.Adamax``."""

    _kind = "adamax"
    _codecs = {"lr": FLOAT, "betas": BETAS, "eps": FLOAT, "weight_decay": FLOAT}
    _fixed = _fixed("foreach", "maximize", "differentiable", "capturable")

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum), as ``torch.optim.NAdam``; ``decoupled_weight_decay``
    (NAdamW) is accepted as False only: the library has no such rule."""

    _kind = "nadam"
    _codecs = {"lr": FLOAT, "betas": BETAS, "eps": FLOAT, "weight_decay": FLOAT, "momentum_decay": FLOAT}
    _fixed = {**_fixed("foreach", "maximize", "capturable", "differentiable"),
              "decoupled_weight_decay": ((False,), "the library has no NAdam with decoupled weight decay")}

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      foreach=foreach, maximize=maximize, capturable=capturable,
                                      differentiable=differentiable))


class LBFGS(Optimizer):
    """L-BFGS, as ``torch.optim.LBFGS``: one parameter group, stepped with ``step(closure)``.

    ``line_search_fn`` is None or ``"strong_wolfe"``. As in PyTorch, ``max_eval=None`` means
    ``max_iter * 5 // 4``. Unlike PyTorch's, an exception inside the closure leaves the
    parameters and the L-BFGS state as they were before the step, and a closure returning NaN
    fails the step (:class:`~axon.errors.StateError`) instead of continuing with NaN.
    """

    _kind = "lbfgs"
    _codecs = {"lr": FLOAT, "max_iter": INT, "max_eval": INT, "tolerance_grad": FLOAT, "tolerance_change": FLOAT,
               "history_size": INT, "line_search_fn": LINE_SEARCH}

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))

    def _make_native(self, params: list[Tensor], options: dict) -> _NativeOptimizer:
        return _NativeOptimizer.lbfgs(params, options)

    def add_param_group(self, param_group: dict) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    def step(self, closure=None):
        """One L-BFGS step (up to ``max_iter`` iterations) driven by ``closure``, which is required;
        returns the first loss ``closure`` returned."""
        if closure is None:
            raise TypeError("LBFGS.step requires a closure that re-evaluates the model and returns the loss")
        return super().step(closure)


def _missing(name: str, torch_name: str) -> type:
    """A class standing for a PyTorch optimizer the library has no update rule for."""

    def __init__(self, params, *args, **kwargs) -> None:
        raise NotImplementedError(
            f"{name}: the library has no {torch_name} update rule; available: SGD, Adagrad, RMSprop, Adadelta, "
            "Adam, AdamW, Adamax, NAdam, LBFGS")

    doc = f"``torch.optim.{name}``: not available (the library has no such update rule); raises NotImplementedError."
    return type(name, (Optimizer,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


RAdam = _missing("RAdam", "RAdam")
ASGD = _missing("ASGD", "averaged SGD")
Rprop = _missing("Rprop", "resilient backpropagation (Rprop)")
SparseAdam = _missing("SparseAdam", "sparse Adam")
Adafactor = _missing("Adafactor", "Adafactor")
Muon = _missing("Muon", "Muon")
