"""Layer 3: safetensors, the format PyTorch users exchange weights in, with the names of the
``safetensors.torch`` module: ``save_file`` / ``load_file`` of dicts of tensors (``state_dict``
names, class-style models included: ``fc1.weight``), ``save_model`` / ``load_model``, and
:func:`load_state_dict_file`. Reading and writing are the library's (F32, F16, BF16, F64 and
the integer dtypes read as float32; integer tensors, e.g. ``num_batches_tracked``, come back as
int64 tensors and are written as I64); a damaged or hostile file raises
:class:`axon.FormatError`.

>>> torch.save(model.state_dict(), "m.pt")            # PyTorch side: safetensors.torch.save_file(...)
>>> model.load_state_dict(axon.load_file("m.safetensors"))
"""

from __future__ import annotations

import json
import os

from . import _dtype
from ._objects import TensorFile
from .nn.module import Module
from .tensor import Tensor

__all__ = ["save_file", "load_file", "save_model", "load_model", "load_state_dict_file"]

_INTEGER = frozenset({"int64", "int32", "int16", "int8", "uint8", "bool"})


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Writes ``tensors`` (name -> tensor or array) to ``filename``; integer and bool tensors as
    I64, the others as F32; ``metadata`` (str -> str) as ``__metadata__``."""
    named = [(str(k), v if isinstance(v, Tensor) else Tensor(v)) for k, v in tensors.items()]
    integers = {name for name, t in named if t.dtype.name in _INTEGER}
    TensorFile.save_safetensors(filename, named, integers, dict(metadata or {}))


def load_file(filename, device="cpu") -> dict:
    """The tensors of the safetensors file ``filename`` by name, in file order."""
    _dtype.check_device(device, "load_file")
    with TensorFile.load_safetensors(filename) as file:
        described = json.loads(file.text)
        integers = set(described.get("integers", []))
        return {name: (t._retag(_dtype.int64) if name in integers else t) for name, t in file.tensors()}


def metadata(filename) -> dict:
    """The ``__metadata__`` strings of a safetensors file."""
    with TensorFile.load_safetensors(filename) as file:
        return dict(json.loads(file.text).get("metadata", {}))


def save_model(model: Module, filename, metadata: dict | None = None) -> None:
    """``model.state_dict()`` as a safetensors file."""
    save_file(model.state_dict(), filename, metadata)


def load_model(model: Module, filename, strict: bool = True, device="cpu", rename: dict | None = None):
    """Loads a safetensors file into ``model`` (``load_state_dict`` with ``strict``, so nothing
    changes when it fails), after renaming the file's keys by ``rename`` (file name -> model
    name); returns ``(missing_keys, unexpected_keys)``."""
    state = load_file(filename, device)
    if rename:
        state = {rename.get(k, k): v for k, v in state.items()}
    return model.load_state_dict(state, strict=strict)


def load_state_dict_file(path) -> dict:
    """A state dict from a file: a safetensors file, a tensor file written by :func:`axon.save`
    of a state dict, or a model file (its module's ``state_dict()``)."""
    if str(os.fspath(path)).endswith(".safetensors"):
        return load_file(path)
    from .serialization import load
    loaded = load(path)
    return loaded.state_dict() if isinstance(loaded, Module) else loaded
