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
# # Exercise 4 · Print and plot every 100 iterations
#
# Step 9 prints only the loss, so you see that the fit improves but not *how*. In this exercise you open the loop up: you watch the four coefficients change, and you look at the cubic itself at several moments of the run. The coefficients turn out to move on very different schedules, and the reason tells you a lot about gradient descent.
#
# ## Task
#
# Run Step 9's loop for 2000 iterations. Every 100 iterations, print the iteration number, the four coefficients and the loss as one row of a neatly aligned table with a header. Then draw a grid of small plots, each showing the sine and the cubic at one moment of the run, titled with the iteration and the loss. Finally, plot the four coefficients against the iteration number in one figure. Which coefficient settles first, which one last, and why?
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# An f-string can pad and round at once: `f"{b:>10.5f}"` prints `b` right-aligned in 10 characters with 5 decimals. Use the same widths for the header, for example `f"{'b':>10}"`.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# Store the coefficients of *every* iteration in an array of shape `(2001, 4)`. The table, the snapshots and the coefficient plot can all be made from it, and the snapshots need no extra runs: rebuild each cubic from its stored coefficients.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# `fig, axes = plt.subplots(2, 3, figsize=(8.2, 4.4), sharex=True, sharey=True)` gives a 2×3 grid; loop over `axes.flat`. Fix the vertical range with `set_ylim`, or the first, wildly wrong cubic will squash all the others.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# The setup is Step 9's, plus the precomputed powers of `x` and an array that will hold the coefficients and the loss after every update.

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
iterations = 2000
history = np.empty((iterations + 1, 5))  # row k: a, b, c, d and the loss after k updates
print(f"Start: a = {a:.5f}, b = {b:.5f}, c = {c:.5f}, d = {d:.5f}")

# %% [markdown]
# The loop prints one row every 100 iterations, right where it already computes the loss. The header is printed once, before the loop, with the same column widths as the rows.

# %%
print(f"{'iteration':>9}  {'a':>9}  {'b':>9}  {'c':>9}  {'d':>9}  {'loss':>10}")
for t in range(iterations + 1):
    y_polynomial_derived = a + b * x + c * x2 + d * x3
    loss = np.square(y_polynomial_derived - y_sin).sum()
    history[t] = a, b, c, d, loss
    if t % 100 == 0 and t > 0:
        print(f"{t:>9}  {a:>9.5f}  {b:>9.5f}  {c:>9.5f}  {d:>9.5f}  {loss:>10.4f}")
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

# %% [markdown]
# Compare the first row of the table with the starting values printed above it. After only 100 iterations, $d$ and $c$ have already made most of their journey: $d$ has shrunk from a large negative number to a small one, and $c$ is almost zero. Most of the loss is gone too.
#
# The rest of the table is mainly a story about $b$, which climbs in every row, by smaller and smaller amounts, with $d$ following it slowly down and $a$ draining slowly towards zero. The loss column falls in step with them. By the last rows, every column changes only in its later decimals.
#
# ## Snapshots of the fit
#
# Because the table starts at iteration 100, it misses the most dramatic part of the run. The snapshots below include a few very early iterations. Each cubic is rebuilt from the stored coefficients.

# %% alt="Six panels in a 2 by 3 grid showing sin(x) and the current cubic on x from -π to π, with y fixed between -2.5 and 2.5, at iterations 0, 2, 10, 100, 500 and 2000, the loss in each title. At iteration 0 the cubic runs steeply off the top and bottom of the frame; within a few updates it is tame, by iteration 100 it is too flat, and by iteration 2000 it almost lies on the sine" caption="Most of the shape is fixed in the first ten updates; the remaining flatness is corrected slowly over the following thousands."
snapshots = [0, 2, 10, 100, 500, 2000]
fig, axes = plt.subplots(2, 3, figsize=(8.2, 4.4), sharex=True, sharey=True)
for ax, k in zip(axes.flat, snapshots):
    a_k, b_k, c_k, d_k, loss_k = history[k]
    ax.plot(x, y_sin, label="sin(x)")
    ax.plot(x, a_k + b_k * x + c_k * x2 + d_k * x3, label="cubic")
    ax.set_title(f"iteration {k}, loss {loss_k:.4g}", fontsize=10)
    ax.set_ylim(-2.5, 2.5)
for ax in axes[1]:
    ax.set_xlabel("x")
for ax in axes[:, 0]:
    ax.set_ylabel("y")
axes[0, 0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# At iteration 0 the random cubic is dominated by its large, negative $x^3$ term: it runs off the top and bottom of the frame in the wrong direction. Two updates later it is already much tamer, and by iteration 10 it has the right general tilt, but both of its ends droop below the sine, because $c$ is still clearly negative. At iteration 100 the droop is gone and the cubic is simply too flat, because $b$ is too small. The last two snapshots show that flatness being corrected slowly, until the cubic follows the sine closely.
#
# ## The coefficients over time
#
# The table shows only every hundredth iteration; the stored history has all of them. A logarithmic iteration axis gives the first few iterations as much room as the last thousand. (It is a "symlog" axis, which is linear between 0 and 1 so that iteration 0 fits on it.) The dashed lines mark the coefficients of the best possible cubic, from `np.linalg.lstsq`.

# %% alt="The coefficients a, b, c and d against iteration on a symlog axis from 0 to 2000, each with a dashed horizontal line at its least-squares value. d jumps up within the first few iterations and then settles back onto its dashed line, c climbs to its line over tens of iterations, and b rises last and slowest, reaching its line only near the end; a stays close to zero throughout" caption="The coefficients take turns: d makes the biggest early jump, but c settles first, then a and d, and b crawls towards its optimum last."
X = np.stack([np.ones_like(x), x, x2, x3], axis=1)
w_best = np.linalg.lstsq(X, y_sin, rcond=None)[0]
plt.figure(figsize=(7, 4))
for i, name in enumerate("abcd"):
    line = plt.plot(history[:, i], label=name)[0]
    plt.axhline(w_best[i], color=line.get_color(), linestyle="--", linewidth=0.8)
plt.xscale("symlog", linthresh=1)
plt.xlim(0, iterations)
plt.xlabel("iteration (symlog scale)")
plt.ylabel("coefficient value")
plt.title("The four coefficients during gradient descent")
plt.legend()
plt.show()

# %% [markdown]
# The coefficients take turns. To make that precise, the next cell reports, for each coefficient, where it stood after 10 and 100 iterations and from which iteration on it stays within 0.01 of its final value.

# %%
final = history[-1, :4]
print(f"{'coef':>4}  {'start':>8}  {'after 10':>8}  {'after 100':>9}  {'final':>8}  {'settled from':>12}")
for i, name in enumerate("abcd"):
    far = np.abs(history[:, i] - final[i]) >= 0.01
    settled_from = np.nonzero(far)[0].max() + 1  # first iteration after the last "far" one
    print(f"{name:>4}  {history[0, i]:8.4f}  {history[10, i]:8.4f}  {history[100, i]:9.4f}"
          f"  {final[i]:8.4f}  {settled_from:12d}")

# %% [markdown]
# In the output above, the last column is the iteration from which on each coefficient stays within 0.01 of its final value: $c$ settles first, then $a$ and $d$, and $b$ last. Together with the figure, the output shows three different schedules.
#
# - **$d$ moves first and most.** Within a handful of iterations it leaps from its random start almost to zero, even a little past its final value, and then creeps back down together with $b$. The reason is the size of $x^3$: at the ends of the interval it reaches $\pi^3$, so the gradient for $d$ is huge while the cubic's $x^3$ term is wrong. A step of the same learning rate therefore moves $d$ far more than any other coefficient.
# - **$c$ settles first.** The $x^2$ term is the next largest, so $c$ gets the next largest pushes and is done within the first hundred iterations. Nothing later disturbs it, because $c$ should be zero for an odd function, and the odd terms ($b$, $d$) do not interact with the even ones ($a$, $c$): their products summed over the symmetric interval cancel.
# - **$b$ settles last, $a$ makes a detour.** The terms $1$ and $x$ are small, so their gradients are small and $b$ and $a$ crawl. $b$ must travel a long way, and it is still moving at the end of the run: that is why the final fit is close to, but not exactly, the best cubic. $a$ is first dragged upwards while $c$ corrects the droop (the constant and $x^2$ both lift the whole curve, so their corrections overlap), then drains back towards zero just as slowly as $b$ climbs.
#
# So it is not that some coefficients are more important than others: the large powers of $x$ give their coefficients a strong lever on the loss, and a single learning rate makes strong levers move fast and weak levers move slowly. The slow ones set the length of the run.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims made on this page.

# %%
a_h, b_h, c_h, d_h, loss_h = history.T
settled = {}
for i, name in enumerate("abcd"):
    settled[name] = np.nonzero(np.abs(history[:, i] - final[i]) >= 0.01)[0].max() + 1
assert settled["c"] < 100 and settled["c"] == min(settled.values())  # c settles first, within 100
assert settled["b"] == max(settled.values()) and settled["b"] > 1000  # b settles last
assert abs(d_h[5] - d_h[0]) > 0.9 * abs(d_h[-1] - d_h[0])  # d: most of its move within 5 iterations
assert d_h[5] > d_h[-1] and np.all(np.diff(d_h[100:]) < 0)  # past its final value, then creeps down
assert abs(d_h[0]) > 0.5 and abs(d_h[100]) < 0.05  # from a large negative number to a small one
assert abs(c_h[100]) < 0.01 and abs(c_h[0]) > 0.1 and c_h[10] < -0.05  # c: gone by 100, droops at 10
cubic_10 = X @ history[10, :4]
assert cubic_10[0] < y_sin[0] - 0.5 and cubic_10[-1] < y_sin[-1] - 0.5  # both ends droop
assert np.all(np.diff(b_h) > 0)  # b climbs in every iteration...
b_steps = np.diff(b_h[100::100])
assert np.all(b_steps[1:] < b_steps[:-1])  # ...by smaller and smaller amounts per 100
assert abs(b_h[-1] - b_h[-101]) > 1e-3  # still moving at the end
assert b_h[100] < 0.65 * w_best[1]  # at 100 the cubic is too flat
assert a_h[50] > 20 * max(abs(a_h[0]), abs(w_best[0])) and np.all(np.diff(a_h[100:]) < 0)  # a's detour
assert loss_h[100] < 1e-3 * loss_h[0]  # most of the loss is gone after 100 iterations
assert np.all(np.diff(loss_h) < 0)  # the loss falls in every row (and every iteration)
cubic_0, cubic_2 = X @ history[0, :4], X @ history[2, :4]
assert np.abs(cubic_0).max() > 2.5 and np.any(cubic_0 * y_sin < -1)  # off the frame, wrong direction
assert np.abs(cubic_2).max() < 0.5 * np.abs(cubic_0).max()  # two updates later: much tamer
assert np.max(np.abs(a_h[-1] + b_h[-1] * x + c_h[-1] * x2 + d_h[-1] * x3 - y_sin)) < 0.25  # close fit
assert abs(np.sum(x * x2)) < 1e-9 and abs(np.sum(x2 * x3)) < 1e-9 and abs(np.sum(x3)) < 1e-9  # odd-even
assert abs(loss_h[-1] - np.square(X @ w_best - y_sin).sum()) < 0.01 * loss_h[-1]  # close, not exact
assert loss_h[-1] > np.square(X @ w_best - y_sin).sum()
