"""Layer 3: ``axon.utils.data``, datasets, samplers and the data loader of ``torch.utils.data``.

>>> train = TensorDataset(axon.tensor(x), axon.tensor(y))
>>> loader = DataLoader(train, batch_size=64, shuffle=True, generator=Generator().manual_seed(0))
>>> for xb, yb in loader: ...

Random orders come from an :class:`axon._optim.Generator` (the library's ``axon_tensor_randperm``).
Where Axon differs from PyTorch:

- the permutations differ from torch's for the same seed (another random algorithm); without a
  ``generator``, each epoch (and each :func:`random_split`) draws its seed from the sequence of
  ``axon.manual_seed`` (the seeds models are initialized from), so a run is reproducible after
  ``axon.manual_seed``, as PyTorch's is after ``torch.manual_seed``;
- batches are built in the calling process: ``num_workers``, ``prefetch_factor``,
  ``persistent_workers``, ``timeout``, ``worker_init_fn`` and ``multiprocessing_context`` are
  accepted and have no effect (worker processes only change speed in PyTorch for map-style
  datasets, never the batches; ``worker_init_fn`` is therefore never called), and so are
  ``pin_memory`` and ``pin_memory_device`` (axon runs on the CPU);
- every tensor is float32: collated Python numbers, integer and boolean arrays become float32
  tensors (PyTorch keeps int64 and bool), and collated tensors are new tensors without a graph;
- a :class:`TensorDataset` copies its tensors to NumPy once when made and serves a whole batch
  with one fancy index and one tensor (its items are copies, not views as in PyTorch).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .. import _seed
from .._optim import Generator
from ..tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler", "DataLoader",
           "default_collate", "default_convert", "Generator"]


def _generator(generator: Generator | None, owner: str) -> Generator:
    """``generator``, or a fresh one seeded from ``axon.manual_seed``'s sequence."""
    if generator is None:
        return Generator().manual_seed(_seed.next_seed())
    if not isinstance(generator, Generator):
        raise TypeError(f"{owner}: generator must be an axon Generator, not {type(generator).__name__}")
    return generator


# ---- Datasets -------------------------------------------------------------------------------


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__`` (and usually ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])

    def _batcher(self) -> Callable[[np.ndarray], list] | None:
        """A function serving a whole collated batch for an index array, when this dataset has one."""
        return None


class IterableDataset(Dataset):
    """A dataset given by ``__iter__`` (a stream of samples), batched in its order."""

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


def _array(t) -> np.ndarray:
    return t.numpy() if isinstance(t, Tensor) else np.asarray(t, dtype=np.float32)


class TensorDataset(Dataset):
    """Samples along the first axis of ``tensors`` (``axon.Tensor`` or NumPy arrays), as
    ``torch.utils.data.TensorDataset``. A NumPy copy of each is made once, here: later changes
    to the tensors are not seen. An item is a tuple of new tensors (copies, not views)."""

    def __init__(self, *tensors) -> None:
        arrays = [_array(t) for t in tensors]
        if not arrays or any(a.ndim == 0 for a in arrays) or any(len(a) != len(arrays[0]) for a in arrays):
            raise ValueError("Size mismatch between tensors")
        self.tensors = tensors
        self._arrays = arrays

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        return tuple(Tensor(a[index]) for a in self._arrays)

    def __len__(self) -> int:
        return len(self._arrays[0])

    def _batcher(self) -> Callable[[np.ndarray], list]:
        return lambda indices: [Tensor(a[indices]) for a in self._arrays]


class ConcatDataset(Dataset):
    """The datasets one after another, as ``torch.utils.data.ConcatDataset``."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        return self.datasets[which][index - (self.cumulative_sizes[which - 1] if which else 0)]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, as ``torch.utils.data.Subset``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        self._index_array = np.asarray(indices, dtype=np.int64).reshape(-1)

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list:
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def _batcher(self) -> Callable[[np.ndarray], list] | None:
        inner = self.dataset._batcher() if isinstance(self.dataset, Dataset) else None
        if inner is None:
            return None
        return lambda indices: inner(self._index_array[indices])


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None) -> list[Subset]:
    """Splits ``dataset`` into non-overlapping random subsets of ``lengths`` (counts, or fractions
    summing to 1 whose remainder goes one by one to the first subsets), as
    ``torch.utils.data.random_split``; the subsets differ from torch's for the same seed."""
    lengths = list(lengths)
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * fraction)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(int(length) != length or length < 0 for length in lengths):
        raise ValueError(f"random_split: lengths {lengths} must be whole numbers >= 0 or fractions summing to 1")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = _generator(generator, "random_split").randperm(n)
    ends = list(itertools.accumulate(int(length) for length in lengths))
    return [Subset(dataset, order[end - int(length):end]) for end, length in zip(ends, lengths)]


# ---- Samplers -------------------------------------------------------------------------------


class Sampler:
    """An iterable of dataset indices, as ``torch.utils.data.Sampler``."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def _order(self) -> np.ndarray | None:
        """The whole epoch's indices at once (a new epoch per call), when the sampler can give them."""
        return None


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)


class RandomSampler(Sampler):
    """A new random order of the indices at every iteration, as ``torch.utils.data.RandomSampler``
    (with ``replacement``, uniform draws instead); drawn from ``generator``, or without one
    from a fresh generator seeded from ``axon.manual_seed``'s sequence each time."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if generator is not None:
            _generator(generator, "RandomSampler")
        self.data_source, self.replacement, self._num_samples = data_source, replacement, num_samples
        self.generator = generator

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _order(self) -> np.ndarray:
        n, count = len(self.data_source), self.num_samples
        generator = _generator(self.generator, "RandomSampler")
        if self.replacement:
            return np.asarray(generator.randint(0, n, count), dtype=np.int64)
        if n == 0:
            return np.empty(0, dtype=np.int64)
        parts = [generator.randperm(n) for _ in range(count // n)]
        if count % n:
            parts.append(generator.randperm(n)[:count % n])
        return np.asarray(list(itertools.chain.from_iterable(parts)), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())


class SubsetRandomSampler(Sampler):
    """``indices`` in a new random order at every iteration."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __len__(self) -> int:
        return len(self.indices)

    def _order(self) -> np.ndarray:
        order = _generator(self.generator, "SubsetRandomSampler").randperm(len(self.indices))
        return np.asarray(self.indices, dtype=np.int64).reshape(-1)[order]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices of ``sampler`` (the last one shorter unless ``drop_last``)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def _arrays(self) -> Iterator[np.ndarray | list[int]]:
        """The epoch's batches: slices of the sampler's whole order when it gives one."""
        order = self.sampler._order() if isinstance(self.sampler, Sampler) else None
        if order is None:
            yield from iter(self)
            return
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while batch := list(itertools.islice(it, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size


# ---- Collation ------------------------------------------------------------------------------


def default_convert(data):
    """A sample as the loader yields it without batching: NumPy arrays and scalars become
    tensors, containers are converted item by item, anything else is unchanged."""
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind not in "USO":
        return Tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data


def default_collate(batch: Sequence[Any]):
    """Samples stacked along a new first axis, as ``torch.utils.data.default_collate``: tensors and
    NumPy arrays become one tensor, Python and NumPy numbers a 1-d tensor, strings stay a list,
    dicts and named tuples are collated per field, and other sequences (tuples included) become a
    list of collated fields, as PyTorch's. Unlike PyTorch's, every tensor is float32."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return Tensor(np.stack([t.numpy() for t in batch]))
    if isinstance(elem, (np.ndarray, np.generic)):
        if elem.dtype.kind in "USO":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                            f"found an array of dtype {elem.dtype}")
        return Tensor(np.stack([np.asarray(e) for e in batch]))
    if isinstance(elem, (bool, int, float)):
        return Tensor(np.asarray(batch, dtype=np.float32))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem).__name__}")


# ---- The loader -----------------------------------------------------------------------------


class DataLoader:
    """Batches of ``dataset``, as ``torch.utils.data.DataLoader``: ``batch_size`` samples (None:
    no batching), in order or reshuffled each epoch (``shuffle``, drawn from ``generator``), the
    last incomplete batch left out with ``drop_last``, collated by ``collate_fn``
    (:func:`default_collate`). A :class:`TensorDataset` (or a :class:`Subset` of one) with the
    default collation is served a batch at a time (one NumPy index and one tensor per field).
    See the module's notes for the arguments that have no effect."""

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None, batch_sampler: Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Callable | None = None,
                 multiprocessing_context=None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if generator is not None:
            _generator(generator, "DataLoader")
        if isinstance(dataset, IterableDataset):
            if shuffle:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler and batch_sampler")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not isinstance(dataset, IterableDataset):
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not isinstance(dataset, IterableDataset):
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, bool(drop_last)
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor, self.persistent_workers = worker_init_fn, prefetch_factor, \
            persistent_workers
        self.multiprocessing_context, self.pin_memory_device, self.in_order = multiprocessing_context, \
            pin_memory_device, in_order
        self._auto_collation = batch_sampler is not None or (isinstance(dataset, IterableDataset) and
                                                             batch_size is not None)
        default = default_collate if self._auto_collation else default_convert
        self.collate_fn = default if collate_fn is None else collate_fn

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size
        return len(self.batch_sampler) if self.batch_sampler is not None else len(self.sampler)

    def __iter__(self) -> Iterator:
        if isinstance(self.dataset, IterableDataset):
            yield from self._iterable()
        elif self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
        else:
            fast = self.dataset._batcher() if self.collate_fn is default_collate and \
                isinstance(self.dataset, Dataset) else None
            indices = self.batch_sampler._arrays() if isinstance(self.batch_sampler, BatchSampler) \
                else iter(self.batch_sampler)
            for batch in indices:
                if fast is not None:
                    yield fast(np.asarray(batch, dtype=np.int64))
                else:
                    yield self.collate_fn(self._samples(batch))

    def _samples(self, batch) -> list:
        indices = [int(i) for i in batch]
        getitems = getattr(self.dataset, "__getitems__", None)
        return getitems(indices) if getitems is not None else [self.dataset[i] for i in indices]

    def _iterable(self) -> Iterator:
        it = iter(self.dataset)
        if self.batch_size is None:
            yield from (self.collate_fn(sample) for sample in it)
            return
        while batch := list(itertools.islice(it, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn(batch)
