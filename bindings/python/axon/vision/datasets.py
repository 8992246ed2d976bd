"""``axon.vision.datasets``: ``MNIST`` and ``FashionMNIST`` as torchvision's, read from gzip'd
IDX files.

The files are looked for, in order, in ``root/<Name>/raw/`` (torchvision's layout), in ``root``
itself, and in the repository's ``Tests/Data/mnist`` or ``Tests/Data/fashion_mnist``; each may
be gzip'd (``.gz``) or not.

Where it differs from torchvision:

- nothing is downloaded: ``download=True`` uses the files found as above, and raises a
  ``RuntimeError`` naming the places looked in when there are none; nothing is written to
  ``root``;
- before ``transform``, an image is a NumPy ``uint8`` array ``28 x 28`` (torchvision's is a PIL
  image), which :class:`axon.vision.transforms.ToTensor` turns into a float tensor
  ``1 x 28 x 28`` in [0, 1]; a label is an ``int``;
- ``data`` (``uint8``, ``N x 28 x 28``) and ``targets`` (``int64``, ``N``) are NumPy arrays, not
  tensors;
- when the transforms are all of :mod:`axon.vision.transforms` (``ToTensor``, ``Normalize``,
  ``Compose`` of them) and there is no ``target_transform``, ``axon.utils.data.DataLoader``
  is served whole batches (one tensor of images, one ``int64`` tensor of labels), with the same
  values as item by item.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from .transforms import _batchable

try:
    from ..utils.data import Dataset
except ImportError:  # a package without axon.utils.data: the datasets still index and iterate
    class Dataset:
        """Fallback base class when ``axon.utils.data`` is not available."""

__all__ = ["MNIST", "FashionMNIST"]

#: The repository's data directory.
DATA = Path(__file__).resolve().parents[4] / "Tests" / "Data"

# IDX element types: code -> NumPy big-endian dtype.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """The array in an IDX file (gzip'd when its name ends in ``.gz``), in native byte order."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file (magic bytes {raw[:4]!r})")
    rank = raw[3]
    header = 4 + 4 * rank
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">i4", count=rank, offset=4))
    dt = np.dtype(_IDX_TYPES[raw[2]])
    count = int(np.prod(dims, dtype=np.int64))
    if len(raw) != header + count * dt.itemsize:
        raise RuntimeError(f"{path}: {len(raw) - header} data bytes for shape {dims} of {dt}")
    return np.frombuffer(raw, dtype=dt, count=count, offset=header).reshape(dims).astype(dt.newbyteorder("="))


class MNIST(Dataset):
    """The MNIST digits: ``MNIST(root, train=True, download=False, transform=None,
    target_transform=None)``, 60,000 training or 10,000 test images ``28 x 28`` with labels
    0 ... 9. ``dataset[i]`` is ``(image, label)``. See the module for how it differs from
    torchvision's."""

    #: The repository's directory holding this dataset's files.
    folder = "mnist"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]
    _files = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
              False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}

    def __init__(self, root: str | Path = "data", train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        self.root = root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        images, labels = (self._find(name, download) for name in self._files[bool(train)])
        self.data = read_idx(images)
        self.targets = read_idx(labels).astype(np.int64)
        if self.data.ndim != 3 or self.targets.shape != self.data.shape[:1]:
            raise RuntimeError(f"{images} and {labels} do not hold images and their labels "
                               f"(shapes {self.data.shape} and {self.targets.shape})")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    def _places(self) -> list[Path]:
        places = []
        if self.root is not None:
            root = Path(self.root).expanduser()
            places += [root / type(self).__name__ / "raw", root]
        return places + [DATA / self.folder]

    def _find(self, name: str, download: bool) -> Path:
        places = self._places()
        for place in places:
            for candidate in (place / (name + ".gz"), place / name):
                if candidate.is_file():
                    return candidate
        where = ", ".join(str(p) for p in places)
        if download:
            raise RuntimeError(f"{type(self).__name__}: {name}(.gz) not found in {where}; axon.vision never "
                               "downloads (download=True only uses files already there)")
        raise RuntimeError(f"{type(self).__name__}: dataset not found: {name}(.gz) is in none of {where}")

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        img, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _batcher(self) -> Callable[[np.ndarray], list] | None:
        """A whole collated batch for an index array: ``[images, labels]``, the images through the
        transforms at once, the labels an ``int64`` tensor; None when the transforms cannot."""
        if self.target_transform is not None or self.transform is None or not _batchable(self.transform):
            return None
        return lambda indices: [self.transform._batch(self.data[indices]),
                                Tensor(self.targets[indices], dtype=_dtype.int64)]

    def __repr__(self) -> str:
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}", f"    Split: {'Train' if self.train else 'Test'}"]
        if self.transform is not None:
            lines.append(f"    StandardTransform\nTransform: {self.transform!r}")
        return "\n".join(lines)


class FashionMNIST(MNIST):
    """Fashion-MNIST: ``FashionMNIST(root, train=True, download=False, transform=None,
    target_transform=None)``, 60,000 training or 10,000 test images ``28 x 28`` of clothing in
    ten classes, as :class:`MNIST`."""

    folder = "fashion_mnist"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
