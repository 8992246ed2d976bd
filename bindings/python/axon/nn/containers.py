"""Layer 3: the containers ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList``
and ``ParameterDict``, as PyTorch's (children named ``0``, ``1``, ... or by their keys)."""

from __future__ import annotations

from collections import OrderedDict

from .._objects import Model
from .module import Module, Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


class _Indexed(Module):
    """Children held under the names "0", "1", ... (Sequential, ModuleList)."""

    def _changed(self) -> None:
        self.__dict__["_cache"] = None

    def _renumber(self, modules) -> None:
        self._modules.clear()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
        self._changed()

    def _index(self, i: int) -> int:
        n = len(self._modules)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range")
        return i % n

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, i):
        values = list(self._modules.values())
        if isinstance(i, slice):
            return type(self)(*values[i]) if type(self) is Sequential else type(self)(values[i])
        return values[self._index(i)]

    def __setitem__(self, i: int, module: Module) -> None:
        key = list(self._modules)[self._index(i)]
        self.add_module(key, module)
        self._changed()

    def __delitem__(self, i) -> None:
        values = list(self._modules.values())
        del values[i if isinstance(i, slice) else self._index(i)]
        self._renumber(values)

    def append(self, module: Module):
        self.add_module(str(len(self._modules)), module)
        self._changed()
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self._renumber(values)

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]


class Sequential(_Indexed):
    """Its children one after another: ``Sequential(a, b, c)`` or ``Sequential(OrderedDict(...))``
    (children named by the keys). When every child is a built-in layer, the forward pass is one
    call of the library over a sequential sharing them."""

    _kind = "sequential"

    def __init__(self, *args) -> None:
        super().__init__()
        self.__dict__["_cache"] = None
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                if not isinstance(module, Module):
                    raise TypeError(f"{type(module).__name__} is not a Module subclass")
                self.add_module(str(i), module)

    def add_module(self, name: str, module: Module | None) -> None:
        super().add_module(name, module)
        self.__dict__["_cache"] = None

    def __setattr__(self, name: str, value) -> None:
        super().__setattr__(name, value)
        if isinstance(value, Module):
            self.__dict__["_cache"] = None

    def _native_model(self) -> Model | None:
        """The library sequential over the children's layers, rebuilt whenever a child's own model
        changed (a nested Sequential that was appended to, a child replaced)."""
        natives = []
        for module in self._modules.values():
            make = getattr(module, "_native_model", None)
            native = make() if make is not None else None
            if native is None:
                return None
            natives.append(native)
        key = tuple(id(n) for n in natives)
        cache = self.__dict__.get("_cache")
        if cache is not None and not cache.closed and self.__dict__.get("_cache_key") == key:
            return cache
        cache = Model.sequential(natives)
        cache.train(self.training)
        self.__dict__["_cache"], self.__dict__["_cache_key"] = cache, key
        self.__dict__["_cache_parts"] = natives  # keeps the ids in the key from being reused
        return cache

    def train(self, mode: bool = True) -> Module:
        super().train(mode)
        cache = self.__dict__.get("_cache")
        if cache is not None and not cache.closed:
            cache.train(mode)
        return self

    def forward(self, input):
        native = self._native_model() if self._modules else None
        if native is not None:
            from .._tensor_ops import operand
            return native.forward(operand(input))
        for module in self._modules.values():
            input = module(input)
        return input

    @property
    def model(self) -> Model:
        """The library model of this sequential (every child a built-in layer), sharing them."""
        native = self._native_model()
        if native is None:
            raise TypeError("Sequential.model: a child is not a built-in layer")
        return native

    @property
    def spec(self) -> str:
        """The text spec of this sequential (every child a built-in layer)."""
        return "sequential { " + "; ".join(m.spec for m in self._modules.values()) + " }"


class ModuleList(_Indexed):
    """A list of modules, registered as children (it has no forward)."""

    def __init__(self, modules=None) -> None:
        super().__init__()
        self.__dict__["_cache"] = None
        if modules is not None:
            self.extend(modules)

    def __iadd__(self, modules):
        return self.extend(modules)


class ModuleDict(Module):
    """A dict of modules, registered as children by key (it has no forward)."""

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self[key] = module


class ParameterList(Module):
    """A list of parameters, registered as "0", "1", ..."""

    def __init__(self, values=None) -> None:
        super().__init__()
        for v in values or []:
            self.append(v)

    def append(self, value) -> ParameterList:
        if not isinstance(value, Parameter):
            value = Parameter(value)
        self.register_parameter(str(len(self._parameters)), value)
        return self

    def extend(self, values) -> ParameterList:
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, i: int) -> Parameter:
        return list(self._parameters.values())[i]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())


class ParameterDict(Module):
    """A dict of parameters, registered by key."""

    def __init__(self, parameters=None) -> None:
        super().__init__()
        for key, value in (parameters or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value) -> None:
        self.register_parameter(key, value if isinstance(value, Parameter) else Parameter(value))

    def __getitem__(self, key: str) -> Parameter:
        return self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key) -> bool:
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()
