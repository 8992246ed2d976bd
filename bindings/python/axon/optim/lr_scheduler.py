"""Layer 3: ``axon.optim.lr_scheduler``, learning-rate schedules with PyTorch's names, each
driving one layer-2 :class:`axon._objects.Scheduler`.

Each scheduler applies its step-0 rate when made and a new rate at every ``step()``, like
PyTorch's; it keeps its optimizer alive.
"""

from __future__ import annotations

from .._objects import Scheduler as _NativeScheduler

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "LinearLR",
]


class LRScheduler:
    """Base class: a schedule of the library's ``_kind`` driving ``optimizer`` (an
    :class:`axon.optim.Optimizer`).

    ``_native`` is the layer-2 :class:`axon._objects.Scheduler` it drives.
    """

    _kind = ""

    def __init__(self, optimizer, options: dict) -> None:
        self.optimizer = optimizer
        self._native = _NativeScheduler(optimizer._native, self._kind, options)

    def step(self) -> None:
        self._native.step()

    def get_last_lr(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def close(self) -> None:
        self._native.close()


class StepLR(LRScheduler):
    _kind = "step"

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer, {"step_size": step_size, "gamma": gamma})


class MultiStepLR(LRScheduler):
    _kind = "multistep"

    def __init__(self, optimizer, milestones, gamma: float = 0.1) -> None:
        options = {f"m{i + 1}": m for i, m in enumerate(milestones)}
        super().__init__(optimizer, {**options, "gamma": gamma})


class ExponentialLR(LRScheduler):
    _kind = "exponential"

    def __init__(self, optimizer, gamma: float) -> None:
        super().__init__(optimizer, {"gamma": gamma})


class PolynomialLR(LRScheduler):
    _kind = "polynomial"

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0) -> None:
        super().__init__(optimizer, {"total": total_iters, "power": power})


class CosineAnnealingLR(LRScheduler):
    _kind = "cosine"

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer, {"period": T_max, "eta_min": eta_min})


class LinearLR(LRScheduler):
    _kind = "linear"

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5) -> None:
        super().__init__(optimizer, {"start_factor": start_factor, "end_factor": end_factor,
                                     "total": total_iters})
