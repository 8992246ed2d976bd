"""Tests of axon.optim, axon.optim.lr_scheduler and axon.utils.data: optimizer and schedule
trajectories against PyTorch's (fixtures/optim.json, written by fixtures/gen_optim.py under a
PyTorch installation; these tests do not need torch), parameter groups, state dicts, closures,
refused options, and the data loader.

Run from bindings/python with ``python3 -m pytest -q tests``.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

import axon
from axon import nn, optim
from axon._optim import Generator
from axon.optim import lr_scheduler
from axon.utils.data import (DataLoader, Dataset, IterableDataset, RandomSampler, Subset, TensorDataset,
                             default_collate, random_split)

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "optim.json").read_text())
PROBLEM = FIXTURE["problem"]
RTOL, ATOL = 1e-5, 1e-7


def regression():
    """The fixture's linear regression: data x, y and fresh parameters w [3, 1], b [1]."""
    x, y = axon.tensor(PROBLEM["x"]), axon.tensor(PROBLEM["y"])
    return x, y, axon.tensor(PROBLEM["w0"], requires_grad=True), axon.tensor(PROBLEM["b0"], requires_grad=True)


def backward(x, y, w, b):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()
    return loss


def params_now(w, b) -> list:
    return [w.numpy().reshape(-1).tolist(), b.numpy().reshape(-1).tolist()]


def assert_trajectory(seen, expected):
    for step, (got, want) in enumerate(zip(seen, expected)):
        for g, e in zip(got, want):
            np.testing.assert_allclose(g, e, rtol=RTOL, atol=ATOL, err_msg=f"step {step + 1}")
    assert len(seen) == len(expected)


def label(case: dict) -> str:
    return case["name"] + "(" + ", ".join(f"{k}={v}" for k, v in case.get("kwargs", {}).items()) + ")"


# ---- Optimizers against PyTorch -------------------------------------------------------------


@pytest.mark.parametrize("case", FIXTURE["optimizers"], ids=label)
def test_optimizer_trajectories_match_pytorch(case):
    x, y, w, b = regression()
    opt = getattr(optim, case["name"])([w, b], **case["kwargs"])
    seen = []
    for _ in range(FIXTURE["steps"]):
        opt.zero_grad()
        backward(x, y, w, b)
        opt.step()
        seen.append(params_now(w, b))
    assert_trajectory(seen, case["params"])


@pytest.mark.parametrize("case", FIXTURE["groups"], ids=label)
def test_group_options_written_between_steps_match_pytorch(case):
    x, y, w, b = regression()
    tensors = {"w": w, "b": b}
    groups = [{**g, "params": [tensors[g["params"]]]} for g in case["groups"]]
    opt = getattr(optim, case["name"])(groups, **case["kwargs"])
    seen = []
    for step in range(FIXTURE["steps"]):
        for group, key, value in case["writes"].get(str(step), []):
            opt.param_groups[group][key] = value
            assert opt.param_groups[group][key] == pytest.approx(tuple(value) if key == "betas" else value)
        opt.zero_grad()
        backward(x, y, w, b)
        opt.step()
        seen.append(params_now(w, b))
    assert_trajectory(seen, case["params"])


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_modes_match_pytorch(set_to_none):
    x, y, w, b = regression()
    opt = optim.SGD([w, b], lr=0.05, momentum=0.9)
    seen = []
    for step in range(6):
        if step < 3:
            opt.zero_grad()
            backward(x, y, w, b)
        elif step == 3:
            opt.zero_grad(set_to_none=set_to_none)
            assert (w.grad is None) == set_to_none
            if not set_to_none:
                assert w.grad.numpy().tolist() == [[0.0], [0.0], [0.0]]
        opt.step()
        seen.append(params_now(w, b))
    expected = FIXTURE["zero_grad"]["set_to_none" if set_to_none else "zeros"]
    assert_trajectory(seen, expected)
    assert seen[-1] != FIXTURE["zero_grad"]["zeros" if set_to_none else "set_to_none"][-1]


def rosenbrock(start=(-1.5, 2.0)):
    return axon.tensor([start[0]], requires_grad=True), axon.tensor([start[1]], requires_grad=True)


def relative_gap(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-3)))


@pytest.mark.parametrize("case", FIXTURE["lbfgs"], ids=lambda c: f"a={c['a']}, {c['kwargs']}")
def test_lbfgs_matches_pytorch_on_rosenbrock(case):
    """To 1e-5 relative, or to twice PyTorch's own float32 rounding error (its float32 run
    against its float64 run) where that is larger: a = 100 amplifies rounding."""
    a = case["a"]
    px, py = rosenbrock(case["start"])
    opt = optim.LBFGS([px, py], **case["kwargs"])
    calls = [0]

    def closure():
        opt.zero_grad()
        loss = ((1 - px) ** 2 + a * (py - px * px) ** 2).sum()
        loss.backward()
        calls[0] += 1
        return loss

    seen, losses = [], []
    for _ in range(case["steps"]):
        result = opt.step(closure)
        assert isinstance(result, axon.Tensor)
        losses.append(result.item())
        seen.append([px.item(), py.item()])
    rtol = max(RTOL, 2 * relative_gap(case["params"], case["params64"]))
    assert rtol < 1e-3
    assert relative_gap(seen, case["params"]) <= rtol
    np.testing.assert_allclose(losses, case["losses"], rtol=max(RTOL, 2 * relative_gap(case["losses"],
                                                                                    case["losses64"])))
    assert calls[0] == case["evaluations"]
    assert seen[-1] != case["start"]


@pytest.mark.parametrize("make", [lambda p: optim.LBFGS(p, max_iter=4), lambda p: optim.Adam(p, lr=0.1)])
def test_an_exception_in_the_closure_is_reraised_and_changes_nothing(make):
    px, py = rosenbrock()
    opt = make([px, py])
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = ((1 - px) ** 2 + 100 * (py - px * px) ** 2).sum()
        loss.backward()
        if calls[0] >= 2:
            raise KeyError("from the closure")
        return loss

    opt.step(closure) if isinstance(opt, optim.Adam) else None
    before = [px.item(), py.item()]
    with pytest.raises(KeyError, match="from the closure"):
        opt.step(closure)
    assert [px.item(), py.item()] == before
    with pytest.raises(TypeError, match="returned None"):
        opt.step(lambda: None)
    with pytest.raises(axon.StateError):
        opt.step(lambda: float("nan"))


def test_closure_step_of_other_optimizers_calls_once_and_returns_the_loss():
    x, y, w, b = regression()
    opt = optim.SGD([w, b], lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        calls.append(1)
        return backward(x, y, w, b)

    loss = opt.step(closure)
    assert len(calls) == 1 and isinstance(loss, axon.Tensor)
    case = next(c for c in FIXTURE["optimizers"] if c["name"] == "SGD" and c["kwargs"] == {"lr": 0.1})
    assert_trajectory([params_now(w, b)], case["params"][:1])
    with pytest.raises(TypeError, match="requires a closure"):
        optim.LBFGS([w]).step()


# ---- Options and parameter groups ----------------------------------------------------------


@pytest.mark.parametrize("make, error, match", [
    (lambda p: optim.SGD(p, maximize=True), ValueError, "maximize=True is not supported"),
    (lambda p: optim.Adam(p, foreach=True), ValueError, "foreach=True"),
    (lambda p: optim.AdamW(p, fused=True), ValueError, "fused=True"),
    (lambda p: optim.RMSprop(p, capturable=True), ValueError, "capturable=True"),
    (lambda p: optim.Adagrad(p, differentiable=True), ValueError, "differentiable=True"),
    (lambda p: optim.NAdam(p, decoupled_weight_decay=True), ValueError, "no NAdam with decoupled"),
    (lambda p: optim.LBFGS(p, line_search_fn="backtracking"), ValueError, "strong_wolfe"),
    (lambda p: optim.SGD(p, lr=0.1, betas=(0.9, 0.99)), TypeError, "betas"),
    (lambda p: optim.Adam(p, betas=0.9), TypeError, "pair"),
    (lambda p: optim.SGD(p, nesterov="yes"), TypeError, "True or False"),
    (lambda p: optim.SGD([{"params": p, "maximize": True}]), ValueError, "maximize"),
    (lambda p: optim.LBFGS([{"params": p[:1]}, {"params": p[1:]}]), ValueError, "parameter groups"),
    (lambda p: optim.RAdam(p), NotImplementedError, "no RAdam update rule"),
    (lambda p: optim.Rprop(p), NotImplementedError, "Rprop"),
    (lambda p: optim.SGD([]), ValueError, "empty parameter list"),
    (lambda p: optim.SGD(p, lr=-1.0), axon.InvalidArgumentError, "learning rate"),
    (lambda p: optim.SGD(p, momentum=0.9, nesterov=True, dampening=0.5), axon.InvalidArgumentError, "Nesterov"),
])
def test_options_the_library_lacks_are_refused(make, error, match):
    _, _, w, b = regression()
    with pytest.raises(error, match=match):
        make([w, b])


def test_param_groups_read_and_write_the_library():
    _, _, w, b = regression()
    opt = optim.Adam([w], lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)
    group = opt.param_groups[0]
    assert list(group)[:6] == ["params", "lr", "betas", "eps", "weight_decay", "amsgrad"]
    assert group["betas"] == pytest.approx((0.8, 0.9)) and isinstance(group["betas"], tuple)
    assert group["amsgrad"] is False and group["maximize"] is False and group["foreach"] is None
    assert group["params"] == [w] and opt._native.get_option("beta2") == pytest.approx(0.9)
    group["betas"] = (0.5, 0.6)
    assert opt._native.get_option("beta1") == 0.5 and opt._native.get_option("beta2") == pytest.approx(0.6)
    with pytest.raises(axon.InvalidArgumentError):
        group["betas"] = (0.7, 1.5)  # the second is refused: the first is rolled back
    assert group["betas"] == pytest.approx((0.5, 0.6))
    with pytest.raises(ValueError, match="maximize"):
        group["maximize"] = True
    group["maximize"] = False
    group["tag"] = "mine"  # other keys are kept, as in PyTorch
    opt.add_param_group({"params": b, "lr": 0.5})
    assert len(opt.param_groups) == 2 and opt._native.group_count == 2
    second = opt.param_groups[1]
    assert second["lr"] == 0.5 and second["betas"] == pytest.approx((0.8, 0.9)) and second["weight_decay"] == 0.1
    with pytest.raises(axon.InvalidArgumentError):
        opt.add_param_group({"params": [w]})
    assert len(opt.param_groups) == 2
    named = optim.SGD([("weight", w)], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["weight"]
    adamw = optim.Adam([b], decoupled_weight_decay=True, weight_decay=0.2)
    assert adamw._native.get_option("weight_decay") == pytest.approx(0.2)
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True
    assert optim.LBFGS([b]).param_groups[0]["max_eval"] == 25


# ---- State dicts ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda p: optim.Adam(p, lr=0.05, amsgrad=True),
    lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.3),
    lambda p: optim.NAdam([{"params": p[:1]}, {"params": p[1:], "lr": 0.01}], lr=0.05),
    lambda p: optim.LBFGS(p, lr=0.5, max_iter=3, history_size=4),
])
def test_state_dict_of_a_fresh_optimizer_reproduces_the_next_steps(make):
    x, y, w, b = regression()

    def step(o, pw, pb):
        def closure():
            o.zero_grad()
            return backward(x, y, pw, pb)
        o.step(closure)

    opt = make([w, b])
    for _ in range(3):
        step(opt, w, b)
    state = opt.state_dict()
    assert set(state) == {"state", "param_groups"}
    assert sum((g["params"] for g in state["param_groups"]), []) == [0, 1]
    assert "lr" in state["param_groups"][0] and "params" not in state["state"]
    w2, b2 = axon.tensor(w.numpy(), requires_grad=True), axon.tensor(b.numpy(), requires_grad=True)
    other = make([w2, b2])
    other.load_state_dict(state)
    for _ in range(3):
        step(opt, w, b)
        step(other, w2, b2)
        np.testing.assert_array_equal(w2.numpy(), w.numpy())
        np.testing.assert_array_equal(b2.numpy(), b.numpy())


def test_load_state_dict_applies_group_values_and_refuses_what_it_cannot_restore():
    x, y, w, b = regression()
    opt = optim.SGD([w, b], lr=0.1, momentum=0.9)
    state = opt.state_dict()
    state["param_groups"][0]["lr"] = 0.3
    fresh = optim.SGD([w, b], lr=0.1, momentum=0.9)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["lr"] == 0.3
    fresh.load_state_dict({"state": {}, "param_groups": state["param_groups"]})  # before a step: fine
    fresh.zero_grad()
    backward(x, y, w, b)
    fresh.step()
    with pytest.raises(NotImplementedError, match="clears an optimizer's buffers"):
        fresh.load_state_dict({"state": {}, "param_groups": state["param_groups"]})
    with pytest.raises(NotImplementedError, match="sets an optimizer's buffers"):
        fresh.load_state_dict({"state": {0: {"momentum_buffer": None}}, "param_groups": state["param_groups"]})
    with pytest.raises(ValueError, match="number of parameter groups"):
        fresh.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(axon.FormatError):
        optim.Adam([w, b]).load_state_dict(state)  # another kind
    with pytest.raises(NotImplementedError, match="per-parameter buffers"):
        fresh.state


# ---- Schedules against PyTorch --------------------------------------------------------------

LAMBDAS = {"inverse": lambda e: 1.0 / (1.0 + e), "decay": lambda e: 0.9, "wave": lambda e: 1.0 + 0.5 * math.sin(e)}


def build_schedule(opt, spec: dict):
    name = spec["name"]
    if name == "SequentialLR":
        children = [build_schedule(opt, s) for s in spec["schedulers"]]
        return lr_scheduler.SequentialLR(opt, children, milestones=spec["milestones"])
    if name == "ChainedScheduler":
        return lr_scheduler.ChainedScheduler([build_schedule(opt, s) for s in spec["schedulers"]])
    kwargs = dict(spec["kwargs"])
    if "lr_lambda" in kwargs:
        given = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = [LAMBDAS[g] for g in given] if isinstance(given, list) else LAMBDAS[given]
    return getattr(lr_scheduler, name)(opt, **kwargs)


def two_groups():
    params = [axon.tensor([0.0], requires_grad=True), axon.tensor([0.0], requires_grad=True)]
    return optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, FIXTURE["group_rates"])])


@pytest.mark.parametrize("case", FIXTURE["schedules"], ids=lambda c: label(c["spec"]))
def test_schedules_match_pytorch(case):
    opt = two_groups()
    sched = build_schedule(opt, case["spec"])
    rates = [sched.get_last_lr()]
    for _ in range(FIXTURE["schedule_steps"]):
        sched.step()
        rates.append(sched.get_last_lr())
    np.testing.assert_allclose(rates, case["rates"], rtol=1e-9, atol=1e-15)
    assert sched.last_epoch == FIXTURE["schedule_steps"]
    assert [g["lr"] for g in opt.param_groups] == rates[-1]


@pytest.mark.parametrize("case", FIXTURE["plateaus"], ids=lambda c: str(c["kwargs"]))
def test_plateau_matches_pytorch(case):
    opt = two_groups()
    sched = lr_scheduler.ReduceLROnPlateau(opt, **case["kwargs"])
    rates = []
    for metric in case["metrics"]:
        sched.step(axon.tensor(metric))
        rates.append(sched.get_last_lr())
    np.testing.assert_allclose(rates, case["rates"], rtol=1e-9, atol=1e-15)
    assert sched.last_epoch == len(case["metrics"])


def test_schedule_state_dicts_resume_exactly():
    opt = two_groups()
    sched = lr_scheduler.SequentialLR(opt, [lr_scheduler.LinearLR(opt, 0.2, total_iters=3),
                                            lr_scheduler.CosineAnnealingLR(opt, T_max=5)], milestones=[3])
    for _ in range(4):
        sched.step()
    state = sched.state_dict()
    opt2 = two_groups()
    again = lr_scheduler.SequentialLR(opt2, [lr_scheduler.LinearLR(opt2, 0.2, total_iters=3),
                                             lr_scheduler.CosineAnnealingLR(opt2, T_max=5)], milestones=[3])
    again.load_state_dict(state)
    assert again.last_epoch == 4 and again.get_last_lr() == sched.get_last_lr()
    for _ in range(3):
        sched.step()
        again.step()
        assert again.get_last_lr() == sched.get_last_lr()
    plateau = lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    for metric in (1.0, 0.5, 0.7):
        plateau.step(metric)
    copy = lr_scheduler.ReduceLROnPlateau(opt2, patience=0, factor=0.5)
    copy.load_state_dict(plateau.state_dict())
    assert copy.get_last_lr() == plateau.get_last_lr()
    for metric in (0.6, 0.4, 0.45):
        plateau.step(metric)
        copy.step(metric)
        assert copy.get_last_lr() == plateau.get_last_lr()
    with pytest.raises(ValueError, match="factor"):
        lr_scheduler.ReduceLROnPlateau(opt2, factor=0.3).load_state_dict(plateau.state_dict())
    with pytest.raises(ValueError, match="base rates"):
        lr_scheduler.StepLR(two_groups(), 2).load_state_dict({**lr_scheduler.StepLR(
            optim.SGD([axon.tensor([0.0], requires_grad=True)], lr=1.0), 2).state_dict(), "base_lrs": [1.0, 1.0]})


def test_schedules_the_library_lacks_and_misuse_are_refused():
    opt = two_groups()
    for cls in (lr_scheduler.OneCycleLR, lr_scheduler.CyclicLR, lr_scheduler.CosineAnnealingWarmRestarts):
        with pytest.raises(NotImplementedError, match="the library has no"):
            cls(opt, 0.1)
    with pytest.raises(NotImplementedError, match="last_epoch"):
        lr_scheduler.StepLR(opt, 2, last_epoch=3)
    step = lr_scheduler.StepLR(opt, 2)
    with pytest.raises(TypeError, match="epoch"):
        step.step(5)
    chained = lr_scheduler.ChainedScheduler([step, lr_scheduler.ExponentialLR(opt, 0.5)])
    with pytest.raises(RuntimeError, match="part of a ChainedScheduler"):
        step.step()
    chained.step()
    sequential = lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(opt, 3)], [2])
    with pytest.raises(NotImplementedError, match="one level deep"):
        lr_scheduler.ChainedScheduler([sequential])
    with pytest.raises(NotImplementedError, match="driven from Python"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.LambdaLR(opt, lambda e: 1.0), lr_scheduler.StepLR(opt, 2)], [2])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.ReduceLROnPlateau(opt)], [])
    with pytest.raises(NotImplementedError, match="min_lr per group"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(axon.InvalidArgumentError):
        lr_scheduler.ReduceLROnPlateau(opt).step(float("nan"))


def test_checkpoints_take_plateaus_and_refuse_python_schedules(tmp_path):
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    plateau = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    for metric in (1.0, 2.0):
        opt.zero_grad()
        ((model(x) - axon.tensor(y)) ** 2).mean().backward()
        opt.step()
        plateau.step(metric)
    axon.save_checkpoint(tmp_path / "run.axon", model, opt, plateau)
    other = nn.Linear(2, 1)
    opt2 = optim.SGD(other.parameters(), lr=0.1)
    plateau2 = lr_scheduler.ReduceLROnPlateau(opt2, patience=0)
    axon.load_checkpoint(tmp_path / "run.axon", other, opt2, plateau2)
    assert plateau2.get_last_lr() == plateau.get_last_lr() == [pytest.approx(0.01)]
    plateau.step(3.0)
    plateau2.step(3.0)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == pytest.approx(0.001)
    with pytest.raises(NotImplementedError, match="driven from Python"):
        axon.save_checkpoint(tmp_path / "lambda.axon", model, opt, lr_scheduler.LambdaLR(opt, lambda e: 1.0))


# ---- Data -----------------------------------------------------------------------------------


def numbered(n: int = 10) -> TensorDataset:
    """Sample i is (features [i, 10 i, 100 i], label i)."""
    i = np.arange(n, dtype=np.float32)
    return TensorDataset(axon.tensor(np.stack([i, 10 * i, 100 * i], axis=1)), axon.tensor(i))


def labels(loader) -> list[list[int]]:
    batches = []
    for xb, yb in loader:
        np.testing.assert_array_equal(xb.numpy()[:, 1], 10 * yb.numpy())  # features travel with their label
        batches.append(yb.numpy().astype(int).tolist())
    return batches


def test_loader_batches_len_and_drop_last():
    data = numbered(10)
    loader = DataLoader(data, batch_size=3)
    assert len(loader) == 4
    shapes = [(xb.shape, yb.shape) for xb, yb in loader]
    assert shapes == [((3, 3), (3,))] * 3 + [((1, 3), (1,))]
    assert labels(loader) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    dropped = DataLoader(data, batch_size=3, drop_last=True)
    assert len(dropped) == 3 and labels(dropped) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert isinstance(next(iter(loader)), list)  # as PyTorch's default collate of tuples
    assert len(DataLoader(data)) == 10 and next(iter(DataLoader(data)))[1].shape == (1,)


def test_shuffling_visits_every_sample_once_per_epoch_and_is_reproducible():
    data = numbered(50)
    loader = DataLoader(data, batch_size=8, shuffle=True, generator=Generator().manual_seed(3))
    epochs = [sum(labels(loader), []) for _ in range(3)]
    assert all(sorted(e) == list(range(50)) for e in epochs)
    assert epochs[0] != epochs[1] != epochs[2] and epochs[0] != list(range(50))
    again = DataLoader(data, batch_size=8, shuffle=True, generator=Generator().manual_seed(3))
    assert [sum(labels(again), []) for _ in range(3)] == epochs
    other = DataLoader(data, batch_size=8, shuffle=True, generator=Generator().manual_seed(4))
    assert sum(labels(other), []) != epochs[0]
    axon.manual_seed(11)
    first = [sum(labels(DataLoader(data, batch_size=8, shuffle=True)), []) for _ in range(2)]
    axon.manual_seed(11)
    assert [sum(labels(DataLoader(data, batch_size=8, shuffle=True)), []) for _ in range(2)] == first
    assert first[0] != first[1]


class Pairs(Dataset):
    """A Python dataset: (array [2], int, dict, str) per sample."""

    def __len__(self) -> int:
        return 5

    def __getitem__(self, i):
        return np.array([i, -i], dtype=np.float32), i, {"twice": 2.0 * i}, f"s{i}"


def test_default_collate_of_python_samples():
    xb, yb, extra, names = next(iter(DataLoader(Pairs(), batch_size=4)))
    assert xb.shape == (4, 2) and xb.numpy()[:, 1].tolist() == [0, -1, -2, -3]
    assert yb.shape == (4,) and yb.tolist() == [0, 1, 2, 3]
    assert extra["twice"].tolist() == [0, 2, 4, 6] and names == ["s0", "s1", "s2", "s3"]
    assert default_collate([axon.tensor([1.0]), axon.tensor([2.0])]).shape == (2, 1)
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])
    batches = list(DataLoader(Pairs(), batch_size=2, collate_fn=lambda samples: [s[1] for s in samples]))
    assert batches == [[0, 1], [2, 3], [4]]


def test_subsets_and_custom_collation_give_the_fast_path_batches():
    data = numbered(20)
    subset = Subset(data, [5, 3, 19, 0, 7])
    fast = [[t.numpy() for t in batch] for batch in DataLoader(subset, batch_size=2)]
    slow = [[t.numpy() for t in batch] for batch in DataLoader(subset, batch_size=2,
                                                               collate_fn=lambda s: default_collate(s))]
    assert len(fast) == len(slow) == 3
    for a, b in zip(fast, slow):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    assert fast[0][1].tolist() == [5, 3]


def test_random_split_sizes_disjointness_and_seed():
    data = numbered(11)
    for lengths, sizes in (([3, 8], [3, 8]), ([0.5, 0.5], [6, 5]), ([0.3, 0.3, 0.4], [4, 3, 4])):
        parts = random_split(data, lengths, generator=Generator().manual_seed(1))
        assert [len(p) for p in parts] == sizes
        seen = sum((sum(labels(DataLoader(p, batch_size=4)), []) for p in parts), [])
        assert sorted(seen) == list(range(11))
    a = random_split(data, [5, 6], generator=Generator().manual_seed(2))
    b = random_split(data, [5, 6], generator=Generator().manual_seed(2))
    c = random_split(data, [5, 6], generator=Generator().manual_seed(5))
    assert a[0].indices == b[0].indices and a[0].indices != c[0].indices
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(data, [5, 5])
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(data, [1.5, -0.5])


def test_loader_arguments_like_pytorch():
    data = numbered(6)
    with pytest.raises(ValueError, match="non-negative"):
        DataLoader(data, num_workers=-1)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(data, shuffle=True, sampler=RandomSampler(data))
    with pytest.raises(TypeError, match="axon Generator"):
        DataLoader(data, shuffle=True, generator=np.random.default_rng(0))
    assert labels(DataLoader(data, batch_size=4, num_workers=2, pin_memory=True)) == [[0, 1, 2, 3], [4, 5]]
    assert labels(DataLoader(data, batch_sampler=[[5, 0], [2]])) == [[5, 0], [2]]
    unbatched = list(DataLoader(Pairs(), batch_size=None))
    assert len(unbatched) == 5 and unbatched[2][0].tolist() == [2, -2] and unbatched[2][1] == 2

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    sampler = RandomSampler(data, replacement=True, num_samples=20, generator=Generator().manual_seed(0))
    drawn = list(sampler)
    assert len(drawn) == 20 and set(drawn) <= set(range(6)) and len(set(drawn)) > 1


def test_generator():
    g = Generator()
    assert g.initial_seed() == 67280421310721
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    first = g.randperm(100)
    assert sorted(first) == list(range(100)) and first != list(range(100))
    assert g.randperm(100) != first
    assert Generator().manual_seed(7).randperm(100) == first
    assert Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(NotImplementedError):
        g.get_state()


def test_an_mnist_sized_epoch_takes_well_under_a_second():
    rng = np.random.default_rng(0)
    x = rng.random((60000, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=60000).astype(np.float32)
    loader = DataLoader(TensorDataset(axon.tensor(x), axon.tensor(y)), batch_size=64, shuffle=True,
                        generator=Generator().manual_seed(0))
    start = time.perf_counter()
    count = sum(1 for _ in loader)
    elapsed = time.perf_counter() - start
    assert count == len(loader) == 938
    assert elapsed < 0.5, f"an epoch took {elapsed:.2f} s"
