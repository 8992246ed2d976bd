"""Idioms: automatic differentiation (backward, autograd.grad, autograd.functional, grad modes).

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- backward ---------------------------------------------------------------------------------


def backward_square_sum(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    (x ** 2).sum().backward()
    return x.grad


def backward_polynomial(torch):
    x = torch.tensor(2., requires_grad=True)
    y = 3 * x ** 3 - 2 * x + 1
    y.backward()
    return y, x.grad


def backward_mean(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    x.mean().backward()
    return x.grad


def backward_two_leaves(torch):
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., -1.], requires_grad=True)
    (a * b + a ** 2).sum().backward()
    return a.grad, b.grad


def backward_matmul(torch):
    w = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    x = torch.tensor([[1., -1.], [0.5, 2.]])
    (x @ w).sum().backward()
    return w.grad


def backward_chain_exp_log(torch):
    x = torch.tensor([0.5, 1., 2.], requires_grad=True)
    torch.log(torch.exp(x) + 1).sum().backward()
    return x.grad


def backward_sigmoid_tanh(torch):
    x = torch.tensor([-1., 0., 2.], requires_grad=True)
    (torch.sigmoid(x) * torch.tanh(x)).sum().backward()
    return x.grad


def backward_relu(torch):
    x = torch.tensor([-1., 0.5, 2.], requires_grad=True)
    (torch.relu(x) * 3).sum().backward()
    return x.grad


def backward_max(torch):
    x = torch.tensor([1., 5., 2.], requires_grad=True)
    x.max().backward()
    return x.grad


def backward_through_indexing(torch):
    x = torch.arange(6., requires_grad=True)
    (x[1:4] * x[:3]).sum().backward()
    return x.grad


def backward_through_view(torch):
    x = torch.arange(6., requires_grad=True)
    y = x.view(2, 3).t().reshape(-1)
    (y * torch.arange(6.)).sum().backward()
    return x.grad


def backward_broadcast(torch):
    b = torch.tensor([1., 2., 3.], requires_grad=True)
    x = torch.ones(4, 3)
    (x + b).pow(2).sum().backward()
    return b.grad


def backward_gradient_argument(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    y.backward(gradient=torch.tensor([1., 0.1, 0.01]))
    return x.grad


def backward_gradient_positional(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = 2 * x
    y.backward(torch.ones_like(y))
    return x.grad


def backward_retain_graph_twice(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x ** 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def grad_accumulates(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    (x ** 2).sum().backward()
    return x.grad


def grad_set_none(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    x.grad = None
    (x * 5).sum().backward()
    return x.grad


def grad_zero_inplace(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    x.grad.zero_()
    (x * x).sum().backward()
    return x.grad


def grad_is_none_before_backward(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return x.grad is None


def retain_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h ** 2).sum().backward()
    return h.grad, x.grad


def backward_create_graph(torch):
    x = torch.tensor(3., requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    first = x.grad.clone()
    (second,) = torch.autograd.grad(x.grad, x)
    return first, second


# ---- torch.autograd.grad ----------------------------------------------------------------------


def autograd_grad(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x)
    return g, x.grad is None


def autograd_grad_two_inputs(torch):
    a = torch.tensor(2., requires_grad=True)
    b = torch.tensor(3., requires_grad=True)
    ga, gb = torch.autograd.grad(a * b ** 2, [a, b])
    return ga, gb


def autograd_grad_outputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x ** 2
    (g,) = torch.autograd.grad(y, x, grad_outputs=torch.tensor([1., -1.]))
    return g


def autograd_second_derivative(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), x)
    return g, g2


def autograd_grad_retain_graph(torch):
    x = torch.tensor(2., requires_grad=True)
    y = x ** 2
    first = torch.autograd.grad(y, x, retain_graph=True)[0]
    second = torch.autograd.grad(y, x)[0]
    return first, second


def gradient_penalty(torch):
    x = torch.tensor([[1., 2.], [0., -1.]], requires_grad=True)
    w = torch.tensor([0.5, -2.], requires_grad=True)
    out = (torch.tanh(x @ w)).sum()
    (gx,) = torch.autograd.grad(out, x, create_graph=True)
    penalty = (gx.norm(dim=1) - 1).pow(2).mean()
    penalty.backward()
    return penalty, w.grad


# ---- torch.autograd.functional ----------------------------------------------------------------


def jacobian_elementwise(torch):
    return torch.autograd.functional.jacobian(lambda x: x ** 2, torch.tensor([1., 2., 3.]))


def jacobian_linear_map(torch):
    a = torch.tensor([[1., 2., 3.], [0., -1., 4.]])
    return torch.autograd.functional.jacobian(lambda x: a @ x, torch.tensor([1., 1., 1.]))


def jacobian_two_inputs(torch):
    def f(x, y):
        return x * y
    jx, jy = torch.autograd.functional.jacobian(f, (torch.tensor([1., 2.]), torch.tensor([3., 4.])))
    return jx, jy


def hessian(torch):
    return torch.autograd.functional.hessian(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]))


def hessian_quadratic_form(torch):
    a = torch.tensor([[2., 1.], [1., 3.]])
    return torch.autograd.functional.hessian(lambda x: x @ a @ x, torch.tensor([0.5, -1.]))


def vjp(torch):
    out, grad = torch.autograd.functional.vjp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 1.]))
    return out, grad


def jvp(torch):
    out, tangent = torch.autograd.functional.jvp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 0.]))
    return out, tangent


def hvp(torch):
    value, product = torch.autograd.functional.hvp(
        lambda x: (x ** 3).sum(), torch.tensor([1., 2.]), torch.tensor([1., 1.])
    )
    return value, product


# ---- detach, requires_grad and grad modes -----------------------------------------------------


def detach(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * 2).detach()
    return y, y.requires_grad, y.is_leaf


def detach_stops_gradient(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * x.detach()).sum().backward()
    return x.grad


def requires_grad_method(torch):
    x = torch.ones(2).requires_grad_()
    (x * 4).sum().backward()
    return x.requires_grad, x.grad


def requires_grad_false(torch):
    x = torch.ones(2, requires_grad=True)
    x.requires_grad_(False)
    return x.requires_grad


def requires_grad_attribute(torch):
    x = torch.tensor([1., 2.])
    x.requires_grad = True
    (x ** 2).sum().backward()
    return x.grad


def result_requires_grad(torch):
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    return (x + c).requires_grad, (c * 2).requires_grad


def no_grad_context(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    return y.requires_grad, y


def no_grad_decorator(torch):
    @torch.no_grad()
    def evaluate(x):
        return x * 2

    y = evaluate(torch.ones(2, requires_grad=True))
    return y.requires_grad, torch.is_grad_enabled()


def is_grad_enabled(torch):
    before = torch.is_grad_enabled()
    with torch.no_grad():
        inside = torch.is_grad_enabled()
    return before, inside, torch.is_grad_enabled()


def enable_grad_inside_no_grad(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        with torch.enable_grad():
            y = x * 2
        z = x * 2
    return y.requires_grad, z.requires_grad


def set_grad_enabled_false(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.set_grad_enabled(False):
        y = x * 2
    return y.requires_grad, (x * 2).requires_grad


def set_grad_enabled_flag(torch):
    x = torch.ones(2, requires_grad=True)
    is_train = False
    with torch.set_grad_enabled(is_train):
        y = x ** 2
    return y.requires_grad


def inference_mode(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        y = x * 2
    return y.requires_grad, y
