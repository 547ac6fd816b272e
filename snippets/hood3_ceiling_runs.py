import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
X = np.stack([x**0, x, x**2, x**3], axis=1)
lambda_max = np.linalg.eigvalsh(2.0 * X.T @ X)[-1]
ceiling = 2.0 / lambda_max

runs = {}
for factor in (0.98, 1.02):
    learning_rate = factor * ceiling
    w = np.random.default_rng(seed=7).standard_normal(4)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(2000):
            loss = np.square(X @ w - y_sin).sum()
            if not np.isfinite(loss):
                break
            losses.append(loss)
            w = w - learning_rate * 2.0 * X.T @ (X @ w - y_sin)
    growth = losses[-1] / losses[-2]
    print(f"{factor:.2f} x ceiling: loss {losses[0]:.4g} -> {losses[-1]:.4g} after {len(losses)} iterations")
    print(f"    last step multiplied the loss by {growth:.4f}")
    plt.semilogy(losses, label=f"{factor:.2f} x ceiling")
    runs[factor] = losses
predicted_growth = (1.02 * ceiling * lambda_max - 1) ** 2
print(f"predicted growth per step above the ceiling: (eta lambda_max - 1)^2 = {predicted_growth:.4f}")

plt.xlabel("iteration")
plt.ylabel("loss")
plt.legend()
plt.show()
