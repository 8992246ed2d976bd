"""Idioms: optimizers from fixed parameters and gradients, learning-rate schedulers, and
TensorDataset with DataLoader.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Optimizers -------------------------------------------------------------------------------


def sgd_one_step(torch):
    w = torch.tensor([1., -2., 3.], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    loss = (w ** 2).sum()
    loss.backward()
    opt.step()
    return w.detach()


def sgd_zero_grad_step(torch):
    optim = torch.optim
    w = torch.nn.Parameter(torch.tensor([1., 2.]))
    opt = optim.SGD([w], lr=0.5)
    for _ in range(2):
        opt.zero_grad()
        (w * torch.tensor([1., -1.])).sum().backward()
        opt.step()
    return w.detach(), w.grad


def sgd_momentum_two_steps(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2., 3.]))
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        w.grad = torch.tensor([0.5, -1., 2.])
        opt.step()
    return w.detach()


def sgd_nesterov_two_steps(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    return w.detach()


def sgd_weight_decay(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=0.01)
    w.grad = torch.tensor([1., 1.])
    opt.step()
    return w.detach()


def sgd_model_parameters(torch):
    nn = torch.nn
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1., 1.]]))
        model.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.tensor([[1., 2.], [2., 0.]])
    y = torch.tensor([[1.], [0.]])
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return model.weight.detach(), model.bias.detach(), loss.item()


def adam_one_step(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2., 3.]))
    opt = torch.optim.Adam([w], lr=0.1)
    w.grad = torch.tensor([0.5, -1., 2.])
    opt.step()
    return w.detach()


def adam_two_steps_betas(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.Adam([w], lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(2):
        opt.zero_grad()
        (w ** 3).sum().backward()
        opt.step()
    return w.detach()


def adam_weight_decay(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.Adam([w], lr=0.1, weight_decay=0.5)
    for _ in range(2):
        w.grad = torch.tensor([0.1, 0.2])
        opt.step()
    return w.detach()


def adamw_two_steps(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    return w.detach()


def adamw_default_decay(torch):
    w = torch.nn.Parameter(torch.tensor([2., 4.]))
    opt = torch.optim.AdamW([w], lr=0.5)
    w.grad = torch.tensor([0., 1.])
    opt.step()
    return w.detach()


def rmsprop_two_steps(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.RMSprop([w], lr=0.01)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    return w.detach()


def rmsprop_momentum(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.RMSprop([w], lr=0.01, alpha=0.9, momentum=0.5)
    for _ in range(2):
        w.grad = torch.tensor([0.5, 1.])
        opt.step()
    return w.detach()


def adagrad_two_steps(torch):
    w = torch.nn.Parameter(torch.tensor([1., -2.]))
    opt = torch.optim.Adagrad([w], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    return w.detach()


def optimizer_zero_grad_sets_none(torch):
    w = torch.nn.Parameter(torch.tensor([1., 2.]))
    opt = torch.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.zero_grad()
    return w.grad is None


def param_groups_lr(torch):
    w = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([w], lr=0.05, momentum=0.9)
    return opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"], len(opt.param_groups)


def param_groups_set_lr(torch):
    w = torch.nn.Parameter(torch.tensor([1., 1.]))
    opt = torch.optim.SGD([w], lr=1.)
    for group in opt.param_groups:
        group["lr"] = 0.25
    w.grad = torch.tensor([1., -1.])
    opt.step()
    return w.detach()


def per_group_options(torch):
    a = torch.nn.Parameter(torch.tensor([1.]))
    b = torch.nn.Parameter(torch.tensor([1.]))
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad = torch.tensor([1.])
    b.grad = torch.tensor([1.])
    opt.step()
    return a.detach(), b.detach(), [group["lr"] for group in opt.param_groups]


# ---- Learning-rate schedulers -----------------------------------------------------------------


def step_lr(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return lrs


def step_lr_param_group(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=1.)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
    opt.step()
    sched.step()
    return opt.param_groups[0]["lr"], sched.get_last_lr()


def multistep_lr(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=1.)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.1)
    lrs = []
    for _ in range(4):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def exponential_lr(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([w], lr=0.1)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    for _ in range(3):
        opt.step()
        sched.step()
    return sched.get_last_lr()


def cosine_annealing_lr(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=1.)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    lrs = []
    for _ in range(4):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return lrs


def lambda_lr(torch):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=0.5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda epoch: 1 / (epoch + 1))
    for _ in range(3):
        opt.step()
        sched.step()
    return sched.get_last_lr()


# ---- TensorDataset and DataLoader -------------------------------------------------------------


def tensor_dataset(torch):
    TensorDataset = torch.utils.data.TensorDataset
    ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.arange(5.))
    x, y = ds[3]
    return len(ds), x, y


def dataloader_batches(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.tensor([0., 1., 0., 1., 1.]))
    loader = DataLoader(ds, batch_size=2)
    return [(xb, yb) for xb, yb in loader]


def dataloader_len_and_shapes(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    loader = DataLoader(TensorDataset(torch.zeros(10, 3), torch.zeros(10)), batch_size=4, shuffle=False)
    return len(loader), [xb.shape for xb, _ in loader], [yb.shape for _, yb in loader]


def dataloader_drop_last(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    loader = DataLoader(TensorDataset(torch.arange(7.)), batch_size=3, drop_last=True)
    return len(loader), [batch for (batch,) in loader]


def dataloader_next_iter(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    loader = DataLoader(TensorDataset(torch.arange(6.).reshape(3, 2), torch.tensor([1, 0, 1])), batch_size=2)
    xb, yb = next(iter(loader))
    return xb, yb


def dataloader_shuffle_covers_all(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    loader = DataLoader(TensorDataset(torch.arange(8.)), batch_size=3, shuffle=True)
    seen = torch.cat([batch for (batch,) in loader])
    return sorted(seen.tolist()), len(loader)


def training_loop(torch):
    DataLoader = torch.utils.data.DataLoader
    TensorDataset = torch.utils.data.TensorDataset
    nn = torch.nn
    x = torch.tensor([[0.], [1.], [2.], [3.]])
    y = 2 * x + 1
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.)
        model.bias.fill_(0.)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.MSELoss()
    for _ in range(3):
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=2):
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        prediction = model(torch.tensor([[4.]]))
    return model.weight.detach(), model.bias.detach(), prediction
