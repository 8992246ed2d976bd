"""The package's three layers, checked by reading its sources, and the errors table.

1. ``axon/_lib/`` declares the C functions, nothing else;
2. the owning wrappers (``LAYER_2``) are the only modules that import ``_lib``, and every
   wrapper of a handle derives from ``_Owned``;
3. every other module (the PyTorch-shaped API) never touches ``_lib``, ``ctypes`` or a raw
   handle (``._h``, ``._handle``).

Run from bindings/python with ``python3 -m pytest -q tests``.
"""

import ast
import ctypes
import re
from pathlib import Path

import pytest

import axon
from axon import _lib, errors
from axon import _optim
from axon._objects import Model
from axon._optim import Optimizer, Scheduler
from axon._owned import _Owned

PACKAGE = Path(axon.__file__).resolve().parent
HEADER = PACKAGE.parents[2] / "include" / "axon.h"
LAYER_1 = {path.relative_to(PACKAGE).as_posix() for path in (PACKAGE / "_lib").glob("*.py")}
LAYER_2 = {"_owned.py", "tensor.py", "_tensor_ops.py", "_tensor_shape.py", "_creation.py", "_objects.py", "_ops.py",
           "_optim.py", "_replicas.py"}
SHARED = {"errors.py"}  # imports nothing of axon; raised by every layer
RAW_NAMES = {"_h", "_handle", "_lib"}


def _modules() -> dict[str, ast.Module]:
    """Every module of the package by its path relative to the package, parsed."""
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(), filename=str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _imported(tree: ast.Module) -> set[str]:
    """The modules and names a module imports, as dotted text (``.._lib``, ``ctypes``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}" if node.module else base + alias.name for alias in node.names)
    return names


def _imports_lib(tree: ast.Module) -> bool:
    return any(re.search(r"(^|\.)_lib($|\.)", name) for name in _imported(tree))


def _raw_uses(tree: ast.Module) -> list[str]:
    """Each use of a raw name: ``x._h``, ``x._handle``, ``_lib``, ``getattr(x, "_h")``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in RAW_NAMES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in RAW_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.Constant) and node.value in RAW_NAMES:
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


def test_the_layers_cover_every_module():
    modules = set(_modules())
    assert LAYER_1 | LAYER_2 | SHARED <= modules
    api = modules - LAYER_1 - LAYER_2 - SHARED
    assert {"__init__.py", "serialization.py", "grad_mode.py", "nn/module.py", "nn/layers.py", "nn/functional.py",
            "nn/utils.py", "optim/__init__.py", "optim/optimizer.py", "optim/lr_scheduler.py",
            "utils/__init__.py", "utils/data.py"} <= api


def test_the_api_never_touches_layer_1_or_a_raw_handle():
    offences = {}
    for name, tree in _modules().items():
        if name in LAYER_1 | LAYER_2 | SHARED:
            continue
        bad = [f"imports {m}" for m in sorted(_imported(tree)) if re.search(r"(^|\.)(_lib|ctypes)($|\.)", m)]
        bad += _raw_uses(tree)
        if bad:
            offences[name] = bad
    assert not offences, f"API modules reaching below layer 2: {offences}"


def test_only_layer_2_imports_layer_1():
    importers = {name for name, tree in _modules().items() if _imports_lib(tree)}
    assert importers == LAYER_2
    assert not any(m.startswith(".") for m in _imported(_modules()["errors.py"]))


def test_layer_1_holds_declarations_only():
    body = [node for name in sorted(LAYER_1) for node in _modules()[name].body]
    functions = {node.name for node in body if isinstance(node, ast.FunctionDef)}
    assert functions == {"_candidates", "_load", "_check", "_declare"}
    classes = [node.name for node in body if isinstance(node, ast.ClassDef)]
    # Opaque structures and records, and the handle type of tensors (a c_void_p, for speed).
    assert classes and all(issubclass(getattr(_lib, name), (ctypes.Structure, ctypes.c_void_p)) for name in classes)
    declared = [name for name in vars(_lib) if name.startswith("axon_") and name not in classes
                and name != "axon_tensor"]
    assert declared and all(isinstance(getattr(_lib, n), _lib.lib._FuncPtr) for n in declared)
    assert all(getattr(_lib, n).errcheck in (None, _lib._check) for n in declared)


def test_every_declaration_has_its_c_prototype_above():
    if not HEADER.exists():
        pytest.skip("include/axon.h not found")

    def normal(text):
        return re.sub(r"\s*([(),*])\s*", r"\1", " ".join(text.split()))

    header = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    prototypes = {
        m.group(1): normal(m.group(0))
        for m in re.finditer(r"^[^\n#;{}]*?\b(axon_[a-z0-9_]+)\s*\([^;{}]*?\)\s*;", header, flags=re.M)
    }
    lines = [line for name in sorted(LAYER_1) for line in (PACKAGE / name).read_text().split("\n")]
    comments = {}
    for i, line in enumerate(lines):
        m = re.match(r"(axon_[a-z0-9_]+) = _declare\(", line)
        if m:
            j = i
            while j > 0 and lines[j - 1].startswith("#"):
                j -= 1
            comments[m.group(1)] = normal(" ".join(c[1:] for c in lines[j:i]))
    assert set(comments) == set(prototypes)
    wrong = {name: (comments[name], p) for name, p in prototypes.items() if comments[name] != p}
    assert not wrong


def test_every_handle_wrapper_derives_from_owned():
    for cls in (axon.Tensor, Model, Optimizer, Scheduler, _optim.Optimizer, _optim.Scheduler, _optim.Plateau,
                _optim.Generator):
        assert issubclass(cls, _Owned)
        assert cls._kind != _Owned._kind and cls._free is not _Owned._free
        for name in ("close", "__del__", "__enter__", "__exit__", "closed", "_h", "_adopt"):
            assert name not in vars(cls), f"{cls.__name__} re-implements {name}"


# ---- Errors ---------------------------------------------------------------------------------


def test_every_status_code_has_its_own_exception_class():
    codes = []
    while _lib.axon_status_string(len(codes) + 1) != b"unknown status":
        codes.append(len(codes) + 1)
        assert len(codes) < 1000
    assert len(codes) >= 7
    classes = set()
    for code in codes:
        error = errors.error_for_status(code, "a message")
        cls = type(error)
        assert cls is not errors.AxonError and issubclass(cls, errors.AxonError)
        assert cls.status == code and error.status == code
        assert error.message == "a message"
        assert getattr(axon, cls.__name__) is cls and cls.__name__ in errors.__all__
        classes.add(cls)
    assert len(classes) == len(codes)
    assert sorted(errors._BY_STATUS) == codes
    unknown = errors.error_for_status(len(codes) + 1, "new")
    assert type(unknown) is errors.AxonError and unknown.status == len(codes) + 1


# ---- Source limits --------------------------------------------------------------------------


def test_lines_and_files_are_within_the_limits():
    too_long = []
    for path in sorted(PACKAGE.parent.rglob("*.py")):
        lines = path.read_text().splitlines()
        assert len(lines) <= 600, f"{path.name} has {len(lines)} lines"
        too_long += [f"{path.name}:{i + 1}" for i, line in enumerate(lines) if len(line) > 120]
    assert not too_long
