"""Everyday PyTorch idioms, each checked against the values PyTorch itself produced.

An idiom is a public function of one of the ``idioms_*.py`` modules beside this file. It takes
the module ``torch`` as its only argument (PyTorch, or Axon imported as ``torch``), runs a small
snippet written exactly as a PyTorch user writes it, and returns its result: a tensor, a
number, a bool, a string, ``None``, a shape, a dtype, a device, a NumPy array, or a tuple,
list or dict of those. Results never depend on the random generator's values.

``fixtures/gen_idioms.py`` runs every idiom under PyTorch and stores the results, normalized
by :func:`normalize`, in ``fixtures/idioms.json``; ``test_idioms.py`` runs them under Axon and
compares with :func:`compare`. This module imports neither PyTorch nor Axon.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The modules that hold the idioms, in the order the idioms run.
MODULES = (
    "idioms_create",
    "idioms_ops",
    "idioms_index",
    "idioms_reduce",
    "idioms_autograd",
    "idioms_nn",
    "idioms_functional",
    "idioms_optim",
)

#: Tensors and numbers compare to this relative and absolute tolerance.
RTOL = 1e-5
ATOL = 1e-5


@dataclass(frozen=True)
class Idiom:
    name: str
    module: str
    fn: object
    source: str

    def run(self, torch):
        return self.fn(torch)


def _load() -> list[Idiom]:
    found: list[Idiom] = []
    seen: dict[str, str] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        tree = ast.parse(Path(module.__file__).read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            fn_name = node.name
            if fn_name in seen:
                raise ValueError(f"idiom {fn_name!r} is defined in both {seen[fn_name]} and {name}")
            seen[fn_name] = name
            if any(isinstance(inner, (ast.Import, ast.ImportFrom)) for inner in ast.walk(node)):
                raise ValueError(f"idiom {name}.{fn_name} imports: it may use only its argument torch")
            fn = getattr(module, fn_name)
            params = list(inspect.signature(fn).parameters)
            if params != ["torch"]:
                raise ValueError(f"idiom {name}.{fn_name} must take exactly one argument, torch")
            found.append(Idiom(fn_name, name, fn, inspect.getsource(fn)))
    return found


IDIOMS: list[Idiom] = _load()
BY_NAME: dict[str, Idiom] = {idiom.name: idiom for idiom in IDIOMS}


def digests() -> dict[str, str]:
    """Per module, a short hash of its idioms' names and code: the fixture is stale for the
    idioms of a module whose hash changed."""
    found = {}
    for module in MODULES:
        text = "".join(idiom.name + "\n" + idiom.source for idiom in IDIOMS if idiom.module == module)
        found[module] = hashlib.sha256(text.encode()).hexdigest()[:12]
    return found


# ---- Normalizing a result (under PyTorch, for the fixture) -----------------------------------
#
# A result is stored as JSON: a bool, number, string or None as itself (NaN and the infinities
# as {"float": "nan"}); a tuple or list as a list; and, as an object with one telling key,
# {"tensor": nested lists, "shape": [...]} (elements as floats, NaN and the infinities as
# strings), {"array": ..., "shape": [...]} for a NumPy array, {"size": [...]} for a torch.Size,
# {"dtype": "float32"}, {"device": "cpu"}, and {"dict": [[key, value], ...]}.


def _float(value):
    """A number for JSON: NaN and the infinities as strings; a float that is exactly a float32
    as the shortest decimal that reads back as that float32 (the fixture stays small)."""
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    single = np.float32(value)
    return float(str(single)) if float(single) == value else value


def _nested(value) -> list:
    flat = np.asarray(value.tolist(), dtype=np.float64)
    return np.vectorize(_float, otypes=[object])(flat).tolist() if flat.size else flat.tolist()


def normalize(value, torch):
    """``value``, a result under PyTorch, as JSON data (see above)."""
    if isinstance(value, torch.Tensor):
        return {"tensor": _nested(value), "shape": [int(d) for d in value.shape]}
    if isinstance(value, np.ndarray):
        return {"array": _nested(value), "shape": [int(d) for d in value.shape]}
    if isinstance(value, torch.Size):
        return {"size": [int(d) for d in value]}
    if isinstance(value, torch.dtype):
        return {"dtype": _dtype_name(value)}
    if isinstance(value, torch.device):
        return {"device": str(value)}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real):
        number = _float(value)
        return {"float": number} if isinstance(number, str) else number
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [normalize(item, torch) for item in value]
    if isinstance(value, dict):
        return {"dict": [[str(k), normalize(v, torch)] for k, v in value.items()]}
    raise TypeError(f"an idiom's result cannot be a {type(value).__name__}: {value!r}")


def _dtype_name(value) -> str:
    text = value.__name__ if isinstance(value, type) else str(value)
    return text[len("torch."):] if text.startswith("torch.") else text


# ---- Comparing a result (under Axon) with the fixture ----------------------------------------


class Mismatch(Exception):
    """The result differs from the fixture; the message says where and how."""


def _unfloat(value) -> float:
    return float(value) if isinstance(value, str) else value


def _close(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.isclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True)


def _what(value) -> str:
    return f"{type(value).__name__} {value!r}"


def _as_shape(value, where: str) -> list[int]:
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, (bool, np.bool_)) for d in value
    ):
        raise Mismatch(f"{where}: expected a shape (a tuple of ints), got {_what(value)}")
    return [int(d) for d in value]


def _compare_values(shape: list[int], values, want_shape: list[int], nested, where: str) -> None:
    if shape != want_shape:
        raise Mismatch(f"{where}: shape {shape}, expected {want_shape}")
    want = np.vectorize(_unfloat, otypes=[np.float64])(np.array(nested, dtype=object)).reshape(-1)
    try:
        got = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as error:
        raise Mismatch(f"{where}: its values {values!r} are not numbers of shape {shape}: {error}") from None
    if got.shape != want.shape:
        raise Mismatch(f"{where}: {got.size} values for shape {shape}, expected {want.size}")
    bad = np.flatnonzero(~_close(want, got))
    if bad.size:
        first = int(bad[0])
        index = [int(i) for i in np.unravel_index(first, shape)] if shape else []
        raise Mismatch(
            f"{where}: {bad.size} of {want.size} values differ; the first at index {index}: "
            f"got {float(got[first])!r}, expected {float(want[first])!r}"
        )


def compare(expected, actual, torch, where: str = "result") -> None:
    """Raise :class:`Mismatch` unless ``actual`` (a result under Axon) matches ``expected``."""
    if isinstance(expected, bool):
        if not isinstance(actual, (bool, np.bool_)) or bool(actual) != expected:
            raise Mismatch(f"{where}: got {_what(actual)}, expected {expected!r}")
    elif isinstance(expected, (int, float)) or (isinstance(expected, dict) and "float" in expected):
        want = _unfloat(expected["float"]) if isinstance(expected, dict) else expected
        if not isinstance(actual, numbers.Real) or isinstance(actual, (bool, np.bool_)):
            raise Mismatch(f"{where}: expected a number, got {_what(actual)}")
        if not _close(np.array([want]), np.array([float(actual)]))[0]:
            raise Mismatch(f"{where}: got {actual!r}, expected {want!r}")
    elif isinstance(expected, str) or expected is None:
        if not (actual is None if expected is None else actual == expected):
            raise Mismatch(f"{where}: got {_what(actual)}, expected {expected!r}")
    elif isinstance(expected, list):
        if not isinstance(actual, (tuple, list)):
            raise Mismatch(f"{where}: expected a tuple or list, got {_what(actual)}")
        if len(actual) != len(expected):
            raise Mismatch(f"{where}: {len(actual)} items, expected {len(expected)}")
        for i, (item, got) in enumerate(zip(expected, actual)):
            compare(item, got, torch, f"{where}[{i}]")
    elif "tensor" in expected:
        if not isinstance(actual, torch.Tensor):
            raise Mismatch(f"{where}: expected a Tensor, got {_what(actual)}")
        shape = _as_shape(actual.shape, where + ".shape")
        _compare_values(shape, actual.tolist(), expected["shape"], expected["tensor"], where)
    elif "array" in expected:
        if not isinstance(actual, np.ndarray):
            raise Mismatch(f"{where}: expected a numpy.ndarray, got {_what(actual)}")
        _compare_values(list(actual.shape), actual, expected["shape"], expected["array"], where)
    elif "size" in expected:
        got = _as_shape(actual, where)
        if got != expected["size"]:
            raise Mismatch(f"{where}: shape {got}, expected {expected['size']}")
    elif "dtype" in expected:
        if _dtype_name(actual) != expected["dtype"]:
            raise Mismatch(f"{where}: dtype {_what(actual)}, expected {expected['dtype']}")
    elif "device" in expected:
        if str(actual) != expected["device"]:
            raise Mismatch(f"{where}: device {_what(actual)}, expected {expected['device']!r}")
    elif "dict" in expected:
        if not isinstance(actual, dict):
            raise Mismatch(f"{where}: expected a dict, got {_what(actual)}")
        keys = [key for key, _ in expected["dict"]]
        if [str(key) for key in actual] != keys:
            raise Mismatch(f"{where}: keys {list(actual)}, expected {keys}")
        for (key, item), got in zip(expected["dict"], actual.values()):
            compare(item, got, torch, f"{where}[{key!r}]")
    else:
        raise ValueError(f"cannot read {expected!r} in the fixture")


# ---- Showing values in failure messages ------------------------------------------------------


def show_expected(expected) -> str:
    """The fixture's value, readably."""
    if isinstance(expected, list):
        return "[" + ", ".join(show_expected(item) for item in expected) + "]"
    if not isinstance(expected, dict):
        return repr(expected)
    if "tensor" in expected:
        return f"tensor({expected['tensor']}) shape {expected['shape']}"
    if "array" in expected:
        return f"array({expected['array']}) shape {expected['shape']}"
    if "size" in expected:
        return f"torch.Size({expected['size']})"
    if "dict" in expected:
        return "{" + ", ".join(f"{k!r}: {show_expected(v)}" for k, v in expected["dict"]) + "}"
    if "float" in expected:
        return expected["float"]
    key = next(iter(expected))
    return f"{key} {expected[key]}"


def show_actual(value, torch) -> str:
    """A result under Axon, readably (without trusting its ``repr``)."""
    try:
        if isinstance(value, torch.Tensor):
            return f"tensor({value.tolist()}) shape {list(value.shape)}"
        if isinstance(value, np.ndarray):
            return f"array({value.tolist()}) shape {list(value.shape)}"
        if isinstance(value, (tuple, list)):
            return "(" + ", ".join(show_actual(item, torch) for item in value) + ")"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {show_actual(v, torch)}" for k, v in value.items()) + "}"
        return f"{value!r} ({type(value).__name__})"
    except Exception as error:  # a broken tensor must not hide the comparison's message
        return f"<{type(value).__name__} that cannot be shown: {type(error).__name__}: {error}>"
