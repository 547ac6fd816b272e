import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)

learning_rate = 1e-6
for t in range(2001):
    y_polynomial_derived = a + b * x + c * x**2 + d * x**3
    loss = np.square(y_polynomial_derived - y_sin).sum()
    if t % 100 == 0:
        print(f"iteration {t:4d}: loss {loss:.2f}")
        plt.clf()
        plt.plot(x, y_sin, label="sin(x)")
        plt.plot(x, y_polynomial_derived, label="cubic")
        plt.ylim(-2, 2)
        plt.title(f"iteration {t}, loss {loss:.2f}")
        plt.legend(loc="upper left")
        plt.show(block=False)
        plt.pause(0.1)

    grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
    a = a - learning_rate * grad_y_polynomial_derived.sum()
    b = b - learning_rate * (grad_y_polynomial_derived * x).sum()
    c = c - learning_rate * (grad_y_polynomial_derived * x**2).sum()
    d = d - learning_rate * (grad_y_polynomial_derived * x**3).sum()

plt.show()
