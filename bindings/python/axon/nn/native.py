"""Layer 3: the base of the built-in layers. Each holds one layer of the library (a layer-2
:class:`axon._objects.Model` built from the layer's text spec with the next seed of
:func:`axon.manual_seed`) and registers that layer's very tensors as its parameters and
buffers, so that optimizers, ``state_dict()`` and in-place updates reach what the library
computes with.

A model read from a file (:func:`axon.load`) becomes a tree of these modules, each one a view
of its layer in the loaded model (:func:`from_native`).
"""

from __future__ import annotations

from .. import _dtype
from .. import _seed
from .._objects import Model
from .._tensor_ops import operand
from ..grad_mode import no_grad
from .module import Module, Parameter

__all__ = ["NativeModule", "from_native", "native_of"]

#: The module class of each layer kind of the library, filled by ``NativeModule`` subclasses.
KINDS: dict[str, type] = {}


class NativeModule(Module):
    """A built-in layer: ``_kind`` names the library's layer kind; ``__init__`` of a subclass
    calls :meth:`_build` with the spec arguments after the kind."""

    _kind = ""
    #: Parameters and buffers PyTorch sets to None when an option leaves them out (bias=False, ...).
    _optional: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._kind and cls._kind not in KINDS:
            KINDS[cls._kind] = cls

    def _build(self, arguments: str = "") -> None:
        Module.__init__(self)
        spec = f"{self._kind} {arguments}".strip()
        self._attach(Model(spec, _seed.next_seed()))

    def _attach(self, native: Model) -> None:
        """Registers the tensors of ``native`` (the layer itself, not a copy)."""
        object.__setattr__(self, "_native", native)
        parameter_names = {name for name, _ in native.named_parameters()}
        for name, tensor in native.state():
            if "." in name:
                continue  # a descendant's tensor: registered by the child module
            if name in parameter_names:
                tensor.__class__ = Parameter
                self._parameters[name] = tensor
            else:
                if name == "num_batches_tracked":
                    tensor._dt = _dtype.int64
                self._buffers[name] = tensor
        for name, child in native.children():
            self._modules[name] = from_native(child)
        for name in self._optional:
            if name not in self._parameters and name not in self._buffers:
                registry = self._buffers if name.startswith("running_") else self._parameters
                registry[name] = None
        object.__setattr__(self, "training", native.training)

    def _native_model(self) -> Model:
        return self._native

    def _describe(self) -> None:
        """Sets PyTorch's descriptive attributes (``in_features``, ...) of a layer read from a file."""

    @property
    def spec(self) -> str:
        """This layer's text in the library's layer spec language."""
        return self._native.spec

    @property
    def model(self) -> Model:
        """The library layer behind this module."""
        return self._native

    def __setattr__(self, name: str, value) -> None:
        params = self.__dict__.get("_parameters", {})
        if name in params and "_native" in self.__dict__:
            if value is None:
                raise TypeError(f"{type(self).__name__}: parameter '{name}' of a built-in layer cannot be removed")
            with no_grad():
                params[name].copy_(value)  # the library's tensor keeps its place in the layer
            return
        super().__setattr__(name, value)

    def forward(self, input):
        return self._native.forward(operand(input))

    def train(self, mode: bool = True) -> Module:
        super().train(mode)
        self._native.train(mode)
        return self

    def extra_repr(self) -> str:
        spec = self.spec
        return spec[len(self._kind):].strip() if spec.startswith(self._kind) else spec


def from_native(native: Model) -> Module:
    """A module tree viewing ``native``: containers become :class:`~axon.nn.Sequential` (and
    the other containers), layers the module class of their kind."""
    from .containers import Sequential
    kind = native.kind
    if kind == "sequential":
        seq = Sequential()
        for name, child in native.children():
            seq.add_module(name, from_native(child))
        object.__setattr__(seq, "training", native.training)
        seq._cache = native
        return seq
    cls = KINDS.get(kind)
    if cls is None:
        raise TypeError(f"axon: no module class for the library's layer kind {kind!r}")
    module = cls.__new__(cls)
    Module.__init__(module)
    module._attach(native)
    module._describe()
    return module


def native_of(module: Module) -> Model:
    """The library model computing ``module``: a built-in layer's own, or for a Sequential of
    built-in layers one sharing them. A TypeError names the first module that has none."""
    native = getattr(module, "_native_model", None)
    if native is None:
        raise TypeError(f"{type(module).__name__} is not made of the library's built-in layers; "
                        "save its state_dict() instead")
    return native()
