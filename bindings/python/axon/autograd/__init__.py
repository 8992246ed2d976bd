"""Layer 3: ``axon.autograd``, gradients without ``.grad`` (``torch.autograd.grad``), the
functional transforms (:mod:`axon.autograd.functional`) and forward mode
(:mod:`axon.autograd.forward_ad`)."""

from __future__ import annotations

from .. import _ops
from ..tensor import Tensor
from ..grad_mode import enable_grad, no_grad, set_grad_enabled
from . import forward_ad, functional

__all__ = ["grad", "backward", "functional", "forward_ad", "no_grad", "enable_grad", "set_grad_enabled",
           "Function"]


def _tensors(x) -> list:
    return [x] if isinstance(x, Tensor) else list(x)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs`` as a tuple, as PyTorch's.

    Differs from PyTorch: an input the outputs do not depend on gets zeros (as with
    ``materialize_grads=True``), never None or an error; ``is_grads_batched`` is not supported.
    """
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched is not supported")
    outs, ins = _tensors(outputs), _tensors(inputs)
    seeds = None
    if grad_outputs is not None:
        seeds = [g if g is None or isinstance(g, Tensor) else Tensor(g) for g in _tensors(grad_outputs)]
    retain = create_graph if retain_graph is None else retain_graph
    return tuple(_ops.grad(outs, ins, seeds, retain, create_graph))


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs=None) -> None:
    """``torch.autograd.backward``: ``backward`` of each tensor with its seed, into ``.grad``."""
    tensors = _tensors(tensors)
    seeds = [None] * len(tensors) if grad_tensors is None else _tensors(grad_tensors)
    for i, (t, seed) in enumerate(zip(tensors, seeds)):
        last = i == len(tensors) - 1
        t.backward(seed, retain_graph=retain_graph if last else True, create_graph=create_graph, inputs=inputs)


class Function:
    """Custom autograd functions are not supported: Axon differentiates its own ops only."""

    def __init_subclass__(cls, **kwargs):
        raise NotImplementedError("torch.autograd.Function subclasses are not supported; "
                                  "compose axon ops instead (they are differentiated by the library)")
