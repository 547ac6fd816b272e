"""Under the hood, part b: the claims of "Better coordinates" and "Make it fast", checked by the listings."""

from __future__ import annotations

import ast
import itertools
import re

import numpy as np
import pytest
from conftest import SNIPPETS, expand_snippets, run_listing

BASES = ("powers of x", "powers of u", "Legendre in u")


@pytest.fixture(scope="module")
def coordinates():
    return run_listing("hood4_better_coordinates")


@pytest.fixture(scope="module")
def momentum():
    return run_listing("hood4_momentum")


@pytest.fixture(scope="module")
def fast():
    return run_listing("hood5_make_it_fast")


@pytest.fixture(scope="module")
def profile():
    return run_listing("hood5_profile")


def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The article's points, the raw design matrix [1, x, x^2, x^3] and Step 9's random start."""
    x = np.linspace(-np.pi, np.pi, 2000)
    start = np.random.default_rng(seed=7).standard_normal(4)
    return x, np.vander(x, 4, increasing=True), start


def best_cubic() -> tuple[np.ndarray, float]:
    """Least-squares cubic through the article's points, computed independently of the listings."""
    x, X, _ = problem()
    coefficients, *_ = np.linalg.lstsq(X, np.sin(x), rcond=None)
    return coefficients, float(np.square(X @ coefficients - np.sin(x)).sum())


# --- Better coordinates -------------------------------------------------------------------------------


def test_bases_are_the_stated_functions_and_to_x_translates_them(coordinates):
    ns = coordinates.namespace
    x, X, _ = problem()
    u = x / np.pi
    np.testing.assert_allclose(ns["bases"]["powers of x"], X, rtol=1e-15)
    np.testing.assert_allclose(ns["bases"]["powers of u"], np.vander(u, 4, increasing=True), rtol=1e-15)
    legendre = np.polynomial.legendre.legvander(u, 3)
    np.testing.assert_allclose(ns["bases"]["Legendre in u"], legendre, atol=1e-14)
    # "column k of each matrix: the k-th basis function written as a + b x + c x^2 + d x^3"
    for name in BASES:
        np.testing.assert_allclose(X @ ns["to_x"][name], ns["bases"][name], atol=1e-12)


def test_all_three_bases_share_the_best_loss(coordinates):
    y = np.sin(problem()[0])
    _, optimum = best_cubic()
    assert coordinates.namespace["optimum"] == pytest.approx(optimum, rel=1e-12)
    for name in BASES:
        X = coordinates.namespace["bases"][name]
        w, *_ = np.linalg.lstsq(X, y, rcond=None)
        assert np.square(X @ w - y).sum() == pytest.approx(optimum, rel=1e-10), name


def test_every_run_starts_from_step_8s_random_cubic(coordinates):
    random_start = run_listing("step08_random_start").namespace
    start = coordinates.namespace["start"]
    np.testing.assert_array_equal(start, [random_start[k] for k in "abcd"])
    for name in BASES:
        w = np.linalg.solve(coordinates.namespace["to_x"][name], start)
        np.testing.assert_allclose(coordinates.namespace["to_x"][name] @ w, start, rtol=1e-12)


def test_condition_numbers_fall_from_raw_to_u_to_legendre(coordinates):
    v = coordinates.namespace
    assert v["kappa_x"] > v["kappa_u"] > v["kappa_legendre"]
    for name, key in zip(BASES, ("kappa_x", "kappa_u", "kappa_legendre"), strict=True):
        X = v["bases"][name]
        assert v[key] == pytest.approx(np.linalg.cond(X.T @ X), rel=1e-9)


def test_learning_rate_is_one_over_the_largest_hessian_eigenvalue(coordinates):
    v = coordinates.namespace
    for name, key in zip(BASES, ("rate_x", "rate_u", "rate_legendre"), strict=True):
        X = v["bases"][name]
        assert v[key] == pytest.approx(1 / np.linalg.eigvalsh(2 * X.T @ X).max(), rel=1e-12)
    # "of the same order as the article's 1e-6, and a little larger"
    assert 1e-6 < v["rate_x"] < 1e-5


def iterations_to_one_permille(X: np.ndarray, w: np.ndarray, rate: float, beta: float = 0.0) -> int:
    """Gradient descent (heavy ball if beta > 0) in matrix form, counted independently of the listings."""
    y = np.sin(problem()[0])
    _, optimum = best_cubic()
    previous = w
    for t in itertools.count(1):
        w, previous = w - rate * 2 * X.T @ (X @ w - y) + beta * (w - previous), w
        if np.square(X @ w - y).sum() <= 1.001 * optimum:
            return t
        assert t < 200_000
    raise AssertionError  # pragma: no cover


def test_iterations_to_one_permille_fall_with_the_condition_number(coordinates):
    v = coordinates.namespace
    counts = [v["iterations_x"], v["iterations_u"], v["iterations_legendre"]]
    assert counts[0] > counts[1] > counts[2]
    for name, count in zip(BASES, counts, strict=True):
        X, to_x = v["bases"][name], v["to_x"][name]
        rate = 1 / np.linalg.eigvalsh(2 * X.T @ X).max()
        assert iterations_to_one_permille(X, np.linalg.solve(to_x, v["start"]), rate) == count, name


def test_table_prints_each_basis_with_its_numbers(coordinates):
    v = coordinates.namespace
    lines = coordinates.stdout.splitlines()
    for name, suffix in zip(BASES, ("x", "u", "legendre"), strict=True):
        [row] = [line for line in lines if line.strip().startswith(name)]
        kappa, rate, count = row.split()[-3:]
        assert float(kappa) == pytest.approx(v[f"kappa_{suffix}"], abs=0.05)
        assert float(rate) == pytest.approx(v[f"rate_{suffix}"], rel=1e-2)
        assert int(count) == v[f"iterations_{suffix}"]


def test_converted_legendre_coefficients_match_lstsq_in_x(coordinates):
    v = coordinates.namespace
    best, _ = best_cubic()
    np.testing.assert_allclose([v[k] for k in "abcd"], best, atol=1e-8)
    # "they agree to every printed digit"
    lines = coordinates.stdout.splitlines()
    [converted] = [line for line in lines if line.startswith("from Legendre")]
    [closed_form] = [line for line in lines if line.strip().startswith("lstsq in x")]
    assert converted[13:] == closed_form[13:]


def test_even_coefficients_of_the_best_cubic_are_zero(coordinates):
    v = coordinates.namespace
    assert abs(v["a"]) < 1e-12
    assert abs(v["c"]) < 1e-12


def test_raw_columns_x_and_x_cubed_look_alike():
    x = problem()[0]
    assert np.corrcoef(x, x**3)[0, 1] > 0.9


def test_legendre_gram_matrix_is_nearly_diagonal(coordinates):
    X = coordinates.namespace["bases"]["Legendre in u"]
    gram = X.T @ X
    lengths = np.sqrt(np.diag(gram))
    off_diagonal = gram / np.outer(lengths, lengths) - np.eye(4)
    assert np.abs(off_diagonal).max() < 0.01
    # its eigenvalues are nearly the squared lengths of the columns
    np.testing.assert_allclose(np.linalg.eigvalsh(gram), np.sort(np.diag(gram)), rtol=0.01)


def test_momentum_settings_are_the_optimal_ones_for_a_quadratic(momentum):
    v = momentum.namespace
    _, X, _ = problem()
    eigenvalues = np.linalg.eigvalsh(2 * X.T @ X)
    low, high = eigenvalues[0], eigenvalues[-1]
    assert v["kappa"] == pytest.approx(high / low, rel=1e-9)
    rate, beta = v["settings"]["heavy ball"]
    assert rate == pytest.approx(4 / (np.sqrt(high) + np.sqrt(low)) ** 2, rel=1e-9)
    assert beta == pytest.approx(((np.sqrt(high / low) - 1) / (np.sqrt(high / low) + 1)) ** 2, rel=1e-9)
    assert v["settings"]["plain descent"] == (pytest.approx(1 / high, rel=1e-9), 0.0)


def test_heavy_ball_needs_fewer_iterations_than_plain_descent(momentum, coordinates):
    v = momentum.namespace
    assert v["iterations_heavy_ball"] < v["iterations_plain"]
    assert v["iterations_plain"] == coordinates.namespace["iterations_x"]  # the same run as in the table
    _, X, start = problem()
    rate, beta = v["settings"]["heavy ball"]
    assert iterations_to_one_permille(X, start, rate, beta) == v["iterations_heavy_ball"]
    for name, line in zip(v["settings"], momentum.stdout.splitlines(), strict=True):
        assert line.strip().startswith(name)
        assert line.endswith(f"{v['iterations'][name]:5d} iterations to 0.1 %")


def test_momentum_figure_shows_both_runs_down_to_the_threshold(momentum):
    v = momentum.namespace
    [figure] = momentum.figures
    [axes] = figure.axes
    assert axes.get_yscale() == "log"
    assert axes.get_xlabel()
    assert axes.get_ylabel()
    plain, heavy, threshold = axes.get_lines()
    assert [plain.get_label(), heavy.get_label()] == list(v["settings"])
    limit = 0.001 * v["optimum"]
    for line, count in ((plain, v["iterations_plain"]), (heavy, v["iterations_heavy_ball"])):
        excess = line.get_ydata()
        assert list(line.get_xdata()) == list(range(count + 1)), "from the shared start, iteration 0"
        assert excess[-1] <= limit < excess[:-1].min()  # each curve stops at its first crossing
    np.testing.assert_allclose(threshold.get_ydata(), [limit, limit])
    # plain descent falls at every step; the heavy ball first climbs far above its start, then falls
    assert np.all(np.diff(plain.get_ydata()) < 0)
    heavy_excess = heavy.get_ydata()
    peak = int(np.argmax(heavy_excess))
    assert 1 <= peak <= 20  # "for a few iterations"
    x, X, start = problem()
    start_excess = np.square(X @ start - np.sin(x)).sum() - v["optimum"]
    for line in (plain, heavy):  # both curves show the shared start
        assert line.get_ydata()[0] == pytest.approx(start_excess, rel=1e-9)
    assert plain.get_ydata()[1] < start_excess / 10  # "plain gradient descent drops at once"
    assert heavy_excess[peak] > 10 * start_excess  # "far above where it started"
    assert np.all(np.diff(heavy_excess[peak:]) < 0)


def test_heavy_ball_rate_is_beyond_plain_descents_limit_but_within_its_own(momentum):
    v = momentum.namespace
    assert 2 / v["lambda_max"] < v["rate_heavy_ball"] < 2 * (1 + v["beta_heavy_ball"]) / v["lambda_max"]
    assert (v["rate_heavy_ball"], v["beta_heavy_ball"]) == v["settings"]["heavy ball"]


def test_momentum_listing_prints_the_same_on_every_run(momentum):
    assert run_listing("hood4_momentum").stdout == momentum.stdout


# --- Make it fast ---------------------------------------------------------------------------------------


def test_every_fast_version_ends_at_the_article_loops_coefficients(fast):
    ns = fast.namespace
    for name in ("w_powers", "w_matrix", "w_gram", "w_power"):
        np.testing.assert_allclose(ns[name], ns["w_article"], rtol=1e-9, err_msg=name)


def test_article_version_is_step_9s_loop(fast):
    step9 = run_listing("step09_gradient_descent").namespace
    np.testing.assert_allclose(fast.namespace["w_article"], [step9[k] for k in "abcd"], rtol=1e-12)


def test_closed_form_is_the_least_squares_optimum(fast):
    best, _ = best_cubic()
    np.testing.assert_allclose(fast.namespace["w_lstsq"], best, atol=1e-12)


def test_gram_form_precomputes_the_exact_gradient_pieces(fast):
    ns = fast.namespace
    x, X, start = problem()
    np.testing.assert_allclose(ns["G"], 2 * X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(ns["g"], 2 * X.T @ np.sin(x), rtol=1e-12)
    # G w - g is the gradient of the squared loss at any w
    np.testing.assert_allclose(ns["G"] @ start - ns["g"], 2 * X.T @ (X @ start - np.sin(x)), rtol=1e-10)


def test_benchmark_prints_a_speed_up_line_for_each_version(fast):
    lines = fast.stdout.splitlines()
    names = ["article loop", "powers once", "matrix form", "Gram form", "matrix power", "lstsq"]
    assert len(lines) == len(names)
    pattern = re.compile(r"\s*(.+): +(\d+\.\d\d) ms   speed-up +(\d+\.\d)x")
    ns = fast.namespace
    for name, line in zip(names, lines, strict=True):
        found = pattern.fullmatch(line)
        assert found, line
        assert found[1] == name
        assert float(found[3]) == pytest.approx(ns["speedup"][name], abs=0.051)
    assert len(ns["seconds"]["article loop"]) >= 3  # medians of several repeats in the same run
    assert ns["speedup_gram"] == pytest.approx(ns["ms_article"] / ns["ms_gram"])


def test_benchmarks_draw_no_figure(fast, profile):
    assert fast.figures == []
    assert profile.figures == []


def test_article_loop_creates_more_than_a_dozen_temporary_arrays_per_pass():
    source = expand_snippets('--8<-- "snippets/hood5_make_it_fast.py:article"')
    [loop] = [node for node in ast.parse(source).body if isinstance(node, ast.For)]
    array_lines = loop.body[:7]  # prediction, loss, and the five gradient lines: all work on 2000 points
    operations = sum(
        isinstance(node, ast.BinOp) or (isinstance(node, ast.Call) and ast.unparse(node.func) == "np.square")
        for statement in array_lines
        for node in ast.walk(statement)
    )
    assert operations > 12


def test_profile_prints_every_operation_and_the_summary(profile):
    ns = profile.namespace
    lines = profile.stdout.splitlines()
    assert [line.split(":")[0].strip() for line in lines[: len(ns["operations"])]] == list(ns["operations"])
    assert ns["per_pass"] == pytest.approx(sum(list(ns["microseconds"].values())[:7]))
    assert 0 < ns["share_of_cubes"] <= 1
    assert lines[-1] == f"x**3 takes {ns['pow_ratio']:.1f} times as long as x * x * x"


def test_profiled_lines_are_step_9s_lines():
    step9 = (SNIPPETS / "step09_gradient_descent.py").read_text()
    source = (SNIPPETS / "hood5_profile.py").read_text()
    for label, body in re.findall(r'"(\w+)": lambda: (.+),\n', source):
        assert f"{label} = {body}" in step9, label
    assert len(re.findall(r'"(\w+)": lambda: (.+),\n', source)) == 7


def test_powers_of_two_and_three_compute_the_same_numbers_either_way():
    x = problem()[0]
    np.testing.assert_array_equal(x**2, x * x)
    np.testing.assert_allclose(x**3, x * x * x, rtol=1e-15)


def test_pace_is_set_by_kappa_for_plain_descent_and_by_its_root_for_the_heavy_ball(momentum):
    """Per-step loss factors at the end of each run: about (1 - 1/kappa)^2 and (1 - 2/sqrt(kappa))^2."""
    v = momentum.namespace
    plain, heavy, _ = momentum.figures[0].axes[0].get_lines()
    kappa = v["kappa"]
    for line, steps, error_factor in ((plain, 500, 1 - 1 / kappa), (heavy, 50, 1 - 2 / np.sqrt(kappa))):
        excess = line.get_ydata()
        measured = np.log(excess[-1] / excess[-1 - steps]) / steps
        assert 0.75 < measured / np.log(error_factor**2) < 1.33
