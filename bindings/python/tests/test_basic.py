"""Basic tests of the Python door: run from bindings/python with ``python3 -m pytest -q tests``.

Set AXON_LIBRARY to test a libaxon.so other than the checkout's .build/release one.
"""

import gc
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import axon
from axon import _lib


# ---- Versions and the declarations ------------------------------------------------------------


def test_version():
    assert axon.__version__ == "0.1.0"
    assert _lib.axon_version_number() == 1000
    assert _lib.axon_abi_version() == _lib.ABI_VERSION == 1
    assert _lib.axon_format_version() == 1


def test_every_header_function_is_declared():
    header = Path(__file__).resolve().parents[3] / "include" / "axon.h"
    if not header.exists():
        pytest.skip("include/axon.h not found")
    text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
    declared = set(re.findall(r"\b(axon_[a-z0-9_]+)\s*\(", text))
    assert declared, "no functions found in the header"
    missing = sorted(name for name in declared if not hasattr(_lib, name))
    assert not missing
    for name in declared:
        assert getattr(_lib, name).argtypes is not None, name


def test_status_strings():
    assert _lib.axon_status_string(0) == b"ok"
    assert _lib.axon_status_string(2) == b"shape mismatch"
    assert _lib.axon_status_string(99) == b"unknown status"


# ---- Round trips ----------------------------------------------------------------------------


def test_round_trip_list():
    t = axon.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.numel() == 6
    assert len(t) == 2
    assert t.requires_grad is False
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert t.dtype == axon.int64  # integer data, as PyTorch's
    assert repr(t) == "tensor([[1, 2, 3],\n        [4, 5, 6]])"


def test_round_trip_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4, 5))  # float64: converted to float32
    t = axon.tensor(a)
    out = t.numpy()
    assert out.dtype == np.float32
    assert out.shape == (3, 4, 5)
    np.testing.assert_array_equal(out, a.astype(np.float32))
    out[0, 0, 0] = 1e6  # shared memory, as PyTorch's numpy(): the tensor changes too
    assert t[0, 0, 0].item() == np.float32(1e6)
    t.mul_(2.0)  # and the array sees the tensor's updates
    assert out[0, 0, 0] == np.float32(2e6) and out[1, 2, 3] == np.float32(2 * a[1, 2, 3])
    del out
    t.close()
    # Non-contiguous input is copied into row-major order.
    np.testing.assert_array_equal(axon.tensor(a.T).numpy(), a.T.astype(np.float32))
    u = axon.tensor(a)
    view = np.asarray(u)
    u.close()  # the array keeps its own reference to the storage
    np.testing.assert_array_equal(view, a.astype(np.float32))


def test_scalar_and_empty():
    s = axon.tensor(2.5, requires_grad=True)
    assert s.shape == ()
    assert s.tolist() == 2.5
    assert s.item() == 2.5
    assert s.requires_grad is True
    e = axon.tensor(np.zeros((0, 3), dtype=np.float32))
    assert e.shape == (0, 3)
    assert e.numel() == 0
    assert e.numpy().shape == (0, 3)


# ---- Operations -----------------------------------------------------------------------------


def test_arithmetic_matches_numpy():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal((3,)).astype(np.float32)  # broadcasts
    ta, tb = axon.tensor(a), axon.tensor(b)
    np.testing.assert_allclose((ta + tb).numpy(), a + b, rtol=1e-6)
    np.testing.assert_allclose((ta - tb).numpy(), a - b, rtol=1e-6)
    np.testing.assert_allclose((ta * tb).numpy(), a * b, rtol=1e-6)
    np.testing.assert_allclose((2 * ta + 1).numpy(), 2 * a + 1, rtol=1e-6)
    np.testing.assert_allclose((1 - ta).numpy(), 1 - a, rtol=1e-6)
    np.testing.assert_allclose(ta.sum().item(), a.sum(), rtol=1e-5)


def test_number_operands_keep_the_sign_of_zero():
    # Number operands become shared constant tensors; -0.0 and 0.0 are one dict key but not one value.
    t = axon.tensor([1.0, -2.0])
    for first, second in ((0.0, -0.0), (-0.0, 0.0), (0, -0.0)):
        for zero in (first, second):
            want = np.float32([1.0, -2.0]) * np.float32(zero)
            assert np.signbit((t * zero).numpy()).tolist() == np.signbit(want).tolist()
            assert np.signbit((zero * t).numpy()).tolist() == np.signbit(want).tolist()


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((5, 7), (7, 3)), ((64, 128), (128, 96)), ((2, 3, 4), (4, 5)), ((4,), (4, 3)), ((3, 4), (4,))],
)
def test_matmul_matches_numpy(shape_a, shape_b):
    rng = np.random.default_rng(2)
    a = rng.standard_normal(shape_a).astype(np.float32)
    b = rng.standard_normal(shape_b).astype(np.float32)
    got = (axon.tensor(a) @ axon.tensor(b)).numpy()
    want = a @ b
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_inputs_may_be_closed_before_results():
    x = axon.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    loss = y.sum()
    y.close()
    loss.backward()
    assert x.grad.tolist() == [2.0, 4.0]


# ---- Autograd -------------------------------------------------------------------------------


def test_autograd_square():
    data = np.array([1.0, -2.0, 3.0, 0.5], dtype=np.float32)
    x = axon.tensor(data, requires_grad=True)
    assert x.grad is None
    y = x * x
    assert y.requires_grad
    loss = y.sum()
    assert loss.shape == ()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * data)
    with pytest.raises(axon.StateError, match="already freed"):
        loss.backward()  # the graph was released by the first pass
    # Accumulates across backward passes; zero_grad clears.
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * data)
    x.zero_grad()
    assert x.grad is None


def test_autograd_matmul():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    w = rng.standard_normal((4, 2)).astype(np.float32)
    tw = axon.tensor(w, requires_grad=True)
    (axon.tensor(a) @ tw).sum().backward()
    # d/dW sum(A W) = A^T 1
    np.testing.assert_allclose(tw.grad.numpy(), a.T @ np.ones((3, 2), np.float32), rtol=1e-5)


# ---- Errors ---------------------------------------------------------------------------------


def test_shape_error_carries_the_message():
    a, b = axon.tensor([1.0, 2.0]), axon.tensor([1.0, 2.0, 3.0])
    with pytest.raises(axon.ShapeError, match=r"\[2\] and \[3\]") as info:
        a + b
    error = info.value
    assert isinstance(error, axon.AxonError)
    assert isinstance(error, ValueError)
    assert error.status == 2
    assert "[2]" in str(error) and error.message == str(error)
    with pytest.raises(axon.ShapeError, match=r"inner dimensions"):
        axon.tensor(np.ones((2, 3))) @ axon.tensor(np.ones((2, 3)))


def test_state_errors():
    t = axon.tensor([1.0, 2.0]).sum()
    with pytest.raises(axon.StateError, match="does not require grad") as info:
        t.backward()
    assert info.value.status == 3
    with pytest.raises(axon.ShapeError):
        axon.tensor([1.0, 2.0], requires_grad=True).backward()  # not a scalar


def test_invalid_argument_errors():
    with pytest.raises(axon.InvalidArgumentError, match="rank 17") as info:
        axon.tensor(np.zeros((1,) * 17))
    assert info.value.status == 1
    # A NULL out pointer, straight through the declarations.
    x = axon.tensor([1.0])
    with pytest.raises(axon.InvalidArgumentError, match="out is NULL"):
        _lib.axon_tensor_sum(None, x._handle)


def test_errors_are_per_thread():
    results = {}
    barrier = threading.Barrier(4)

    def work(i):
        a, b = axon.tensor(np.ones(i + 2)), axon.tensor(np.ones(i + 6))
        barrier.wait()
        seen = []
        for _ in range(50):
            try:
                a + b
            except axon.ShapeError as error:
                seen.append(str(error))
            seen.append(_lib.axon_last_error().decode())
        results[i] = seen

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        mine = f"[{i + 2}] and [{i + 6}]"
        assert len(results[i]) == 100
        assert all(mine in message for message in results[i])


# ---- Lifetime -------------------------------------------------------------------------------


def test_close_twice_is_safe():
    t = axon.tensor([1.0, 2.0])
    t.close()
    t.close()
    assert t.closed
    assert repr(t) == "tensor(<closed>)"
    with pytest.raises(axon.StateError, match="closed"):
        t.shape
    with pytest.raises(axon.StateError, match="closed"):
        t + t
    del t
    gc.collect()


def test_context_manager_and_del():
    with axon.tensor([1.0]) as t:
        assert t.tolist() == [1.0]
    assert t.closed
    t.__del__()  # after close: harmless
    u = axon.tensor([3.0])
    u.__del__()
    u.close()


def test_library_free_is_safe_on_null_and_freed_handles():
    _lib.axon_tensor_free(None)
    t = axon.tensor([1.0])
    handle = t._handle
    _lib.axon_tensor_free(handle)  # the library's reference is gone...
    _lib.axon_tensor_free(handle)  # ...a second free is detected and ignored
    assert _lib.axon_tensor_numel(handle) == 0
    with pytest.raises(axon.InvalidArgumentError, match="not a live axon_tensor"):
        t.sum()
    t._handle = None


def test_no_grad_is_a_scoped_per_thread_switch():
    import threading

    x = axon.tensor([1.0, 2.0], requires_grad=True)
    assert axon.is_grad_enabled()
    with axon.no_grad():
        assert not axon.is_grad_enabled()
        y = x * x
        assert not y.requires_grad
        seen = []
        t = threading.Thread(target=lambda: seen.append(axon.is_grad_enabled()))
        t.start()
        t.join()
        assert seen == [True]
        with axon.enable_grad():
            assert (x * x).requires_grad
    assert axon.is_grad_enabled()
    assert (x * x).requires_grad


def test_runtime_settings_and_live_handles():
    from axon import _ops

    threads = axon.get_num_threads()
    axon.set_num_threads(1)
    assert axon.get_num_threads() == 1
    with pytest.raises(axon.InvalidArgumentError):
        axon.set_num_threads(0)
    axon.set_num_threads(threads)
    assert "kernels=" in _ops.cpu_features()
    before = _ops.live_handles("axon_tensor")
    t = axon.tensor([1.0, 2.0])
    assert _ops.live_handles("axon_tensor") == before + 1
    t.close()
    assert _ops.live_handles("axon_tensor") == before
    with pytest.raises(axon.InvalidArgumentError, match="unknown handle type"):
        _ops.live_handles("axon_nothing")
