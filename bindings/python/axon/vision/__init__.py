"""``axon.vision``: a small stand-in for the parts of torchvision that PyTorch's beginner
examples use, so that a script written for torchvision runs over Axon.

- :mod:`axon.vision.datasets`: ``MNIST`` and ``FashionMNIST``, read from the gzip'd IDX files
  kept in the repository (``Tests/Data/mnist``, ``Tests/Data/fashion_mnist``) or in ``root``;
- :mod:`axon.vision.transforms`: ``ToTensor``, ``Normalize``, ``Compose`` and ``Lambda``.

Where it differs from torchvision: nothing is ever downloaded (``download=True`` only looks for
the files), images are NumPy ``uint8`` arrays rather than PIL images before ``ToTensor``, and a
dataset whose transforms are all of this package serves a whole batch at once to
``axon.utils.data.DataLoader`` (the same values as item by item, without a Python call per
sample).

A script imports it under torchvision's names, e.g. with
``sys.modules["torchvision"] = axon.vision`` (and likewise ``torchvision.datasets`` and
``torchvision.transforms``).
"""

from . import datasets, transforms

__all__ = ["datasets", "transforms"]
