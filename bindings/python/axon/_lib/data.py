"""Layer 1: the declarations of datasets, loaders, standardization, PCA whitening and IDX files
(see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64

from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

# ---- Data: datasets, loaders, standardization, PCA whitening, IDX files ----------------------


class axon_dataset(ctypes.Structure):
    """The opaque ``struct axon_dataset``."""


class axon_loader(ctypes.Structure):
    """The opaque ``struct axon_loader``."""


class axon_standardizer(ctypes.Structure):
    """The opaque ``struct axon_standardizer``."""


class axon_pca(ctypes.Structure):
    """The opaque ``struct axon_pca``."""


#: ``axon_dataset *``, ``axon_loader *``, ``axon_standardizer *``, ``axon_pca *``
dataset_p = POINTER(axon_dataset)
loader_p = POINTER(axon_loader)
standardizer_p = POINTER(axon_standardizer)
pca_p = POINTER(axon_pca)

# axon_status axon_dataset_new(axon_dataset **out, const axon_tensor *features,
#                              const axon_tensor *targets);
axon_dataset_new = _declare(
    "axon_dataset_new", c_int, [POINTER(dataset_p), tensor_p, tensor_p], status=True
)
# void axon_dataset_free(axon_dataset *d);
axon_dataset_free = _declare("axon_dataset_free", None, [dataset_p])
# size_t axon_dataset_count(const axon_dataset *d);
axon_dataset_count = _declare("axon_dataset_count", c_size_t, [dataset_p])
# axon_status axon_loader_new(axon_loader **out, const axon_dataset *dataset, size_t batch_size,
#                             int shuffle, int drop_last, uint64_t seed);
axon_loader_new = _declare(
    "axon_loader_new",
    c_int,
    [POINTER(loader_p), dataset_p, c_size_t, c_int, c_int, c_uint64],
    status=True,
)
# void axon_loader_free(axon_loader *loader);
axon_loader_free = _declare("axon_loader_free", None, [loader_p])
# size_t axon_loader_batch_count(const axon_loader *loader);
axon_loader_batch_count = _declare("axon_loader_batch_count", c_size_t, [loader_p])
# axon_status axon_loader_next(axon_tensor **out_x, axon_tensor **out_y, axon_loader *loader);
axon_loader_next = _declare(
    "axon_loader_next", c_int, [POINTER(tensor_p), POINTER(tensor_p), loader_p], status=True
)
# axon_status axon_checkpoint_save_loader(const char *path, axon_model *m, axon_optimizer *opt,
#                                         axon_scheduler *sched, const axon_loader *loader);
axon_checkpoint_save_loader = _declare(
    "axon_checkpoint_save_loader",
    c_int,
    [c_char_p, model_p, optimizer_p, scheduler_p, loader_p],
    status=True,
)
# axon_status axon_checkpoint_restore_loader(const char *path, axon_model *m, axon_optimizer *opt,
#                                            axon_scheduler *sched, axon_loader *loader);
axon_checkpoint_restore_loader = _declare(
    "axon_checkpoint_restore_loader",
    c_int,
    [c_char_p, model_p, optimizer_p, scheduler_p, loader_p],
    status=True,
)
# axon_status axon_standardizer_new(axon_standardizer **out, const axon_tensor *x);
axon_standardizer_new = _declare(
    "axon_standardizer_new", c_int, [POINTER(standardizer_p), tensor_p], status=True
)
# void axon_standardizer_free(axon_standardizer *s);
axon_standardizer_free = _declare("axon_standardizer_free", None, [standardizer_p])
# axon_status axon_standardizer_apply(axon_tensor **out, const axon_standardizer *s,
#                                     const axon_tensor *x);
axon_standardizer_apply = _declare(
    "axon_standardizer_apply", c_int, [POINTER(tensor_p), standardizer_p, tensor_p], status=True
)
# axon_status axon_pca_new(axon_pca **out, const axon_tensor *x, double eps);
axon_pca_new = _declare("axon_pca_new", c_int, [POINTER(pca_p), tensor_p, c_double], status=True)
# void axon_pca_free(axon_pca *p);
axon_pca_free = _declare("axon_pca_free", None, [pca_p])
# axon_status axon_pca_apply(axon_tensor **out, const axon_pca *p, const axon_tensor *x);
axon_pca_apply = _declare(
    "axon_pca_apply", c_int, [POINTER(tensor_p), pca_p, tensor_p], status=True
)
# axon_status axon_tensor_load_idx(axon_tensor **out, const char *path, float scale);
axon_tensor_load_idx = _declare(
    "axon_tensor_load_idx", c_int, [POINTER(tensor_p), c_char_p, c_float], status=True
)

# ---- Tensor files ---------------------------------------------------------------------------

class axon_tensor_file(ctypes.Structure):
    """The opaque ``struct axon_tensor_file``."""


tensor_file_p = POINTER(axon_tensor_file)

# axon_status axon_tensors_save(const char *path, const char *const *names, axon_tensor *const *tensors,
#                               size_t count, const char *text);
axon_tensors_save = _declare(
    "axon_tensors_save", c_int, [c_char_p, POINTER(c_char_p), POINTER(tensor_p), c_size_t, c_char_p], status=True
)
# axon_status axon_tensors_load(axon_tensor_file **out, const char *path);
axon_tensors_load = _declare("axon_tensors_load", c_int, [POINTER(tensor_file_p), c_char_p], status=True)
# void axon_tensor_file_free(axon_tensor_file *file);
axon_tensor_file_free = _declare("axon_tensor_file_free", None, [tensor_file_p])
# size_t axon_tensor_file_count(const axon_tensor_file *file);
axon_tensor_file_count = _declare("axon_tensor_file_count", c_size_t, [tensor_file_p])
# axon_status axon_tensor_file_name(const axon_tensor_file *file, size_t i, char *out, size_t capacity,
#                                   size_t *out_length);
axon_tensor_file_name = _declare(
    "axon_tensor_file_name", c_int, [tensor_file_p, c_size_t, POINTER(c_char), c_size_t, POINTER(c_size_t)],
    status=True,
)
# axon_status axon_tensor_file_tensor(axon_tensor **out, const axon_tensor_file *file, size_t i);
axon_tensor_file_tensor = _declare(
    "axon_tensor_file_tensor", c_int, [POINTER(tensor_p), tensor_file_p, c_size_t], status=True
)
# axon_status axon_tensor_file_text(const axon_tensor_file *file, char *out, size_t capacity,
#                                   size_t *out_length);
axon_tensor_file_text = _declare(
    "axon_tensor_file_text", c_int, [tensor_file_p, POINTER(c_char), c_size_t, POINTER(c_size_t)], status=True
)

# ---- safetensors ----------------------------------------------------------------------------

# axon_status axon_model_save_safetensors(const axon_model *m, const char *path);
axon_model_save_safetensors = _declare("axon_model_save_safetensors", c_int, [model_p, c_char_p], status=True)
# axon_status axon_model_load_safetensors(axon_model *m, const char *path, int strict, const char *const *from,
#                                         const char *const *to, size_t n_renames);
axon_model_load_safetensors = _declare(
    "axon_model_load_safetensors", c_int,
    [model_p, c_char_p, c_int, POINTER(c_char_p), POINTER(c_char_p), c_size_t], status=True,
)
# axon_status axon_safetensors_save(const char *path, const char *const *names, axon_tensor *const *tensors,
#                                   const int *integer, size_t count, const char *const *keys,
#                                   const char *const *values, size_t n_meta);
axon_safetensors_save = _declare(
    "axon_safetensors_save", c_int,
    [c_char_p, POINTER(c_char_p), POINTER(tensor_p), POINTER(c_int), c_size_t, POINTER(c_char_p),
     POINTER(c_char_p), c_size_t],
    status=True,
)
# axon_status axon_safetensors_load(axon_tensor_file **out, const char *path);
axon_safetensors_load = _declare("axon_safetensors_load", c_int, [POINTER(tensor_file_p), c_char_p], status=True)
