"""The "Under the hood" pages (part a): gradient check, closed form, learning-rate ceiling, autodiff.

Each test checks a claim that a page makes about its listing, against numbers computed here
independently of the listing wherever that is possible.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from conftest import DOCS, SNIPPETS, expand_snippets, run_listing

LISTINGS = [
    "hood1_gradient_check",
    "hood2_closed_form",
    "hood3_learning_rate_ceiling",
    "hood3_ceiling_runs",
    "hood6_autodiff",
]
PAGES = {
    "gradient-check.md": ["hood1_gradient_check"],
    "closed-form.md": ["hood2_closed_form"],
    "learning-rate-ceiling.md": ["hood3_learning_rate_ceiling", "hood3_ceiling_runs"],
    "autodiff.md": ["hood6_autodiff"],
}


@cache  # the reference loops below ask for it at every step: built once, read-only
def data(low: float = -np.pi, high: float = np.pi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 9's points, the sine, and the 2000 x 4 matrix of 1, x, x^2, x^3 (built independently)."""
    x = np.linspace(low, high, 2000)
    arrays = x, np.sin(x), np.vander(x, 4, increasing=True)
    for array in arrays:
        array.setflags(write=False)
    return arrays


def best_cubic() -> tuple[np.ndarray, float]:
    """The least-squares cubic by a QR factorisation: a solver the listings do not use."""
    _, y, basis = data()
    q, r = np.linalg.qr(basis)
    coefficients = np.linalg.solve(r, q.T @ y)
    return coefficients, float(np.square(basis @ coefficients - y).sum())


@cache
def step9_sections() -> Callable[..., tuple[float, float, float, float]]:
    """The forward and gradient sections of Step 9, exactly as its page publishes them, as a function.

    Their lines, unchanged, make the body of ``gradients(a, b, c, d, x, y_sin)``, which returns the
    four ``grad_`` values the sections compute: compiled once, called at every step of the loops below.
    """
    forward = expand_snippets('--8<-- "snippets/step09_gradient_descent.py:forward"')
    gradients = expand_snippets('--8<-- "snippets/step09_gradient_descent.py:gradients"')
    body = textwrap.indent(textwrap.dedent(forward + "\n" + gradients), "    ")
    source = f"def gradients(a, b, c, d, x, y_sin):\n{body}\n    return grad_a, grad_b, grad_c, grad_d\n"
    namespace = {"np": np}
    exec(compile(source, "step09 sections", "exec"), namespace)
    return namespace["gradients"]


def step9_gradients(w: np.ndarray) -> np.ndarray:
    """The gradients at w, computed by the gradient section that the Step 9 page publishes."""
    x, y_sin, _ = data()
    return np.array(step9_sections()(*w, x, y_sin))


def loss_at(w: np.ndarray) -> float:
    """The sum of squared errors of the cubic with coefficients w."""
    _, y, basis = data()
    return float(np.square(basis @ w - y).sum())


# --------------------------------------------------------------------------------------------------
# All listings of this part
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_is_short_and_deterministic(name: str):
    lines = (SNIPPETS / f"{name}.py").read_text(encoding="utf-8").splitlines()
    assert 15 <= len(lines) <= 45
    first, second = run_listing(name), run_listing(name)
    assert first.stdout == second.stdout
    assert len(first.figures) <= 2


@pytest.mark.parametrize(("page", "names"), PAGES.items())
def test_page_includes_its_listings_and_has_a_readable_length(page: str, names: list[str]):
    text = (DOCS / "under-the-hood" / page).read_text(encoding="utf-8")
    for name in names:
        assert f'--8<-- "snippets/{name}.py"' in text
        assert f"listings.{name}.stdout" in text
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    assert 500 <= len(prose.split()) <= 1200
    assert text.rstrip().splitlines()[-2].startswith('!!! success "What you learned"')


def test_index_lists_all_six_chapters():
    text = (DOCS / "under-the-hood" / "index.md").read_text(encoding="utf-8")
    for page in (
        "gradient-check.md",
        "closed-form.md",
        "learning-rate-ceiling.md",
        "better-coordinates.md",
        "make-it-fast.md",
        "autodiff.md",
    ):
        assert f"({page})" in text
    assert "(../gradient-descent.md#watch-it-learn)" in text  # the slider; strict builds check the anchor


# --------------------------------------------------------------------------------------------------
# Gradient check
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def check():
    return run_listing("hood1_gradient_check")


def table_rows(stdout: str) -> list[list[str]]:
    """The lines of a printed table that start with a seed number, split into fields."""
    return [line.split() for line in stdout.splitlines() if re.match(r"^\s*\d+\s", line)]


def test_step_is_the_cube_root_of_machine_epsilon(check):
    h = check.namespace["h"]
    assert h == np.finfo(float).eps ** (1 / 3)
    assert check.stdout.splitlines()[0] == f"step h = {h:.2e}"


def test_hand_and_numeric_gradients_agree_at_three_points(check):
    rows = table_rows(check.stdout)
    assert [(int(r[0]), r[1]) for r in rows] == list(itertools.product([0, 1, 7], "abcd"))
    h = np.finfo(float).eps ** (1 / 3)
    for seed in (0, 1, 7):
        w = np.random.default_rng(seed=seed).standard_normal(4)
        hand = step9_gradients(w)
        numeric = [(loss_at(w + h * e) - loss_at(w - h * e)) / (2 * h) for e in np.eye(4)]
        printed = [r for r in rows if int(r[0]) == seed]
        for k, row in enumerate(printed):
            assert float(row[2]) == pytest.approx(hand[k], abs=1e-6)
            assert float(row[3]) == pytest.approx(numeric[k], rel=1e-9)
            assert float(row[4]) < 1e-6
            assert abs(hand[k] - numeric[k]) / abs(hand[k]) < 1e-6
    largest = max(float(r[4]) for r in rows)
    assert check.namespace["largest_error"] < 1e-6
    assert f"largest relative error: {check.namespace['largest_error']:.1e}" in check.stdout
    assert largest <= float(f"{check.namespace['largest_error']:.1e}")


def test_step_figure_forward_differences_form_a_v(check):
    [figure] = check.figures
    axes = figure.axes[0]
    assert axes.get_xscale() == axes.get_yscale() == "log"
    forward, central = axes.get_lines()
    assert (forward.get_label(), central.get_label()) == ("forward difference", "central difference")
    errors = np.asarray(forward.get_ydata())
    bottom = errors.min()
    assert errors[0] > 100 * bottom  # grows for very small h (rounding)
    assert errors[-1] > 100 * bottom  # grows for very large h (truncation)
    steps = np.asarray(forward.get_xdata())
    right = steps >= 1e-4
    slope = np.polyfit(np.log10(steps[right]), np.log10(errors[right]), 1)[0]
    assert slope == pytest.approx(1, abs=0.05)  # one decade of error per decade of step
    left = steps <= 1e-10
    central = np.asarray(central.get_ydata())
    assert (np.abs(np.log10(errors[left] / central[left])) < 1.5).all()  # the two rise together
    best = check.namespace["best_forward_step"]
    assert 1e-9 < best < 1e-7  # near sqrt(eps), the best step for a one-sided difference
    assert np.sqrt(np.finfo(float).eps) / 10 < best < 10 * np.sqrt(np.finfo(float).eps)


def test_step_figure_central_differences_have_no_truncation_error_here(check):
    axes = check.figures[0].axes[0]
    steps, errors = (np.asarray(v) for v in axes.get_lines()[1].get_data())
    assert errors[0] > 1e-6  # very small h: rounding error dominates
    assert errors[0] > 1e4 * errors[steps >= 1e-2].max()
    # the loss is quadratic in the coefficients: large steps stay at rounding level
    assert errors[steps >= 1e-2].max() < 1e-11
    assert (errors > 0).all()  # every point is drawn on the log axes


# --------------------------------------------------------------------------------------------------
# Closed form
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def closed():
    return run_listing("hood2_closed_form")


def test_closed_form_equals_an_independent_solve(closed):
    ns = closed.namespace
    coefficients, optimum = best_cubic()
    np.testing.assert_allclose(ns["w_best"], coefficients, atol=1e-12)
    np.testing.assert_allclose(ns["w_normal"], coefficients, atol=1e-12)
    assert ns["loss_best"] == pytest.approx(optimum, rel=1e-12)
    assert ns["loss_best"] == pytest.approx(8.817, abs=5e-4)
    a, b, c, d = (round(v, 4) + 0.0 for v in coefficients)
    assert f"best cubic: y = {a:.4f} {b:+.4f} x {c:+.4f} x^2 {d:+.4f} x^3" in closed.stdout
    assert f"lowest possible loss: {optimum:.4f}" in closed.stdout
    # forming X^T X squares the condition number that lstsq works with
    _, _, basis = data()
    assert np.linalg.cond(basis.T @ basis) == pytest.approx(np.linalg.cond(basis) ** 2, rel=1e-6)
    assert abs(coefficients[0]) < 1e-12
    assert abs(coefficients[2]) < 1e-12  # the sine is odd: so is its best cubic


def test_gradient_descent_never_beats_the_optimum_and_its_table_is_right(closed):
    ns = closed.namespace
    _, optimum = best_cubic()
    rows = table_rows(closed.stdout)
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3, 4, 7]
    for row in rows:
        seed = int(row[0])
        w = np.random.default_rng(seed=seed).standard_normal(4)
        for _ in range(2000):
            w = w - 1e-6 * step9_gradients(w)
        loss = loss_at(w)
        assert loss >= optimum
        assert [float(v) for v in row[1:5]] == pytest.approx(np.round(w, 4), abs=1e-4)
        assert float(row[5]) == pytest.approx(round(loss, 4), abs=1e-4)
        assert float(row[6]) == pytest.approx(round(loss / optimum, 4), abs=1e-4)  # printed ratio
        assert float(row[7]) == pytest.approx(round(loss - optimum, 4), abs=1e-4)
    losses = ns["losses"]
    assert ns["largest_ratio"] == pytest.approx(losses.max() / optimum)
    assert ns["smallest_gap"] == pytest.approx(losses.min() - optimum)
    assert ns["largest_gap"] == pytest.approx(losses.max() - optimum)


def test_step9_start_ends_within_one_percent_but_not_every_start_does(closed):
    ns = closed.namespace
    gd = run_listing("step09_gradient_descent").namespace
    step9_final = loss_at(np.array([gd[k] for k in "abcd"]))
    assert ns["loss"] == pytest.approx(step9_final, rel=1e-9)  # the last row (seed 7) is Step 9
    # "a little below the last loss Step 9 prints, which is measured before the final update"
    assert ns["loss"] < gd["loss"] < ns["loss"] + 1e-3
    ratios = dict(zip([0, 1, 2, 3, 4, 7], ns["losses"] / ns["loss_best"], strict=True))
    assert ratios[7] < 1.01
    assert ns["loss"] / ns["loss_best"] == pytest.approx(ratios[7])
    assert max(ratios.values()) > 1.5  # the page says some starts are far from the optimum
    assert max(ratios, key=ratios.get) == 3
    assert ns["smallest_gap"] < ns["loss_best"] / 100 < ns["largest_gap"]


def test_best_cubic_error_figure_wiggles_and_is_largest_at_the_ends(closed):
    ns = closed.namespace
    x, y, basis = data()
    coefficients, optimum = best_cubic()
    [figure] = closed.figures
    [line] = figure.axes[0].get_lines()
    error = np.asarray(line.get_ydata())
    np.testing.assert_allclose(error, y - basis @ coefficients, atol=1e-12)
    assert np.argmax(np.abs(error)) in (0, len(x) - 1)
    assert abs(error[0]) == pytest.approx(abs(error[-1]), rel=1e-9)  # both ends, x = -pi and x = pi
    assert abs(ns["worst_x"]) == pytest.approx(np.pi)
    assert ns["largest_error"] == pytest.approx(np.abs(error).max())
    assert ns["crossings"] == np.count_nonzero(np.diff(np.sign(error))) == 5
    assert ns["typical_error"] == pytest.approx(np.sqrt(optimum / 2000))
    # interior swings are smaller than the ends but of the same order
    interior = np.abs(error[200:-200]).max()
    assert ns["largest_error"] / 3 < interior < ns["largest_error"]


# --------------------------------------------------------------------------------------------------
# Learning-rate ceiling
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ceiling():
    return run_listing("hood3_learning_rate_ceiling")


@pytest.fixture(scope="module")
def runs():
    return run_listing("hood3_ceiling_runs")


def test_ceiling_is_two_over_the_largest_hessian_eigenvalue(ceiling):
    ns = ceiling.namespace
    _, _, basis = data()
    eigenvalues = np.linalg.eigvalsh(2 * basis.T @ basis)
    np.testing.assert_allclose(ns["eigenvalues"], eigenvalues, rtol=1e-10)
    assert ns["ceiling"] == pytest.approx(2 / eigenvalues[-1], rel=1e-10)
    assert ns["kappa"] == pytest.approx(eigenvalues[-1] / eigenvalues[0], rel=1e-10)
    np.testing.assert_allclose(
        [ns["lambda_min"], ns["lambda_max"]], [eigenvalues[0], eigenvalues[-1]], rtol=1e-10
    )
    assert ns["ceiling"] > 1e-6  # Step 9's learning rate is below the ceiling
    assert 0.2 < 1e-6 / ns["ceiling"] < 0.35
    assert f"is {1e-6 / ns['ceiling']:.2f} of it" in ceiling.stdout


def test_mean_loss_ceiling_is_n_times_larger_and_wide_range_ceiling_is_far_smaller(ceiling):
    ns = ceiling.namespace
    assert ns["mean_ceiling"] == pytest.approx(2000 * ns["ceiling"], rel=1e-10)
    _, _, wide = data(-4 * np.pi, 4 * np.pi)
    wide_ceiling = 2 / np.linalg.eigvalsh(2 * wide.T @ wide)[-1]
    assert ns["wide_ceiling"] == pytest.approx(wide_ceiling, rel=1e-10)
    assert ns["wide_ceiling"] < 1e-6  # Exercise 7: the article's learning rate is above it
    assert 3900 < ns["ceiling"] / ns["wide_ceiling"] < 4**6  # "about 4^6"
    assert f"{ns['ceiling'] / ns['wide_ceiling']:.0f} times smaller" in ceiling.stdout


def test_iterations_needed_follow_the_condition_number(ceiling):
    ns = ceiling.namespace
    predicted = ns["kappa"] / 2 * np.log(1e6)
    assert ns["predicted"] == pytest.approx(predicted)
    assert ns["measured_worst"] == pytest.approx(predicted, rel=0.01)
    assert ns["measured_random"] < ns["measured_worst"]
    assert f"measured from the slowest direction: {ns['measured_worst']}" in ceiling.stdout
    # independent check: plain gradient descent at 1 / lambda_max from Step 9's start
    _, optimum = best_cubic()
    _, _, basis = data()
    lambda_max = np.linalg.eigvalsh(2 * basis.T @ basis)[-1]
    w = np.random.default_rng(seed=7).standard_normal(4)
    first_gap, t = loss_at(w) - optimum, 0
    while loss_at(w) - optimum > 1e-6 * first_gap:
        w = w - step9_gradients(w) / lambda_max
        t += 1
    assert abs(t - ns["measured_random"]) <= 1


def test_the_slowest_start_is_furthest_out_along_the_two_flattest_axes():
    coefficients, _ = best_cubic()
    _, _, basis = data()
    _, vectors = np.linalg.eigh(2 * basis.T @ basis)
    closed = run_listing("hood2_closed_form").namespace
    slowest = int(np.argmax(closed["losses"]))
    along_flattest = []
    for seed in closed["seeds"]:
        offset = np.random.default_rng(seed=seed).standard_normal(4) - coefficients
        along_flattest.append(np.linalg.norm(vectors[:, :2].T @ offset))
    assert closed["seeds"][slowest] == 3
    assert int(np.argmax(along_flattest)) == slowest


def test_just_under_the_ceiling_converges_just_over_it_diverges(runs):
    ns = runs.namespace
    _, optimum = best_cubic()
    under, over = ns["runs"][0.98], ns["runs"][1.02]
    assert len(under) == len(over) == 2000
    assert np.isfinite(under).all()
    assert (np.diff(under) < 0).all()  # the loss falls at every iteration
    assert under[-1] == pytest.approx(optimum, rel=1e-9)
    assert over[-1] > 1e60 * over[0]
    growth = over[-1] / over[-2]
    assert growth == pytest.approx(ns["predicted_growth"], rel=1e-6)
    assert ns["predicted_growth"] == pytest.approx((1.02 * 2 - 1) ** 2)
    assert f"last step multiplied the loss by {growth:.4f}" in runs.stdout


def test_ceiling_runs_figure_shows_both_runs_on_a_log_scale(runs):
    [figure] = runs.figures
    axes = figure.axes[0]
    assert axes.get_yscale() == "log"
    under, over = axes.get_lines()
    assert under.get_label() == "0.98 x ceiling"
    assert over.get_label() == "1.02 x ceiling"
    np.testing.assert_array_equal(over.get_ydata(), runs.namespace["runs"][1.02])


# --------------------------------------------------------------------------------------------------
# Autodiff
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autodiff():
    return run_listing("hood6_autodiff")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_autodiff_equals_the_hand_derived_gradients(autodiff, seed: int):
    value = autodiff.namespace["Value"]
    x, y_sin, _ = data()
    w = np.random.default_rng(seed=seed).standard_normal(4)
    a, b, c, d = (value(v) for v in w)
    loss = ((a + b * x + c * x**2 + d * x**3 - y_sin) ** 2).sum()
    loss.backward()
    assert float(loss.data) == pytest.approx(loss_at(w), rel=1e-12)
    np.testing.assert_allclose([v.grad for v in (a, b, c, d)], step9_gradients(w), rtol=1e-10)


def test_autodiff_listing_prints_matching_rows_at_step9_start(autodiff):
    ns = autodiff.namespace
    auto, hand = autodiff.stdout.splitlines()
    assert auto.startswith("autodiff:")
    assert hand.startswith("by hand:")
    expected = step9_gradients(np.random.default_rng(seed=7).standard_normal(4))
    np.testing.assert_allclose([float(v) for v in auto.split()[1:]], expected, rtol=1e-10)
    np.testing.assert_allclose([float(v) for v in hand.split()[2:]], expected, rtol=1e-10)
    np.testing.assert_allclose([ns[k].grad for k in "abcd"], expected, rtol=1e-10)


def test_autodiff_accumulates_over_shared_nodes_and_integer_powers(autodiff):
    value = autodiff.namespace["Value"]
    u = value(3.0)
    f = u * u + u**3 - u  # u is used four times: its gradient must add up
    f.backward()
    assert float(f.data) == 9 + 27 - 3
    assert float(u.grad) == 2 * 3 + 3 * 9 - 1
    # like PyTorch, a new backward pass adds to the gradients already there
    again = u * 2.0
    again.backward()
    assert float(u.grad) == 2 * 3 + 3 * 9 - 1 + 2
    v = value(np.array([1.0, 2.0]))
    g = (v * v).sum()
    g.backward()
    np.testing.assert_array_equal(v.grad, [2.0, 4.0])
