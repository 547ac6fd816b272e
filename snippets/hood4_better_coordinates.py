import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
start = np.random.default_rng(seed=7).standard_normal(4)
u = x / np.pi

# --8<-- [start:bases]
bases = {
    "powers of x": np.stack([x**0, x, x**2, x**3], axis=1),
    "powers of u": np.stack([u**0, u, u**2, u**3], axis=1),
    "Legendre in u": np.stack([u**0, u, (3 * u**2 - 1) / 2, (5 * u**3 - 3 * u) / 2], axis=1),
}
# Column k of each matrix: the k-th basis function written as a + b x + c x^2 + d x^3.
u_to_x = np.diag([1, 1 / np.pi, 1 / np.pi**2, 1 / np.pi**3])
legendre_to_u = np.array([[1, 0, -1 / 2, 0], [0, 1, 0, -3 / 2], [0, 0, 3 / 2, 0], [0, 0, 0, 5 / 2]])
to_x = {"powers of x": np.eye(4), "powers of u": u_to_x, "Legendre in u": u_to_x @ legendre_to_u}
# --8<-- [end:bases]

best, *_ = np.linalg.lstsq(bases["powers of x"], y_sin, rcond=None)
optimum = np.square(bases["powers of x"] @ best - y_sin).sum()
kappa, rate, iterations = {}, {}, {}
print(f"{'coordinates':>13}  {'cond(XᵀX)':>9}  {'learning rate':>13}  {'iterations':>10}")
for name, X in bases.items():
    # --8<-- [start:descent]
    XtX, Xty, yty = X.T @ X, X.T @ y_sin, y_sin @ y_sin
    eigenvalues = np.linalg.eigvalsh(2 * XtX)  # of the Hessian, smallest first
    kappa[name], rate[name] = eigenvalues[-1] / eigenvalues[0], 1 / eigenvalues[-1]
    w = np.linalg.solve(to_x[name], start)  # Step 9's random cubic, in these coordinates
    for t in range(1, 200_001):
        w = w - rate[name] * 2 * (XtX @ w - Xty)
        if w @ XtX @ w - 2 * w @ Xty + yty <= 1.001 * optimum:
            iterations[name] = t
            break
    # --8<-- [end:descent]
    print(f"{name:>13}  {kappa[name]:9.1f}  {rate[name]:13.3g}  {iterations[name]:10d}")

# The loop ended in Legendre coordinates: keep descending until w stops changing, then convert.
for _ in range(500):
    w = w - rate["Legendre in u"] * 2 * (XtX @ w - Xty)
w_legendre, (a, b, c, d) = w, to_x["Legendre in u"] @ w
legendre_shown = " ".join(f"{v:+.6f}" for v in np.round(w_legendre, 6) + 0.0)  # no -0.0
print("Legendre coefficients after 500 more steps:", legendre_shown)
print("                a              b              c              d")
for label, coefficients in [("from Legendre", [a, b, c, d]), ("lstsq in x", best)]:
    print(f"{label:>13}" + "".join(f"{v:15.10f}" for v in np.round(coefficients, 10) + 0.0))  # no -0.0
kappa_x, kappa_u, kappa_legendre = kappa.values()
iterations_x, iterations_u, iterations_legendre = iterations.values()
rate_x, rate_u, rate_legendre = rate.values()
