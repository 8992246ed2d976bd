"""Layer 3: ``axon.accelerator``: no accelerator is available (Axon runs on the CPU)."""

from __future__ import annotations

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False):
    return None


def device_count() -> int:
    return 0
