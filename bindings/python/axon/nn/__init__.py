"""Layer 3: ``axon.nn``, layers (as ``torch.nn``), :mod:`axon.nn.functional` and :mod:`axon.nn.utils`."""

from . import functional, utils
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all

__all__ = ["functional", "utils", *_modules_all]
