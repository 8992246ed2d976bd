"""axon.vision: MNIST and FashionMNIST from the repository's IDX files, the transforms, and the
batches a DataLoader is served (the same values as item by item)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

import axon
from axon.utils.data import DataLoader, default_collate
from axon.vision import datasets, transforms

NORMALIZE = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])


@pytest.mark.parametrize("cls, train, n", [(datasets.MNIST, True, 60000), (datasets.MNIST, False, 10000),
                                           (datasets.FashionMNIST, True, 60000),
                                           (datasets.FashionMNIST, False, 10000)])
def test_the_splits_and_their_items(cls, train, n, tmp_path):
    data = cls(root=str(tmp_path), train=train, download=True, transform=transforms.ToTensor())
    assert len(data) == n and data.data.shape == (n, 28, 28) and data.data.dtype == np.uint8
    assert data.targets.dtype == np.int64 and set(np.unique(data.targets)) == set(range(10))
    image, label = data[0]
    assert isinstance(image, axon.Tensor) and tuple(image.shape) == (1, 28, 28) and image.dtype == axon.float32
    assert 0.0 <= image.min().item() and image.max().item() == 1.0
    np.testing.assert_allclose(image.numpy()[0], data.data[0] / 255, rtol=1e-6)
    assert isinstance(label, int) and label == int(data.targets[0])
    assert len(data.classes) == 10
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing downloaded


def test_known_first_labels():
    assert datasets.MNIST("data", train=True)[0][1] == 5 and datasets.MNIST("data", train=False)[0][1] == 7
    test = datasets.FashionMNIST("data", train=False)
    assert test.classes[test[0][1]] == "Ankle boot"


def test_without_transform_an_image_is_a_uint8_array():
    image, label = datasets.MNIST("data", train=False)[1]
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (28, 28)


def test_files_in_root_are_used_first(tmp_path):
    source = datasets.MNIST("data", train=False)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    images[1, 5, 7] = 255
    header = bytes([0, 0, 8, 3]) + np.asarray([3, 28, 28], dtype=">i4").tobytes()
    (raw / "t10k-images-idx3-ubyte").write_bytes(header + images.tobytes())
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + np.asarray([3], dtype=">i4").tobytes() + bytes([4, 1, 9]))
    mine = datasets.MNIST(str(tmp_path), train=False, transform=transforms.ToTensor())
    assert len(mine) == 3 and len(source) == 10000
    assert [mine[i][1] for i in range(3)] == [4, 1, 9]
    assert mine[1][0][0, 5, 7].item() == 1.0 and mine[1][0].sum().item() == 1.0


def test_missing_files_raise_and_download_never_fetches(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "DATA", tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match="never downloads"):
        datasets.FashionMNIST(str(tmp_path), train=True, download=True)
    with pytest.raises(RuntimeError, match="not found"):
        datasets.MNIST(str(tmp_path), train=False)


def test_a_file_that_is_not_idx_is_refused(tmp_path):
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"not an idx file")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        datasets.MNIST(str(tmp_path), train=False)


def test_transforms():
    pic = np.arange(12, dtype=np.uint8).reshape(2, 2, 3) * 20
    t = transforms.ToTensor()(pic)
    assert tuple(t.shape) == (3, 2, 2)
    np.testing.assert_allclose(t.numpy(), np.moveaxis(pic, -1, 0) / 255, rtol=1e-6)
    floats = transforms.ToTensor()(np.full((2, 2), 3.5, dtype=np.float32))
    assert floats.tolist() == [[[3.5, 3.5], [3.5, 3.5]]]
    normalized = transforms.Normalize((0.5, 0.0, 1.0), (0.5, 2.0, 4.0))(t)
    expected = (np.moveaxis(pic, -1, 0) / 255 - np.array([0.5, 0.0, 1.0])[:, None, None]) \
        / np.array([0.5, 2.0, 4.0])[:, None, None]
    np.testing.assert_allclose(normalized.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert transforms.Lambda(lambda x: x * 2)(3) == 6
    composed = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x + 1)])
    assert composed(np.zeros((1, 1), dtype=np.uint8)).item() == 1.0
    with pytest.raises(TypeError):
        transforms.ToTensor()([1, 2, 3])
    with pytest.raises(ValueError):
        transforms.Normalize((0.0,), (0.0,))


def test_target_transform():
    data = datasets.MNIST("data", train=False, target_transform=lambda y: y + 100)
    assert data[0][1] == 107 and data._batcher() is None


def test_loader_batches_equal_the_items():
    data = datasets.MNIST("data", train=False, transform=NORMALIZE)
    assert data._batcher() is not None
    fast = DataLoader(data, batch_size=1000)
    one_by_one = DataLoader(data, batch_size=1000, collate_fn=lambda items: default_collate(items))
    count = 0
    for (x, y), (x1, y1) in zip(fast, one_by_one):
        assert tuple(x.shape) == (1000, 1, 28, 28) and y.dtype == axon.int64
        np.testing.assert_array_equal(x.numpy(), x1.numpy())
        np.testing.assert_array_equal(y.numpy(), y1.numpy())
        count += 1
    assert count == 10
    x, y = next(iter(DataLoader(data, batch_size=5, shuffle=True)))
    assert tuple(x.shape) == (5, 1, 28, 28)
    for image, label in zip(x.numpy(), y.tolist()):
        matches = [i for i in np.flatnonzero(data.targets == label) if np.array_equal(data[i][0].numpy(), image)]
        assert matches


def test_a_lambda_transform_is_served_item_by_item():
    data = datasets.FashionMNIST("data", train=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Lambda(lambda x: x * 0 + 1)]))
    assert data._batcher() is None
    x, y = next(iter(DataLoader(data, batch_size=4)))
    assert tuple(x.shape) == (4, 1, 28, 28) and x.sum().item() == 4 * 784
