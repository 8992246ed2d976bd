"""PyTorch's checkpoint idiom through axon.save / axon.load: a dict of the epoch, the model's and
the optimizer's state dicts; resuming from it continues bit for bit like an uninterrupted run."""

import numpy as np

import axon as torch
from axon import nn


def make():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    return model, torch.optim.Adam(model.parameters(), lr=0.05)


def steps(model, opt, n, start):
    rng = np.random.default_rng(start)
    for _ in range(n):
        x = torch.tensor(rng.standard_normal((16, 4)).astype(np.float32))
        y = torch.tensor(rng.integers(0, 3, 16))
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


def test_checkpoint_dict_resumes_bit_for_bit(tmp_path):
    straight, opt = make()
    steps(straight, opt, 6, 0)
    steps(straight, opt, 6, 1)

    first, opt1 = make()
    steps(first, opt1, 6, 0)
    path = tmp_path / "checkpoint.pt"
    torch.save({"epoch": 1, "model_state_dict": first.state_dict(), "optimizer_state_dict": opt1.state_dict(),
                "loss": 0.25, "note": b"\x00\xffbytes"}, path)
    resumed, opt2 = make()  # a fresh start, as a new process would build it
    checkpoint = torch.load(path)
    assert checkpoint["epoch"] == 1 and checkpoint["loss"] == 0.25 and checkpoint["note"] == b"\x00\xffbytes"
    resumed.load_state_dict(checkpoint["model_state_dict"])
    opt2.load_state_dict(checkpoint["optimizer_state_dict"])
    steps(resumed, opt2, 6, 1)
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items()):
        assert a.numpy().tobytes() == b.numpy().tobytes(), name  # the same bits
