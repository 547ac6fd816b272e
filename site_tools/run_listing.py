"""Run listings as scripts and keep what they print and show.

Usage: ``python -m site_tools.run_listing LISTING OUTDIR [LISTING OUTDIR ...]``

Matplotlib is imported once (it takes seconds); then each listing runs in a child process forked from
this one, so listings stay isolated from each other yet share the import. They all start at once: the
operating system shares the CPUs among them, and a long listing never waits behind short ones
(``$LISTING_JOBS`` sets a limit). A listing that fails leaves its traceback in ``OUTDIR/error.txt``;
one that succeeds leaves ``OUTDIR/done``. The exit status is the number of failed listings.

Listings that import Matplotlib run with its Agg backend (Matplotlib is imported only if one of the
listings imports it: a runner of listings that only print starts in a fraction of the time). Each
listing runs once. A listing that draws runs in the light palette's style; each figure it would show is
saved as ``OUTDIR/<n>-light.png``, then recoloured into the dark palette (every colour of the light
palette becomes its dark counterpart) and saved again, with the same bounds, as ``OUTDIR/<n>-dark.png``
(with ``savefig.bbox: tight``, as in the site's style, both are cut to the tight bounds, rounded out
to whole pixels).
That is the figure the listing would have drawn in the dark style (a test compares the two), for a
fraction of the cost of running the listing again. What a listing prints goes to ``stdout.txt`` and
its final numeric variables to ``values.json``.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import json
import math
import numbers
import os
import runpy
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Text and line colours for each palette of the site. Backgrounds stay transparent so a figure sits on
#: the page's own background (white in light mode, slate in dark mode).
PALETTES: dict[str, dict[str, Any]] = {
    "light": {
        "text": "#1f2328",
        "grid": "#d0d7de",
        "cycle": ["#1565c0", "#d84315", "#2e7d32", "#6a1b9a", "#00838f", "#5d4037"],
    },
    "dark": {
        "text": "#e6e8eb",
        "grid": "#4a505c",
        "cycle": ["#64b5f6", "#ffab6e", "#81c784", "#ce93d8", "#4dd0e1", "#bcaaa4"],
    },
}


def imported_modules(source: str) -> set[str]:
    """Return the top-level names of the modules ``source`` imports (``numpy`` for ``numpy.linalg``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def imports_matplotlib(listing: Path) -> bool:
    """Tell whether ``listing`` imports Matplotlib (then it may draw).

    A listing that cannot be parsed counts as one that does: it then fails when it runs, with its
    own traceback, like any failing listing.
    """
    try:
        return "matplotlib" in imported_modules(listing.read_text(encoding="utf-8"))
    except SyntaxError:
        return True


def _pyplot() -> ModuleType:
    """Import Matplotlib's pyplot with the Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def style(palette: str) -> dict[str, Any]:
    """Return the Matplotlib rcParams for one palette.

    Parameters
    ----------
    palette
        ``"light"`` or ``"dark"``.
    """
    from matplotlib import cycler

    colours = PALETTES[palette]
    text = colours["text"]
    return {
        "figure.figsize": (6.4, 3.8),
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "savefig.transparent": True,
        "savefig.bbox": "tight",
        "font.size": 14,
        "axes.prop_cycle": cycler(color=colours["cycle"]),
        "axes.edgecolor": text,
        "axes.labelcolor": text,
        "axes.grid": True,
        "grid.color": colours["grid"],
        "grid.linewidth": 0.8,
        "lines.linewidth": 2.2,
        "text.color": text,
        "xtick.color": text,
        "ytick.color": text,
        "legend.frameon": False,
    }


def _colour_map(source: str, target: str) -> dict[tuple[float, float, float], tuple[float, float, float]]:
    """Map each colour (RGB) of palette ``source`` to the colour in the same role in ``target``."""
    from matplotlib.colors import to_rgb

    pairs = [(PALETTES[source]["text"], PALETTES[target]["text"])]
    pairs.append((PALETTES[source]["grid"], PALETTES[target]["grid"]))
    pairs.extend(zip(PALETTES[source]["cycle"], PALETTES[target]["cycle"], strict=True))
    return {to_rgb(old): to_rgb(new) for old, new in pairs}


#: The colour properties of Matplotlib's artists (texts, lines, patches, collections) that hold colours.
_COLOUR_PROPERTIES = ("color", "facecolor", "edgecolor", "markerfacecolor", "markeredgecolor")


def recolour(figure: Figure, palette: str, drawn_in: str = "light") -> None:
    """Give every artist of ``figure`` drawn in a colour of palette ``drawn_in`` the one of ``palette``.

    Call it inside ``plt.style.context(style(palette))``: colours named by their place in the cycle
    (``"C1"``) are resolved when the figure is drawn, and ticks added later take the style's colours.
    Colours from a colour map (images, contours, colour-mapped scatter plots, even a contour given
    ``colors="C0"``) and colours that are not the palette's are left as they are.
    """
    from matplotlib.colors import to_rgba_array

    mapping = _colour_map(drawn_in, palette)

    def mapped(colour: Any) -> Any:
        try:
            rgba = to_rgba_array(colour)
        except ValueError:  # "auto", or anything else that is not a colour yet
            return colour
        changed = False
        for row in rgba:
            new = mapping.get(tuple(float(v) for v in row[:3]))
            if new is not None:
                row[:3] = new
                changed = True
        if not changed:
            return colour
        return rgba if getattr(colour, "ndim", 1) == 2 else tuple(rgba[0])

    for artist in _artists(figure):
        if getattr(artist, "get_array", lambda: None)() is not None:
            continue  # coloured by a colour map
        for name in _COLOUR_PROPERTIES:
            getter, setter = getattr(artist, f"get_{name}", None), getattr(artist, f"set_{name}", None)
            if getter is None or setter is None:
                continue
            colour = getter()
            new = mapped(colour)
            if new is not colour:
                setter(new)


def _artists(figure: Figure) -> list[Any]:
    """Every artist of ``figure``, with those its tree leaves out: text boxes, arrows, table texts."""
    artists = []
    for artist in figure.findobj():
        artists.append(artist)
        for part in ("get_bbox_patch", "get_text"):  # a Text's box; a table cell's Text
            found = getattr(artist, part, lambda: None)()
            if found is not None and not isinstance(found, str):
                artists.append(found)
        if getattr(artist, "arrow_patch", None) is not None:  # an annotation's arrow
            artists.append(artist.arrow_patch)
    return artists


def _tight_box(figure: Figure, renderer: Any) -> tuple[int, int, int, int]:
    """Return the bounds ``savefig(bbox_inches="tight")`` would use, in pixels, rounded out.

    ``(left, bottom, right, top)`` at the dpi the figure is set to, measured with ``renderer`` after
    it drew the figure (its layout is reused); a bound outside the canvas (an artist beyond the
    figure's edge) is outside ``0..width`` or ``0..height``.
    """
    import matplotlib as mpl

    bounds = figure.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    dpi = figure.dpi
    return (
        math.floor(bounds.x0 * dpi),
        math.floor(bounds.y0 * dpi),
        math.ceil(bounds.x1 * dpi),
        math.ceil(bounds.y1 * dpi),
    )


def _draw(figure: Figure) -> Any:
    """Draw the whole figure as ``savefig`` would (transparent, at its dpi); return its RGBA pixels."""
    import matplotlib as mpl
    import numpy as np

    buffer = io.BytesIO()
    with mpl.rc_context({"savefig.bbox": "standard"}):
        figure.savefig(buffer, format="rgba", dpi=figure.dpi)
    width, height = figure.canvas.get_width_height(physical=True)
    return np.frombuffer(buffer.getvalue(), np.uint8).reshape(height, width, 4)


def _save_both_palettes(figure: Figure, light: Path, dark: Path) -> None:
    """Save ``figure`` as ``light``, then recoloured into the dark palette as ``dark``, with one size.

    Both are cut to the tight bounds ``savefig(bbox_inches="tight")`` measures, rounded out to whole
    pixels. The whole figure is drawn once per palette, the bounds are measured with the layout of
    the first drawing, and the pixels inside them are written: no second layout pass only to measure
    them. (The result can differ from ``savefig``'s own tight image in a few anti-aliased pixels, or a
    hatch pattern's phase: the drawing is not moved by a fraction of a pixel first. Tests check that
    nothing drawn is cut off and that the size is the tight size, give or take the rounding.) A
    figure with an artist beyond its edge is saved with ``savefig`` and those bounds instead, whose
    canvas grows to take it in.
    """
    import matplotlib as mpl
    from matplotlib.image import imsave
    from matplotlib.transforms import Bbox

    plt = _pyplot()
    metadata = {"Software": None}
    # The dark style would bring back the site's saving settings: keep any the listing changed.
    saving = {key: value for key, value in mpl.rcParams.items() if key.startswith("savefig.")}

    @contextlib.contextmanager
    def in_the_dark_palette() -> Iterator[None]:
        with plt.style.context(style("dark")), mpl.rc_context(saving):
            recolour(figure, "dark")
            yield

    dpi = mpl.rcParams["savefig.dpi"]
    dpi = figure.dpi if dpi == "figure" else dpi
    original = figure.dpi
    figure.set_dpi(dpi)
    try:
        if mpl.rcParams["savefig.bbox"] == "tight":
            pixels = _draw(figure)
            left, bottom, right, top = _tight_box(figure, figure.canvas.get_renderer())
            height, width = pixels.shape[:2]
            if 0 <= left < right <= width and 0 <= bottom < top <= height:
                rows, columns = slice(height - top, height - bottom), slice(left, right)
                write = functools.partial(imsave, format="png", origin="upper", dpi=dpi, metadata=metadata)
                write(light, pixels[rows, columns])
                with in_the_dark_palette():
                    write(dark, _draw(figure)[rows, columns])
                return
            # (A hair more than the box: savefig's canvas size truncates, which could drop a pixel.)
            right, top = right + 0.01, top + 0.01
            bbox_inches = Bbox.from_extents(left / dpi, bottom / dpi, right / dpi, top / dpi)
        else:
            bbox_inches = None
        figure.savefig(light, dpi=dpi, bbox_inches=bbox_inches, metadata=metadata)
        with in_the_dark_palette():
            figure.savefig(dark, dpi=dpi, bbox_inches=bbox_inches, metadata=metadata)
    finally:
        figure.set_dpi(original)


def _save_open_figures(outdir: Path, saved: list[Path]) -> None:
    """Save each open figure as ``<n>-light.png`` and, recoloured, ``<n>-dark.png``; close them."""
    plt = _pyplot()
    for number in plt.get_fignums():
        light = outdir / f"{len(saved) + 1}-light.png"
        _save_both_palettes(plt.figure(number), light, light.with_name(f"{len(saved) + 1}-dark.png"))
        saved.append(light)
    plt.close("all")


def _show(outdir: Path, saved: list[Path], *args: object, **kwargs: object) -> None:
    """Stand-in for ``plt.show``: save the figures a reader would see, then close them."""
    _save_open_figures(outdir, saved)


def _no_pause(interval: float) -> None:
    """Stand-in for ``plt.pause``: no waiting at build time."""


def _final_values(namespace: dict[str, Any]) -> dict[str, float | int]:
    values: dict[str, float | int] = {}
    for key, value in namespace.items():
        if key.startswith("_") or isinstance(value, bool):
            continue
        if isinstance(value, numbers.Integral):
            values[key] = int(value)
        elif isinstance(value, numbers.Real):
            values[key] = float(value)
    return values


def _run(listing: Path, outdir: Path, draws: bool) -> tuple[str, dict[str, Any]]:
    buffer = io.StringIO()
    if not draws:
        with contextlib.redirect_stdout(buffer):
            namespace = runpy.run_path(str(listing), run_name="__main__")
        return buffer.getvalue(), namespace
    plt = _pyplot()
    saved: list[Path] = []
    original_show, original_pause = plt.show, plt.pause
    plt.show = functools.partial(_show, outdir, saved)
    plt.pause = _no_pause  # an animation's frames are captured by show(); the build need not wait
    try:
        with plt.style.context(style("light")), contextlib.redirect_stdout(buffer):
            namespace = runpy.run_path(str(listing), run_name="__main__")
            _save_open_figures(outdir, saved)
    finally:
        plt.show, plt.pause = original_show, original_pause
    return buffer.getvalue(), namespace


def run(listing: Path, outdir: Path) -> None:
    """Run ``listing`` once and write its figures (light and dark), output and values into ``outdir``."""
    stdout, namespace = _run(listing, outdir, imports_matplotlib(listing))
    (outdir / "stdout.txt").write_text(stdout, encoding="utf-8")
    values = json.dumps(_final_values(namespace), indent=1, sort_keys=True)
    (outdir / "values.json").write_text(values, encoding="utf-8")


def _child(listing: Path, outdir: Path) -> int:
    try:
        sys.stdin.close()
        run(listing, outdir)
    except Exception:  # noqa: BLE001 (any failure is reported to the parent)
        (outdir / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        return 1
    (outdir / "done").write_text("", encoding="utf-8")
    return 0


def main(arguments: list[str]) -> int:
    """Run each (listing, outdir) pair in a forked child, ``$LISTING_JOBS`` (default: all) at a time."""
    jobs = [(Path(arguments[i]).resolve(), Path(arguments[i + 1])) for i in range(0, len(arguments), 2)]
    if any(imports_matplotlib(listing) for listing, _ in jobs):
        _pyplot()  # imported once, here, rather than in every child
    running: dict[int, Path] = {}
    failures = 0
    for listing, outdir in jobs:
        if len(running) >= int(os.environ.get("LISTING_JOBS") or len(jobs)):
            _, status = os.wait()
            failures += status != 0
            running.pop(_)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os._exit(_child(listing, outdir))
        running[pid] = outdir
    while running:
        pid, status = os.wait()
        failures += status != 0
        running.pop(pid)
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
