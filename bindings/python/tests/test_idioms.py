"""Everyday PyTorch idioms run under Axon (``import axon as torch``) and compared with PyTorch's results.

Run from bindings/python: ``python3 -m pytest -q tests/test_idioms.py`` (set AXON_LIBRARY to the
libaxon.so to load). The idioms are the functions of ``tests/idioms_*.py`` (see ``idioms.py``);
PyTorch's results are in ``fixtures/idioms.json``, written by ``fixtures/gen_idioms.py``, which
must be rerun (under PyTorch) after an idiom changes.

Tensors and numbers compare to 1e-5 relative and absolute tolerance (integer results of PyTorch
compare by value, as floats); shapes, bools, strings and dtype names compare exactly.
"""

import json
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import idioms  # noqa: E402

import axon as torch  # noqa: E402

FIXTURE = json.loads((HERE / "fixtures" / "idioms.json").read_text())
DIGESTS = idioms.digests()
REGENERATE = "rerun tests/fixtures/gen_idioms.py under PyTorch"


def _where_raised(idiom, error: BaseException) -> str:
    """The idiom's line that raised, and the deepest frame (inside the package)."""
    frames = traceback.extract_tb(error.__traceback__)
    code = idiom.fn.__code__
    lines = []
    for frame in frames:
        if frame.filename == code.co_filename and frame.name == idiom.name:
            lines.append(f"  in the idiom, line {frame.lineno - code.co_firstlineno + 1}: {frame.line}")
    if frames and frames[-1].filename != code.co_filename:
        last = frames[-1]
        lines.append(f"  raised at {Path(last.filename).name}:{last.lineno} in {last.name}: {last.line}")
    return "\n".join(lines)


def _message(idiom, expected, got: str) -> str:
    source = textwrap.indent(textwrap.dedent(idiom.source).rstrip(), "    ")
    return (
        f"idiom {idiom.name} ({idiom.module}.py):\n{source}\n"
        f"expected (PyTorch): {idioms.show_expected(expected)}\n"
        f"got (Axon):         {got}"
    )


def _grad_enabled() -> bool:
    is_enabled = getattr(torch, "is_grad_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def _enable_grad() -> None:
    # set_grad_enabled(True) switches recording on when called (PyTorch) or when entered.
    torch.set_grad_enabled(True).__enter__()


@pytest.mark.parametrize("idiom", idioms.IDIOMS, ids=[idiom.name for idiom in idioms.IDIOMS])
def test_idiom(idiom):
    if idiom.name not in FIXTURE["results"]:
        pytest.fail(f"idiom {idiom.name} has no result in fixtures/idioms.json: {REGENERATE}", pytrace=False)
    if FIXTURE["digests"].get(idiom.module) != DIGESTS[idiom.module]:
        pytest.fail(f"the idioms of {idiom.module}.py changed since fixtures/idioms.json was written: {REGENERATE}",
                    pytrace=False)
    expected = FIXTURE["results"][idiom.name]
    raised = None
    try:
        actual = idiom.run(torch)
    except Exception as error:
        raised = f"raised {type(error).__name__}: {error}\n{_where_raised(idiom, error)}"
    left_off = not _grad_enabled()
    if left_off:
        _enable_grad()
    if raised is not None:
        pytest.fail(_message(idiom, expected, raised), pytrace=False)
    mismatch = None
    try:
        idioms.compare(expected, actual, torch)
    except idioms.Mismatch as error:
        mismatch = f"{idioms.show_actual(actual, torch)}\nmismatch: {error}"
    if mismatch is not None:
        pytest.fail(_message(idiom, expected, mismatch), pytrace=False)
    if left_off:
        pytest.fail(_message(idiom, expected, "the right result, but gradient recording was left off after it"),
                    pytrace=False)


def test_fixture_matches_idioms():
    names = [idiom.name for idiom in idioms.IDIOMS]
    assert len(names) >= 170
    assert FIXTURE["count"] == len(FIXTURE["results"])
    stale = sorted(set(FIXTURE["results"]) ^ set(names))
    assert not stale, f"the fixture and the idioms differ in {stale}: {REGENERATE}"
