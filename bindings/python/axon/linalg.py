"""Layer 3: ``axon.linalg``: the norms of ``torch.linalg`` (vectors and the Frobenius norm)."""

from __future__ import annotations

__all__ = ["norm", "vector_norm", "matrix_norm"]


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, dtype=None):
    return x.norm(ord, dim, keepdim)


def norm(x, ord=None, dim=None, keepdim: bool = False, dtype=None):
    """The 2-norm of the flattened tensor (or over ``dim``), or a vector ``ord``-norm;
    matrix norms other than Frobenius are not supported."""
    if ord in (None, "fro"):
        return x.norm(2, dim, keepdim)
    if x.ndim == 2 and dim is None or isinstance(dim, tuple) and len(dim) == 2:
        raise NotImplementedError(f"linalg.norm: the matrix norm ord={ord!r} is not supported")
    return x.norm(ord, dim, keepdim)


def matrix_norm(x, ord="fro", dim=(-2, -1), keepdim: bool = False, dtype=None):
    if ord != "fro":
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} is not supported (only 'fro')")
    return x.norm(2, dim, keepdim)
