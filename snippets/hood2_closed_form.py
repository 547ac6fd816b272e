import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
X = np.stack([x**0, x, x**2, x**3], axis=1)  # one row per point: 1, x, x^2, x^3

# --8<-- [start:optimum]
w_best, *_ = np.linalg.lstsq(X, y_sin, rcond=None)
w_normal = np.linalg.solve(X.T @ X, X.T @ y_sin)
loss_best = np.square(X @ w_best - y_sin).sum()
# --8<-- [end:optimum]
a, b, c, d = w_best.round(10) + 0.0
print(f"best cubic: y = {a:.4f} {b:+.4f} x {c:+.4f} x^2 {d:+.4f} x^3")
print(f"lstsq and the normal equations differ by at most {np.abs(w_normal - w_best).max():.1e}")
print(f"lowest possible loss: {loss_best:.4f}")

# --8<-- [start:descent]
seeds = [0, 1, 2, 3, 4, 7]
W = np.stack([np.random.default_rng(seed=s).standard_normal(4) for s in seeds], axis=1)
learning_rate = 1e-6
for _ in range(2000):
    W = W - learning_rate * 2.0 * X.T @ (X @ W - y_sin[:, None])
losses = np.square(X @ W - y_sin[:, None]).sum(axis=0)
# --8<-- [end:descent]
print("seed       a        b        c        d      loss   ratio     gap")
for s, w, loss in zip(seeds, W.T, losses, strict=True):
    coefficients = " ".join(f"{v:8.4f}" for v in w)
    print(f"{s:4} {coefficients} {loss:9.4f} {loss / loss_best:7.4f} {loss - loss_best:7.4f}")
largest_ratio = losses.max() / loss_best
smallest_gap, largest_gap = (losses - loss_best).min(), (losses - loss_best).max()

error_best = y_sin - X @ w_best
worst_x = x[np.argmax(np.abs(error_best))]
largest_error = np.abs(error_best).max()
typical_error = np.sqrt(loss_best / len(x))
crossings = np.count_nonzero(np.diff(np.sign(error_best)))
print(f"best cubic: typical error {typical_error:.4f}, largest {largest_error:.4f} at x = {worst_x:+.4f}")
print(f"the error changes sign {crossings} times")

plt.plot(x, error_best, label="sin(x) - best cubic")
plt.xlabel("x")
plt.ylabel("error")
plt.legend()
plt.show()
