"""Layer 2: owning wrappers of the ``axon_model`` and ``axon_tensor_file`` handles, one Python
object per handle (see :mod:`axon.tensor` for ``axon_tensor``, :mod:`axon._optim` for
optimizers, schedules and generators).

Each wrapper derives from :class:`axon._owned._Owned`: it releases its handle in
:meth:`~axon._owned._Owned.close`, on leaving a ``with`` block and when it is garbage
collected; closing twice is harmless. These classes mirror the C functions one to one, taking
and returning wrappers; the PyTorch-shaped API (:mod:`axon.nn`, :mod:`axon.optim`,
:mod:`axon.serialization`) is built on them.
"""

from __future__ import annotations

import ctypes
import math
from ctypes import byref, c_char_p, c_double, c_float, c_int, c_size_t

from . import _lib
from ._owned import _handle_or_null, _options, _Owned, _path, _read_string, _tensor_array
from ._replicas import Hook
from .tensor import Tensor, wrap

__all__ = ["Model", "EpochRecord", "TensorFile"]


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

    __slots__ = ("_sync_hook",)
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
        return cls._adopt(out)

    def save(self, path) -> None:
        """Writes the architecture and the state to ``path`` (read back by :meth:`load`)."""
        _lib.axon_model_save(self._h, _path(path))

    def forward(self, x: Tensor) -> Tensor:
        return wrap(_lib.axon_model_forward, self._h, x._h)

    def save_safetensors(self, path) -> None:
        """Writes the state (state_dict names; counters as I64) as safetensors."""
        _lib.axon_model_save_safetensors(self._h, _path(path))

    def load_safetensors(self, path, strict: bool = True, rename: dict | None = None) -> None:
        """Copies a safetensors file's tensors into the state by name (after ``rename``),
        all checked before any is copied."""
        pairs = list((rename or {}).items())
        sources = (c_char_p * max(len(pairs), 1))(*(a.encode() for a, _ in pairs))
        targets = (c_char_p * max(len(pairs), 1))(*(b.encode() for _, b in pairs))
        _lib.axon_model_load_safetensors(self._h, _path(path), 1 if strict else 0, sources, targets, len(pairs))

    @classmethod
    def sequential(cls, layers: list[Model]) -> Model:
        """A sequential sharing the models ``layers`` (parameters included)."""
        handles = [m._h for m in layers]
        array = (_lib.model_p * max(len(handles), 1))(*handles)
        out = _lib.model_p()
        _lib.axon_model_sequential(byref(out), array, len(handles))
        return cls._adopt(out)

    @property
    def kind(self) -> str:
        """The layer kind ("linear", "sequential", ...)."""
        return _read_string(_lib.axon_model_kind, self._h)

    def children(self) -> list[tuple[str, Model]]:
        """The children by name, each a handle to the very layer inside this model."""
        handle = self._h
        result = []
        for i in range(_lib.axon_model_child_count(handle)):
            out = _lib.model_p()
            _lib.axon_model_child(byref(out), handle, i)
            result.append((_read_string(_lib.axon_model_child_name, handle, i), Model._adopt(out)))
        return result

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
        return _read_string(_lib.axon_model_spec, self._h)

    def state(self) -> list[tuple[str, Tensor]]:
        """The state tensors (parameters and buffers) by name, in PyTorch's order; the very
        tensors the model uses."""
        return self._named(_lib.axon_model_state_count, _lib.axon_model_state_tensor,
                           _lib.axon_model_state_name)

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
            result.append((_read_string(name_at, handle, i), Tensor._adopt(out)))
        return result

    def load_state(self, state: list[tuple[str, Tensor]], strict: bool = True) -> None:
        """Copies values into the state tensors by name (shapes must match)."""
        names = (c_char_p * max(len(state), 1))(*(name.encode() for name, _ in state))
        tensors, n = _tensor_array([t for _, t in state])
        _lib.axon_model_load_state(self._h, names, tensors, n, 1 if strict else 0)

    def train_step(self, optimizer, loss: str, x: Tensor, y: Tensor, clip_norm: float | None = None,
                   guarded: bool = True, gradient_hook=None) -> float:
        """Forward, loss, backward, optional clipping and an optimizer step; the loss before.
        ``guarded``: a non-finite loss, gradient or update raises :class:`axon.NonFiniteError`
        and changes nothing (weights, buffers, optimizer state). ``gradient_hook(buffer)``
        (data-parallel training, guarded only) changes the flat gradients in place between
        backward and the step, typically to their mean over the replicas."""
        out = c_float()
        if gradient_hook is not None:
            if not guarded:
                raise ValueError("train_step: a gradient hook runs in the guarded step only")
            hook = Hook(gradient_hook)
            _lib.axon_train_step_hooked(byref(out), self._h, optimizer._h, loss.encode(), x._h, y._h,
                                        clip_norm or 0.0, hook.c_function, None)
            return out.value
        fn = _lib.axon_train_step if guarded else _lib.axon_train_step_unguarded
        fn(byref(out), self._h, optimizer._h, loss.encode(), x._h, y._h, clip_norm or 0.0)
        return out.value

    # ---- Data-parallel training (see axon._replicas) -------------------------------------------

    def flat(self, part: int):
        """The flat float32 buffer of ``part`` (``_lib.AXON_PART_PARAMETERS``, ``_GRADIENTS`` or
        ``_STATE``) as a new NumPy array."""
        import numpy

        out = numpy.zeros(_lib.axon_model_flat_count(self._h, part), dtype=numpy.float32)
        _lib.axon_model_flat_read(self._h, part, out.ctypes.data_as(ctypes.POINTER(c_float)), out.size)
        return out

    def load_flat(self, part: int, values) -> None:
        """Copies ``values`` (exactly as many floats as ``part`` holds) into ``part`` in place."""
        import numpy

        values = numpy.ascontiguousarray(values, dtype=numpy.float32).reshape(-1)
        _lib.axon_model_flat_write(self._h, part, values.ctypes.data_as(ctypes.POINTER(c_float)), values.size)

    def broadcast(self, fn) -> None:
        """The whole state through ``fn(buffer)``, which leaves rank 0's values in it (a Bcast)."""
        hook = Hook(fn)
        _lib.axon_model_broadcast(self._h, hook.c_function, None)

    def sync_batchnorm(self, all_reduce_sum, rank: int = 0, world_size: int = 1) -> int:
        """Synchronized batch normalization over ``world_size`` replicas (this one ``rank``) with
        ``all_reduce_sum(buffer)`` (an Allreduce with SUM, in place); None goes back to
        per-replica statistics. The number of layers set."""
        hook = None if all_reduce_sum is None else Hook(all_reduce_sum)
        layers = c_size_t()
        fn = hook.c_function if hook is not None else _lib.replica_fn()
        _lib.axon_model_sync_batchnorm(byref(layers), self._h, rank, world_size, fn, None)
        self._sync_hook = hook  # the library calls it while the setting holds
        return layers.value

    def fit_loader(self, optimizer, loss: str, loader, *, epochs: int,
                   validation: tuple[Tensor, Tensor] | None = None, scheduler=None,
                   clip_norm: float | None = None, gradient_hook=None) -> list[EpochRecord]:
        """:meth:`fit` over ``loader`` (a :class:`axon._replicas.ShardedLoader` between epochs),
        with ``gradient_hook`` called at every step as in :meth:`train_step`."""
        records = (_lib.axon_epoch_record * max(epochs, 1))()
        count = c_size_t()
        val_x, val_y = validation if validation is not None else (None, None)
        hook = Hook(gradient_hook) if gradient_hook is not None else None
        _lib.axon_fit_loader(records, max(epochs, 0), byref(count), self._h, optimizer._h, _handle_or_null(scheduler),
                             loss.encode(), loader._h, _handle_or_null(val_x), _handle_or_null(val_y), epochs,
                             clip_norm or 0.0, hook.c_function if hook else _lib.replica_fn(), None)
        return [EpochRecord(records[i]) for i in range(count.value)]

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
            _handle_or_null(scheduler), loss.encode(), x._h, y._h,
            _handle_or_null(val_x), _handle_or_null(val_y),
            epochs, batch_size, seed, clip_norm or 0.0,
        )
        return [EpochRecord(records[i]) for i in range(count.value)]


class TensorFile(_Owned):
    """An ``axon_tensor_file``: named tensors and a text read from a tensor file."""

    __slots__ = ()
    _kind = "tensor file"
    _free = staticmethod(_lib.axon_tensor_file_free)

    @staticmethod
    def save(path, named: list[tuple[str, Tensor]], text: str) -> None:
        """Writes ``named`` tensors and ``text`` to ``path`` atomically."""
        names = (c_char_p * max(len(named), 1))(*(name.encode() for name, _ in named))
        tensors, n = _tensor_array([t for _, t in named])
        _lib.axon_tensors_save(_path(path), names, tensors, n, text.encode())

    @classmethod
    def load(cls, path) -> TensorFile:
        out = _lib.tensor_file_p()
        _lib.axon_tensors_load(byref(out), _path(path))
        return cls._adopt(out)

    @classmethod
    def load_safetensors(cls, path) -> TensorFile:
        """A safetensors file; its text is ``{"metadata": {...}, "integers": [names]}``."""
        out = _lib.tensor_file_p()
        _lib.axon_safetensors_load(byref(out), _path(path))
        return cls._adopt(out)

    @staticmethod
    def save_safetensors(path, named: list[tuple[str, Tensor]], integers: set, metadata: dict) -> None:
        """Writes ``named`` tensors as safetensors (the names in ``integers`` as I64)."""
        names = (c_char_p * max(len(named), 1))(*(name.encode() for name, _ in named))
        tensors, n = _tensor_array([t for _, t in named])
        flags = (c_int * max(len(named), 1))(*(1 if name in integers else 0 for name, _ in named))
        items = [(str(k).encode(), str(v).encode()) for k, v in metadata.items()]
        keys = (c_char_p * max(len(items), 1))(*(k for k, _ in items))
        values = (c_char_p * max(len(items), 1))(*(v for _, v in items))
        _lib.axon_safetensors_save(_path(path), names, tensors, flags, n, keys, values, len(items))

    @property
    def text(self) -> str:
        return _read_string(_lib.axon_tensor_file_text, self._h)

    def tensors(self) -> list[tuple[str, Tensor]]:
        handle = self._h
        result = []
        for i in range(_lib.axon_tensor_file_count(handle)):
            result.append((_read_string(_lib.axon_tensor_file_name, handle, i),
                           wrap(_lib.axon_tensor_file_tensor, handle, i, op=False)))
        return result
