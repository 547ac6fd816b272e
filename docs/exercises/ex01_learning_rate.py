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
# # Exercise 1 · Learning rate
#
# The learning rate is the one number in Step 9 that you chose by hand. It decides how far each update moves the coefficients along the negative gradient. In this exercise you turn that dial from far too small to far too large, watch what happens to the loss, and then work out exactly where the dial stops being safe, without trial and error.
#
# ## Task
#
# Run the Step 9 loop for 2000 iterations with a range of learning rates, from a rate so small that the cubic barely moves to one so large that the loss explodes. Plot all the loss curves on a logarithmic axis in one figure. For every run that explodes, report the iteration at which the loss first stopped being a finite number, without letting NumPy flood your screen with overflow warnings.
#
# Then find the boundary between the two behaviours by calculation. The loss is a quadratic function of the four coefficients, so its curvature is described by a fixed 4×4 matrix, the Hessian. Compute the largest learning rate that can still converge from that matrix, and confirm it by running just below it and just above it.
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# Put the loop in a function that takes the learning rate as an argument and returns the list of losses. Precompute `x**2` and `x**3` once, outside the loop.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# Wrap the loop in `with np.errstate(over="ignore", invalid="ignore"):` and check `np.isfinite(loss)` at every pass. Stop at the first pass where it is false and remember that pass number.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# Write the predictions as a matrix product $\hat{y} = X w$, where $X$ has the four columns $1, x, x^2, x^3$ and $w = (a, b, c, d)$. The loss $\lVert X w - y \rVert^2$ then has the Hessian $2 X^T X$. Gradient descent is stable only if the learning rate is below $2 / \lambda_{\max}$, where $\lambda_{\max}$ is the largest eigenvalue of that matrix (`np.linalg.eigh` gives them all).
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# Start from Step 9's data and random coefficients. The powers of `x` are computed once, because the loop uses them thousands of times.

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
x2 = x**2
x3 = x**3

rng = np.random.default_rng(seed=7)
start = rng.standard_normal(4)

# %% [markdown]
# The function below is Step 9's loop with three changes: the learning rate is an argument, the losses and coefficients of every pass are kept, and the loop stops at the first loss that is not a finite number. `np.errstate` silences the overflow warnings that an exploding run would print at every step; the `np.isfinite` test replaces them with one clear answer.

# %%
def gradient_descent(learning_rate, iterations=2000):
    """Run Step 9's loop. Return the losses, the coefficients (a, b, c, d) of every
    pass, and the pass at which the loss first became non-finite (None if never)."""
    a, b, c, d = start
    losses, coefficients = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(iterations):
            y_polynomial_derived = a + b * x + c * x2 + d * x3
            loss = np.square(y_polynomial_derived - y_sin).sum()
            if not np.isfinite(loss):
                return np.array(losses), np.array(coefficients), t
            losses.append(loss)
            coefficients.append((a, b, c, d))
            grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
            grad_a = grad_y_polynomial_derived.sum()
            grad_b = (grad_y_polynomial_derived * x).sum()
            grad_c = (grad_y_polynomial_derived * x2).sum()
            grad_d = (grad_y_polynomial_derived * x3).sum()
            a = a - learning_rate * grad_a
            b = b - learning_rate * grad_b
            c = c - learning_rate * grad_c
            d = d - learning_rate * grad_d
    return np.array(losses), np.array(coefficients), None


# %% [markdown]
# Now sweep six learning rates, each roughly three to ten times the previous one. Step 9's own rate, `1e-6`, sits in the middle.

# %%
learning_rates = [1e-8, 1e-7, 1e-6, 3e-6, 1e-5, 3e-5]
runs = {}
for learning_rate in learning_rates:
    losses, coefficients, blew_up_at = gradient_descent(learning_rate)
    runs[learning_rate] = (losses, coefficients, blew_up_at)
    if blew_up_at is None:
        print(f"Learning rate {learning_rate:g}: the loss ended at {losses[-1]:.4g}.")
    else:
        print(
            f"Learning rate {learning_rate:g}: the loss first became non-finite "
            f"at iteration {blew_up_at},"
        )
        print(f"    after climbing to {losses[-1]:.3g}.")

# %% [markdown]
# The output above splits the rates into two groups. The four smaller rates finish with a finite loss, and the larger of them finish lower. The two largest rates never finish: their loss grows until it no longer fits in a 64-bit float, and the larger rate gets there in fewer iterations. The figure shows how each run got where it ended.

# %% alt="Two panels of loss against iteration, log loss axis, for the six learning rates 1e-8, 1e-7, 1e-6, 3e-6, 1e-5 and 3e-5. Left, first 300 iterations up to 1e200: the two largest rates climb as straight lines and leave the top of the panel, the other four stay flat at the bottom. Right, zoom below 1e6 over 2000 iterations: the four smaller rates fall, and each larger rate ends on a lower curve" caption="Too small is slow, too large diverges: the two largest rates explode from the first step, and the largest stable rate converges fastest."
fig, (ax_all, ax_zoom) = plt.subplots(1, 2, figsize=(8.6, 3.4))
for ax, top_limit in ((ax_all, 1e200), (ax_zoom, 1e6)):
    ax.set_yscale("log")
    ax.set_ylim(1, top_limit)  # fixed limits: axes that reach the float limit overflow
    for learning_rate in learning_rates:
        ax.plot(runs[learning_rate][0], label=f"{learning_rate:g}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (log scale)")
ax_all.set_xlim(0, 300)
ax_all.set_yticks([1e0, 1e50, 1e100, 1e150, 1e200])
ax_all.set_title("All runs, first 300 iterations")
ax_zoom.set_title("Zoom on the runs that converge")
ax_zoom.legend(title="learning rate", ncols=2)
plt.tight_layout()
plt.show()

# %% [markdown]
# On a logarithmic axis, growth by the same factor at every step is a straight line. That is exactly what the two exploding runs draw in the left panel, which shows only the first 300 iterations so that you can see their slopes: they climb from the very first iteration at a constant rate and leave the top of the panel on their way to the float limit. There is no slow drift into trouble; the rate is wrong from the start.
#
# The right panel shows the other four. The smallest rate hardly moves the loss at all: after 2000 iterations the cubic is still far from the sine, because every step is tiny. Each tenfold increase buys a much lower curve, and the rate just above Step 9's is the best of the sweep. Somewhere between it and the next rate in the list, something breaks. The sweep alone cannot say where.
#
# ## Where the threshold lies
#
# Collect the four coefficients in a vector $w = (a, b, c, d)$ and the powers of $x$ in a 2000×4 matrix $X$ with columns $1, x, x^2, x^3$. Then the predictions are $\hat{y} = X w$ and the loss is
#
# $$
# L(w) = \sum_{i=1}^{N} (\hat{y}_i - y_i)^2
# $$
#
# which is quadratic in $w$. Its curvature, the Hessian, does not depend on $w$ at all:
#
# $$
# H = 2 X^T X
# $$
#
# Gradient descent treats each eigenvector of $H$ separately. Take an eigenvector with eigenvalue $\lambda$ and write $e_t$ for the signed distance to the optimum along it after $t$ updates. One update multiplies that distance by the same factor every time:
#
# $$
# e_{t+1} = (1 - \eta \lambda) \cdot e_t
# $$
#
# The distance shrinks only when $\left|1 - \eta \lambda\right| < 1$, that is when $\eta < 2 / \lambda$. The direction with the largest eigenvalue is the first to break, so the largest stable learning rate is
#
# $$
# \eta_{\max} = \frac{2}{\lambda_{\max}}
# $$

# %%
X = np.stack([np.ones_like(x), x, x2, x3], axis=1)  # the 2000×4 matrix [1, x, x², x³]
hessian = 2.0 * X.T @ X
eigenvalues, eigenvectors = np.linalg.eigh(hessian)  # ascending order
lambda_max = eigenvalues[-1]
threshold = 2.0 / lambda_max
top = eigenvectors[:, -1] * np.sign(eigenvectors[3, -1])  # make its d component positive

print("Eigenvalues of the Hessian:", ", ".join(f"{v:.4g}" for v in eigenvalues))
print(f"The largest stable learning rate is 2 / λ_max = {threshold:.4g}.")
weights = np.round(top, 3) + 0.0  # adding 0.0 turns -0.0 into 0.0
print("Direction of λ_max as weights on (a, b, c, d):", ", ".join(f"{v:.3f}" for v in weights))
stable = [lr for lr in learning_rates if lr < threshold]
unstable = [lr for lr in learning_rates if lr >= threshold]
print(f"In the sweep, {max(stable):g} is below the threshold and {min(unstable):g} is above it.")

# %% [markdown]
# The threshold printed above falls exactly in the gap the sweep left open: the last rate that converged is below it and the first one that exploded is above it.
#
# The eigenvalues also explain *why* the threshold is so small. They span more than two orders of magnitude, and the largest one belongs to a direction that is almost pure $d$, with a little $b$ mixed in. That makes sense: $x^3$ reaches $\pi^3$ at the ends of the interval, so a small change in $d$ changes the predictions, and the loss, far more than the same change in $a$, $b$ or $c$. The stiffest direction dictates the largest safe step for all four coefficients.
#
# Now test the prediction: run just below the threshold and just above it.

# %% alt="Loss against iteration on a log axis up to 1e200 over 2000 iterations at 0.9 and 1.1 times the threshold 2 / λ_max. The run below the threshold drops at once and stays flat near the bottom; the run above it climbs along a straight line and leaves the top of the plot before the end" caption="Just below 2 / λ_max the loss converges; just above it, the loss grows by a constant factor per step until it overflows."
below, above = 0.9 * threshold, 1.1 * threshold
losses_below, _, blew_up_below = gradient_descent(below)
losses_above, coefficients_above, blew_up_above = gradient_descent(above)

w_best = np.linalg.lstsq(X, y_sin, rcond=None)[0]
best_loss = np.square(X @ w_best - y_sin).sum()
print(f"At 0.9 × threshold ({below:.4g}) the loss fell from {losses_below[0]:.4g} "
      f"to {losses_below[-1]:.6g};")
print(f"the best possible is {best_loss:.6g}.")
print(f"At 1.1 × threshold ({above:.4g}) the loss became non-finite at iteration {blew_up_above}.")

plt.figure(figsize=(7, 4))
plt.yscale("log")
plt.ylim(1, 1e200)
plt.plot(losses_below, label=f"0.9 × threshold = {below:.3g}")
plt.plot(losses_above, label=f"1.1 × threshold = {above:.3g}")
plt.xlabel("iteration")
plt.ylabel("loss (log scale)")
plt.title("Just below and just above 2 / λ_max")
plt.legend()
plt.show()

# %% [markdown]
# Going from 0.9 to 1.1 times the threshold flips the outcome completely. Just below the threshold the loss falls to the best value any cubic can reach on these points, within a tiny margin. Just above it the loss climbs along a straight line on the log axis until it overflows. It climbs more slowly than the sweep's exploding runs, because the growth factor $\left|1 - \eta \lambda_{\max}\right|$ is only slightly above one.
#
# ## What "too big" looks like
#
# The formula says more than "it explodes". When $\eta > 2 / \lambda_{\max}$, the factor $1 - \eta \lambda_{\max}$ is below minus one: each step overshoots the optimum, lands on the other side, further away than before. Look at the coefficients of the run just above the threshold, measured from the best cubic:

# %%
deviation = coefficients_above - w_best  # distance of (a, b, c, d) from the optimum
print("iteration     a - a*       b - b*       c - c*       d - d*")
for t in range(1000, 1006):
    print(f"{t:9d}  " + "  ".join(f"{v:11.3e}" for v in deviation[t]))

growth = abs(deviation[1001, 3] / deviation[1000, 3])
predicted = abs(1 - above * lambda_max)
print(f"Each step multiplies |d - d*| by {growth:.4f}; |1 - η·λ_max| predicts {predicted:.4f}.")
last = deviation[-1] / np.abs(deviation[-1]).max()  # rescale first, so squaring cannot overflow
cosine = abs(last @ top) / np.sqrt(last @ last)
print("Just before the blow-up, the deviation and the λ_max direction")
print(f"have cosine {cosine:.6f}.")

# %% [markdown]
# The table shows the signature of a learning rate that is too big. The error in $d$ flips sign at every iteration and grows by the same factor each time, and that factor is the one the formula predicts. The error in $b$ flips along with it, smaller by the ratio of the two weights in the $\lambda_{\max}$ direction. The errors in $a$ and $c$ are more than ten orders of magnitude smaller than the one in $d$: the $\lambda_{\max}$ direction contains no $a$ and no $c$ at all, and what you see in those columns is rounding noise from sums of enormous numbers. By the end, the runaway error points almost exactly along the eigenvector of the largest eigenvalue: it is an oscillation of the $x^3$ term that feeds on itself.
#
# So the three regimes are:
#
# - **Too small**: every direction shrinks, but so slowly that 2000 iterations are not enough. The smallest rates in the sweep end far above the optimum.
# - **Just right**: below $2 / \lambda_{\max}$, every direction shrinks. The closer you go to the threshold, the faster the slow directions converge, which is why `3e-6`, the largest stable rate of the sweep, did best.
# - **Too big**: above $2 / \lambda_{\max}$, the stiffest direction, mostly $d$, overshoots further at every step. The oscillation grows exponentially and the loss overflows.
#
# For this problem the threshold is set by the cubic term and the interval $[-\pi, \pi]$. On a wider interval $x^3$ is larger, $\lambda_{\max}$ grows, and the safe learning rate shrinks.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims made on this page.

# %%
finite = [lr for lr in learning_rates if runs[lr][2] is None]
exploded = [lr for lr in learning_rates if runs[lr][2] is not None]
assert finite == [1e-8, 1e-7, 1e-6, 3e-6] and exploded == [1e-5, 3e-5]
final = [runs[lr][0][-1] for lr in finite]
assert all(f1 > f2 for f1, f2 in zip(final, final[1:]))  # larger stable rate, lower loss
assert final[0] > 10 * best_loss  # the smallest rate is far from the optimum
assert runs[3e-5][2] < runs[1e-5][2]  # the larger rate explodes sooner
for lr in exploded:
    assert np.all(np.diff(runs[lr][0]) > 0)  # the loss climbs from the very first iteration
assert 3e-6 < threshold < 1e-5  # the threshold lies in the gap of the sweep
assert eigenvalues[-1] / eigenvalues[0] > 100  # eigenvalues span over two orders of magnitude
assert abs(top[3]) > 0.95 and abs(top[3]) > 5 * abs(top[1]) > 0  # λ_max direction: mostly d, some b
assert abs(top[0]) < 1e-6 and abs(top[2]) < 1e-6
assert blew_up_below is None and losses_below[-1] < 1.001 * best_loss  # just below: converges
assert losses_below[-1] < 1e-3 * losses_below[0]
assert blew_up_above is not None and blew_up_above > 1000  # just above: explodes, slowly
assert np.all(np.diff(losses_above) > 0)
signs = np.sign(deviation[1000:1006, 3])
assert np.all(signs[1:] == -signs[:-1])  # d overshoots: the sign flips at every step
assert np.all(np.sign(deviation[1000:1006, 1]) == signs)  # b flips along with it
assert np.all(np.abs(deviation[1000:1006, [0, 2]]) < 1e-10 * np.abs(deviation[1000:1006, [3]]))  # a, c: noise
assert abs(growth - abs(1 - above * lambda_max)) < 1e-3 * growth
assert cosine > 0.9999
steps = runs[1e-5][0][51:201] / runs[1e-5][0][50:200]  # constant growth factor per step ...
assert np.all(np.abs(steps / (1 - 1e-5 * lambda_max) ** 2 - 1) < 0.01)  # ... = (1 - η·λ_max)²
X_wide = np.stack([np.ones_like(x), 2 * x, (2 * x) ** 2, (2 * x) ** 3], axis=1)  # on [-2π, 2π]
assert 2 / np.linalg.eigvalsh(2 * X_wide.T @ X_wide).max() < threshold  # wider interval: smaller rate
