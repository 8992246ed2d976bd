"""Layer 3: ``axon.nn``, as ``torch.nn``: :class:`Module` and :class:`Parameter`, the built-in
layers, containers and losses, :mod:`axon.nn.functional`, :mod:`axon.nn.init` and
:mod:`axon.nn.utils`."""

from .module import Buffer, Module, Parameter
from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers_all
from .containers import *  # noqa: F401,F403
from .containers import __all__ as _containers_all
from .loss import *  # noqa: F401,F403
from .composed import *  # noqa: F401,F403
from .composed import __all__ as _composed_all
from .loss import __all__ as _loss_all
from . import functional, init, utils

__all__ = ["Module", "Parameter", "Buffer", "functional", "init", "utils", *_layers_all, *_containers_all,
           *_loss_all, *_composed_all]
