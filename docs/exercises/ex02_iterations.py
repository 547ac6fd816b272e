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
# # Exercise 2 · Iterations
#
# Step 9 stops after 2000 iterations, a number picked because it works well enough. In this exercise you ask what those 2000 iterations actually bought, what more would buy, and how far the result still is from the best cubic these points allow. Along the way you meet the typical shape of a gradient descent run: a dramatic start followed by a long, slow finish.
#
# ## Task
#
# Keep Step 9's learning rate and starting point, but let the loop run for much longer, and keep the loss of every single iteration. Plot how far the loss is above the lowest achievable value, on logarithmic axes. Print a short table of the loss after each thousand iterations, up to ten thousand, together with how much that thousand improved it. Finally, compute the best possible cubic directly and state how far Step 9's 2000 iterations leave you from it, both as a difference in loss and as a percentage.
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# Store the losses in a NumPy array created before the loop, for example `np.empty(iterations + 1)`, so that entry `k` is the loss after `k` updates.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The best cubic is a linear least-squares problem: build the 2000×4 matrix with columns `1, x, x**2, x**3` and call `np.linalg.lstsq(matrix, y_sin, rcond=None)`. Its first return value holds the coefficients.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# To see why the progress slows down, look at the eigenvalues $\lambda$ of the loss's curvature matrix $2 X^T X$. Along each eigenvector, one update multiplies the remaining error by $1 - \eta \lambda$.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# The setup is Step 9's. The only additions are the precomputed powers of `x`, which keep ten thousand passes fast, and an array for the losses.

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
x2 = x**2
x3 = x**3

rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)
learning_rate = 1e-6
iterations = 10_000
losses = np.empty(iterations + 1)  # losses[k] is the loss after k updates

# %% [markdown]
# The loop is Step 9's, with the loss stored instead of printed. It makes one more forward pass than it makes updates, so that the last entry is the loss of the final coefficients.

# %%
for t in range(iterations + 1):
    y_polynomial_derived = a + b * x + c * x2 + d * x3
    loss = np.square(y_polynomial_derived - y_sin).sum()
    losses[t] = loss
    if t == iterations:
        break

    grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
    grad_a = grad_y_polynomial_derived.sum()
    grad_b = (grad_y_polynomial_derived * x).sum()
    grad_c = (grad_y_polynomial_derived * x2).sum()
    grad_d = (grad_y_polynomial_derived * x3).sum()

    a = a - learning_rate * grad_a
    b = b - learning_rate * grad_b
    c = c - learning_rate * grad_c
    d = d - learning_rate * grad_d

print(f"Loss at the start: {losses[0]:.4g}. After {iterations} iterations: {losses[-1]:.10g}.")

# %% [markdown]
# ## The target: the best cubic
#
# Gradient descent approaches the best cubic step by step, but this particular problem can also be solved in one go. The loss is the sum of squared differences between $X w$ and the sine, where $X$ has the columns $1, x, x^2, x^3$ and $w = (a, b, c, d)$. Minimising it is the classic linear least-squares problem, and `np.linalg.lstsq` solves it directly.

# %%
X = np.stack([np.ones_like(x), x, x2, x3], axis=1)
w_best = np.linalg.lstsq(X, y_sin, rcond=None)[0]
best_loss = np.square(X @ w_best - y_sin).sum()
gap = losses - best_loss  # how far above the optimum each iteration is

print("Best cubic: " + ", ".join(f"{name} = {w:.4g}" for name, w in zip("abcd", w_best)))
print(f"Its loss is {best_loss:.6g}.")
print(f"After 2000 iterations, Step 9's loss is {losses[2000]:.6g}:")
print(f"{gap[2000]:.4g} above the optimum, or {100 * gap[2000] / best_loss:.3g} % of it.")

# %% [markdown]
# The output above answers the last question of the task first. The best cubic has (up to rounding) no constant and no $x^2$ term, as you would expect for an odd function like the sine. Step 9's 2000 iterations end within a fraction of a percent of its loss: close enough that the two curves are indistinguishable in a plot, but not at the bottom.
#
# ## What each thousand iterations buys

# %%
print(f"{'iterations':>10}  {'loss':>16}  {'gain from previous 1000':>23}  {'loss - optimum':>14}")
for k in range(1000, iterations + 1, 1000):
    print(f"{k:>10}  {losses[k]:>16.10f}  {losses[k - 1000] - losses[k]:>23.3e}  {gap[k]:>14.3e}")

# %% [markdown]
# Read the table from the top. The first thousand iterations take the loss from the random start down to within a few units of the optimum: that gain is almost the entire distance there was to cover. The second thousand buys a few more units, the third a few hundredths, and from then on each thousand buys only a small, nearly constant fraction of what the previous one did. You will see below where that fraction comes from.
#
# The last rows are at the limit of what a 64-bit float can resolve: the loss is a sum of 2000 squares, and it agrees with the optimum in all but the last one or two digits a float can hold. Running the loop longer, say to twenty thousand iterations, would only add rows of rounding noise. For practical purposes, two or three thousand iterations are plenty for this problem; everything after that polishes digits nobody will see.
#
# ## The shape of the curve
#
# Plot the distance to the optimum twice: on log-log axes, which stretch out the first iterations, and with only the loss axis logarithmic, which shows the long tail. Values below a small floor are left out, because there the subtraction `losses - best_loss` only measures rounding.

# %% alt="Two panels of the loss minus the least-squares optimum over a 10000-iteration run, both with a log loss axis. Left, log-log axes: the gap collapses over the first few dozen iterations, bends into a slowly sloping shoulder, then plunges at the right edge. Right, linear iteration axis: after a near-vertical drop at the start, the gap falls along a straight line until it reaches rounding noise, where the curve ends" caption="Fast start, slow finish: after the first few dozen iterations the gap shrinks by the same factor in every iteration."
floor = 1e-12 * best_loss  # below this, loss - optimum is rounding noise
shown = np.where(gap > floor, gap, np.nan)  # NaN points are simply not drawn
k = np.arange(iterations + 1)
fig, (ax_loglog, ax_semilog) = plt.subplots(1, 2, figsize=(10, 4))
ax_loglog.loglog(k[1:], shown[1:], label="loss - optimum")
ax_loglog.set_title("Log-log axes: the fast start")
ax_semilog.semilogy(k, shown, label="loss - optimum")
ax_semilog.set_title("Log loss axis only: the slow finish")
for ax in (ax_loglog, ax_semilog):
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss above the optimum")
    ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# The left panel shows the first few iterations: the distance to the optimum collapses by orders of magnitude within a few dozen iterations, then the curve bends sharply and flattens. Its plunge at the right edge is an effect of the logarithmic iteration axis, which squeezes thousands of iterations into a narrow strip. The right panel shows the run at its real pace. After the first few dozen iterations the curve is almost a straight line, and on a logarithmic axis a straight line means the distance shrinks by the same *factor* in every iteration. That is why each thousand buys a fixed fraction of the previous thousand's gain.
#
# ## Why fast, then slow
#
# The loss is quadratic in $(a, b, c, d)$, so gradient descent treats each eigenvector of the curvature matrix $H = 2 X^T X$ on its own. Take an eigenvector with eigenvalue $\lambda$ and write $e_t$ for the remaining error along it after $t$ updates. Every update multiplies that error by the same number:
#
# $$
# e_{t+1} = (1 - \eta \lambda) \cdot e_t
# $$
#
# and the loss above the optimum, which is quadratic in the error, shrinks by the square of that factor. The cell below computes the four factors and how many iterations each direction needs to shrink its error tenfold.

# %%
eigenvalues, eigenvectors = np.linalg.eigh(2.0 * X.T @ X)  # ascending eigenvalues
factors = 1 - learning_rate * eigenvalues
tenfold = np.log(10) / -np.log(np.abs(factors))
print(f"{'λ':>10}  {'factor per iteration':>20}  {'iterations to shrink tenfold':>28}")
for lam, f, n in zip(eigenvalues, factors, tenfold):
    print(f"{lam:10.4g}  {f:20.6f}  {n:28.1f}")

slowest = factors[0] ** 2000  # loss factor per 1000 iterations (squared, over 1000 steps)
second = factors[1] ** 2000
ratios = gap[3000:8001:1000] / gap[2000:7001:1000]
print(f"Condition number λ_max / λ_min = {eigenvalues[-1] / eigenvalues[0]:.0f}.")
print("Per thousand iterations, the two slow directions shrink the loss")
print(f"by factors {second:.4f} and {slowest:.4f}.")
print("Measured shrink factors of loss - optimum, thousand by thousand,")
print("from 3000 to 8000 iterations:", ", ".join(f"{r:.4f}" for r in ratios))

# %% [markdown]
# The output above tells the whole story. The two largest eigenvalues belong to stiff directions, dominated by $d$ and by $c$, the coefficients of the big powers of $x$. Their factors are far below one, so their part of the error disappears within a few iterations, or a few dozen. That is the cliff in the left panel.
#
# The two smallest eigenvalues belong to soft directions, dominated by $b$ and by $a$. Their factors are barely below one, so each iteration removes only a sliver of their error, and they need over a thousand iterations per tenfold reduction. After the fast directions have finished, the soft ones are all that is left, and they set the pace: the measured shrink factors lie between the values predicted for the two slow directions, drifting towards the slowest one as the other fades too.
#
# This is the general lesson. Gradient descent with one learning rate must keep that rate below the limit set by the stiffest direction, and with that rate the softest direction crawls. The ratio of the largest to the smallest eigenvalue, the *condition number*, decides how long the slow finish lasts. The output above shows that here it is in the hundreds, which is why the run needs thousands of iterations rather than tens.
#
# How many iterations does it take to get within a given distance of the optimum?

# %%
for percent in (10, 1, 0.1, 0.01):
    needed = np.argmax(gap <= percent / 100 * best_loss)  # first iteration that qualifies
    print(f"Within {percent:g} % of the optimal loss after {needed} iterations.")

# %% [markdown]
# Every extra digit of accuracy costs roughly the same number of iterations, a few hundred. That constant price per digit is what a straight line on the semilog plot means. Step 9's 2000 iterations land between the 1 % and the 0.1 % marks, as the gap printed earlier already said.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims made on this page.

# %%
relative_gap_2000 = gap[2000] / best_loss
assert 0.001 < relative_gap_2000 < 0.01  # 2000 iterations: within 1 %, not within 0.1 %
assert abs(w_best[0]) < 1e-10 and abs(w_best[2]) < 1e-10  # no constant and no x^2 term
assert np.all(np.diff(losses[:5001]) < 0)  # every iteration lowers the loss
assert losses[0] - losses[1000] > 0.9999 * (losses[0] - best_loss)  # first 1000: almost everything
assert 1 < gap[1000] < 10 and 1 < losses[1000] - losses[2000] < 10  # "a few units"
assert 0.01 < losses[2000] - losses[3000] < 0.1  # "a few hundredths"
gains = np.array([losses[k - 1000] - losses[k] for k in range(1000, 8001, 1000)])
assert np.all(gains[1:] < gains[:-1])  # each further thousand buys less
assert np.all((gains[2:] / gains[1:-1] > 0.01) & (gains[2:] / gains[1:-1] < 0.04))  # small fraction
assert gap[-1] < 1e-13 * best_loss  # at the end: agreement to about 15 digits
assert losses[0] / losses[30] > 100  # the cliff: orders of magnitude in a few dozen iterations
assert np.all(tenfold[2:] < 30) and np.all(tenfold[:2] > 1000)  # fast and slow directions
assert np.all((ratios > 0.95 * second) & (ratios < 1.05 * slowest))  # slow directions set the pace
assert np.all(np.diff(ratios) > 0)  # drifting towards the slowest factor
assert list(np.argmax(np.abs(eigenvectors), axis=0)) == [0, 1, 2, 3]  # a, b, c, d dominate
assert 100 < eigenvalues[-1] / eigenvalues[0] < 1000  # condition number in the hundreds
needed = [np.argmax(gap <= p / 100 * best_loss) for p in (1, 0.1, 0.01)]
assert needed[0] < 2000 < needed[1]  # Step 9 lands between the 1 % and 0.1 % marks
assert all(200 < n2 - n1 < 1000 for n1, n2 in zip(needed, needed[1:]))  # a few hundred per digit
