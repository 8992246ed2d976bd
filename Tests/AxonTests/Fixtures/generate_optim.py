"""Reference values for Axon's optimizers, learning-rate schedules and gradient clipping,
computed by PyTorch.

Writes optim.json, schedules.json and clipping.json beside this script. Everything is
float32 unless said otherwise (the L-BFGS `*_f64` configs and the learning rates, which
torch keeps as Python floats, i.e. float64). Seeds are fixed, so reruns give the same files
on the same torch version.

    /work/torchvenv/bin/python Tests/AxonTests/Fixtures/generate_optim.py   # needs torch and numpy

JSON layout (compact, no whitespace). A tensor is `{"shape": [..], "data": [..]}` with the
data flat in row-major order; a scalar has shape [] and one datum. A float32 datum is
written as the shortest decimal that converts back to the same float32 when parsed as a
float64 and then rounded to float32 (checked for every value when writing), so
`Float(Double(text))` recovers the float32 exactly. float64 values (learning rates, the
`*_f64` L-BFGS configs, metrics) are written with Python's shortest round-trip repr. Because
JSON readers may not keep object key order, every place where order matters also has an
explicit list of keys (`param_names`, `config_names`, `schedule_names`, `case_names`).
There is no NaN or infinity anywhere; an infinite norm type is written as the string "inf".

optim.json:
    {"generator": "generate_optim.py", "torch": "<version>",
     "model": "Sequential(Linear(4, 5), Tanh(), Linear(5, 3)), torch.manual_seed(0) init",
     "loss": "mse_loss(model(x), y), reduction mean",
     "x": tensor [8, 4], "y": tensor [8, 3],          # numpy default_rng(2024) normal draws
     "param_names": ["0.weight", "0.bias", "2.weight", "2.bias"],   # named_parameters() order
     "initial": {name: tensor},                       # the parameters every trajectory starts from
     "steps": 25,
     "common_kwargs": {"foreach": false},             # also passed to every optimizer below
     "config_names": [name, ...],
     "trajectories": {name: {
        "optimizer": "SGD" | "Adagrad" | "RMSprop" | "Adadelta" | "Adam" | "AdamW" | "Adamax" | "NAdam",
        "options": {kwarg: value},      # exactly the hyperparameter kwargs passed (betas as a list);
                                        # foreach=False is passed too (see common_kwargs)
        "hyperparameters": {key: value},# the optimizer's resolved defaults (every hyperparameter,
                                        # including ones left at their default; None values dropped)
        "groups": [{"params": [name, ...], key: value, ...}],   # only for sgd_groups: the
                                        # per-group overrides, in param_groups order
        "losses": [25 floats],          # loss computed in step k (at the parameters before step k)
        "params": [25 x {name: tensor}],      # parameters after step k
        "gradient_noise_gap": [25 floats]}}, # max |param difference| after step k between this run
                                        # and a torch rerun whose gradients are multiplied by
                                        # (1 + 2^-23 N(0, 1)) each step: how far rounding-level
                                        # gradient differences move it (a guide for tolerances)
     "lbfgs": {
        "function": "rosenbrock: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
        "initial": [-1.5, 2.0],
        "config_names": [name, ...],
        "configs": {name: {
            "dtype": "float32" | "float64",
            "options": {kwarg: value},  # every LBFGS kwarg, defaults included; line_search_fn null or "strong_wolfe"
            "iterates": [10 x [x, y]],  # the parameter after each opt.step(closure)
            "losses": [10 floats],      # the value returned by each step (f at the start of that step)
            "func_evals": [10 ints],    # state["func_evals"] after each step (cumulative closure calls)
            "n_iter": [10 ints],        # state["n_iter"] after each step (cumulative iterations)
            "evaluations": [{"step": k, "xy": [x, y], "f": float, "grad": [gx, gy]}, ...]}},
                                        # every closure call in order (k = 0-based opt.step index)
        "f32_vs_f64": {name: {"max_abs_diff_per_step": [10 floats]}},
                                        # |iterate_f32 - iterate_f64|_inf after each step (float32 configs)
        "rounding_sensitivity": {name: {"max_abs_diff_per_step": [10 floats]}}}}
                                        # |iterate - iterate'|_inf after each step, where iterate' is a
                                        # rerun in the same dtype with a hand-written gradient
                                        # (-2(1-x) - 400x(y-x^2), 200(y-x^2)): rounding-level changes
                                        # alone; the float32 runs part within a few steps

    One optimizer step is `opt.zero_grad(); loss = mse_loss(model(x), y); loss.backward(); opt.step()`.
    The L-BFGS closure is `opt.zero_grad(); f = rosenbrock(xy); f.backward(); return f`.

schedules.json:
    {"generator": "generate_optim.py", "torch": "<version>",
     "optimizer": "SGD([dummy scalar parameter], lr=0.1)",
     "schedule_names": [name, ...],
     "schedules": {name: {
        "scheduler": class name,
        "options": {kwarg: value},      # exact kwargs (besides the optimizer); SequentialLR and
                                        # ChainedScheduler list their children as
                                        # {"scheduler": class, "options": {...}}
        "description": str,             # only where the kwargs do not say it all (LambdaLR)
        "metrics": [100 floats],        # only for ReduceLROnPlateau: the value passed to step k
        "lrs": [101 floats]}}}          # param_groups[0]["lr"] after construction, then after each
                                        # of 100 scheduler.step() calls (an optimizer.step() with no
                                        # gradient, a no-op, precedes each, as torch wants)

clipping.json:
    {"generator": "generate_optim.py", "torch": "<version>",
     "case_names": [name, ...],
     "cases": {name: {
        "function": "clip_grad_norm_" | "clip_grad_value_",
        "options": {kwarg: value},      # norm_type may be the string "inf"; foreach=False is passed
        "grads": [4 tensors],           # shapes [3, 4], [4], [2, 2, 3], [] before clipping
        "clipped": [4 tensors],         # the same gradients after clipping
        "total_norm": float | null}}}   # clip_grad_norm_'s return value; null for clip_grad_value_
"""
import copy
import json
import math
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 25
LBFGS_STEPS = 10
SCHEDULE_STEPS = 100


def f32(v):
    """The shortest decimal (as a Python float) that rounds back to the float32 value v."""
    exact = np.float32(v)
    short = float(str(exact))          # numpy prints the shortest float32 round-trip decimal
    # json writes repr(short), which parses back to the same float64; check its float32 rounding
    return short if np.float32(short) == exact else float(exact)


def pack(t):
    t = t.detach()
    if t.dtype == torch.float64:
        data = [float(v) for v in t.reshape(-1).tolist()]
    else:
        data = [f32(v) for v in t.to(torch.float32).reshape(-1).tolist()]
    return {"shape": list(t.shape), "data": data}


def jsonable(v):
    if isinstance(v, (tuple, list)):
        return [jsonable(u) for u in v]
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


# ----------------------------------------------------------------------------- optim.json

PARAM_NAMES = ["0.weight", "0.bias", "2.weight", "2.bias"]

# name, optimizer class, kwargs (besides foreach=False)
OPTIM_CASES = [
    ("sgd_plain", torch.optim.SGD, dict(lr=0.1)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("sgd_dampening", torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("sgd_nesterov", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1)),
    ("adagrad_lr_decay", torch.optim.Adagrad,
     dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.01, eps=1e-10)),
    ("rmsprop_plain", torch.optim.RMSprop, dict(lr=0.01)),
    ("rmsprop_centered", torch.optim.RMSprop, dict(lr=0.01, centered=True)),
    ("rmsprop_momentum", torch.optim.RMSprop, dict(lr=0.01, momentum=0.9)),
    # NOTE: lr 0.003, not 0.01: with lr 0.01 this centered + momentum run on a full batch
    # amplifies a 1e-7 perturbation of the start to 1e-5 by step 25 (sqrt(v - m^2) of a
    # near-cancelling difference), so no float32 implementation could meet 1e-5; at 0.003
    # the amplification is below 4e-7.
    ("rmsprop_all", torch.optim.RMSprop,
     dict(lr=0.003, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adadelta", torch.optim.Adadelta, dict(lr=1.0)),
    ("adadelta_wd", torch.optim.Adadelta, dict(lr=0.5, rho=0.8, weight_decay=0.01)),
    ("adam", torch.optim.Adam, dict(lr=0.01)),
    ("adam_amsgrad", torch.optim.Adam, dict(lr=0.01, amsgrad=True)),
    ("adam_weight_decay", torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01)),
    ("adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
    ("adamw_amsgrad", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("adamax", torch.optim.Adamax, dict(lr=0.01)),
    ("adamax_wd", torch.optim.Adamax, dict(lr=0.01, weight_decay=0.01)),
    ("nadam", torch.optim.NAdam, dict(lr=0.01)),
    ("nadam_wd", torch.optim.NAdam, dict(lr=0.01, weight_decay=0.01, momentum_decay=0.004)),
    ("sgd_groups", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),  # groups below
]

GROUPS = {
    "sgd_groups": [{"params": ["0.weight", "0.bias"], "lr": 0.1},
                   {"params": ["2.weight", "2.bias"], "lr": 0.01, "momentum": 0.5}],
}


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))


def hyperparameters(opt):
    return {k: jsonable(v) for k, v in opt.defaults.items() if v is not None}


def run_optimizer(initial_model, x, y, cls, kwargs, groups, noise_seed=None):
    """STEPS optimizer steps; returns (optimizer, losses, parameters after each step). With a
    noise_seed, every gradient is multiplied by (1 + 2^-23 N(0, 1)) before the step."""
    model = copy.deepcopy(initial_model)
    named = dict(model.named_parameters())
    assert list(named) == PARAM_NAMES
    if groups is None:
        params = model.parameters()
    else:
        params = [{**{k: v for k, v in g.items() if k != "params"}, "params": [named[n] for n in g["params"]]}
                  for g in groups]
    opt = cls(params, **kwargs, foreach=False)
    gen = None if noise_seed is None else torch.Generator().manual_seed(noise_seed)
    losses, after = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        if gen is not None:
            with torch.no_grad():
                for p in model.parameters():
                    p.grad.mul_(1 + 2.0 ** -23 * torch.randn(p.shape, generator=gen))
        opt.step()
        losses.append(loss.item())
        after.append([p.detach().clone() for p in model.parameters()])
    return opt, losses, after


def trajectory(initial_model, x, y, cls, kwargs, groups):
    opt, losses, after = run_optimizer(initial_model, x, y, cls, kwargs, groups)
    _, _, noisy = run_optimizer(initial_model, x, y, cls, kwargs, groups, noise_seed=99)
    entry = {"optimizer": cls.__name__, "options": {k: jsonable(v) for k, v in kwargs.items()},
             "hyperparameters": hyperparameters(opt)}
    if groups is not None:
        entry["groups"] = groups
    entry["losses"] = [f32(v) for v in losses]
    entry["params"] = [dict(zip(PARAM_NAMES, map(pack, ps))) for ps in after]
    entry["gradient_noise_gap"] = [f32(max((a - b).abs().max().item() for a, b in zip(ps, qs)))
                                   for ps, qs in zip(after, noisy)]
    return entry


def optim_fixture():
    model = make_model()
    rng = np.random.default_rng(2024)
    x = torch.tensor(rng.normal(0, 1, (8, 4)), dtype=torch.float32)
    y = torch.tensor(rng.normal(0, 1, (8, 3)), dtype=torch.float32)
    trajectories = {name: trajectory(model, x, y, cls, kwargs, GROUPS.get(name))
                    for name, cls, kwargs in OPTIM_CASES}
    assert len(trajectories) == len(OPTIM_CASES), "duplicate config names"
    return {"model": "Sequential(Linear(4, 5), Tanh(), Linear(5, 3)), torch.manual_seed(0) init",
            "loss": "mse_loss(model(x), y), reduction mean",
            "x": pack(x), "y": pack(y), "param_names": PARAM_NAMES,
            "initial": {n: pack(p) for n, p in model.named_parameters()},
            "steps": STEPS, "common_kwargs": {"foreach": False},
            "config_names": [name for name, _, _ in OPTIM_CASES],
            "trajectories": trajectories}


def rosenbrock(xy):
    return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2


LBFGS_CASES = [
    ("lbfgs_plain", torch.float32, None),
    ("lbfgs_wolfe", torch.float32, "strong_wolfe"),
    ("lbfgs_plain_f64", torch.float64, None),
    ("lbfgs_wolfe_f64", torch.float64, "strong_wolfe"),
]


class RosenbrockAnalytic(torch.autograd.Function):
    """The same function with a hand-written gradient: a rerun with it shows how far
    rounding-level differences in f and its gradient move the L-BFGS iterates."""

    @staticmethod
    def forward(ctx, xy):
        ctx.save_for_backward(xy)
        x, y = xy[0], xy[1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    @staticmethod
    def backward(ctx, g):
        (xy,) = ctx.saved_tensors
        x, y = xy[0], xy[1]
        r = y - x * x
        return g * torch.stack([-2 * (1 - x) - 400 * x * r, 200 * r])


def lbfgs_config(dtype, line_search_fn, f=rosenbrock):
    xy = torch.tensor([-1.5, 2.0], dtype=dtype, requires_grad=True)
    options = dict(lr=1, max_iter=5, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                   history_size=4, line_search_fn=line_search_fn)
    opt = torch.optim.LBFGS([xy], **options)
    options["max_eval"] = opt.param_groups[0]["max_eval"]   # resolved default: max_iter * 5 // 4
    evaluations, step_index = [], [0]
    num = f32 if dtype == torch.float32 else float

    def closure():
        opt.zero_grad()
        value = f(xy)
        value.backward()
        evaluations.append({"step": step_index[0], "xy": [num(v) for v in xy.detach().tolist()],
                            "f": num(value.item()), "grad": [num(v) for v in xy.grad.tolist()]})
        return value

    iterates, losses, func_evals, n_iter = [], [], [], []
    for k in range(LBFGS_STEPS):
        step_index[0] = k
        loss = opt.step(closure)
        iterates.append([num(v) for v in xy.detach().tolist()])
        losses.append(num(loss.item()))
        state = opt.state[xy]
        func_evals.append(int(state["func_evals"]))
        n_iter.append(int(state["n_iter"]))
    return {"dtype": str(dtype).replace("torch.", ""), "options": options, "iterates": iterates,
            "losses": losses, "func_evals": func_evals, "n_iter": n_iter, "evaluations": evaluations}


def lbfgs_fixture():
    configs = {name: lbfgs_config(dtype, ls) for name, dtype, ls in LBFGS_CASES}
    def gap(a, b):
        return [max(abs(u - v) for u, v in zip(p, q)) for p, q in zip(a, b)]

    divergence, sensitivity = {}, {}
    for name, dtype, ls in LBFGS_CASES:
        if dtype == torch.float32:
            divergence[name] = {"max_abs_diff_per_step": gap(configs[name]["iterates"],
                                                             configs[name + "_f64"]["iterates"])}
        rerun = lbfgs_config(dtype, ls, f=RosenbrockAnalytic.apply)["iterates"]
        sensitivity[name] = {"max_abs_diff_per_step": gap(configs[name]["iterates"], rerun)}
    return {"function": "rosenbrock: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2", "initial": [-1.5, 2.0],
            "config_names": [name for name, _, _ in LBFGS_CASES], "configs": configs,
            "f32_vs_f64": divergence, "rounding_sensitivity": sensitivity}


# ----------------------------------------------------------------------------- schedules.json

S = torch.optim.lr_scheduler


def plateau_min_metrics():
    """A loss-like sequence: decrease, plateaus with noise below the 1 % relative threshold,
    a few improvements (and some sub-threshold ones), then a long plateau so min_lr is reached."""
    rng = np.random.default_rng(7)
    out, v = [], 1.0

    def flat(n):
        for _ in range(n):
            out.append(v * (1 + rng.uniform(-0.002, 0.004)))

    for _ in range(12):                 # steady decrease
        v *= 0.9
        out.append(v)
    flat(8)
    for _ in range(4):                  # 3 % improvements
        v *= 0.97
        out.append(v)
    flat(10)
    v *= 0.9                            # one big drop
    out.append(v)
    flat(8)
    for _ in range(2):                  # improvements of 0.3 %: below the threshold, still bad epochs
        v *= 0.997
        out.append(v)
    flat(10)
    v *= 0.95
    out.append(v)
    flat(SCHEDULE_STEPS - len(out))
    return [round(m, 6) for m in out]


def plateau_max_metrics():
    """An accuracy-like sequence: rises, plateaus with noise below the 0.05 absolute threshold,
    a rise of 0.04 that does not count, then a long flat tail (lr shrinks until the eps rule stops it)."""
    rng = np.random.default_rng(11)
    out, v = [], 0.30

    def flat(n, spread=0.02):
        for _ in range(n):
            out.append(v + rng.uniform(-spread, spread))

    for _ in range(6):
        v += 0.08
        out.append(v)
    flat(5)
    v += 0.065                          # counts (> best + 0.05)
    out.append(v)
    flat(4)
    v += 0.035                          # does not count
    out.append(v)
    flat(6)
    v += 0.07
    out.append(v)
    flat(SCHEDULE_STEPS - len(out), spread=0.01)
    return [round(m, 6) for m in out]


def check_plateau_margins(metrics, mode, threshold, threshold_mode):
    """Make sure no metric sits within float round-off of the is-better boundary."""
    best = math.inf if mode == "min" else -math.inf
    for m in metrics:
        if mode == "min":
            bound = best * (1 - threshold) if threshold_mode == "rel" else best - threshold
            better = m < bound
        else:
            bound = best * (1 + threshold) if threshold_mode == "rel" else best + threshold
            better = m > bound
        if math.isfinite(bound):
            assert abs(m - bound) > 1e-4, (m, bound)
        if better:
            best = m


def schedule_cases():
    """name -> (builder(opt) -> scheduler, class name, options, extra entries)."""
    return [
        ("step", lambda o: S.StepLR(o, step_size=10, gamma=0.5),
         "StepLR", dict(step_size=10, gamma=0.5), {}),
        ("multistep", lambda o: S.MultiStepLR(o, milestones=[20, 50, 80], gamma=0.3),
         "MultiStepLR", dict(milestones=[20, 50, 80], gamma=0.3), {}),
        ("exponential", lambda o: S.ExponentialLR(o, gamma=0.95),
         "ExponentialLR", dict(gamma=0.95), {}),
        ("inverse_time", lambda o: S.LambdaLR(o, lr_lambda=lambda k: 1 / (1 + 0.1 * k)),
         "LambdaLR", {"lr_lambda": "lambda k: 1 / (1 + 0.1 * k)"},
         {"description": "inverse time decay: lr_k = lr0 / (1 + beta * k), beta = 0.1, "
                         "computed as lr0 * (1 / (1 + 0.1 * k)) with k = number of step() calls"}),
        ("polynomial", lambda o: S.PolynomialLR(o, total_iters=60, power=2.0),
         "PolynomialLR", dict(total_iters=60, power=2.0), {}),
        ("cosine", lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
         "CosineAnnealingLR", dict(T_max=30, eta_min=0.001), {}),
        ("cosine_full", lambda o: S.CosineAnnealingLR(o, T_max=100, eta_min=0.0),
         "CosineAnnealingLR", dict(T_max=100, eta_min=0.0), {}),
        ("warmup", lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=10),
         "LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=10), {}),
        ("warmup_then_cosine",
         lambda o: S.SequentialLR(o, schedulers=[S.LinearLR(o, start_factor=0.01, end_factor=1.0, total_iters=10),
                                                 S.CosineAnnealingLR(o, T_max=90, eta_min=0.0)],
                                  milestones=[10]),
         "SequentialLR",
         {"schedulers": [{"scheduler": "LinearLR", "options": dict(start_factor=0.01, end_factor=1.0, total_iters=10)},
                         {"scheduler": "CosineAnnealingLR", "options": dict(T_max=90, eta_min=0.0)}],
          "milestones": [10]}, {}),
        ("chained",
         lambda o: S.ChainedScheduler([S.ExponentialLR(o, gamma=0.98), S.StepLR(o, step_size=25, gamma=0.5)]),
         "ChainedScheduler",
         {"schedulers": [{"scheduler": "ExponentialLR", "options": dict(gamma=0.98)},
                         {"scheduler": "StepLR", "options": dict(step_size=25, gamma=0.5)}]}, {}),
        ("plateau_min",
         lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=3, threshold=1e-2,
                                       threshold_mode="rel", cooldown=2, min_lr=1e-3),
         "ReduceLROnPlateau",
         dict(mode="min", factor=0.5, patience=3, threshold=1e-2, threshold_mode="rel", cooldown=2, min_lr=1e-3),
         {"metrics": plateau_min_metrics()}),
        ("plateau_max_abs",
         lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.2, patience=2, threshold=0.05,
                                       threshold_mode="abs", cooldown=0, min_lr=0.0, eps=1e-8),
         "ReduceLROnPlateau",
         dict(mode="max", factor=0.2, patience=2, threshold=0.05, threshold_mode="abs", cooldown=0,
              min_lr=0.0, eps=1e-8),
         {"metrics": plateau_max_metrics()}),
    ]


def schedule(build, cls_name, options, extra):
    dummy = nn.Parameter(torch.zeros(()))
    opt = torch.optim.SGD([dummy], lr=0.1)
    sched = build(opt)
    assert type(sched).__name__ == cls_name
    metrics = extra.get("metrics")
    if metrics is not None:
        assert len(metrics) == SCHEDULE_STEPS
        check_plateau_margins(metrics, options["mode"], options["threshold"], options["threshold_mode"])
    lrs = [float(opt.param_groups[0]["lr"])]
    for k in range(SCHEDULE_STEPS):
        opt.step()                      # no gradient: a no-op, only keeps torch's call order
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        lrs.append(float(opt.param_groups[0]["lr"]))
    return {"scheduler": cls_name, "options": options, **extra, "lrs": lrs}


def schedules_fixture():
    cases = schedule_cases()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schedules = {name: schedule(*rest) for name, *rest in cases}
    assert len(schedules) == len(cases), "duplicate schedule names"
    return {"optimizer": "SGD([dummy scalar parameter], lr=0.1)",
            "schedule_names": [name for name, *_ in cases], "schedules": schedules}


# ----------------------------------------------------------------------------- clipping.json

SHAPES = [(3, 4), (4,), (2, 2, 3), ()]


def draw_grads(seed, norm, norm_type):
    """Random normal gradients scaled so that their global norm of norm_type is `norm`."""
    rng = np.random.default_rng(seed)
    grads = [torch.tensor(rng.normal(0, 1, s), dtype=torch.float32) for s in SHAPES]
    flat = torch.cat([g.reshape(-1) for g in grads])
    current = torch.linalg.vector_norm(flat, norm_type).item()
    return [g * (norm / current) for g in grads]


CLIP_CASES = [
    ("norm_above", 1, 7.3, 2.0, dict(max_norm=1.0, norm_type=2.0)),
    ("norm_below", 2, 0.4, 2.0, dict(max_norm=1.0, norm_type=2.0)),
    ("norm_inf", 3, 1.7, math.inf, dict(max_norm=0.5, norm_type=math.inf)),
    ("norm_1", 4, 9.0, 1.0, dict(max_norm=2.0, norm_type=1.0)),
    ("value", 5, 2.5, 2.0, dict(clip_value=0.5)),   # global 2-norm 2.5: entries both sides of 0.5
]


def clip_case(seed, norm, norm_type, options):
    grads = draw_grads(seed, norm, norm_type)
    params = []
    for g in grads:
        p = nn.Parameter(torch.zeros(g.shape))
        p.grad = g.clone()
        params.append(p)
    if "clip_value" in options:
        function = "clip_grad_value_"
        out = torch.nn.utils.clip_grad_value_(params, **options, foreach=False)
        assert out is None
        total = None
        assert any((g.abs() > options["clip_value"]).any() for g in grads)
    else:
        function = "clip_grad_norm_"
        total = f32(torch.nn.utils.clip_grad_norm_(params, **options, foreach=False).item())
    return {"function": function, "options": {k: jsonable(v) for k, v in options.items()},
            "grads": [pack(g) for g in grads], "clipped": [pack(p.grad) for p in params],
            "total_norm": total}


def clipping_fixture():
    cases = {name: clip_case(*rest) for name, *rest in CLIP_CASES}
    assert len(cases) == len(CLIP_CASES), "duplicate case names"
    return {"case_names": [name for name, *_ in CLIP_CASES], "cases": cases}


# ----------------------------------------------------------------------------- main


def write(name, payload):
    path = os.path.join(HERE, name)
    with open(path, "w") as fh:
        json.dump({"generator": "generate_optim.py", "torch": torch.__version__, **payload}, fh,
                  separators=(",", ":"), allow_nan=False)
    return path


def main():
    torch.set_default_dtype(torch.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optim = optim_fixture()
        optim["lbfgs"] = lbfgs_fixture()
        clipping = clipping_fixture()
    for w in caught:
        if "Converting a tensor with requires_grad=True to a scalar" in str(w.message):
            continue                    # LBFGS itself calls float() on the closure's loss
        print(f"warning: {w.category.__name__}: {w.message}")
    schedules = schedules_fixture()     # scheduler warnings are suppressed inside

    for path, count in [
            (write("optim.json", optim),
             f"{len(optim['trajectories'])} trajectories, {len(optim['lbfgs']['configs'])} L-BFGS configs"),
            (write("schedules.json", schedules), f"{len(schedules['schedules'])} schedules"),
            (write("clipping.json", clipping), f"{len(clipping['cases'])} cases")]:
        print(f"wrote {count} to {path} ({os.path.getsize(path)} bytes)")
    for key, what in [("f32_vs_f64", "float32 vs float64"), ("rounding_sensitivity", "vs analytic-gradient rerun")]:
        for name, d in optim["lbfgs"][key].items():
            print(f"{name}: {what}, iterate max |diff| after each step: "
                  + " ".join(f"{v:.2g}" for v in d["max_abs_diff_per_step"]))
    gaps = {name: max(t["gradient_noise_gap"]) for name, t in optim["trajectories"].items()}
    print("largest gradient_noise_gap: " + ", ".join(f"{n} {g:.2g}" for n, g in sorted(gaps.items(), key=lambda kv: -kv[1])[:5]))


if __name__ == "__main__":
    main()
