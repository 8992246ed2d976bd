"""axon.parallel without MPI: the sharded loader, flat buffers, hooks (their errors and the state
they leave), and two replicas simulated by two threads whose hooks meet at a barrier, against
one process of the global batch."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import axon
from axon import nn, parallel


def _data(n=48, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = axon.tensor(rng.standard_normal((n, features)).astype(np.float32))
    y = axon.tensor(rng.integers(0, classes, n))
    return x, y


def test_sharded_loader_union_is_the_single_process_epoch():
    x, y = _data(n=51)  # 4 global batches of 12, then 3 samples: one for each rank
    rows = x.numpy()
    single = parallel.ShardedLoader(x, y, 12, seed=3)
    shards = [parallel.ShardedLoader(x, y, 4, rank=r, world_size=3, seed=3) for r in range(3)]
    for _ in range(2):
        whole = [xb.numpy() for xb, _ in single]
        parts = [[xb.numpy() for xb, _ in loader] for loader in shards]
        assert len(whole) == len(single) == len(shards[0]) == 5 and len(whole[-1]) == 3
        for b, batch in enumerate(whole):
            joined = np.concatenate([parts[r][b] for r in range(3)])
            assert np.array_equal(joined, batch)
        assert sorted(map(tuple, np.concatenate(whole))) == sorted(map(tuple, rows))
    for loader in [single, *shards]:
        loader.close()


def test_sharded_loader_refuses_a_tail_smaller_than_the_world_and_a_bad_rank():
    x, y = _data(n=13)
    with pytest.raises(axon.InvalidArgumentError, match="replicas"):
        parallel.ShardedLoader(x, y, 3, rank=0, world_size=4)  # 13 % 12 = 1 sample for 4 ranks
    parallel.ShardedLoader(x, y, 3, rank=0, world_size=4, drop_last=True).close()
    parallel.ShardedLoader(x, y, 3, rank=0, world_size=1).close()
    with pytest.raises(axon.InvalidArgumentError, match="rank"):
        parallel.ShardedLoader(x, y, 3, rank=4, world_size=4)


def _model():
    axon.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8, bias=False), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def test_broadcast_writes_every_state_tensor_and_a_failing_hook_changes_nothing():
    model = _model()
    state = list(model.state_dict().values())
    before = parallel.parameters_vector(state)

    def fail(buffer):
        buffer[:] = 7
        raise KeyError("engine down")

    with pytest.raises(KeyError, match="engine down"):
        parallel.broadcast_parameters(model, fail)
    assert np.array_equal(parallel.parameters_vector(state), before)

    def fill(buffer):
        buffer[:] = np.arange(buffer.size, dtype=np.float32)

    parallel.broadcast_parameters(model, fill)
    assert np.array_equal(parallel.parameters_vector(state), np.arange(before.size, dtype=np.float32))
    # running_var follows the linear weight, gamma, beta and running_mean in state_dict order
    assert model[1].running_var.numpy()[0] == model[0].weight.numel() + 3 * 8


def test_all_reduce_gradients_reaches_every_gradient():
    model = _model()
    x, y = _data()
    nn.functional.cross_entropy(model(x), y).backward()
    grads = parallel.gradients_vector(model)
    parallel.all_reduce_gradients(model, lambda buffer: buffer.__imul__(2))
    assert np.array_equal(parallel.gradients_vector(model), 2 * grads)
    assert np.array_equal(model[3].bias.grad.numpy(), 2 * grads[-3:])


def test_a_failing_gradient_hook_raises_its_error_and_leaves_the_step_untaken():
    model = _model()
    optimizer = axon.optim.Adam(model.parameters(), lr=0.1)
    x, y = _data()
    state = list(model.state_dict().values())
    before = parallel.parameters_vector(state)

    def fail(buffer):
        raise RuntimeError("all-reduce failed")

    with pytest.raises(RuntimeError, match="all-reduce failed") as caught:
        parallel.train_step(model, optimizer, "cross_entropy", x, y, fail)
    assert isinstance(caught.value.__cause__, axon.CallbackError)
    assert np.array_equal(parallel.parameters_vector(state), before)  # running statistics included
    calls = []
    parallel.train_step(model, optimizer, "cross_entropy", x, y, lambda buffer: calls.append(buffer.size))
    assert calls == [parallel.parameters_vector(model).size]
    assert not np.array_equal(parallel.parameters_vector(state), before)


def test_synchronized_batchnorm_of_one_replica_is_plain_batchnorm_bit_for_bit():
    x, y = _data()
    results = []
    for sync in (False, True):
        model = _model()
        calls = []
        if sync:
            assert parallel.sync_batchnorm(model, lambda b: calls.append(b.size), rank=0, world_size=1) == 1
        optimizer = axon.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(3):
            parallel.train_step(model, optimizer, "cross_entropy", x, y, lambda buffer: None)
        results.append(parallel.parameters_vector(list(model.state_dict().values())))
        if sync:
            assert calls == [2 * (8 + 1), 2 * 8, 2 * 16] * 3  # per step: two forward sums, one backward
    assert np.array_equal(results[0], results[1])


class _Group:
    """An in-process all-reduce of `size` threads: the sum of their buffers, in rank order."""

    def __init__(self, size):
        self.size, self.barrier, self.slots = size, threading.Barrier(size, timeout=60), [None] * size

    def all_reduce(self, rank, buffer):
        self.slots[rank] = buffer.copy()
        self.barrier.wait()
        total = self.slots[0].copy()
        for other in self.slots[1:]:
            total += other
        self.barrier.wait()
        buffer[:] = total


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
def test_two_replicas_of_16_train_as_one_process_of_32(optimizer_name):
    x, y = _data(n=96)

    def make():
        model = _model()
        if optimizer_name == "adam":
            return model, axon.optim.Adam(model.parameters(), lr=1e-2)
        return model, axon.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    single, single_optimizer = make()
    with parallel.ShardedLoader(x, y, 32, seed=5, drop_last=True) as loader:
        for xb, yb in loader:
            parallel.train_step(single, single_optimizer, "cross_entropy", xb, yb, lambda buffer: None)

    group, states, errors = _Group(2), [None, None], []
    replicas = [make() for _ in range(2)]  # the same seed: the same start (MPI would broadcast)

    def replica(rank):
        try:
            model, optimizer = replicas[rank]
            parallel.sync_batchnorm(model, lambda b: group.all_reduce(rank, b), rank=rank, world_size=2)

            def average(buffer):
                group.all_reduce(rank, buffer)
                buffer /= 2

            with parallel.ShardedLoader(x, y, 16, rank=rank, world_size=2, seed=5, drop_last=True) as loader:
                for xb, yb in loader:
                    parallel.train_step(model, optimizer, "cross_entropy", xb, yb, average)
            parallel.sync_batchnorm(model, None, rank=rank, world_size=2)
            states[rank] = parallel.parameters_vector(list(model.state_dict().values()))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            group.barrier.abort()

    threads = [threading.Thread(target=replica, args=(r,)) for r in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    reference = parallel.parameters_vector(list(single.state_dict().values()))
    assert np.array_equal(states[0], states[1])
    scale = np.abs(reference).max()
    assert np.abs(states[0] - reference).max() <= 1e-5 * scale


def test_a_failing_synchronized_batchnorm_hook_raises_its_own_error_from_any_call():
    model = _model()
    x, y = _data()

    def broken(buffer):
        raise ZeroDivisionError("engine")

    parallel.sync_batchnorm(model, broken, rank=0, world_size=1)
    with pytest.raises(ZeroDivisionError, match="engine") as caught:
        model(x)
    assert isinstance(caught.value.__cause__, axon.CallbackError)
    optimizer = axon.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ZeroDivisionError):
        parallel.train_step(model, optimizer, "cross_entropy", x, y, lambda buffer: None)
    model.eval()
    model(x)  # evaluation uses the running statistics: no all-reduce
    model.train()
    parallel.sync_batchnorm(model, None, rank=0, world_size=1)
    nn.functional.cross_entropy(model(x), y).backward()
    with pytest.raises(axon.InvalidArgumentError, match="rank"):
        parallel.sync_batchnorm(model, None, rank=2, world_size=2)


def test_a_forked_child_runs_threaded_kernels():
    """The kernels' worker threads do not survive fork(): a child starts its own instead of
    waiting forever for the parent's."""
    import os
    import time

    saved = axon.get_num_threads()
    axon.set_num_threads(2)
    try:
        a = axon.tensor(np.arange(512 * 512, dtype=np.float32).reshape(512, 512) / 1e5)
        expected = (a @ a).numpy()  # the parent's workers are running now
        pid = os.fork()
        if pid == 0:  # the child: a threaded product, then out without cleanup
            ok = np.array_equal((a @ a).numpy(), expected)
            os._exit(0 if ok else 1)
        deadline = time.monotonic() + 30
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                pytest.fail("the forked child hung in a threaded kernel")
            time.sleep(0.01)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        axon.set_num_threads(saved)
