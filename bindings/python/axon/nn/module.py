"""Layer 3: ``nn.Module`` and ``nn.Parameter``, as PyTorch's.

A module registers the :class:`Parameter` s, buffers and sub-modules assigned to its
attributes; ``parameters()``, ``named_parameters()``, ``state_dict()`` (dotted names such as
``fc1.weight``), ``load_state_dict``, ``train()`` / ``eval()``, ``apply``, ``zero_grad`` and
``requires_grad_`` walk that tree. The built-in layers (:mod:`axon.nn.layers`) keep their
tensors in a layer of the library and register those very tensors, so an optimizer over
``model.parameters()`` trains the model, and ``model.fc1.weight`` is what the forward pass
reads.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

from .. import _dtype
from ..grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["Module", "Parameter", "Buffer"]

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Parameter(Tensor):
    """A tensor that is a module's parameter: assigned to a module attribute, it is registered.
    ``Parameter(data)`` shares ``data``'s storage and requires grad (unless told otherwise)."""

    __slots__ = ()

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        source = data if isinstance(data, Tensor) else Tensor([] if data is None else data)
        self._take(source.detach())
        if source.dtype is not _dtype.float32:
            self._dt = source.dtype
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """``nn.Buffer(data)``: a tensor registered as a module buffer when assigned."""

    __slots__ = ()

    def __init__(self, data: Tensor, persistent: bool = True) -> None:
        self._take(data.detach())


class Module:
    """Base class of every layer and model (``class Net(nn.Module)`` with ``__init__`` and
    ``forward``). Forward code composes tensor operations; the library differentiates them."""

    training: bool
    #: The library's layer kind a built-in layer stands for ("" for the others).
    _kind = ""

    def __init__(self, *args, **kwargs) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # ---- Attributes ---------------------------------------------------------------------------

    def _registry(self, name: str):
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"cannot assign to {type(self).__name__} before Module.__init__() call") from None

    def __setattr__(self, name: str, value) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._registry("_parameters")
            self._drop(name)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self._registry("_modules")
            self._drop(name)
            self._modules[name] = value
        elif params is not None and name in params:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        elif isinstance(value, Buffer):
            self._drop(name)
            self.register_buffer(name, value)
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = value
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as child module '{name}'")
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def _drop(self, name: str) -> None:
        for registry in ("_parameters", "_buffers", "_modules"):
            self.__dict__.get(registry, {}).pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str):
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(registry, {}):
                del self.__dict__[registry][name]
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "." in name or not name:
            raise KeyError(f'parameter name can\'t contain "." and can\'t be empty, got {name!r}')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__} as parameter '{name}' "
                            "(torch.nn.Parameter or None expected)")
        self._registry("_parameters")[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        if "." in name or not name:
            raise KeyError(f'buffer name can\'t contain "." and can\'t be empty, got {name!r}')
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign {type(tensor).__name__} as buffer '{name}' (Tensor or None expected)")
        self._registry("_buffers")[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._registry("_modules")[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def get_parameter(self, target: str) -> Parameter:
        path, _, name = target.rpartition(".")
        return getattr(self.get_submodule(path), name)

    # ---- Calling ------------------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def register_forward_hook(self, hook, *args, **kwargs):
        raise NotImplementedError("module hooks are not supported")

    register_forward_pre_hook = register_full_backward_hook = register_backward_hook = register_forward_hook

    # ---- The tree -----------------------------------------------------------------------------

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        memo = set() if memo is None else memo
        if remove_duplicate and id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def _named_members(self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """The parameters by dotted name, each once, in registration order (as PyTorch's)."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn) -> Module:
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics) for this module and every descendant."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            else:
                grad = param.grad
                if grad is not None:
                    grad.zero_()

    def num_parameters(self) -> int:
        """The number of trainable scalars (Axon's; PyTorch users write
        ``sum(p.numel() for p in model.parameters())``)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    # ---- State --------------------------------------------------------------------------------

    def _state_items(self):
        """(dotted name, tensor) of every parameter and persistent buffer."""
        for prefix, module in self.named_modules(remove_duplicate=False):
            dot = f"{prefix}." if prefix else ""
            for name, value in module._parameters.items():
                if value is not None:
                    yield dot + name, value
            for name, value in module._buffers.items():
                if value is not None and name not in module._non_persistent:
                    yield dot + name, value

    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters and buffers by dotted name. The tensors share storage with the model's
        (detached, unless ``keep_vars``), as PyTorch's."""
        result = OrderedDict() if destination is None else destination
        for name, value in self._state_items():
            result[prefix + name] = value if keep_vars else value.detach()
        return result

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copies tensors (or arrays) into the parameters and buffers by name. Every shape is
        checked before anything is copied, so a failing call changes nothing. Returns
        ``(missing_keys, unexpected_keys)``; with ``strict`` either one is an error."""
        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        if strict and missing:
            errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        sources = {}
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            source = value if isinstance(value, Tensor) else Tensor(value)
            if tuple(source.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {name}: copying a param with shape {source.shape} from "
                              f"checkpoint, the shape in current model is {target.shape}.")
            sources[name] = source
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        with no_grad():
            for name, source in sources.items():
                own[name].copy_(source)
        return _IncompatibleKeys(missing, unexpected)

    # ---- Devices and dtypes (CPU and float32 only) --------------------------------------------

    def to(self, *args, **kwargs) -> Module:
        """Accepts the CPU and float32 (what Axon has); refuses other devices and dtypes."""
        for arg in list(args) + list(kwargs.values()):
            if isinstance(arg, _dtype.dtype) or arg in (float,):
                if _dtype.check_dtype(arg, "Module.to") is not _dtype.float32:
                    raise TypeError(f"Module.to: dtype {arg!r} is not supported; modules are float32")
            elif isinstance(arg, bool) or arg is None:
                continue
            else:
                _dtype.check_device(arg, "Module.to")
        return self

    def cpu(self) -> Module:
        return self

    def float(self) -> Module:
        return self

    def cuda(self, *args, **kwargs) -> Module:
        raise RuntimeError("cuda(): Axon runs on the CPU only")

    def double(self) -> Module:
        raise TypeError("double(): float64 is not supported; Axon computes in float32 only")

    half = bfloat16 = double

    # ---- Printing -----------------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        for name, module in self._modules.items():
            body = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        extra = self.extra_repr()
        if not lines:
            return f"{self._get_name()}({extra})"
        head = f"{self._get_name()}(" + (f"\n  {extra}" if extra else "")
        return head + "\n  " + "\n  ".join(lines) + "\n)"
