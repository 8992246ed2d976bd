"""Idioms: torch.nn.functional (activations, softmax, losses, convolution and pooling, norms) and
the loss classes of torch.nn.

Each public function is one idiom (see ``idioms.py``): it takes ``torch`` and returns its result.
"""

# ---- Activations and softmax ------------------------------------------------------------------


def f_relu(torch):
    F = torch.nn.functional
    return F.relu(torch.tensor([-1., 0., 2.]))


def f_softmax_dim(torch):
    F = torch.nn.functional
    x = torch.tensor([[1., 2., 3.], [1., 1., 1.]])
    return F.softmax(x, dim=1), F.softmax(x, dim=0)


def f_softmax_sums_to_one(torch):
    F = torch.nn.functional
    p = F.softmax(torch.tensor([[0.5, -1., 3.], [2., 2., 0.]]), dim=-1)
    return p.sum(dim=-1)


def softmax_function_and_method(torch):
    x = torch.tensor([[1., 2.], [3., 5.]])
    return torch.softmax(x, dim=1), x.softmax(dim=0), x.softmax(-1)


def f_log_softmax(torch):
    F = torch.nn.functional
    x = torch.tensor([[1., 2., 3.], [1000., 0., -1000.]])
    return F.log_softmax(x, dim=1), torch.log_softmax(x, dim=-1).exp().sum(1)


def f_gelu(torch):
    F = torch.nn.functional
    x = torch.tensor([-2., -0.5, 0., 1., 3.])
    return F.gelu(x), F.gelu(x, approximate="tanh")


def f_elu(torch):
    F = torch.nn.functional
    x = torch.tensor([-2., -0.5, 0., 1.])
    return F.elu(x), F.elu(x, alpha=0.5)


def f_leaky_relu(torch):
    F = torch.nn.functional
    x = torch.tensor([-2., -0.5, 0., 1.])
    return F.leaky_relu(x), F.leaky_relu(x, negative_slope=0.2), F.leaky_relu(x, 0.1)


def f_softplus(torch):
    F = torch.nn.functional
    x = torch.tensor([-2., 0., 1., 30.])
    return F.softplus(x), F.softplus(x, beta=2)


def f_silu_sigmoid_tanh(torch):
    F = torch.nn.functional
    x = torch.tensor([-1., 0., 2.])
    return F.silu(x), torch.sigmoid(x), torch.tanh(x), F.hardtanh(x)


def f_normalize(torch):
    F = torch.nn.functional
    x = torch.tensor([[3., 4.], [0., 2.]])
    return F.normalize(x, dim=1), F.normalize(x, p=1, dim=0)


def f_one_hot(torch):
    F = torch.nn.functional
    return F.one_hot(torch.tensor([0, 2, 1]), num_classes=3), F.one_hot(torch.tensor([1, 0])).shape


def f_linear(torch):
    F = torch.nn.functional
    x = torch.tensor([[1., 2.]])
    w = torch.tensor([[1., 0.], [-1., 1.], [2., 2.]])
    return F.linear(x, w), F.linear(x, w, torch.tensor([0.5, 0., -1.]))


def f_dropout_eval(torch):
    F = torch.nn.functional
    x = torch.tensor([1., 2., 3.])
    return F.dropout(x, p=0.5, training=False)


def f_pad(torch):
    F = torch.nn.functional
    return F.pad(torch.tensor([[1., 2.]]), (1, 2)), F.pad(torch.ones(1, 1, 2, 2), (1, 1, 1, 1)).shape


# ---- Convolution, pooling and normalization ---------------------------------------------------


def f_conv2d(torch):
    F = torch.nn.functional
    x = torch.arange(9.).reshape(1, 1, 3, 3)
    w = torch.tensor([[[[1., -1.], [0., 2.]]]])
    return F.conv2d(x, w)


def f_conv2d_bias_padding_stride(torch):
    F = torch.nn.functional
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    w = torch.ones(2, 1, 3, 3)
    return F.conv2d(x, w, bias=torch.tensor([0., 1.]), stride=2, padding=1)


def f_conv2d_channels(torch):
    F = torch.nn.functional
    x = torch.arange(18.).reshape(1, 2, 3, 3)
    w = torch.tensor([[[[1.]], [[-1.]]]])
    return F.conv2d(x, w)


def f_max_pool2d(torch):
    F = torch.nn.functional
    x = torch.tensor([[[[1., 5., 2., 0.], [3., 4., 8., 1.], [0., 2., 1., 9.], [7., 6., 3., 2.]]]])
    return F.max_pool2d(x, 2), F.max_pool2d(x, kernel_size=2, stride=1).shape


def f_avg_pool2d(torch):
    F = torch.nn.functional
    x = torch.tensor([[[[1., 5., 2., 0.], [3., 4., 8., 1.], [0., 2., 1., 9.], [7., 6., 3., 2.]]]])
    return F.avg_pool2d(x, 2), F.avg_pool2d(x, kernel_size=3, stride=1)


def f_adaptive_avg_pool2d(torch):
    F = torch.nn.functional
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    return F.adaptive_avg_pool2d(x, (1, 1)), F.adaptive_avg_pool2d(x, 2)


def f_layer_norm(torch):
    F = torch.nn.functional
    x = torch.tensor([[1., 2., 3., 6.], [0., 0., 1., -1.]])
    return F.layer_norm(x, (4,)), F.layer_norm(x, x.shape[-1:], weight=torch.full((4,), 2.), bias=torch.ones(4))


def f_batch_norm_eval(torch):
    F = torch.nn.functional
    x = torch.tensor([[1., 2.], [3., 4.]])
    return F.batch_norm(x, torch.tensor([1., 2.]), torch.tensor([4., 1.]), training=False)


# ---- Losses -----------------------------------------------------------------------------------


def f_cross_entropy(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]])
    return F.cross_entropy(logits, torch.tensor([0, 1, 2]))


def f_cross_entropy_reductions(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]])
    target = torch.tensor([0, 2, 1])
    return F.cross_entropy(logits, target, reduction="none"), F.cross_entropy(logits, target, reduction="sum")


def f_cross_entropy_label_smoothing(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3]])
    return F.cross_entropy(logits, torch.tensor([0, 1]), label_smoothing=0.1)


def f_cross_entropy_weight(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]])
    weight = torch.tensor([1., 2., 0.5])
    return F.cross_entropy(logits, torch.tensor([0, 1, 2]), weight=weight)


def f_cross_entropy_ignore_index(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]])
    return F.cross_entropy(logits, torch.tensor([0, -100, 2])), F.cross_entropy(
        logits, torch.tensor([0, 1, 2]), ignore_index=1
    )


def f_cross_entropy_probabilities(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3]])
    target = torch.tensor([[0.7, 0.2, 0.1], [0., 1., 0.]])
    return F.cross_entropy(logits, target)


def f_cross_entropy_backward(torch):
    F = torch.nn.functional
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
    F.cross_entropy(logits, torch.tensor([0, 2])).backward()
    return logits.grad


def f_cross_entropy_sequence(torch):
    F = torch.nn.functional
    logits = torch.arange(24.).reshape(2, 3, 4) / 10
    target = torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])
    return F.cross_entropy(logits, target)


def f_nll_loss(torch):
    F = torch.nn.functional
    log_probs = F.log_softmax(torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3]]), dim=1)
    target = torch.tensor([0, 2])
    return F.nll_loss(log_probs, target), F.nll_loss(log_probs, target, reduction="none")


def f_mse_loss(torch):
    F = torch.nn.functional
    pred = torch.tensor([1., 2., 3.])
    target = torch.tensor([1.5, 1., 5.])
    return F.mse_loss(pred, target), F.mse_loss(pred, target, reduction="sum")


def f_l1_loss(torch):
    F = torch.nn.functional
    pred = torch.tensor([[1., 2.], [3., 4.]])
    target = torch.tensor([[0., 2.5], [3., 6.]])
    return F.l1_loss(pred, target), F.l1_loss(pred, target, reduction="none")


def f_binary_cross_entropy(torch):
    F = torch.nn.functional
    p = torch.tensor([0.9, 0.2, 0.6])
    y = torch.tensor([1., 0., 0.])
    return F.binary_cross_entropy(p, y), F.binary_cross_entropy(p, y, weight=torch.tensor([1., 2., 0.5]))


def f_binary_cross_entropy_with_logits(torch):
    F = torch.nn.functional
    logits = torch.tensor([2., -1., 0.5, -30.])
    y = torch.tensor([1., 0., 0., 1.])
    return F.binary_cross_entropy_with_logits(logits, y), F.binary_cross_entropy_with_logits(
        logits, y, pos_weight=torch.tensor(2.)
    )


def f_huber_loss(torch):
    F = torch.nn.functional
    pred = torch.tensor([0., 1., 4.])
    target = torch.tensor([0.5, 3., 1.])
    return F.huber_loss(pred, target), F.huber_loss(pred, target, delta=2.)


def f_smooth_l1_loss(torch):
    F = torch.nn.functional
    pred = torch.tensor([0., 1., 4.])
    target = torch.tensor([0.5, 3., 1.])
    return F.smooth_l1_loss(pred, target), F.smooth_l1_loss(pred, target, beta=2.)


def f_kl_div(torch):
    F = torch.nn.functional
    log_q = F.log_softmax(torch.tensor([[1., 2., 0.]]), dim=1)
    p = torch.tensor([[0.2, 0.5, 0.3]])
    return F.kl_div(log_q, p, reduction="batchmean"), F.kl_div(log_q, p.log(), reduction="sum", log_target=True)


# ---- Loss classes -----------------------------------------------------------------------------


def cross_entropy_loss_class(torch):
    nn = torch.nn
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3]])
    target = torch.tensor([0, 1])
    return nn.CrossEntropyLoss()(logits, target), nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target)


def cross_entropy_loss_options(torch):
    nn = torch.nn
    logits = torch.tensor([[2., 1., 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]])
    target = torch.tensor([0, 1, 2])
    weighted = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 0.5]))
    ignoring = nn.CrossEntropyLoss(ignore_index=0, reduction="sum")
    return weighted(logits, target), ignoring(logits, target)


def mse_loss_class(torch):
    nn = torch.nn
    pred = torch.tensor([1., 2., 3.])
    target = torch.tensor([1.5, 1., 5.])
    return nn.MSELoss()(pred, target), nn.MSELoss(reduction="sum")(pred, target)


def l1_and_nll_loss_class(torch):
    nn = torch.nn
    log_probs = torch.tensor([[-0.5, -1.2], [-2., -0.1]])
    return nn.L1Loss()(torch.ones(2), torch.tensor([0., 3.])), nn.NLLLoss()(log_probs, torch.tensor([1, 1]))


def bce_loss_classes(torch):
    nn = torch.nn
    y = torch.tensor([1., 0., 1.])
    return nn.BCELoss()(torch.tensor([0.8, 0.3, 0.6]), y), nn.BCEWithLogitsLoss()(torch.tensor([1., -2., 0.]), y)


def huber_smooth_l1_classes(torch):
    nn = torch.nn
    pred = torch.tensor([0., 1., 4.])
    target = torch.tensor([0.5, 3., 1.])
    return nn.HuberLoss(delta=1.5)(pred, target), nn.SmoothL1Loss(beta=0.5)(pred, target)


def kl_div_loss_class(torch):
    nn = torch.nn
    F = torch.nn.functional
    log_q = F.log_softmax(torch.tensor([[1., 2., 0.], [0., 0., 0.]]), dim=1)
    p = torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    return nn.KLDivLoss(reduction="batchmean")(log_q, p)


def loss_item_and_backward(torch):
    nn = torch.nn
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.5, -0.5]]))
        model.bias.zero_()
    loss = nn.MSELoss()(model(torch.tensor([[1., 2.], [3., 1.]])), torch.tensor([[0.], [1.]]))
    loss.backward()
    return loss.item(), model.weight.grad, model.bias.grad
