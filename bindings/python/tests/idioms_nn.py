"""Idioms: nn layers with fixed weights, containers and custom modules, parameters, nn.init and
nn.utils.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Layers -----------------------------------------------------------------------------------


def linear_fixed_weights(torch):
    nn = torch.nn
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1., 0., -1.], [0.5, 2., 0.]]))
        layer.bias.copy_(torch.tensor([0.1, -0.2]))
    return layer(torch.tensor([[1., 2., 3.], [0., -1., 4.]]))


def linear_shapes(torch):
    layer = torch.nn.Linear(3, 2)
    return layer.weight.shape, layer.bias.shape, layer.in_features, layer.out_features


def linear_no_bias(torch):
    layer = torch.nn.Linear(4, 2, bias=False)
    return layer.bias is None, layer(torch.zeros(5, 4)).shape


def linear_batch_dims(torch):
    layer = torch.nn.Linear(3, 4)
    return layer(torch.zeros(2, 5, 3)).shape, layer(torch.zeros(3)).shape


def linear_backward(torch):
    layer = torch.nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.fill_(1.)
        layer.bias.fill_(0.)
    layer(torch.tensor([[1., 2.], [3., 4.]])).sum().backward()
    return layer.weight.grad, layer.bias.grad


def conv2d_fixed_weights(torch):
    nn = torch.nn
    conv = nn.Conv2d(1, 1, kernel_size=2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[[1., 0.], [0., -1.]]]]))
    return conv(torch.arange(16.).reshape(1, 1, 4, 4))


def conv2d_padding_bias(torch):
    nn = torch.nn
    conv = nn.Conv2d(1, 2, 3, padding=1)
    with torch.no_grad():
        conv.weight.fill_(1.)
        conv.bias.copy_(torch.tensor([0., -10.]))
    return conv(torch.ones(1, 1, 3, 3))


def conv2d_shapes(torch):
    conv = torch.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)
    return conv.weight.shape, conv.bias.shape, conv(torch.zeros(2, 3, 8, 8)).shape


def maxpool2d(torch):
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    return torch.nn.MaxPool2d(2)(x), torch.nn.MaxPool2d(kernel_size=3, stride=1)(x)


def avgpool2d(torch):
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    return torch.nn.AvgPool2d(2)(x), torch.nn.AvgPool2d(2, stride=1)(x).shape


def adaptive_avgpool(torch):
    x = torch.arange(32.).reshape(1, 2, 4, 4)
    return torch.nn.AdaptiveAvgPool2d(1)(x), torch.nn.AdaptiveAvgPool2d((1, 1))(x).flatten(1)


def batchnorm1d_train(torch):
    bn = torch.nn.BatchNorm1d(2)
    y = bn(torch.tensor([[1., 2.], [3., 6.], [5., 10.]]))
    return y, bn.running_mean, bn.running_var


def batchnorm1d_eval(torch):
    bn = torch.nn.BatchNorm1d(2)
    bn(torch.tensor([[1., 2.], [3., 6.], [5., 10.]]))
    bn.eval()
    return bn(torch.tensor([[0., 1.], [2., 3.]])), bn.training


def batchnorm1d_fresh_eval(torch):
    bn = torch.nn.BatchNorm1d(3)
    bn.eval()
    return bn(torch.tensor([[1., 2., 3.]]))


def batchnorm1d_affine(torch):
    bn = torch.nn.BatchNorm1d(2)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([2., 0.5]))
        bn.bias.copy_(torch.tensor([1., -1.]))
    return bn(torch.tensor([[1., 2.], [3., 6.]]))


def batchnorm2d_train(torch):
    bn = torch.nn.BatchNorm2d(2)
    x = torch.arange(16.).reshape(2, 2, 2, 2)
    return bn(x), bn.running_mean


def layernorm(torch):
    ln = torch.nn.LayerNorm(3)
    return ln(torch.tensor([[1., 2., 3.], [2., 2., 5.]])), ln.weight.shape


def layernorm_affine(torch):
    ln = torch.nn.LayerNorm(2)
    with torch.no_grad():
        ln.weight.copy_(torch.tensor([2., 1.]))
        ln.bias.copy_(torch.tensor([0., 1.]))
    return ln(torch.tensor([[1., 3.], [0., -4.]]))


def groupnorm(torch):
    gn = torch.nn.GroupNorm(2, 4)
    return gn(torch.tensor([[[1., 2.], [3., 4.], [0., 0.], [2., -2.]]]))


def dropout_eval_identity(torch):
    drop = torch.nn.Dropout(0.5)
    drop.eval()
    x = torch.tensor([1., 2., 3.])
    return drop(x)


def dropout_train_values(torch):
    drop = torch.nn.Dropout(p=0.5)
    x = torch.ones(1000)
    y = drop(x)
    return bool(((y == 0) | (y == 2)).all()), 300 < int((y == 0).sum()) < 700


def dropout_p_one(torch):
    return torch.nn.Dropout(p=1.0)(torch.ones(4))


def flatten_module(torch):
    x = torch.zeros(2, 3, 4)
    return torch.nn.Flatten()(x).shape, torch.nn.Flatten(0)(x).shape


def activation_modules(torch):
    nn = torch.nn
    x = torch.tensor([-2., 0., 1.5])
    return nn.ReLU()(x), nn.Sigmoid()(x), nn.Tanh()(x), nn.LeakyReLU(0.1)(x)


def activation_modules_smooth(torch):
    nn = torch.nn
    x = torch.tensor([-2., 0., 1.5])
    return nn.GELU()(x), nn.ELU()(x), nn.SiLU()(x), nn.Softplus()(x)


def softmax_module(torch):
    x = torch.tensor([[1., 2., 3.], [0., 0., 0.]])
    return torch.nn.Softmax(dim=1)(x), torch.nn.LogSoftmax(dim=-1)(x)


def identity_module(torch):
    return torch.nn.Identity()(torch.tensor([1., 2.]))


def embedding_fixed_weights(torch):
    emb = torch.nn.Embedding(4, 2)
    with torch.no_grad():
        emb.weight.copy_(torch.arange(8.).reshape(4, 2))
    return emb(torch.tensor([[0, 3], [1, 1]]))


def embedding_from_pretrained(torch):
    emb = torch.nn.Embedding.from_pretrained(torch.tensor([[1., 0.], [0., 1.], [2., 2.]]))
    return emb(torch.tensor([2, 0])), emb.weight.requires_grad


# ---- Containers and custom modules ------------------------------------------------------------


def sequential_forward(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1., -1.], [0.5, 0.5], [-1., 2.]]))
        model[0].bias.copy_(torch.tensor([0., 0.1, -0.5]))
        model[2].weight.copy_(torch.tensor([[1., 2., -1.]]))
        model[2].bias.fill_(0.25)
    return model(torch.tensor([[1., 2.], [-1., 0.5]]))


def sequential_backward(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1., -1.], [0.5, 0.5], [-1., 2.]]))
        model[0].bias.copy_(torch.tensor([0., 0.1, -0.5]))
        model[2].weight.copy_(torch.tensor([[1., 2., -1.]]))
        model[2].bias.fill_(0.25)
    model(torch.tensor([[1., 2.], [-1., 0.5]])).sum().backward()
    return model[0].weight.grad, model[2].bias.grad


def sequential_indexing(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    return model[0].weight.shape, model[-1].bias.shape, len(model), isinstance(model[1], nn.ReLU)


def named_parameters_names(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    return [name for name, _ in model.named_parameters()]


def state_dict_keys(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    return list(model.state_dict().keys())


def state_dict_batchnorm_keys(torch):
    return list(torch.nn.BatchNorm1d(3).state_dict().keys())


def parameters_count(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    return len(list(model.parameters())), sum(p.numel() for p in model.parameters())


def trainable_parameter_count(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    for p in model[0].parameters():
        p.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def load_state_dict(torch):
    a = torch.nn.Linear(2, 2)
    b = torch.nn.Linear(2, 2)
    with torch.no_grad():
        a.weight.copy_(torch.tensor([[1., 2.], [3., 4.]]))
        a.bias.fill_(-1.)
    b.load_state_dict(a.state_dict())
    return b(torch.tensor([1., 1.]))


def module_apply_init(torch):
    nn = torch.nn

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
            nn.init.zeros_(m.bias)

    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    model.apply(init_weights)
    return model(torch.tensor([[1., 2.]]))


def children_and_modules(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    return len(list(model.children())), len(list(model.modules()))


def train_eval_flags(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.1))
    flags = [model.training, model[1].training]
    model.eval()
    flags += [model.training, model[1].training]
    model.train()
    return flags + [model[1].training]


def model_zero_grad(torch):
    model = torch.nn.Linear(2, 1)
    model(torch.ones(3, 2)).sum().backward()
    had_grad = model.weight.grad is not None
    model.zero_grad()
    return had_grad, model.weight.grad is None


def parameter_properties(torch):
    nn = torch.nn
    p = nn.Parameter(torch.tensor([1., 2.]))
    return p.requires_grad, isinstance(p, torch.Tensor), isinstance(p, nn.Parameter), p.is_leaf


def custom_module_parameter_modulelist(torch):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor([2., 3.]))
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])

        def forward(self, x):
            for layer in self.layers:
                x = torch.relu(layer(x))
            return x * self.scale

    net = Net()
    with torch.no_grad():
        for layer in net.layers:
            layer.weight.copy_(torch.tensor([[1., 0.], [1., 1.]]))
            layer.bias.fill_(0.5)
    out = net(torch.tensor([[1., -1.]]))
    out.sum().backward()
    return out, [name for name, _ in net.named_parameters()], net.scale.grad


def custom_module_attributes(torch):
    nn = torch.nn
    F = torch.nn.functional

    class TwoLayer(nn.Module):
        def __init__(self, d_in, d_hidden):
            super().__init__()
            self.fc1 = nn.Linear(d_in, d_hidden)
            self.fc2 = nn.Linear(d_hidden, 1)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))

    model = TwoLayer(3, 4)
    return model(torch.zeros(5, 3)).shape, list(model.state_dict().keys())


def register_buffer(torch):
    nn = torch.nn

    class Shift(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("offset", torch.tensor([1., -1.]))

        def forward(self, x):
            return x + self.offset

    m = Shift()
    return m(torch.zeros(2)), list(m.state_dict().keys()), len(list(m.parameters()))


def module_dict(torch):
    nn = torch.nn
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    return heads["b"].weight.shape, sorted(heads.keys()), len(list(heads.parameters()))


# ---- nn.init ----------------------------------------------------------------------------------


def init_zeros_ones_constant(torch):
    nn = torch.nn
    a, b, c = torch.empty(2, 2), torch.empty(3), torch.empty(2)
    nn.init.zeros_(a)
    nn.init.ones_(b)
    nn.init.constant_(c, 0.3)
    return a, b, c


def init_on_parameter(torch):
    nn = torch.nn
    layer = nn.Linear(2, 2)
    nn.init.ones_(layer.weight)
    nn.init.constant_(layer.bias, -1.)
    return layer(torch.tensor([1., 2.])), layer.weight.requires_grad


def init_xavier_uniform(torch):
    w = torch.empty(30, 20)
    torch.nn.init.xavier_uniform_(w)
    bound = (6 / (30 + 20)) ** 0.5
    return w.shape, w.abs().max().item() <= bound, w.abs().max().item() > 0.8 * bound


def init_xavier_normal(torch):
    w = torch.empty(200, 100)
    torch.nn.init.xavier_normal_(w)
    return abs(w.std().item() - (2 / 300) ** 0.5) < 0.005


def init_kaiming_normal(torch):
    w = torch.empty(200, 100)
    torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")
    return w.shape, abs(w.std().item() - (2 / 100) ** 0.5) < 0.005, abs(w.mean().item()) < 0.005


def init_kaiming_uniform(torch):
    w = torch.empty(50, 40)
    torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = (6 / 40) ** 0.5
    return w.abs().max().item() <= bound, w.abs().max().item() > 0.9 * bound


def init_normal_uniform(torch):
    nn = torch.nn
    a, b = torch.empty(10000), torch.empty(1000)
    nn.init.normal_(a, mean=1., std=0.02)
    nn.init.uniform_(b, -0.1, 0.1)
    return abs(a.mean().item() - 1) < 0.002, abs(a.std().item() - 0.02) < 0.002, b.abs().max().item() <= 0.1


# ---- nn.utils ---------------------------------------------------------------------------------


def clip_grad_norm(torch):
    nn = torch.nn
    w = nn.Parameter(torch.tensor([1., 2.]))
    b = nn.Parameter(torch.tensor([0.5]))
    w.grad = torch.tensor([3., 4.])
    b.grad = torch.tensor([12.])
    total = nn.utils.clip_grad_norm_([w, b], max_norm=6.5)
    return total, w.grad, b.grad


def clip_grad_norm_no_clip(torch):
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(1.)
    model(torch.tensor([[0.1, 0.2]])).sum().backward()
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), 10.)
    return total, model.weight.grad, model.bias.grad


def clip_grad_value(torch):
    w = torch.nn.Parameter(torch.tensor([1., 2., 3.]))
    w.grad = torch.tensor([-5., 0.5, 2.])
    torch.nn.utils.clip_grad_value_([w], clip_value=1.)
    return w.grad


def parameters_to_vector(torch):
    nn = torch.nn
    layer = nn.Linear(2, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1., 2.], [3., 4.]]))
        layer.bias.copy_(torch.tensor([5., 6.]))
    return nn.utils.parameters_to_vector(layer.parameters())


def vector_to_parameters(torch):
    nn = torch.nn
    layer = nn.Linear(2, 1)
    nn.utils.vector_to_parameters(torch.tensor([1., -1., 0.5]), layer.parameters())
    return layer.weight, layer.bias
