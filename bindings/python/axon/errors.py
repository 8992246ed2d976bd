"""Exceptions raised by axon, one per ``axon_status`` code of include/axon.h.

Every class derives from :class:`AxonError`; the per-code classes are also ``ValueError``\\ s,
so ``except ValueError`` catches a bad shape as it would in NumPy. The codes are written once,
in the table ``_BY_STATUS`` that maps each to its class.

Shared by every layer: layer 1's ``errcheck`` (:mod:`axon._lib`) raises these, and the layers
above raise and document them. This module imports nothing of axon.
"""

from __future__ import annotations

import threading

__all__ = [
    "AxonError",
    "InvalidArgumentError",
    "ShapeError",
    "StateError",
    "OutOfMemoryError",
    "AxonIOError",
    "FormatError",
    "InternalError",
    "NonFiniteError",
    "BusyError",
    "CallbackError",
    "error_for_status",
    "hook_failed",
]


class AxonError(Exception):
    """Base class of every error raised by axon.

    ``status`` is the ``axon_status`` code (0 when raised by Python code with no code), and
    ``message`` the library's message (``axon_last_error()``).
    """

    status: int = 0

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class InvalidArgumentError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_INVALID_ARGUMENT: an argument is out of its domain."""


class ShapeError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_SHAPE: shapes do not agree."""


class StateError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_STATE: the call is not valid in the object's current state."""


class OutOfMemoryError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_MEMORY: an allocation failed or a size overflowed."""


class AxonIOError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_IO: a file could not be read or written."""


class FormatError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_FORMAT: a file is truncated, corrupt or of an unsupported version."""


class InternalError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_INTERNAL: a bug in axon."""


class NonFiniteError(AxonError, ValueError, RuntimeError):
    """AXON_ERR_NONFINITE: a loss, gradient or update was NaN or infinite; the training step was
    undone (weights, buffers and optimizer state as they were)."""


class BusyError(AxonError, RuntimeError):
    """AXON_ERR_BUSY: another thread is inside a call on the same model, optimizer, schedule,
    loader or generator; nothing was done."""


class CallbackError(AxonError, RuntimeError):
    """AXON_ERR_CALLBACK: a hook of data-parallel training failed (a Python hook that raised is
    re-raised itself, this error chained to it); the step was not taken."""


#: The exception class of each ``axon_status`` code: the one place the Python side writes the
#: codes (each class's ``status`` is set from here).
_BY_STATUS: dict[int, type[AxonError]] = {
    1: InvalidArgumentError,
    2: ShapeError,
    3: StateError,
    4: OutOfMemoryError,
    5: AxonIOError,
    6: FormatError,
    7: InternalError,
    8: NonFiniteError,
    9: BusyError,
    10: CallbackError,
}
for _status, _cls in _BY_STATUS.items():
    _cls.status = _status
del _status, _cls


#: The exception a Python hook of data-parallel training raised, per thread, until the library
#: call that ran the hook returns AXON_ERR_CALLBACK (see :func:`hook_failed`).
_hook_errors = threading.local()


def hook_failed(error: BaseException) -> None:
    """Keeps the exception a Python hook raised inside a library call (the hook then returns
    non-zero to the library): the CallbackError of that call raises it instead, chained."""
    _hook_errors.value = error


def error_for_status(status: int, message: str) -> BaseException:
    """The exception for a failing ``status`` with the library's ``message``. For
    AXON_ERR_CALLBACK after a Python hook raised, that exception itself, with the library's
    CallbackError as its ``__cause__``."""
    error = _BY_STATUS.get(status, AxonError)(message, status)
    pending = getattr(_hook_errors, "value", None)
    if pending is not None:
        _hook_errors.value = None
        if status == CallbackError.status:
            pending.__cause__ = error
            return pending
    return error
