"""Layer 3: ``axon.save`` and ``axon.load`` (a module's architecture and state in one model
file), and ``axon.save_checkpoint`` / ``axon.load_checkpoint`` (with an optimizer's and a
scheduler's state), over :class:`axon._objects.Model` and :mod:`axon._optim`."""

from __future__ import annotations

from . import _optim
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
