import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

plt.plot(x, y_sin, label="sin(x)")
plt.xlabel("x")
plt.legend()
plt.show()
