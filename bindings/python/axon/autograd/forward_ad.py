"""Layer 3: ``axon.autograd.forward_ad``: forward-mode derivatives with dual tensors."""

from __future__ import annotations

from collections import namedtuple

from ..tensor import Tensor, make_dual

__all__ = ["dual_level", "make_dual", "unpack_dual", "UnpackedDualTensor"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class dual_level:
    """``with dual_level():``; Axon's dual tensors need no level, so this only marks the block."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        return None


def unpack_dual(tensor: Tensor) -> UnpackedDualTensor:
    """The values (cut off from forward mode) and the tangent (None if there is none)."""
    return UnpackedDualTensor(tensor.detach(), tensor.tangent)
