"""Layer 3: ``axon.backends``: the switches of PyTorch's backends that scripts read. There is
no MPS or cuDNN backend; ``cudnn.deterministic`` and ``cudnn.benchmark`` can be set and do
nothing (Axon's kernels are deterministic: the same bits on every run and thread count)."""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
