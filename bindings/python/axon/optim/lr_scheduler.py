"""Layer 3: ``axon.optim.lr_scheduler``, learning-rate schedules with PyTorch's names, each driving
one layer-2 :class:`axon._optim.Scheduler` (or :class:`axon._optim.Plateau`).

The library's schedules are closed forms: step k sets every group's rate to schedule(base, k),
the base being the group's ``initial_lr`` (its rate when the first scheduler was made, as in
PyTorch). Where Axon differs from PyTorch:

- two schedulers stepping the same optimizer do not chain (each writes its own rate; the last
  one stepped wins): compose them with :class:`ChainedScheduler` or :class:`SequentialLR`;
- a rate written into ``param_groups`` between steps is overwritten by the next step (PyTorch's
  recursive forms would carry it on); :class:`ChainedScheduler` multiplies the factors of its
  schedules, which equals PyTorch's result for every schedule here except
  :class:`CosineAnnealingLR` past ``T_max`` or with ``eta_min`` > 0 (PyTorch's recursive cosine
  is not a product of factors there);
- ``step(epoch)`` and ``last_epoch`` other than -1 are refused (both are deprecated or resume
  paths in PyTorch; resume with ``load_state_dict``);
- OneCycleLR, CyclicLR and CosineAnnealingWarmRestarts raise ``NotImplementedError`` (the library
  has no such schedules); :class:`LambdaLR`, :class:`MultiplicativeLR` and subclasses that
  override :meth:`LRScheduler.get_lr` are driven from Python through ``param_groups`` (the
  library cannot call a schedule given as a Python function);
- ``state_dict()`` carries the library's position as opaque checkpoint bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .._optim import Plateau as _NativePlateau
from .._optim import Scheduler as _NativeScheduler
from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
           "CosineAnnealingLR", "InverseTimeLR", "SequentialLR", "ChainedScheduler", "LambdaLR", "MultiplicativeLR",
           "ReduceLROnPlateau", "OneCycleLR", "CyclicLR", "CosineAnnealingWarmRestarts"]

_STATE_KEY = "axon"
_Part = tuple[str, dict]


def _base_rates(optimizer) -> list[float]:
    """Each group's ``initial_lr`` (set from its rate when missing), with the rate reset to it."""
    rates = []
    for group in optimizer.param_groups:
        if "initial_lr" not in group:
            group["initial_lr"] = group["lr"]
        group["lr"] = group["initial_lr"]
        rates.append(group["initial_lr"])
    return rates


class LRScheduler:
    """Base class: a schedule of ``optimizer`` (an :class:`axon.optim.Optimizer`).

    A subclass either sets ``_parts`` (the library's schedules, with ``_composition`` "single",
    "sequential" or "chained" and ``_milestones``) before calling this constructor, or, as in
    PyTorch, overrides :meth:`get_lr` (then the rates it returns are written into
    ``param_groups`` at each step, from Python). ``_native`` is the layer-2 scheduler it drives
    (None when driven from Python or when part of a composed schedule).
    """

    _composition = "single"
    _parts: list[_Part] | None = None
    _milestones: Sequence[int] = ()

    def __init__(self, optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an axon.optim.Optimizer")
        if last_epoch != -1:
            raise NotImplementedError(f"{type(self).__name__}: last_epoch={last_epoch} is not supported (only -1); "
                                      "resume a schedule with load_state_dict")
        self.optimizer = optimizer
        self.base_lrs = _base_rates(optimizer)
        self.last_epoch = 0
        self._step_count = 1
        self._native: _NativeScheduler | None = None
        self._owner: LRScheduler | None = None
        if self._parts is not None:
            self._native = self._make_native()
        else:
            self._write(self.get_lr())
        self._last_lr = self._rates()

    def _make_native(self) -> _NativeScheduler:
        native = self.optimizer._native
        if self._composition == "single" and len(self._parts) == 1:
            kind, options = self._parts[0]
            return _NativeScheduler(native, kind, options)
        return _NativeScheduler.composed(native, self._composition, self._parts, self._milestones)

    def _rates(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def _write(self, rates: Sequence[float]) -> None:
        for group, rate in zip(self.optimizer.param_groups, rates):
            group["lr"] = rate

    def get_lr(self) -> list[float]:
        """The rates at ``last_epoch``: overridden by schedules written in Python; for the
        library's schedules, the rates it last wrote."""
        if self._parts is None:
            raise NotImplementedError(f"{type(self).__name__} must set _parts or override get_lr")
        return self._rates()

    def get_last_lr(self) -> list[float]:
        """The rate of each group after the last step (or after construction)."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Advances one step and writes the new rates into the optimizer."""
        if epoch is not None:
            raise TypeError(f"{type(self).__name__}.step: passing an epoch is not supported (it is deprecated in "
                            "PyTorch); the library's schedules advance one step at a time")
        if self._owner is not None:
            raise RuntimeError(f"this {type(self).__name__} is part of a {type(self._owner).__name__}; step that one")
        self.last_epoch += 1
        self._step_count += 1
        if self._native is not None:
            self._native.step()
        else:
            self._write(self.get_lr())
        self._last_lr = self._rates()

    def _absorb(self, owner: LRScheduler) -> None:
        """Makes this schedule a part of ``owner``: its own library schedule is released."""
        self._owner = owner
        if self._native is not None:
            self._native.close()
            self._native = None

    def _embedded(self, composition: str) -> tuple[list[_Part], Sequence[int], str]:
        """(parts, milestones, composition) of this schedule, for embedding in ``composition``."""
        if self._parts is None:
            raise NotImplementedError(f"{type(self).__name__} is driven from Python and cannot be composed by the "
                                      "library (only its own schedules can)")
        return list(self._parts), list(self._milestones), self._composition

    def state_dict(self) -> dict:
        """``base_lrs``, ``last_epoch``, ``_step_count``, ``_last_lr`` as PyTorch's, and (for the
        library's schedules) its position as opaque checkpoint bytes under ``"axon"``."""
        state = {"base_lrs": list(self.base_lrs), "last_epoch": self.last_epoch, "_step_count": self._step_count,
                 "_last_lr": list(self._last_lr)}
        if self._native is not None:
            state[_STATE_KEY] = {"checkpoint": self._native.state_bytes()}
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Restores :meth:`state_dict` of a schedule made the same way (same base rates)."""
        name = type(self).__name__
        if self._native is not None:
            if _STATE_KEY not in state_dict:
                raise NotImplementedError(f"{name}.load_state_dict: the state has no library position ('axon'); "
                                          "the C door can restore a schedule only from its own checkpoint bytes")
            saved = state_dict.get("base_lrs", self.base_lrs)
            if len(saved) != len(self.base_lrs) or not all(
                    math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0) for a, b in zip(saved, self.base_lrs)):
                raise ValueError(f"{name}.load_state_dict: base rates {saved} differ from this schedule's "
                                 f"{self.base_lrs}, which the library fixes when the schedule is made")
            self._native.load_state_bytes(state_dict[_STATE_KEY]["checkpoint"])
        elif self._owner is not None:
            raise RuntimeError(f"this {name} is part of a {type(self._owner).__name__}; load that one")
        else:
            self.base_lrs = list(state_dict["base_lrs"])
        self.last_epoch = state_dict["last_epoch"]
        self._step_count = state_dict.get("_step_count", self.last_epoch + 1)
        self._last_lr = self._rates() if self._native is not None else list(state_dict["_last_lr"])

    def close(self) -> None:
        """Releases the library's schedule (the optimizer stays usable)."""
        if self._native is not None:
            self._native.close()


class StepLR(LRScheduler):
    """base * gamma ** (step // step_size), as ``torch.optim.lr_scheduler.StepLR``."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self._parts = [("step", {"step_size": step_size, "gamma": gamma})]
        super().__init__(optimizer, last_epoch)


class MultiStepLR(LRScheduler):
    """base * gamma ** (number of milestones reached), as ``torch.optim.lr_scheduler.MultiStepLR``."""

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1) -> None:
        options = {f"m{i + 1}": m for i, m in enumerate(milestones)}
        self._parts = [("multistep", {**options, "gamma": gamma})]
        super().__init__(optimizer, last_epoch)


class ConstantLR(LRScheduler):
    """base * factor until ``total_iters``, then base, as ``torch.optim.lr_scheduler.ConstantLR``
    (the library's linear schedule at a constant factor, then a constant one). Unlike PyTorch's,
    ``factor`` must be above 0 and ``total_iters`` at least 1."""

    def __init__(self, optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < factor <= 1:
            raise ValueError(f"ConstantLR: factor {factor} must be in (0, 1] (the library's linear schedule "
                             "needs a positive factor)")
        if total_iters < 1:
            raise ValueError(f"ConstantLR: total_iters {total_iters} must be at least 1")
        self.factor, self.total_iters = factor, total_iters
        self._composition = "sequential"
        self._parts = [("linear", {"start_factor": factor, "end_factor": factor, "total": 1}),
                       ("exponential", {"gamma": 1.0})]
        self._milestones = [total_iters]
        super().__init__(optimizer, last_epoch)

    def _embedded(self, composition: str) -> tuple[list[_Part], Sequence[int], str]:
        if composition != "chained":
            return super()._embedded(composition)
        # In a product of factors: factor, times 1 / factor from total_iters on.
        return ([("linear", {"start_factor": self.factor, "end_factor": self.factor, "total": 1}),
                 ("multistep", {"m1": self.total_iters, "gamma": 1.0 / self.factor})], [], "chained")


class LinearLR(LRScheduler):
    """base * (start_factor + (end_factor - start_factor) * min(step, total_iters) / total_iters),
    as ``torch.optim.lr_scheduler.LinearLR``."""

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        self._parts = [("linear", {"start_factor": start_factor, "end_factor": end_factor, "total": total_iters})]
        super().__init__(optimizer, last_epoch)


class ExponentialLR(LRScheduler):
    """base * gamma ** step, as ``torch.optim.lr_scheduler.ExponentialLR``."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1) -> None:
        self._parts = [("exponential", {"gamma": gamma})]
        super().__init__(optimizer, last_epoch)


class PolynomialLR(LRScheduler):
    """base * (1 - min(step, total_iters) / total_iters) ** power, as
    ``torch.optim.lr_scheduler.PolynomialLR``."""

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self._parts = [("polynomial", {"total": total_iters, "power": power})]
        super().__init__(optimizer, last_epoch)


class CosineAnnealingLR(LRScheduler):
    """eta_min + (base - eta_min) * (1 + cos(pi * step / T_max)) / 2, as
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (rising again past ``T_max``, as PyTorch's)."""

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        self._parts = [("cosine", {"period": T_max, "eta_min": eta_min})]
        super().__init__(optimizer, last_epoch)


class InverseTimeLR(LRScheduler):
    """base / (1 + beta * step), the inverse-time decay. An Axon extension: PyTorch has no such class."""

    def __init__(self, optimizer, beta: float, last_epoch: int = -1) -> None:
        self._parts = [("inverse_time", {"beta": beta})]
        super().__init__(optimizer, last_epoch)


def _children(owner: str, optimizer, schedulers) -> list[LRScheduler]:
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                             f"kwargs to be specified when calling `step`, but got one at index {i}")
        if not isinstance(s, LRScheduler):
            raise TypeError(f"{owner}: scheduler at index {i} is a {type(s).__name__}, not an LRScheduler")
        if s._owner is not None:
            raise ValueError(f"{owner}: the scheduler at index {i} is already part of a {type(s._owner).__name__}")
        if optimizer is not None and s.optimizer is not optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, but got scheduler "
                             f"{type(s).__name__} at index {i} with another one")
    return schedulers


class SequentialLR(LRScheduler):
    """``schedulers`` one after another, switching at ``milestones`` (each restarting from its own
    step 0 with the base rates), as ``torch.optim.lr_scheduler.SequentialLR``; nested sequential
    schedules and :class:`ConstantLR` are flattened into one library schedule. Its schedulers
    become parts of it (stepping them alone is an error)."""

    def __init__(self, optimizer, schedulers, milestones: Sequence[int], last_epoch: int = -1) -> None:
        children = _children("SequentialLR", optimizer, schedulers)
        milestones = [int(m) for m in milestones]
        if len(milestones) != len(children) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be one more than the "
                             f"number of milestone points, but got number of schedulers {len(children)} and the "
                             f"number of milestones to be equal to {len(milestones)}")
        bounds = [0, *milestones, None]
        parts: list[_Part] = []
        starts: list[int] = []
        for i, child in enumerate(children):
            sub_parts, sub_stones, composition = child._embedded("sequential")
            if composition == "chained" and len(sub_parts) > 1:
                raise NotImplementedError("SequentialLR: a ChainedScheduler inside a SequentialLR is not supported; "
                                          "the library composes schedules one level deep")
            for j, part in enumerate(sub_parts):
                at = bounds[i] + (sub_stones[j - 1] if j else 0)
                if bounds[i + 1] is not None and at >= bounds[i + 1]:
                    break
                parts.append(part)
                starts.append(at)
        for child in children:
            child._absorb(self)
        self._schedulers = children
        self._composition, self._parts, self._milestones = "sequential", parts, starts[1:]
        super().__init__(optimizer, last_epoch)


class ChainedScheduler(LRScheduler):
    """``schedulers`` applied together, their factors multiplied at every step, as
    ``torch.optim.lr_scheduler.ChainedScheduler``; nested chains are flattened. Its schedulers
    become parts of it (stepping them alone is an error)."""

    def __init__(self, schedulers, optimizer=None) -> None:
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = getattr(schedulers[0], "optimizer", None)
        children = _children("ChainedScheduler", optimizer, schedulers)
        parts: list[_Part] = []
        for child in children:
            sub_parts, _, composition = child._embedded("chained")
            if composition == "sequential" and len(sub_parts) > 1:
                raise NotImplementedError("ChainedScheduler: a SequentialLR inside a ChainedScheduler is not "
                                          "supported; the library composes schedules one level deep")
            parts += sub_parts
        for child in children:
            child._absorb(self)
        self._schedulers = children
        self._composition, self._parts = "chained", parts
        super().__init__(optimizer)


class LambdaLR(LRScheduler):
    """base * lr_lambda(step) (one function, or one per group), as ``torch.optim.lr_scheduler.LambdaLR``.

    Driven from Python: each step writes the rates through ``param_groups`` (the library cannot
    call a Python function as a schedule), so it cannot be part of :class:`SequentialLR` or
    :class:`ChainedScheduler`, nor saved by ``axon.save_checkpoint`` (use ``state_dict``).
    """

    def __init__(self, optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _lambdas(type(self).__name__, optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]


class MultiplicativeLR(LRScheduler):
    """The rate times lr_lambda(step) at each step, as ``torch.optim.lr_scheduler.MultiplicativeLR``;
    driven from Python like :class:`LambdaLR`."""

    def __init__(self, optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.lr_lambdas = _lambdas(type(self).__name__, optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        rates = self._rates()
        if self.last_epoch == 0:
            return rates
        return [rate * f(self.last_epoch) for rate, f in zip(rates, self.lr_lambdas)]


def _lambdas(owner: str, optimizer, lr_lambda) -> list[Callable[[int], float]]:
    count = len(optimizer.param_groups)
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != count:
            raise ValueError(f"Expected {count} lr_lambdas, but got {len(lr_lambda)}")
        return list(lr_lambda)
    return [lr_lambda] * count


def _missing(name: str, what: str) -> type:
    """A class standing for a PyTorch schedule the library has no counterpart for."""

    def __init__(self, optimizer, *args, **kwargs) -> None:
        raise NotImplementedError(
            f"{name}: the library has no {what} schedule; available: StepLR, MultiStepLR, ConstantLR, LinearLR, "
            "ExponentialLR, PolynomialLR, CosineAnnealingLR, SequentialLR, ChainedScheduler, ReduceLROnPlateau "
            "(and LambdaLR, driven from Python)")

    doc = f"``torch.optim.lr_scheduler.{name}``: not available (no {what} schedule); raises NotImplementedError."
    return type(name, (LRScheduler,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


OneCycleLR = _missing("OneCycleLR", "one-cycle")
CyclicLR = _missing("CyclicLR", "cyclical")
CosineAnnealingWarmRestarts = _missing("CosineAnnealingWarmRestarts", "cosine-with-warm-restarts")


class ReduceLROnPlateau(LRScheduler):
    """Lowers every group's rate by ``factor`` when the metric given to :meth:`step` has not
    improved for more than ``patience`` steps, as ``torch.optim.lr_scheduler.ReduceLROnPlateau``
    (the library's ``axon_plateau``; ``_native`` is the layer-2 :class:`axon._optim.Plateau`).

    Unlike PyTorch's, ``min_lr`` is one value for every group (a list of equal values is
    accepted, differing ones raise ``NotImplementedError``), and the counters ``best``,
    ``num_bad_epochs`` and ``cooldown_counter`` cannot be read (the C door has no getter);
    ``state_dict()`` carries them as opaque checkpoint bytes.
    """

    def __init__(self, optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0, eps: float = 1e-8) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: {type(optimizer).__name__} is not an axon.optim.Optimizer")
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != groups:
                raise ValueError(f"expected {groups} min_lrs, got {len(min_lr)}")
            if len(set(min_lr)) > 1:
                raise NotImplementedError("ReduceLROnPlateau: a different min_lr per group is not supported; the "
                                          "library takes one min_lr for every group")
            min_lr = min_lr[0] if min_lr else 0
        self.optimizer = optimizer
        self.mode, self.factor, self.patience, self.threshold = mode, factor, patience, threshold
        self.threshold_mode, self.cooldown, self.min_lrs, self.eps = threshold_mode, cooldown, [min_lr] * groups, eps
        self._options = {"mode": mode, "factor": factor, "patience": patience, "threshold": threshold,
                         "threshold_mode": threshold_mode, "cooldown": cooldown, "min_lrs": self.min_lrs, "eps": eps}
        self._native = _NativePlateau(optimizer._native, {
            "mode": 1 if mode == "max" else 0, "factor": factor, "patience": patience, "threshold": threshold,
            "threshold_mode": 1 if threshold_mode == "abs" else 0, "cooldown": cooldown, "min_lr": min_lr,
            "eps": eps})
        self._owner = None
        self.last_epoch = 0
        self._last_lr = self._rates()

    def step(self, metrics, epoch: int | None = None) -> None:  # type: ignore[override]
        """Reports one value of the metric (a number or a one-element tensor); NaN is refused."""
        if epoch is not None:
            raise TypeError("ReduceLROnPlateau.step: passing an epoch is not supported (it is deprecated in PyTorch)")
        self._native.step(float(metrics))
        self.last_epoch += 1
        self._last_lr = self._rates()

    def state_dict(self) -> dict:
        """The options, ``last_epoch`` and ``_last_lr``, and the library's counters and rates as
        opaque checkpoint bytes under ``"axon"``."""
        return {**self._options, "last_epoch": self.last_epoch, "_last_lr": list(self._last_lr),
                _STATE_KEY: {"checkpoint": self._native.state_bytes()}}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restores :meth:`state_dict` of a plateau made with the same options (rates included)."""
        for key, value in self._options.items():
            if key in state_dict and state_dict[key] != value:
                raise ValueError(f"ReduceLROnPlateau.load_state_dict: {key}={state_dict[key]!r} differs from this "
                                 f"schedule's {value!r}, which the library fixes when the schedule is made")
        if _STATE_KEY not in state_dict:
            raise NotImplementedError("ReduceLROnPlateau.load_state_dict: the state has no library counters "
                                      "('axon'); the C door can restore them only from its own checkpoint bytes")
        self._native.load_state_bytes(state_dict[_STATE_KEY]["checkpoint"])
        self.last_epoch = state_dict.get("last_epoch", self.last_epoch)
        self._last_lr = self._rates()
