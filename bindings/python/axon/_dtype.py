"""Layer 3 values shared by every layer: dtypes, devices and ``Size`` (pure Python).

Axon computes in float32 on the CPU only. A tensor's ``dtype`` is float32, or a *logical*
integer or boolean type over float32 storage: results of comparisons are ``bool``, indices
(``argmax``, ``randint``, ``randperm``, integer ``arange``) are ``int64``. Such values are
whole numbers held exactly (up to 2**24), so ``(pred == y).sum().item()`` is an ``int`` as in
PyTorch. Other dtypes (float64, float16, bfloat16, complex) are refused with a clear error.
"""

from __future__ import annotations

__all__ = ["dtype", "device", "Size", "float32", "bool_", "int64", "int32", "int16", "int8",
           "uint8", "float64", "float16", "bfloat16", "check_dtype", "check_device"]


class dtype:
    """A tensor element type (``axon.float32``, ``axon.int64``, ...)."""

    __slots__ = ("name", "is_floating_point", "is_signed", "itemsize", "supported")

    def __init__(self, name: str, floating: bool, signed: bool, itemsize: int, supported: bool) -> None:
        self.name = name
        self.is_floating_point = floating
        self.is_signed = signed
        self.itemsize = itemsize
        self.supported = supported

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", True, True, 4, True)
bool_ = dtype("bool", False, False, 1, True)
int64 = dtype("int64", False, True, 8, True)
int32 = dtype("int32", False, True, 4, True)
int16 = dtype("int16", False, True, 2, True)
int8 = dtype("int8", False, True, 1, True)
uint8 = dtype("uint8", False, False, 1, True)
float64 = dtype("float64", True, True, 8, False)
float16 = dtype("float16", True, True, 2, False)
bfloat16 = dtype("bfloat16", True, True, 2, False)
complex64 = dtype("complex64", True, True, 8, False)

_ALL = {d.name: d for d in (float32, bool_, int64, int32, int16, int8, uint8, float64, float16, bfloat16,
                            complex64)}


def _by_name(name: str) -> dtype:
    return _ALL[name]


_NUMPY = {"float32": float32, "float64": float32, "float16": float32, "bool": bool_, "int64": int64,
          "int32": int32, "int16": int16, "int8": int8, "uint8": uint8, "uint16": int32, "uint32": int64}


def from_numpy_dtype(np_dtype) -> dtype:
    """The logical dtype a NumPy array of ``np_dtype`` becomes (floats become float32)."""
    try:
        return _NUMPY[str(np_dtype)]
    except KeyError:
        raise TypeError(f"axon: NumPy arrays of dtype {np_dtype} are not supported (float32 only)") from None


def check_dtype(value, what: str) -> dtype | None:
    """``value`` as a supported dtype (None stays None); a clear error for the others."""
    if value is None:
        return None
    if isinstance(value, str):
        value = _ALL.get(value.replace("torch.", ""), value)
    if value is float:
        return float32
    if value is int:
        return int64
    if value is bool:
        return bool_
    if not isinstance(value, dtype):
        raise TypeError(f"{what}: {value!r} is not a dtype")
    if not value.supported:
        raise TypeError(f"{what}: dtype {value.name} is not supported; Axon computes in float32 only")
    return value


class device:
    """``torch.device``: only ``"cpu"`` exists (``cpu:0`` too); anything else is refused."""

    __slots__ = ("type", "index")

    def __init__(self, spec="cpu", index: int | None = None) -> None:
        if isinstance(spec, device):
            spec, index = spec.type, spec.index
        text = str(spec)
        kind, _, number = text.partition(":")
        if kind != "cpu":
            raise RuntimeError(f"axon: device {text!r} is not available; Axon runs on the CPU only")
        self.type = "cpu"
        self.index = int(number) if number else index

    def __eq__(self, other) -> bool:
        try:
            return device(other).type == self.type
        except (RuntimeError, TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"


cpu = device("cpu")


def check_device(value, what: str) -> None:
    """Accepts None, "cpu", ``device("cpu")``; refuses every other device clearly."""
    if value is None:
        return
    try:
        device(value)
    except RuntimeError as error:
        raise RuntimeError(f"{what}: {error}") from None


class Size(tuple):
    """``torch.Size``: a tuple of ints with ``numel()``."""

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

    def __repr__(self) -> str:
        return f"torch.Size({list(self)!r})"

    def __getitem__(self, key):
        result = tuple.__getitem__(self, key)
        return Size(result) if isinstance(key, slice) else result
