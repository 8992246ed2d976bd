"""Layer 3: ``axon.save`` and ``axon.load`` (a module's architecture and state in one model
file), and ``axon.save_checkpoint`` / ``axon.load_checkpoint`` (with an optimizer's and a
scheduler's state), over the methods of :class:`axon._objects.Model`."""

from __future__ import annotations

from ._objects import Model
from .nn.module import Module
from .nn.native import from_native, native_of

__all__ = ["save", "load", "save_checkpoint", "load_checkpoint"]


def save(obj, f, *args, **kwargs) -> None:
    """Writes a module made of built-in layers (architecture and state) to the model file ``f``."""
    if not isinstance(obj, Module):
        raise TypeError(f"axon.save: saving a {type(obj).__name__} is not supported; "
                        "save an axon.nn.Module made of built-in layers")
    native_of(obj).save(f)


def load(f, *args, map_location=None, weights_only=None, **kwargs):
    """The module saved at ``f``: a tree of views of the loaded layers (Sequential, Linear, ...),
    in the training mode it was saved in."""
    return from_native(Model.load(f))


def _model(module: Module) -> Model:
    if not isinstance(module, Module):
        raise TypeError(f"expected an axon.nn.Module, got {type(module).__name__}")
    return native_of(module)


def _native(obj):
    """The layer-2 object an :mod:`axon.optim` optimizer or scheduler drives (None stays None)."""
    return None if obj is None else obj._native


def save_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Saves ``model`` with the state of ``optimizer`` (moments, step count) and ``scheduler``
    (position), atomically, for an exact resume with :func:`load_checkpoint`."""
    _model(model).save_checkpoint(path, _native(optimizer), _native(scheduler))


def load_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Restores a checkpoint into ``model``, ``optimizer`` and ``scheduler`` built the same way
    as the saved ones; training on continues exactly as if it had not stopped."""
    _model(model).restore_checkpoint(path, _native(optimizer), _native(scheduler))
