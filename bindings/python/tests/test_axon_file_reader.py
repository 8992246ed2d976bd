"""The ``.axon`` files the library writes, read by an independent reader written from the format's
document alone (``axon_file_reader``: standard library only): the section list is the one the
document gives, every CRC matches, and the tensors are the library's bit for bit. The library in
turn follows the document's reading rules on files the reader assembles, and both refuse a
corrupted byte."""

import json
import os
import random
import struct
import zlib

import numpy as np
import pytest

import axon
import axon_file_reader as reader
from axon import nn, optim
from axon._objects import Model, TensorFile
from axon.nn.native import native_of

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "..", "Tests", "AxonTests", "Fixtures", "checkpoint_v1.axon")
MODEL_SECTIONS = ["ARCH", "PARM", "BUFF", "MODE", "RNGS", "META"]
REQUIRED = {"ARCH", "PARM", "BUFF", "TENS"}


def bits(t) -> list:
    """The float32 bit patterns of a library tensor (integer tensors as the float32 they equal)."""
    a = np.asarray(t)
    f = a.astype(np.float32)
    assert np.array_equal(f.astype(a.dtype), a), "value not exactly representable in float32"
    return np.ascontiguousarray(f).reshape(-1).view(np.uint32).tolist()


def read_bytes(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def check_table(data: bytes, expected_tags: list) -> reader.AxonFile:
    """The table lists ``expected_tags`` with the documented flags and layout 1, every CRC
    matches and the payloads lie after the header, apart from one another."""
    f = reader.list_sections(data)
    assert f.version == 1
    assert f.header_crc_ok
    assert [s.tag for s in f.sections] == expected_tags
    start = 20 + 32 * len(f.sections)
    spans = []
    for s in f.sections:
        assert s.required == (s.tag in REQUIRED), s.tag
        assert s.flags in (0, 1), s.tag
        assert s.version == 1, s.tag
        assert s.crc_ok, s.tag
        assert s.offset >= start and s.offset + s.length <= len(data), s.tag
        spans.append((s.offset, s.offset + s.length))
    spans.sort()
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    return reader.read(data)


def check_model(f: reader.AxonFile, module) -> None:
    """A decoded model file equals ``module`` (an axon.nn.Module) bit for bit."""
    assert f.kind == "model"
    assert f.arch == native_of(module).spec
    assert list(f.parameters) == [n for n, _ in module.named_parameters()]
    assert list(f.buffers) == [n for n, _ in module.named_buffers()]
    state = module.state_dict()
    assert sorted(f.state_dict) == sorted(state)
    for name, value in state.items():
        stored = f.state_dict[name]
        assert stored.shape == tuple(value.shape), name
        assert list(stored.bits) == bits(value), name
    assert f.mode == (1 if module.training else 0)


# ---- The CRC ----------------------------------------------------------------------------------


def test_crc32_is_the_documented_one_and_zlibs():
    assert reader.crc32_reference(b"123456789") == 0xCBF43926
    rng = random.Random(5)
    for n in (0, 1, 3, 64, 1000):
        data = bytes(rng.randrange(256) for _ in range(n))
        assert reader.crc32_reference(data) == reader.crc32(data) == zlib.crc32(data)


# ---- The committed fixture ----------------------------------------------------------------------


def test_committed_checkpoint_fixture():
    data = read_bytes(FIXTURE)
    f = check_table(data, MODEL_SECTIONS + ["OPTM", "SCHD", "LOAD", "STOP"])
    assert f.skipped == []
    loaded = axon.load(FIXTURE)
    check_model(f, loaded)
    assert set(f.rngs) == {"3"} and f.arch.split(";")[3].strip() == "dropout p=0.25"
    state = loaded.state_dict()
    # The optimizer state follows the parameters in order; early stopping keeps a state dict.
    params = [p for _, p in loaded.named_parameters()]
    assert f.optimizer["kind"] == "Adam"
    group = f.optimizer["groups"][0]
    assert [p["count"] for p in group["parameters"]] == [int(np.asarray(p).size) for p in params]
    assert sorted(group["options"]) == list(group["options"])
    for p in group["parameters"]:
        assert p["state"]["scalars"] == {"step": float(f.optimizer["step"])}
        assert sorted(p["state"]["buffers"]) == ["exp_avg", "exp_avg_sq"]
        assert all(len(b) == 4 * p["count"] for b in p["state"]["buffers"].values())
    assert f.schedules["plateau"]["rates"] == [group["options"]["lr"]]
    weights = f.stopping["best_weights"]
    assert list(weights) == list(state)
    assert all(weights[n].shape == tuple(v.shape) for n, v in state.items())


# ---- Model files the library writes -------------------------------------------------------------


def batchnorm_dropout(training: bool):
    axon.manual_seed(7)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 4 * 4, 3))
    x = np.random.default_rng(2).standard_normal((5, 1, 8, 8)).astype(np.float32)
    model(x)
    model(x)
    model.train(training)
    return model


def weight_norm():
    return nn.Sequential(nn.WeightNorm(nn.Conv2d(1, 2, 3)), nn.Flatten(), nn.Linear(8, 2))


@pytest.mark.parametrize("build", [lambda: batchnorm_dropout(True), lambda: batchnorm_dropout(False), weight_norm],
                         ids=["training", "eval", "weight-norm"])
def test_model_files_match_the_library(tmp_path, build):
    model = build()
    path = tmp_path / "model.axon"
    axon.save(model, path)
    f = check_table(read_bytes(path), MODEL_SECTIONS)
    check_model(f, model)
    check_model(f, axon.load(path))
    assert f.meta == {}
    dropouts = [name for name, m in model.named_children() if isinstance(m, nn.Dropout)]
    assert sorted(f.rngs) == sorted(dropouts)
    if dropouts:
        assert f.buffers["1.num_batches_tracked"].values == [2.0]


# ---- Checkpoints --------------------------------------------------------------------------------


def trained(opt_class, **options):
    axon.manual_seed(3)
    model = nn.Sequential(nn.Linear(2, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.2), nn.Linear(6, 2))
    opt = opt_class(model.parameters(), **options)
    x = np.random.default_rng(4).standard_normal((8, 2)).astype(np.float32)
    grads = []

    def closure():
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        grads.append([np.asarray(p.grad).copy() for p in model.parameters()])
        return loss

    opt.step(closure)
    return model, opt, grads[0]


def checkpoint(tmp_path, model, opt, sched=None) -> reader.AxonFile:
    path = tmp_path / "run.axon"
    axon.save_checkpoint(path, model, opt, sched)
    tags = MODEL_SECTIONS + ["OPTM"] + (["SCHD"] if sched is not None else [])
    f = check_table(read_bytes(path), tags)
    check_model(f, model)
    return f


def test_adam_checkpoint_holds_the_first_moments(tmp_path):
    model, opt, grads = trained(optim.Adam, lr=0.02)
    sched = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    sched.step()
    f = checkpoint(tmp_path, model, opt, sched)
    assert f.optimizer["kind"] == "Adam" and f.optimizer["step"] == 1 and f.optimizer["noise"] is None
    (group,) = f.optimizer["groups"]
    assert group["options"]["lr"] == pytest.approx(0.02)
    assert (group["options"]["beta1"], group["options"]["beta2"]) == pytest.approx((0.9, 0.999))
    assert len(group["parameters"]) == len(grads)
    for g, p in zip(grads, group["parameters"]):
        assert p["count"] == g.size
        state = p["state"]
        assert state["scalars"]["step"] == 1.0
        m = np.frombuffer(state["buffers"]["exp_avg"], "<f4")
        v = np.frombuffer(state["buffers"]["exp_avg_sq"], "<f4")
        np.testing.assert_allclose(m, 0.1 * g.ravel(), rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(v, 0.001 * g.ravel() ** 2, rtol=1e-5, atol=1e-14)
    assert f.schedules == {"scheduler": {"step": 1}, "plateau": None}


def test_sgd_checkpoint_with_a_plateau(tmp_path):
    model, opt, grads = trained(optim.SGD, lr=0.1, momentum=0.9)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    for metric in (1.0, 2.0):
        plateau.step(metric)
    f = checkpoint(tmp_path, model, opt, plateau)
    (group,) = f.optimizer["groups"]
    assert group["options"]["momentum"] == pytest.approx(0.9)
    for g, p in zip(grads, group["parameters"]):
        # The first momentum buffer is the gradient itself.
        assert np.frombuffer(p["state"]["buffers"]["momentum_buffer"], "<u4").tolist() == bits(g)
    assert f.schedules["scheduler"] is None
    plateau_state = f.schedules["plateau"]
    assert plateau_state["best"] == 1.0
    assert plateau_state["rates"] == pytest.approx(plateau.get_last_lr())


def test_lbfgs_checkpoint(tmp_path):
    model, opt, _ = trained(optim.LBFGS, lr=0.5, history_size=4, line_search_fn="strong_wolfe")
    f = checkpoint(tmp_path, model, opt)
    o = f.optimizer
    assert o["kind"] == "LBFGS" and o["step"] == 1
    assert o["options"] == pytest.approx({"lr": 0.5, "max_iter": 20, "max_eval": 25, "tolerance_grad": 1e-7,
                                          "tolerance_change": 1e-9, "history_size": 4, "strong_wolfe": 1})
    size = sum(int(np.asarray(p).size) for p in model.parameters())
    assert 1 <= len(o["history"]) <= 4 and len(o["rho"]) == len(o["history"])
    assert all(len(y) == len(s) == size for y, s in o["history"])
    assert len(o["direction"]) == len(o["previous_gradient"]) == size


def test_state_dict_blobs_are_axon_files():
    model, opt, _ = trained(optim.Adam, lr=0.02)
    sched = optim.lr_scheduler.StepLR(opt, step_size=5)
    sched.step()
    for blob, tags in ((opt.state_dict()["state"]["axon"]["checkpoint"], ["OPTM"]),
                       (sched.state_dict()["axon"]["checkpoint"], ["SCHD"])):
        f = check_table(blob, MODEL_SECTIONS + tags)
        assert f.kind == "model"
    assert f.schedules == {"scheduler": {"step": 1}, "plateau": None}


# ---- Tensor files -------------------------------------------------------------------------------


def test_state_dict_tensor_file(tmp_path):
    model = batchnorm_dropout(False)
    state = model.state_dict()
    path = tmp_path / "state.axon"
    axon.save(state, path)
    f = check_table(read_bytes(path), ["TENS", "META"])
    assert f.kind == "tensors"
    assert list(f.tensors) == list(state)
    for name, value in state.items():
        assert f.tensors[name].shape == tuple(value.shape)
        assert list(f.tensors[name].bits) == bits(value), name
    structure = json.loads(f.meta["text"])
    entries = dict(structure["object"]["entries"])
    assert entries["1.num_batches_tracked"]["dtype"] == "int64"
    with TensorFile.load(path) as native:
        assert [(n, bits(t)) for n, t in native.tensors()] == [(n, list(t.bits)) for n, t in f.tensors.items()]
        assert native.text == f.meta["text"]
    with pytest.raises(axon.FormatError):
        Model.load(path)
    with pytest.raises(reader.FormatError, match="neither"):
        reader.read(reader.assemble([s for s in reader.payloads(read_bytes(path)) if s[0] != "TENS"]))


def test_checkpoint_dict_tensor_file(tmp_path):
    model = batchnorm_dropout(True)
    path = tmp_path / "dict.axon"
    axon.save({"epoch": 3, "model": model.state_dict(), "note": "ünïcode", "pair": (1.5, None)}, path)
    f = check_table(read_bytes(path), ["TENS", "META"])
    assert list(f.tensors) == [f"model.{n}" for n in model.state_dict()]
    loaded = axon.load(path)
    assert loaded["epoch"] == 3 and loaded["note"] == "ünïcode"
    for name, value in loaded["model"].items():
        assert list(f.tensors[f"model.{name}"].bits) == bits(value)
    with pytest.raises(axon.FormatError):
        TensorFile.load(FIXTURE)


# ---- Corruption ---------------------------------------------------------------------------------


def test_a_corrupted_byte_is_detected_in_every_section(tmp_path):
    model = batchnorm_dropout(True)
    path = tmp_path / "model.axon"
    axon.save(model, path)
    data = read_bytes(path)
    table = reader.list_sections(data)
    for s in table.sections:
        for where in sorted({s.offset, s.offset + s.length // 2, s.offset + s.length - 1}):
            bad = bytearray(data)
            bad[where] ^= 0x10
            f = reader.list_sections(bytes(bad))
            assert [t.tag for t in f.sections if not t.crc_ok] == [s.tag]
            assert f.header_crc_ok
            with pytest.raises(reader.CrcError, match=f"section {s.tag}: CRC mismatch"):
                reader.read(bytes(bad))
            path.write_bytes(bytes(bad))
            with pytest.raises(axon.FormatError):
                axon.load(path)
    # A byte of the table (a layout version: the offsets stay valid) breaks the header's CRC.
    bad = bytearray(data)
    bad[16 + 8] ^= 0x01
    assert not reader.list_sections(bytes(bad)).header_crc_ok
    with pytest.raises(reader.CrcError, match="header CRC"):
        reader.read(bytes(bad))
    path.write_bytes(bytes(bad))
    with pytest.raises(axon.FormatError):
        axon.load(path)


def test_truncated_files_are_refused_by_both(tmp_path):
    data = read_bytes(FIXTURE)
    path = tmp_path / "cut.axon"
    for n in (0, 7, 15, 16, 100, 339, 340, 600, len(data) - 1):
        path.write_bytes(data[:n])
        with pytest.raises(reader.FormatError):
            reader.read(data[:n])
        with pytest.raises(axon.FormatError):
            axon.load(path)


# ---- The library follows the document's reading rules --------------------------------------------


def rewritten(tmp_path, data, sections, **options):
    path = tmp_path / "rewritten.axon"
    path.write_bytes(reader.assemble(sections, **options))
    return path


def test_the_library_reads_by_the_documents_rules(tmp_path):
    model = batchnorm_dropout(False)
    path = tmp_path / "model.axon"
    axon.save(model, path)
    data = read_bytes(path)
    sections = reader.payloads(data)
    assert reader.assemble(sections) == data
    n = len(sections)
    # Payloads are found at the offsets the table gives, in any order.
    check_model(reader.read(reader.assemble(sections, order=list(range(n))[::-1])), model)
    check_model(reader.read(data), axon.load(rewritten(tmp_path, data, sections, order=list(range(n))[::-1])))
    # Unknown optional sections are skipped; unknown required ones refused.
    check_model(reader.read(data), axon.load(rewritten(tmp_path, data, sections + [("XTRA", 0, 1, b"later")])))
    assert reader.read(reader.assemble(sections + [("XTRA", 0, 1, b"later")])).skipped == ["XTRA"]
    hostile = {
        "required XTRA": sections + [("XTRA", 1, 1, b"later")],
        "newer PARM": [(t, f, 2 if t == "PARM" else v, p) for t, f, v, p in sections],
        "flag bit 1": [(t, f | 2 if t == "META" else f, v, p) for t, f, v, p in sections],
        "huge count": [(t, f, v, b"\xff\xff\xff\xff" + p[4:] if t == "PARM" else p) for t, f, v, p in sections],
        "rank 17": [(t, f, v, p[:4] + p[4:8] + p[8:8 + len("0.weight")] + b"\x11" + p[9 + len("0.weight"):]
                     if t == "PARM" else p) for t, f, v, p in sections],
        "no ARCH": [s for s in sections if s[0] != "ARCH"],
    }
    assert sections[1][3][4:8] == struct.pack("<I", len("0.weight"))
    for what, bad in hostile.items():
        with pytest.raises(reader.FormatError):
            reader.read(reader.assemble(bad))
        with pytest.raises(axon.FormatError):
            axon.load(rewritten(tmp_path, data, bad))
    # A newer optional section is skipped: without MODE the model loads in its default mode.
    newer_mode = [(t, f, 2 if t == "MODE" else v, p) for t, f, v, p in sections]
    assert reader.read(reader.assemble(newer_mode)).skipped == ["MODE"]
    assert axon.load(rewritten(tmp_path, data, newer_mode)).state_dict().keys() == model.state_dict().keys()
    # A newer format version is refused as written by a newer Axon.
    with pytest.raises(reader.FormatError, match="newer"):
        reader.read(reader.assemble(sections, version=2))
    with pytest.raises(axon.FormatError, match="newer"):
        axon.load(rewritten(tmp_path, data, sections, version=2))
