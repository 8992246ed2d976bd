"""Layer 1: find and load libaxon, and declare every function of include/axon.h 1:1.

The declarations are split by the header's sections (:mod:`.core`, :mod:`.models`,
:mod:`.catalog`, :mod:`.training`, :mod:`.data`; loading and the handle types in
:mod:`.loader`) and all importable from here, as ``_lib.axon_tensor_add``.

Each declaration has the C prototype above it. Functions that return an ``axon_status`` share
one ``errcheck`` that raises the matching :mod:`axon.errors` exception carrying
``axon_last_error()``. A few of the hottest functions also have a *bare twin* in ``bare`` (see
the end of this module). There is no other logic here and nothing owns anything: the owning
wrappers of layer 2 (:mod:`axon._owned`, :mod:`axon.tensor`, :mod:`axon._objects`,
:mod:`axon._ops`) are the only modules that import this one.

The library is looked up in this order:

1. the path in the environment variable ``AXON_LIBRARY`` (used alone when set);
2. ``libaxon.so`` beside this module (what ``pip install ./bindings/python`` bundles);
3. ``.build/release/libaxon.so`` of the Axon checkout this package lives in;
4. the system's library path (``ctypes.util.find_library("axon")``, then ``libaxon.so``).
"""

import ctypes

from .loader import *  # noqa: F401,F403
from .loader import ABI_VERSION, MAX_RANK, _check, _declare, lib  # noqa: F401
from .core import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .catalog import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .replicas import *  # noqa: F401,F403

# ---- Loading refuses a library of another ABI than the one declared above ---------------------

if axon_abi_version() != ABI_VERSION:
    raise ImportError(
        f"axon: {lib._name} has ABI version {axon_abi_version()}, "
        f"these bindings need {ABI_VERSION}"
    )

# ---- Bare twins of the hottest functions ------------------------------------------------------
# The same C functions again, as separate function pointers with the declared restype but neither
# argtypes nor errcheck: converting each argument through argtypes and calling the errcheck in
# Python costs about a quarter of a microsecond a call, as much as a whole op on a small tensor.
# Only for functions whose every parameter is a pointer, so that ctypes passes the handles
# (tensor_p) and out-pointers (byref) of layer 2 exactly as the declarations do. Their callers
# pass nothing else, and raise on a nonzero status through ``_check`` with the declared function
# (the same exception and message as the declaration's errcheck).
bare = {}
for _name in ("axon_tensor_add", "axon_tensor_sub", "axon_tensor_mul", "axon_tensor_div", "axon_tensor_matmul",
              "axon_tensor_sum", "axon_tensor_backward", "axon_tensor_grad", "axon_tensor_zero_grad",
              "axon_tensor_free"):
    _declared = globals()[_name]
    if not all(t is tensor_p or issubclass(t, ctypes._Pointer) for t in _declared.argtypes):
        raise ImportError(f"axon: {_name} takes a parameter that is not a pointer; it cannot have a bare twin")
    bare[_name] = lib[_name]
    bare[_name].restype = _declared.restype
del _name, _declared
