"""Tests of the PyTorch-shaped layer of the Python door: tensor operations, forward mode,
axon.nn, axon.optim, schedules, clipping, save/load, errors and lifetimes.

Run from bindings/python with ``python3 -m pytest -q tests``.
"""

import gc
import math
import os

import numpy as np
import pytest

import axon
import axon.nn.functional as F
from axon import _lib, nn, optim
from axon._objects import Model
from axon._optim import Optimizer, Scheduler


def separable(n=200, seed=0):
    """Two classes split by the line 2 x0 - x1 = 0.3."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 2)).astype(np.float32)
    y = (2 * x[:, 0] - x[:, 1] > 0.3).astype(np.float32)
    return x, y


def accuracy(model, x, y):
    model.eval()
    logits = model(axon.tensor(x)).numpy()
    model.train()
    return float((logits.argmax(axis=1) == y).mean())


# ---- Tensor operations ----------------------------------------------------------------------


def test_elementwise_ops_match_numpy():
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2, size=(3, 4)).astype(np.float32)
    b = rng.uniform(0.5, 2, size=(4,)).astype(np.float32)
    ta, tb = axon.tensor(a), axon.tensor(b)
    close = lambda got, want: np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    close(ta / tb, a / b)
    close(1 / ta, 1 / a)
    close(ta / 2, a / 2)
    close(-ta, -a)
    close(ta.exp(), np.exp(a))
    close(ta.log(), np.log(a))
    close(ta.tanh(), np.tanh(a))
    close(ta.sigmoid(), 1 / (1 + np.exp(-a)))
    close((ta - 1).relu(), np.maximum(a - 1, 0))
    close(ta.sqrt(), np.sqrt(a))
    close(ta ** 3, a**3)
    close(ta.pow(0.5), np.sqrt(a))
    close(ta.div(tb), a / b)
    close(F.relu(ta - 1), np.maximum(a - 1, 0))


def test_reductions_and_shapes():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    t = axon.tensor(a)
    np.testing.assert_allclose(t.mean().item(), a.mean())
    np.testing.assert_allclose(t.sum().item(), a.sum())
    np.testing.assert_allclose(t.mean(1).numpy(), a.mean(1), rtol=1e-6)
    np.testing.assert_allclose(t.sum((0, 2)).numpy(), a.sum((0, 2)))
    np.testing.assert_allclose(t.mean(-1, keepdim=True).numpy(), a.mean(-1, keepdims=True))
    assert t.sum(dim=None, keepdim=True).shape == (1, 1, 1)
    assert t.reshape(6, -1).shape == (6, 4)
    assert t.reshape((4, 6)).shape == (4, 6)
    np.testing.assert_array_equal(t.transpose(0, 2).numpy(), a.transpose(2, 1, 0))
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    m = axon.tensor(a[0])
    np.testing.assert_array_equal(m.T.numpy(), a[0].T)
    logits = axon.tensor(a[0])
    e = np.exp(a[0] - a[0].max(1, keepdims=True))
    np.testing.assert_allclose(logits.softmax(1).numpy(), e / e.sum(1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(
        F.log_softmax(logits, dim=-1).numpy(), np.log(e / e.sum(1, keepdims=True)), rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(F.softmax(logits, 0).numpy().sum(0), np.ones(4), rtol=1e-6)


def test_requires_grad_detach_and_seeded_backward():
    x = axon.tensor([0.5, -1.0, 2.0])
    assert x.grad is None and not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad
    y = x.exp()
    assert y.detach().requires_grad is False
    y.backward(axon.tensor([1.0, 2.0, 3.0]), retain_graph=True)
    y.backward([1.0, 2.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1, 2, 3]) * np.exp([0.5, -1, 2]), rtol=1e-5)
    # Second derivative through create_graph: d2/dx2 sum(x^3) = 6x.
    x.zero_grad()
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.zero_grad()
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([0.5, -1, 2]), rtol=1e-5)
    assert axon.tensor([1.0]).requires_grad_().requires_grad


def test_forward_mode_matches_finite_differences():
    x = np.array([-1.0, 0.0, 0.5, 1.5], dtype=np.float32)
    v = np.array([1.0, -2.0, 0.5, 3.0], dtype=np.float32)
    primal = axon.tensor(x)
    assert primal.tangent is None
    dual = axon.make_dual(primal, v)
    np.testing.assert_array_equal(dual.tangent.numpy(), v)
    y = (dual.exp() * 2).tanh()
    f = lambda z: np.tanh(2 * np.exp(z.astype(np.float64)))
    h = 1e-4
    fd = (f(x + h * v) - f(x - h * v)) / (2 * h)
    np.testing.assert_allclose(y.tangent.numpy(), fd, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(y.numpy(), f(x), rtol=1e-5)
    with pytest.raises(axon.ShapeError, match="tangent"):
        axon.make_dual(primal, [1.0, 2.0])


# ---- nn: specs and models -------------------------------------------------------------------


ALL_LAYERS = [
    (lambda: nn.Linear(4, 3), (2, 4)),
    (lambda: nn.Linear(4, 3, bias=False), (2, 4)),
    (lambda: nn.Conv2d(2, 3, 3, padding=1), (1, 2, 6, 6)),
    (lambda: nn.Conv2d(2, 4, (3, 1), stride=2, groups=2, bias=False), (1, 2, 7, 7)),
    (lambda: nn.MaxPool2d(2), (1, 2, 6, 6)),
    (lambda: nn.MaxPool2d(3, stride=1, padding=1), (1, 2, 6, 6)),
    (lambda: nn.AvgPool2d(2), (1, 2, 6, 6)),
    (lambda: nn.Flatten(), (2, 3, 4)),
    (nn.ReLU, (2, 4)),
    (lambda: nn.LeakyReLU(0.2), (2, 4)),
    (lambda: nn.ELU(0.5), (2, 4)),
    (nn.GELU, (2, 4)),
    (nn.Sigmoid, (2, 4)),
    (nn.Tanh, (2, 4)),
    (lambda: nn.Softmax(dim=1), (2, 4)),
    (lambda: nn.LogSoftmax(dim=-1), (2, 4)),
    (nn.Softplus, (2, 4)),
    (nn.Identity, (2, 4)),
    (lambda: nn.Dropout(0.3), (2, 4)),
    (lambda: nn.Dropout2d(0.3), (2, 3, 4, 4)),
    (lambda: nn.BatchNorm1d(4), (5, 4)),
    (lambda: nn.BatchNorm1d(4, momentum=None, affine=False), (5, 4)),
    (lambda: nn.BatchNorm2d(3), (2, 3, 4, 4)),
    (lambda: nn.LayerNorm(4), (2, 4)),
    (lambda: nn.LayerNorm((3, 4), elementwise_affine=False), (2, 3, 4)),
    (lambda: nn.GroupNorm(2, 4), (2, 4, 3, 3)),
    (lambda: nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4)),
    (lambda: nn.Sequential(nn.Linear(4, 4), nn.Tanh()), (2, 4)),
    (lambda: nn.Residual(nn.Linear(4, 4), nn.Tanh()), (2, 4)),
    (lambda: nn.Spec("linear 4 2; relu"), (2, 4)),
    (lambda: nn.Maxout(2), (2, 4)),
    (lambda: nn.utils.weight_norm(nn.Linear(4, 2)), (2, 4)),
    (lambda: nn.WeightNorm(nn.Conv2d(3, 2, 3, padding=1)), (2, 3, 4, 4)),
]


@pytest.mark.parametrize("make, shape", ALL_LAYERS)
def test_every_layer_spec_builds_and_runs(make, shape):
    layer = make()
    out = layer(np.ones(shape, dtype=np.float32))
    assert isinstance(out, axon.Tensor)
    assert np.all(np.isfinite(out.numpy()))
    # The canonical spec of the built model builds the same architecture.
    canonical = layer.model.spec
    again = nn.Spec(canonical)
    assert again.model.spec == canonical
    assert again.num_parameters() == layer.num_parameters()
    assert repr(layer).startswith(type(layer).__name__)


def test_sequential_names_parameters_and_state_dict_like_pytorch():
    axon.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    assert len(model) == 4 and isinstance(model[0], nn.Linear)
    assert model.spec.startswith("sequential { linear in=3 out=5 bias=true; batchnorm1d features=5")
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"]
    state = model.state_dict()
    assert list(state) == [
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
        "1.num_batches_tracked", "3.weight", "3.bias",
    ]
    assert state["0.weight"].shape == (5, 3)
    assert all(isinstance(v, axon.Tensor) for v in state.values())
    params = list(model.parameters())
    assert len(params) == 6 and all(p.requires_grad for p in params)
    assert model.num_parameters() == 15 + 5 + 5 + 5 + 10 + 2
    # manual_seed makes initialization reproducible.
    axon.manual_seed(3)
    again = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    np.testing.assert_array_equal(again.state_dict()["0.weight"], state["0.weight"])
    # train / eval reach the model and the children.
    assert model.training and model.model.training
    model.eval()
    assert not model.training and not model.model.training and not model[1].training
    model.train()
    assert model.model.training


def test_load_state_dict():
    a, b = nn.Sequential(nn.Linear(3, 4), nn.Tanh()), nn.Sequential(nn.Linear(3, 4), nn.Tanh())
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    assert not np.allclose(a(x).numpy(), b(x).numpy())
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    # PyTorch's errors: missing keys with strict, a size mismatch always; nothing changes then.
    before = b.state_dict()["0.weight"].numpy()
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "0.bias"'):
        b.load_state_dict({"0.weight": np.zeros((4, 3))})
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        b.load_state_dict({"0.weight": np.zeros((3, 3))}, strict=False)
    np.testing.assert_array_equal(b.state_dict()["0.weight"].numpy(), before)
    result = b.load_state_dict({"0.weight": np.zeros((4, 3)), "extra": np.zeros(1)}, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    assert not b.state_dict()["0.weight"].numpy().any()


# ---- Training -------------------------------------------------------------------------------


def test_pytorch_style_training_loop_reaches_high_accuracy():
    axon.manual_seed(0)
    x, y = separable()
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    opt = optim.Adam(model.parameters(), lr=0.05)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
    inputs, targets = axon.tensor(x), axon.tensor(y)
    losses = []
    for _ in range(150):
        opt.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=10.0)
        opt.step()
        scheduler.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]
    assert accuracy(model, x, y) >= 0.95
    assert scheduler.get_last_lr() == [pytest.approx(0.05 * 0.5**3)]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        lambda p: optim.Adagrad(p, lr=0.1),
        lambda p: optim.RMSprop(p, lr=0.01, centered=True),
        lambda p: optim.Adadelta(p, lr=1.0),
        lambda p: optim.Adam(p, lr=0.02, betas=(0.9, 0.99), amsgrad=True),
        lambda p: optim.AdamW(p, lr=0.02, weight_decay=0.01),
        lambda p: optim.Adamax(p, lr=0.02),
        lambda p: optim.NAdam(p, lr=0.02, momentum_decay=0.004),
    ],
)
def test_every_optimizer_trains(make):
    axon.manual_seed(1)
    x, y = separable(seed=1)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = make(model.parameters())
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < first


def test_param_groups_lr_is_live():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    group = opt.param_groups[0]
    assert group["lr"] == pytest.approx(0.1)
    assert group["momentum"] == 0.5 and len(group["params"]) == 2
    group["lr"] = 0.25
    assert opt._native.get_lr() == 0.25
    assert set(group) >= {"lr", "params", "momentum"}
    with pytest.raises(axon.InvalidArgumentError):
        group["lr"] = -1.0


@pytest.mark.parametrize(
    "make, rates",
    [
        (lambda o: optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), [1, 1, 0.5, 0.5, 0.25]),
        (lambda o: optim.lr_scheduler.MultiStepLR(o, milestones=[3, 1], gamma=0.1), [1, 0.1, 0.1, 0.01, 0.01]),
        (lambda o: optim.lr_scheduler.ExponentialLR(o, gamma=0.5), [1, 0.5, 0.25, 0.125, 0.0625]),
        (lambda o: optim.lr_scheduler.PolynomialLR(o, total_iters=4, power=1.0), [1, 0.75, 0.5, 0.25, 0]),
        (lambda o: optim.lr_scheduler.CosineAnnealingLR(o, T_max=4),
         [1, (1 + math.cos(math.pi / 4)) / 2, 0.5, (1 + math.cos(3 * math.pi / 4)) / 2, 0]),
        (lambda o: optim.lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=2), [0.5, 0.75, 1, 1, 1]),
    ],
)
def test_schedules_follow_pytorch(make, rates):
    opt = optim.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    scheduler = make(opt)
    seen = []
    for _ in rates:
        seen.append(scheduler.get_last_lr()[0])
        scheduler.step()
    np.testing.assert_allclose(seen, rates, atol=1e-12)


def test_clipping():
    w = axon.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (w * w).sum().backward()  # grad 2w = [2, 4, 6, 8]
    nn.utils.clip_grad_value_(w, 5.0)
    np.testing.assert_array_equal(w.grad.numpy(), [2, 4, 5, 5])
    total = nn.utils.clip_grad_norm_([w], max_norm=1.0)
    assert float(total) == pytest.approx(math.sqrt(4 + 16 + 25 + 25), rel=1e-5)
    assert np.linalg.norm(w.grad.numpy()) == pytest.approx(1.0, rel=1e-4)
    total = nn.utils.clip_grad_norm_([w], max_norm=10.0, norm_type=float("inf"))
    assert float(total) == pytest.approx(np.abs(w.grad.numpy()).max())
    with pytest.raises(axon.InvalidArgumentError, match="max norm"):
        nn.utils.clip_grad_norm_([w], max_norm=-1.0)


def test_losses_match_numpy():
    rng = np.random.default_rng(4)
    a = rng.uniform(0.1, 0.9, size=(6,)).astype(np.float32)
    b = rng.uniform(0.1, 0.9, size=(6,)).astype(np.float32)
    ta = axon.tensor(a)
    assert F.mse_loss(ta, b).item() == pytest.approx(((a - b) ** 2).mean(), rel=1e-5)
    assert F.l1_loss(ta, b, reduction="sum").item() == pytest.approx(np.abs(a - b).sum(), rel=1e-5)
    assert F.mse_loss(ta, b, reduction="none").shape == (6,)
    bce = -(b * np.log(a) + (1 - b) * np.log(1 - a)).mean()
    assert F.binary_cross_entropy(ta, b).item() == pytest.approx(bce, rel=1e-4)
    logits = rng.standard_normal((4, 3)).astype(np.float32)
    classes = np.array([0, 2, 1, 2])
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    want = -log_p[np.arange(4), classes].mean()
    assert F.cross_entropy(axon.tensor(logits), classes).item() == pytest.approx(want, rel=1e-5)
    assert F.nll_loss(axon.tensor(log_p), classes).item() == pytest.approx(want, rel=1e-5)
    for fn in (F.smooth_l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits):
        assert math.isfinite(fn(ta, b).item())
    assert math.isfinite(F.kl_div(axon.tensor(np.log(a)), b, reduction="batchmean").item())


# ---- Layer 2: train_step and fit ------------------------------------------------------------


def test_model_train_step_and_fit():
    x, y = separable(seed=5)
    vx, vy = separable(seed=6)
    tx, ty = axon.tensor(x), axon.tensor(y)
    with Model("linear 2 16; relu; linear 16 2", seed=2) as model:
        with Optimizer("adam", [t for _, t in model.named_parameters()], {"lr": 0.05}) as opt:
            first = model.train_step(opt, "cross_entropy", tx, ty)
            for _ in range(100):
                last = model.train_step(opt, "cross_entropy", tx, ty, clip_norm=5.0)
            assert last < 0.5 * first
    model = Model("linear 2 16; relu; linear 16 2", seed=3)
    opt = Optimizer("sgd", [t for _, t in model.named_parameters()], {"lr": 0.1, "momentum": 0.9})
    sched = Scheduler(opt, "exponential", {"gamma": 0.9})
    records = model.fit(opt, "cross_entropy", tx, ty, epochs=15, batch_size=32,
                        validation=(axon.tensor(vx), axon.tensor(vy)), scheduler=sched, seed=4)
    assert len(records) == 15
    assert records[-1].train_accuracy >= 0.9 and records[-1].val_accuracy >= 0.9
    assert records[-1].learning_rate == pytest.approx(0.1 * 0.9**14)
    assert "train_loss=" in repr(records[0])
    records = model.fit(opt, "mse", tx, axon.tensor(np.eye(2, dtype=np.float32)[y.astype(int)]),
                        epochs=1, batch_size=50)
    assert records[0].val_loss is None and records[0].train_accuracy is None


# ---- Save and load --------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    axon.manual_seed(7)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 4 * 4, 3))
    x = np.random.default_rng(2).standard_normal((5, 1, 8, 8)).astype(np.float32)
    model(x)  # training mode: updates the running statistics
    model.eval()
    before = model(x).numpy()
    path = tmp_path / "model.axon"
    axon.save(model, path)
    loaded = axon.load(path)
    assert isinstance(loaded, nn.Module)
    assert loaded.spec == model.model.spec
    loaded.eval()
    np.testing.assert_array_equal(loaded(x).numpy(), before)
    for (n1, v1), (n2, v2) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert n1 == n2
        np.testing.assert_array_equal(v1, v2)
    with pytest.raises(axon.AxonIOError, match="nothing-here"):
        axon.load(tmp_path / "nothing-here.axon")
    (tmp_path / "junk.axon").write_bytes(b"definitely not a model")
    with pytest.raises(axon.FormatError):
        axon.load(tmp_path / "junk.axon")
    with pytest.raises(TypeError, match="cannot be saved"):
        axon.save(object(), path)


def test_save_load_path_that_is_not_utf8(tmp_path):
    model = nn.Linear(2, 3)
    name = b"a\xff.axon"
    path = os.fsdecode(os.fsencode(tmp_path) + b"/" + name)  # str with a surrogate escape
    axon.save(model, path)
    assert os.listdir(os.fsencode(tmp_path)) == [name]
    np.testing.assert_array_equal(axon.load(path).weight.detach().numpy(), model.weight.detach().numpy())
    axon.save(model.state_dict(), path)
    assert os.listdir(os.fsencode(tmp_path)) == [name]
    assert sorted(axon.load(path)) == ["bias", "weight"]


# ---- Errors ---------------------------------------------------------------------------------


def test_errors_carry_the_library_message():
    with pytest.raises(axon.FormatError, match="unknown layer kind 'frobnicate'") as info:
        nn.Spec("linear 2 2; frobnicate")(np.zeros((1, 2)))
    assert info.value.status == 6
    with pytest.raises(axon.ShapeError) as info:
        nn.Linear(3, 2)(np.zeros((4, 5)))
    assert info.value.message and "[4, 5]" in str(info.value)
    params = nn.Linear(2, 2).parameters()
    with pytest.raises(axon.InvalidArgumentError, match="unknown option 'momentum'"):
        Optimizer("adam", params, {"momentum": 0.9})
    with pytest.raises(axon.InvalidArgumentError, match="unknown optimizer 'lion'"):
        Optimizer("lion", params)
    with pytest.raises(axon.InvalidArgumentError, match="unknown loss 'hinge'"):
        axon.nn.functional._loss("hinge", axon.tensor([1.0]), [1.0], "mean")
    with pytest.raises(axon.InvalidArgumentError, match="unknown reduction 'average'"):
        F.mse_loss(axon.tensor([1.0]), [1.0], reduction="average")
    with pytest.raises(axon.ShapeError):
        F.mse_loss(axon.tensor([1.0, 2.0]), [1.0, 2.0, 3.0])
    with pytest.raises(axon.InvalidArgumentError, match="step_size"):
        Scheduler(Optimizer("sgd", params), "step")
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(axon.InvalidArgumentError, match="out of range"):
        layer = nn.Linear(1, 1)
        _lib.axon_model_parameter(_lib.tensor_p(), layer.model._h, 5)


# ---- Lifetimes ------------------------------------------------------------------------------


def test_handles_closed_twice_are_safe():
    model = Model("linear 2 2", 0)
    params = [t for _, t in model.named_parameters()]
    opt = Optimizer("sgd", params, {"lr": 0.1})
    sched = Scheduler(opt, "step", {"step_size": 1})
    opt.close()  # the scheduler keeps the library's optimizer alive
    sched.step()
    for obj in (sched, opt, model):
        obj.close()
        obj.close()
        assert obj.closed
    with pytest.raises(axon.StateError, match="model is closed"):
        model.forward(axon.tensor([[1.0, 2.0]]))
    with pytest.raises(axon.StateError, match="optimizer is closed"):
        opt.step()
    assert params[0].shape == (2, 2)  # parameters outlive their model
    _lib.axon_model_free(None)
    _lib.axon_optimizer_free(None)
    _lib.axon_scheduler_free(None)
    # A freed handle is detected by the library, and a second free ignored.
    other = Model("relu", 0)
    handle = other._handle
    _lib.axon_model_free(handle)
    _lib.axon_model_free(handle)
    with pytest.raises(axon.InvalidArgumentError, match="not a live axon_model"):
        other.forward(axon.tensor([1.0]))
    other._handle = None


def test_module_close_rebuilds_and_gc():
    layer = nn.Linear(2, 2)
    layer(np.zeros((1, 2)))
    with Model("tanh", 0) as m:
        assert m.spec == "tanh"
    assert m.closed
    del layer, m
    gc.collect()


def test_checkpoint_resume_is_exact(tmp_path):
    x, y = separable(seed=3)
    inputs, targets = axon.tensor(x), axon.tensor(y)

    def run(seed):
        axon.manual_seed(seed)
        model = nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 2))
        opt = optim.Adam(model.parameters(), lr=0.02)
        sched = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
        return model, opt, sched

    def train(model, opt, sched, steps):
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(model(inputs), targets).backward()
            opt.step()
            sched.step()

    straight = run(1)
    train(*straight, 24)
    paused = run(1)
    train(*paused, 12)
    path = tmp_path / "run.axon"
    axon.save_checkpoint(path, *paused)
    resumed = run(9)
    axon.load_checkpoint(path, *resumed)
    train(*resumed, 12)
    for a, b in zip(resumed[0].state_dict().values(), straight[0].state_dict().values()):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert resumed[1].param_groups[0]["lr"] == straight[1].param_groups[0]["lr"]
    other = nn.Sequential(nn.Linear(2, 4))
    with pytest.raises(axon.AxonError):
        axon.load_checkpoint(path, other)
