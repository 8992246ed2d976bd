"""``axon.vision.transforms``: the image transforms of torchvision's beginner examples.

``ToTensor`` turns an image (a NumPy array, ``H x W`` or ``H x W x C``; a PIL image is accepted
when PIL is installed) into a float tensor ``C x H x W``, scaled to [0, 1] when the image is
``uint8``; ``Normalize`` subtracts a per-channel mean and divides by a per-channel standard
deviation; ``Compose`` chains transforms and ``Lambda`` wraps a function.

Where it differs from torchvision: no PIL image is ever produced (the datasets hand out NumPy
arrays), and only these four transforms exist. Each of them except ``Lambda`` also transforms a
whole batch at once (``_batch``), giving the same values as item by item; the datasets use it
to serve batches to ``DataLoader``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..tensor import Tensor

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda"]


def _batchable(transform) -> bool:
    """Whether ``transform`` can transform a whole batch of images at once."""
    return isinstance(transform, (ToTensor, Normalize)) or (
        isinstance(transform, Compose) and all(_batchable(t) for t in transform.transforms))


class Compose:
    """``Compose([t1, t2, ...])``: applies the transforms one after another."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def _batch(self, images):
        for t in self.transforms:
            images = t._batch(images)
        return images

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToTensor:
    """An image (NumPy array ``H x W`` or ``H x W x C``, or a PIL image) as a float tensor
    ``C x H x W``; ``uint8`` images are divided by 255, other arrays keep their values."""

    @staticmethod
    def _array(pic) -> np.ndarray:
        if isinstance(pic, np.ndarray):
            return pic
        if hasattr(pic, "getbands") and hasattr(pic, "size"):  # a PIL image
            return np.asarray(pic)
        raise TypeError(f"pic should be a PIL Image or ndarray. Got {type(pic)}")

    @staticmethod
    def _tensor(array: np.ndarray, channels_axis: int) -> Tensor:
        moved = np.moveaxis(array, -1, channels_axis)
        t = Tensor(np.ascontiguousarray(moved, dtype=np.float32))
        return t.div(255) if array.dtype == np.uint8 else t

    def __call__(self, pic) -> Tensor:
        array = self._array(pic)
        if array.ndim not in (2, 3):
            raise ValueError(f"pic should be 2 or 3 dimensional. Got {array.ndim} dimensions.")
        if array.ndim == 2:
            array = array[:, :, None]
        return self._tensor(array, 0)

    def _batch(self, images: np.ndarray) -> Tensor:
        """A batch ``B x H x W`` (or ``B x H x W x C``) as a tensor ``B x C x H x W``."""
        if images.ndim == 3:
            images = images[..., None]
        return self._tensor(images, 1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """``Normalize(mean, std)``: ``(tensor - mean) / std`` per channel of a tensor ``C x H x W``
    (or ``... x C x H x W``); with ``inplace=True`` the tensor itself is updated and returned."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = [float(m) for m in np.ravel(mean)]
        self.std = [float(s) for s in np.ravel(std)]
        self.inplace = inplace
        if any(s == 0 for s in self.std):
            raise ValueError(f"std evaluated to zero after conversion to float32, leading to division by zero: "
                             f"{self.std}")

    def __call__(self, tensor: Tensor) -> Tensor:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Input tensor should be a torch tensor. Got {type(tensor)}.")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got {tuple(tensor.shape)}.")
        mean = Tensor(np.asarray(self.mean, dtype=np.float32).reshape(-1, 1, 1))
        std = Tensor(np.asarray(self.std, dtype=np.float32).reshape(-1, 1, 1))
        if self.inplace:
            return tensor.sub_(mean).div_(std)
        return (tensor - mean) / std

    def _batch(self, images: Tensor) -> Tensor:
        return self(images)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """``Lambda(fn)``: applies ``fn`` to the image."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
