"""Idioms: reductions (sum, mean, max/min with indices, arg*, var/std, norms, ...) and in-place ops.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Sums and means ---------------------------------------------------------------------------


def sum_all(torch):
    x = torch.tensor([[1., -2.], [3., 4.]])
    return x.sum(), torch.sum(x)


def sum_dim(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.sum(0), x.sum(dim=1), torch.sum(x, dim=1), x.sum(-1)


def sum_keepdim(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.sum(dim=1, keepdim=True), x.sum(0, keepdim=True).shape


def sum_dim_tuple(torch):
    x = torch.arange(24.).reshape(2, 3, 4)
    return x.sum(dim=(0, 2)), x.sum((1, 2), keepdim=True).shape


def sum_item(torch):
    return torch.tensor([0.5, 1.5, 2.]).sum().item()


def mean_all(torch):
    return torch.tensor([[1., 2.], [3., 5.]]).mean()


def mean_dim(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.mean(0), x.mean(dim=1), torch.mean(x, dim=-1)


def mean_keepdim(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.mean(dim=1, keepdim=True)


def mean_dim_tuple(torch):
    x = torch.arange(16.).reshape(1, 2, 2, 4)
    return x.mean(dim=(2, 3)), x.mean(dim=[0, 2, 3])


def center_and_scale(torch):
    x = torch.tensor([[1., 2.], [3., 6.], [5., 10.]])
    return (x - x.mean(dim=0)) / x.std(dim=0)


def cumsum(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.cumsum(dim=1), torch.cumsum(x, 0)


def prod(torch):
    x = torch.tensor([[1., 2.], [3., 4.]])
    return x.prod(), torch.prod(x, dim=0), x.prod(1)


# ---- Max, min and friends ---------------------------------------------------------------------


def max_min_all(torch):
    x = torch.tensor([[1., -2.], [3., 0.]])
    return x.max(), x.min(), torch.max(x), torch.min(x)


def max_dim_unpack(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    values, indices = x.max(dim=1)
    return values, indices


def max_dim_fields(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    out = torch.max(x, 0)
    return out.values, out.indices, out[0]


def min_dim(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    values, indices = torch.min(x, dim=1)
    return values, indices, x.min(0).values


def max_keepdim(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    return x.max(dim=1, keepdim=True).values, x.max(1, keepdim=True)[1].shape


def max_of_two_tensors(torch):
    return torch.max(torch.tensor([1., 4.]), torch.tensor([3., 2.]))


def argmax_all(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    return x.argmax(), torch.argmax(x).item()


def argmax_dim(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    return x.argmax(dim=1), torch.argmax(x, dim=0), x.argmax(-1).tolist()


def argmax_keepdim(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    return x.argmax(dim=1, keepdim=True)


def argmin(torch):
    x = torch.tensor([[1., 5., 2.], [7., 0., 3.]])
    return x.argmin(), x.argmin(dim=1), torch.argmin(x, dim=0, keepdim=True)


def amax_amin(torch):
    x = torch.arange(24.).reshape(2, 3, 4)
    return x.amax(dim=-1), torch.amin(x, dim=(0, 2)), x.amax(dim=(1, 2), keepdim=True).shape


def sort(torch):
    x = torch.tensor([3., 1., 2.])
    values, indices = torch.sort(x)
    return values, indices, x.sort(descending=True).values


def topk(torch):
    x = torch.tensor([[1., 9., 3., 7.], [4., 2., 8., 6.]])
    values, indices = x.topk(2, dim=1)
    return values, indices


# ---- Spread and norms -------------------------------------------------------------------------


def var_unbiased_default(torch):
    x = torch.tensor([1., 2., 3., 4.])
    return x.var(), torch.var(x)


def var_biased(torch):
    x = torch.tensor([1., 2., 3., 4.])
    return x.var(unbiased=False), x.var(correction=0)


def var_dim(torch):
    x = torch.tensor([[1., 2., 4.], [3., 3., 9.]])
    return x.var(dim=0), x.var(dim=1, keepdim=True), x.var(1, unbiased=False)


def std_unbiased_default(torch):
    x = torch.tensor([1., 2., 3., 4.])
    return x.std(), torch.std(x)


def std_biased(torch):
    x = torch.tensor([1., 2., 3., 4.])
    return x.std(unbiased=False), torch.std(x, correction=0)


def std_dim_keepdim(torch):
    x = torch.tensor([[1., 2., 4.], [3., 3., 9.]])
    return x.std(dim=1, keepdim=True), x.std(0)


def std_mean(torch):
    std, mean = torch.std_mean(torch.tensor([1., 2., 3., 6.]))
    return std, mean


def norm_default(torch):
    x = torch.tensor([[3., 4.], [0., 12.]])
    return x.norm(), torch.norm(x)


def norm_p1_and_dim(torch):
    x = torch.tensor([[3., -4.], [0., 12.]])
    return x.norm(p=1), x.norm(dim=1), x.norm(p=2, dim=0)


def normalize_rows(torch):
    x = torch.tensor([[3., 4.], [1., 0.]])
    return x / x.norm(dim=1, keepdim=True)


def linalg_norm(torch):
    return torch.linalg.norm(torch.tensor([3., 4.])), torch.linalg.vector_norm(torch.tensor([1., -1.]), ord=1)


def logsumexp(torch):
    x = torch.tensor([[1., 2., 3.], [0., 0., 0.]])
    return torch.logsumexp(x, dim=1), x.logsumexp(dim=0), x.logsumexp(1, keepdim=True).shape


def logsumexp_large(torch):
    return torch.logsumexp(torch.tensor([1000., 1000.]), dim=0)


# ---- In-place operations ----------------------------------------------------------------------


def add_inplace(torch):
    x = torch.tensor([1., 2.])
    x.add_(1)
    x.add_(torch.tensor([10., 20.]))
    return x


def add_inplace_alpha(torch):
    x = torch.tensor([1., 2.])
    x.add_(torch.tensor([1., 1.]), alpha=-0.5)
    return x


def mul_sub_div_inplace(torch):
    x = torch.tensor([2., 4.])
    x.mul_(3)
    x.sub_(torch.tensor([1., 2.]))
    x.div_(5)
    return x


def inplace_returns_self(torch):
    x = torch.tensor([1., 2.])
    y = x.mul_(2).add_(1)
    return y is x, x


def zero_inplace(torch):
    x = torch.tensor([[1., 2.], [3., 4.]])
    x.zero_()
    return x


def fill_inplace(torch):
    x = torch.zeros(2, 2)
    x.fill_(3.5)
    return x


def copy_inplace(torch):
    x = torch.zeros(2, 2)
    x.copy_(torch.tensor([[1., 2.], [3., 4.]]))
    return x


def copy_inplace_broadcast(torch):
    x = torch.zeros(2, 3)
    x.copy_(torch.tensor([1., 2., 3.]))
    return x


def clamp_inplace(torch):
    x = torch.tensor([-2., 0.5, 3.])
    x.clamp_(-1, 1)
    y = torch.tensor([-2., 0.5, 3.])
    y.clamp_(min=0)
    return x, y


def unary_inplace(torch):
    x = torch.tensor([-1., 0., 2.])
    x.relu_()
    y = torch.tensor([0., 1.])
    y.exp_()
    return x, y


def augmented_assignment(torch):
    x = torch.tensor([1., 2.])
    x += 1
    x *= torch.tensor([2., 3.])
    x -= 0.5
    x /= 2
    return x


def augmented_assignment_no_grad(torch):
    w = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        w -= 0.1 * torch.tensor([1., -1.])
        w *= 2
        w += 1
    return w, w.requires_grad, w.is_leaf


def inplace_leaf_no_grad(torch):
    w = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        w.add_(1.)
        w.mul_(torch.tensor([2., 0.5]))
    return w.detach(), w.is_leaf


def inplace_on_slice(torch):
    x = torch.zeros(2, 3)
    x[0].add_(1.)
    x[:, 2].mul_(0).add_(5.)
    return x
