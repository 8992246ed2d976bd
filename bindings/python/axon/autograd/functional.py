"""Layer 3: ``axon.autograd.functional``: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``
and ``vhp`` of a function of tensors, composed from :func:`axon.autograd.grad` and forward-mode
dual tensors, as PyTorch's (``strict`` and ``vectorize`` are accepted but not used)."""

from __future__ import annotations

from .. import _creation
from ..tensor import Tensor, make_dual

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _tuple(x) -> tuple[tuple, bool]:
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _leaves(inputs: tuple) -> tuple:
    return tuple(t.detach().requires_grad_() for t in inputs)


def _grad(outputs, inputs, seeds, create_graph: bool):
    from . import grad
    return grad(outputs, inputs, seeds, retain_graph=True, create_graph=create_graph)


def _out(values: tuple, was_tuple: bool):
    return values if was_tuple else values[0]


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), v^T J)``."""
    inputs, is_tuple = _tuple(inputs)
    leaves = _leaves(inputs)
    outputs, outs_tuple = _tuple(func(*leaves))
    seeds = None if v is None else _tuple(v)[0]
    grads = _grad(list(outputs), list(leaves), seeds, create_graph)
    detach = (lambda t: t) if create_graph else (lambda t: t.detach())
    return _out(tuple(detach(o) for o in outputs), outs_tuple), _out(tuple(detach(g) for g in grads), is_tuple)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), J v)``, by forward mode."""
    inputs, is_tuple = _tuple(inputs)
    tangents = _tuple(v)[0] if v is not None else tuple(_creation.ones_like(t) for t in inputs)
    duals = tuple(make_dual(x.detach(), t) for x, t in zip(inputs, tangents))
    outputs, outs_tuple = _tuple(func(*duals))
    primals = tuple(o.detach() for o in outputs)
    derivatives = tuple(o.tangent if o.tangent is not None else _creation.zeros_like(o) for o in outputs)
    return _out(primals, outs_tuple), _out(tuple(d.detach() for d in derivatives), outs_tuple)


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """d func / d inputs: for one input and one output a tensor of shape output.shape +
    input.shape; tuples of tuples for several."""
    inputs, is_tuple = _tuple(inputs)
    leaves = _leaves(inputs)
    outputs, outs_tuple = _tuple(func(*leaves))
    rows = []
    for out in outputs:
        flat = out.reshape(-1)
        per_input = [[] for _ in leaves]
        for k in range(flat.numel()):
            seed = _creation.zeros(flat.numel())
            seed[k] = 1.0
            grads = _grad([flat], list(leaves), [seed], create_graph)
            for i, g in enumerate(grads):
                per_input[i].append(g if create_graph else g.detach())
        blocks = []
        for i, leaf in enumerate(leaves):
            block = _creation.stack(per_input[i]) if per_input[i] else _creation.zeros(0, *leaf.shape)
            blocks.append(block.reshape(tuple(out.shape) + tuple(leaf.shape)))
        rows.append(_out(tuple(blocks), is_tuple))
    return _out(tuple(rows), outs_tuple)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The second derivatives of a scalar ``func``: shape input.shape + input.shape."""
    inputs, is_tuple = _tuple(inputs)

    def gradient(*xs):
        value = func(*xs)
        return _grad([value], list(xs), None, True)

    result = jacobian(gradient, inputs if is_tuple else inputs[0], create_graph=create_graph)
    return result if is_tuple else result[0]


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(*inputs), H v)`` for a scalar ``func``."""
    inputs, is_tuple = _tuple(inputs)
    leaves = _leaves(inputs)
    value = func(*leaves)
    grads = _grad([value], list(leaves), None, True)
    vs = _tuple(v)[0]
    dot = sum(((g * w).sum() for g, w in zip(grads, vs)), _creation.zeros(()))
    second = _grad([dot], list(leaves), None, create_graph)
    detach = (lambda t: t) if create_graph else (lambda t: t.detach())
    return detach(value), _out(tuple(detach(s) for s in second), is_tuple)


vhp = hvp  # the Hessian is symmetric
