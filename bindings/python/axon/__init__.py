"""axon: Python bindings of the Axon neural-network runtime (over libaxon.so).

Layer 3, the PyTorch-shaped API. The package has three layers:

1. :mod:`axon._lib` loads the library and declares its C functions, nothing else;
2. the owning wrappers -- :mod:`axon._owned` (the base class of every handle's wrapper),
   :mod:`axon.tensor` (``Tensor``), :mod:`axon._objects` (``Model``, ``Optimizer``,
   ``Scheduler``) and :mod:`axon._ops` (losses, clipping, grad mode, version) -- the only
   modules that import layer 1;
3. the API on top (this module, :mod:`axon.nn`, :mod:`axon.optim`, :mod:`axon.grad_mode`,
   :mod:`axon.serialization`), which uses only the wrappers' methods, never a raw handle.

:mod:`axon.errors` is shared by all three.

>>> import axon
>>> x = axon.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad.tolist()
[2.0, 4.0, 6.0]
"""

from . import _ops
from .errors import (
    AxonError,
    AxonIOError,
    FormatError,
    InternalError,
    InvalidArgumentError,
    OutOfMemoryError,
    ShapeError,
    StateError,
)
from .tensor import Tensor, make_dual, tensor
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ._seed import manual_seed
from . import nn, optim
from .serialization import load, load_checkpoint, save, save_checkpoint

#: The version of the loaded libaxon, e.g. "0.1.0".
__version__ = _ops.version()

#: ``torch.set_num_threads`` / ``torch.get_num_threads``: the kernels' thread count, process-wide.
set_num_threads = _ops.set_num_threads
get_num_threads = _ops.get_num_threads

__all__ = [
    "__version__",
    "Tensor",
    "tensor",
    "make_dual",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "manual_seed",
    "set_num_threads",
    "get_num_threads",
    "nn",
    "optim",
    "save",
    "load",
    "save_checkpoint",
    "load_checkpoint",
    "AxonError",
    "InvalidArgumentError",
    "ShapeError",
    "StateError",
    "OutOfMemoryError",
    "AxonIOError",
    "FormatError",
    "InternalError",
]
