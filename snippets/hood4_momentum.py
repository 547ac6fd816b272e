import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
start = np.random.default_rng(seed=7).standard_normal(4)
X = np.stack([x**0, x, x**2, x**3], axis=1)
XtX, Xty, yty = X.T @ X, X.T @ y_sin, y_sin @ y_sin
best, *_ = np.linalg.lstsq(X, y_sin, rcond=None)
optimum = np.square(X @ best - y_sin).sum()

eigenvalues = np.linalg.eigvalsh(2 * XtX)  # of the Hessian, smallest first
lambda_min, lambda_max = eigenvalues[0], eigenvalues[-1]
kappa = lambda_max / lambda_min
# --8<-- [start:settings]
settings = {  # name: (learning rate, momentum beta)
    "plain descent": (1 / lambda_max, 0.0),
    "heavy ball": (4 / (lambda_max**0.5 + lambda_min**0.5) ** 2, ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2),
}
# --8<-- [end:settings]
iterations = {}
for name, (learning_rate, beta) in settings.items():
    w = previous = start
    excess = [w @ XtX @ w - 2 * w @ Xty + yty - optimum]  # loss minus the optimum, from the start on
    # --8<-- [start:step]
    for t in range(1, 200_001):
        w, previous = w - learning_rate * 2 * (XtX @ w - Xty) + beta * (w - previous), w
        excess.append(w @ XtX @ w - 2 * w @ Xty + yty - optimum)
        if excess[-1] <= 0.001 * optimum:
            iterations[name] = t
            break
    # --8<-- [end:step]
    print(f"{name:>13}: rate {learning_rate:.3g}, beta {beta:.3f}, {iterations[name]:5d} iterations to 0.1 %")
    plt.plot(range(len(excess)), excess, label=name)
iterations_plain, iterations_heavy_ball = iterations.values()
rate_heavy_ball, beta_heavy_ball = settings["heavy ball"]

plt.plot([0, iterations_plain], [0.001 * optimum] * 2, label="0.1 % of the optimum")
plt.yscale("log")
plt.xlabel("iteration")
plt.ylabel("loss - optimum")
plt.legend()
plt.show()
