"""Layer 3: ``axon.nn.functional``, as ``torch.nn.functional``: losses over the library's
losses (:mod:`axon._ops`), convolution and pooling over its ops, activations over the tensor
methods. ``batch_norm``, ``layer_norm`` and ``group_norm`` are compositions of tensor ops
(differentiated by the library); the layers of the same names run fused kernels.

Targets may be tensors or array-likes; class indices (``cross_entropy``, ``nll_loss``) are
whole numbers of any dtype.
"""

from __future__ import annotations

from .. import _dtype, _ops
from .._tensor_ops import operand
from ..tensor import Tensor

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div", "relu", "relu6",
           "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "leaky_relu", "softplus", "silu",
           "hardtanh", "dropout", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "linear",
           "batch_norm", "layer_norm", "group_norm", "normalize", "one_hot", "pad"]


def _reduction(reduction: str, size_average=None, reduce=None) -> str:
    if size_average is not None or reduce is not None:
        if reduce is False:
            return "none"
        return "sum" if size_average is False else "mean"
    return reduction


def _loss(name, input, target, reduction, weight=None, **options) -> Tensor:
    target = operand(target)
    weight = None if weight is None else operand(weight)
    given = {k: v for k, v in options.items() if v is not None}
    if weight is None and not given:
        return _ops.loss(name, input, target, reduction)
    return _ops.loss_with_options(name, input, target, reduction, weight, given)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    return _loss("mse", input, target, _reduction(reduction, size_average, reduce))


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    return _loss("l1", input, target, _reduction(reduction, size_average, reduce))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    return _loss("smooth_l1", input, target, _reduction(reduction, size_average, reduce),
                 beta=None if beta == 1.0 else beta)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    return _loss("huber", input, target, reduction, delta=None if delta == 1.0 else delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    loss = _loss("bce", input, target, "none" if weight is not None else _reduction(reduction, size_average, reduce))
    return _weighted(loss, weight, _reduction(reduction, size_average, reduce))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None) -> Tensor:
    reduction = _reduction(reduction, size_average, reduce)
    if pos_weight is not None:  # -(p y log s(x) + (1 - y) log s(-x)), log s(x) = -softplus(-x)
        target = operand(target)
        loss = (-input).softplus() * target * pos_weight + input.softplus() * (1.0 - target)
        return _weighted(loss, weight, reduction) if weight is not None else (
            loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss)
    loss = _loss("bce_with_logits", input, target, "none" if weight is not None else reduction)
    return _weighted(loss, weight, reduction)


def _weighted(loss, weight, reduction):
    if weight is None:
        return loss
    loss = loss * weight
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _class_loss(name, input, target, reduction, weight, ignore_index, **options):
    """A loss over class indices with PyTorch's ignore_index default (-100) and K-dimensional
    input [N, C, d1, ...] (moved to [N * d1 * ..., C])."""
    target = operand(target)
    indices = target.ndim == input.ndim - 1
    if indices and input.ndim > 2:
        classes = input.shape[1]
        flat = input.movedim(1, -1).reshape(-1, classes)
        loss = _class_loss(name, flat, target.reshape(-1), "none" if reduction == "none" else reduction,
                           weight, ignore_index, **options)
        return loss.reshape(target.shape) if reduction == "none" else loss
    return _loss(name, input, target, reduction, weight, ignore_index=ignore_index if indices else None,
                 **options)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of logits (N, C) or (N, C, d1, ...) against class indices or probabilities."""
    return _class_loss("cross_entropy", input, target, _reduction(reduction, size_average, reduce), weight,
                       ignore_index, label_smoothing=None if label_smoothing == 0.0 else label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
             reduction: str = "mean") -> Tensor:
    return _class_loss("nll", input, target, _reduction(reduction, size_average, reduce), weight, ignore_index)


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL divergence with log-probabilities ``input`` and probabilities ``target``."""
    if log_target:
        target = operand(target).exp()
    return _loss("kl_div", input, target, _reduction(reduction, size_average, reduce))


def relu(input, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else input.relu()


def relu6(input, inplace: bool = False) -> Tensor:
    return input.clamp(0.0, 6.0)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    return input.clamp(min_val, max_val)


def sigmoid(input) -> Tensor:
    return input.sigmoid()


def tanh(input) -> Tensor:
    return input.tanh()


def softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.softmax(-1 if dim is None else dim)


def log_softmax(input, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.log_softmax(-1 if dim is None else dim)


def gelu(input, approximate: str = "none") -> Tensor:
    return input.gelu(approximate)


def elu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return input.elu(alpha)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return input.leaky_relu(negative_slope)


def softplus(input, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return input.softplus(beta, threshold)


def silu(input, inplace: bool = False) -> Tensor:
    return input.silu()


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout; the mask comes from the default generator."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from .._creation import rand
    keep = (rand(input.shape) >= p).float()
    return input * keep * (0.0 if p == 1.0 else 1.0 / (1.0 - p))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1) -> Tensor:
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        else:
            kh, kw = weight.shape[2], weight.shape[3]
            d = (dilation, dilation) if isinstance(dilation, int) else dilation
            padding = (d[0] * (kh - 1) // 2, d[1] * (kw - 1) // 2)
    return _ops.conv2d(operand(input), weight, bias, stride, padding, dilation, groups)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:
    if ceil_mode or return_indices:
        raise NotImplementedError("max_pool2d: ceil_mode and return_indices are not supported")
    return _ops.max_pool2d(input, kernel_size, stride, padding, dilation)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    if ceil_mode or not count_include_pad or divisor_override is not None:
        raise NotImplementedError("avg_pool2d: only ceil_mode=False, count_include_pad=True, no divisor_override")
    return _ops.avg_pool2d(input, kernel_size, stride, padding)


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    return _ops.adaptive_avg_pool2d(input, output_size)


def linear(input, weight, bias=None) -> Tensor:
    out = input @ weight.t()
    return out if bias is None else out + bias


def _affine(x, weight, bias, shape):
    if weight is not None:
        x = x * weight.reshape(shape)
    if bias is not None:
        x = x + bias.reshape(shape)
    return x


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalizes over every axis but 1 with batch statistics (``training``, also updating the
    running ones in place) or the running statistics."""
    axes = tuple(i for i in range(input.ndim) if i != 1)
    shape = [1] * input.ndim
    shape[1] = input.shape[1]
    if training:
        mean, var = input.mean(axes, keepdim=True), input.var(axes, keepdim=True, correction=0)
        if running_mean is not None:
            from ..grad_mode import no_grad
            n = input.numel() // input.shape[1]
            with no_grad():
                running_mean.mul_(1 - momentum).add_(mean.detach().reshape(-1) * momentum)
                running_var.mul_(1 - momentum).add_(var.detach().reshape(-1) * (momentum * n / max(n - 1, 1)))
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    return _affine((input - mean) / (var + eps).sqrt(), weight, bias, shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    mean, var = input.mean(axes, keepdim=True), input.var(axes, keepdim=True, correction=0)
    return _affine((input - mean) / (var + eps).sqrt(), weight, bias, shape)


def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    n, c = input.shape[0], input.shape[1]
    grouped = input.reshape(n, num_groups, -1)
    mean, var = grouped.mean(2, keepdim=True), grouped.var(2, keepdim=True, correction=0)
    x = ((grouped - mean) / (var + eps).sqrt()).reshape(input.shape)
    shape = [1] * input.ndim
    shape[1] = c
    return _affine(x, weight, bias, shape)


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


def one_hot(tensor, num_classes: int = -1) -> Tensor:
    from .._creation import arange
    classes = int(tensor.max().item()) + 1 if num_classes < 0 else num_classes
    return (tensor.unsqueeze(-1) == arange(classes))._retag(_dtype.int64)


def pad(input, pad, mode: str = "constant", value: float = 0.0) -> Tensor:
    """Constant padding of the last axes (``pad`` = (left, right, top, bottom, ...))."""
    if mode != "constant":
        raise NotImplementedError(f"pad: mode {mode!r} is not supported (constant only)")
    from .._creation import cat, full
    x = input
    for i in range(len(pad) // 2):
        axis = x.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        parts = []
        for amount in (before, after):
            shape = list(x.shape)
            shape[axis] = amount
            parts.append(full(shape, value))
        x = cat([parts[0], x, parts[1]], axis)
    return x

