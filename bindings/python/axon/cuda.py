"""Layer 3: ``axon.cuda``: there is no GPU (Axon runs on the CPU), so scripts that ask take
their CPU path."""

from __future__ import annotations

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all"]


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """No GPU generator to seed: nothing happens, as in PyTorch without CUDA."""


manual_seed_all = manual_seed
