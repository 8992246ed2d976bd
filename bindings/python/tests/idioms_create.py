"""Idioms: creating tensors, random creation (shapes, ranges, reproducibility) and properties.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

import numpy as np

# ---- From data ------------------------------------------------------------------------------


def tensor_nested_list(torch):
    return torch.tensor([[1., -2.], [3., 4.]])


def tensor_int_list(torch):
    return torch.tensor([1, 2, 3])


def tensor_scalar(torch):
    return torch.tensor(3.5)


def tensor_scalar_shape(torch):
    return torch.tensor(3.5).shape


def tensor_dtype_kwarg(torch):
    return torch.tensor([1, 2], dtype=torch.float32)


def tensor_default_dtype(torch):
    return torch.tensor([1., 2.]).dtype


def tensor_requires_grad_kwarg(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return x.requires_grad


def tensor_from_numpy_array(torch):
    return torch.tensor(np.array([[1., 2.], [3., 4.]], dtype=np.float32))


def tensor_from_tuple(torch):
    return torch.tensor((0.5, 1.5, 2.5))


def as_tensor_list(torch):
    return torch.as_tensor([1., 2., 3.])


def as_tensor_numpy(torch):
    return torch.as_tensor(np.arange(6, dtype=np.float32).reshape(2, 3))


def as_tensor_dtype(torch):
    return torch.as_tensor([1, 2], dtype=torch.float32).dtype


def from_numpy(torch):
    return torch.from_numpy(np.array([[1., 2.], [3., 4.]], dtype=np.float32))


def from_numpy_float64_values(torch):
    return torch.from_numpy(np.linspace(0., 1., 5)).float()


def numpy_roundtrip(torch):
    x = torch.tensor([1., 2., 3.])
    return torch.from_numpy(x.numpy() * 2)


# ---- Filled -----------------------------------------------------------------------------------


def zeros_args(torch):
    return torch.zeros(2, 3)


def zeros_tuple(torch):
    return torch.zeros((2, 3))


def zeros_like_shape_of(torch):
    x = torch.arange(6.).reshape(3, 2)
    return torch.zeros(x.shape)


def zeros_dtype_is_float32(torch):
    return torch.zeros(2).dtype == torch.float32


def ones_args(torch):
    return torch.ones(3)


def ones_dtype(torch):
    return torch.ones(2, 2, dtype=torch.float32)


def full_tuple(torch):
    return torch.full((2, 3), 7.)


def full_negative(torch):
    return torch.full((2,), -1.5)


def empty_shape(torch):
    return torch.empty(3, 4).shape


def empty_tuple_shape(torch):
    return torch.empty((2, 5)).shape


def eye_square(torch):
    return torch.eye(3)


def eye_rect(torch):
    return torch.eye(2, 3)


def zeros_like(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
    return torch.zeros_like(x)


def ones_like(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
    return torch.ones_like(x)


def full_like(torch):
    x = torch.tensor([[1., 2.], [3., 4.]])
    return torch.full_like(x, 2.5)


def empty_like_shape(torch):
    return torch.empty_like(torch.ones(4, 2)).shape


def rand_like_shape(torch):
    x = torch.ones(2, 3)
    return torch.rand_like(x).shape


def randn_like_shape(torch):
    return torch.randn_like(torch.zeros(5)).shape


# ---- Ranges -----------------------------------------------------------------------------------


def arange_one_arg(torch):
    return torch.arange(5)


def arange_float_end(torch):
    return torch.arange(5.)


def arange_two_args(torch):
    return torch.arange(2, 7)


def arange_three_args(torch):
    return torch.arange(0, 1, 0.25)


def arange_negative_step(torch):
    return torch.arange(5, 0, -2)


def arange_reshape(torch):
    return torch.arange(12.).reshape(3, 4)


def linspace(torch):
    return torch.linspace(0, 1, 5)


def linspace_steps_kwarg(torch):
    return torch.linspace(-1, 1, steps=3)


# ---- Random (shapes, ranges and reproducibility only) -----------------------------------------


def rand_shape_and_range(torch):
    x = torch.rand(1000)
    return x.shape, x.min().item() >= 0, x.max().item() < 1


def rand_tuple_shape(torch):
    return torch.rand((2, 3)).shape


def randn_shape(torch):
    return torch.randn(4, 5).shape


def randn_statistics(torch):
    x = torch.randn(20000)
    return abs(x.mean().item()) < 0.05, abs(x.std().item() - 1) < 0.05


def randint_range(torch):
    x = torch.randint(0, 10, (1000,))
    return x.shape, x.min().item() >= 0, x.max().item() <= 9, bool((x == x.float().round()).all())


def randint_high_only(torch):
    x = torch.randint(5, (3, 4))
    return x.shape, x.max().item() < 5


def randperm_is_permutation(torch):
    p = torch.randperm(10)
    return sorted(p.tolist())


def manual_seed_rand_equal(torch):
    torch.manual_seed(0)
    a = torch.rand(5)
    torch.manual_seed(0)
    b = torch.rand(5)
    return torch.equal(a, b)


def manual_seed_randn_allclose(torch):
    torch.manual_seed(42)
    a = torch.randn(3, 3)
    torch.manual_seed(42)
    b = torch.randn(3, 3)
    return torch.allclose(a, b)


def manual_seed_differs(torch):
    torch.manual_seed(0)
    a = torch.rand(8)
    torch.manual_seed(1)
    b = torch.rand(8)
    return torch.equal(a, b)


def manual_seed_linear_init(torch):
    torch.manual_seed(3)
    a = torch.nn.Linear(4, 2)
    torch.manual_seed(3)
    b = torch.nn.Linear(4, 2)
    return torch.equal(a.weight, b.weight), torch.equal(a.bias, b.bias)


# ---- Properties -------------------------------------------------------------------------------


def prop_shape(torch):
    return torch.arange(6.).reshape(2, 3).shape


def prop_shape_index(torch):
    x = torch.zeros(2, 3, 4)
    return x.shape[1], x.shape[-1]


def prop_shape_eq_tuple(torch):
    return torch.zeros(2, 3).shape == (2, 3)


def prop_shape_unpack(torch):
    batch, features = torch.zeros(4, 7).shape
    return batch * features


def prop_size(torch):
    return torch.zeros(2, 3).size()


def prop_size_dim(torch):
    x = torch.zeros(2, 3, 4)
    return x.size(1), x.size(-1)


def prop_numel(torch):
    return torch.zeros(2, 3, 4).numel()


def prop_dim_ndim(torch):
    x = torch.zeros(2, 3, 4)
    return x.dim(), x.ndim


def prop_len(torch):
    return len(torch.zeros(5, 2))


def iterate_rows(torch):
    x = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
    return [row.tolist() for row in x]


def iterate_rows_sum(torch):
    x = torch.arange(6.).reshape(3, 2)
    return [row.sum().item() for row in x]


def item_scalar(torch):
    return torch.tensor([[2.5]]).item()


def item_is_python_float(torch):
    return isinstance(torch.tensor(2.5).item(), float)


def tolist_2d(torch):
    return torch.tensor([[1., 2.], [3., 4.]]).tolist()


def tolist_scalar(torch):
    return torch.tensor(1.5).tolist()


def numpy_method(torch):
    return torch.tensor([[1., 2.], [3., 4.]]).numpy()


def numpy_after_detach(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return (x * 3).detach().numpy()


def float_builtin(torch):
    return float(torch.tensor(2.5)), float(torch.tensor([7.]).sum())


def int_builtin(torch):
    return int(torch.tensor(3.))


def bool_of_comparison(torch):
    x = torch.tensor([1., 2.])
    return bool((x > 0).all()), bool((x > 1.5).all())


def if_on_tensor(torch):
    x = torch.tensor(3.)
    if x > 2:
        return "big"
    return "small"


def dtype_eq_float32(torch):
    return torch.tensor([1., 2.]).dtype == torch.float32


def float_method_dtype(torch):
    return torch.tensor([1, 2]).float().dtype


def float_method_values(torch):
    return torch.tensor([1, 2]).float() / 4


def to_float32(torch):
    x = torch.tensor([[1., 2.]]).to(torch.float32)
    return x, x.dtype


def type_float(torch):
    x = torch.tensor([3, 4]).type(torch.float)
    return x, x.dtype == torch.float32


def to_cpu_string(torch):
    return torch.tensor([1., 2.]).to("cpu")


def cpu_method(torch):
    return torch.tensor([1., 2.]).cpu()


def device_kwarg(torch):
    return torch.zeros(2, device="cpu")


def device_is_cpu(torch):
    x = torch.tensor([1.])
    return x.device.type == "cpu", str(x.device)


def device_object(torch):
    device = torch.device("cpu")
    x = torch.ones(2).to(device)
    return x, x.device == device


def requires_grad_default(torch):
    return torch.tensor([1.]).requires_grad


def is_leaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    return x.is_leaf, y.is_leaf, y.requires_grad


def grad_fn(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return x.grad_fn is None, (x * 2).grad_fn is not None


def clone_is_copy(torch):
    x = torch.tensor([1., 2., 3.])
    y = x.clone()
    y[0] = 9.
    return x, y


def is_tensor(torch):
    return torch.is_tensor(torch.ones(1)), isinstance(torch.ones(1), torch.Tensor), torch.is_tensor([1.])
