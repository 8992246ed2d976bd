"""Layer 1: the declarations of losses with options, parameter groups and options, closure
steps, composed schedules and ReduceLROnPlateau (see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64

from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

# ---- Losses with options, parameter groups and options, closures, composed schedules, plateau ----

# axon_status axon_loss_with_options(axon_tensor **out, const char *name, const axon_tensor *input,
#                                    const axon_tensor *target, const char *reduction,
#                                    const axon_tensor *weight, const char *const *keys,
#                                    const double *values, size_t n_options);
axon_loss_with_options = _declare(
    "axon_loss_with_options",
    c_int,
    [
        POINTER(tensor_p),
        c_char_p,
        tensor_p,
        tensor_p,
        c_char_p,
        tensor_p,
        POINTER(c_char_p),
        POINTER(c_double),
        c_size_t,
    ],
    status=True,
)
# axon_status axon_optimizer_add_param_group(axon_optimizer *opt, axon_tensor *const *params, size_t n,
#                                            const char *const *keys, const double *values,
#                                            size_t n_options);
axon_optimizer_add_param_group = _declare(
    "axon_optimizer_add_param_group",
    c_int,
    [optimizer_p, POINTER(tensor_p), c_size_t, POINTER(c_char_p), POINTER(c_double), c_size_t],
    status=True,
)
# axon_status axon_optimizer_get_option(double *out, const axon_optimizer *opt, size_t group, const char *key);
axon_optimizer_get_option = _declare(
    "axon_optimizer_get_option", c_int, [POINTER(c_double), optimizer_p, c_size_t, c_char_p], status=True
)
# axon_status axon_optimizer_set_option(axon_optimizer *opt, size_t group, const char *key, double value);
axon_optimizer_set_option = _declare(
    "axon_optimizer_set_option", c_int, [optimizer_p, c_size_t, c_char_p, c_double], status=True
)
# axon_status axon_optimizer_new_lbfgs(axon_optimizer **out, axon_tensor *const *params, size_t n,
#                                      const char *const *keys, const double *values, size_t n_options);
axon_optimizer_new_lbfgs = _declare(
    "axon_optimizer_new_lbfgs",
    c_int,
    [POINTER(optimizer_p), POINTER(tensor_p), c_size_t, POINTER(c_char_p), POINTER(c_double), c_size_t],
    status=True,
)
#: ``float (*closure)(void *user)``
closure_fn = ctypes.CFUNCTYPE(c_float, ctypes.c_void_p)
# axon_status axon_optimizer_step_closure(float *out_loss, axon_optimizer *opt, float (*closure)(void *user),
#                                         void *user);
axon_optimizer_step_closure = _declare(
    "axon_optimizer_step_closure",
    c_int,
    [POINTER(c_float), optimizer_p, closure_fn, ctypes.c_void_p],
    status=True,
)
# axon_status axon_scheduler_new_composed(axon_scheduler **out, axon_optimizer *opt, const char *composition,
#                                         size_t n, const char *const *kinds, const char *const *const *keys,
#                                         const double *const *values, const size_t *n_options,
#                                         const int64_t *milestones, size_t n_milestones);
axon_scheduler_new_composed = _declare(
    "axon_scheduler_new_composed",
    c_int,
    [
        POINTER(scheduler_p),
        optimizer_p,
        c_char_p,
        c_size_t,
        POINTER(c_char_p),
        POINTER(POINTER(c_char_p)),
        POINTER(POINTER(c_double)),
        POINTER(c_size_t),
        POINTER(c_int64),
        c_size_t,
    ],
    status=True,
)


class axon_plateau(ctypes.Structure):
    """The opaque ``struct axon_plateau``."""


#: ``axon_plateau *``
plateau_p = POINTER(axon_plateau)

# axon_status axon_plateau_new(axon_plateau **out, axon_optimizer *opt, const char *const *keys,
#                              const double *values, size_t n_options);
axon_plateau_new = _declare(
    "axon_plateau_new",
    c_int,
    [POINTER(plateau_p), optimizer_p, POINTER(c_char_p), POINTER(c_double), c_size_t],
    status=True,
)
# void axon_plateau_free(axon_plateau *p);
axon_plateau_free = _declare("axon_plateau_free", None, [plateau_p])
# axon_status axon_plateau_step(axon_plateau *p, double metric);
axon_plateau_step = _declare("axon_plateau_step", c_int, [plateau_p, c_double], status=True)
# axon_status axon_checkpoint_save_plateau(const char *path, axon_model *m, axon_optimizer *opt,
#                                          axon_scheduler *sched, axon_plateau *plateau);
axon_checkpoint_save_plateau = _declare(
    "axon_checkpoint_save_plateau", c_int, [c_char_p, model_p, optimizer_p, scheduler_p, plateau_p], status=True
)
# axon_status axon_checkpoint_restore_plateau(const char *path, axon_model *m, axon_optimizer *opt,
#                                             axon_scheduler *sched, axon_plateau *plateau);
axon_checkpoint_restore_plateau = _declare(
    "axon_checkpoint_restore_plateau",
    c_int,
    [c_char_p, model_p, optimizer_p, scheduler_p, plateau_p],
    status=True,
)
