import numpy as np


class Value:
    def __init__(self, data, parents=(), backward_step=lambda g: ()):
        self.data, self.grad, self.parents, self.backward_step = np.asarray(data), 0.0, parents, backward_step

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), lambda g: (g, g))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), lambda g: (g * other.data, g * self.data))

    def __pow__(self, n):
        return Value(self.data**n, (self,), lambda g: (g * n * self.data ** (n - 1),))

    def sum(self):
        return Value(self.data.sum(), (self,), lambda g: (g * np.ones_like(self.data),))

    def __sub__(self, other):
        return self + other * -1.0

    def topological_order(self, order):
        if self not in order:
            for parent in self.parents:
                parent.topological_order(order)
            order.append(self)
        return order

    def backward(self):
        self.grad = np.ones_like(self.data)
        for node in reversed(self.topological_order([])):
            for parent, g in zip(node.parents, node.backward_step(node.grad), strict=True):
                parent.grad = parent.grad + (g if g.shape == parent.data.shape else g.sum())


x = np.linspace(-np.pi, np.pi, 2000)
a, b, c, d = (Value(v) for v in np.random.default_rng(seed=7).standard_normal(4))
loss = ((a + b * x + c * x**2 + d * x**3 - np.sin(x)) ** 2).sum()
loss.backward()
grad_y_polynomial_derived = 2.0 * (a.data + b.data * x + c.data * x**2 + d.data * x**3 - np.sin(x))
print("autodiff:", " ".join(f"{v.grad:15.6f}" for v in (a, b, c, d)))
print("by hand: ", " ".join(f"{(grad_y_polynomial_derived * x**k).sum():15.6f}" for k in range(4)))
