"""Layer 3: ``axon.backends.cudnn``: not available; its flags are accepted and do nothing."""

deterministic = False
benchmark = False
enabled = False


def is_available() -> bool:
    return False
