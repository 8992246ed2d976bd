"""Layer 2: owning wrappers of the ``axon_model``, ``axon_optimizer`` and ``axon_scheduler``
handles, one Python object per handle (see :mod:`axon.tensor` for ``axon_tensor``).

Each wrapper releases its handle in :meth:`close`, on leaving a ``with`` block and when it is
garbage collected; closing twice is harmless. These classes mirror the C functions one to one;
the PyTorch-shaped API (:mod:`axon.nn`, :mod:`axon.optim`) is built on them.
"""

from __future__ import annotations

import math
from ctypes import byref, c_char_p, c_double, c_float, c_size_t

from . import _lib
from .errors import StateError
from .tensor import Tensor

__all__ = ["Model", "Optimizer", "Scheduler", "EpochRecord"]


class _Owned:
    """The lifetime protocol shared by the wrappers; subclasses set ``_free`` and ``_kind``."""

    __slots__ = ("_handle", "__weakref__")
    _kind = "object"

    @staticmethod
    def _free(handle) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        """Releases the handle. Further use raises :class:`StateError`; closing again is a no-op."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            type(self)._free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may already be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return not getattr(self, "_handle", None)

    @property
    def _h(self):
        if not getattr(self, "_handle", None):
            raise StateError(f"{self._kind} is closed")
        return self._handle


def _tensor_array(tensors) -> tuple:
    """A C array of tensor handles and its length."""
    handles = [t._h for t in tensors]
    return (_lib.tensor_p * max(len(handles), 1))(*handles), len(handles)


def _options(options: dict) -> tuple:
    """Options as the C door's parallel key and value arrays, and their length."""
    items = [(k, float(v)) for k, v in options.items()]
    keys = (c_char_p * max(len(items), 1))(*(k.encode() for k, _ in items))
    values = (c_double * max(len(items), 1))(*(v for _, v in items))
    return keys, values, len(items)


def _path(path) -> bytes:
    return str(path).encode()


class EpochRecord:
    """One epoch of :meth:`Model.fit`; ``None`` for values that were not measured."""

    __slots__ = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate",
                 "skipped_steps")

    def __init__(self, record: _lib.axon_epoch_record) -> None:
        def value(x: float):
            return None if math.isnan(x) else x

        self.train_loss = value(record.train_loss)
        self.train_accuracy = value(record.train_accuracy)
        self.val_loss = value(record.val_loss)
        self.val_accuracy = value(record.val_accuracy)
        self.learning_rate = record.learning_rate
        self.skipped_steps = record.skipped_steps

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"EpochRecord({fields})"


class Model(_Owned):
    """An ``axon_model``: a layer tree built from a text spec or loaded from a file."""

    __slots__ = ()
    _kind = "model"
    _free = staticmethod(_lib.axon_model_free)

    def __init__(self, spec: str, seed: int = 0) -> None:
        self._handle = None
        out = _lib.model_p()
        _lib.axon_model_new(byref(out), spec.encode(), seed)
        self._handle = out

    @classmethod
    def load(cls, path) -> Model:
        """A model read from a file written by :meth:`save`."""
        out = _lib.model_p()
        _lib.axon_model_load(byref(out), _path(path))
        model = cls.__new__(cls)
        model._handle = out
        return model

    def save(self, path) -> None:
        _lib.axon_model_save(self._h, _path(path))

    def forward(self, x: Tensor) -> Tensor:
        out = _lib.tensor_p()
        _lib.axon_model_forward(byref(out), self._h, x._h)
        return Tensor._adopt(out)

    def train(self, training: bool = True) -> None:
        _lib.axon_model_train(self._h, 1 if training else 0)

    @property
    def training(self) -> bool:
        return bool(_lib.axon_model_is_training(self._h))

    @property
    def parameter_count(self) -> int:
        """The number of trainable scalars."""
        return _lib.axon_model_parameter_count(self._h)

    @property
    def spec(self) -> str:
        """The canonical text spec."""
        return _lib.read_string(_lib.axon_model_spec, self._h)

    def state(self) -> list[tuple[str, Tensor]]:
        """The state tensors (parameters and buffers) by name, in PyTorch's order; the very
        tensors the model uses."""
        return self._named(_lib.axon_model_state_count, _lib.axon_model_state_tensor, _lib.axon_model_state_name)

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """The parameter tensors by name, in PyTorch's parameters() order."""
        return self._named(_lib.axon_model_parameter_count_tensors, _lib.axon_model_parameter,
                           _lib.axon_model_parameter_name)

    def _named(self, count, tensor_at, name_at) -> list[tuple[str, Tensor]]:
        handle = self._h
        result = []
        for i in range(count(handle)):
            out = _lib.tensor_p()
            tensor_at(byref(out), handle, i)
            result.append((_lib.read_string(name_at, handle, i), Tensor._adopt(out)))
        return result

    def load_state(self, state: list[tuple[str, Tensor]], strict: bool = True) -> None:
        """Copies values into the state tensors by name (shapes must match)."""
        names = (c_char_p * max(len(state), 1))(*(name.encode() for name, _ in state))
        tensors, n = _tensor_array([t for _, t in state])
        _lib.axon_model_load_state(self._h, names, tensors, n, 1 if strict else 0)

    def train_step(self, optimizer: Optimizer, loss: str, x: Tensor, y: Tensor,
                   clip_norm: float | None = None) -> float:
        """Forward, loss, backward, optional clipping and an optimizer step; the loss before."""
        out = c_float()
        _lib.axon_train_step(byref(out), self._h, optimizer._h, loss.encode(), x._h, y._h,
                             clip_norm or 0.0)
        return out.value

    def fit(self, optimizer: Optimizer, loss: str, x: Tensor, y: Tensor, *, epochs: int,
            batch_size: int, validation: tuple[Tensor, Tensor] | None = None,
            scheduler: Scheduler | None = None, seed: int = 0,
            clip_norm: float | None = None) -> list[EpochRecord]:
        """Trains for ``epochs`` epochs of shuffled batches; one record per epoch."""
        records = (_lib.axon_epoch_record * max(epochs, 1))()
        count = c_size_t()
        val_x, val_y = validation if validation is not None else (None, None)
        _lib.axon_fit(
            records, max(epochs, 0), byref(count), self._h, optimizer._h,
            scheduler._h if scheduler is not None else None, loss.encode(), x._h, y._h,
            val_x._h if val_x is not None else None, val_y._h if val_y is not None else None,
            epochs, batch_size, seed, clip_norm or 0.0,
        )
        return [EpochRecord(records[i]) for i in range(count.value)]


class Optimizer(_Owned):
    """An ``axon_optimizer`` of ``kind`` over ``params`` with options by the C door's names."""

    __slots__ = ()
    _kind = "optimizer"
    _free = staticmethod(_lib.axon_optimizer_free)

    def __init__(self, kind: str, params, options: dict | None = None) -> None:
        self._handle = None
        tensors, n = _tensor_array(list(params))
        keys, values, n_options = _options(options or {})
        out = _lib.optimizer_p()
        _lib.axon_optimizer_new(byref(out), kind.encode(), tensors, n, keys, values, n_options)
        self._handle = out

    def step(self) -> None:
        _lib.axon_optimizer_step(self._h)

    def zero_grad(self) -> None:
        _lib.axon_optimizer_zero_grad(self._h)

    @property
    def group_count(self) -> int:
        return _lib.axon_optimizer_group_count(self._h)

    def get_lr(self, group: int = 0) -> float:
        out = c_double()
        _lib.axon_optimizer_get_lr(byref(out), self._h, group)
        return out.value

    def set_lr(self, lr: float, group: int = 0) -> None:
        _lib.axon_optimizer_set_lr(self._h, group, lr)


class Scheduler(_Owned):
    """An ``axon_scheduler`` of ``kind`` driving ``optimizer`` (which it keeps alive)."""

    __slots__ = ()
    _kind = "scheduler"
    _free = staticmethod(_lib.axon_scheduler_free)

    def __init__(self, optimizer: Optimizer, kind: str, options: dict | None = None) -> None:
        self._handle = None
        keys, values, n = _options(options or {})
        out = _lib.scheduler_p()
        _lib.axon_scheduler_new(byref(out), optimizer._h, kind.encode(), keys, values, n)
        self._handle = out

    def step(self) -> None:
        _lib.axon_scheduler_step(self._h)
