"""A listing's dark figure, recoloured from its light one, is the figure the dark style would draw."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import SNIPPETS
from PIL import Image

from site_tools.listings import discover
from site_tools.run_listing import (
    PALETTES,
    _save_open_figures,
    _tight_box,
    imports_matplotlib,
    recolour,
    run,
    style,
)


def draw_everything() -> plt.Figure:
    """A figure with every kind of artist the listings use, and a few more."""
    x = np.linspace(-np.pi, np.pi, 200)
    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5))
    left.plot(x, np.sin(x), label="sin(x)")
    left.plot(x, x - x**3 / 6, "--", label="cubic", marker="o", markevery=25)
    left.plot(x, np.cos(x), color="C2", label="cos(x)")
    left.fill_between(x, np.sin(x), 0, alpha=0.2)
    left.scatter(x[::20], np.sin(x[::20]), s=12)
    left.axhline(0, color="C3", linewidth=1)
    left.annotate("peak", xy=(np.pi / 2, 1), xytext=(0, 1.5), arrowprops={"arrowstyle": "->"})
    left.set_title(r"$\sum_i (y_i - \hat y_i)^2$")
    left.set_xlabel("x")
    left.legend()
    right.semilogy(np.geomspace(1, 1e6, 50), label="loss")
    right.bar([10, 20, 30], [1e2, 1e3, 1e4], width=5, color="C4")
    right.imshow(np.outer(x, x)[:40, :40], extent=(30, 45, 1, 1e5), aspect="auto")
    right.set_ylabel("loss")
    right.text(5, 1e5, "text in the cycle's colour", color="C1")
    right.text(5, 1e3, "boxed", bbox={"boxstyle": "round"})  # the box takes the cycle's first colour
    right.annotate("arrow", xy=(20, 1e3), xytext=(5, 1e2), arrowprops={"color": "C1"})
    right.table(cellText=[["a", "b"]], loc="bottom", bbox=(0, -0.4, 1, 0.15))
    return figure


def pixels(figure: plt.Figure, close: bool = True) -> np.ndarray:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    if close:
        plt.close(figure)
    return np.asarray(Image.open(buffer).convert("RGBA"))


def test_recoloured_light_figure_is_the_dark_style_figure():
    with plt.style.context(style("dark")):
        expected = pixels(draw_everything())
    with plt.style.context(style("light")):
        figure = draw_everything()
        light = pixels(figure, close=False)  # drawn in the light style first, as the runner does
    with plt.style.context(style("dark")):
        recolour(figure, "dark")
        got = pixels(figure)
    assert light.shape == expected.shape
    assert not np.array_equal(light, expected), "the two palettes differ"
    assert np.array_equal(got, expected)


def test_colours_outside_the_palette_are_left_alone():
    with plt.style.context(style("light")):
        figure, axes = plt.subplots()
        (line,) = axes.plot([0, 1], color="black")
        image = axes.imshow([[0, 1], [1, 0]])
    with plt.style.context(style("dark")):
        recolour(figure, "dark")
    assert line.get_color() == "black"
    assert image.get_cmap().name == "viridis"
    plt.close(figure)


def colours(palette: str) -> list[str]:
    return [PALETTES[palette]["text"], PALETTES[palette]["grid"], *PALETTES[palette]["cycle"]]


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_each_palette_has_a_distinct_colour_for_every_role(palette: str):
    assert set(PALETTES[palette]) == {"text", "grid", "cycle"}
    assert len(PALETTES[palette]["cycle"]) == len(PALETTES["light"]["cycle"])
    assert len({c.lower() for c in colours(palette)}) == len(colours(palette)), "one colour, one role"


def test_no_colour_is_in_both_palettes():
    """Else recolouring could not tell a colour already dark from one still to change."""
    assert not {c.lower() for c in colours("light")} & {c.lower() for c in colours("dark")}


def draw_a_plot() -> plt.Figure:
    """A figure like the listings', every artist inside the canvas; with hatching and an image too."""
    x = np.linspace(-np.pi, np.pi, 200)
    figure = plt.figure(figsize=(6.1, 3.8))
    plt.plot(x, np.sin(x), label="sin(x)")
    plt.semilogy(x, np.exp(x), label="exp(x)")
    plt.bar([0, 1], [3, 5], hatch="//", label="bars")
    plt.imshow(np.outer(x, x)[:20, :20], extent=(-3, -2, 1, 10), aspect="auto")
    plt.title("a title")
    plt.legend()
    return figure


def png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA"))


@pytest.mark.parametrize(
    ("draw", "inside"), [(draw_a_plot, True), (draw_everything, False)], ids=["inside", "beyond-the-edge"]
)
def test_each_figure_is_cut_to_its_tight_bounds_and_loses_nothing(tmp_path: Path, draw, inside):
    """The runner saves each palette at the tight size (give or take the rounding to whole pixels).

    Nothing drawn is cut off, and the two palettes have one size. Every artist inside the canvas: the
    runner cuts its own drawing; one beyond it (the table): savefig with the runner's bounds.
    """
    with plt.style.context(style("light")):
        figure = draw()
        buffer = io.BytesIO()
        figure.savefig(buffer, bbox_inches="tight", metadata={"Software": None})
        tight = png(buffer.getvalue())
        dpi = plt.rcParams["savefig.dpi"]
        width, height = figure.get_size_inches() * dpi
        figure.set_dpi(dpi)
        figure.draw_without_rendering()  # laid out as savefig(bbox_inches="tight") lays it out
        left, bottom, right, top = _tight_box(figure, figure.canvas.get_renderer())
        assert bool(left >= 0 and bottom >= 0 and right <= width and top <= height) is inside
        plt.close(figure)
        figure = draw()
        _save_open_figures(tmp_path, [])
    light, dark = (png((tmp_path / f"1-{palette}.png").read_bytes()) for palette in ("light", "dark"))
    assert light.shape == dark.shape
    assert 0 <= light.shape[0] - tight.shape[0] <= 2
    assert 0 <= light.shape[1] - tight.shape[1] <= 2
    # Nothing touches the edges (savefig's padding is 12 pixels here): nothing drawn was cut off ...
    assert not light[[0, -1], :, 3].any(), "top and bottom rows clear"
    assert not light[:, [0, -1], 3].any(), "left and right columns clear"
    # ... and the figure holds as much ink as savefig's (up to anti-aliasing at other sub-pixel offsets).
    ink = light[..., 3].astype(int).sum()
    assert abs(ink - tight[..., 3].astype(int).sum()) < 0.005 * ink


def test_a_drawing_listing_runs_once_and_gives_both_palettes(tmp_path, monkeypatch):
    """The runner saves each figure twice from one run: light, then recoloured to dark, same size."""
    listing = SNIPPETS / "step06_plot_sine.py"
    assert listing in discover(SNIPPETS)
    assert imports_matplotlib(listing)
    runs = []
    plot = plt.plot

    def counting_plot(*args, **kwargs):
        runs.append(1)
        return plot(*args, **kwargs)

    monkeypatch.setattr(plt, "plot", counting_plot)
    run(listing, tmp_path)
    light, dark = Image.open(tmp_path / "1-light.png"), Image.open(tmp_path / "1-dark.png")
    assert light.size == dark.size
    assert np.asarray(light).tobytes() != np.asarray(dark).tobytes()
    assert len(runs) == listing.read_text(encoding="utf-8").count("plt.plot("), "the listing ran once"
    plt.close("all")


def test_a_listings_own_saving_settings_hold_for_both_palettes(tmp_path: Path):
    """A listing that asks for an opaque background gets one in the dark figure too, not the style's."""
    with plt.style.context(style("light")):
        plt.rcParams["savefig.transparent"] = False  # as a listing could, before it draws
        plt.rcParams["savefig.facecolor"] = "#fafafa"
        draw_a_plot()
        _save_open_figures(tmp_path, [])
    light, dark = (png((tmp_path / f"1-{palette}.png").read_bytes()) for palette in ("light", "dark"))
    assert light.shape == dark.shape
    assert tuple(light[0, 0]) == tuple(dark[0, 0]) == (250, 250, 250, 255)
