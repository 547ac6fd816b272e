import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

a = 0.0015
b = 0.8498
c = -0.0003
d = -0.0923
y_polynomial_cheat = a + b * x + c * x**2 + d * x**3

plt.plot(x, y_sin, label="sin(x)")
plt.plot(x, y_polynomial_cheat, label="cheat cubic")
plt.xlabel("x")
plt.legend()
plt.show()
