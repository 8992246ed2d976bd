# -*- coding: utf-8 -*-
"""
PyTorch: nn
-----------

"Learning PyTorch with Examples", step 3: the polynomial as a ``torch.nn`` model, a Linear
layer over the features (x, x^2, x^3), with the update still written by hand.
"""
import torch
import math


# Create Tensors to hold input and outputs.
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# The output y is a linear function of (x, x^2, x^3): prepare that tensor.
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

# x.unsqueeze(-1) has shape (2000, 1) and p has shape (3,): broadcasting gives
# a tensor of shape (2000, 3).

# The model is a sequence of layers: a Linear layer (holding its weight and bias)
# and a Flatten layer that turns its (2000, 1) output into the shape of `y`.
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)

# Mean Squared Error as the loss function, summed rather than averaged.
loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = 1e-6
for t in range(2000):

    # Forward pass: compute predicted y by passing x to the model.
    y_pred = model(xx)

    # Compute and print loss.
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())

    # Zero the gradients before running the backward pass.
    model.zero_grad()

    # Backward pass: compute gradient of the loss with respect to all the learnable
    # parameters of the model.
    loss.backward()

    # Update the weights using gradient descent. Each parameter is a Tensor, so
    # we can access its gradients like we did before.
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

# You can access the first layer of `model` like accessing the first item of a list
linear_layer = model[0]

# For linear layer, its parameters are stored as `weight` and `bias`.
print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
      f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
