"""Layer 1: the declarations of data-parallel training: flat buffers, the collective hooks,
sharded loaders and the fit loop over a loader (see :mod:`axon._lib`)."""

from __future__ import annotations

from ctypes import CFUNCTYPE, POINTER, c_double, c_float, c_int, c_size_t, c_uint64, c_void_p

from .data import dataset_p, loader_p
from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

# typedef int (*axon_replica_fn)(float *data, size_t count, void *user);
replica_fn = CFUNCTYPE(c_int, POINTER(c_float), c_size_t, c_void_p)

AXON_PART_PARAMETERS = 0
AXON_PART_GRADIENTS = 1
AXON_PART_STATE = 2

# size_t axon_model_flat_count(const axon_model *m, int part);
axon_model_flat_count = _declare("axon_model_flat_count", c_size_t, [model_p, c_int])
# axon_status axon_model_flat_read(const axon_model *m, int part, float *out, size_t count);
axon_model_flat_read = _declare(
    "axon_model_flat_read", c_int, [model_p, c_int, POINTER(c_float), c_size_t], status=True
)
# axon_status axon_model_flat_write(axon_model *m, int part, const float *values, size_t count);
axon_model_flat_write = _declare(
    "axon_model_flat_write", c_int, [model_p, c_int, POINTER(c_float), c_size_t], status=True
)
# axon_status axon_tensors_flat_read(axon_tensor *const *tensors, size_t n, int gradients, float *out,
#                                    size_t count);
axon_tensors_flat_read = _declare(
    "axon_tensors_flat_read", c_int, [POINTER(tensor_p), c_size_t, c_int, POINTER(c_float), c_size_t],
    status=True,
)
# axon_status axon_tensors_flat_write(axon_tensor *const *tensors, size_t n, int gradients, const float *values,
#                                     size_t count);
axon_tensors_flat_write = _declare(
    "axon_tensors_flat_write", c_int, [POINTER(tensor_p), c_size_t, c_int, POINTER(c_float), c_size_t],
    status=True,
)
# axon_status axon_model_broadcast(axon_model *m, axon_replica_fn broadcast, void *user);
axon_model_broadcast = _declare(
    "axon_model_broadcast", c_int, [model_p, replica_fn, c_void_p], status=True
)
# axon_status axon_model_sync_batchnorm(size_t *out_layers, axon_model *m, size_t rank, size_t world_size,
#                                       axon_replica_fn all_reduce_sum, void *user);
axon_model_sync_batchnorm = _declare(
    "axon_model_sync_batchnorm", c_int, [POINTER(c_size_t), model_p, c_size_t, c_size_t, replica_fn, c_void_p],
    status=True,
)
# axon_status axon_train_step_hooked(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
#                                    const axon_tensor *x, const axon_tensor *y, double clip_norm,
#                                    axon_replica_fn gradient_hook, void *user);
axon_train_step_hooked = _declare(
    "axon_train_step_hooked",
    c_int,
    [POINTER(c_float), model_p, optimizer_p, c_char_p, tensor_p, tensor_p, c_double, replica_fn, c_void_p],
    status=True,
)
# axon_status axon_loader_new_sharded(axon_loader **out, const axon_dataset *dataset, size_t batch_size,
#                                     int shuffle, int drop_last, uint64_t seed, size_t rank, size_t world_size);
axon_loader_new_sharded = _declare(
    "axon_loader_new_sharded",
    c_int,
    [POINTER(loader_p), dataset_p, c_size_t, c_int, c_int, c_uint64, c_size_t, c_size_t],
    status=True,
)
# axon_status axon_fit_loader(axon_epoch_record *out_records, size_t capacity, size_t *out_count,
#                             axon_model *m, axon_optimizer *opt, axon_scheduler *sched, const char *loss,
#                             axon_loader *loader, const axon_tensor *val_x, const axon_tensor *val_y, int epochs,
#                             double clip_norm, axon_replica_fn gradient_hook, void *user);
axon_fit_loader = _declare(
    "axon_fit_loader",
    c_int,
    [
        POINTER(axon_epoch_record), c_size_t, POINTER(c_size_t), model_p, optimizer_p, scheduler_p, c_char_p,
        loader_p, tensor_p, tensor_p, c_int, c_double, replica_fn, c_void_p,
    ],
    status=True,
)
