"""Layer 1: the declarations of models, the model tree, optimizers, schedules and training
(see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64

from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

# ---- Models ---------------------------------------------------------------------------------

# axon_status axon_model_new(axon_model **out, const char *spec, uint64_t seed);
axon_model_new = _declare(
    "axon_model_new", c_int, [POINTER(model_p), c_char_p, c_uint64], status=True
)
# axon_status axon_model_load(axon_model **out, const char *path);
axon_model_load = _declare("axon_model_load", c_int, [POINTER(model_p), c_char_p], status=True)
# void axon_model_free(axon_model *m);
axon_model_free = _declare("axon_model_free", None, [model_p])
# axon_status axon_model_save(const axon_model *m, const char *path);
axon_model_save = _declare("axon_model_save", c_int, [model_p, c_char_p], status=True)
# axon_status axon_checkpoint_save(const char *path, axon_model *m, axon_optimizer *opt,
#                                  axon_scheduler *sched);
axon_checkpoint_save = _declare(
    "axon_checkpoint_save", c_int, [c_char_p, model_p, optimizer_p, scheduler_p], status=True
)
# axon_status axon_checkpoint_restore(const char *path, axon_model *m, axon_optimizer *opt,
#                                     axon_scheduler *sched);
axon_checkpoint_restore = _declare(
    "axon_checkpoint_restore", c_int, [c_char_p, model_p, optimizer_p, scheduler_p], status=True
)
# axon_status axon_model_forward(axon_tensor **out, axon_model *m, const axon_tensor *x);
axon_model_forward = _declare(
    "axon_model_forward", c_int, [POINTER(tensor_p), model_p, tensor_p], status=True
)
# axon_status axon_model_train(axon_model *m, int training);
axon_model_train = _declare("axon_model_train", c_int, [model_p, c_int], status=True)
# int axon_model_is_training(const axon_model *m);
axon_model_is_training = _declare("axon_model_is_training", c_int, [model_p])
# size_t axon_model_parameter_count(const axon_model *m);
axon_model_parameter_count = _declare("axon_model_parameter_count", c_size_t, [model_p])
# axon_status axon_model_spec(const axon_model *m, char *out, size_t capacity, size_t *out_length);
axon_model_spec = _declare(
    "axon_model_spec", c_int, [model_p, POINTER(c_char), c_size_t, POINTER(c_size_t)], status=True
)

# ---- The model tree -------------------------------------------------------------------------

# size_t axon_model_child_count(const axon_model *m);
axon_model_child_count = _declare("axon_model_child_count", c_size_t, [model_p])
# axon_status axon_model_child(axon_model **out, const axon_model *m, size_t i);
axon_model_child = _declare("axon_model_child", c_int, [POINTER(model_p), model_p, c_size_t], status=True)
# axon_status axon_model_submodule(axon_model **out, const axon_model *m, const char *path);
axon_model_submodule = _declare("axon_model_submodule", c_int, [POINTER(model_p), model_p, c_char_p], status=True)
# axon_status axon_model_child_name(const axon_model *m, size_t i, char *out, size_t capacity,
#                                   size_t *out_length);
axon_model_child_name = _declare(
    "axon_model_child_name", c_int, [model_p, c_size_t, POINTER(c_char), c_size_t, POINTER(c_size_t)], status=True
)
# axon_status axon_model_kind(const axon_model *m, char *out, size_t capacity, size_t *out_length);
axon_model_kind = _declare(
    "axon_model_kind", c_int, [model_p, POINTER(c_char), c_size_t, POINTER(c_size_t)], status=True
)
# axon_status axon_model_sequential(axon_model **out, axon_model *const *layers, size_t n);
axon_model_sequential = _declare(
    "axon_model_sequential", c_int, [POINTER(model_p), POINTER(model_p), c_size_t], status=True
)
# size_t axon_model_state_count(const axon_model *m);
axon_model_state_count = _declare("axon_model_state_count", c_size_t, [model_p])
# axon_status axon_model_state_name(const axon_model *m, size_t i, char *out, size_t capacity,
#                                   size_t *out_length);
axon_model_state_name = _declare(
    "axon_model_state_name",
    c_int,
    [model_p, c_size_t, POINTER(c_char), c_size_t, POINTER(c_size_t)],
    status=True,
)
# axon_status axon_model_state_tensor(axon_tensor **out, const axon_model *m, size_t i);
axon_model_state_tensor = _declare(
    "axon_model_state_tensor", c_int, [POINTER(tensor_p), model_p, c_size_t], status=True
)
# size_t axon_model_parameter_count_tensors(const axon_model *m);
axon_model_parameter_count_tensors = _declare(
    "axon_model_parameter_count_tensors", c_size_t, [model_p]
)
# axon_status axon_model_parameter(axon_tensor **out, const axon_model *m, size_t i);
axon_model_parameter = _declare(
    "axon_model_parameter", c_int, [POINTER(tensor_p), model_p, c_size_t], status=True
)
# axon_status axon_model_parameter_name(const axon_model *m, size_t i, char *out, size_t capacity,
#                                       size_t *out_length);
axon_model_parameter_name = _declare(
    "axon_model_parameter_name",
    c_int,
    [model_p, c_size_t, POINTER(c_char), c_size_t, POINTER(c_size_t)],
    status=True,
)
# axon_status axon_model_load_state(axon_model *m, const char *const *names,
#                                   axon_tensor *const *tensors, size_t count, int strict);
axon_model_load_state = _declare(
    "axon_model_load_state",
    c_int,
    [model_p, POINTER(c_char_p), POINTER(tensor_p), c_size_t, c_int],
    status=True,
)

# ---- Optimizers and schedules ---------------------------------------------------------------

# axon_status axon_optimizer_new(axon_optimizer **out, const char *kind, axon_tensor *const *params,
#                                size_t n_params, const char *const *keys, const double *values,
#                                size_t n_options);
axon_optimizer_new = _declare(
    "axon_optimizer_new",
    c_int,
    [POINTER(optimizer_p), c_char_p, POINTER(tensor_p), c_size_t, POINTER(c_char_p), POINTER(c_double), c_size_t],
    status=True,
)
# void axon_optimizer_free(axon_optimizer *opt);
axon_optimizer_free = _declare("axon_optimizer_free", None, [optimizer_p])
# axon_status axon_optimizer_step(axon_optimizer *opt);
axon_optimizer_step = _declare("axon_optimizer_step", c_int, [optimizer_p], status=True)
# axon_status axon_optimizer_zero_grad(axon_optimizer *opt);
axon_optimizer_zero_grad = _declare("axon_optimizer_zero_grad", c_int, [optimizer_p], status=True)
# size_t axon_optimizer_group_count(const axon_optimizer *opt);
axon_optimizer_group_count = _declare("axon_optimizer_group_count", c_size_t, [optimizer_p])
# axon_status axon_optimizer_get_lr(double *out, const axon_optimizer *opt, size_t group);
axon_optimizer_get_lr = _declare(
    "axon_optimizer_get_lr", c_int, [POINTER(c_double), optimizer_p, c_size_t], status=True
)
# axon_status axon_optimizer_set_lr(axon_optimizer *opt, size_t group, double lr);
axon_optimizer_set_lr = _declare(
    "axon_optimizer_set_lr", c_int, [optimizer_p, c_size_t, c_double], status=True
)
# axon_status axon_scheduler_new(axon_scheduler **out, axon_optimizer *opt, const char *kind,
#                                const char *const *keys, const double *values, size_t n_options);
axon_scheduler_new = _declare(
    "axon_scheduler_new",
    c_int,
    [POINTER(scheduler_p), optimizer_p, c_char_p, POINTER(c_char_p), POINTER(c_double), c_size_t],
    status=True,
)
# void axon_scheduler_free(axon_scheduler *s);
axon_scheduler_free = _declare("axon_scheduler_free", None, [scheduler_p])
# axon_status axon_scheduler_step(axon_scheduler *s);
axon_scheduler_step = _declare("axon_scheduler_step", c_int, [scheduler_p], status=True)

# ---- Training -------------------------------------------------------------------------------

# axon_status axon_loss(axon_tensor **out, const char *name, const axon_tensor *input,
#                       const axon_tensor *target, const char *reduction);
axon_loss = _declare(
    "axon_loss", c_int, [POINTER(tensor_p), c_char_p, tensor_p, tensor_p, c_char_p], status=True
)
# axon_status axon_clip_grad_norm(float *out_total, axon_tensor *const *params, size_t n,
#                                 double max_norm, double norm_type);
axon_clip_grad_norm = _declare(
    "axon_clip_grad_norm",
    c_int,
    [POINTER(c_float), POINTER(tensor_p), c_size_t, c_double, c_double],
    status=True,
)
# axon_status axon_clip_grad_value(axon_tensor *const *params, size_t n, double clip_value);
axon_clip_grad_value = _declare(
    "axon_clip_grad_value", c_int, [POINTER(tensor_p), c_size_t, c_double], status=True
)
# axon_status axon_train_step(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
#                             const axon_tensor *x, const axon_tensor *y, double clip_norm);
axon_train_step = _declare(
    "axon_train_step",
    c_int,
    [POINTER(c_float), model_p, optimizer_p, c_char_p, tensor_p, tensor_p, c_double],
    status=True,
)
# axon_status axon_train_step_unguarded(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
#                                       const axon_tensor *x, const axon_tensor *y, double clip_norm);
axon_train_step_unguarded = _declare(
    "axon_train_step_unguarded",
    c_int,
    [POINTER(c_float), model_p, optimizer_p, c_char_p, tensor_p, tensor_p, c_double],
    status=True,
)
# axon_status axon_fit(axon_epoch_record *out_records, size_t capacity, size_t *out_count,
#                      axon_model *m, axon_optimizer *opt, axon_scheduler *sched, const char *loss,
#                      const axon_tensor *x, const axon_tensor *y, const axon_tensor *val_x,
#                      const axon_tensor *val_y, int epochs, size_t batch_size, uint64_t seed,
#                      double clip_norm);
axon_fit = _declare(
    "axon_fit",
    c_int,
    [POINTER(axon_epoch_record), c_size_t, POINTER(c_size_t), model_p, optimizer_p, scheduler_p, c_char_p,
     tensor_p, tensor_p, tensor_p, tensor_p, c_int, c_size_t, c_uint64, c_double],
    status=True,
)
