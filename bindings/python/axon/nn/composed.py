"""Layer 3: layers PyTorch has that the library has no layer kind for, written as compositions
of tensor operations (differentiated by the library): ``Embedding``, ``SiLU``, ``ReLU6``,
``Hardtanh``. A Sequential holding one runs its children one by one and cannot be saved as a
model file (save its ``state_dict()``)."""

from __future__ import annotations

from .. import _creation
from .._tensor_ops import operand
from .module import Module, Parameter

__all__ = ["Embedding", "SiLU", "ReLU6", "Hardtanh"]


class Embedding(Module):
    """A lookup table: row ``i`` of ``weight`` [num_embeddings, embedding_dim] for index ``i``.
    ``weight`` starts standard normal (as PyTorch's); ``padding_idx`` rows start at zero (their
    gradient is not masked); ``max_norm`` and ``sparse`` are not supported."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight=None, _freeze: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        if max_norm is not None or sparse or scale_grad_by_freq:
            raise NotImplementedError("Embedding: max_norm, scale_grad_by_freq and sparse are not supported")
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        weight = _weight if _weight is not None else _creation.randn(num_embeddings, embedding_dim)
        self.weight = Parameter(weight, requires_grad=not _freeze)
        if padding_idx is not None and _weight is None:
            from ..grad_mode import no_grad
            with no_grad():
                self.weight[padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx: int | None = None, **kwargs) -> Embedding:
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, _weight=embeddings.clone().detach(), _freeze=freeze, **kwargs)

    def forward(self, input):
        index = operand(input)
        picked = self.weight.index_select(0, index.reshape(-1))
        return picked.reshape(tuple(index.shape) + (self.embedding_dim,))

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class SiLU(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, input):
        return operand(input).silu()


class Hardtanh(Module):
    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, input):
        return operand(input).clamp(self.min_val, self.max_val)


class ReLU6(Hardtanh):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0)
