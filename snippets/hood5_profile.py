import time

import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)
y_polynomial_derived = a + b * x + c * x**2 + d * x**3
grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)

# The lines of Step 9's loop that work on the 2000 points, then four ways to write a power.
operations = {
    "y_polynomial_derived": lambda: a + b * x + c * x**2 + d * x**3,
    "loss": lambda: np.square(y_polynomial_derived - y_sin).sum(),
    "grad_y_polynomial_derived": lambda: 2.0 * (y_polynomial_derived - y_sin),
    "grad_a": lambda: grad_y_polynomial_derived.sum(),
    "grad_b": lambda: (grad_y_polynomial_derived * x).sum(),
    "grad_c": lambda: (grad_y_polynomial_derived * x**2).sum(),
    "grad_d": lambda: (grad_y_polynomial_derived * x**3).sum(),
    "x**3": lambda: x**3,
    "x * x * x": lambda: x * x * x,
    "x**2": lambda: x**2,
    "x * x": lambda: x * x,
}
microseconds = {}
for label, operation in operations.items():
    times = []
    for _repeat in range(7):
        start = time.perf_counter()
        for _ in range(300):
            operation()
        times.append((time.perf_counter() - start) / 300)
    microseconds[label] = np.median(times) * 1e6
    print(f"{label:>26}: {microseconds[label]:6.1f} µs")

per_pass = sum(list(microseconds.values())[:7])
share_of_cubes = (microseconds["y_polynomial_derived"] + microseconds["grad_d"]) / per_pass
pow_ratio = microseconds["x**3"] / microseconds["x * x * x"]
print(f"The seven loop lines together: {per_pass:.0f} µs per pass")
print(f"The two lines with x**3: {100 * share_of_cubes:.0f} % of that")
print(f"x**3 takes {pow_ratio:.1f} times as long as x * x * x")
