"""Layer 1: find and load libaxon, and declare every function of include/axon.h 1:1.

Each declaration has the C prototype above it. Functions that return an ``axon_status`` share
one ``errcheck`` that raises the matching :mod:`axon.errors` exception carrying
``axon_last_error()``. Nothing here owns anything; see :mod:`axon.tensor` for that.

The library is looked up in this order:

1. the path in the environment variable ``AXON_LIBRARY`` (used alone when set);
2. ``.build/release/libaxon.so`` of the Axon checkout this package lives in;
3. the system's library path (``ctypes.util.find_library("axon")``, then ``libaxon.so``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import POINTER, c_char_p, c_float, c_int, c_int64, c_size_t
from pathlib import Path

from . import errors

#: The ABI this module was written against (AXON_ABI_VERSION).
ABI_VERSION = 1
#: AXON_MAX_RANK.
MAX_RANK = 16


def _candidates() -> list[str]:
    override = os.environ.get("AXON_LIBRARY")
    if override:
        return [override]
    paths = []
    # bindings/python/axon/_lib.py -> the checkout root is three levels above the package.
    checkout = Path(__file__).resolve().parents[3]
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


class axon_tensor(ctypes.Structure):
    """The opaque ``struct axon_tensor``; only pointers to it are used."""


#: ``axon_tensor *``
tensor_p = POINTER(axon_tensor)


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


# ---- Versions -------------------------------------------------------------------------------

# const char *axon_version(void);
axon_version = _declare("axon_version", c_char_p, [])
# int axon_version_number(void);
axon_version_number = _declare("axon_version_number", c_int, [])
# int axon_abi_version(void);
axon_abi_version = _declare("axon_abi_version", c_int, [])
# int axon_format_version(void);
axon_format_version = _declare("axon_format_version", c_int, [])

# ---- Errors ---------------------------------------------------------------------------------

# const char *axon_status_string(int code);
axon_status_string = _declare("axon_status_string", c_char_p, [c_int])
# const char *axon_last_error(void);
axon_last_error = _declare("axon_last_error", c_char_p, [])

# ---- Tensors --------------------------------------------------------------------------------

# axon_status axon_tensor_new(axon_tensor **out, const float *data, size_t count,
#                             const int64_t *shape, size_t rank, int requires_grad);
axon_tensor_new = _declare(
    "axon_tensor_new",
    c_int,
    [POINTER(tensor_p), POINTER(c_float), c_size_t, POINTER(c_int64), c_size_t, c_int],
    status=True,
)
# void axon_tensor_free(axon_tensor *t);
axon_tensor_free = _declare("axon_tensor_free", None, [tensor_p])
# size_t axon_tensor_rank(const axon_tensor *t);
axon_tensor_rank = _declare("axon_tensor_rank", c_size_t, [tensor_p])
# size_t axon_tensor_numel(const axon_tensor *t);
axon_tensor_numel = _declare("axon_tensor_numel", c_size_t, [tensor_p])
# int axon_tensor_requires_grad(const axon_tensor *t);
axon_tensor_requires_grad = _declare("axon_tensor_requires_grad", c_int, [tensor_p])
# axon_status axon_tensor_shape(const axon_tensor *t, int64_t *out_shape, size_t capacity);
axon_tensor_shape = _declare(
    "axon_tensor_shape", c_int, [tensor_p, POINTER(c_int64), c_size_t], status=True
)
# axon_status axon_tensor_copy_data(const axon_tensor *t, float *out, size_t capacity);
axon_tensor_copy_data = _declare(
    "axon_tensor_copy_data", c_int, [tensor_p, POINTER(c_float), c_size_t], status=True
)
# axon_status axon_tensor_add(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_add = _declare(
    "axon_tensor_add", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_sub(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_sub = _declare(
    "axon_tensor_sub", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_mul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_mul = _declare(
    "axon_tensor_mul", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_matmul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_matmul = _declare(
    "axon_tensor_matmul", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_sum(axon_tensor **out, const axon_tensor *a);
axon_tensor_sum = _declare("axon_tensor_sum", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_backward(axon_tensor *t);
axon_tensor_backward = _declare("axon_tensor_backward", c_int, [tensor_p], status=True)
# axon_status axon_tensor_grad(axon_tensor **out, const axon_tensor *t);
axon_tensor_grad = _declare("axon_tensor_grad", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_zero_grad(axon_tensor *t);
axon_tensor_zero_grad = _declare("axon_tensor_zero_grad", c_int, [tensor_p], status=True)


if axon_abi_version() != ABI_VERSION:
    raise ImportError(
        f"axon: {lib._name} has ABI version {axon_abi_version()}, "
        f"these bindings need {ABI_VERSION}"
    )


def version() -> str:
    """The loaded library's version string, e.g. ``"0.1.0"``."""
    return axon_version().decode("ascii")
