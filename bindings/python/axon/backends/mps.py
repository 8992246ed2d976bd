"""Layer 3: ``axon.backends.mps``: not available (Axon runs on the CPU)."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
