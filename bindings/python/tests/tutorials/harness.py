"""Runs the tutorial scripts of this directory under PyTorch or under Axon, from the same start.

A script is run from its text with only its imports changed (:func:`to_axon`: ``import torch``
becomes ``import axon as torch``, ``from torch.x import y`` becomes ``from axon.x import y``),
in a fresh namespace, its output captured; the caller reads the script's variables afterwards.

The same start: under PyTorch, :func:`recording` wraps ``torch.randn`` and
``torch.nn.Linear.__init__`` to record every value drawn and the initial weights of every
Linear layer built; under Axon, :func:`replaying` wraps ``axon.randn`` and
``axon.nn.Linear.__init__`` to hand out those values instead, in the same order.

This module imports neither torch nor axon: the library is passed in, so that the fixture
generator (under PyTorch) and the tests (under Axon) share it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "tutorials.json"

POLYNOMIALS = ("polynomial_tensor", "polynomial_autograd", "polynomial_nn", "polynomial_optim", "polynomial_module")

#: The quickstart's epochs in a test run: the script's own 5 unless AXON_QUICKSTART_EPOCHS says
#: fewer (then its line ``epochs = 5`` is rewritten, to fit a short CI run).
QUICKSTART_EPOCHS = int(os.environ.get("AXON_QUICKSTART_EPOCHS", "5"))
#: The seed of the quickstart's initial weights (see drawn_linear_weights).
QUICKSTART_SEED = 0
#: The MNIST example's command line for a test run (its defaults: 14 epochs, no saving).
MNIST_ARGV = ("--epochs", "1", "--save-model")
#: The parts of MNIST a test run uses: the first images of the training and test splits.
MNIST_TRAIN_IMAGES, MNIST_TEST_IMAGES = 2000, 1000

_IMPORT = re.compile(r"^(?P<indent>[ \t]*)(?P<kw>import|from)[ \t]+torch(?P<rest>\b.*)$", re.M)


def source(name: str) -> str:
    """The text of the script ``name`` (without ``.py``) of this directory."""
    return (HERE / f"{name}.py").read_text()


def to_axon(text: str) -> str:
    """``text`` with its torch imports made axon imports, every other line unchanged."""
    def axon_import(m: re.Match) -> str:
        indent, kw, rest = m["indent"], m["kw"], m["rest"]
        if kw == "import" and not rest.strip():
            return f"{indent}import axon as torch"
        if kw == "import" and " as " not in rest:
            raise ValueError(f"cannot rewrite {m[0].strip()!r}: it would bind 'axon' instead of 'torch'")
        return f"{indent}{kw} axon{rest}"

    return _IMPORT.sub(axon_import, text)


def with_line(text: str, old: str, new: str) -> str:
    """``text`` with its one line ``old`` replaced by ``new``."""
    lines = text.split("\n")
    if lines.count(old) != 1:
        raise ValueError(f"expected exactly one line {old!r}, found {lines.count(old)}")
    lines[lines.index(old)] = new
    return "\n".join(lines)


@dataclass
class Run:
    """What running a script left: its namespace, its output, its error (None when it ran to
    its end) and its wall time in seconds."""

    namespace: dict
    output: str = ""
    error: BaseException | None = None
    seconds: float = 0.0
    trace: str = field(default="", repr=False)

    def check(self) -> Run:
        """Raises the script's error, if any, with the end of its output."""
        if self.error is not None:
            raise AssertionError(f"the script failed: {self.error!r}\n{self.trace}\n--- its output, last "
                                 f"lines:\n{self.tail()}") from self.error
        return self

    def forget(self) -> Run:
        """Drops the script's variables (and the library objects they hold)."""
        self.namespace.clear()
        return self

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.output.rstrip().split("\n")[-lines:])


def run(text: str, filename: str, *, argv=None, modules=None, namespace=None) -> Run:
    """Executes ``text`` as ``__main__`` in ``namespace`` (a new dict by default), with ``sys.argv``
    set to ``[filename, *argv]`` and ``sys.modules`` extended by ``modules`` during the run."""
    namespace = {} if namespace is None else namespace
    namespace.update(__name__="__main__", __file__=filename)
    modules = dict(modules or {})
    saved_modules = {name: sys.modules.get(name) for name in modules}
    saved_argv = sys.argv
    out = io.StringIO()
    result = Run(namespace)
    start = time.perf_counter()
    try:
        sys.modules.update(modules)
        if argv is not None:
            sys.argv = [filename, *argv]
        with contextlib.redirect_stdout(out):
            exec(compile(text, filename, "exec"), namespace)
    except Exception as error:  # the caller decides: Run.check raises it
        result.trace = traceback.format_exc()
        result.error = error.with_traceback(None)  # its frames would keep the script's objects alive
    finally:
        result.seconds = time.perf_counter() - start
        sys.argv = saved_argv
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    result.output = out.getvalue()
    return result


# ---- The same start -------------------------------------------------------------------------


@contextlib.contextmanager
def recording(torch):
    """Records every ``torch.randn`` draw and every new ``torch.nn.Linear``'s initial weights."""
    record = {"randn": [], "linear": []}
    randn, init = torch.randn, torch.nn.Linear.__init__

    def recording_randn(*args, **kwargs):
        t = randn(*args, **kwargs)
        record["randn"].append({"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()})
        return t

    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        bias = None if self.bias is None else self.bias.detach().tolist()
        record["linear"].append({"weight": self.weight.detach().tolist(), "bias": bias})

    torch.randn, torch.nn.Linear.__init__ = recording_randn, recording_init
    try:
        yield record
    finally:
        torch.randn, torch.nn.Linear.__init__ = randn, init


@contextlib.contextmanager
def replaying(axon, record):
    """Hands out ``record``'s draws from ``axon.randn`` and its initial weights to each new
    ``axon.nn.Linear``, in order; checks on leaving that every one was used."""
    draws, layers = list(record["randn"]), list(record["linear"])
    randn, init = axon.randn, axon.nn.Linear.__init__

    def replayed_randn(*args, **kwargs):
        t = randn(*args, **kwargs)
        if not draws:
            raise AssertionError("the script draws more from randn than under torch")
        drawn = draws.pop(0)
        if list(t.shape) != drawn["shape"]:
            raise AssertionError(f"randn drew shape {list(t.shape)}, torch drew {drawn['shape']}")
        with axon.no_grad():
            t.copy_(axon.tensor(drawn["values"]).reshape(drawn["shape"]))
        return t

    def replayed_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if not layers:
            raise AssertionError("the script builds more Linear layers than under torch")
        layer = layers.pop(0)
        with axon.no_grad():
            self.weight.copy_(axon.tensor(layer["weight"]))
            if layer["bias"] is not None:
                self.bias.copy_(axon.tensor(layer["bias"]))

    axon.randn, axon.nn.Linear.__init__ = replayed_randn, replayed_init
    try:
        yield
    finally:
        axon.randn, axon.nn.Linear.__init__ = randn, init
    if draws or layers:
        raise AssertionError(f"{len(draws)} randn draws and {len(layers)} Linear layers of torch's run unused")


@contextlib.contextmanager
def drawn_linear_weights(lib, seed: int):
    """Gives every new ``lib.nn.Linear`` (torch or axon) initial weights drawn by NumPy from
    ``seed`` -- the k-th layer built from ``default_rng([seed, k])`` -- with PyTorch's default
    distribution, uniform in +-1/sqrt(in_features) for the weight and the bias: the same start
    on both sides without storing the weights."""
    import numpy as np

    init, built = lib.nn.Linear.__init__, [0]

    def drawn_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        rng = np.random.default_rng([seed, built[0]])
        built[0] += 1
        out_features, in_features = self.weight.shape
        bound = 1 / np.sqrt(in_features)
        with lib.no_grad():
            weight = rng.uniform(-bound, bound, (out_features, in_features)).astype(np.float32)
            self.weight.copy_(lib.tensor(weight))
            if self.bias is not None:
                self.bias.copy_(lib.tensor(rng.uniform(-bound, bound, out_features).astype(np.float32)))

    lib.nn.Linear.__init__ = drawn_init
    try:
        yield built
    finally:
        lib.nn.Linear.__init__ = init


# ---- Results --------------------------------------------------------------------------------


def polynomial_results(namespace: dict) -> dict:
    """A polynomial script's final coefficients (a, b, c, d of y = a + b x + c x^2 + d x^3) and
    its last loss, read from its variables."""
    if "linear_layer" in namespace:
        layer = namespace["linear_layer"]
        coefficients = [layer.bias.item()] + [layer.weight[:, i].item() for i in range(3)]
    elif "model" in namespace:
        model = namespace["model"]
        coefficients = [model.a.item(), model.b.item(), model.c.item(), model.d.item()]
    else:
        coefficients = [namespace[name].item() for name in "abcd"]
    loss = namespace["loss"]
    return {"coefficients": coefficients, "loss": loss if isinstance(loss, float) else loss.item()}


def printed_losses(output: str) -> list[float]:
    """The losses a polynomial script printed (``t loss`` every 100 steps), in order."""
    return [float(v) for v in re.findall(r"^\d+ (\S+)$", output, flags=re.M)]


def scaled(record: dict, factor: float) -> dict:
    """``record`` with every value drawn and every initial weight multiplied by ``factor``."""
    def scale(v):
        return None if v is None else [scale(x) for x in v] if isinstance(v, list) else v * factor

    return {"randn": [{"shape": d["shape"], "values": scale(d["values"])} for d in record["randn"]],
            "linear": [{"weight": scale(w["weight"]), "bias": scale(w["bias"])} for w in record["linear"]]}


def quickstart_results(output: str) -> dict:
    """The quickstart's printed test accuracies (fractions) and average losses, and its training
    losses, in order."""
    tests = re.findall(r"Accuracy: ([0-9.]+)%, Avg loss: ([0-9.naif]+)", output)
    return {"accuracy": [float(a) / 100 for a, _ in tests], "test_loss": [float(v) for _, v in tests],
            "train_loss": [float(v) for v in re.findall(r"loss: ([0-9.naif]+) +\[", output)]}


def mnist_results(output: str) -> dict:
    """The MNIST example's printed training losses, test losses and test accuracies (fractions)."""
    tests = re.findall(r"Average loss: ([0-9.naif]+), Accuracy: (\d+)/(\d+)", output)
    return {"train_loss": [float(v) for v in re.findall(r"\tLoss: ([0-9.naif]+)", output)],
            "test_loss": [float(v) for v, _, _ in tests], "accuracy": [int(c) / int(n) for _, c, n in tests]}


def load_fixture() -> dict:
    return json.loads(FIXTURE.read_text())


def first_images(dataset_class, train: int, test: int):
    """A subclass of ``dataset_class`` (an MNIST-like dataset with ``data`` and ``targets``
    arrays) keeping only the first ``train`` training or ``test`` test images."""
    class First(dataset_class):
        def __init__(self, root, train_split: bool = True, *args, **kwargs) -> None:
            if "train" in kwargs:
                train_split = kwargs.pop("train")
            super().__init__(root, train_split, *args, **kwargs)
            n = train if train_split else test
            self.data, self.targets = self.data[:n], self.targets[:n]

    First.__name__ = First.__qualname__ = dataset_class.__name__
    return First
