"""Layer 1: find and load libaxon, and declare every function of include/axon.h 1:1.

The declarations are split by the header's sections (:mod:`.core`, :mod:`.models`,
:mod:`.catalog`, :mod:`.training`, :mod:`.data`; loading and the handle types in
:mod:`.loader`) and all importable from here, as ``_lib.axon_tensor_add``.

Each declaration has the C prototype above it. Functions that return an ``axon_status`` share
one ``errcheck`` that raises the matching :mod:`axon.errors` exception carrying
``axon_last_error()``. There is no other logic here and nothing owns anything: the owning
wrappers of layer 2 (:mod:`axon._owned`, :mod:`axon.tensor`, :mod:`axon._objects`,
:mod:`axon._ops`) are the only modules that import this one.

The library is looked up in this order:

1. the path in the environment variable ``AXON_LIBRARY`` (used alone when set);
2. ``libaxon.so`` beside this module (what ``pip install ./bindings/python`` bundles);
3. ``.build/release/libaxon.so`` of the Axon checkout this package lives in;
4. the system's library path (``ctypes.util.find_library("axon")``, then ``libaxon.so``).
"""

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
