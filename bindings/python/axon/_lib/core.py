"""Layer 1: the declarations of versions, grad mode, errors, the runtime, in-place updates and
tensors (see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64

from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

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
# axon_status axon_tensor_data(float **out, const axon_tensor *t);
axon_tensor_data = _declare("axon_tensor_data", c_int, [POINTER(POINTER(c_float)), tensor_p], status=True)
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
