"""Exceptions raised by axon, one per ``axon_status`` code of include/axon.h.

Every class derives from :class:`AxonError`; the per-code classes are also ``ValueError``\\ s,
so ``except ValueError`` catches a bad shape as it would in NumPy.
"""

from __future__ import annotations

__all__ = [
    "AxonError",
    "InvalidArgumentError",
    "ShapeError",
    "StateError",
    "OutOfMemoryError",
    "AxonIOError",
    "FormatError",
    "InternalError",
    "error_for_status",
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


class InvalidArgumentError(AxonError, ValueError):
    """AXON_ERR_INVALID_ARGUMENT: an argument is out of its domain."""

    status = 1


class ShapeError(AxonError, ValueError):
    """AXON_ERR_SHAPE: shapes do not agree."""

    status = 2


class StateError(AxonError, ValueError):
    """AXON_ERR_STATE: the call is not valid in the object's current state."""

    status = 3


class OutOfMemoryError(AxonError, ValueError):
    """AXON_ERR_MEMORY: an allocation failed or a size overflowed."""

    status = 4


class AxonIOError(AxonError, ValueError):
    """AXON_ERR_IO: a file could not be read or written."""

    status = 5


class FormatError(AxonError, ValueError):
    """AXON_ERR_FORMAT: a file is truncated, corrupt or of an unsupported version."""

    status = 6


class InternalError(AxonError, ValueError):
    """AXON_ERR_INTERNAL: a bug in axon."""

    status = 7


_BY_STATUS = {
    cls.status: cls
    for cls in (
        InvalidArgumentError,
        ShapeError,
        StateError,
        OutOfMemoryError,
        AxonIOError,
        FormatError,
        InternalError,
    )
}


def error_for_status(status: int, message: str) -> AxonError:
    """The exception for a failing ``status`` with the library's ``message``."""
    return _BY_STATUS.get(status, AxonError)(message, status)
