"""Layer 2: the base class of every owning wrapper, and the helpers that pass wrappers and
Python values to the C door.

Every handle of the library (``axon_tensor``, ``axon_model``, ``axon_optimizer``,
``axon_scheduler``, ``axon_plateau``, ``axon_generator``) is owned by exactly one Python object
derived from :class:`_Owned`. The wrapper releases its handle in :meth:`_Owned.close`, on
leaving a ``with`` block and when it is garbage collected; closing twice is harmless. Only
layer 2 (this module, :mod:`axon.tensor`, :mod:`axon._objects`, :mod:`axon._optim` and
:mod:`axon._ops`) imports :mod:`axon._lib` or reads a raw handle (``_h``); the PyTorch-shaped
API above uses the wrappers' methods.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import byref, c_char_p, c_double, c_size_t

from . import _lib
from .errors import StateError


class _Owned:
    """The lifetime protocol shared by the wrappers.

    A subclass sets ``_free`` (the ``axon_*_free`` function of its handle type) and
    ``_kind`` (its noun in error messages, e.g. ``"tensor is closed"``).
    """

    __slots__ = ("_handle", "__weakref__")
    _kind = "object"

    @staticmethod
    def _free(handle) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def _adopt(cls, handle):
        """Wraps a handle the caller owns; the new object takes over that reference."""
        obj = cls.__new__(cls)
        obj._handle = handle
        return obj

    def close(self) -> None:
        """Releases the handle. Further use raises :class:`StateError`; closing again is a no-op."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            type(self)._free(handle)

    def __del__(self) -> None:
        try:
            handle = self._handle
            if handle:
                self._handle = None
                self._free(handle)  # the staticmethod of the type, as type(self)._free
        except Exception:  # a half-made object, or interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return not getattr(self, "_handle", None)

    @property
    def _h(self):
        """The raw handle, for the C calls of layer 2; :class:`StateError` once closed."""
        handle = getattr(self, "_handle", None)
        if not handle:
            raise StateError(f"{self._kind} is closed")
        return handle


def _handle_or_null(obj: _Owned | None):
    """``obj``'s raw handle, or NULL for None."""
    return obj._h if obj is not None else None


def _tensor_array(tensors) -> tuple:
    """A C array of the handles of ``tensors`` (wrappers) and its length. The caller must keep
    the wrappers alive while the array is used: the array holds raw handles."""
    handles = [t._h for t in tensors]
    return (_lib.tensor_p * max(len(handles), 1))(*handles), len(handles)


def _options(options: dict) -> tuple:
    """Options as the C door's parallel key and value arrays, and their length."""
    items = [(k, float(v)) for k, v in options.items()]
    keys = (c_char_p * max(len(items), 1))(*(k.encode() for k, _ in items))
    values = (c_double * max(len(items), 1))(*(v for _, v in items))
    return keys, values, len(items)


def _path(path) -> bytes:
    """A path-like (str, bytes or os.PathLike) as the C door's ``const char *path``: the bytes the
    system uses for it (``os.fsencode``), so a name that is not UTF-8 stays the same file."""
    return os.fsencode(path)


def _read_string(fn, *args) -> str:
    """Calls an ``axon_*`` function that writes text snprintf-style (``..., char *out, size_t
    capacity, size_t *out_length``): asks for the length, then reads the text."""
    length = c_size_t()
    fn(*args, None, 0, byref(length))
    buffer = ctypes.create_string_buffer(length.value + 1)
    fn(*args, buffer, len(buffer), None)
    return buffer.value.decode("utf-8")
