import numpy as np

x = np.linspace(0, 100, 5)
print(x)

angles = np.linspace(0, np.pi, 5)
print(np.sin(angles).round(3))
