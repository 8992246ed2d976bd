"""The polynomial fit of PyTorch's "Learning PyTorch with Examples" tutorial (fit
y = a + b x + c x^2 + d x^3 to sin on [-pi, pi] by plain gradient descent), run with torch
autograd from fixed starting values; writes polyfit.json.

    python3 Tests/AxonTests/Fixtures/generate_polyfit.py   # needs torch
"""
import json
import math
import os

import torch

START = {"a": -0.5, "b": 0.8, "c": 0.3, "d": -0.1}
STEPS = 2000
LEARNING_RATE = 1e-6

x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float32)
y = torch.sin(x)
params = {k: torch.tensor(v, dtype=torch.float32, requires_grad=True) for k, v in START.items()}
a, b, c, d = (params[k] for k in "abcd")
losses = []
for t in range(STEPS):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        for p in params.values():
            p -= LEARNING_RATE * p.grad
            p.grad = None

with torch.no_grad():
    final_loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum().item()
out = {
    "generator": "generate_polyfit.py",
    "torch": torch.__version__,
    "start": START,
    "steps": STEPS,
    "learning_rate": LEARNING_RATE,
    "losses_every_100": losses,
    "final": {k: p.item() for k, p in params.items()},
    "final_loss": final_loss,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "polyfit.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
print(out["final"], out["final_loss"])
