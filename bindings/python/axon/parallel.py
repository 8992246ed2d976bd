"""Data-parallel training with the collective engine of your choice (mpi4py, ...): every process
holds a replica of the model, trains on its share of each global batch, and the engine joins
the replicas through hooks, Python callables that change a flat float32 NumPy array in place.
The library itself links no engine.

With mpi4py::

    from mpi4py import MPI
    import axon as torch
    from axon import parallel

    comm = MPI.COMM_WORLD
    def average(buffer):                       # the gradient hook: the mean over the ranks
        comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
        buffer /= comm.size

    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    parallel.broadcast_parameters(model, lambda buffer: comm.Bcast(buffer, root=0))
    loader = parallel.ShardedLoader(x, y, batch_size=32, rank=comm.rank, world_size=comm.size, seed=1)
    for x_batch, y_batch in loader:            # this rank's share of each global batch of 32 * size
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x_batch), y_batch).backward()
        parallel.all_reduce_gradients(model, average)
        optimizer.step()

:func:`train_step` and :func:`fit` do the same in one library call for models made of built-in
layers. :func:`sync_batchnorm` makes BatchNorm's statistics those of the global batch
(PyTorch's SyncBatchNorm); by default each replica uses its own batch, as PyTorch's
DistributedDataParallel does. Launch with ``mpirun -np 4 python3 train.py``; on a cluster, give
mpirun a hostfile and one process per socket or node.
"""

from __future__ import annotations

from ._replicas import ShardedLoader, flat_read, flat_write
from .nn.module import Module
from .nn.native import native_of

__all__ = ["ShardedLoader", "broadcast_parameters", "all_reduce_gradients", "sync_batchnorm", "train_step",
           "fit", "parameters_vector", "gradients_vector"]


def _state_tensors(module: Module) -> list:
    return list(module.state_dict().values())


def _parameters(module_or_parameters) -> list:
    if isinstance(module_or_parameters, Module):
        return list(module_or_parameters.parameters())
    return list(module_or_parameters)


def broadcast_parameters(module: Module, broadcast) -> None:
    """Makes every replica hold rank 0's parameters and buffers: the whole state (state_dict
    order) goes through ``broadcast(buffer)`` as one array, which must leave rank 0's values in
    it (``comm.Bcast(buffer, root=0)``). Nothing changes when it raises."""
    tensors = _state_tensors(module)
    buffer = flat_read(tensors, gradients=False)
    broadcast(buffer)
    flat_write(tensors, False, buffer)


def all_reduce_gradients(module_or_parameters, hook) -> None:
    """The gradients of the parameters (zeros where there is none) through ``hook(buffer)`` as
    one array, then back into ``.grad`` (a parameter without one gets one only where the result
    is not all zero). Call it after ``backward()`` and before ``optimizer.step()`` on every rank."""
    parameters = _parameters(module_or_parameters)
    buffer = flat_read(parameters, gradients=True)
    hook(buffer)
    flat_write(parameters, True, buffer)


def parameters_vector(module_or_parameters):
    """The parameters' values as one float32 NumPy array (a copy), in ``parameters()`` order."""
    return flat_read(_parameters(module_or_parameters), gradients=False)


def gradients_vector(module_or_parameters):
    """The parameters' gradients as one float32 NumPy array (zeros where there is none)."""
    return flat_read(_parameters(module_or_parameters), gradients=True)


def sync_batchnorm(module: Module, all_reduce_sum, *, rank: int, world_size: int) -> int:
    """Synchronized batch normalization for every BatchNorm1d/BatchNorm2d in ``module``: in
    training mode the statistics are over the batches of all ``world_size`` replicas (this one
    is ``rank``), summed by ``all_reduce_sum(buffer)`` (``comm.Allreduce(MPI.IN_PLACE, buffer,
    op=MPI.SUM)``), called twice in each training forward and once in each backward pass on
    every rank (more under ``create_graph``); each replica's sums go in its own slots and are
    added in rank order. ``None`` goes back to per-replica statistics: each replica's own batch
    and running statistics (call :func:`broadcast_parameters` to give every rank rank 0's, as
    PyTorch's DistributedDataParallel does before each forward). An exception
    ``all_reduce_sum`` raises comes out of the call that ran it (``model(x)``, ``backward()``,
    :func:`train_step`). Returns the number of layers set."""
    count = 0
    for sub in module.modules():
        if getattr(sub, "_kind", "") in ("batchnorm1d", "batchnorm2d"):
            count += sub._native.sync_batchnorm(all_reduce_sum, rank, world_size)
    return count


def train_step(module: Module, optimizer, loss: str, x, y, gradient_hook, clip_norm: float | None = None) -> float:
    """One guarded training step in one library call (forward, the loss ``loss`` by name, e.g.
    ``"cross_entropy"``, backward, ``gradient_hook(buffer)`` on the flat gradients, clipping,
    the update) for a module made of built-in layers; the loss of this replica's batch. When
    this replica's loss is not finite the hook sees NaN, so every replica skips the step."""
    return native_of(module).train_step(optimizer._native, loss, x, y, clip_norm, gradient_hook=gradient_hook)


def fit(module: Module, optimizer, loss: str, loader: ShardedLoader, *, epochs: int, gradient_hook=None,
        validation=None, scheduler=None, clip_norm: float | None = None):
    """The library's fit loop over a sharded loader, with ``gradient_hook`` at every step; one
    :class:`axon._objects.EpochRecord` per epoch (this replica's training loss)."""
    native_scheduler = getattr(scheduler, "_native", None) if scheduler is not None else None
    return native_of(module).fit_loader(optimizer._native, loss, loader, epochs=epochs, validation=validation,
                                        scheduler=native_scheduler, clip_norm=clip_norm,
                                        gradient_hook=gradient_hook)

