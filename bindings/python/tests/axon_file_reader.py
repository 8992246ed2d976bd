"""A reader of the ``.axon`` file format written from its description alone (FORMAT.md next to the
serialization sources), with nothing but the standard library: no numpy and no axon.

It is an independent reference for the tests: it lists a file's sections (tag, flags, required,
layout version, whether the CRC matches, offset, length) and decodes the sections the document
describes: the architecture, the parameters and buffers of a model file, the tensors of a
tensor file, the mode, the random streams, the metadata and the checkpoint sections.

    python3 axon_file_reader.py FILE...     prints each file's sections and tensors
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass, field

MAGIC = b"\x8aAXON\r\n\x1a"
FORMAT_VERSION = 1
MAX_SECTIONS = 1024
MAX_RANK = 16
HEADER_SIZE = 16
ENTRY_SIZE = 32

#: The sections this reader knows and the layout version it reads of each.
KNOWN_LAYOUTS = {tag: 1 for tag in ("ARCH", "PARM", "BUFF", "MODE", "RNGS", "META", "TENS",
                                    "OPTM", "SCHD", "LOAD", "STOP")}


class FormatError(ValueError):
    """The bytes are not a valid ``.axon`` file of version 1 (truncated, corrupt, hostile)."""


class CrcError(FormatError):
    """A CRC-32 in the file does not match the bytes it covers."""


# ---- CRC-32 -----------------------------------------------------------------------------------


def _crc_table() -> list:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32_reference(data: bytes) -> int:
    """CRC-32 exactly as the document gives it: reflected polynomial 0xEDB88320, initial value
    and final xor 0xFFFFFFFF. Slow; :func:`crc32` is the same function through zlib."""
    c = 0xFFFFFFFF
    for byte in data:
        c = _TABLE[(c ^ byte) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def crc32(data: bytes) -> int:
    """zlib's CRC-32, which is the document's (the tests check they agree)."""
    return zlib.crc32(data) & 0xFFFFFFFF


# ---- Records ----------------------------------------------------------------------------------


@dataclass
class Section:
    tag: str
    flags: int
    version: int
    crc: int
    offset: int
    length: int
    crc_ok: bool

    @property
    def required(self) -> bool:
        return bool(self.flags & 1)


@dataclass
class Tensor:
    name: str
    shape: tuple
    raw: bytes  # the elements' bytes as stored: little-endian float32, row-major

    @property
    def count(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def bits(self) -> tuple:
        """The elements' float32 bit patterns (u32 each)."""
        return struct.unpack(f"<{self.count}I", self.raw)

    @property
    def values(self) -> list:
        """The elements as Python floats (float32 values, exactly)."""
        return list(struct.unpack(f"<{self.count}f", self.raw))


@dataclass
class AxonFile:
    version: int
    header_crc: int
    header_crc_ok: bool
    sections: list
    kind: str = ""  # "model" or "tensors" once decoded
    arch: str | None = None
    parameters: dict = field(default_factory=dict)
    buffers: dict = field(default_factory=dict)
    tensors: dict = field(default_factory=dict)
    mode: int | None = None
    rngs: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    optimizer: dict | None = None
    schedules: dict | None = None
    loader: dict | None = None
    stopping: dict | None = None
    skipped: list = field(default_factory=list)

    def section(self, tag: str) -> Section | None:
        return next((s for s in self.sections if s.tag == tag), None)

    @property
    def state_dict(self) -> dict:
        """Parameters then buffers by name, as a model file stores them."""
        return {**self.parameters, **self.buffers}


# ---- A bounded cursor -------------------------------------------------------------------------


class _Cursor:
    """Reads little-endian values from one section's payload; every read is checked against the
    bytes that remain."""

    def __init__(self, data: bytes, tag: str) -> None:
        self.data, self.pos, self.tag = data, 0, tag

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or n > self.remaining:
            raise FormatError(f"{self.tag}: {what} needs {n} bytes, {self.remaining} remain")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def _unpack(self, fmt: str, what: str):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))[0]

    def u8(self, what: str = "a u8") -> int:
        return self._unpack("B", what)

    def u32(self, what: str = "a u32") -> int:
        return self._unpack("I", what)

    def u64(self, what: str = "a u64") -> int:
        return self._unpack("Q", what)

    def f64(self, what: str = "an f64") -> float:
        return self._unpack("d", what)

    def count(self, what: str, least_bytes_each: int) -> int:
        """A u32 count, refused when its items cannot fit in what remains."""
        n = self.u32(what)
        if n * least_bytes_each > self.remaining:
            raise FormatError(f"{self.tag}: {what} {n} does not fit in the {self.remaining} bytes that remain")
        return n

    def string(self, what: str = "a string") -> str:
        n = self.u32(f"the length of {what}")
        try:
            return self.take(n, what).decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError(f"{self.tag}: {what} is not UTF-8 ({e})") from None

    def floats(self, n: int, what: str) -> bytes:
        if n > self.remaining // 4:
            raise FormatError(f"{self.tag}: {what} of {n} float32 does not fit in the "
                              f"{self.remaining} bytes that remain")
        return self.take(4 * n, what)

    def words(self, what: str) -> tuple:
        return struct.unpack("<4Q", self.take(32, what))

    def end(self) -> None:
        if self.remaining:
            raise FormatError(f"{self.tag}: {self.remaining} bytes left over after the payload")


# ---- The header and the table -----------------------------------------------------------------


def list_sections(data: bytes) -> AxonFile:
    """The header and the section table, each CRC compared (not enforced) with its bytes; the
    offsets and lengths are checked against the file size."""
    if len(data) < HEADER_SIZE:
        raise FormatError(f"file of {len(data)} bytes is shorter than the {HEADER_SIZE}-byte header")
    if data[:8] != MAGIC:
        raise FormatError(f"bad magic {data[:8].hex(' ')}: not an .axon file")
    version, n = struct.unpack_from("<II", data, 8)
    if version > FORMAT_VERSION:
        raise FormatError(f"format version {version}: written by a newer Axon (this reader knows {FORMAT_VERSION})")
    if version < 1:
        raise FormatError(f"format version {version} is not a version of the format")
    if n > MAX_SECTIONS:
        raise FormatError(f"section count {n} is above the limit of {MAX_SECTIONS}")
    table_end = HEADER_SIZE + ENTRY_SIZE * n
    if len(data) < table_end + 4:
        raise FormatError(f"the table of {n} sections and its CRC need {table_end + 4} bytes, the file has {len(data)}")
    (header_crc,) = struct.unpack_from("<I", data, table_end)
    sections = []
    for i in range(n):
        raw_tag, flags, layout, crc, offset, length = struct.unpack_from("<4sIIIQQ", data, HEADER_SIZE + ENTRY_SIZE * i)
        try:
            tag = raw_tag.decode("ascii")
        except UnicodeDecodeError:
            raise FormatError(f"section {i}: tag {raw_tag!r} is not ASCII") from None
        if offset > len(data) or length > len(data) - offset:
            raise FormatError(f"section {tag}: bytes {offset} ..< {offset + length} are beyond the file's {len(data)}")
        ok = crc32(data[offset:offset + length]) == crc
        sections.append(Section(tag, flags, layout, crc, offset, length, ok))
    return AxonFile(version, header_crc, crc32(data[:table_end]) == header_crc, sections)


# ---- Section payloads -------------------------------------------------------------------------


def _tensor_list(c: _Cursor) -> dict:
    # Each tensor takes at least a name length (4) and a rank (1).
    n = c.count("tensor count", 5)
    out: dict = {}
    for i in range(n):
        name = c.string(f"the name of tensor {i}")
        rank = c.u8(f"the rank of {name!r}")
        if rank > MAX_RANK:
            raise FormatError(f"{c.tag}: {name!r} has rank {rank}, above {MAX_RANK}")
        if rank * 8 > c.remaining:
            raise FormatError(f"{c.tag}: the {rank} dimensions of {name!r} do not fit in what remains")
        shape = tuple(c.u64(f"a dimension of {name!r}") for _ in range(rank))
        count = 1
        for d in shape:
            count *= d
        raw = c.floats(count, f"the elements of {name!r}")
        if name in out:
            raise FormatError(f"{c.tag}: tensor {name!r} appears twice")
        out[name] = Tensor(name, shape, raw)
    return out


def _string_pairs(c: _Cursor, what: str) -> dict:
    n = c.count(what, 8)
    return dict((c.string(f"a {what} key"), c.string(f"a {what} value")) for _ in range(n))


def _scalars(c: _Cursor, what: str) -> dict:
    n = c.count(what, 12)
    return dict((c.string(f"a {what} key"), c.f64(f"a {what} value")) for _ in range(n))


def _vector(c: _Cursor, what: str):
    """An L-BFGS vector: u64 length, u8 presence, then the float32 when present (None when absent)."""
    n = c.u64(f"the length of {what}")
    if not c.u8(f"the presence flag of {what}"):
        return None
    return struct.unpack(f"<{n}f", c.floats(n, what))


def _optimizer(c: _Cursor) -> dict:
    kind = c.string("the optimizer kind")
    if kind == "LBFGS":
        out = {"kind": kind, "step": c.u64("the step count")}
        names = ("lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size",
                 "strong_wolfe")
        out["options"] = {k: c.f64(k) for k in names}
        out["direction"] = _vector(c, "the direction")
        out["last_step"] = c.f64("the last step size")
        pairs = c.count("the history pair count", 18)
        out["history"] = [(_vector(c, "a y"), _vector(c, "an s")) for _ in range(pairs)]
        out["rho"] = _vector(c, "rho")
        out["hessian_diagonal"] = c.f64("the Hessian diagonal")
        out["previous_gradient"] = _vector(c, "the previous gradient")
        out["previous_loss_flag"] = c.u8("the previous loss flag")
        out["previous_loss"] = c.f64("the previous loss")
        out["iterations"] = c.u64("the iterations")
        out["evaluations"] = c.u64("the evaluations")
        return out
    out = {"kind": kind, "step": c.u64("the step count"), "noise": None, "groups": []}
    if c.u8("the gradient noise flag"):
        out["noise"] = {"eta": c.f64("eta"), "gamma": c.f64("gamma"), "stream": c.words("the noise stream")}
    for _ in range(c.count("the group count", 8)):
        group = {"options": _scalars(c, "option"), "parameters": []}
        for _ in range(c.count("the parameter count", 9)):
            param = {"count": c.u64("an element count"), "state": None}
            if c.u8("a state flag"):
                scalars = _scalars(c, "state scalar")
                buffers = {}
                for _ in range(c.count("the state buffer count", 12)):
                    name = c.string("a state buffer name")
                    n = c.u64(f"the length of {name!r}")
                    buffers[name] = c.floats(n, f"state buffer {name!r}")
                param["state"] = {"scalars": scalars, "buffers": buffers}
            group["parameters"].append(param)
        out["groups"].append(group)
    return out


def _schedules(c: _Cursor) -> dict:
    # The step count is stored whether or not the flag is set (the plateau's fields only when set).
    out: dict = {"scheduler": None, "plateau": None}
    flag, step = c.u8("the scheduler flag"), c.u64("the scheduler's step count")
    if flag:
        out["scheduler"] = {"step": step}
    if c.u8("the plateau flag"):
        best = c.f64("the best metric")
        bad, cooldown = c.u64("the bad steps"), c.u64("the cooldown counter")
        n = c.count("the group count", 8)
        out["plateau"] = {"best": best, "bad_steps": bad, "cooldown": cooldown,
                          "rates": [c.f64("a rate") for _ in range(n)]}
    return out


def _loader(c: _Cursor) -> dict:
    return {"epochs": c.u64("the epochs started"), "batches": c.u64("the batches trained"),
            "stream": c.words("the shuffling stream")}


def _stopping(c: _Cursor) -> dict:
    out = {"patience": c.u64("the patience"), "min_delta": c.f64("the minimum delta"),
           "restore_best": c.u8("the restore-best flag"), "best": c.f64("the best metric"),
           "bad_epochs": c.u64("the epochs without improvement"), "best_epoch_plus_one": c.u64("the best epoch"),
           "best_weights": None}
    if c.u8("the best weights flag"):
        out["best_weights"] = _tensor_list(c)
    return out


def _decode(f: AxonFile, tag: str, c: _Cursor) -> None:
    if tag == "ARCH":
        try:
            f.arch = c.take(c.remaining, "the architecture").decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError(f"ARCH: the architecture is not UTF-8 ({e})") from None
    elif tag in ("PARM", "BUFF", "TENS"):
        target = {"PARM": f.parameters, "BUFF": f.buffers, "TENS": f.tensors}[tag]
        target.update(_tensor_list(c))
    elif tag == "MODE":
        f.mode = c.u8("the mode")
        if f.mode not in (0, 1):
            raise FormatError(f"MODE: {f.mode} is neither 1 (training) nor 0 (evaluation)")
    elif tag == "RNGS":
        for _ in range(c.count("the stream count", 36)):
            name = c.string("a stream name")
            f.rngs[name] = c.words(f"stream {name!r}")
    elif tag == "META":
        f.meta = _string_pairs(c, "metadata")
    elif tag == "OPTM":
        f.optimizer = _optimizer(c)
    elif tag == "SCHD":
        f.schedules = _schedules(c)
    elif tag == "LOAD":
        f.loader = _loader(c)
    elif tag == "STOP":
        f.stopping = _stopping(c)
    c.end()


def read(data: bytes | str) -> AxonFile:
    """Reads a whole file (bytes or a path) by the document's reading rules: every CRC must
    match, unknown optional sections are skipped and unknown required ones refused."""
    if not isinstance(data, (bytes, bytearray)):
        with open(data, "rb") as handle:
            data = handle.read()
    data = bytes(data)
    f = list_sections(data)
    if not f.header_crc_ok:
        raise CrcError(f"header CRC mismatch: stored {f.header_crc:08x}, "
                       f"computed {crc32(data[:HEADER_SIZE + ENTRY_SIZE * len(f.sections)]):08x}")
    seen = set()
    for s in f.sections:
        if s.flags & ~1:
            raise FormatError(f"section {s.tag}: flags {s.flags:#x} have bits other than bit 0 set")
        if not s.crc_ok:
            raise CrcError(f"section {s.tag}: CRC mismatch (stored {s.crc:08x}, "
                           f"computed {crc32(data[s.offset:s.offset + s.length]):08x})")
        if s.tag in seen:
            raise FormatError(f"section {s.tag} appears twice")
        seen.add(s.tag)
        known = KNOWN_LAYOUTS.get(s.tag)
        if known is None or s.version > known:
            if s.required:
                why = "unknown" if known is None else f"of layout version {s.version} (this reader knows {known})"
                raise FormatError(f"required section {s.tag} is {why}")
            f.skipped.append(s.tag)
            continue
        _decode(f, s.tag, _Cursor(data[s.offset:s.offset + s.length], s.tag))
    if "TENS" in seen and "ARCH" not in seen:
        f.kind = "tensors"
    elif {"ARCH", "PARM", "BUFF"} <= seen and "TENS" not in seen:
        f.kind = "model"
    else:
        raise FormatError(f"sections {sorted(seen)} are neither a model file (ARCH, PARM, BUFF) "
                          "nor a tensor file (TENS)")
    return f


def payloads(data: bytes) -> list:
    """(tag, flags, layout version, payload) of each section, in table order."""
    return [(s.tag, s.flags, s.version, data[s.offset:s.offset + s.length]) for s in list_sections(data).sections]


def assemble(sections: list, version: int = FORMAT_VERSION, order: list | None = None) -> bytes:
    """A file of ``sections`` ((tag, flags, layout version, payload) each) with correct CRCs, the
    payloads placed one after the other in ``order`` (table positions; table order by default)."""
    n = len(sections)
    start = HEADER_SIZE + ENTRY_SIZE * n + 4
    offsets, body = [0] * n, b""
    for i in order if order is not None else range(n):
        offsets[i] = start + len(body)
        body += sections[i][3]
    head = MAGIC + struct.pack("<II", version, n)
    for (tag, flags, layout, payload), offset in zip(sections, offsets):
        head += struct.pack("<4sIIIQQ", tag.encode("ascii"), flags, layout, crc32(payload), offset, len(payload))
    return head + struct.pack("<I", crc32(head)) + body


def describe(f: AxonFile) -> str:
    lines = [f"format version {f.version}, {len(f.sections)} sections, header CRC "
             f"{'ok' if f.header_crc_ok else 'MISMATCH'}, {f.kind or 'not decoded'}"]
    for s in f.sections:
        lines.append(f"  {s.tag} {'required' if s.required else 'optional'} flags={s.flags:#x} layout={s.version} "
                     f"crc={'ok' if s.crc_ok else 'MISMATCH'} offset={s.offset} length={s.length}")
    for what, tensors in (("parameter", f.parameters), ("buffer", f.buffers), ("tensor", f.tensors)):
        for t in tensors.values():
            shown = ", ".join(f"{v:.6g}" for v in t.values[:4])
            lines.append(f"  {what} {t.name} {list(t.shape)}: {shown}{', ...' if t.count > 4 else ''}")
    if f.meta:
        lines.append(f"  metadata {f.meta!r}")
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(path)
        print(describe(read(path)))
