import numpy as np

print(np.linspace(0, 100, 5))
print(np.sin(np.linspace(0, np.pi, 5)))
