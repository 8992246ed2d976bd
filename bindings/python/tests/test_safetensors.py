"""safetensors interop: ``axon.load_file``, ``axon.save_file`` and ``axon.load_state_dict_file``
against files PyTorch wrote (fixtures/*.safetensors and fixtures/safetensors.json, written by
fixtures/gen_safetensors.py): the same tensors, the same eval outputs and input gradient once
loaded into the equivalent axon.nn model, other float dtypes, hostile files refused with a
FormatError, and files Axon writes read back by a small reader here that follows the
safetensors layout (8-byte little-endian header length, JSON header, byte buffer)."""

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import axon
from axon import nn

FIXTURES = Path(__file__).parent / "fixtures"
DATA = json.loads((FIXTURES / "safetensors.json").read_text())
HOSTILE = FIXTURES / "hostile"

#: What each hostile file's error message must say (case-insensitive).
PROBLEMS = {
    "header_beyond_file": r"header|length|beyond|exceed|truncat",
    "too_short": r"short|truncat|header|length",
    "header_not_json": r"json",
    "json_bomb": r"nest|deep|depth|recurs",
    "offsets_out_of_range": r"offset|range|beyond|bound|exceed",
    "overlapping_offsets": r"overlap",
    "gap_between_tensors": r"gap|contiguous|cover|hole|unused",
    "shape_disagrees_with_bytes": r"shape",
    "dtype_f8_e4m3": r"F8_E4M3",
    "dtype_unknown": r"X9",
    "duplicate_names": r"duplicate|twice|more than once|repeated",
}

NUMPY_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
                "U8": "u1"}
INTEGER = {"I64", "I32", "I16", "I8", "U8"}


def reference_read(path, *, header_order: bool = False) -> tuple:
    """(names in file order, {name: (dtype, float32 or int64 array)}, metadata) of a safetensors
    file, checking that the byte ranges cover the buffer one after the other. File order is the
    order of the data; ``header_order`` gives the names in the header's order instead."""
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    buffer = data[8 + n:]
    metadata = header.pop("__metadata__", None)
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name} starts at {begin}, the previous tensor ends at {end}"
        raw, end = buffer[begin:stop], stop
        shape = tuple(info["shape"])
        if info["dtype"] == "BF16":
            values = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            values = np.frombuffer(raw, NUMPY_DTYPES[info["dtype"]])
        assert values.size == int(np.prod(shape)), name
        values = values.astype(np.int64 if info["dtype"] in INTEGER else np.float32).reshape(shape)
        tensors[name] = (info["dtype"], values)
    assert end == len(buffer), f"{len(buffer) - end} bytes after the last tensor"
    return list(header) if header_order else list(tensors), tensors, metadata


def f32_bits(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float32)).view(np.uint32)


def assert_same_tensor(tensor, dtype: str, expected: np.ndarray, name: str = "") -> None:
    """An axon tensor equals the reference values: int64 for integer dtypes, float32 bit for bit."""
    assert tuple(tensor.shape) == expected.shape, name
    got = np.asarray(tensor)
    if dtype in INTEGER:
        assert tensor.dtype == axon.int64, name
        np.testing.assert_array_equal(got, expected)
    else:
        assert tensor.dtype == axon.float32, name
        np.testing.assert_array_equal(f32_bits(got), f32_bits(expected), err_msg=name)


def torch_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 5))


def torch_cnn() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.ReLU(), nn.Flatten(),
                         nn.Linear(8 * 4 * 4, 3))


MODELS = {"mlp": torch_mlp, "cnn": torch_cnn}


def loaded(case: str) -> nn.Module:
    model = MODELS[case]()
    model.load_state_dict(axon.load_file(FIXTURES / DATA[case]["file"]))
    return model.eval()


def snapshot(model) -> dict:
    return {k: np.asarray(v).copy() for k, v in model.state_dict().items()}


def assert_state(model, expected: dict) -> None:
    state = model.state_dict()
    assert list(state) == list(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(np.asarray(state[name]), value, err_msg=name)


# ---- Files PyTorch wrote ------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["mlp", "cnn", "f16", "bf16", "f64"])
def test_load_file_gives_the_tensors_in_file_order(case):
    info = DATA[case] if case in MODELS else DATA["linear"][case]
    path = FIXTURES / info["file"]
    names, reference, _ = reference_read(path)
    assert names == info["names"] == reference_read(path, header_order=True)[0]
    tensors = axon.load_file(path)
    assert list(tensors) == names
    for name, (dtype, values) in reference.items():
        assert_same_tensor(tensors[name], dtype, values, name)
    again = axon.load_state_dict_file(path)
    assert list(again) == names
    for name, (dtype, values) in reference.items():
        assert_same_tensor(again[name], dtype, values, name)


def test_the_fixtures_are_what_the_tests_expect():
    _, mlp, _ = reference_read(FIXTURES / DATA["mlp"]["file"])
    assert mlp["1.num_batches_tracked"][0] == "I64" and mlp["0.weight"][0] == "F32"
    assert mlp["1.num_batches_tracked"][1] == DATA["mlp"]["num_batches_tracked"]["1.num_batches_tracked"] > 0
    assert not np.allclose(mlp["1.running_mean"][1], 0) and not np.allclose(mlp["1.running_var"][1], 1)
    assert [reference_read(FIXTURES / DATA["linear"][k]["file"])[1]["weight"][0] for k in ("f16", "bf16", "f64")] \
        == ["F16", "BF16", "F64"]


@pytest.mark.parametrize("case", ["mlp", "cnn"])
def test_torch_models_give_torchs_eval_outputs(case):
    model = loaded(case)
    tracked = model.state_dict()["1.num_batches_tracked"]
    assert tracked.dtype == axon.int64 and int(tracked) == DATA[case]["num_batches_tracked"]["1.num_batches_tracked"]
    x = np.asarray(DATA[case]["input"], np.float32)
    np.testing.assert_allclose(model(x).numpy(), np.asarray(DATA[case]["output"], np.float32), rtol=1e-5, atol=1e-5)
    # Unloaded, the model gives something else (the comparison above can fail).
    fresh = MODELS[case]().eval()
    assert not np.allclose(fresh(x).numpy(), np.asarray(DATA[case]["output"]), rtol=1e-3, atol=1e-3)


def test_torch_cnn_input_gradient():
    model = loaded("cnn")
    x = axon.tensor(np.asarray(DATA["cnn"]["input"], np.float32), requires_grad=True)
    model(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.asarray(DATA["cnn"]["input_grad"], np.float32),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", ["f16", "bf16", "f64"])
def test_other_float_dtypes_load_as_float32(case):
    info = DATA["linear"][case]
    layer = nn.Linear(6, 3)
    layer.load_state_dict(axon.load_file(FIXTURES / info["file"]))
    layer.eval()
    x = np.asarray(info["input"], np.float32)
    np.testing.assert_allclose(layer(x).numpy(), np.asarray(info["output"], np.float32), rtol=1e-5, atol=1e-5)


# ---- Hostile files ------------------------------------------------------------------------------


def test_format_error_is_a_value_and_a_runtime_error():
    assert issubclass(axon.FormatError, ValueError) and issubclass(axon.FormatError, RuntimeError)


def test_every_hostile_file_is_described():
    on_disk = sorted(p.name for p in HOSTILE.iterdir())
    assert on_disk == sorted(DATA["hostile"]) == sorted(f"{name}.safetensors" for name in PROBLEMS)
    assert sum(p.stat().st_size for p in HOSTILE.iterdir()) < 200_000


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_hostile_files_raise_a_format_error_naming_the_problem(name):
    path = HOSTILE / f"{name}.safetensors"
    for load in (axon.load_file, axon.load_state_dict_file):
        with pytest.raises(axon.FormatError) as info:
            load(path)
        assert re.search(PROBLEMS[name], str(info.value), re.IGNORECASE), (name, str(info.value))
        assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)


def test_hostile_files_never_crash_the_process():
    """In a child process (a crash there would not take the suite down): every hostile file
    gives a FormatError and the process ends normally."""
    script = ("import sys, axon\n"
              "for path in sys.argv[1:]:\n"
              "    try:\n"
              "        axon.load_file(path)\n"
              "        print('loaded', path)\n"
              "    except axon.FormatError:\n"
              "        print('FormatError')\n")
    package = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package, os.environ.get("PYTHONPATH", "")]))
    paths = [str(HOSTILE / f"{name}.safetensors") for name in sorted(PROBLEMS)]
    done = subprocess.run([sys.executable, "-c", script, *paths], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["FormatError"] * len(paths), done.stdout


def test_every_truncation_of_a_file_is_refused(tmp_path):
    data = (FIXTURES / DATA["linear"]["f16"]["file"]).read_bytes()
    path = tmp_path / "cut.safetensors"
    for n in range(len(data)):
        path.write_bytes(data[:n])
        with pytest.raises(axon.FormatError):
            axon.load_file(path)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises((OSError, axon.AxonError), match="nothing-here"):
        axon.load_file(tmp_path / "nothing-here.safetensors")


# ---- Files Axon writes ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["mlp", "cnn"])
def test_save_file_round_trips_bit_for_bit(tmp_path, case):
    model = loaded(case)
    state = model.state_dict()
    path = tmp_path / f"{case}.safetensors"
    axon.save_file(state, path)
    back = axon.load_file(path)
    assert sorted(back) == sorted(state)
    for name, value in state.items():
        assert back[name].dtype == value.dtype, name
        assert tuple(back[name].shape) == tuple(value.shape), name
        np.testing.assert_array_equal(f32_bits(back[name]), f32_bits(value), err_msg=name)
    assert back["1.num_batches_tracked"].dtype == axon.int64
    # The file is a valid safetensors file by the layout alone, with PyTorch's dtypes.
    names, reference, metadata = reference_read(path)
    assert names == list(back)
    _, torch_file, _ = reference_read(FIXTURES / DATA[case]["file"])
    for name, (dtype, values) in torch_file.items():
        assert reference[name][0] == dtype, name
        np.testing.assert_array_equal(reference[name][1], values, err_msg=name)
    # Loaded again into a fresh model, it gives torch's outputs.
    fresh = MODELS[case]()
    fresh.load_state_dict(back)
    fresh.eval()
    x = np.asarray(DATA[case]["input"], np.float32)
    np.testing.assert_allclose(fresh(x).numpy(), np.asarray(DATA[case]["output"]), rtol=1e-5, atol=1e-5)


def test_save_file_writes_metadata_and_integer_tensors(tmp_path):
    path = tmp_path / "t.safetensors"
    tensors = {"ints": axon.arange(6).reshape(2, 3), "floats": axon.tensor([[0.5, -1.25], [3.0, 1e-30]])}
    axon.save_file(tensors, path, metadata={"format": "pt", "note": "ünïcode"})
    names, reference, metadata = reference_read(path)
    assert metadata == {"format": "pt", "note": "ünïcode"}
    assert sorted(names) == ["floats", "ints"]
    assert reference["ints"][0] == "I64" and reference["floats"][0] == "F32"
    np.testing.assert_array_equal(reference["ints"][1], np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(f32_bits(reference["floats"][1]), f32_bits([[0.5, -1.25], [3.0, 1e-30]]))
    back = axon.load_file(path)
    assert back["ints"].dtype == axon.int64 and back["ints"].tolist() == [[0, 1, 2], [3, 4, 5]]
    axon.save_file(tensors, path)
    assert reference_read(path)[2] in (None, {})


# ---- load_state_dict --------------------------------------------------------------------------


def test_strict_loading_lists_missing_and_unexpected_keys():
    model = MODELS["mlp"]()
    before = snapshot(model)
    state = axon.load_file(FIXTURES / DATA["mlp"]["file"])
    del state["3.bias"]
    state["9.weight"] = axon.zeros(2, 2)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    assert "3.bias" in str(info.value) and "9.weight" in str(info.value)
    assert_state(model, before)
    with pytest.raises(RuntimeError, match="3.bias"):
        model.load_state_dict(state, strict=True)
    result = model.load_state_dict(state, strict=False)
    assert list(result.missing_keys) == ["3.bias"] and list(result.unexpected_keys) == ["9.weight"]
    after = snapshot(model)
    np.testing.assert_array_equal(after["3.bias"], before["3.bias"])
    for name in state:
        if name != "9.weight":
            np.testing.assert_array_equal(after[name], np.asarray(state[name]), err_msg=name)


def test_a_misshaped_tensor_raises_and_changes_nothing(tmp_path):
    model = MODELS["mlp"]()
    before = snapshot(model)
    state = axon.load_file(FIXTURES / DATA["mlp"]["file"])
    state["3.weight"] = axon.zeros(32, 5)
    with pytest.raises(RuntimeError, match="3.weight"):
        model.load_state_dict(state)
    assert_state(model, before)
    path = tmp_path / "misshaped.safetensors"
    axon.save_file(state, path)
    with pytest.raises(RuntimeError, match="3.weight"):
        model.load_state_dict(axon.load_state_dict_file(path), strict=False)
    assert_state(model, before)


def test_load_model_renames_keys(tmp_path):
    from axon import nn
    a = nn.Sequential(nn.Linear(3, 2))
    axon.save_file({"fc.weight": a[0].weight, "fc.bias": a[0].bias}, tmp_path / "renamed.safetensors")
    b = nn.Sequential(nn.Linear(3, 2))
    axon.safetensors.load_model(b, tmp_path / "renamed.safetensors", rename={"fc.weight": "0.weight",
                                                                            "fc.bias": "0.bias"})
    assert b[0].weight.numpy().tobytes() == a[0].weight.numpy().tobytes()
    with pytest.raises(RuntimeError, match="Unexpected key"):
        axon.safetensors.load_model(b, tmp_path / "renamed.safetensors")
