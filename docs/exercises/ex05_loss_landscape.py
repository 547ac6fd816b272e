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
# # Exercise 5 · Loss against the parameters
#
# The loss is a function of the four coefficients, so you can draw it as a landscape and watch gradient
# descent walk across it. Two coefficients fit on a contour map, and the pair $b$ and $d$ (the coefficients
# of $x$ and $x^3$) tells the most interesting story: a long, narrow valley that explains why the Step 9 loop
# needs thousands of iterations.
#
# ## Task
#
# Run the Step 9 loop and keep $(b, d)$ after every update. Hold $a$ and $c$ at their final values, compute
# the loss on a grid of $(b, d)$ pairs, and draw it as a contour plot with the path of gradient descent on
# top, start and end marked. Then explain the shape with numbers: the second derivatives of the loss with
# respect to $b$ and $d$ (the Hessian block), its eigenvalues, their ratio and the direction of the valley.
# Why does the path first fall fast and then creep?
#
# ## Hints
#
# <details><summary>Hint 1</summary>
#
# The loss is quadratic in the coefficients. Expand the square once and every grid point needs only a few
# precomputed sums such as $\sum x_i^2$, $\sum x_i^4$, $\sum x_i^6$ and $\sum x_i y_i$.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The loss spans several orders of magnitude across the grid. Contour levels spaced evenly on a log scale
# (for example `np.geomspace`) show both the steep walls and the flat valley floor.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# The Hessian of $L = \sum_{i=1}^{N} (\hat{y}_i - y_i)^2$ is $2 X^T X$, where the columns of $X$ are
# $1, x, x^2, x^3$. Keep only the rows and columns that belong to $b$ and $d$ (the columns $x$ and $x^3$
# of $X$), and use `np.linalg.eigh`.
#
# </details>
#
# <details><summary>Hint 4</summary>
#
# Along an eigenvector with eigenvalue $\lambda$, one update multiplies the distance to the optimum by
# $1 - \eta \lambda$, where $\eta$ is the learning rate.
#
# </details>

# %% [markdown]
# ## Solution
# Try the task yourself before reading on.
#
# This is the Step 9 program, except that the loop records $(b, d)$ after every update (and before the
# first) and keeps every loss value.

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)

rng = np.random.default_rng(seed=7)
a, b, c, d = rng.standard_normal(4)

# %% [markdown]
# The loop itself, with two extra lists:

# %%
learning_rate = 1e-6
path = [(b, d)]
losses = []
for t in range(2000):
    y_polynomial_derived = a + b * x + c * x**2 + d * x**3
    loss = np.square(y_polynomial_derived - y_sin).sum()
    losses.append(loss)

    grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
    grad_a = grad_y_polynomial_derived.sum()
    grad_b = (grad_y_polynomial_derived * x).sum()
    grad_c = (grad_y_polynomial_derived * x**2).sum()
    grad_d = (grad_y_polynomial_derived * x**3).sum()

    a = a - learning_rate * grad_a
    b = b - learning_rate * grad_b
    c = c - learning_rate * grad_c
    d = d - learning_rate * grad_d
    path.append((b, d))

path = np.array(path)
final_loss = np.square(a + b * x + c * x**2 + d * x**3 - y_sin).sum()
print(f"Start: b = {path[0, 0]:.4f}, d = {path[0, 1]:.4f}; end: b = {b:.4f}, d = {d:.4f}")
print(f"Loss after 2000 updates: {final_loss:.4f}")

# %% [markdown]
# For comparison, the best possible cubic comes from least squares. Its $(b, d)$ is the bottom of the
# landscape you are about to draw.

# %%
X = np.stack([np.ones_like(x), x, x**2, x**3], axis=1)
coefficients_best, *_ = np.linalg.lstsq(X, y_sin, rcond=None)
loss_best = np.square(X @ coefficients_best - y_sin).sum()
b_best, d_best = coefficients_best[1], coefficients_best[3]
print(f"Least-squares optimum: b = {b_best:.4f}, d = {d_best:.4f}, loss = {loss_best:.4f}")

# %% [markdown]
# ### The landscape from a few sums
#
# With $a$ and $c$ fixed, write $r_i = a + c x_i^2 - y_i$ for the part of the error that does not depend on
# $b$ and $d$. Expanding the square gives a constant, a part $P$ that is linear in $b$ and $d$, and a
# quadratic part $Q$:
#
# $$
# L(b, d) = \sum r_i^2 + P + Q
# $$
#
# $$
# P = 2 b \sum r_i x_i + 2 d \sum r_i x_i^3
# $$
#
# $$
# Q = b^2 \sum x_i^2 + 2 b d \sum x_i^4 + d^2 \sum x_i^6
# $$
#
# So six numbers describe the whole surface, and a 400 by 400 grid costs a few array operations.

# %%
r = a + c * x**2 - y_sin
S_rr, S_rx, S_rx3 = (r * r).sum(), (r * x).sum(), (r * x**3).sum()
S_x2, S_x4, S_x6 = (x**2).sum(), (x**4).sum(), (x**6).sum()


def landscape(B, D):
    """Loss at coefficients (a, B, c, D) for arrays B and D, from the precomputed sums."""
    return (S_rr + 2 * B * S_rx + 2 * D * S_rx3
            + B**2 * S_x2 + 2 * B * D * S_x4 + D**2 * S_x6)


b_grid = np.linspace(-0.3, 1.5, 400)
d_grid = np.linspace(-1.05, 0.25, 400)
B, D = np.meshgrid(b_grid, d_grid)
L = landscape(B, D)
print(f"Across the grid the loss runs from {L.min():.4g} to {L.max():.4g}.")
# The exact bottom of this slice: where both partial derivatives of the quadratic are zero
b_slice, d_slice = np.linalg.solve([[S_x2, S_x4], [S_x4, S_x6]], [-S_rx, -S_rx3])
slice_min = landscape(b_slice, d_slice)
print(f"Exact minimum of this slice: {slice_min:.4f} (least squares: {loss_best:.4f}).")
print(f"Grid spacing: {b_grid[1] - b_grid[0]:.4f} in b, {d_grid[1] - d_grid[0]:.4f} in d.")

# %% [markdown]
# The contour levels below are spaced on a log scale above the lowest value on the grid, so each line
# means "a fixed factor more loss than the valley floor". The path is the one from the loop above.

# %% alt="Contour lines of the loss over b (horizontal) and d (vertical) with a log-spaced colour bar, forming a long narrow valley that runs almost along the b axis, tilted slightly downwards. The gradient descent path starts at a circle low on the plot, rises almost straight up in d to the valley floor, turns sharply and runs along the floor to a black square just short of the star that marks the least-squares optimum" caption="Gradient descent drops straight into the narrow valley, then crawls along its floor towards the optimum."
levels = L.min() + np.geomspace(0.01, L.max() - L.min(), 12)
fig, ax = plt.subplots(figsize=(6.5, 4.4))
level_colors = plt.cm.viridis(np.linspace(0, 0.9, len(levels)))
contours = ax.contour(B, D, L, levels=levels, colors=level_colors, linewidths=0.8)
fig.colorbar(contours, ax=ax, label="loss", format="%.3g", shrink=0.8)
ax.plot(path[:, 0], path[:, 1], color="crimson", linewidth=1.5, label="gradient descent path")
ax.plot(*path[0], "o", color="crimson", markersize=8, label="start")
ax.plot(*path[-1], "s", color="black", markersize=7, label="end (2000 updates)")
ax.plot(b_best, d_best, "*", color="orange", markersize=12, label="least-squares optimum")
ax.set_aspect("equal")
ax.set_xlabel("b (coefficient of x)")
ax.set_ylabel("d (coefficient of x³)")
ax.set_title("Loss over (b, d) with a and c at their final values")
ax.legend(loc="lower right", fontsize=8)
plt.show()

# %% [markdown]
# The surface is a long, narrow valley that runs almost along the $b$ axis, tilted slightly downwards.
# Gradient descent does not head for the star. From the start point it moves almost straight up the plot,
# raising $d$ while $b$ hardly changes, until it reaches the valley floor. There it turns and walks along
# the floor towards the optimum. The black square sits in the valley a little short of the star, so close
# that the two markers overlap at this scale (the zoom further down separates them).
#
# The output before the figure holds a small puzzle: the lowest loss on the grid is clearly above the
# least-squares loss. It is not because $a$ and $c$ in this slice are still a hair away from their own
# optimum: that costs very little, as the exact minimum of the slice, computed from the quadratic, is almost
# the least-squares loss. The gap comes from the grid, whose spacing is printed there too. The valley is so
# narrow that across it the loss rises steeply within a fraction of one grid spacing, so even the grid
# points nearest the floor sit partway up a wall and miss the bottom. The Hessian below shows how steep
# those walls are.
#
# Drawing a moving path on a fixed slice is exact here, not an approximation. The gradients for $b$ and $d$
# involve $a$ and $c$ only through $\sum x_i$, $\sum x_i^3$ and $\sum x_i^5$ ($c$ enters the gradient for
# $d$ through $\sum x_i^5$), and all three vanish because the sample points $x_i$ are symmetric about zero (see below). So the $(b, d)$ path
# never depended on $a$ and $c$, and fixing them only shifts the landscape by a constant.

# %%
print(f"Sum of x: {x.sum():.2e}, sum of x³: {(x**3).sum():.2e}, sum of x⁵: {(x**5).sum():.2e}")
print(f"For scale, sum of |x³|: {np.abs(x**3).sum():.4g}, sum of |x⁵|: {np.abs(x**5).sum():.4g}")

# %% [markdown]
# ### Why a valley: the Hessian block
#
# The second derivatives of the loss with respect to $b$ and $d$ form a $2 \times 2$ block $H$. Its
# diagonal entries are $H_{bb} = \partial^2 L / \partial b^2$ and $H_{dd} = \partial^2 L / \partial d^2$,
# and both off-diagonal entries are $H_{bd} = \partial^2 L / (\partial b \, \partial d)$:
#
# $$
# H_{bb} = 2 \sum_{i=1}^{N} x_i^2
# $$
#
# $$
# H_{bd} = 2 \sum_{i=1}^{N} x_i^4
# $$
#
# $$
# H_{dd} = 2 \sum_{i=1}^{N} x_i^6
# $$
#
# Its eigenvectors are the axes of the elliptical contours and its eigenvalues are the curvatures along
# them.

# %%
H_block = 2 * np.array([[S_x2, S_x4], [S_x4, S_x6]])
eigenvalues, eigenvectors = np.linalg.eigh(H_block)
lambda_min, lambda_max = eigenvalues
valley = eigenvectors[:, 0] * np.sign(eigenvectors[0, 0])  # flat direction, pointing towards +b
angle = np.degrees(np.arctan2(valley[1], valley[0]))
correlation = S_x4 / np.sqrt(S_x2 * S_x6)
print("Hessian block for (b, d):")
print(np.array2string(H_block, precision=1, suppress_small=True))
print(f"Eigenvalues: {lambda_min:.4g} and {lambda_max:.4g}; condition number {lambda_max / lambda_min:.4g}")
print(f"The valley runs at {angle:.2f} degrees to the b axis.")
print(f"Correlation between the columns x and x³: {correlation:.4f}")

# %% [markdown]
# The two curvatures differ by the factor printed above: the walls are that much steeper than the floor.
# The reason is in the last line. On $[-\pi, \pi]$ the functions $x$ and $x^3$ look alike: both are odd,
# both rise from left to right, and their correlation is close to 1. Adding a bit of $b$ and removing a bit
# of $d$ changes the cubic very little, so the loss hardly changes along that combination. That direction
# is the valley floor. The perpendicular direction, dominated by $d$, multiplies values up to
# $\pi^3$ and changes the loss quickly: those are the walls. The valley leans slightly off the $b$ axis
# (the angle above) because $\sum x_i^4$ couples the two coefficients.
#
# ### Why fast, then slow
#
# Along an eigenvector with eigenvalue $\lambda$, one update multiplies the distance to the optimum by
# $1 - \eta \lambda$. Compare the two factors.

# %%
factor_steep = 1 - learning_rate * lambda_max
factor_flat = 1 - learning_rate * lambda_min
print(f"Per update, the steep component is multiplied by {factor_steep:.4f},")
print(f"the flat one by {factor_flat:.5f}.")
print(f"Updates to shrink by a factor of 10: steep {np.log(0.1) / np.log(abs(factor_steep)):.3g}, "
      f"flat {np.log(0.1) / np.log(factor_flat):.4g}.")
print(f"Learning-rate ceiling 2 / lambda_max: {2 / lambda_max:.3g} (the loop uses {learning_rate:g}).")

# %% [markdown]
# A few updates kill the steep component: that is the fast drop to the valley floor. The flat component
# shrinks by a fraction of a percent per update, so the walk along the floor takes thousands of updates.
# You cannot simply raise the learning rate: the steep direction sets the ceiling printed last, and above it
# the steep component would flip sign and grow at every update. The next figure checks this against the run
# by splitting the distance to the optimum into its two eigen-components.

# %% alt="Distance to the optimum against update on a log axis, split into two components over 2000 updates. The steep-direction component collapses within a few dozen updates to rounding noise far below; the valley-floor component falls along a gentle straight line, exactly on top of the dotted prediction (1 − η λ_min)^t" caption="The steep component dies almost at once, while the valley-floor component shrinks by the same small factor at every update, as predicted."
offsets = path - np.array([b_best, d_best])
steep = np.abs(offsets @ eigenvectors[:, 1])
flat = np.abs(offsets @ eigenvectors[:, 0])
steps = np.arange(len(path))
plt.figure(figsize=(6.5, 3.8))
plt.semilogy(steps, steep, label="distance along the steep direction")
plt.semilogy(steps, flat, label="distance along the valley floor")
plt.semilogy(steps, flat[0] * factor_flat**steps, "k:", label="prediction (1 − η λ_min)^t")
plt.xlabel("update t")
plt.ylabel("distance to the optimum")
plt.title("The two components of the error in (b, d)")
plt.legend()
plt.show()
flat_ratio = flat[-1] / (flat[0] * factor_flat**2000)
print(f"After 2000 updates the flat component is {flat[-1]:.3g};")
print(f"measured / predicted = {flat_ratio:.6f}.")

# %% [markdown]
# The steep component collapses within a few dozen updates and bottoms out at rounding noise. The flat one
# follows the dotted prediction exactly and after 2000 updates has still not reached zero. That leftover
# distance along the valley is why the run ends slightly above the least-squares loss.
#
# ### A closer look near the optimum
#
# Zooming in on the end of the path shows the last part of the crawl.

# %% alt="Zoomed contour lines around the least-squares optimum in the (b, d) plane: nested, tilted ellipses with a colour bar. The gradient descent path comes in from the upper left along the long axis of the ellipses and ends at a black square a short distance before the star at their centre" caption="The path runs along the valley floor straight at the optimum; it simply ran out of updates."
b_zoom = np.linspace(b_best - 0.06, b_best + 0.03, 300)
d_zoom = np.linspace(d_best - 0.012, d_best + 0.012, 300)
BZ, DZ = np.meshgrid(b_zoom, d_zoom)
LZ = landscape(BZ, DZ)
fig, ax = plt.subplots(figsize=(6.2, 3.6))
levels_zoom = LZ.min() + np.geomspace(1e-4, LZ.max() - LZ.min(), 8)
cz = ax.contour(BZ, DZ, LZ, levels=levels_zoom, colors=plt.cm.viridis(np.linspace(0, 0.9, 8)), linewidths=0.8)
fig.colorbar(cz, ax=ax, label="loss", format="%.4g")
ax.plot(path[:, 0], path[:, 1], color="crimson", label="gradient descent path")
ax.plot(*path[-1], "s", color="black", label="end (2000 updates)")
ax.plot(b_best, d_best, "*", color="orange", markersize=12, label="least-squares optimum")
ax.set_xlim(b_zoom[0], b_zoom[-1])
ax.set_ylim(d_zoom[0], d_zoom[-1])
ax.set_xlabel("b (coefficient of x)")
ax.set_ylabel("d (coefficient of x³)")
ax.set_title("Zoom: the end of the path and the optimum")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Up close, the path lies on the valley floor and points straight at the star. It simply ran out of
# iterations. More updates would close the gap, and so would a better-conditioned problem: Exercise 7 shows
# how rescaling the inputs changes the curvatures.

# %% [markdown]
# ## Checks
#
# The cell below verifies the claims of this page.

# %%
grid_points = [(0, 0), (137, 251), (399, 399), (200, 50)]
direct = [np.square(a + B[i, j] * x + c * x**2 + D[i, j] * x**3 - y_sin).sum() for i, j in grid_points]
assert np.allclose(direct, [L[i, j] for i, j in grid_points], rtol=1e-9)
assert all(np.diff(losses) < 0)
assert loss_best < final_loss < 1.01 * loss_best
assert abs(x.sum()) < 1e-9 and abs((x**3).sum()) < 1e-9 * np.abs(x**3).sum()
assert abs((x**5).sum()) < 1e-9 * np.abs(x**5).sum()  # c reaches grad_d only through this sum
assert 0 < slice_min - loss_best < 0.01  # a and c being a hair off costs very little ...
assert L.min() - slice_min > 10 * (slice_min - loss_best)  # ... the coarse grid costs far more
half_step_up = landscape(b_slice, d_slice + 0.5 * (d_grid[1] - d_grid[0])) - slice_min
assert half_step_up > 10 * (L.min() - slice_min)  # half a grid spacing in d climbs a wall
i_min, j_min = np.unravel_index(np.argmin(L), L.shape)
B_fine, D_fine = np.meshgrid(np.linspace(b_grid[j_min - 2], b_grid[j_min + 2], 201),
                             np.linspace(d_grid[i_min - 2], d_grid[i_min + 2], 201))
assert landscape(B_fine, D_fine).min() - slice_min < 0.1 * (L.min() - slice_min)  # finer grid: closer
assert abs(b_grid[j_min] - b_best) < 2 * (b_grid[1] - b_grid[0])
assert abs(d_grid[i_min] - d_best) < 2 * (d_grid[1] - d_grid[0])
assert lambda_max / lambda_min > 100
assert -15 < angle < -3
assert correlation > 0.9
assert steep[50] < 1e-6 * steep[0] and flat[50] > 0.85 * flat[0]
assert abs(flat_ratio - 1) < 1e-6
assert flat[-1] > 0.005 and path[-1, 0] < b_best
assert 0.99 < factor_flat < 1 and abs(factor_steep) < 0.5
first_steps = path[5] - path[0]
assert first_steps[1] > 3 * abs(first_steps[0])  # the first updates go almost straight up in d
assert learning_rate < 2 / lambda_max
