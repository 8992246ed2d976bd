"""Layer 3: gradient recording on the calling thread, as ``torch.no_grad`` /
``torch.enable_grad`` / ``torch.set_grad_enabled`` / ``torch.inference_mode`` (over the switch
of :mod:`axon._ops`). Each is a context manager and a decorator; ``set_grad_enabled(False)``
called on its own switches at once, as PyTorch's."""

from __future__ import annotations

import functools

from . import _ops

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]


def is_grad_enabled() -> bool:
    """Whether operations on this thread record a graph for backward()."""
    return _ops.is_grad_enabled()


class _Mode:
    """A recording mode entered by ``with`` (the previous mode comes back on exit) and usable
    as a decorator of functions."""

    _mode = True

    def __new__(cls, *args, **kwargs):
        if cls in (no_grad, enable_grad) and len(args) == 1 and callable(args[0]):
            return cls()(args[0])  # used as @no_grad, without parentheses
        return super().__new__(cls)

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self):
        self._previous.append(_ops.set_grad_enabled(self._mode))
        return self

    def __exit__(self, *exc_info) -> None:
        _ops.set_grad_enabled(self._previous.pop())

    def __call__(self, function):
        @functools.wraps(function)
        def decorated(*args, **kwargs):
            with type(self)() if type(self) is not set_grad_enabled else set_grad_enabled(self._mode):
                return function(*args, **kwargs)
        return decorated


class no_grad(_Mode):
    """``with axon.no_grad():`` or ``@axon.no_grad()``: no graph is recorded inside."""

    _mode = False


class enable_grad(_Mode):
    """``with axon.enable_grad():``: recording on inside, even within no_grad."""

    _mode = True


class inference_mode(_Mode):
    """As ``no_grad`` (Axon has no separate inference tensors); ``mode=False`` records."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._mode = not mode


class set_grad_enabled(_Mode):
    """Switches recording to ``mode`` now; used with ``with``, the previous mode comes back after."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._mode = bool(mode)
        self._outer = _ops.set_grad_enabled(self._mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        _ops.set_grad_enabled(self._outer)

    def __call__(self, function):
        _ops.set_grad_enabled(self._outer)
        mode = self._mode

        @functools.wraps(function)
        def decorated(*args, **kwargs):
            with set_grad_enabled(mode):
                return function(*args, **kwargs)
        return decorated
