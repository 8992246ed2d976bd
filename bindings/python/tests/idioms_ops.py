"""Idioms: arithmetic and broadcasting, unary functions, comparisons, ``where`` and masks.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Arithmetic and broadcasting --------------------------------------------------------------


def add_sub_mul_div(torch):
    a = torch.tensor([[1., -2.], [3., 4.]])
    b = torch.tensor([[2., 2.], [-1., 8.]])
    return a + b, a - b, a * b, a / b


def broadcast_row(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x + torch.tensor([10., 20., 30.])


def broadcast_column(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x * torch.tensor([[1.], [-1.]])


def broadcast_outer(torch):
    a = torch.tensor([1., 2., 3.])
    b = torch.tensor([10., 20.])
    return a[:, None] + b[None, :]


def broadcast_3d(torch):
    x = torch.ones(2, 1, 3)
    y = torch.arange(4.).reshape(4, 1)
    return (x * y).shape, (x * y).sum()


def scalar_right(torch):
    x = torch.tensor([1., 2., 4.])
    return x + 1, x - 1, x * 2, x / 2


def scalar_left(torch):
    x = torch.tensor([1., 2., 4.])
    return 1 + x, 1 - x, 2 * x, 1 / x


def scalar_tensor_operand(torch):
    x = torch.tensor([1., 2., 3.])
    return x * torch.tensor(2.) + torch.tensor(0.5)


def pow_operator(torch):
    x = torch.tensor([1., -2., 3.])
    return x ** 2, x ** 3


def pow_fractional(torch):
    return torch.tensor([4., 9., 2.]) ** 0.5


def pow_scalar_base(torch):
    return 2 ** torch.tensor([0., 1., 3.])


def pow_tensor_exponent(torch):
    return torch.tensor([2., 3., 4.]) ** torch.tensor([3., 2., 0.5])


def pow_function_and_method(torch):
    x = torch.tensor([1., 2., 3.])
    return torch.pow(x, 3), x.pow(2)


def neg_operator(torch):
    return -torch.tensor([1., -2., 0.5])


def floor_divide_and_mod(torch):
    x = torch.tensor([5., -5., 7.5])
    return x // 2, x % 3


def add_with_alpha(torch):
    return torch.add(torch.tensor([1., 2.]), torch.tensor([10., 20.]), alpha=2)


def torch_mul_div_sub(torch):
    a = torch.tensor([6., 8.])
    b = torch.tensor([2., 4.])
    return torch.mul(a, b), torch.div(a, b), torch.sub(a, b)


def methods_add_sub_mul_div(torch):
    a = torch.tensor([6., 8.])
    b = torch.tensor([2., 4.])
    return a.add(b), a.sub(b), a.mul(3), a.div(2)


def matmul_operator(torch):
    a = torch.tensor([[1., 2.], [3., 4.]])
    b = torch.tensor([[5., 6.], [7., 8.]])
    return a @ b


def matmul_matrix_vector(torch):
    a = torch.arange(6.).reshape(2, 3)
    return a @ torch.tensor([1., 0., -1.])


def matmul_batched(torch):
    a = torch.arange(12.).reshape(2, 2, 3)
    b = torch.ones(3, 2)
    return torch.matmul(a, b)


def mm(torch):
    a = torch.arange(6.).reshape(2, 3)
    b = torch.arange(6.).reshape(3, 2)
    return torch.mm(a, b), a.mm(b)


def bmm(torch):
    batch = torch.arange(8.).reshape(2, 2, 2)
    return torch.bmm(batch, batch)


def dot(torch):
    return torch.dot(torch.tensor([1., 2., 3.]), torch.tensor([4., 5., 6.]))


def outer(torch):
    return torch.outer(torch.tensor([1., 2., 3.]), torch.tensor([4., 5.]))


def maximum_minimum(torch):
    a = torch.tensor([1., 5., -3.])
    b = torch.tensor([2., 4., -4.])
    return torch.maximum(a, b), torch.minimum(a, b)


# ---- Unary functions and methods --------------------------------------------------------------


def sin(torch):
    x = torch.tensor([0., 0.5, 1., -2.])
    return torch.sin(x), x.sin()


def cos(torch):
    x = torch.tensor([0., 0.5, 1., -2.])
    return torch.cos(x), x.cos()


def exp(torch):
    x = torch.tensor([-1., 0.5, 2.])
    return torch.exp(x), x.exp()


def log(torch):
    x = torch.tensor([0.5, 1., 2.])
    return torch.log(x), x.log()


def log_of_zero(torch):
    return torch.log(torch.tensor([0., 1.]))


def sqrt(torch):
    x = torch.tensor([1., 4., 2.])
    return torch.sqrt(x), x.sqrt()


def rsqrt(torch):
    return torch.rsqrt(torch.tensor([1., 4., 2.]))


def abs_function_method_builtin(torch):
    x = torch.tensor([-1.5, 0., 2.])
    return torch.abs(x), x.abs(), abs(x)


def neg_function_method(torch):
    x = torch.tensor([-1.5, 0., 2.])
    return torch.neg(x), x.neg()


def tanh(torch):
    x = torch.tensor([-2., 0., 1.])
    return torch.tanh(x), x.tanh()


def sigmoid(torch):
    x = torch.tensor([-2., 0., 1.])
    return torch.sigmoid(x), x.sigmoid()


def relu_function_and_method(torch):
    x = torch.tensor([-1., 0., 2.])
    return torch.relu(x), x.relu()


def clamp_min_kwarg(torch):
    return torch.tensor([-2., -0.5, 0.5, 2.]).clamp(min=0)


def clamp_max_kwarg(torch):
    return torch.tensor([-2., -0.5, 0.5, 2.]).clamp(max=1)


def clamp_both_positional(torch):
    return torch.tensor([-2., -0.5, 0.5, 2.]).clamp(-1, 1)


def torch_clamp(torch):
    return torch.clamp(torch.tensor([-2., -0.5, 0.5, 2.]), min=-1., max=1.)


def clamp_min_method(torch):
    x = torch.tensor([-2., 0.5, 3.])
    return x.clamp_min(0.), torch.clamp_min(x, 1.)


def clamp_max_method(torch):
    return torch.tensor([-2., 0.5, 3.]).clamp_max(1.)


def floor_ceil(torch):
    x = torch.tensor([-1.5, -0.2, 0.7, 2.5])
    return torch.floor(x), x.ceil()


def round_trunc(torch):
    x = torch.tensor([-1.5, -0.2, 0.7, 2.5])
    return torch.round(x), x.trunc()


def sign(torch):
    return torch.sign(torch.tensor([-2., 0., 4.]))


def reciprocal_square(torch):
    x = torch.tensor([-2., 0.5, 4.])
    return x.reciprocal(), torch.square(x)


def log1p_expm1(torch):
    x = torch.tensor([0.5, 1., 3.])
    return torch.log1p(x), torch.expm1(x)


def log2_log10(torch):
    x = torch.tensor([0.5, 1., 100.])
    return torch.log2(x), torch.log10(x)


def erf_gelu_formula(torch):
    x = torch.tensor([-1., 0., 1.5])
    return torch.erf(x), 0.5 * x * (1 + torch.erf(x / 2 ** 0.5))


def chained_methods(torch):
    x = torch.tensor([[1., -2.], [3., -4.]])
    return x.abs().sqrt().mul(2).sum()


# ---- Comparisons ------------------------------------------------------------------------------


def eq_ne_operators(torch):
    a = torch.tensor([1., 2., 3.])
    b = torch.tensor([3., 2., 1.])
    return a == b, a != b


def order_operators(torch):
    a = torch.tensor([1., 2., 3.])
    b = torch.tensor([3., 2., 1.])
    return a < b, a <= b, a > b, a >= b


def compare_scalar(torch):
    x = torch.tensor([-1., 0., 2.])
    return x > 0, x == 0, 0 < x


def compare_methods(torch):
    a = torch.tensor([1., 2., 3.])
    b = torch.tensor([1., 0., 4.])
    return a.eq(b), a.gt(b), a.lt(b), a.ge(2), a.le(2), a.ne(b)


def compare_functions(torch):
    a = torch.tensor([1., 2., 3.])
    b = torch.tensor([1., 0., 4.])
    return torch.eq(a, b), torch.gt(a, 1.5), torch.lt(a, b), torch.ge(a, b)


def comparison_as_float(torch):
    x = torch.tensor([-1., 3., 0., 2.])
    return (x > 0).float()


def count_true(torch):
    x = torch.tensor([-1., 3., 0., 2.])
    return (x > 0).sum().item()


def accuracy_idiom(torch):
    logits = torch.tensor([[2., 1.], [0., 3.], [1., 0.], [0., 1.]])
    labels = torch.tensor([0, 1, 1, 1])
    return (logits.argmax(dim=1) == labels).float().mean().item()


def torch_equal(torch):
    a = torch.tensor([1., 2.])
    return torch.equal(a, torch.tensor([1., 2.])), torch.equal(a, torch.tensor([1., 2.5]))


def allclose(torch):
    a = torch.tensor([1., 2.])
    return torch.allclose(a, torch.tensor([1., 2.000001])), torch.allclose(a, torch.tensor([1., 2.1]))


def isclose(torch):
    return torch.isclose(torch.tensor([1., 2., 3.]), torch.tensor([1., 2.000001, 3.1]))


def any_all(torch):
    x = torch.tensor([0., 1., 0.])
    return bool((x > 0).any()), bool((x > 0).all()), (x >= 0).all().item()


def and_or_operators(torch):
    x = torch.tensor([-2., -0.5, 0.5, 2.])
    return (x > -1) & (x < 1), (x < -1) | (x > 1)


def not_operator(torch):
    x = torch.tensor([-2., -0.5, 0.5, 2.])
    return ~(x > 0)


def logical_and(torch):
    x = torch.tensor([-2., -0.5, 0.5, 2.])
    return torch.logical_and(x > 0, x < 1), torch.logical_or(x < -1, x > 1), torch.logical_not(x > 0)


# ---- where and masks --------------------------------------------------------------------------


def where_tensors(torch):
    x = torch.tensor([-1., 2., -3., 4.])
    return torch.where(x > 0, x, torch.zeros_like(x))


def where_scalar(torch):
    x = torch.tensor([-1., 2., -3., 4.])
    return torch.where(x > 0, x, 0.), torch.where(x > 0, 1., -1.)


def where_broadcast(torch):
    cond = torch.tensor([[True], [False]])
    return torch.where(cond, torch.tensor([1., 2., 3.]), torch.tensor(-1.))


def mask_select(torch):
    x = torch.tensor([[1., -2.], [-3., 4.]])
    return x[x > 0]


def mask_assign_zero(torch):
    x = torch.tensor([[1., -2.], [-3., 4.]])
    x[x < 0] = 0
    return x


def mask_assign_from_variable(torch):
    x = torch.arange(6.)
    mask = x % 2 == 0
    x[mask] = -1.
    return x, mask


def mask_multiply(torch):
    x = torch.tensor([1., -2., 3.])
    return x * (x > 0)


def masked_fill(torch):
    scores = torch.tensor([[1., 2.], [3., 4.]])
    mask = torch.tensor([[False, True], [False, False]])
    return scores.masked_fill(mask, float("-inf")).softmax(dim=-1)


def nonzero_indices(torch):
    x = torch.tensor([0., 3., 0., 5.])
    return torch.nonzero(x).flatten(), (x != 0).nonzero().shape
