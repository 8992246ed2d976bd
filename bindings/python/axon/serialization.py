"""Layer 3: ``axon.save`` and ``axon.load`` (a module's architecture and state in one model
file), and ``axon.save_checkpoint`` / ``axon.load_checkpoint`` (with an optimizer's and a
scheduler's state), over the methods of :class:`axon._objects.Model`."""

from __future__ import annotations

from ._objects import Model
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


def _model(module: Module) -> Model:
    """The layer-2 model behind ``module``."""
    if not isinstance(module, Module):
        raise TypeError(f"expected an axon.nn.Module, got {type(module).__name__}")
    return module.model


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
