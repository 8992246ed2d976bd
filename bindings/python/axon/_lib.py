"""Layer 1: find and load libaxon, and declare every function of include/axon.h 1:1.

Each declaration has the C prototype above it. Functions that return an ``axon_status`` share
one ``errcheck`` that raises the matching :mod:`axon.errors` exception carrying
``axon_last_error()``. There is no other logic here and nothing owns anything: the owning
wrappers of layer 2 (:mod:`axon._owned`, :mod:`axon.tensor`, :mod:`axon._objects`,
:mod:`axon._ops`) are the only modules that import this one.

The library is looked up in this order:

1. the path in the environment variable ``AXON_LIBRARY`` (used alone when set);
2. ``.build/release/libaxon.so`` of the Axon checkout this package lives in;
3. the system's library path (``ctypes.util.find_library("axon")``, then ``libaxon.so``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64
from pathlib import Path

from . import errors

#: The ABI this module was written against (AXON_ABI_VERSION).
ABI_VERSION = 1
#: AXON_MAX_RANK.
MAX_RANK = 16


def _candidates() -> list[str]:
    override = os.environ.get("AXON_LIBRARY")
    if override:
        return [override]
    paths = []
    # bindings/python/axon/_lib.py -> the checkout root is three levels above the package.
    checkout = Path(__file__).resolve().parents[3]
    built = checkout / ".build" / "release" / "libaxon.so"
    if built.exists():
        paths.append(str(built))
    found = ctypes.util.find_library("axon")
    if found:
        paths.append(found)
    paths.append("libaxon.so")
    return paths


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as error:
            tried.append(f"{path}: {error}")
    raise ImportError(
        "axon: cannot load libaxon.so (set AXON_LIBRARY to its path). Tried:\n  "
        + "\n  ".join(tried)
    )


lib = _load()


class axon_tensor(ctypes.Structure):
    """The opaque ``struct axon_tensor``; only pointers to it are used."""


#: ``axon_tensor *``
tensor_p = POINTER(axon_tensor)


class axon_model(ctypes.Structure):
    """The opaque ``struct axon_model``."""


class axon_optimizer(ctypes.Structure):
    """The opaque ``struct axon_optimizer``."""


class axon_scheduler(ctypes.Structure):
    """The opaque ``struct axon_scheduler``."""


#: ``axon_model *``, ``axon_optimizer *``, ``axon_scheduler *``
model_p = POINTER(axon_model)
optimizer_p = POINTER(axon_optimizer)
scheduler_p = POINTER(axon_scheduler)


class axon_epoch_record(Structure):
    """``axon_epoch_record``: one epoch of ``axon_fit`` (NaN for values not measured)."""

    _fields_ = [
        ("train_loss", c_double),
        ("train_accuracy", c_double),
        ("val_loss", c_double),
        ("val_accuracy", c_double),
        ("learning_rate", c_double),
        ("skipped_steps", c_int64),
    ]


def _check(status: int, func, args):
    """errcheck of every function returning ``axon_status``."""
    if status != 0:
        message = axon_last_error().decode("utf-8", "replace")
        if not message:
            message = f"{func.__name__}: {axon_status_string(status).decode()}"
        raise errors.error_for_status(status, message)
    return status


def _declare(name: str, restype, argtypes: list, *, status: bool = False):
    try:
        fn = getattr(lib, name)
    except AttributeError:
        raise ImportError(
            f"axon: {lib._name} does not export {name}; it is probably out of date "
            "(rebuild it, or set AXON_LIBRARY)"
        ) from None
    fn.restype = restype
    fn.argtypes = argtypes
    if status:
        fn.errcheck = _check
    return fn


# ---- Versions -------------------------------------------------------------------------------

# const char *axon_version(void);
axon_version = _declare("axon_version", c_char_p, [])
# int axon_version_number(void);
axon_version_number = _declare("axon_version_number", c_int, [])
# int axon_abi_version(void);
axon_abi_version = _declare("axon_abi_version", c_int, [])
# int axon_format_version(void);
axon_format_version = _declare("axon_format_version", c_int, [])

# ---- Grad mode ------------------------------------------------------------------------------

# int axon_set_grad_enabled(int enabled);
axon_set_grad_enabled = _declare("axon_set_grad_enabled", c_int, [c_int])
# int axon_is_grad_enabled(void);
axon_is_grad_enabled = _declare("axon_is_grad_enabled", c_int, [])

# ---- Errors ---------------------------------------------------------------------------------

# const char *axon_status_string(int code);
axon_status_string = _declare("axon_status_string", c_char_p, [c_int])
# const char *axon_last_error(void);
axon_last_error = _declare("axon_last_error", c_char_p, [])

# ---- Runtime --------------------------------------------------------------------------------

# axon_status axon_set_num_threads(int n);
axon_set_num_threads = _declare("axon_set_num_threads", c_int, [c_int], status=True)
# int axon_get_num_threads(void);
axon_get_num_threads = _declare("axon_get_num_threads", c_int, [])
# const char *axon_cpu_features(void);
axon_cpu_features = _declare("axon_cpu_features", c_char_p, [])
# axon_status axon_live_handles(size_t *out, const char *type);
axon_live_handles = _declare("axon_live_handles", c_int, [POINTER(c_size_t), c_char_p], status=True)

# ---- In-place updates -----------------------------------------------------------------------

# axon_status axon_tensor_copy_(axon_tensor *t, const axon_tensor *src);
axon_tensor_copy_ = _declare("axon_tensor_copy_", c_int, [tensor_p, tensor_p], status=True)
# axon_status axon_tensor_add_(axon_tensor *t, const axon_tensor *other, float alpha);
axon_tensor_add_ = _declare("axon_tensor_add_", c_int, [tensor_p, tensor_p, c_float], status=True)
# axon_status axon_tensor_sub_(axon_tensor *t, const axon_tensor *other, float alpha);
axon_tensor_sub_ = _declare("axon_tensor_sub_", c_int, [tensor_p, tensor_p, c_float], status=True)
# axon_status axon_tensor_mul_(axon_tensor *t, const axon_tensor *other);
axon_tensor_mul_ = _declare("axon_tensor_mul_", c_int, [tensor_p, tensor_p], status=True)
# axon_status axon_tensor_div_(axon_tensor *t, const axon_tensor *other);
axon_tensor_div_ = _declare("axon_tensor_div_", c_int, [tensor_p, tensor_p], status=True)
# axon_status axon_tensor_add_scalar_(axon_tensor *t, float value);
axon_tensor_add_scalar_ = _declare("axon_tensor_add_scalar_", c_int, [tensor_p, c_float], status=True)
# axon_status axon_tensor_mul_scalar_(axon_tensor *t, float value);
axon_tensor_mul_scalar_ = _declare("axon_tensor_mul_scalar_", c_int, [tensor_p, c_float], status=True)
# axon_status axon_tensor_fill_(axon_tensor *t, float value);
axon_tensor_fill_ = _declare("axon_tensor_fill_", c_int, [tensor_p, c_float], status=True)
# axon_status axon_tensor_zero_(axon_tensor *t);
axon_tensor_zero_ = _declare("axon_tensor_zero_", c_int, [tensor_p], status=True)
# axon_status axon_tensor_version(int64_t *out, const axon_tensor *t);
axon_tensor_version = _declare("axon_tensor_version", c_int, [POINTER(c_int64), tensor_p], status=True)

# ---- Tensors --------------------------------------------------------------------------------

# axon_status axon_tensor_new(axon_tensor **out, const float *data, size_t count,
#                             const int64_t *shape, size_t rank, int requires_grad);
axon_tensor_new = _declare(
    "axon_tensor_new",
    c_int,
    [POINTER(tensor_p), POINTER(c_float), c_size_t, POINTER(c_int64), c_size_t, c_int],
    status=True,
)
# void axon_tensor_free(axon_tensor *t);
axon_tensor_free = _declare("axon_tensor_free", None, [tensor_p])
# size_t axon_tensor_rank(const axon_tensor *t);
axon_tensor_rank = _declare("axon_tensor_rank", c_size_t, [tensor_p])
# size_t axon_tensor_numel(const axon_tensor *t);
axon_tensor_numel = _declare("axon_tensor_numel", c_size_t, [tensor_p])
# int axon_tensor_requires_grad(const axon_tensor *t);
axon_tensor_requires_grad = _declare("axon_tensor_requires_grad", c_int, [tensor_p])
# axon_status axon_tensor_shape(const axon_tensor *t, int64_t *out_shape, size_t capacity);
axon_tensor_shape = _declare(
    "axon_tensor_shape", c_int, [tensor_p, POINTER(c_int64), c_size_t], status=True
)
# axon_status axon_tensor_copy_data(const axon_tensor *t, float *out, size_t capacity);
axon_tensor_copy_data = _declare(
    "axon_tensor_copy_data", c_int, [tensor_p, POINTER(c_float), c_size_t], status=True
)
# axon_status axon_tensor_add(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_add = _declare(
    "axon_tensor_add", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_sub(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_sub = _declare(
    "axon_tensor_sub", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_mul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_mul = _declare(
    "axon_tensor_mul", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_matmul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_matmul = _declare(
    "axon_tensor_matmul", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_sum(axon_tensor **out, const axon_tensor *a);
axon_tensor_sum = _declare("axon_tensor_sum", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_backward(axon_tensor *t);
axon_tensor_backward = _declare("axon_tensor_backward", c_int, [tensor_p], status=True)
# axon_status axon_tensor_grad(axon_tensor **out, const axon_tensor *t);
axon_tensor_grad = _declare("axon_tensor_grad", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_zero_grad(axon_tensor *t);
axon_tensor_zero_grad = _declare("axon_tensor_zero_grad", c_int, [tensor_p], status=True)

# axon_status axon_tensor_div(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_div = _declare(
    "axon_tensor_div", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_neg(axon_tensor **out, const axon_tensor *a);
axon_tensor_neg = _declare("axon_tensor_neg", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_exp(axon_tensor **out, const axon_tensor *a);
axon_tensor_exp = _declare("axon_tensor_exp", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_log(axon_tensor **out, const axon_tensor *a);
axon_tensor_log = _declare("axon_tensor_log", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_tanh(axon_tensor **out, const axon_tensor *a);
axon_tensor_tanh = _declare("axon_tensor_tanh", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_sigmoid(axon_tensor **out, const axon_tensor *a);
axon_tensor_sigmoid = _declare(
    "axon_tensor_sigmoid", c_int, [POINTER(tensor_p), tensor_p], status=True
)
# axon_status axon_tensor_relu(axon_tensor **out, const axon_tensor *a);
axon_tensor_relu = _declare("axon_tensor_relu", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_sqrt(axon_tensor **out, const axon_tensor *a);
axon_tensor_sqrt = _declare("axon_tensor_sqrt", c_int, [POINTER(tensor_p), tensor_p], status=True)
# axon_status axon_tensor_pow(axon_tensor **out, const axon_tensor *a, float exponent);
axon_tensor_pow = _declare(
    "axon_tensor_pow", c_int, [POINTER(tensor_p), tensor_p, c_float], status=True
)
# axon_status axon_tensor_sum_axes(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
#                                  size_t n_axes, int keep_dims);
axon_tensor_sum_axes = _declare(
    "axon_tensor_sum_axes",
    c_int,
    [POINTER(tensor_p), tensor_p, POINTER(c_int64), c_size_t, c_int],
    status=True,
)
# axon_status axon_tensor_mean(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
#                              size_t n_axes, int keep_dims);
axon_tensor_mean = _declare(
    "axon_tensor_mean",
    c_int,
    [POINTER(tensor_p), tensor_p, POINTER(c_int64), c_size_t, c_int],
    status=True,
)
# axon_status axon_tensor_reshape(axon_tensor **out, const axon_tensor *a, const int64_t *shape,
#                                 size_t rank);
axon_tensor_reshape = _declare(
    "axon_tensor_reshape",
    c_int,
    [POINTER(tensor_p), tensor_p, POINTER(c_int64), c_size_t],
    status=True,
)
# axon_status axon_tensor_transpose(axon_tensor **out, const axon_tensor *a, int64_t axis0,
#                                   int64_t axis1);
axon_tensor_transpose = _declare(
    "axon_tensor_transpose", c_int, [POINTER(tensor_p), tensor_p, c_int64, c_int64], status=True
)
# axon_status axon_tensor_softmax(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_tensor_softmax = _declare(
    "axon_tensor_softmax", c_int, [POINTER(tensor_p), tensor_p, c_int64], status=True
)
# axon_status axon_tensor_log_softmax(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_tensor_log_softmax = _declare(
    "axon_tensor_log_softmax", c_int, [POINTER(tensor_p), tensor_p, c_int64], status=True
)
# axon_status axon_tensor_detach(axon_tensor **out, const axon_tensor *a);
axon_tensor_detach = _declare(
    "axon_tensor_detach", c_int, [POINTER(tensor_p), tensor_p], status=True
)
# axon_status axon_tensor_set_requires_grad(axon_tensor *t, int requires_grad);
axon_tensor_set_requires_grad = _declare(
    "axon_tensor_set_requires_grad", c_int, [tensor_p, c_int], status=True
)
# axon_status axon_tensor_backward_seed(axon_tensor *t, const axon_tensor *seed, int retain_graph,
#                                       int create_graph);
axon_tensor_backward_seed = _declare(
    "axon_tensor_backward_seed", c_int, [tensor_p, tensor_p, c_int, c_int], status=True
)
# axon_status axon_tensor_dual(axon_tensor **out, const axon_tensor *primal,
#                              const axon_tensor *tangent);
axon_tensor_dual = _declare(
    "axon_tensor_dual", c_int, [POINTER(tensor_p), tensor_p, tensor_p], status=True
)
# axon_status axon_tensor_tangent(axon_tensor **out, const axon_tensor *t);
axon_tensor_tangent = _declare(
    "axon_tensor_tangent", c_int, [POINTER(tensor_p), tensor_p], status=True
)

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

# ---- The op catalog, creation and random tensors, axon_grad (c-ops) --------------------------
class axon_generator(ctypes.Structure):
    """The opaque ``struct axon_generator``."""


#: ``axon_generator *``; below, short names of it, ``axon_tensor **``, ``axon_tensor *``, ``const int64_t *``
generator_p = POINTER(axon_generator)
_g, _out, _t, _i64p = generator_p, POINTER(tensor_p), tensor_p, POINTER(c_int64)
# axon_status axon_tensor_sin(axon_tensor **out, const axon_tensor *a);
axon_tensor_sin = _declare("axon_tensor_sin", c_int, [_out, _t], status=True)
# axon_status axon_tensor_cos(axon_tensor **out, const axon_tensor *a);
axon_tensor_cos = _declare("axon_tensor_cos", c_int, [_out, _t], status=True)
# axon_status axon_tensor_abs(axon_tensor **out, const axon_tensor *a);
axon_tensor_abs = _declare("axon_tensor_abs", c_int, [_out, _t], status=True)
# axon_status axon_tensor_erf(axon_tensor **out, const axon_tensor *a);
axon_tensor_erf = _declare("axon_tensor_erf", c_int, [_out, _t], status=True)
# axon_status axon_tensor_gelu(axon_tensor **out, const axon_tensor *a);
axon_tensor_gelu = _declare("axon_tensor_gelu", c_int, [_out, _t], status=True)
# axon_status axon_tensor_softplus(axon_tensor **out, const axon_tensor *a);
axon_tensor_softplus = _declare("axon_tensor_softplus", c_int, [_out, _t], status=True)
# axon_status axon_tensor_clamp(axon_tensor **out, const axon_tensor *a, float min, float max);
axon_tensor_clamp = _declare("axon_tensor_clamp", c_int, [_out, _t, c_float, c_float], status=True)
# axon_status axon_tensor_leaky_relu(axon_tensor **out, const axon_tensor *a, float negative_slope);
axon_tensor_leaky_relu = _declare("axon_tensor_leaky_relu", c_int, [_out, _t, c_float], status=True)
# axon_status axon_tensor_elu(axon_tensor **out, const axon_tensor *a, float alpha);
axon_tensor_elu = _declare("axon_tensor_elu", c_int, [_out, _t, c_float], status=True)
# axon_status axon_tensor_maximum(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_maximum = _declare("axon_tensor_maximum", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_minimum(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_minimum = _declare("axon_tensor_minimum", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_pow_tensor(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_pow_tensor = _declare("axon_tensor_pow_tensor", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_gt(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_gt = _declare("axon_tensor_gt", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_ge(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_ge = _declare("axon_tensor_ge", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_lt(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_lt = _declare("axon_tensor_lt", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_le(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_le = _declare("axon_tensor_le", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_eq(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_eq = _declare("axon_tensor_eq", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_ne(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_tensor_ne = _declare("axon_tensor_ne", c_int, [_out, _t, _t], status=True)
# axon_status axon_tensor_where(axon_tensor **out, const axon_tensor *cond, const axon_tensor *a, const axon_tensor *b);
axon_tensor_where = _declare("axon_tensor_where", c_int, [_out, _t, _t, _t], status=True)
# axon_status axon_tensor_amax(axon_tensor **out, const axon_tensor *a, const int64_t *axes, size_t n_axes,
#     int keep_dims);
axon_tensor_amax = _declare("axon_tensor_amax", c_int, [_out, _t, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_amin(axon_tensor **out, const axon_tensor *a, const int64_t *axes, size_t n_axes,
#     int keep_dims);
axon_tensor_amin = _declare("axon_tensor_amin", c_int, [_out, _t, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_logsumexp(axon_tensor **out, const axon_tensor *a, const int64_t *axes, size_t n_axes,
#     int keep_dims);
axon_tensor_logsumexp = _declare("axon_tensor_logsumexp", c_int, [_out, _t, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_var(axon_tensor **out, const axon_tensor *a, const int64_t *axes, size_t n_axes,
#     int64_t correction, int keep_dims);
axon_tensor_var = _declare("axon_tensor_var", c_int, [_out, _t, _i64p, c_size_t, c_int64, c_int], status=True)
# axon_status axon_tensor_argmax(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_tensor_argmax = _declare("axon_tensor_argmax", c_int, [_out, _t, c_int64], status=True)
# axon_status axon_tensor_permute(axon_tensor **out, const axon_tensor *a, const int64_t *dims, size_t n_dims);
axon_tensor_permute = _declare("axon_tensor_permute", c_int, [_out, _t, _i64p, c_size_t], status=True)
# axon_status axon_tensor_expand(axon_tensor **out, const axon_tensor *a, const int64_t *shape, size_t rank);
axon_tensor_expand = _declare("axon_tensor_expand", c_int, [_out, _t, _i64p, c_size_t], status=True)
# axon_status axon_tensor_sum_to_size(axon_tensor **out, const axon_tensor *a, const int64_t *shape, size_t rank);
axon_tensor_sum_to_size = _declare("axon_tensor_sum_to_size", c_int, [_out, _t, _i64p, c_size_t], status=True)
# axon_status axon_tensor_concat(axon_tensor **out, axon_tensor *const *tensors, size_t n, int64_t axis);
axon_tensor_concat = _declare("axon_tensor_concat", c_int, [_out, _out, c_size_t, c_int64], status=True)
# axon_status axon_tensor_slice(axon_tensor **out, const axon_tensor *a, int64_t axis, int64_t start, int64_t end);
axon_tensor_slice = _declare("axon_tensor_slice", c_int, [_out, _t, c_int64, c_int64, c_int64], status=True)
# axon_status axon_tensor_unsqueeze(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_tensor_unsqueeze = _declare("axon_tensor_unsqueeze", c_int, [_out, _t, c_int64], status=True)
# axon_status axon_tensor_squeeze(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_tensor_squeeze = _declare("axon_tensor_squeeze", c_int, [_out, _t, c_int64], status=True)
# axon_status axon_tensor_flatten(axon_tensor **out, const axon_tensor *a, int64_t start_axis, int64_t end_axis);
axon_tensor_flatten = _declare("axon_tensor_flatten", c_int, [_out, _t, c_int64, c_int64], status=True)
# axon_status axon_tensor_index_select(axon_tensor **out, const axon_tensor *a, int64_t axis, const int64_t *indices,
#     size_t n_indices);
axon_tensor_index_select = _declare(
    "axon_tensor_index_select", c_int, [_out, _t, c_int64, _i64p, c_size_t], status=True
)
# axon_status axon_tensor_gather(axon_tensor **out, const axon_tensor *a, int64_t axis, const axon_tensor *index);
axon_tensor_gather = _declare("axon_tensor_gather", c_int, [_out, _t, c_int64, _t], status=True)
# axon_status axon_tensor_conv2d(axon_tensor **out, const axon_tensor *input, const axon_tensor *weight,
#     const axon_tensor *bias, const int64_t stride[2], const int64_t padding[2], const int64_t dilation[2],
#     int64_t groups);
axon_tensor_conv2d = _declare(
    "axon_tensor_conv2d", c_int, [_out, _t, _t, _t, _i64p, _i64p, _i64p, c_int64], status=True
)
# axon_status axon_tensor_max_pool2d(axon_tensor **out, const axon_tensor *input, const int64_t kernel[2],
#     const int64_t stride[2], const int64_t padding[2], const int64_t dilation[2]);
axon_tensor_max_pool2d = _declare("axon_tensor_max_pool2d", c_int, [_out, _t, _i64p, _i64p, _i64p, _i64p], status=True)
# axon_status axon_tensor_avg_pool2d(axon_tensor **out, const axon_tensor *input, const int64_t kernel[2],
#     const int64_t stride[2], const int64_t padding[2]);
axon_tensor_avg_pool2d = _declare("axon_tensor_avg_pool2d", c_int, [_out, _t, _i64p, _i64p, _i64p], status=True)
# axon_status axon_tensor_zeros(axon_tensor **out, const int64_t *shape, size_t rank, int requires_grad);
axon_tensor_zeros = _declare("axon_tensor_zeros", c_int, [_out, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_ones(axon_tensor **out, const int64_t *shape, size_t rank, int requires_grad);
axon_tensor_ones = _declare("axon_tensor_ones", c_int, [_out, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_full(axon_tensor **out, const int64_t *shape, size_t rank, float value, int requires_grad);
axon_tensor_full = _declare("axon_tensor_full", c_int, [_out, _i64p, c_size_t, c_float, c_int], status=True)
# axon_status axon_tensor_arange(axon_tensor **out, float start, float end, float step, int requires_grad);
axon_tensor_arange = _declare("axon_tensor_arange", c_int, [_out, c_float, c_float, c_float, c_int], status=True)
# axon_status axon_tensor_linspace(axon_tensor **out, float start, float end, int64_t steps, int requires_grad);
axon_tensor_linspace = _declare("axon_tensor_linspace", c_int, [_out, c_float, c_float, c_int64, c_int], status=True)
# axon_status axon_tensor_eye(axon_tensor **out, int64_t n, int64_t m, int requires_grad);
axon_tensor_eye = _declare("axon_tensor_eye", c_int, [_out, c_int64, c_int64, c_int], status=True)
# axon_status axon_tensor_zeros_like(axon_tensor **out, const axon_tensor *a, int requires_grad);
axon_tensor_zeros_like = _declare("axon_tensor_zeros_like", c_int, [_out, _t, c_int], status=True)
# axon_status axon_tensor_ones_like(axon_tensor **out, const axon_tensor *a, int requires_grad);
axon_tensor_ones_like = _declare("axon_tensor_ones_like", c_int, [_out, _t, c_int], status=True)
# axon_status axon_tensor_full_like(axon_tensor **out, const axon_tensor *a, float value, int requires_grad);
axon_tensor_full_like = _declare("axon_tensor_full_like", c_int, [_out, _t, c_float, c_int], status=True)
# axon_status axon_generator_new(axon_generator **out, uint64_t seed);
axon_generator_new = _declare("axon_generator_new", c_int, [POINTER(_g), c_uint64], status=True)
# void axon_generator_free(axon_generator *g);
axon_generator_free = _declare("axon_generator_free", None, [_g])
# axon_status axon_tensor_rand(axon_tensor **out, axon_generator *g, const int64_t *shape, size_t rank,
#     int requires_grad);
axon_tensor_rand = _declare("axon_tensor_rand", c_int, [_out, _g, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_randn(axon_tensor **out, axon_generator *g, const int64_t *shape, size_t rank,
#     int requires_grad);
axon_tensor_randn = _declare("axon_tensor_randn", c_int, [_out, _g, _i64p, c_size_t, c_int], status=True)
# axon_status axon_tensor_randint(axon_tensor **out, axon_generator *g, int64_t low, int64_t high, const int64_t *shape,
#     size_t rank);
axon_tensor_randint = _declare("axon_tensor_randint", c_int, [_out, _g, c_int64, c_int64, _i64p, c_size_t], status=True)
# axon_status axon_tensor_randperm(axon_tensor **out, axon_generator *g, int64_t n);
axon_tensor_randperm = _declare("axon_tensor_randperm", c_int, [_out, _g, c_int64], status=True)
# axon_status axon_grad(axon_tensor **out, size_t capacity, axon_tensor *const *outputs, size_t n_outputs,
#     axon_tensor *const *grad_outputs, axon_tensor *const *inputs, size_t n_inputs, int retain_graph,
#     int create_graph);
axon_grad = _declare(
    "axon_grad", c_int, [_out, c_size_t, _out, c_size_t, _out, _out, c_size_t, c_int, c_int], status=True
)

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

# ---- Loading refuses a library of another ABI than the one declared above ---------------------

if axon_abi_version() != ABI_VERSION:
    raise ImportError(
        f"axon: {lib._name} has ABI version {axon_abi_version()}, "
        f"these bindings need {ABI_VERSION}"
    )

