"""Idioms: indexing, slicing, assignment through indices, and shape operations.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Indexing and slicing ---------------------------------------------------------------------


def index_int(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[0], x[2]


def index_negative(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[-1], x[-1, -1]


def index_pair(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[1, 2], x[1][2]


def index_pair_item(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[2, 1].item()


def slice_rows(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[1:], x[:2], x[-2:]


def slice_column(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[:, 1], x[:, -1]


def slice_step(torch):
    x = torch.arange(10.)
    return x[::2], x[1::3], x[2:8:2]


def slice_rows_and_step(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[1:, ::2]


def slice_column_range(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[:, 1:3]


def slice_ellipsis(torch):
    x = torch.arange(24.).reshape(2, 3, 4)
    return x[..., 0], x[0, ...], x[..., 1:3].shape


def index_none(torch):
    x = torch.tensor([1., 2., 3.])
    return x[None].shape, x[:, None].shape, x[None, :, None].shape


def index_none_ellipsis(torch):
    x = torch.zeros(2, 3)
    return x[..., None].shape, x[:, None, :].shape


def index_list(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[[0, 2]]


def index_tensor(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[torch.tensor([2, 0])]


def index_columns_list(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[:, [0, 3]]


def index_two_tensors(torch):
    x = torch.arange(12.).reshape(3, 4)
    return x[torch.arange(2), torch.tensor([1, 0])]


def index_picks_targets(torch):
    log_probs = torch.tensor([[-0.1, -2.3], [-1.2, -0.4], [-0.7, -0.7]])
    targets = torch.tensor([0, 1, 1])
    return -log_probs[range(3), targets].mean()


def index_select(torch):
    x = torch.arange(12.).reshape(3, 4)
    return torch.index_select(x, 1, torch.tensor([3, 1])), x.index_select(0, torch.tensor([2]))


def gather(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
    return torch.gather(x, 1, torch.tensor([[2], [0]])), x.gather(1, torch.tensor([[0, 0], [1, 2]]))


# ---- Assignment through indices ---------------------------------------------------------------


def assign_row(torch):
    x = torch.zeros(2, 3)
    x[0] = 5
    return x


def assign_element(torch):
    x = torch.zeros(2, 2)
    x[0, 1] = -1.
    x[1][0] = 2.
    return x


def assign_column_tensor(torch):
    x = torch.zeros(3, 2)
    x[:, 1] = torch.tensor([1., 2., 3.])
    return x


def assign_block(torch):
    x = torch.ones(3, 4)
    x[1:, 2:] = 0
    return x


def assign_ellipsis(torch):
    x = torch.zeros(2, 3)
    x[..., -1] = 7.
    return x


def assign_index_list(torch):
    x = torch.zeros(5)
    x[[0, 3]] = torch.tensor([1., 2.])
    return x


def assign_broadcast_row(torch):
    x = torch.zeros(2, 3)
    x[:] = torch.tensor([1., 2., 3.])
    return x


def view_shares_storage(torch):
    x = torch.zeros(2, 3)
    row = x[1]
    row[0] = 4.
    return x


# ---- Shape operations -------------------------------------------------------------------------


def view_shape(torch):
    return torch.arange(6.).view(2, 3)


def view_flat(torch):
    return torch.arange(6.).reshape(2, 3).view(-1)


def view_infer(torch):
    x = torch.arange(12.)
    return x.view(3, -1).shape, x.view(-1, 6).shape, x.view(2, 2, -1).shape


def view_tuple(torch):
    return torch.arange(6.).view((3, 2))


def reshape_method(torch):
    x = torch.arange(6.)
    return x.reshape(3, 2), x.reshape((2, 3)), x.reshape(-1, 1).shape


def reshape_function(torch):
    return torch.reshape(torch.arange(6.), (2, 3))


def flatten_all(torch):
    return torch.arange(24.).reshape(2, 3, 4).flatten().shape


def flatten_start_dim(torch):
    x = torch.arange(24.).reshape(2, 3, 4)
    return x.flatten(1), torch.flatten(x, 1).shape


def flatten_range(torch):
    return torch.zeros(2, 3, 4, 5).flatten(1, 2).shape


def unsqueeze(torch):
    x = torch.tensor([1., 2., 3.])
    return x.unsqueeze(0), x.unsqueeze(1), x.unsqueeze(-1).shape, torch.unsqueeze(x, 0).shape


def squeeze_all(torch):
    return torch.zeros(1, 3, 1, 2).squeeze().shape


def squeeze_dim(torch):
    x = torch.zeros(1, 3, 1)
    return x.squeeze(0).shape, x.squeeze(-1).shape, x.squeeze(1).shape, torch.squeeze(x, 2).shape


def permute(torch):
    x = torch.arange(24.).reshape(2, 3, 4)
    return x.permute(2, 0, 1).shape, x.permute(0, 2, 1)[1]


def transpose(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.transpose(0, 1), torch.transpose(x, 1, 0).shape


def transpose_3d(torch):
    return torch.arange(24.).reshape(2, 3, 4).transpose(1, 2)[0]


def t_and_T(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.t(), x.T


def batched_mT(torch):
    return torch.arange(12.).reshape(2, 2, 3).mT.shape


def contiguous_view(torch):
    x = torch.arange(6.).reshape(2, 3)
    return x.t().contiguous().view(-1)


def expand(torch):
    x = torch.tensor([[1.], [2.]])
    return x.expand(2, 3), x.expand(-1, 4).shape


def expand_new_dim(torch):
    return torch.tensor([1., 2.]).expand(3, 2)


def expand_as(torch):
    x = torch.tensor([[1.], [2.]])
    return x.expand_as(torch.zeros(2, 3))


def view_as(torch):
    return torch.arange(6.).view_as(torch.zeros(3, 2))


def reshape_as(torch):
    return torch.arange(6.).reshape_as(torch.zeros(2, 3))


def cat_dim0(torch):
    a = torch.ones(2, 2)
    b = torch.zeros(1, 2)
    return torch.cat([a, b])


def cat_dim1(torch):
    a = torch.arange(4.).reshape(2, 2)
    b = torch.arange(2.).reshape(2, 1)
    return torch.cat((a, b), dim=1), torch.cat([a, b], -1).shape


def stack(torch):
    a = torch.tensor([1., 2.])
    b = torch.tensor([3., 4.])
    return torch.stack([a, b]), torch.stack((a, b), dim=1)


def stack_list_comprehension(torch):
    return torch.stack([torch.full((2,), float(i)) for i in range(3)])


def split_size(torch):
    return torch.arange(5.).split(2)


def split_sizes(torch):
    x = torch.arange(12.).reshape(6, 2)
    first, second = torch.split(x, [2, 4])
    return first, second.shape


def split_dim(torch):
    return torch.split(torch.arange(6.).reshape(2, 3), 1, dim=1)


def chunk(torch):
    x = torch.arange(6.)
    return x.chunk(3), torch.chunk(x, 2)


def chunk_dim(torch):
    q, k, v = torch.arange(12.).reshape(2, 6).chunk(3, dim=-1)
    return q, k, v


def unbind(torch):
    return torch.arange(6.).reshape(3, 2).unbind(0)


def repeat(torch):
    x = torch.tensor([[1., 2.]])
    return x.repeat(2, 2)


def flip(torch):
    x = torch.arange(6.).reshape(2, 3)
    return torch.flip(x, [1]), x.flip(0)


def tril_triu(torch):
    x = torch.ones(3, 3)
    return torch.tril(x), torch.triu(x, diagonal=1)
