# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercise 7 · A bigger range, [-4π, 4π]
#
# The Step 9 program fits a cubic to one period of the sine, from $-\pi$ to $\pi$. Stretch the range to
# $[-4\pi, 4\pi]$ and two separate things go wrong. The first is numerical: gradient descent with the
# article's learning rate blows up. The second is fundamental: no cubic can follow four periods of a
# sine, however well you optimise it. This exercise pulls the two apart, measures each, and shows what
# fixes the first and what it takes to beat the second.
#
# ## Task
#
# Change the data to 2000 points on $[-4\pi, 4\pi]$ and run the Step 9 loop with learning rate `1e-6`.
# Report what happens and explain it with numbers: how large do the powers of $x$ get, how much steeper
# does the loss become, and what is the largest learning rate that can still work on each range? Then work
# through four parts: (a) try a learning rate below the new limit; (b) try rescaling $x$ to $[-1, 1]$
# before fitting; (c) find out how good the best possible cubic is on this range; (d) try polynomials of
# higher degree. Compare every result with the best fit that least squares can reach.
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# The update for $d$ uses $\sum_{i=1}^{N} 2 (\hat{y}_i - y_i) x_i^3$. Compare $\pi^3$ with $(4\pi)^3$.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The loss is quadratic in the coefficients with Hessian $2 X^T X$ (columns $1, x, x^2, x^3$). Gradient
# descent is stable only while the learning rate is below $2 / \lambda_{\max}$. `np.linalg.eigvalsh` gives
# the eigenvalues.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# Fit in $u = x / (4\pi)$ instead of $x$. A cubic in $u$ is still a cubic in $x$, so the best possible loss
# is the same, but the powers of $u$ stay between $-1$ and $1$.
#
# </details>
#
# <details><summary>Hint 4</summary>
#
# `np.polynomial.Polynomial.fit(x, y_sin, deg)` returns the least-squares polynomial of any degree, and it
# maps $x$ to $[-1, 1]$ internally.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# Here is the Step 9 loop as a function of the inputs and the learning rate, so that you can run it on $x$
# and later on a rescaled variable. It stops as soon as the loss is no longer a finite number.

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-4 * np.pi, 4 * np.pi, 2000)
y_sin = np.sin(x)


def gradient_descent(inputs, learning_rate, iterations=2000):
    rng = np.random.default_rng(seed=7)
    a, b, c, d = rng.standard_normal(4)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(iterations):
            y_polynomial_derived = a + b * inputs + c * inputs**2 + d * inputs**3
            loss = np.square(y_polynomial_derived - y_sin).sum()
            losses.append(loss)
            if not np.isfinite(loss):
                break
            grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
            a = a - learning_rate * grad_y_polynomial_derived.sum()
            b = b - learning_rate * (grad_y_polynomial_derived * inputs).sum()
            c = c - learning_rate * (grad_y_polynomial_derived * inputs**2).sum()
            d = d - learning_rate * (grad_y_polynomial_derived * inputs**3).sum()
    return np.array([a, b, c, d]), np.array(losses)

# %% [markdown]
# ### The article's learning rate diverges

# %%
_, losses_raw = gradient_descent(x, learning_rate=1e-6)
first_bad = len(losses_raw) - 1
print(f"Loss at the start: {losses_raw[0]:.3g}; after one update: {losses_raw[1]:.3g}; "
      f"after two: {losses_raw[2]:.3g}.")
print(f"The loss first became non-finite at iteration {first_bad}.")

# %% [markdown]
# Instead of falling, the loss grows by many orders of magnitude at every update until it no longer fits in
# a floating-point number, at the iteration printed above. Nothing is wrong with the code: the same program
# converges on $[-\pi, \pi]$.
#
# ### Why: the powers of x and the curvature
#
# Write $g_i$ for the derivative of the loss with respect to one prediction,
#
# $$
# g_i = 2 (\hat{y}_i - y_i)
# $$
#
# Then the gradient for $d$ is
#
# $$
# \frac{\partial L}{\partial d} = \sum_{i=1}^{N} g_i x_i^3
# $$
#
# Every error is multiplied by $x_i^3$, and $x^3$ is far larger on the new range.

# %%
x_small = np.linspace(-np.pi, np.pi, 2000)
print(f"Largest x³ on [-π, π]: {np.pi**3:.4g}; on [-4π, 4π]: {(4 * np.pi)**3:.4g} "
      f"(a factor of {4**3}).")


def vandermonde(inputs, degree=3):
    return np.stack([inputs**k for k in range(degree + 1)], axis=1)


eig_small = np.linalg.eigvalsh(2 * vandermonde(x_small).T @ vandermonde(x_small))
eig_big = np.linalg.eigvalsh(2 * vandermonde(x).T @ vandermonde(x))
print(f"Largest Hessian eigenvalue: {eig_small[-1]:.4g} on [-π, π], {eig_big[-1]:.4g} on [-4π, 4π].")
print(f"Ratio: {eig_big[-1] / eig_small[-1]:.4g} (compare 4⁶ = {4**6}).")
ceiling_small, ceiling_big = 2 / eig_small[-1], 2 / eig_big[-1]
print(f"Ceiling 2 / lambda_max: {ceiling_small:.3g} on [-π, π], {ceiling_big:.3g} on [-4π, 4π].")
print(f"The learning rate 1e-6 is {1e-6 / ceiling_big:.4g} times the new ceiling.")

# %% [markdown]
# The loss is quadratic in $(a, b, c, d)$, and its curvature, the Hessian $2 X^T X$, contains sums such as
# $\sum x_i^6$. Stretching $x$ by a factor of 4 multiplies $x^6$ by $4^6$, so the steepest direction of the
# loss, which is almost pure $d$, becomes about that much steeper. The printed ratio is close to $4^6$ and
# not exactly equal because that direction also contains a little $b$.
#
# Along that direction one update multiplies the distance to the optimum by $1 - \eta \lambda_{\max}$. As
# long as $\eta < 2 / \lambda_{\max}$ its size is below 1 and the error shrinks. The article's learning rate
# sits comfortably below the old ceiling but far above the new one, by the factor printed above. So each
# update overshoots $d$ and multiplies its error by a large factor with alternating sign. That is the
# explosion you saw.
#
# ### (a) A smaller learning rate
#
# Run the same loop with 90 % of the new ceiling and compare with the least-squares optimum.

# %%
X = vandermonde(x)
coefficients_best, *_ = np.linalg.lstsq(X, y_sin, rcond=None)
loss_best = np.square(X @ coefficients_best - y_sin).sum()
safe_rate = 0.9 * ceiling_big
_, losses_safe = gradient_descent(x, learning_rate=safe_rate)
condition_x = eig_big[-1] / eig_big[0]
print(f"Learning rate {safe_rate:.3g}: loss {losses_safe[-1]:.4g} in the last of 2000 passes,")
print(f"{losses_safe[-1] / loss_best:.3g} times the least-squares optimum {loss_best:.4g}.")
print(f"Condition number of the Hessian: {condition_x:.3g}.")
print(f"Updates to shrink the slowest error component tenfold: {np.log(10) / (safe_rate * eig_big[0]):.3g}.")

# %% [markdown]
# Now the run is stable, but it stalls well above the optimum. The learning rate must respect the steepest
# direction, and the flattest direction is flatter by the condition number printed above, so along it each
# update achieves almost nothing. A tenfold improvement there would take the number of updates on the last
# line.
#
# ### (b) Rescale x to [-1, 1]
#
# Fit the cubic in $u = x / (4\pi)$. All powers of $u$ lie between $-1$ and $1$, so no column of the
# Vandermonde matrix dwarfs the others. The best loss is unchanged, because
# $a + b u + c u^2 + d u^3$ is still a cubic in $x$.

# %%
u = x / (4 * np.pi)
U = vandermonde(u)
eig_u = np.linalg.eigvalsh(2 * U.T @ U)
rate_u = 1 / eig_u[-1]
coefficients_u, losses_u = gradient_descent(u, learning_rate=rate_u)
print(f"Condition number: {condition_x:.3g} in x, {eig_u[-1] / eig_u[0]:.3g} in u.")
print(f"Learning rate 1 / lambda_max = {rate_u:.3g}:")
print(f"loss {losses_u[-1]:.6g} in the last of 2000 passes (optimum {loss_best:.6g}).")
coefficients_back = coefficients_u / (4 * np.pi) ** np.arange(4)
print(f"Converted back to x: b = {coefficients_back[1]:.4g}, d = {coefficients_back[3]:.4g}")
print(f"Least squares:       b = {coefficients_best[1]:.4g}, d = {coefficients_best[3]:.4g}")

# %% [markdown]
# In $u$ the curvatures differ by a small factor instead of millions, a much larger learning rate is safe,
# and 2000 updates reach the optimum to the printed precision. Dividing the coefficients by powers of
# $4\pi$ recovers the least-squares cubic in $x$. Rescaling inputs (normalising features) is the standard
# first fix when gradient descent is slow or unstable. In the figure, the article's learning rate shoots off
# the top within a few updates. The zoom on the right shows the other two runs near the optimum: the safe
# learning rate in $x$ levels off well above the dotted optimum, and the run in $u$ sits on the dotted line
# almost from the start.

# %% alt="Two panels of loss against iteration for gradient descent on [-4π, 4π]. Left, a log axis from 100 to 1e30: with x and learning rate 1e-6 the loss shoots off the top within a few updates, drawn as a handful of dots, while the other two runs drop to the bottom. Right, a zoom on a linear axis from zero to three times the least-squares optimum: with x and the much smaller safe rate the loss levels off well above the dotted optimum line; with the rescaled u = x / 4π it lies on that line almost from the start" caption="On the wide range the raw powers force a tiny learning rate that stalls above the optimum, while rescaling to u reaches the optimum."
fig, (ax_all, ax_zoom) = plt.subplots(1, 2, figsize=(9, 3.8))
shown = losses_raw < 1e30  # the diverging run leaves the plot after a few updates
ax_all.semilogy(np.flatnonzero(shown), losses_raw[shown], ".-", color="C0", label="x, learning rate 1e-6 (diverges)")
for ax in (ax_all, ax_zoom):
    ax.plot(losses_safe, color="C1", label=f"x, learning rate {safe_rate:.2g}")
    ax.plot(losses_u, color="C2", label=f"u = x / 4π, learning rate {rate_u:.2g}")
    ax.axhline(loss_best, color="black", linestyle=":", zorder=3, label="least-squares optimum")
    ax.set_xlabel("iteration")
ax_all.set_ylim(100, 1e30)
ax_all.set_ylabel("loss")
ax_all.set_title("All three runs (log scale)")
ax_all.legend(fontsize="small")
ax_zoom.set_ylim(0, 3 * loss_best)
ax_zoom.set_title("Zoom: up to three times the optimum")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### (c) The hard limit: the best cubic is still bad
#
# Rescaling fixed the optimisation, but what does the optimum look like?

# %% alt="Four periods of sin(x) on [-4π, 4π] together with the best least-squares cubic, a flat wave near zero in the middle that rises towards the left end and falls towards the right end, nowhere near the peaks and troughs of the sine" caption="A cubic has at most two turning points, so even the best one cannot follow a sine with eight of them."
rms_best = np.sqrt(loss_best / len(x))
rms_zero = np.sqrt(np.mean(y_sin**2))
print(f"Best cubic: loss {loss_best:.4g}, RMS error {rms_best:.3f}.")
print(f"For comparison, the constant 0 has RMS error {rms_zero:.3f}.")
plt.figure(figsize=(7, 4))
plt.plot(x, y_sin, label="sin(x)")
plt.plot(x, X @ coefficients_best, label="best cubic (least squares)")
plt.xlabel("x")
plt.ylabel("y")
plt.title("Four periods of a sine and the best possible cubic")
plt.legend()
plt.show()

# %% [markdown]
# The best cubic is a flat wave that stays near zero in the middle and only leans towards the outermost
# half-periods at the two ends. Its RMS error is barely below that of predicting 0 everywhere. This is the
# hard limit: a cubic has at most two turning points, while the sine on this range has eight. No learning
# rate, rescaling or number of iterations can change that, because least squares has already found the
# best cubic there is.
#
# ### (d) A higher degree
#
# More turning points need a higher degree. `Polynomial.fit` computes the least-squares fit directly, and
# it maps $x$ to $[-1, 1]$ internally, just like $u$ above.

# %% alt="sin(x) on [-4π, 4π] in thick black with the least-squares polynomials of degree 3, 5, 9 and 15. Degrees 3 and 5 stay almost flat; degree 9 wiggles in step with the sine but with much too small swings in the middle and large overshoots at both ends; degree 15 lies almost exactly on the sine" caption="A higher degree helps only once it has enough turning points: degree 15 follows the sine, degree 9 does not yet."
degrees = [3, 5, 9, 15]
fits = {n: np.polynomial.Polynomial.fit(x, y_sin, n) for n in degrees}
rms = {n: np.sqrt(np.mean((fits[n](x) - y_sin) ** 2)) for n in degrees}
for n in degrees:
    print(f"Degree {n:2d}: RMS error {rms[n]:.3g}")
plt.figure(figsize=(6.5, 3.6))
plt.plot(x, y_sin, color="black", linewidth=2.5, label="sin(x)")
for n in degrees:
    plt.plot(x, fits[n](x), label=f"degree {n}")
plt.xlabel("x")
plt.ylabel("y")
plt.title("Least-squares polynomials of higher degree")
plt.ylim(-1.6, 2.1)
plt.legend(fontsize=8, ncols=5, loc="upper center")
plt.show()

# %% [markdown]
# Degree 5 has at most four turning points and stays almost flat. Degree 9 could turn eight times and
# does wiggle in step with the sine, but its swings are far too small in the middle and overshoot at the
# ends: having enough turns is necessary, not sufficient. Degree 15 has room to spare, and its error drops by
# more than an order of magnitude compared with degree 9; the red curve is hard to tell from the sine.
# Higher degree helps a lot, but only once it is high enough.
#
# Could gradient descent find that degree-15 fit? Not with the raw powers of $x$. The condition number of
# the Hessian is at least the ratio of its largest to its smallest diagonal entry, $\sum x_i^{30}$ over
# $N$. Rescaling to $u$ helps enormously but not enough for degree 15, because $u^{13}$ and $u^{15}$ look
# almost alike on $[-1, 1]$. Replacing the powers by an orthogonal family such as the Legendre polynomials
# (`np.polynomial.legendre.legvander`) removes the problem.

# %%
X15 = vandermonde(x, 15)
hessian_diagonal = 2 * (X15**2).sum(axis=0)
lower_bound_x = hessian_diagonal.max() / hessian_diagonal.min()
condition_u15 = np.linalg.cond(vandermonde(u, 15)) ** 2
condition_legendre = np.linalg.cond(np.polynomial.legendre.legvander(u, 15)) ** 2
print(f"Degree 15, Hessian condition number: at least {lower_bound_x:.2g} in raw powers of x,")
print(f"{condition_u15:.2g} in powers of u, {condition_legendre:.3g} with Legendre polynomials in u.")

# %% [markdown]
# Gradient descent needs roughly as many updates as the condition number. In raw powers, even a billion
# updates per second would take far longer than the age of the universe. In powers of $u$ it still takes
# billions of updates. With Legendre polynomials the problem is as easy as the rescaled cubic. So the honest
# answer to "does it still work on $[-4\pi, 4\pi]$?" is: gradient descent breaks because of scale and can be
# repaired, while the cubic itself is simply too simple for the data.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims of this page.

# %%
assert not np.isfinite(losses_raw[-1]) and np.all(np.isfinite(losses_raw[:-1]))
assert 5 < first_bad < 200 and losses_raw[2] > 1e3 * losses_raw[1] > 1e6 * losses_raw[0]
assert abs(np.pi**3 - 31.0) < 0.01 and abs((4 * np.pi) ** 3 - 1984.4) < 0.1
assert 0.9 * 4**6 < eig_big[-1] / eig_small[-1] < 4**6
assert ceiling_big < 1e-6 < ceiling_small and 1e-6 / ceiling_big > 100
assert np.all(np.diff(losses_safe) < 0) and len(losses_safe) == 2000
assert 1.5 * loss_best < losses_safe[-1] < 3 * loss_best  # well above the optimum, inside the zoom
assert condition_x > 1e6 and eig_u[-1] / eig_u[0] < 100
assert np.log(10) / (safe_rate * eig_big[0]) > 1e5
assert abs(losses_u[-1] / loss_best - 1) < 1e-9
assert np.allclose(coefficients_back, coefficients_best, rtol=1e-6, atol=1e-9)
assert rms_best < rms_zero < 1.1 * rms_best
assert rms[3] > rms[5] > rms[9] > rms[15] and rms[9] > 0.4 and rms[15] < 0.1 * rms[9]
assert abs(rms[3] - rms_best) < 1e-9
assert np.count_nonzero(np.diff(np.sign(np.diff(y_sin)))) == 8
assert abs(np.linalg.eigh(2 * X.T @ X)[1][3, -1]) > 0.99  # the steepest direction is almost pure d
middle = np.abs(x) < 2 * np.pi
assert np.abs(fits[5](x[middle])).max() < 0.2
assert np.abs(fits[9](x[middle])).max() < 0.5 and np.abs(fits[9](x)).max() > 1.2
age_of_universe_seconds = 13.8e9 * 365.25 * 24 * 3600
assert lower_bound_x / 1e9 > 1e3 * age_of_universe_seconds
assert lower_bound_x > 1e30 and 1e9 < condition_u15 < lower_bound_x
assert condition_legendre < eig_u[-1] / eig_u[0]
