"""``axon.save`` and ``axon.load``: a module's architecture and state in one model file."""

from __future__ import annotations

from . import _lib
from ._objects import Model, _path
from .nn.modules import Module, Spec

__all__ = ["save", "load", "save_checkpoint", "load_checkpoint"]


def save(model: Module, path) -> None:
    """Writes ``model`` (architecture and state) to ``path``. Unlike ``torch.save``, only
    modules can be saved."""
    if not isinstance(model, Module):
        raise TypeError(f"axon.save: expected an axon.nn.Module, got {type(model).__name__}")
    model.model.save(path)


def load(path) -> Module:
    """The module saved at ``path``, in the training mode it was saved in."""
    return Spec._wrap(Model.load(path))


def _handles(model: Module, optimizer, scheduler):
    if not isinstance(model, Module):
        raise TypeError(f"expected an axon.nn.Module, got {type(model).__name__}")
    return (model.model._h, optimizer._handle._h if optimizer is not None else None,
            scheduler._handle._h if scheduler is not None else None)


def save_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Saves ``model`` with the state of ``optimizer`` (moments, step count) and ``scheduler``
    (position), atomically, for an exact resume with :func:`load_checkpoint`."""
    m, o, s = _handles(model, optimizer, scheduler)
    _lib.axon_checkpoint_save(_path(path), m, o, s)


def load_checkpoint(path, model: Module, optimizer=None, scheduler=None) -> None:
    """Restores a checkpoint into ``model``, ``optimizer`` and ``scheduler`` built the same way
    as the saved ones; training on continues exactly as if it had not stopped."""
    m, o, s = _handles(model, optimizer, scheduler)
    _lib.axon_checkpoint_restore(_path(path), m, o, s)
