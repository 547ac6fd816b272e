import sys

import matplotlib
import numpy as np

print("Python", sys.version.split()[0])
print("NumPy", np.__version__)
print("Matplotlib", matplotlib.__version__)
