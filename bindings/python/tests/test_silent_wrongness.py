"""Cases that once went wrong without an error, each now behaving as in PyTorch:

(a) an optimizer over ``model[0].parameters()`` trains ``model`` itself: its output and
    ``model.state_dict()["0.weight"]`` change, by SGD's update;
(b) ``p -= lr * p.grad`` under ``no_grad`` for ``p in model.parameters()`` changes the model's
    forward pass exactly as the same update computed by hand;
(c) ``a == b`` is elementwise (a bool tensor of a's shape) and ``(a == b).sum().item()`` counts;
(d) a class-style ``nn.Module`` with an ``nn.Parameter`` and an ``nn.Linear`` attribute lists
    them in ``parameters()``, names them ``fc1.weight`` ..., is trained by SGD, and its
    ``state_dict()`` round-trips through ``load_state_dict``.

Expected values are computed with NumPy from the tensors' values, so each assertion can fail.
"""

from __future__ import annotations

import numpy as np
import pytest

import axon
from axon import nn


def _np(t) -> np.ndarray:
    return t.detach().numpy().astype(np.float64)


def _mlp_forward(x, w0, b0, w2, b2, act):
    return act(x @ w0.T + b0) @ w2.T + b2


def _batch():
    axon.manual_seed(3)
    return axon.randn(6, 4), axon.randn(6, 2)


# ---- (a) --------------------------------------------------------------------------------------


def test_optimizer_over_a_submodule_trains_the_model():
    x, target = _batch()
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    before_out = _np(model(x))
    before = {k: _np(v) for k, v in model.state_dict().items()}
    optimizer = axon.optim.SGD(model[0].parameters(), lr=0.1)
    optimizer.zero_grad()
    ((model(x) - target) ** 2).sum().backward()
    grad_w, grad_b = _np(model[0].weight.grad), _np(model[0].bias.grad)
    assert np.abs(grad_w).max() > 1e-3
    optimizer.step()

    after = {k: _np(v) for k, v in model.state_dict().items()}
    np.testing.assert_allclose(after["0.weight"], before["0.weight"] - 0.1 * grad_w, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(after["0.bias"], before["0.bias"] - 0.1 * grad_b, rtol=1e-5, atol=1e-7)
    assert np.abs(after["0.weight"] - before["0.weight"]).max() > 1e-4
    np.testing.assert_array_equal(after["2.weight"], before["2.weight"])  # not in the optimizer
    np.testing.assert_array_equal(_np(model[0].weight), after["0.weight"])

    out = _np(model(x))
    assert np.abs(out - before_out).max() > 1e-4
    expected = _mlp_forward(_np(x), after["0.weight"], after["0.bias"], after["2.weight"], after["2.bias"], np.tanh)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# ---- (b) --------------------------------------------------------------------------------------


def test_manual_update_of_parameters_changes_the_forward_pass():
    x, target = _batch()
    lr = 0.05
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    before_out = _np(model(x))
    model.zero_grad()
    ((model(x) - target) ** 2).sum().backward()
    by_hand = {name: p.detach() - lr * p.grad for name, p in model.named_parameters()}

    with axon.no_grad():
        for param in model.parameters():
            param -= lr * param.grad

    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.detach().numpy(), by_hand[name].numpy(), err_msg=name)
        assert p.requires_grad and p.is_leaf
    out = model(x)
    assert np.abs(_np(out) - before_out).max() > 1e-4

    twin = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    twin.load_state_dict(by_hand)
    np.testing.assert_array_equal(out.detach().numpy(), twin(x).detach().numpy())
    w = {k: _np(v) for k, v in by_hand.items()}
    expected = _mlp_forward(_np(x), w["0.weight"], w["0.bias"], w["2.weight"], w["2.bias"], np.tanh)
    np.testing.assert_allclose(_np(out), expected, rtol=1e-5, atol=1e-6)


# ---- (c) --------------------------------------------------------------------------------------


def test_equality_is_elementwise_and_counts():
    a = axon.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = axon.tensor([[1.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    eq = a == b
    assert isinstance(eq, axon.Tensor)
    assert tuple(eq.shape) == (2, 3) and eq.dtype == axon.bool
    assert eq.tolist() == [[True, False, True], [False, True, False]]
    count = (a == b).sum().item()
    assert count == 3 and isinstance(count, int)
    assert (a != b).sum().item() == 3
    assert (a == axon.tensor([1.0, 5.0, 6.0])).tolist() == [[True, False, False], [False, True, True]]
    assert (a == 2.0).sum().item() == 1
    with pytest.raises(RuntimeError):
        bool(a == b)


def test_the_accuracy_idioms_count_correct_predictions():
    logits = axon.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5], [0.0, 0.2, 0.1], [1.0, 0.0, 4.0]])
    y = axon.tensor([1, 0, 2, 2])
    assert (logits.argmax(1) == y).type(axon.float).sum().item() == 3.0
    pred = logits.argmax(dim=1, keepdim=True)
    assert tuple(pred.shape) == (4, 1)
    assert pred.eq(y.view_as(pred)).sum().item() == 3


# ---- (d) --------------------------------------------------------------------------------------


class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(axon.tensor([2.0, -1.0]))
        self.fc1 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc1(x) * self.scale


def test_class_style_module_registers_trains_and_round_trips():
    x, target = _batch()
    net = Scaled()
    params = list(net.parameters())
    assert len(params) == 3
    assert params[0] is net.scale and params[1] is net.fc1.weight and params[2] is net.fc1.bias
    assert [name for name, _ in net.named_parameters()] == ["scale", "fc1.weight", "fc1.bias"]
    assert list(net.state_dict()) == ["scale", "fc1.weight", "fc1.bias"]

    before = {name: _np(p) for name, p in net.named_parameters()}
    optimizer = axon.optim.SGD(net.parameters(), lr=0.1)
    optimizer.zero_grad()
    ((net(x) - target) ** 2).mean().backward()
    grads = {name: _np(p.grad) for name, p in net.named_parameters()}
    optimizer.step()
    for name, p in net.named_parameters():
        assert np.abs(grads[name]).max() > 1e-4, name
        np.testing.assert_allclose(_np(p), before[name] - 0.1 * grads[name], rtol=1e-5, atol=1e-7, err_msg=name)
    after = {name: _np(p) for name, p in net.named_parameters()}
    expected = (_np(x) @ after["fc1.weight"].T + after["fc1.bias"]) * after["scale"]
    np.testing.assert_allclose(_np(net(x)), expected, rtol=1e-5, atol=1e-6)

    copy = Scaled()
    assert np.abs(_np(copy(x)) - _np(net(x))).max() > 1e-4
    result = copy.load_state_dict(net.state_dict())
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    np.testing.assert_array_equal(copy(x).detach().numpy(), net(x).detach().numpy())
    for key, value in copy.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), net.state_dict()[key].numpy(), err_msg=key)
    with pytest.raises(RuntimeError):
        copy.load_state_dict({"scale": net.scale.detach()})


def test_a_nested_sequential_changed_after_use_is_run_as_it_is_now():
    """Appending to an inner Sequential after the outer one ran changes what the outer one
    computes, as in PyTorch (the library sequential behind it is rebuilt)."""
    import axon as torch
    from axon import nn
    inner = nn.Sequential(nn.Linear(3, 3))
    outer = nn.Sequential(inner, nn.ReLU())
    x = torch.tensor([[1.0, -2.0, 3.0]])
    before = outer(x).numpy().copy()
    inner.append(nn.Linear(3, 3))
    with torch.no_grad():
        inner[1].weight.fill_(-1.0)
        inner[1].bias.fill_(0.0)
    expected = np.maximum(0.0, -(inner[0](x).numpy().sum(axis=1, keepdims=True)) * np.ones((1, 3)))
    np.testing.assert_allclose(outer(x).numpy(), expected, rtol=1e-6, atol=1e-6)
    assert not np.allclose(outer(x).numpy(), before) or np.allclose(expected, before)
