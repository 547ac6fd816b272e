import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
X = np.stack([x**0, x, x**2, x**3], axis=1)

hessian = 2.0 * X.T @ X
eigenvalues, eigenvectors = np.linalg.eigh(hessian)
lambda_min, lambda_max = eigenvalues[0], eigenvalues[-1]
ceiling = 2.0 / lambda_max
kappa = lambda_max / lambda_min
print("eigenvalues of the Hessian:", "  ".join(f"{v:.1f}" for v in eigenvalues))
print(f"largest stable learning rate 2 / lambda_max = {ceiling:.3e}")
print(f"Step 9's learning rate 1e-6 is {1e-6 / ceiling:.2f} of it")
print(f"condition number kappa = {kappa:.1f}")

mean_ceiling = 2.0 / np.linalg.eigvalsh(hessian / len(x))[-1]
x_wide = np.linspace(-4 * np.pi, 4 * np.pi, 2000)
X_wide = np.stack([x_wide**0, x_wide, x_wide**2, x_wide**3], axis=1)
wide_ceiling = 2.0 / np.linalg.eigvalsh(2.0 * X_wide.T @ X_wide)[-1]
print(f"ceiling for the mean loss: {mean_ceiling:.3e}, {mean_ceiling / ceiling:.0f} times larger")
print(f"ceiling on [-4pi, 4pi]: {wide_ceiling:.3e}, {ceiling / wide_ceiling:.0f} times smaller")

learning_rate = 1.0 / lambda_max
tolerance = 1e-6
predicted = kappa / 2 * np.log(1 / tolerance)
w_best, *_ = np.linalg.lstsq(X, y_sin, rcond=None)
loss_best = np.square(X @ w_best - y_sin).sum()
W = np.stack([np.random.default_rng(seed=7).standard_normal(4), w_best + eigenvectors[:, 0]], axis=1)
gaps = []
for _ in range(3000):
    gaps.append(np.square(X @ W - y_sin[:, None]).sum(axis=0) - loss_best)
    W = W - learning_rate * 2.0 * X.T @ (X @ W - y_sin[:, None])
measured_random, measured_worst = np.argmax(np.array(gaps) <= tolerance * gaps[0], axis=0)
print(f"iterations at learning rate 1 / lambda_max until the loss gap shrinks {1 / tolerance:.0e} times:")
print(f"    predicted kappa / 2 * ln(1 / tolerance) = {predicted:.0f}")
print(f"    measured from the slowest direction: {measured_worst}")
print(f"    measured from Step 9's random start: {measured_random}")
