"""Each listing, run as a script, does what its chapter says it does."""

from __future__ import annotations

import ast
import itertools
import platform

import matplotlib
import numpy as np
import pytest
from conftest import SNIPPETS, expand_snippets, run_listing


@pytest.fixture(scope="module")
def gd():
    """The Step 9 program, run once for all the tests below."""
    return run_listing("step09_gradient_descent")


def best_cubic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares cubic through (x, y), computed independently of the listings."""
    basis = np.vander(x, 4, increasing=True)
    coefficients, *_ = np.linalg.lstsq(basis, y, rcond=None)
    return coefficients, float(np.square(basis @ coefficients - y).sum())


def test_setup_check_prints_the_installed_versions():
    out = run_listing("step04_check_setup").stdout.splitlines()
    assert out == [
        f"Python {platform.python_version()}",
        f"NumPy {np.__version__}",
        f"Matplotlib {matplotlib.__version__}",
    ]


def test_linspace_demo_prints_the_worked_example():
    first, second = run_listing("step06_linspace_demo").stdout.splitlines()
    assert first == "[  0.  25.  50.  75. 100.]"
    values = np.array(second.strip("[]").split(), dtype=float)
    np.testing.assert_allclose(values, np.sin(np.linspace(0, np.pi, 5)), atol=5e-4)


def test_sine_plot_draws_sin_on_2000_points_over_minus_pi_to_pi():
    run = run_listing("step06_plot_sine")
    x, y_sin = run.namespace["x"], run.namespace["y_sin"]
    assert x.shape == (2000,)
    assert (x[0], x[-1]) == (-np.pi, np.pi)
    np.testing.assert_array_equal(y_sin, np.sin(x))
    [figure] = run.figures
    [line] = figure.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_ydata(), y_sin)
    assert line.get_label() == "sin(x)"


def literal_coefficients(name: str) -> dict[str, tuple[float, int]]:
    """The numbers assigned to a, b, c, d in a listing, with how many decimals each shows."""
    found = {}
    for node in ast.parse((SNIPPETS / f"{name}.py").read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target in "abcd":
                text = ast.get_source_segment((SNIPPETS / f"{name}.py").read_text(), node.value)
                found[target] = (float(text), len(text.partition(".")[2]))
    return found


def test_cheat_coefficients_are_step9_results_at_the_precision_shown(gd):
    coefficients = literal_coefficients("step07_cheat")
    assert set(coefficients) == set("abcd")
    for name, (shown, decimals) in coefficients.items():
        assert round(gd.namespace[name], decimals) == shown, name


def test_cheat_cubic_is_close_to_the_sine_but_not_equal():
    run = run_listing("step07_cheat")
    error = np.abs(run.namespace["y_polynomial_cheat"] - run.namespace["y_sin"])
    assert 0.05 < error.max() < 0.25  # "almost the same, but not exactly"
    [figure] = run.figures
    assert len(figure.axes[0].get_lines()) == 2


def test_random_start_is_reproducible_and_far_from_the_sine():
    first, second = run_listing("step08_random_start"), run_listing("step08_random_start")
    assert first.stdout == second.stdout
    ns = first.namespace
    assert first.stdout.strip() == (
        f"Random start: y = {ns['a']:.4f} {ns['b']:+.4f} x {ns['c']:+.4f} x^2 {ns['d']:+.4f} x^3"
    )
    _, optimum = best_cubic(ns["x"], ns["y_sin"])
    random_loss = np.square(ns["y_polynomial_derived"] - ns["y_sin"]).sum()
    assert random_loss > 100 * optimum


def test_gradient_descent_uses_the_articles_settings(gd):
    ns = gd.namespace
    assert ns["x"].shape == (2000,)
    assert ns["learning_rate"] == 1e-6
    assert ns["t"] == 1999  # range(2000): 2000 iterations


def test_gradient_descent_prints_a_falling_loss_every_100_iterations(gd):
    *progress, result = gd.stdout.splitlines()
    iterations = [int(line.split()[0]) for line in progress]
    losses = [float(line.split()[1]) for line in progress]
    assert iterations == list(range(99, 2000, 100))
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    ns = gd.namespace
    assert result == f"Result: y = {ns['a']:.4f} {ns['b']:+.4f} x {ns['c']:+.4f} x^2 {ns['d']:+.4f} x^3"


def test_each_printed_loss_is_measured_before_that_pass_updates(gd):
    """Step 9's page: the line ``t`` shows the loss after t updates, the last one before the final update."""
    ns = gd.namespace
    x, y = ns["x"], ns["y_sin"]
    w = np.random.default_rng(seed=7).standard_normal(4)
    basis = np.vander(x, 4, increasing=True)
    after = {}
    for update in range(1, 2001):
        w = w - ns["learning_rate"] * basis.T @ (2.0 * (basis @ w - y))
        after[update] = float(np.square(basis @ w - y).sum())
    *progress, _ = gd.stdout.splitlines()
    for line in progress:
        t, loss = line.split()
        assert float(loss) == pytest.approx(after[int(t)], rel=1e-9)
    assert after[2000] < float(progress[-1].split()[1])  # the final update lowers it once more


def test_gradient_descent_ends_within_one_percent_of_the_best_cubic(gd):
    ns = gd.namespace
    coefficients, optimum = best_cubic(ns["x"], ns["y_sin"])
    final = np.square(ns["y_polynomial_derived"] - ns["y_sin"]).sum()
    assert optimum <= final < 1.01 * optimum
    np.testing.assert_allclose([ns[k] for k in "abcd"], coefficients, atol=0.01)


def published_section(name: str) -> str:
    """A section of the Step 9 listing exactly as the page shows it."""
    return expand_snippets(f'--8<-- "snippets/step09_gradient_descent.py:{name}"')


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_published_gradients_equal_central_finite_differences(seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(-np.pi, np.pi, 2000)
    y_sin = np.sin(x)
    params = dict(zip("abcd", rng.standard_normal(4), strict=True))

    def loss(p: dict[str, float]) -> float:
        ns = {"np": np, "x": x, "y_sin": y_sin, **p}
        exec(published_section("forward"), ns)
        return ns["loss"]

    ns = {"np": np, "x": x, "y_sin": y_sin, **params}
    exec(published_section("forward") + "\n" + published_section("gradients"), ns)
    h = 1e-5
    for name in "abcd":
        up, down = {**params, name: params[name] + h}, {**params, name: params[name] - h}
        numeric = (loss(up) - loss(down)) / (2 * h)
        assert ns[f"grad_{name}"] == pytest.approx(numeric, rel=1e-6), name


def test_published_update_subtracts_learning_rate_times_gradient():
    ns = {"learning_rate": 1e-6, "a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}
    ns.update({f"grad_{k}": g for k, g in zip("abcd", [1.0, -2.0, 3.0, -4.0], strict=True)})
    exec(published_section("update"), ns)
    assert [ns[k] for k in "abcd"] == [1 - 1e-6, 1 + 2e-6, 1 - 3e-6, 1 + 4e-6]


def test_sections_are_dedented_and_carry_no_markers():
    for name in ("forward", "gradients", "update"):
        text = published_section(name)
        assert text
        assert not text.startswith(" ")
        assert "--8<--" not in text
