import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)


def loss(w):
    a, b, c, d = w
    return np.square(a + b * x + c * x**2 + d * x**3 - y_sin).sum()


h = np.finfo(float).eps ** (1 / 3)
print(f"step h = {h:.2e}")
print("seed  coefficient    hand gradient  numeric gradient  rel. error")
largest_error = 0.0
for seed in (0, 1, 7):
    w = np.random.default_rng(seed=seed).standard_normal(4)
    # --8<-- [start:check]
    grad_y_polynomial_derived = 2.0 * (w[0] + w[1] * x + w[2] * x**2 + w[3] * x**3 - y_sin)
    hand = np.array([(grad_y_polynomial_derived * x**k).sum() for k in range(4)])
    numeric = np.array([(loss(w + h * e_k) - loss(w - h * e_k)) / (2 * h) for e_k in np.eye(4)])
    rel_error = np.abs(hand - numeric) / np.abs(hand)
    # --8<-- [end:check]
    largest_error = max(largest_error, rel_error.max())
    for name, g, n, r in zip("abcd", hand, numeric, rel_error, strict=True):
        print(f"{seed:4}  {name:>11}  {g:15.6f}  {n:16.6f}  {r:10.1e}")
print(f"largest relative error: {largest_error:.1e}")

steps = np.logspace(-12, 2, 57)
central, forward = [], []
for step in steps:
    up = np.array([loss(w + step * e_k) for e_k in np.eye(4)])
    down = np.array([loss(w - step * e_k) for e_k in np.eye(4)])
    central.append(np.max(np.abs((up - down) / (2 * step) - hand) / np.abs(hand)))
    forward.append(np.max(np.abs((up - loss(w)) / step - hand) / np.abs(hand)))
best_forward_step = steps[np.argmin(forward)]
print(f"forward differences are most accurate near h = {best_forward_step:.1e}")

plt.loglog(steps, forward, label="forward difference")
plt.loglog(steps, central, label="central difference")
plt.xlabel("step h")
plt.ylabel("largest relative error")
plt.legend()
plt.show()
