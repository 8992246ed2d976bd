"""Layer 1: the declarations of the op catalog, tensor creation, generators and axon_grad
(see :mod:`axon._lib`)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int64, c_size_t, c_uint64

from .loader import *  # noqa: F401,F403 - the handle types
from .loader import _declare

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
# axon_status axon_tensor_adaptive_avg_pool2d(axon_tensor **out, const axon_tensor *input,
#                                             const int64_t output_size[2]);
axon_tensor_adaptive_avg_pool2d = _declare("axon_tensor_adaptive_avg_pool2d", c_int, [_out, _t, _i64p], status=True)
# axon_status axon_tensor_maxout(axon_tensor **out, axon_tensor *const *pieces, size_t n);
axon_tensor_maxout = _declare("axon_tensor_maxout", c_int, [_out, _out, c_size_t], status=True)
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
