# -*- coding: utf-8 -*-
"""
PyTorch: Custom nn Modules
--------------------------

"Learning PyTorch with Examples", step 5: the polynomial as a custom ``torch.nn.Module``
subclass with four parameters, trained by SGD.
"""
import torch
import math


class Polynomial3(torch.nn.Module):
    def __init__(self):
        """
        The constructor makes four parameters and assigns them as attributes.
        """
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        """
        The forward function takes a Tensor of input data and returns a Tensor of output data.
        """
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        """
        A module can have custom methods like any Python class.
        """
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


# Create Tensors to hold input and outputs.
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# Construct our model by instantiating the class defined above
model = Polynomial3()

# The loss function and an optimizer over the model's parameters (the torch.nn.Parameter
# members of the model).
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    # Forward pass: Compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())

    # Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
