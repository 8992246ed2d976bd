"""Suite-wide check: no handle leaks. Around every test, once Python has collected its garbage,
the library's live handles return to what they were before the test, apart from the 0-d
constants ``axon._tensor_ops`` caches on purpose."""

import gc

import pytest

from axon import _ops, _tensor_ops

TYPES = ("axon_tensor", "axon_model", "axon_optimizer", "axon_scheduler", "axon_generator", "axon_plateau",
         "axon_dataset", "axon_loader", "axon_standardizer", "axon_pca", "axon_tensor_file")


def _live() -> int:
    gc.collect()
    return _ops.live_handles() - len(_tensor_ops._SCALARS)


@pytest.fixture(autouse=True)
def no_handle_leaks():
    before = _live()
    yield
    after = _live()
    if after > before:
        counts = {t: _ops.live_handles(t) for t in TYPES}
        pytest.fail(f"handle leak: {after - before} library handles outlived the test ({counts})")
