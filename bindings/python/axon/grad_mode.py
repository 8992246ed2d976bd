"""Gradient recording on the calling thread, as torch.no_grad / torch.set_grad_enabled."""

from __future__ import annotations

import contextlib

from . import _lib

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


def is_grad_enabled() -> bool:
    """Whether operations on this thread record a graph for backward()."""
    return bool(_lib.axon_is_grad_enabled())


@contextlib.contextmanager
def set_grad_enabled(mode: bool):
    """Record (True) or not (False) inside the block; the previous mode comes back after."""
    previous = _lib.axon_set_grad_enabled(1 if mode else 0)
    try:
        yield
    finally:
        _lib.axon_set_grad_enabled(previous)


def no_grad():
    """``with axon.no_grad():`` -- no graph is recorded inside (inference, manual updates)."""
    return set_grad_enabled(False)


def enable_grad():
    """``with axon.enable_grad():`` -- recording on inside, even within no_grad."""
    return set_grad_enabled(True)
