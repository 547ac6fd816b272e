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
# # Exercise 3 · Loss functions
#
# Step 9 measures the quality of the cubic with the sum of squared errors. That choice is common but not compulsory, and it shapes both the answer and the path to it. Here you swap in three other losses, derive the gradient each one needs, and see how the fitted cubic and the learning rate change with them.
#
# ## Task
#
# Fit the cubic to the sine with four different losses: the sum of squared errors (Step 9's), the mean of squared errors, the sum of absolute errors (often called L1), and the Huber loss with a threshold of 0.1. For each one, work out by hand how the loss changes with a single prediction $\hat{y}_i$; the gradients for $a$, $b$, $c$ and $d$ then follow from the same chain rule as in Step 9. Start every fit from the same random coefficients, run 2000 iterations, and choose a learning rate that suits each loss, with a reason. Compare the fitted curves, the loss curves, and the final coefficients.
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# Only one line of Step 9's loop depends on the loss: the one that computes `grad_y_polynomial_derived`. Everything after it (the sums with `1`, `x`, `x**2`, `x**3` and the update) stays as it is.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The mean is the sum divided by $N$, and so is its gradient. What learning rate makes the steps equal to Step 9's?
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# The derivative of $\left|r\right|$ is $+1$ for positive $r$ and $-1$ for negative $r$: `np.sign`. For the Huber loss, the derivative is $r$ clipped to the range from $-\delta$ to $\delta$: `np.clip`.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# ### Four losses and their gradients
#
# Write $r_i = \hat{y}_i - y_i$ for the error at point $i$, and $g_i = \frac{\partial L}{\partial \hat{y}_i}$ for the derivative of the loss with respect to that one prediction (in code, `grad_y_polynomial_derived`). Step 9's loss and its derivative are
#
# $$
# L = \sum_{i=1}^{N} (\hat{y}_i - y_i)^2
# $$
#
# $$
# g_i = 2 r_i
# $$
#
# **Mean of squares.** Dividing by the number of points $N$ gives a loss that does not grow when you add more points. The constant factor $\frac{1}{N}$ carries through the derivative:
#
# $$
# L = \frac{1}{N} \sum_{i=1}^{N} (\hat{y}_i - y_i)^2
# $$
#
# $$
# g_i = \frac{2}{N} r_i
# $$
#
# **Absolute error (L1).** Each point contributes the size of its error, without squaring:
#
# $$
# L = \sum_{i=1}^{N} \left|\hat{y}_i - y_i\right|
# $$
#
# The slope of $\left|r\right|$ is $-1$ left of zero and $+1$ right of it, so
#
# $$
# g_i = \text{sign}(r_i)
# $$
#
# At exactly $r_i = 0$ the kink has no slope; `np.sign` returns $0$ there, which is a valid choice.
#
# **Huber loss.** It is quadratic for small errors and linear for large ones, joined smoothly at a threshold $\delta$. For $\left|r\right| \le \delta$ it is
#
# $$
# h(r) = \frac{1}{2} r^2
# $$
#
# and for $\left|r\right| > \delta$ it is
#
# $$
# h(r) = \delta \cdot (\left|r\right| - \frac{\delta}{2})
# $$
#
# and $L = \sum_{i=1}^{N} h(r_i)$. Differentiating each piece gives $r$ inside the threshold and $\delta \cdot \text{sign}(r)$ outside it. Both pieces agree at $\left|r\right| = \delta$, and together they are simply $r$ clipped to the interval from $-\delta$ to $\delta$:
#
# $$
# g_i = \max(-\delta, \min(\delta, r_i))
# $$
#
# ### The rest is Step 9's chain rule
#
# Whatever the loss, the predictions depend on the coefficients in the same way, $\hat{y}_i = a + b x_i + c x_i^2 + d x_i^3$. So the chain rule gives, for example,
#
# $$
# \frac{\partial L}{\partial d} = \sum_{i=1}^{N} g_i x_i^3
# $$
#
# and likewise with $1$, $x_i$ and $x_i^2$ for $a$, $b$ and $c$. In code, the loss function and the line for `grad_y_polynomial_derived` change; the four sums and the update do not.

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
x2 = x**2
x3 = x**3
N = len(x)
delta = 0.1  # Huber threshold

rng = np.random.default_rng(seed=7)
start = rng.standard_normal(4)

# Each loss as a pair: (loss value, derivative with respect to each prediction)
losses_and_gradients = {
    "sum of squares": (lambda y_hat, y: np.square(y_hat - y).sum(), lambda y_hat, y: 2.0 * (y_hat - y)),
    "mean of squares": (lambda y_hat, y: np.square(y_hat - y).mean(), lambda y_hat, y: 2.0 * (y_hat - y) / N),
    "absolute (L1)": (lambda y_hat, y: np.abs(y_hat - y).sum(), lambda y_hat, y: np.sign(y_hat - y)),
    "Huber": (
        lambda y_hat, y: np.where(np.abs(y_hat - y) <= delta, 0.5 * (y_hat - y) ** 2,
                                  delta * (np.abs(y_hat - y) - 0.5 * delta)).sum(),
        lambda y_hat, y: np.clip(y_hat - y, -delta, delta),
    ),
}

# %% [markdown]
# The fitting function is Step 9's loop with the loss and its derivative passed in. It returns the final coefficients, the final predictions and the loss of every iteration.

# %%
def fit(name, learning_rate, iterations=2000):
    loss_function, gradient_function = losses_and_gradients[name]
    a, b, c, d = start
    losses = np.empty(iterations + 1)
    for t in range(iterations + 1):
        y_polynomial_derived = a + b * x + c * x2 + d * x3
        losses[t] = loss_function(y_polynomial_derived, y_sin)
        if t == iterations:
            break
        grad_y_polynomial_derived = gradient_function(y_polynomial_derived, y_sin)
        grad_a = grad_y_polynomial_derived.sum()
        grad_b = (grad_y_polynomial_derived * x).sum()
        grad_c = (grad_y_polynomial_derived * x2).sum()
        grad_d = (grad_y_polynomial_derived * x3).sum()
        a = a - learning_rate * grad_a
        b = b - learning_rate * grad_b
        c = c - learning_rate * grad_c
        d = d - learning_rate * grad_d
    return np.array([a, b, c, d]), y_polynomial_derived, losses


# %% [markdown]
# ### One learning rate does not fit all
#
# The update is `learning_rate * grad`, so what matters is the size of the gradient. Compare how large the per-point derivative $g_i$ is, on average, for the random starting cubic and for the best cubic (the least-squares solution, which is nearly where every fit will end).

# %%
X = np.stack([np.ones_like(x), x, x2, x3], axis=1)
w_best = np.linalg.lstsq(X, y_sin, rcond=None)[0]
y_start, y_best = X @ start, X @ w_best
print(f"{'loss':>16}  {'mean |dL/dy_i|, start':>22}  {'mean |dL/dy_i|, best cubic':>27}")
for name, (_, gradient_function) in losses_and_gradients.items():
    at_start = np.abs(gradient_function(y_start, y_sin)).mean()
    at_best = np.abs(gradient_function(y_best, y_sin)).mean()
    print(f"{name:>16}  {at_start:>22.4g}  {at_best:>27.4g}")

# %% [markdown]
# Three different behaviours show up in the output above, and Huber mixes two of them.
#
# - **Sum of squares**: the derivative is proportional to the error. It is large while the cubic is far off and shrinks as the fit improves, so the steps shrink by themselves near the end. Step 9's learning rate, `1e-6`, is kept here.
# - **Mean of squares**: exactly the same, divided by $N$. To take *the same steps* as Step 9, the learning rate must be $N$ times larger. With $N = 2000$ points that is $2000 \cdot 10^{-6}$, and the two runs are then the same computation up to rounding.
# - **Absolute error**: the derivative is $\pm 1$ at every point, whether the error is huge or tiny. Its size never shrinks, so nothing slows the steps down as the fit improves. They only become small when the $+1$s and $-1$s happen to cancel in the sums, and every overshoot flips some signs and sends the coefficients hopping back. The learning rate sets both the travel speed and the size of those hops, and no formula from the squared loss carries over: it has to be chosen on its own, by trying.
# - **Huber**: in between. The derivative is capped at $\delta$ for large errors (like L1, only smaller) and proportional to the error for small ones (like the squares).
#
# Try three rates for L1, around Step 9's, and compare the loss halfway, at the end, and how much it still varies over the last 100 iterations:

# %%
l1_trials = {}
print(f"{'L1 rate':>8}  {'loss after 1000':>15}  {'loss after 2000':>15}  {'spread, last 100':>16}")
for learning_rate in (3e-7, 1e-6, 3e-6):
    l1_trials[learning_rate] = trial = fit("absolute (L1)", learning_rate)[2]
    print(f"{learning_rate:>8g}  {trial[1000]:>15.6g}  {trial[-1]:>15.6g}"
          f"  {np.ptp(trial[-100:]):>16.3g}")

# %% [markdown]
# The last column of the output above is the spread (largest minus smallest) of the loss over the final 100 iterations. The smallest rate is still descending after 2000 iterations: too slow. The largest rate travels fast but then bounces around at a much higher loss, because each hop is too long to settle into the narrow bottom of the L1 valley. The middle rate has settled by the halfway point and barely moves any more, so it is the one used below.
#
# For Huber there is a cleaner argument. Inside the threshold its per-point loss is $\frac{1}{2} r^2$, half the curvature of Step 9's $r^2$; outside, it has no curvature at all. So its curvature matrix is at most $X^T X$, half of Step 9's $2 X^T X$, and by the reasoning of Exercise 1 every learning rate below $2 / \lambda_{\max}(X^T X)$ is stable. Take 90 % of that bound.

# %%
huber_rate = 0.9 * 2 / np.linalg.eigvalsh(X.T @ X).max()
learning_rates = {"sum of squares": 1e-6, "mean of squares": N * 1e-6,
                  "absolute (L1)": 1e-6, "Huber": huber_rate}
results = {name: fit(name, learning_rate) for name, learning_rate in learning_rates.items()}

short = {"sum of squares": "sum", "mean of squares": "mean", "absolute (L1)": "L1", "Huber": "Huber"}
print("Learning rates: " + ", ".join(f"{rate:.2g} ({short[name]})"
                                    for name, rate in learning_rates.items()))
print(f"{'loss':>15}  {'a':>8}  {'b':>6}  {'c':>8}  {'d':>7}  {'max |err|':>9}  {'median |err|':>12}")
for name, (coefficients, y_polynomial_derived, losses) in results.items():
    error = np.abs(y_polynomial_derived - y_sin)
    a, b, c, d = coefficients
    print(f"{name:>15}  {a:>8.1e}  {b:>6.4f}  {c:>8.1e}  {d:>7.4f}"
          f"  {error.max():>9.4f}  {np.median(error):>12.4f}")

# %% [markdown]
# The first line of the output above repeats the four learning rates. The table confirms that the sum and the mean of squares, with rates $N$ times apart, produce the same coefficients: dividing the loss by $N$ changes its value, not its minimum. The other two losses end at genuinely different cubics. All of them agree that $a$ and $c$ should be near zero, since the sine is odd, but they weigh the errors differently and therefore pick different $b$ and $d$.
#
# The last two columns show the trade-off. L1 has the smallest *typical* (median) error but the largest *worst* error. Squares have the opposite profile, and Huber lies between the two. The figure shows where those errors are.

# %% alt="Error of the fitted cubic minus sin(x) across x from -π to π for four losses: sum of squares, mean of squares (dotted, lying exactly on top of it), absolute (L1) and Huber. All four are wavy curves through zero with the largest errors at the two ends; L1 is closest to zero in the middle and furthest at the ends, and Huber lies between L1 and the squared losses" caption="Squared losses keep the end errors small, L1 accepts larger end errors to hug the sine in the middle, and Huber lands in between."
plt.figure(figsize=(7, 4))
for name, style in zip(results, ["-", ":", "-", "-"]):
    plt.plot(x, results[name][1] - y_sin, style, label=name)
plt.axhline(0, color="black", linewidth=0.5)
plt.xlabel("x")
plt.ylabel("fitted cubic minus sin(x)")
plt.title("Errors of the four fits after 2000 iterations")
plt.legend()
plt.show()

# %% [markdown]
# At this scale all four curves look like the sine, so the figure plots their errors instead. The dotted mean-of-squares line lies exactly on the sum-of-squares line. Every fit makes its largest errors at the two ends of the interval, where a cubic cannot follow the sine's turn back towards zero.
#
# Squared errors punish a large error very hard (an error twice as big costs four times as much), so the squares fit gives up some accuracy in the middle to keep the ends in check. L1 charges every error by its size, so it is content to leave the two ends worse in exchange for hugging the sine more closely across most of the interval. Huber treats the errors above $\delta$ like L1 and the small ones like squares, and ends up in between.
#
# Finally, the loss curves. Their values are not comparable between losses (a mean is $N$ times smaller than a sum, an absolute error is not a squared one), so each is divided by its starting value.

# %% alt="Loss divided by its starting value against iteration over 2000 iterations on a log axis, for the four losses. The sum-of-squares and dotted mean-of-squares curves coincide, plunge within the first few iterations and keep falling to the lowest level. L1 and Huber come down more gently at first and level off much higher; the L1 curve has a ragged, jittery stretch before it settles, while Huber falls smoothly" caption="The two squared losses trace the same relative curve; L1 and Huber start more gently, and L1 jitters while it crosses the kinks of the absolute value."
plt.figure(figsize=(7, 4))
for name, style in zip(results, ["-", ":", "-", "-"]):
    losses = results[name][2]
    plt.semilogy(losses / losses[0], style, label=name)
plt.xlabel("iteration")
plt.ylabel("loss / loss at the start (log scale)")
plt.title("Loss curves, each relative to its own start")
plt.legend()
plt.show()

# %% [markdown]
# The two squared losses trace exactly the same relative curve, as they must. L1 and Huber come down more gently in the first iterations: their per-point gradients are capped, so they cannot take the giant first steps that the squared loss takes while the random cubic is far off. They also end with a smaller relative drop, simply because an absolute error shrinks less than its square when the fit improves.
#
# The L1 curve has a ragged stretch. There the loss goes up and down from one iteration to the next: the coefficients hop back and forth across the kinks of the absolute value, where the gradient of a point jumps from $-1$ to $+1$, until they settle in the bottom of the valley. Huber's gradient changes smoothly, and its curve falls smoothly at every step.
#
# Which loss is "right" depends on what you care about: squared errors for a fit that avoids large misses and has a smooth, easy gradient; absolute errors when a few large errors (outliers, or here the ends) should not drag the whole curve; Huber when you want a bit of both.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims made on this page.

# %%
sum_fit, mean_fit, l1_fit, huber_fit = (results[name] for name in learning_rates)
assert np.allclose(sum_fit[0], mean_fit[0], rtol=1e-9, atol=1e-12)  # same coefficients
assert np.allclose(sum_fit[2] / sum_fit[2][0], mean_fit[2] / mean_fit[2][0], rtol=1e-9)  # same curve
g_sum, g_mean, g_l1, g_huber = (losses_and_gradients[name][1] for name in learning_rates)
assert np.abs(g_sum(y_start, y_sin)).mean() > 100 * np.abs(g_sum(y_best, y_sin)).mean()  # shrinks
assert np.allclose(g_mean(y_start, y_sin) * N, g_sum(y_start, y_sin))
assert np.all(np.abs(g_l1(y_start, y_sin)) == 1) and np.all(np.abs(g_l1(y_best, y_sin)) == 1)
assert np.all(np.abs(g_huber(y_start, y_sin)) <= delta)
assert l1_trials[3e-7][-1] < l1_trials[3e-7][1000] - 1  # smallest rate: still descending
assert l1_trials[3e-6][-1] > 2 * l1_trials[1e-6][-1]  # largest rate: bounces at a higher loss
assert np.ptp(l1_trials[3e-6][-100:]) > 100 * np.ptp(l1_trials[1e-6][-100:])
assert l1_trials[1e-6][1000] - l1_trials[1e-6][-1] < 1e-4 * l1_trials[1e-6][-1]  # settled by 1000
assert abs(huber_rate / (2 * 0.9 * 2 / np.linalg.eigvalsh(2 * X.T @ X).max()) - 1) < 1e-9  # twice the squares' bound
errors = {name: results[name][1] - y_sin for name in results}
max_err = {name: np.abs(e).max() for name, e in errors.items()}
median_err = {name: np.median(np.abs(e)) for name, e in errors.items()}
assert max_err["absolute (L1)"] > max_err["Huber"] > max_err["sum of squares"]  # worst error
assert median_err["absolute (L1)"] < median_err["Huber"] < median_err["sum of squares"]  # typical
for name, e in errors.items():
    assert np.abs(e).argmax() in (0, N - 1)  # largest error at an end of the interval
    a, b, c, d = results[name][0]
    assert abs(a) < 0.01 and abs(c) < 0.01 and 0.8 < b < 0.9 and -0.1 < d < -0.09
assert abs(l1_fit[0][1] - sum_fit[0][1]) > 0.01 and abs(huber_fit[0][1] - sum_fit[0][1]) > 0.01
for name in ("absolute (L1)", "Huber"):  # capped gradients: no giant first step
    assert results[name][2][1] / results[name][2][0] > 0.9 > sum_fit[2][1] / sum_fit[2][0]
    assert results[name][2][-1] / results[name][2][0] > sum_fit[2][-1] / sum_fit[2][0]  # smaller drop
assert np.sum(np.diff(l1_fit[2]) > 0) > 50  # L1: a ragged stretch where the loss also goes up
assert np.all(np.diff(huber_fit[2]) <= 1e-12 * huber_fit[2][:-1])  # Huber: falls at every step
