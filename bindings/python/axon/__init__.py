"""axon: Python bindings of the Axon neural-network runtime (over libaxon.so).

>>> import axon
>>> x = axon.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad.tolist()
[2.0, 4.0, 6.0]
"""

from . import _lib
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
from .tensor import Tensor, tensor

#: The version of the loaded libaxon, e.g. "0.1.0".
__version__ = _lib.version()

__all__ = [
    "__version__",
    "Tensor",
    "tensor",
    "AxonError",
    "InvalidArgumentError",
    "ShapeError",
    "StateError",
    "OutOfMemoryError",
    "AxonIOError",
    "FormatError",
    "InternalError",
]
