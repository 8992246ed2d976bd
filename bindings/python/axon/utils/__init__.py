"""Layer 3: ``axon.utils``, as ``torch.utils``: only :mod:`axon.utils.data` (datasets and loaders)."""

from . import data

__all__ = ["data"]
