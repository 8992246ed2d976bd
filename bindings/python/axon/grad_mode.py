"""Layer 3: gradient recording on the calling thread, as ``torch.no_grad`` /
``torch.set_grad_enabled`` (over the switch of :mod:`axon._ops`)."""

from __future__ import annotations

import contextlib

from . import _ops

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


def is_grad_enabled() -> bool:
    """Whether operations on this thread record a graph for backward()."""
    return _ops.is_grad_enabled()


@contextlib.contextmanager
def set_grad_enabled(mode: bool):
    """Record (True) or not (False) inside the block; the previous mode comes back after."""
    previous = _ops.set_grad_enabled(mode)
    try:
        yield
    finally:
        _ops.set_grad_enabled(previous)


def no_grad():
    """``with axon.no_grad():`` -- no graph is recorded inside (inference, manual updates)."""
    return set_grad_enabled(False)


def enable_grad():
    """``with axon.enable_grad():`` -- recording on inside, even within no_grad."""
    return set_grad_enabled(True)
