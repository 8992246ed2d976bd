"""axon: Python bindings of the Axon neural-network runtime (over libaxon.so), shaped like
PyTorch so that a script runs with ``import axon as torch``.

The package has three layers:

1. :mod:`axon._lib` loads the library and declares its C functions, nothing else;
2. the owning wrappers -- :mod:`axon._owned` (the base class of every handle's wrapper),
   :mod:`axon.tensor` (``Tensor``, with :mod:`axon._tensor_ops` and :mod:`axon._tensor_shape`),
   :mod:`axon._creation` (factories), :mod:`axon._objects` (``Model``, tensor files),
   :mod:`axon._optim` (``Optimizer``, ``Scheduler``, ``Plateau``, ``Generator``) and
   :mod:`axon._ops` -- the only modules that import layer 1;
3. the API on top (this module, :mod:`axon.nn`, :mod:`axon.optim`, :mod:`axon.autograd`,
   :mod:`axon.utils`, :mod:`axon.grad_mode`, :mod:`axon.serialization`), which uses only the
   wrappers' methods, never a raw handle.

Where Axon differs from PyTorch: float32 on the CPU only (integer and boolean dtypes are
logical types over float32 storage, exact up to 2**24); random streams are Axon's own; indexing
returns copies that write back when updated in place.

>>> import axon as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad.tolist()
[2.0, 4.0, 6.0]
"""

from . import _ops
from ._dtype import Size, bfloat16, bool_, device, dtype, float16, float32, float64, int8, int16, int32, int64, uint8
from .errors import (AxonError, AxonIOError, BusyError, CallbackError, FormatError, InternalError,
                     InvalidArgumentError, NonFiniteError, OutOfMemoryError, ShapeError, StateError)
from .tensor import Tensor, make_dual, tensor
from ._creation import *  # noqa: F401,F403
from ._creation import __all__ as _creation_all
from ._functions import FUNCTIONS as _FUNCTIONS
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from . import accelerator, autograd, backends, cuda, linalg, nn, optim, utils, vision
from .nn.module import Parameter as _Parameter  # noqa: F401
from .serialization import load, load_checkpoint, save, save_checkpoint
from .safetensors import load_file, load_state_dict_file, save_file
from . import safetensors

globals().update(_FUNCTIONS)

#: The version of the loaded libaxon, e.g. "0.1.0".
__version__ = _ops.version()

#: ``torch.set_num_threads`` / ``torch.get_num_threads``: the kernels' thread count, process-wide.
set_num_threads = _ops.set_num_threads
get_num_threads = _ops.get_num_threads

# PyTorch's short dtype names (assigned through globals() so the builtins stay usable above).
globals().update({"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
                  "short": int16, "bool": bool_})

__all__ = ["__version__", "Tensor", "tensor", "make_dual", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "set_num_threads", "get_num_threads", "nn", "optim", "autograd",
           "save", "load", "save_checkpoint", "load_checkpoint", "save_file", "load_file", "load_state_dict_file",
           "safetensors", "dtype", "device", "Size", "float32", "float64",
           "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool_", *_creation_all,
           *_FUNCTIONS, "AxonError", "InvalidArgumentError", "ShapeError", "StateError", "OutOfMemoryError",
           "AxonIOError", "FormatError", "InternalError", "NonFiniteError", "BusyError", "CallbackError"]
