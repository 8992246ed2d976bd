"""Tests of the layer classes of ``axon.nn.modules``: one class per library layer kind, each
naming its kind in ``_kind`` and building its spec text from it, and the layers without a
PyTorch twin or added lately (Maxout, WeightNorm, Unflatten, AdaptiveAvgPool2d).

Tests that need a kind the loaded libaxon does not know yet are skipped, not failed.
Run from bindings/python with ``python3 -m pytest -q tests``.
"""

import re
from pathlib import Path

import numpy as np
import pytest

import axon
from axon import nn
from axon._objects import Model
from axon.nn.native import NativeModule

#: The layer kinds the library registers (Sources/Axon/Layers).
LIBRARY_KINDS = [
    "linear", "conv2d", "maxpool2d", "avgpool2d", "adaptiveavgpool2d", "relu", "gelu", "sigmoid",
    "tanh", "softplus", "identity", "leakyrelu", "elu", "softmax", "logsoftmax", "maxout",
    "flatten", "unflatten", "dropout", "dropout2d", "batchnorm1d", "batchnorm2d",
    "instancenorm2d", "layernorm", "groupnorm", "sequential", "residual", "weightnorm",
]

#: One module of every kind and the spec text it must produce.
EXAMPLES = [
    (nn.Linear(5, 3), "linear 5 3 bias=true"),
    (nn.Conv2d(1, 4, 3, padding=1), "conv2d 1 4 kernel=3 stride=1 padding=1 dilation=1 groups=1 bias=true"),
    (nn.MaxPool2d(2), "maxpool2d kernel=2 padding=0 dilation=1"),
    (nn.AvgPool2d(2, stride=1), "avgpool2d kernel=2 stride=1 padding=0"),
    (nn.AdaptiveAvgPool2d(1), "adaptiveavgpool2d size=1x1"),
    (nn.AdaptiveAvgPool2d((3, 2)), "adaptiveavgpool2d size=3x2"),
    (nn.ReLU(), "relu"),
    (nn.GELU(), "gelu"),
    (nn.Sigmoid(), "sigmoid"),
    (nn.Tanh(), "tanh"),
    (nn.Softplus(), "softplus"),
    (nn.Identity(), "identity"),
    (nn.LeakyReLU(0.2), "leakyrelu slope=0.2"),
    (nn.ELU(), "elu alpha=1.0"),
    (nn.Softmax(1), "softmax axis=1"),
    (nn.LogSoftmax(), "logsoftmax axis=-1"),
    (nn.Maxout(2), "maxout 2"),
    (nn.Flatten(), "flatten start=1 end=-1"),
    (nn.Unflatten(1, (1, 28, 28)), "unflatten axis=1 shape=1x28x28"),
    (nn.Unflatten(-1, [4]), "unflatten axis=-1 shape=4"),
    (nn.Dropout(0.2), "dropout p=0.2"),
    (nn.Dropout2d(), "dropout2d p=0.5"),
    (nn.BatchNorm1d(4, momentum=None), "batchnorm1d 4 eps=1e-05 momentum=none affine=true track=true"),
    (nn.BatchNorm2d(4), "batchnorm2d 4 eps=1e-05 momentum=0.1 affine=true track=true"),
    (nn.InstanceNorm2d(4), "instancenorm2d 4 eps=1e-05 momentum=0.1 affine=false track=false"),
    (nn.LayerNorm((3, 4)), "layernorm shape=3x4 eps=1e-05 affine=true"),
    (nn.GroupNorm(2, 4), "groupnorm 2 4 eps=1e-05 affine=true"),
    (nn.Sequential(nn.Linear(2, 2), nn.ReLU()), "sequential { linear 2 2 bias=true; relu }"),
    (nn.Residual(nn.Tanh()), "residual { tanh }"),
    (nn.utils.weight_norm(nn.Linear(5, 3)), "weightnorm { linear 5 3 bias=true }"),
]


def built(module: nn.Module) -> nn.Module:
    """``module`` with its library model built; skips when this libaxon lacks the kind."""
    try:
        module.model
    except axon.FormatError as error:
        if "unknown layer kind" in str(error):
            pytest.skip(f"the loaded libaxon does not know this layer kind yet: {error}")
        raise
    return module


# ---- One class per kind ---------------------------------------------------------------------


def test_every_library_kind_has_one_layer_class():
    text = Path(nn.layers.__file__).read_text() + Path(nn.containers.__file__).read_text()
    declared = re.findall(r'^    _kind = "([a-z0-9]+)"$', text, flags=re.M)
    assert len(declared) == len(set(declared))
    assert sorted(declared) == sorted(LIBRARY_KINDS)
    classes = [getattr(nn, name) for name in nn.layers.__all__ + nn.containers.__all__]
    kinds = {cls._kind: cls for cls in classes if isinstance(cls, type) and cls._kind}
    assert sorted(kinds) == sorted(LIBRARY_KINDS)
    assert {type(module)._kind for module, _ in EXAMPLES} == set(LIBRARY_KINDS)


@pytest.mark.parametrize("module, spec", EXAMPLES, ids=[spec.split()[0] for _, spec in EXAMPLES])
def test_the_spec_text_is_built_from_the_kind(module, spec):
    # The module's layer is the one the spec text builds (compared in the canonical form).
    assert module.spec == Model(spec).spec
    assert spec.split()[0] == type(module)._kind
    assert repr(module).startswith(type(module).__name__ + "(")


def test_every_single_layer_is_a_native_module():
    containers = {"sequential"}
    for module, _ in EXAMPLES:
        assert isinstance(module, NativeModule) == (type(module)._kind not in containers), type(module)
    raw = nn.Spec("linear 4 8; relu")
    assert isinstance(raw, nn.Sequential) and isinstance(raw[0], nn.Linear) and isinstance(raw[1], nn.ReLU)
    assert raw.spec == Model("linear 4 8; relu").spec


def test_layer_arguments_are_checked():
    with pytest.raises(ValueError, match="None entries are not supported"):
        nn.AdaptiveAvgPool2d((None, 7))
    with pytest.raises(ValueError, match="not supported"):
        nn.AdaptiveAvgPool2d((1, 2, 3))
    with pytest.raises(TypeError, match="Linear or Conv2d"):
        nn.utils.weight_norm(nn.ReLU())
    with pytest.raises((TypeError, ValueError)):
        nn.GELU(1)


# ---- Maxout and WeightNorm ------------------------------------------------------------------


def test_maxout_keeps_the_maximum_of_each_group():
    out = nn.Maxout(3)(np.array([[0, 5, 1, 2, 2, 7], [9, 1, 1, -1, -2, -3]], dtype=np.float32))
    assert out.tolist() == [[5, 7], [9, -1]]
    assert nn.Maxout(3).model.spec == "maxout pieces=3"
    with pytest.raises(axon.AxonError):
        nn.Maxout(4)(np.zeros((2, 6)))  # 6 features are not groups of 4


def test_weight_norm_reparameterizes_the_weight_like_pytorch():
    axon.manual_seed(5)
    layer = nn.utils.weight_norm(nn.Linear(5, 3))
    assert isinstance(layer, nn.WeightNorm) and isinstance(layer.module, nn.Linear)
    state = layer.state_dict()
    assert list(state) == ["bias", "weight_g", "weight_v"]
    assert state["weight_g"].shape == (3, 1) and state["weight_v"].shape == (3, 5)
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight_g", "weight_v"]
    v, b = state["weight_v"].numpy().copy(), state["bias"].numpy().copy()  # state_dict() shares storage
    # Built with g = ||v||, the layer computes what the Linear it wraps computed.
    np.testing.assert_allclose(state["weight_g"].numpy()[:, 0], np.linalg.norm(v, axis=1), rtol=1e-5)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), x @ v.T + b, rtol=1e-5, atol=1e-5)
    # weight = g v / ||v||: doubling g doubles x W^T, and v's scale does not matter.
    layer.load_state_dict({"bias": b, "weight_g": 2 * state["weight_g"].numpy().copy(), "weight_v": 10 * v})
    np.testing.assert_allclose(layer(x).numpy(), 2 * (x @ v.T) + b, rtol=1e-4, atol=1e-4)
    # Gradients reach g and v.
    layer.zero_grad()
    layer(x).sum().backward()
    assert all(p.grad is not None for p in layer.parameters())


def test_weight_norm_round_trips_through_a_file(tmp_path):
    model = nn.Sequential(nn.WeightNorm(nn.Conv2d(1, 2, 3)), nn.Flatten(), nn.Linear(8, 2))
    x = np.random.default_rng(1).standard_normal((2, 1, 4, 4)).astype(np.float32)
    before = model(x).numpy()
    axon.save(model, tmp_path / "wn.axon")
    loaded = axon.load(tmp_path / "wn.axon")
    assert list(loaded.state_dict()) == ["0.bias", "0.weight_g", "0.weight_v", "2.weight", "2.bias"]
    np.testing.assert_array_equal(loaded(x).numpy(), before)


# ---- Unflatten and AdaptiveAvgPool2d (new kinds) --------------------------------------------


def test_unflatten_splits_an_axis():
    layer = built(nn.Unflatten(1, (2, 3)))
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    out = layer(a)
    assert out.shape == (4, 2, 3)
    np.testing.assert_array_equal(out.numpy(), a.reshape(4, 2, 3))
    again = nn.Spec(layer.model.spec)
    assert again.model.spec == layer.model.spec


def test_adaptive_avg_pool_averages_to_the_output_size():
    layer = built(nn.AdaptiveAvgPool2d(1))
    a = np.random.default_rng(2).standard_normal((2, 3, 5, 7)).astype(np.float32)
    out = layer(a)
    assert out.shape == (2, 3, 1, 1)
    np.testing.assert_allclose(out.numpy(), a.mean(axis=(2, 3), keepdims=True), rtol=1e-5, atol=1e-6)
    again = nn.Spec(layer.model.spec)
    assert again.model.spec == layer.model.spec


def test_unflatten_and_adaptive_pool_in_a_network():
    model = built(nn.Sequential(nn.Unflatten(1, (1, 4, 4)), nn.Conv2d(1, 2, 3, padding=1),
                                nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 3)))
    out = model(np.random.default_rng(3).standard_normal((5, 16)).astype(np.float32))
    assert out.shape == (5, 3)
    assert np.all(np.isfinite(out.numpy()))
