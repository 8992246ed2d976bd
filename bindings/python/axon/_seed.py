"""Layer 3: the default seed of newly built models (PyTorch's ``torch.manual_seed`` analogue).

Pure Python: the seed is handed to the library when :mod:`axon.nn` builds a model.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_base = 0
_count = 0


def manual_seed(seed: int) -> None:
    """Makes model initialization reproducible: the models built after this call are
    initialized from the seeds ``seed``, ``seed + 1``, ... in the order they are built."""
    global _base, _count
    if not 0 <= seed < 2**64:
        raise ValueError(f"manual_seed: seed {seed} is outside 0 ... 2**64 - 1")
    with _lock:
        _base, _count = seed, 0


def next_seed() -> int:
    """The seed for the next model built."""
    global _count
    with _lock:
        seed = (_base + _count) % 2**64
        _count += 1
        return seed
