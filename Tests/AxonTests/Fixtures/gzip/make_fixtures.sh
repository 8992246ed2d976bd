#!/usr/bin/env bash
# Regenerates the fixtures of GzipTests.swift. Usage (from anywhere):
#   bash Tests/AxonTests/Fixtures/gzip/make_fixtures.sh
# Needs gzip(1) (made with gzip 1.12) and python3 (3.8+, standard library only).
#
#   valid/*.gz        gzip files; each decodes to valid/<name>.out, or, for mixed*, stored
#                     and flushed, to a prefix of mixed(n), the generator below, which
#                     GzipTests.swift repeats in Swift (so the 200 KB original is not stored)
#   raw/*.deflate     hand-assembled raw DEFLATE streams (edge cases) and raw/<name>.out
#   corrupt/*.gz      corrupt, truncated or hostile gzip files: each must throw
#   hostile/*.deflate corrupt or hostile raw DEFLATE streams: each must throw
#   limits/zeros-10MiB.gz  10 MiB of zeros (~10 KB): for the maxOutput test
#
# The script checks every output with Python's zlib: valid files decode to their original,
# corrupt ones are rejected (except the few that only Axon is strict about, marked below).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export LC_ALL=C TZ=UTC
rm -rf valid raw corrupt hostile limits
mkdir -p valid raw corrupt hostile limits
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]

def mixed(n):
    """Repetitive text, byte runs, long back-references and short random runs (SplitMix64)."""
    state = 0x5EED_0A50
    def rand():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)
    words = [b"tensor", b"gradient", b"pullback", b"axon", b"layer", b"kernel", b"batch",
             b"epoch", b"loss", b"adam", b"relu", b"softmax", b"shape", b"stride", b"mnist", b"digits"]
    out = bytearray()
    while len(out) < n:
        r = rand()
        kind = r % 4
        if kind == 0:    # 8...63 random bytes
            for _ in range(8 + (r >> 8) % 56):
                out.append(rand() & 0xFF)
        elif kind == 1:  # a word and a space
            out += words[(r >> 8) % 16] + b" "
        elif kind == 2:  # a run of 3...302 equal bytes
            out += bytes([(r >> 8) & 0xFF]) * (3 + (r >> 16) % 300)
        elif out:        # copy 3...258 bytes from up to 32 KiB back
            distance = 1 + (r >> 8) % min(len(out), 32768)
            for _ in range(3 + (r >> 24) % 256):
                out.append(out[-distance])
    return bytes(out[:n])

lines = b"".join(b"line %03d: the quick brown fox jumps over the lazy dog (%d)\n" % (i, i * i) for i in range(40))
files = {
    "empty.txt": b"",
    "short.txt": b"Hello, Axon! Hello, Axon! A short gzip fixture.\n",
    "named.txt": lines,
    "mixed.bin": mixed(200_000),
}
for name, data in files.items():
    open(f"{work}/{name}", "wb").write(data)
PY

# gzip(1) proper. -n: no name or time stamp, so the output is reproducible.
gzip -n -c "$work/empty.txt" > valid/empty.gz
gzip -n -c "$work/short.txt" > valid/short.gz
gzip -n -c "$work/mixed.bin" > valid/mixed.gz
gzip -n -1 -c "$work/mixed.bin" > valid/mixed-1.gz
gzip -n -9 -c "$work/mixed.bin" > valid/mixed-9.gz
touch -d @1700000000 "$work/named.txt"
(cd "$work" && gzip -c named.txt) > valid/named.gz  # FNAME "named.txt" and MTIME set
cat valid/short.gz valid/named.gz > valid/members.gz
cp "$work/empty.txt" valid/empty.out
cp "$work/short.txt" valid/short.out
cp "$work/named.txt" valid/named.out
cat "$work/short.txt" "$work/named.txt" > valid/members.out
head -c 10485760 /dev/zero | gzip -n -9 > limits/zeros-10MiB.gz

python3 - "$work" <<'PY'
import sys, zlib, gzip
work = sys.argv[1]
mixed = open(f"{work}/mixed.bin", "rb").read()
short = open("valid/short.out", "rb").read()

def write(path, data):
    open(path, "wb").write(data)

def member(raw, data, flags=0, extra=None, name=None, comment=None, hcrc=False):
    """A gzip member (RFC 1952) around the raw DEFLATE stream `raw` that decodes to `data`."""
    flags |= (4 if extra is not None else 0) | (8 if name else 0) | (16 if comment else 0) | (2 if hcrc else 0)
    header = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\x00\xff")
    if extra is not None: header += len(extra).to_bytes(2, "little") + extra
    if name: header += name + b"\0"
    if comment: header += comment + b"\0"
    if hcrc: header += (zlib.crc32(header) & 0xFFFF).to_bytes(2, "little")
    return bytes(header) + raw + zlib.crc32(data).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")

def deflate(data, level=6, chunks=None, flushes=()):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    out = b""
    for i, chunk in enumerate(chunks or [data]):
        out += c.compress(chunk)
        if i < len(flushes): out += c.flush(flushes[i])
    return out + c.flush()

# Stored blocks (zlib level 0), split by sync flushes, which add empty stored blocks too.
stored = mixed[:20_000]
write("valid/stored.gz", member(deflate(stored, 0, [stored[:7000], stored[7000:7001], stored[7001:]],
                                        [zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH]), stored))
# Dynamic blocks cut by sync and full flushes (the latter also resets the window).
flushed = mixed[:30_000]
write("valid/flushed.gz", member(deflate(flushed, 6, [flushed[:9000], flushed[9000:21000], flushed[21000:]],
                                         [zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH]), flushed))
# Every optional header field: FEXTRA, FNAME, FCOMMENT and FHCRC.
headers = member(deflate(short), short, extra=b"AX\x03\x00abc", name=b"short.txt", comment=b"a comment", hcrc=True)
write("valid/headers.gz", headers)
write("valid/headers.out", short)

class Bits:
    """Writes a DEFLATE bit stream: fields least significant bit first, Huffman codes MSB first (§3.1.1)."""
    def __init__(self): self.acc, self.n, self.out = 0, 0, bytearray()
    def bits(self, value, n):
        self.acc |= value << self.n
        self.n += n
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8
    def code(self, code, length):
        self.bits(int(format(code, f"0{length}b")[::-1], 2) if length else 0, length)
    def done(self):
        return bytes(self.out) + (bytes([self.acc]) if self.n else b"")

def fixed_literal(w, symbol):  # §3.2.6
    if symbol < 144: w.code(0x30 + symbol, 8)
    elif symbol < 256: w.code(0x190 + symbol - 144, 9)
    elif symbol < 280: w.code(symbol - 256, 7)
    else: w.code(0xC0 + symbol - 280, 8)

LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
LENGTH_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
             3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [max(0, (i - 2) // 2) for i in range(30)]

def fixed_block(items, final=True):
    """items: bytes (literals), ("len", length, distance) matches, or ("sym", n) raw literal/length symbols."""
    w = Bits()
    w.bits(int(final), 1); w.bits(1, 2)
    fixed_items(w, items)
    return w.done()

def fixed_items(w, items, eob=True):
    for item in items:
        if isinstance(item, bytes):
            for b in item: fixed_literal(w, b)
        elif item[0] == "sym":
            fixed_literal(w, item[1])
        elif item[0] == "dsym":  # ("dsym", length symbol, distance symbol)
            fixed_literal(w, item[1]); w.code(item[2], 5)
        else:
            _, length, distance = item
            s = max(i for i in range(29) if LENGTH_BASE[i] <= length and (i != 28 or length == 258))
            if item[0] == "len284": s = 27
            fixed_literal(w, 257 + s); w.bits(length - LENGTH_BASE[s], LENGTH_EXTRA[s])
            d = max(i for i in range(30) if DIST_BASE[i] <= distance)
            w.code(d, 5); w.bits(distance - DIST_BASE[d], DIST_EXTRA[d])
    if eob: fixed_literal(w, 256)

def canonical(lengths):  # §3.2.2
    count = [0] * 16
    for l in lengths:
        if l: count[l] += 1
    code, next_code = 0, [0] * 16
    for bits in range(1, 16):
        code = (code + count[bits - 1]) << 1
        next_code[bits] = code
    codes = []
    for l in lengths:
        codes.append(next_code[l] if l else None)
        if l: next_code[l] += 1
    return codes

ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

def dynamic_block(lit, dist, symbols=(), cl=None, items=None, hlit=None, hdist=None, final=True):
    """A dynamic block (§3.2.7): code lengths `lit` and `dist`, sent with the code length code
    `cl` (default: 4 bits for 0...15) as `items` [(symbol, extra, extra bits)], then `symbols`
    [(literal/length symbol, extra, n), ("d", distance symbol, extra, n), ("raw", value, n)]."""
    cl = cl or [4] * 16 + [0, 0, 0]
    items = [(l, 0, 0) for l in lit + dist] if items is None else items
    w = Bits()
    w.bits(int(final), 1); w.bits(2, 2)
    w.bits(len(lit) - 257 if hlit is None else hlit, 5)
    w.bits(len(dist) - 1 if hdist is None else hdist, 5)
    w.bits(15, 4)
    for s in ORDER: w.bits(cl[s], 3)
    cl_codes = canonical(cl)
    for s, extra, n in items:
        w.code(cl_codes[s], cl[s]); w.bits(extra, n)
    lit_codes, dist_codes = canonical(lit), canonical(dist)
    for s in symbols:
        if s[0] == "d": w.code(dist_codes[s[1]], dist[s[1]]); w.bits(s[2], s[3])
        elif s[0] == "raw": w.bits(s[1], s[2])
        else: w.code(lit_codes[s[0]], lit[s[0]]); w.bits(s[1], s[2])
    return w.done()

def lengths(n, assign):
    out = [0] * n
    for s, l in assign.items(): out[s] = l
    return out

# Valid edge cases, checked against zlib below.
pattern = bytes(range(256))
window = [pattern] + [("len", 256, 256)] * 127 + [("len", 258, 32768)]
raw_valid = {
    "fixed-empty": (bytes([0x03, 0x00]), b""),
    "stored-empty": (bytes([0x01, 0x00, 0x00, 0xFF, 0xFF]), b""),
    "rle-distance-one": (fixed_block([b"A", ("len", 10, 1)]), b"A" * 11),
    "distance-to-start": (fixed_block([b"AB", ("len", 4, 2)]), b"ABABAB"),
    "length-258-two-ways": (fixed_block([b"x", ("len", 258, 1), ("len284", 258, 1)]), b"x" * 517),
    "distance-32768": (fixed_block(window), (pattern * 129)[:32768] + (pattern * 2)[:258]),
    "dynamic-single-distance": (dynamic_block(lengths(258, {97: 2, 98: 2, 256: 2, 257: 2}), [1],
                                              [(97, 0, 0), (98, 0, 0), (257, 0, 0), ("d", 0, 0, 0), (256, 0, 0)]),
                                b"abbbb"),
    "dynamic-no-distances": (dynamic_block(lengths(257, {97: 1, 256: 1}), [0], [(97, 0, 0), (97, 0, 0), (256, 0, 0)]),
                             b"aa"),
    "dynamic-only-end-of-block": (dynamic_block(lengths(257, {256: 1}), [0], [(256, 0, 0)]), b""),
    "dynamic-15-bit-codes": (dynamic_block(lengths(257, {**{97 + i: i + 1 for i in range(14)}, 111: 15, 256: 15}),
                                           [0], [(s, 0, 0) for s in [111, 110, 97, 98, 104, 111]] + [(256, 0, 0)]),
                             b"onabho"),
    # Lengths [3, 3, 3, 3, 0 x 252, 2, 2] + [0] sent with all three run-length codes.
    "dynamic-run-length-codes": (dynamic_block(lengths(258, {0: 3, 1: 3, 2: 3, 3: 3, 256: 2, 257: 2}), [0],
                                               [(0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0), (256, 0, 0)],
                                               cl=lengths(19, {0: 2, 3: 2, 2: 3, 16: 3, 17: 3, 18: 3}),
                                               items=[(3, 0, 0), (16, 0, 2), (18, 127, 7), (18, 93, 7), (17, 7, 3),
                                                      (2, 0, 0), (2, 0, 0), (0, 0, 0)]),
                                 b"\x00\x01\x02\x03"),
}
# A fixed block, then a stored block, then a fixed block reaching back into both.
w = Bits(); w.bits(0, 1); w.bits(1, 2); fixed_items(w, [b"abc"]); w.bits(0, 1); w.bits(0, 2)
two = w.done() + bytes([3, 0, 0xFC, 0xFF]) + b"def" + fixed_block([("len", 6, 6)])
raw_valid["two-blocks"] = (two, b"abcdefabcdef")
for name, (raw, expected) in raw_valid.items():
    assert zlib.decompress(raw, -15) == expected, name
    write(f"raw/{name}.deflate", raw)
    write(f"raw/{name}.out", expected)

# Hostile raw streams: zlib rejects each (or, marked strict, only Axon does).
lit_ab = lengths(258, {97: 2, 98: 2, 256: 2, 257: 2})
raw_bad = {
    "empty": b"",
    "block-type-3": bytes([0x07]),
    "no-final-block": fixed_block([b"abc"], final=False),
    "stored-length-complement": bytes([0x01, 0x05, 0x00, 0x00, 0x00]) + b"hello",
    "stored-truncated": bytes([0x01, 0x64, 0x00, 0x9B, 0xFF]) + b"only ten b",
    "fixed-literal-286": fixed_block([("sym", 286)]),
    "fixed-literal-287": fixed_block([("sym", 287)]),
    "fixed-distance-30": fixed_block([b"A", ("dsym", 257, 30)]),
    "fixed-distance-31": fixed_block([b"A", ("dsym", 257, 31)]),
    "distance-before-start": fixed_block([("len", 3, 1)]),
    "distance-one-past-start": fixed_block([b"A", ("len", 3, 2)]),
    "distance-32768-after-32767": fixed_block([pattern] + [("len", 256, 256)] * 126 + [b"x" * 255, ("len", 3, 32768)]),
    "truncated-fixed": fixed_block([b"hello world"])[:4],
    "truncated-dynamic-header": dynamic_block(lit_ab, [1], [(256, 0, 0)])[:9],
    "dynamic-too-many-lengths": dynamic_block(lit_ab, [1], [], hlit=30, items=[]),
    "dynamic-too-many-distances": dynamic_block(lit_ab, [1], [], hdist=30, items=[]),
    "dynamic-oversubscribed-code-lengths": dynamic_block(lit_ab, [1], [], cl=[1] * 19, items=[]),
    "dynamic-incomplete-code-lengths": dynamic_block(lit_ab, [1], [], cl=lengths(19, {2: 1}), items=[]),
    "dynamic-repeat-first": dynamic_block(lit_ab, [1], [], cl=lengths(19, {0: 2, 1: 2, 2: 2, 16: 2}),
                                          items=[(16, 0, 2)]),
    "dynamic-lengths-overrun": dynamic_block(lit_ab, [1], [], cl=lengths(19, {0: 1, 18: 1}),
                                             items=[(18, 127, 7), (18, 127, 7)]),
    "dynamic-missing-end-of-block": dynamic_block(lengths(258, {97: 1, 98: 1}), [1], [(97, 0, 0)]),
    "dynamic-oversubscribed-literals": dynamic_block(lengths(258, {97: 1, 98: 1, 256: 1}), [1], []),
    "dynamic-incomplete-literals": dynamic_block(lengths(258, {97: 2, 98: 2, 256: 2}), [1], []),
    "dynamic-incomplete-distances": dynamic_block(lit_ab, [2, 2], [(97, 0, 0), (256, 0, 0)]),
    "dynamic-unused-distance-code": dynamic_block(lit_ab, [1], [(97, 0, 0), (257, 0, 0), ("raw", 0xFFFF, 16)]),
    "dynamic-no-distance-code-used": dynamic_block(lengths(258, {97: 2, 98: 2, 256: 2, 257: 2}), [0],
                                                   [(97, 0, 0), (257, 0, 0)]) + b"\x00\x00",
}
strict = {"trailing-data": fixed_block([b"abc"]) + b"\x00"}  # zlib stops at the end; Axon wants it all used
for name, raw in raw_bad.items():
    try:
        d = zlib.decompressobj(-15); d.decompress(raw); d.flush()
        assert not d.eof, f"{name}: zlib accepts it"
    except zlib.error:
        pass
    write(f"hostile/{name}.deflate", raw)
for name, raw in strict.items():
    write(f"hostile/{name}.deflate", raw)

# Corrupt gzip files (from the valid ones) and hostile members.
def flip(data, index, bit=0):
    b = bytearray(data); b[index] ^= 1 << bit; return bytes(b)
short_gz = open("valid/short.gz", "rb").read()
named_gz = open("valid/named.gz", "rb").read()
mixed9 = open("valid/mixed-9.gz", "rb").read()
isize = bytearray(short_gz); isize[-4] ^= 1
bad = {
    "truncated-magic": short_gz[:1],
    "truncated-header": short_gz[:5],
    "truncated-after-header": short_gz[:10],
    "truncated-file-name": named_gz[:15],
    "truncated-deflate": mixed9[:len(mixed9) // 2],
    "truncated-trailer": short_gz[:-4],
    "truncated-last-byte": short_gz[:-1],
    "bad-magic": flip(short_gz, 0),
    "bad-method": short_gz[:2] + b"\x07" + short_gz[3:],
    "crc-flipped": flip(short_gz, len(short_gz) - 8, 3),
    "deflate-bit-flipped": flip(named_gz, len(named_gz) // 2, 2),
    "wrong-isize": bytes(isize),
    "extra-field-too-long": member(deflate(short), short, extra=b"x" * 10)[:16],
    "distance-before-start": member(raw_bad["distance-before-start"], b"\0\0\0"),
    "cross-member-distance": short_gz + member(fixed_block([("len", 3, 1)]), short[-3:]),
    "second-member-truncated": short_gz + named_gz[:20],
    "second-member-bad-crc": short_gz + flip(short_gz, len(short_gz) - 5),
    "zeros-then-garbage": short_gz + bytes(16) + b"\x01",  # zero padding is fine, the 0x01 is not
}
# Python's gzip module accepts these (it skips FHCRC and reserved flags and reads b"" as no
# members); gzip -t rejects them, checked below, and so does Axon.
fhcrc = headers.index(b"a comment\0") + 10
assert headers[fhcrc:fhcrc + 2] == (zlib.crc32(headers[:fhcrc]) & 0xFFFF).to_bytes(2, "little")
strict_gz = {
    "empty-file": b"",
    "reserved-flag": flip(short_gz, 3, 5),
    "header-crc-wrong": flip(headers, fhcrc),
    "trailing-garbage": short_gz + b"junk",
}
for name, data in strict_gz.items():
    write(f"corrupt/{name}.gz", data)
for name, data in bad.items():
    try:
        gzip.decompress(data)
        raise SystemExit(f"corrupt/{name}.gz: Python accepts it")
    except (OSError, EOFError, zlib.error):
        pass
    write(f"corrupt/{name}.gz", data)

# Valid files decode to their originals with Python too.
import glob, os
for path in sorted(glob.glob("valid/*.gz")):
    out = path[:-3] + ".out"
    expected = open(out, "rb").read() if os.path.exists(out) else \
        mixed[:{"stored": 20_000, "flushed": 30_000}.get(os.path.basename(path)[:-3], 200_000)]
    assert gzip.decompress(open(path, "rb").read()) == expected, path

# Cover all three block types among the first blocks of the valid gzip files.
types = set()
for path in glob.glob("valid/*.gz"):
    data = open(path, "rb").read()
    if len(data) > 20 and data[3] == 0: types.add((data[10] >> 1) & 3)
assert types >= {0, 1, 2}, types
PY

for name in empty-file reserved-flag header-crc-wrong trailing-garbage; do
    if gzip -t < "corrupt/$name.gz" 2>/dev/null; then echo "gzip -t accepts corrupt/$name.gz" >&2; exit 1; fi
done

echo "fixtures: $(find valid raw corrupt hostile limits -type f | wc -l) files, $(du -sk --apparent-size . | cut -f1) KiB"
