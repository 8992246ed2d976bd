"""PyTorch's tutorial scripts (tests/tutorials) run over Axon with only their imports changed, and
end where PyTorch's runs end (the fixture tutorials.json, made by fixtures/gen_tutorials.py).

- The five polynomial scripts of "Learning PyTorch with Examples" start from PyTorch's very
  start (its recorded randn draws and Linear weights) and must end at its coefficients and loss
  to 1e-4 relative. polynomial_optim's RMSprop is chaotic once near its optimum (PyTorch's own
  run, started 1e-7 relative away, ends elsewhere), so it must match PyTorch's printed losses
  while PyTorch's own reruns agree, and end within four times the spread of those reruns.
- The quickstart (Fashion-MNIST) runs its 5 epochs; AXON_QUICKSTART_EPOCHS=1 rewrites its one
  line ``epochs = 5`` to fit a short CI run. Both sides' Linear layers start from the same
  NumPy-drawn weights. Its test accuracy must be plausible and within 0.05 of PyTorch's, and the
  model it loads back from model.pth must predict as the model it saved.
- The MNIST example (examples/mnist/main.py) runs with ``--epochs 1 --save-model`` on its
  first 2,000 training and 1,000 test images (axon.vision.datasets.MNIST is patched for the run,
  since no argument of the script selects a subset), from Axon's own start: its loss must fall
  and its test accuracy exceed 0.75 (PyTorch: about 0.82-0.87 on these images, by seed).

torchvision is axon.vision during the runs (sys.modules), each run in a temporary directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import axon
import axon.vision

sys.path.insert(0, str(Path(__file__).resolve().parent / "tutorials"))
import harness  # noqa: E402

FIXTURE = harness.load_fixture()
VISION = {"torchvision": axon.vision, "torchvision.datasets": axon.vision.datasets,
          "torchvision.transforms": axon.vision.transforms}
SCRIPTS = (*harness.POLYNOMIALS, "quickstart", "mnist_example")


@pytest.mark.parametrize("name", SCRIPTS)
def test_only_the_imports_change(name):
    text = harness.source(name)
    assert "import torch\n" in text
    changed = [(a, b) for a, b in zip(text.split("\n"), harness.to_axon(text).split("\n")) if a != b]
    assert changed and all(a.lstrip().startswith(("import torch", "from torch")) for a, _ in changed)
    assert all("axon" in b and "torch" not in b.replace("as torch", "") for _, b in changed)


@pytest.mark.parametrize("name", harness.POLYNOMIALS)
def test_polynomial_ends_where_pytorch_ends(name):
    want = FIXTURE[name]
    axon.manual_seed(0)
    with harness.replaying(axon, want):
        run = harness.run(harness.to_axon(harness.source(name)), f"{name}.py").check()
    got = harness.polynomial_results(run.namespace)
    printed, settled = harness.printed_losses(run.output), want["settled"]
    assert len(printed) == len(want["printed"]) == 20
    assert printed[:settled] == pytest.approx(want["printed"][:settled], rel=1e-4)
    assert run.output.rstrip().split("\n")[-1].startswith("Result: y = ")
    final, expected = got["coefficients"] + [got["loss"]], want["coefficients"] + [want["loss"]]
    if settled == len(printed):
        assert final == pytest.approx(expected, rel=1e-4)
    else:
        assert name == "polynomial_optim" and settled >= 10
        off = [abs(g - w) for g, w in zip(final, expected)]
        assert all(o <= 4 * s for o, s in zip(off, want["spread"])), (final, expected, want["spread"])


def _in(directory: Path, fn):
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        return fn()
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """The quickstart's run (its variables dropped) and, as NumPy arrays: what its model predicted
    on 100 test images when saved, and what the model it loaded back predicts on them."""
    text = harness.to_axon(harness.source("quickstart"))
    if harness.QUICKSTART_EPOCHS != 5:
        text = harness.with_line(text, "epochs = 5", f"epochs = {harness.QUICKSTART_EPOCHS}")
    namespace, saved, save = {}, {}, axon.save

    def saving(obj, f, *args, **kwargs):
        model, data = namespace["model"], namespace["test_data"]
        images = axon.stack([data[i][0] for i in range(100)])
        training = model.training
        model.eval()
        with axon.no_grad():
            saved.update(model=id(model), images=images.numpy(), logits=model(images).numpy(),
                         first=model(data[0][0]).numpy(), state={k: v.numpy() for k, v in obj.items()})
        model.train(training)
        return save(obj, f, *args, **kwargs)

    axon.manual_seed(0)
    axon.save = saving
    try:
        with harness.drawn_linear_weights(axon, FIXTURE["quickstart"]["seed"]):
            run = _in(tmp_path_factory.mktemp("quickstart"),
                      lambda: harness.run(text, "quickstart.py", modules=VISION, namespace=namespace))
    finally:
        axon.save = save
    loaded = {}
    if run.error is None:
        model = namespace["model"]
        model.eval()
        with axon.no_grad():
            loaded.update(model=id(model), state={k: v.numpy() for k, v in model.state_dict().items()},
                          logits=model(axon.tensor(saved["images"])).numpy(), pred=namespace["pred"].numpy(),
                          predicted=namespace["predicted"], classes=namespace["classes"])
        del model
    return run.forget(), saved, loaded


def test_quickstart_runs_to_the_end(quickstart):
    run, _, _ = quickstart
    run.check()
    assert "Done!" in run.output and 'Predicted: "' in run.output
    assert "Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])" in run.output


def test_quickstart_accuracy_is_pytorchs(quickstart):
    run, _, _ = quickstart
    got, want = harness.quickstart_results(run.output), FIXTURE["quickstart"]
    epochs = harness.QUICKSTART_EPOCHS
    print(f"\nquickstart, {epochs} epochs: Axon accuracy {got['accuracy']} in {run.seconds:.1f} s; "
          f"PyTorch {want['accuracy'][:epochs]} in {want['seconds']:.1f} s (5 epochs)")
    run.check()
    assert len(got["accuracy"]) == epochs
    accuracy, torch_accuracy = got["accuracy"][-1], want["accuracy"][epochs - 1]
    assert accuracy > (0.6 if epochs == 5 else 0.3)
    assert abs(accuracy - torch_accuracy) <= 0.05
    assert got["train_loss"] == pytest.approx(want["train_loss"][:len(got["train_loss"])], rel=1e-2)


def test_quickstart_loaded_model_predicts_as_the_saved_one(quickstart):
    run, saved, loaded = quickstart
    run.check()
    assert saved and loaded["model"] != saved["model"]
    assert set(loaded["state"]) == set(saved["state"]) and len(saved["state"]) == 6
    for key, value in loaded["state"].items():
        np.testing.assert_array_equal(value, saved["state"][key], err_msg=key)
    np.testing.assert_array_equal(loaded["logits"], saved["logits"])
    np.testing.assert_array_equal(loaded["pred"], saved["first"])
    assert loaded["predicted"] == loaded["classes"][int(saved["first"][0].argmax())]


@pytest.fixture(scope="module")
def mnist(tmp_path_factory):
    """The MNIST example's run (its variables dropped) and what its saved file holds (NumPy)."""
    full = axon.vision.datasets.MNIST
    axon.vision.datasets.MNIST = harness.first_images(full, harness.MNIST_TRAIN_IMAGES, harness.MNIST_TEST_IMAGES)
    directory = tmp_path_factory.mktemp("mnist")
    try:
        run = _in(directory, lambda: harness.run(harness.to_axon(harness.source("mnist_example")),
                                                 "mnist_example.py", argv=harness.MNIST_ARGV, modules=VISION))
    finally:
        axon.vision.datasets.MNIST = full
    saved = {}
    if run.error is None:
        state = axon.load(str(directory / "mnist_cnn.pt"))
        model = run.namespace["Net"]()
        model.load_state_dict(state)
        saved.update(state={k: v.numpy() for k, v in state.items()}, conv1=model.conv1.weight.detach().numpy())
        del state, model
    return run.forget(), saved


def test_mnist_example_trains(mnist):
    run, _ = mnist
    got, want = harness.mnist_results(run.output), FIXTURE["mnist_example"]
    print(f"\nmnist_example: Axon accuracy {got['accuracy']} in {run.seconds:.1f} s; "
          f"PyTorch {want['accuracy']} in {want['seconds']:.1f} s")
    run.check()
    assert len(got["train_loss"]) == 4 and len(got["accuracy"]) == 1
    assert got["train_loss"][-1] < got["train_loss"][0] / 2
    assert got["test_loss"][0] < 1.0
    assert got["accuracy"][0] > 0.75


def test_mnist_example_runs_to_the_end_and_saves(mnist):
    run, saved = mnist
    run.check()
    names = {f"{layer}.{p}" for layer in ("conv1", "conv2", "fc1", "fc2") for p in ("weight", "bias")}
    assert set(saved["state"]) == names
    assert saved["state"]["fc1.weight"].shape == (128, 9216)
    np.testing.assert_array_equal(saved["conv1"], saved["state"]["conv1.weight"])
