import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)
print(f"Random start: y = {a:.4f} {b:+.4f} x {c:+.4f} x^2 {d:+.4f} x^3")

y_polynomial_derived = a + b * x + c * x**2 + d * x**3

plt.plot(x, y_sin, label="sin(x)")
plt.plot(x, y_polynomial_derived, label="random cubic")
plt.xlabel("x")
plt.legend()
plt.show()
