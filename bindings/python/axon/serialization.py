"""Layer 3: ``axon.save`` / ``axon.load`` as ``torch.save`` / ``torch.load``, through the
library's file format, and ``axon.save_checkpoint`` / ``axon.load_checkpoint``.

``save`` writes a module made of built-in layers as a model file (architecture and state), and
anything else built of tensors, numbers, strings, None, lists, tuples and dicts (a state dict,
``{"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict()}``) as a tensor file:
the tensors by their path in the structure (``model.fc1.weight``), the structure and the other
values as JSON text beside them. ``load`` gives back what was saved. Unlike PyTorch, nothing is
pickled: other Python objects are refused.
"""

from __future__ import annotations


import json
import os

import numpy as np
import tempfile
from collections import OrderedDict

from . import _dtype, _optim
from ._objects import Model, TensorFile
from .errors import FormatError
from .nn.module import Module, Parameter
from .nn.native import from_native, native_of
from .tensor import Tensor

__all__ = ["save", "load", "save_checkpoint", "load_checkpoint"]

_MARK = "__axon__"


def _encode(obj, path: str, tensors: list):
    """The JSON form of ``obj``; its tensors are appended to ``tensors`` as (name, tensor)."""
    if isinstance(obj, Tensor):
        name = path or "tensor"
        if any(name == n for n, _ in tensors):
            name = f"{name}#{len(tensors)}"
        tensors.append((name, obj.detach()))
        return {_MARK: "tensor", "name": name, "dtype": obj.dtype.name,
                "parameter": isinstance(obj, Parameter), "requires_grad": obj.requires_grad}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (bytes, bytearray)):  # e.g. the library state inside opt.state_dict()
        name = f"{path or 'bytes'}#{len(tensors)}"
        tensors.append((name, Tensor(np.frombuffer(bytes(obj), dtype=np.uint8), dtype=_dtype.uint8)))
        return {_MARK: "bytes", "name": name}
    if isinstance(obj, _dtype.dtype):
        return {_MARK: "dtype", "name": obj.name}
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, f"{path}.{i}" if path else str(i), tensors) for i, v in enumerate(obj)]
        return {_MARK: "tuple", "items": items} if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        entries = []
        for key, value in obj.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise TypeError(f"axon.save: dict keys must be str, int, float, bool or None, not {type(key).__name__}")
            entries.append([key, _encode(value, f"{path}.{key}" if path else str(key), tensors)])
        return {_MARK: "ordered" if isinstance(obj, OrderedDict) else "dict", "entries": entries}
    raise TypeError(f"axon.save: a {type(obj).__name__} cannot be saved (tensors, numbers, strings, None, "
                    "lists, tuples, dicts and built-in modules can; nothing is pickled)")


def _decode(obj, tensors: dict):
    if isinstance(obj, list):
        return [_decode(v, tensors) for v in obj]
    if not isinstance(obj, dict):
        return obj
    kind = obj.get(_MARK)
    if kind == "tensor":
        t = tensors[obj["name"]]
        dt = _dtype.check_dtype(obj["dtype"], "axon.load")
        if dt is not _dtype.float32:
            t = t._retag(dt)
        if obj["parameter"]:
            return Parameter(t, requires_grad=obj["requires_grad"])
        return t.requires_grad_() if obj["requires_grad"] else t
    if kind == "bytes":
        return bytes(tensors[obj["name"]].numpy().astype(np.uint8).tobytes())
    if kind == "dtype":
        return _dtype.check_dtype(obj["name"], "axon.load")
    if kind == "tuple":
        return tuple(_decode(v, tensors) for v in obj["items"])
    if kind in ("dict", "ordered"):
        pairs = [(k, _decode(v, tensors)) for k, v in obj["entries"]]
        return OrderedDict(pairs) if kind == "ordered" else dict(pairs)
    raise FormatError(f"axon.load: unknown entry {kind!r} in the file's structure")


def _through_path(f, write):
    """Runs ``write(path)`` on ``f`` itself (a path) or on a temporary file copied into ``f``."""
    if isinstance(f, (str, os.PathLike)):
        return write(f)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "object.axon")
        result = write(path)
        with open(path, "rb") as source:
            f.write(source.read())
        return result


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True) -> None:
    """Writes ``obj`` to ``f`` (a path or a writable binary file): a module of built-in layers as
    a model file, anything else of tensors and plain values as a tensor file. A path ending in
    ``.safetensors`` gets a safetensors file of the state dict (a module's) or of the dict."""
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        from .safetensors import save_file  # a state dict by name, as the suffix says
        save_file(obj.state_dict() if isinstance(obj, Module) else obj, f)
        return
    if isinstance(obj, Module):
        _through_path(f, lambda path: native_of(obj).save(path))
        return
    tensors: list = []
    text = json.dumps({"format": "axon.save", "object": _encode(obj, "", tensors)}, allow_nan=True)
    _through_path(f, lambda path: TensorFile.save(path, tensors, text))


def _load_path(path):
    try:
        file = TensorFile.load(path)
    except FormatError:
        return from_native(Model.load(path))
    with file:
        tensors = dict(file.tensors())
        structure = json.loads(file.text or "null")
    if not isinstance(structure, dict) or structure.get("format") != "axon.save":
        return OrderedDict(tensors)
    return _decode(structure["object"], tensors)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **kwargs):
    """What :func:`save` wrote to ``f`` (a path or a readable binary file): a module (a tree of
    views of the loaded layers, in its saved training mode), or the saved structure with its
    tensors. ``map_location`` may only name the CPU."""
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        _dtype.check_device(map_location, "load")
    if isinstance(f, (str, os.PathLike)):
        if os.fspath(f).endswith(".safetensors"):
            from .safetensors import load_file
            return load_file(f)
        return _load_path(f)
    data = f.read() if hasattr(f, "read") else bytes(f)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "object.axon")
        with open(path, "wb") as target:
            target.write(data)
        return _load_path(path)


def _model(module: Module) -> Model:
    if not isinstance(module, Module):
        raise TypeError(f"expected an axon.nn.Module, got {type(module).__name__}")
    return native_of(module)


def _native(obj, what: str):
    """The layer-2 object an :mod:`axon.optim` optimizer or scheduler drives (None stays None)."""
    if obj is None:
        return None
    native = getattr(obj, "_native", None)
    if native is None:
        raise NotImplementedError(f"a {type(obj).__name__} {what} has no library state to checkpoint (it is driven "
                                  "from Python or is part of a composed schedule); save its state_dict() instead")
    return native


def save_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Saves ``model`` with the state of ``optimizer`` (moments, step count) and ``scheduler``
    (an :mod:`axon.optim.lr_scheduler` schedule's position, or a ReduceLROnPlateau's counters and
    rates), atomically, for an exact resume with :func:`load_checkpoint`."""
    _optim.save_checkpoint(path, _model(model), _native(optimizer, "optimizer"), _native(scheduler, "scheduler"))


def load_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Restores a checkpoint into ``model``, ``optimizer`` and ``scheduler`` built the same way
    as the saved ones; training on continues exactly as if it had not stopped. Unlike PyTorch's
    ``load_state_dict``, the schedule's ``last_epoch`` is not restored (the C door has no getter
    of a schedule's position); its rates are."""
    _optim.restore_checkpoint(path, _model(model), _native(optimizer, "optimizer"), _native(scheduler, "scheduler"))
    if scheduler is not None and hasattr(scheduler, "_rates"):
        scheduler._last_lr = scheduler._rates()
