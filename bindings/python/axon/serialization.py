"""``axon.save`` and ``axon.load``: a module's architecture and state in one model file."""

from __future__ import annotations

from ._objects import Model
from .nn.modules import Module, Spec

__all__ = ["save", "load"]


def save(model: Module, path) -> None:
    """Writes ``model`` (architecture and state) to ``path``. Unlike ``torch.save``, only
    modules can be saved."""
    if not isinstance(model, Module):
        raise TypeError(f"axon.save: expected an axon.nn.Module, got {type(model).__name__}")
    model.model.save(path)


def load(path) -> Module:
    """The module saved at ``path``, in the training mode it was saved in."""
    return Spec._wrap(Model.load(path))
