import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)

learning_rate = 1e-6
for t in range(2000):
    # --8<-- [start:forward]
    y_polynomial_derived = a + b * x + c * x**2 + d * x**3
    loss = np.square(y_polynomial_derived - y_sin).sum()
    # --8<-- [end:forward]
    if t % 100 == 99:
        print(t, loss)

    # --8<-- [start:gradients]
    grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
    grad_a = grad_y_polynomial_derived.sum()
    grad_b = (grad_y_polynomial_derived * x).sum()
    grad_c = (grad_y_polynomial_derived * x**2).sum()
    grad_d = (grad_y_polynomial_derived * x**3).sum()
    # --8<-- [end:gradients]

    # --8<-- [start:update]
    descent_grad_a = learning_rate * grad_a
    descent_grad_b = learning_rate * grad_b
    descent_grad_c = learning_rate * grad_c
    descent_grad_d = learning_rate * grad_d

    a = a - descent_grad_a
    b = b - descent_grad_b
    c = c - descent_grad_c
    d = d - descent_grad_d
    # --8<-- [end:update]

print(f"Result: y = {a:.4f} {b:+.4f} x {c:+.4f} x^2 {d:+.4f} x^3")

plt.plot(x, y_sin, label="sin(x)")
plt.plot(x, y_polynomial_derived, label="fitted cubic")
plt.xlabel("x")
plt.legend()
plt.show()
