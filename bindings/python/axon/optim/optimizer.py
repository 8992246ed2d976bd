"""Layer 3: :class:`Optimizer`, the base class of :mod:`axon.optim`'s optimizers, and its
parameter groups (:class:`ParamGroup`), each driving one layer-2 :class:`axon._optim.Optimizer`.

Every update rule runs in the library; this module translates PyTorch's keyword options, parameter
groups and state dicts to the C door's options by name and its checkpoint bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import numpy as np

from .._optim import Optimizer as _NativeOptimizer
from ..tensor import Tensor

__all__ = ["Optimizer", "ParamGroup"]

#: Options that PyTorch's constructors take and the library has no counterpart for: each is
#: accepted at its default values only (the tuple), anything else is a ValueError with the reason.
FIXED: dict[str, tuple[tuple, str]] = {
    "maximize": ((False,), "the library's update rules only minimize; minimize the negated objective instead"),
    "foreach": ((None, False), "the library has one CPU implementation of each update rule"),
    "fused": ((None, False), "the library has one CPU implementation of each update rule"),
    "capturable": ((False,), "axon has no CUDA graphs to capture"),
    "differentiable": ((False,), "the library's optimizer steps are not recorded for autograd"),
}

#: The opaque entry of ``state_dict()["state"]``: the library's checkpoint bytes of the optimizer.
STATE_KEY = "axon"


def _number(name: str, value) -> float:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"option {name!r} must be a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"option {name!r} must be a number, not {value!r}") from None


def _whole(name: str, value) -> float:
    number = _number(name, value)
    if math.isfinite(number) and number != math.floor(number):  # the library refuses non-finite values
        raise TypeError(f"option {name!r} must be a whole number, not {value!r}")
    return number


def _flag(name: str, value) -> float:
    if value not in (True, False):  # also 0 and 1
        raise TypeError(f"option {name!r} must be True or False, not {value!r}")
    return 1.0 if value else 0.0


class _Codec:
    """How one of PyTorch's option values maps to the library's options by name."""

    def __init__(self, encode: Callable[[str, Any], dict], decode: Callable[[str, Callable], Any]) -> None:
        self.encode = encode  # (torch key, value) -> {library key: float}
        self.decode = decode  # (torch key, get(library key) -> float) -> value


def _betas(name: str, value) -> dict:
    try:
        beta1, beta2 = value
    except (TypeError, ValueError):
        raise TypeError(f"option {name!r} must be a pair of numbers, not {value!r}") from None
    return {"beta1": _number(name, beta1), "beta2": _number(name, beta2)}


def _line_search(name: str, value) -> dict:
    if value not in (None, "strong_wolfe"):
        raise ValueError(f"only 'strong_wolfe' is supported as {name}, not {value!r}")
    return {"strong_wolfe": 1.0 if value == "strong_wolfe" else 0.0}


FLOAT = _Codec(lambda k, v: {k: _number(k, v)}, lambda k, get: get(k))
INT = _Codec(lambda k, v: {k: _whole(k, v)}, lambda k, get: int(get(k)))
BOOL = _Codec(lambda k, v: {k: _flag(k, v)}, lambda k, get: get(k) != 0)
BETAS = _Codec(_betas, lambda k, get: (get("beta1"), get("beta2")))
LINE_SEARCH = _Codec(_line_search, lambda k, get: "strong_wolfe" if get("strong_wolfe") else None)


def _fixed_check(owner: str, key: str, value, allowed: tuple, reason: str) -> None:
    if not any(value is a or (a is not None and value is not None and value == a) for a in allowed):
        choices = " or ".join(repr(a) for a in allowed)
        raise ValueError(f"{owner}: {key}={value!r} is not supported ({reason}); only {choices} is accepted")


class ParamGroup(MutableMapping):
    """``optimizer.param_groups[i]``, a dict-like view of one parameter group.

    Every option key (``lr``, ``momentum``, ``betas``, ``weight_decay``, ...) reads and writes the
    library (writes are validated there and take effect at the next step); ``params`` and any
    other key are plain entries. Unlike PyTorch's dict, ``params`` cannot be replaced and the
    option keys cannot be deleted. PyTorch's options without a library counterpart (``maximize``,
    ``foreach``, ...) read as their defaults and accept only those.
    """

    def __init__(self, optimizer: Optimizer, index: int, entries: dict) -> None:
        self._optimizer = optimizer
        self._index = index
        self._entries = entries  # "params", the fixed options, and any other key given

    def __getitem__(self, key: str):
        codec = self._optimizer._codecs.get(key)
        if codec is not None:
            native, index = self._optimizer._native, self._index
            return codec.decode(key, lambda k: native.get_option(k, index))
        return self._entries[key]

    def __setitem__(self, key: str, value) -> None:
        owner = type(self._optimizer).__name__
        codec = self._optimizer._codecs.get(key)
        if codec is not None:
            self._optimizer._set_options(self._index, codec.encode(key, value))
        elif key == "params":
            raise ValueError(f"{owner}: a group's params cannot be replaced; use add_param_group")
        else:
            fixed = self._optimizer._fixed_options().get(key)
            if fixed is not None:
                _fixed_check(owner, key, value, *fixed)
            self._entries[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self._optimizer._codecs or key == "params" or key in self._optimizer._fixed_options():
            raise KeyError(f"{key!r} cannot be removed from a parameter group")
        del self._entries[key]

    def __iter__(self) -> Iterator[str]:
        yield "params"
        yield from self._optimizer._codecs
        yield from (k for k in self._entries if k != "params")

    def __len__(self) -> int:
        return len(self._entries) + len(self._optimizer._codecs)

    def copy(self) -> dict:
        """A plain dict of the group's current values."""
        return dict(self)

    def __repr__(self) -> str:
        return repr(dict(self))


def _as_groups(params, owner: str) -> list[dict]:
    """``params`` (tensors, (name, tensor) pairs or dicts of groups) as a list of group dicts."""
    if isinstance(params, Tensor):
        raise TypeError(f"{owner}: params must be an iterable of tensors or dicts, not a Tensor")
    items = list(params)
    if not items:
        raise ValueError(f"{owner}: got an empty parameter list")
    if not isinstance(items[0], dict):
        items = [{"params": items}]
    groups = []
    for item in items:
        if not isinstance(item, dict):
            raise TypeError(f"{owner}: mixing tensors and parameter-group dicts is not allowed")
        groups.append(_group_params(dict(item), owner))
    return groups


def _group_params(group: dict, owner: str) -> dict:
    """``group`` with ``params`` as a list of tensors (and ``param_names`` for named pairs)."""
    if "params" not in group:
        raise ValueError(f"{owner}: a parameter group must have a 'params' key")
    params = group["params"]
    params = [params] if isinstance(params, Tensor) else list(params)
    if params and isinstance(params[0], tuple):
        group["param_names"] = [name for name, _ in params]
        params = [tensor for _, tensor in params]
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{owner} can only optimize axon Tensors, got {type(p).__name__}")
    group["params"] = params
    return group


class Optimizer:
    """Base class of :mod:`axon.optim`'s optimizers: the library's update rule ``_kind`` with
    PyTorch's options ``_codecs`` (key -> how it maps to the library), driving one layer-2
    :class:`axon._optim.Optimizer` (``_native``, what schedulers and checkpoints are given).

    Unlike ``torch.optim.Optimizer``, it cannot be subclassed with an update rule written in
    Python (the rules live in the library), it has no hooks, and ``state`` (the per-parameter
    buffers) cannot be read: ``state_dict()["state"]`` holds the library's checkpoint bytes as
    one opaque entry instead, which ``load_state_dict`` restores exactly.
    """

    _kind = ""
    _codecs: dict[str, _Codec] = {}
    #: The accepted-at-default-only options: key -> (allowed values, reason).
    _fixed: dict[str, tuple[tuple, str]] = {}

    def __init__(self, params, defaults: dict) -> None:
        owner = type(self).__name__
        if not self._kind:
            raise NotImplementedError(
                f"{owner}: optimizers with an update rule written in Python are not supported; the update rules "
                "are the library's (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, NAdam, LBFGS)")
        self._native: _NativeOptimizer | None = None
        self.defaults = dict(defaults)
        for key, (allowed, reason) in self._fixed_options().items():
            _fixed_check(owner, key, self.defaults.get(key), allowed, reason)
        self.param_groups: list[ParamGroup] = []
        self._stepped = False
        for group in _as_groups(params, owner):
            self.add_param_group(group)

    def _fixed_options(self) -> dict[str, tuple[tuple, str]]:
        """The accepted-at-default-only options: key -> (allowed values, reason)."""
        return self._fixed

    def _make_native(self, params: list[Tensor], options: dict) -> _NativeOptimizer:
        return _NativeOptimizer(self._kind, params, options)

    def add_param_group(self, param_group: dict) -> None:
        """Adds a group (a dict with ``params`` and options overriding the constructor's), as
        PyTorch's. The library refuses a parameter already in a group."""
        owner = type(self).__name__
        group = _group_params(dict(param_group), owner)
        merged = {**self.defaults, **group}
        options: dict[str, float] = {}
        entries: dict = {"params": group["params"]}
        for key, value in merged.items():
            if key in self._codecs:
                options.update(self._codecs[key].encode(key, value))
            elif key != "params":
                fixed = self._fixed_options().get(key)
                if fixed is not None:
                    _fixed_check(owner, key, value, *fixed)
                entries[key] = value
        if self._native is None:
            self._native = self._make_native(group["params"], options)
        else:
            self._native.add_param_group(group["params"], options)
        self.param_groups.append(ParamGroup(self, len(self.param_groups), entries))

    def _set_options(self, index: int, options: dict[str, float]) -> None:
        """Writes library options to group ``index``, all or none (on failure the old values return)."""
        native = self._native
        old = {key: native.get_option(key, index) for key in options}
        done = []
        try:
            for key, value in options.items():
                native.set_option(key, value, index)
                done.append(key)
        except Exception:
            for key in done:
                native.set_option(key, old[key], index)
            raise

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drops every parameter's gradient (``grad`` becomes None). With ``set_to_none=False``,
        a parameter that has a gradient gets a gradient of zeros instead, as in PyTorch (and is
        then stepped with it: momentum and moments move), one without keeps none."""
        having = [] if set_to_none else [p for g in self.param_groups for p in g["params"] if p.grad is not None]
        self._native.zero_grad()
        for p in having:
            p.backward(np.zeros(p.shape, dtype=np.float32))  # a leaf's backward adds the seed to its grad

    def step(self, closure: Callable[[], Any] | None = None):
        """One update from the current gradients. With ``closure`` (a callable that zeroes the
        gradients, runs forward and backward and returns the loss), the library calls it first
        (L-BFGS as often as it needs), and the first value it returned is returned; an exception
        inside it leaves the parameters unchanged and is re-raised."""
        self._stepped = True
        if closure is None:
            self._native.step()
            return None
        return self._native.step_closure(closure)[1]

    @property
    def state(self):
        raise NotImplementedError(
            f"{type(self).__name__}.state: the C door cannot read the optimizer's per-parameter buffers; "
            "state_dict() carries them as the library's opaque checkpoint bytes")

    def state_dict(self) -> dict:
        """PyTorch's structure: ``{"state": {"axon": {"checkpoint": bytes}}, "param_groups":
        [{"lr": ..., ..., "params": [0, 1, ...]}, ...]}``. Unlike PyTorch's, ``state`` is one
        opaque entry: the library's checkpoint bytes of the optimizer (options, step count and
        every buffer), which :meth:`load_state_dict` restores bit for bit."""
        groups, start = [], 0
        for group in self.param_groups:
            packed = {key: group[key] for key in group if key != "params"}
            count = len(group["params"])
            packed["params"] = list(range(start, start + count))
            start += count
            groups.append(packed)
        return {"state": {STATE_KEY: {"checkpoint": self._native.state_bytes()}}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restores :meth:`state_dict` of an optimizer of the same class over parameters of the
        same sizes, then writes every saved group value (so edits of the dict take effect).

        A ``state`` of PyTorch's per-parameter form raises ``NotImplementedError`` (the C door
        cannot set an optimizer's buffers); an empty ``state`` is accepted only before the
        first step (the C door cannot clear them either)."""
        owner = type(self).__name__
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for saved, group in zip(groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size "
                                 "of optimizer's group")
        state = state_dict.get("state") or {}
        if STATE_KEY in state:
            self._native.load_state_bytes(state[STATE_KEY]["checkpoint"])
        elif state:
            raise NotImplementedError(
                f"{owner}.load_state_dict: per-parameter state in PyTorch's form cannot be loaded; the C door has "
                "no function that sets an optimizer's buffers (only its own checkpoint bytes)")
        elif self._stepped:
            raise NotImplementedError(
                f"{owner}.load_state_dict: an empty state cannot reset an optimizer that has stepped; the C door "
                "has no function that clears an optimizer's buffers (make a new optimizer)")
        for saved, group in zip(groups, self.param_groups):
            for key, value in saved.items():
                if key == "params":
                    continue
                if key not in self._codecs or group[key] != value:
                    group[key] = value

    def close(self) -> None:
        """Releases the library's optimizer (schedulers over it keep it alive)."""
        self._native.close()

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines + [")"])

    def __getstate__(self):
        raise TypeError(f"{type(self).__name__} cannot be pickled; save its state_dict() instead")
