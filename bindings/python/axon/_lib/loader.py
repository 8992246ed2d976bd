"""Layer 1: finding and loading libaxon, the opaque handle types, and the one ``errcheck``
(see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64
from pathlib import Path

from .. import errors

#: The ABI this module was written against (AXON_ABI_VERSION).
ABI_VERSION = 1
#: AXON_MAX_RANK.
MAX_RANK = 16


def _candidates() -> list[str]:
    override = os.environ.get("AXON_LIBRARY")
    if override:
        return [override]
    paths = []
    # Installed with pip: the library is bundled beside this file.
    bundled = Path(__file__).resolve().parent / "libaxon.so"
    if bundled.exists():
        paths.append(str(bundled))
    # bindings/python/axon/_lib/loader.py -> the checkout root is three levels above the package.
    checkout = Path(__file__).resolve().parents[4]
    built = checkout / ".build" / "release" / "libaxon.so"
    if built.exists():
        paths.append(str(built))
    found = ctypes.util.find_library("axon")
    if found:
        paths.append(found)
    paths.append("libaxon.so")
    return paths


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as error:
            tried.append(f"{path}: {error}")
    raise ImportError(
        "axon: cannot load libaxon.so (set AXON_LIBRARY to its path). Tried:\n  "
        + "\n  ".join(tried)
    )


lib = _load()


class tensor_p(ctypes.c_void_p):
    """``axon_tensor *``, the opaque handle of a tensor. A ``c_void_p`` rather than a pointer to
    a structure: ctypes converts it faster, and tensors cross the door on every op. The library
    checks every handle it is given, so a wrong one is an error, never a crash."""


#: The opaque ``struct axon_tensor`` (for reference; handles are :class:`tensor_p`).
axon_tensor = tensor_p


class axon_model(ctypes.Structure):
    """The opaque ``struct axon_model``."""


class axon_optimizer(ctypes.Structure):
    """The opaque ``struct axon_optimizer``."""


class axon_scheduler(ctypes.Structure):
    """The opaque ``struct axon_scheduler``."""


#: ``axon_model *``, ``axon_optimizer *``, ``axon_scheduler *``
model_p = POINTER(axon_model)
optimizer_p = POINTER(axon_optimizer)
scheduler_p = POINTER(axon_scheduler)


class axon_epoch_record(Structure):
    """``axon_epoch_record``: one epoch of ``axon_fit`` (NaN for values not measured)."""

    _fields_ = [
        ("train_loss", c_double),
        ("train_accuracy", c_double),
        ("val_loss", c_double),
        ("val_accuracy", c_double),
        ("learning_rate", c_double),
        ("skipped_steps", c_int64),
    ]


def _check(status: int, func, args):
    """errcheck of every function returning ``axon_status``."""
    if status != 0:
        message = axon_last_error().decode("utf-8", "replace")
        if not message:
            message = f"{func.__name__}: {axon_status_string(status).decode()}"
        raise errors.error_for_status(status, message)
    return status


def _declare(name: str, restype, argtypes: list, *, status: bool = False):
    try:
        fn = getattr(lib, name)
    except AttributeError:
        raise ImportError(
            f"axon: {lib._name} does not export {name}; it is probably out of date "
            "(rebuild it, or set AXON_LIBRARY)"
        ) from None
    fn.restype = restype
    fn.argtypes = argtypes
    if status:
        fn.errcheck = _check
    return fn


# ---- Errors (the errcheck above reads them) ----------------------------------------------------

# const char *axon_status_string(int code);
axon_status_string = _declare("axon_status_string", c_char_p, [c_int])
# const char *axon_last_error(void);
axon_last_error = _declare("axon_last_error", c_char_p, [])
