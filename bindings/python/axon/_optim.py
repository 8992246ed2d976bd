"""Layer 2: owning wrappers of the ``axon_optimizer``, ``axon_scheduler``, ``axon_plateau`` and
``axon_generator`` handles, one Python object per handle, and the checkpoint calls that take them.

Each wrapper derives from :class:`axon._owned._Owned` (released in ``close()``, on leaving a
``with`` block and when garbage collected; closing twice is harmless) and mirrors the C functions
one to one, taking and returning wrappers and plain Python values. The PyTorch-shaped API
(:mod:`axon.optim`, :mod:`axon.optim.lr_scheduler`, :mod:`axon.utils.data`) is built on them.

The state of an optimizer, a schedule or a plateau is readable only as the library's own
checkpoint bytes (``state_bytes()``): the C door saves and restores those objects through
checkpoint files, which hold a model as well, so these methods go through a temporary file with
a parameterless scratch model. The bytes are opaque to Python.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from ctypes import POINTER, byref, c_char_p, c_double, c_float, c_int64, c_size_t, cast

import numpy as np

from . import _lib
from ._owned import _handle_or_null, _options, _Owned, _path, _tensor_array
from .errors import AxonError

__all__ = ["Optimizer", "Scheduler", "Plateau", "Generator", "save_checkpoint", "restore_checkpoint",
           "DEFAULT_GENERATOR_SEED"]

#: The seed of a :class:`Generator` made without one (torch.Generator's default seed).
DEFAULT_GENERATOR_SEED = 67280421310721


class Optimizer(_Owned):
    """An ``axon_optimizer`` of ``kind`` over ``params`` (tensors) with options by the C door's
    names (``lr``, ``beta1``, ``nesterov`` as 0 or 1, ...); see :meth:`lbfgs` for L-BFGS."""

    __slots__ = ()
    _kind = "optimizer"
    _free = staticmethod(_lib.axon_optimizer_free)

    def __init__(self, kind: str, params: Iterable, options: dict | None = None) -> None:
        self._handle = None
        params = list(params)  # keeps the wrappers (and so the handles) alive during the call
        tensors, n = _tensor_array(params)
        keys, values, n_options = _options(options or {})
        out = _lib.optimizer_p()
        _lib.axon_optimizer_new(byref(out), kind.encode(), tensors, n, keys, values, n_options)
        self._handle = out

    @classmethod
    def lbfgs(cls, params: Iterable, options: dict | None = None) -> Optimizer:
        """An L-BFGS optimizer (``axon_optimizer_new_lbfgs``), stepped with :meth:`step_closure`."""
        params = list(params)  # keeps the wrappers (and so the handles) alive during the call
        tensors, n = _tensor_array(params)
        keys, values, n_options = _options(options or {})
        out = _lib.optimizer_p()
        _lib.axon_optimizer_new_lbfgs(byref(out), tensors, n, keys, values, n_options)
        return cls._adopt(out)

    def step(self) -> None:
        """One update of every parameter that has a gradient."""
        _lib.axon_optimizer_step(self._h)

    def step_closure(self, closure: Callable[[], object]) -> tuple[float, object]:
        """One step driven by ``closure`` (``axon_optimizer_step_closure``), a Python callable that
        zeroes the gradients, runs forward and backward and returns the loss (a tensor or a
        number). Returns the first loss as a float and the first object ``closure`` returned.

        An exception raised inside ``closure`` is reported to the library as a NaN loss, which
        makes the step fail and leave the parameters as they were; the exception is then
        re-raised here. A closure that returns NaN itself fails the step with
        :class:`~axon.errors.StateError`.
        """
        failures: list[BaseException] = []
        first: list[object] = []

        def call(_user) -> float:
            try:
                result = closure()
                if result is None:
                    raise TypeError("the closure returned None; it must return the loss")
                value = float(result)
            except BaseException as error:  # noqa: BLE001 - re-raised after the C call
                failures.append(error)
                return math.nan
            if not first:
                first.append(result)
            return value

        c_closure = _lib.closure_fn(call)  # referenced until the call returns
        out = c_float()
        try:
            _lib.axon_optimizer_step_closure(byref(out), self._h, c_closure, None)
        except AxonError:
            if failures:
                raise failures[0] from None
            raise
        return out.value, (first[0] if first else None)

    def zero_grad(self) -> None:
        """Drops the gradient of every parameter (``set_to_none=True``)."""
        _lib.axon_optimizer_zero_grad(self._h)

    @property
    def group_count(self) -> int:
        return _lib.axon_optimizer_group_count(self._h)

    def add_param_group(self, params: Iterable, options: dict | None = None) -> None:
        """Appends a group over ``params`` with the construction options, ``options`` overriding."""
        params = list(params)  # keeps the wrappers (and so the handles) alive during the call
        tensors, n = _tensor_array(params)
        keys, values, n_options = _options(options or {})
        _lib.axon_optimizer_add_param_group(self._h, tensors, n, keys, values, n_options)

    def get_option(self, key: str, group: int = 0) -> float:
        """Option ``key`` of parameter group ``group`` (booleans as 0.0 or 1.0)."""
        out = c_double()
        _lib.axon_optimizer_get_option(byref(out), self._h, group, key.encode())
        return out.value

    def set_option(self, key: str, value: float, group: int = 0) -> None:
        """Sets option ``key`` of parameter group ``group``, validated by the library."""
        _lib.axon_optimizer_set_option(self._h, group, key.encode(), float(value))

    def get_lr(self, group: int = 0) -> float:
        out = c_double()
        _lib.axon_optimizer_get_lr(byref(out), self._h, group)
        return out.value

    def set_lr(self, lr: float, group: int = 0) -> None:
        _lib.axon_optimizer_set_lr(self._h, group, float(lr))

    def state_bytes(self) -> bytes:
        """The optimizer's kind, options, step count and buffers, as checkpoint bytes."""
        return _state_bytes(optimizer=self)

    def load_state_bytes(self, data: bytes) -> None:
        """Restores what :meth:`state_bytes` returned for an optimizer of the same kind, groups
        and parameter sizes."""
        _load_state_bytes(data, optimizer=self)


class Scheduler(_Owned):
    """An ``axon_scheduler`` of ``kind`` driving ``optimizer`` (which it keeps alive); see
    :meth:`composed` for sequential and chained schedules."""

    __slots__ = ()
    _kind = "scheduler"
    _free = staticmethod(_lib.axon_scheduler_free)

    def __init__(self, optimizer: Optimizer, kind: str, options: dict | None = None) -> None:
        self._handle = None
        keys, values, n = _options(options or {})
        out = _lib.scheduler_p()
        _lib.axon_scheduler_new(byref(out), optimizer._h, kind.encode(), keys, values, n)
        self._handle = out

    @classmethod
    def composed(cls, optimizer: Optimizer, composition: str, parts: Sequence[tuple[str, dict]],
                 milestones: Sequence[int] = ()) -> Scheduler:
        """``axon_scheduler_new_composed``: ``parts`` (kind, options) composed as "sequential"
        (switching at ``milestones``) or "chained" (factors multiplied)."""
        n = len(parts)
        arrays = [_options(options) for _, options in parts]  # kept alive through the call
        kinds = (c_char_p * max(n, 1))(*(kind.encode() for kind, _ in parts))
        keys = (POINTER(c_char_p) * max(n, 1))(*(cast(k, POINTER(c_char_p)) for k, _, _ in arrays))
        values = (POINTER(c_double) * max(n, 1))(*(cast(v, POINTER(c_double)) for _, v, _ in arrays))
        counts = (c_size_t * max(n, 1))(*(count for _, _, count in arrays))
        stones = (c_int64 * max(len(milestones), 1))(*(int(m) for m in milestones))
        out = _lib.scheduler_p()
        _lib.axon_scheduler_new_composed(byref(out), optimizer._h, composition.encode(), n, kinds, keys, values,
                                         counts, stones, len(milestones))
        return cls._adopt(out)

    def step(self) -> None:
        """Advances one step and writes the new rates into the optimizer."""
        _lib.axon_scheduler_step(self._h)

    def state_bytes(self) -> bytes:
        """The schedule's position, as checkpoint bytes."""
        return _state_bytes(scheduler=self)

    def load_state_bytes(self, data: bytes) -> None:
        """Restores a position saved by :meth:`state_bytes` and applies its rates."""
        _load_state_bytes(data, scheduler=self)


class Plateau(_Owned):
    """An ``axon_plateau`` (ReduceLROnPlateau) over ``optimizer`` with options by the C door's
    names (``mode`` 0 or 1, ``factor``, ``patience``, ``threshold``, ``threshold_mode`` 0 or 1,
    ``cooldown``, ``min_lr``, ``eps``)."""

    __slots__ = ()
    _kind = "plateau"
    _free = staticmethod(_lib.axon_plateau_free)

    def __init__(self, optimizer: Optimizer, options: dict | None = None) -> None:
        self._handle = None
        keys, values, n = _options(options or {})
        out = _lib.plateau_p()
        _lib.axon_plateau_new(byref(out), optimizer._h, keys, values, n)
        self._handle = out

    def step(self, metric: float) -> None:
        """Reports one value of the metric."""
        _lib.axon_plateau_step(self._h, float(metric))

    def state_bytes(self) -> bytes:
        """The best value, the counters and the optimizer's rates, as checkpoint bytes."""
        return _state_bytes(plateau=self)

    def load_state_bytes(self, data: bytes) -> None:
        """Restores what :meth:`state_bytes` returned, rates included."""
        _load_state_bytes(data, plateau=self)


class Generator(_Owned):
    """An ``axon_generator``: a seeded xoshiro256** stream, the analogue of ``torch.Generator``.

    Unlike PyTorch's, its values differ from torch's for the same seed (another algorithm), and
    its state cannot be read or set (:meth:`get_state` and :meth:`set_state` raise
    ``NotImplementedError``: the C door has no function for it). Made without a seed, it starts
    from PyTorch's default seed, 67280421310721.

    >>> g = Generator().manual_seed(42)
    >>> g.randperm(5)  # a permutation of 0..4, the same on every machine when seeded with 42
    """

    __slots__ = ("_seed",)
    _kind = "generator"
    _free = staticmethod(_lib.axon_generator_free)

    def __init__(self, device: str = "cpu") -> None:
        self._handle = None
        if str(device) != "cpu":
            raise ValueError(f"Generator: device {device!r} is not available; axon runs on the CPU only")
        self._seed = 0
        self.manual_seed(DEFAULT_GENERATOR_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restarts the stream from ``seed`` (an integer in -2**63 ... 2**64 - 1, negative seeds
        taken modulo 2**64 as PyTorch does) and returns this generator."""
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"manual_seed: seed {seed} is outside -2**63 ... 2**64 - 1")
        seed %= 2**64
        out = _lib.generator_p()
        _lib.axon_generator_new(byref(out), seed)
        old, self._handle = getattr(self, "_handle", None), out
        if old:
            _lib.axon_generator_free(old)
        self._seed = seed
        return self

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    def seed(self) -> int:
        """Restarts the stream from a seed drawn from the operating system's entropy; returns it."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    @property
    def device(self) -> str:
        return "cpu"

    def get_state(self):
        raise NotImplementedError("Generator.get_state: the C door has no function that reads a generator's state")

    def set_state(self, state) -> Generator:
        raise NotImplementedError("Generator.set_state: the C door has no function that sets a generator's state")

    def randperm(self, n: int) -> list[int]:
        """A random permutation of ``0 .. n-1`` (``axon_tensor_randperm``, advancing the stream)."""
        n = int(n)
        out = _lib.tensor_p()
        _lib.axon_tensor_randperm(byref(out), self._h, n)
        return _whole_numbers(out, n)

    def randint(self, low: int, high: int, count: int) -> list[int]:
        """``count`` uniform integers in ``low .. high-1`` (``axon_tensor_randint``, advancing the
        stream); both bounds within +-2**24."""
        count = int(count)
        shape = (c_int64 * 1)(count)
        out = _lib.tensor_p()
        _lib.axon_tensor_randint(byref(out), self._h, int(low), int(high), shape, 1)
        return _whole_numbers(out, count)


def _whole_numbers(handle, n: int) -> list[int]:
    """The ``n`` whole-number floats of the tensor ``handle`` (owned, released here) as ints."""
    try:
        values = np.empty(n, dtype=np.float32)
        _lib.axon_tensor_copy_data(handle, values.ctypes.data_as(POINTER(c_float)), n)
    finally:
        _lib.axon_tensor_free(handle)
    return values.astype(np.int64).tolist()


# ---- Checkpoints ---------------------------------------------------------------------------


def _split_schedule(scheduler: Scheduler | Plateau | None) -> tuple:
    """A schedule argument as the checkpoint calls' (sched, plateau) handles."""
    if scheduler is None:
        return None, None
    if isinstance(scheduler, Plateau):
        return None, scheduler._h
    if isinstance(scheduler, Scheduler):
        return scheduler._h, None
    raise TypeError(f"checkpoint: expected an axon._optim.Scheduler, Plateau or None, got {type(scheduler).__name__}")


def _checked_optimizer(optimizer: Optimizer | None):
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"checkpoint: expected an axon._optim.Optimizer or None, got {type(optimizer).__name__}")
    return _handle_or_null(optimizer)


def save_checkpoint(path, model: _Owned, optimizer: Optimizer | None = None,
                    scheduler: Scheduler | Plateau | None = None) -> None:
    """Saves ``model`` (a layer-2 model wrapper) with the state of ``optimizer`` and ``scheduler``
    (a :class:`Scheduler` or a :class:`Plateau`) atomically (``axon_checkpoint_save_plateau``)."""
    _lib.axon_checkpoint_save_plateau(_path(path), model._h, _checked_optimizer(optimizer),
                                      *_split_schedule(scheduler))


def restore_checkpoint(path, model: _Owned, optimizer: Optimizer | None = None,
                       scheduler: Scheduler | Plateau | None = None) -> None:
    """Restores what :func:`save_checkpoint` wrote into objects built the same way
    (``axon_checkpoint_restore_plateau``)."""
    _lib.axon_checkpoint_restore_plateau(_path(path), model._h, _checked_optimizer(optimizer),
                                         *_split_schedule(scheduler))


def _scratch_model():
    """A new parameterless model handle (owned by the caller) to carry a checkpoint."""
    out = _lib.model_p()
    _lib.axon_model_new(byref(out), b"relu", 0)
    return out


def _state_bytes(optimizer: Optimizer | None = None, scheduler: Scheduler | None = None,
                 plateau: Plateau | None = None) -> bytes:
    """The checkpoint bytes of the objects given, saved with a scratch model."""
    with tempfile.TemporaryDirectory(prefix="axon-state-") as folder:
        path = os.path.join(folder, "state.axon")
        model = _scratch_model()
        try:
            _lib.axon_checkpoint_save_plateau(_path(path), model, _handle_or_null(optimizer),
                                              _handle_or_null(scheduler), _handle_or_null(plateau))
        finally:
            _lib.axon_model_free(model)
        with open(path, "rb") as file:
            return file.read()


def _load_state_bytes(data: bytes, optimizer: Optimizer | None = None, scheduler: Scheduler | None = None,
                      plateau: Plateau | None = None) -> None:
    """Restores checkpoint bytes from :func:`_state_bytes` into the objects given."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"state: expected the bytes of state_bytes(), got {type(data).__name__}")
    with tempfile.TemporaryDirectory(prefix="axon-state-") as folder:
        path = os.path.join(folder, "state.axon")
        with open(path, "wb") as file:
            file.write(data)
        model = _scratch_model()
        try:
            _lib.axon_checkpoint_restore_plateau(_path(path), model, _handle_or_null(optimizer),
                                                 _handle_or_null(scheduler), _handle_or_null(plateau))
        finally:
            _lib.axon_model_free(model)
