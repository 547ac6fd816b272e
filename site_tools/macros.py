"""mkdocs-macros module: page macros built on the listings' results.

``{{ figure("step06_plot_sine", alt="...", caption="...") }}`` shows figure 1 of a listing in both
palettes (Material shows the ``#only-light`` or ``#only-dark`` one), with its alt text, its caption,
and its real pixel size as ``width``/``height`` so the page does not jump while it loads.

``{{ frame_slider("step09_frames") }}`` turns the figures of a listing that draws one frame per
``plt.show()`` (and prints one ``iteration T: loss L`` line per frame) into an iteration slider: a range
control that swaps build-time frames, with the loss in the caption. It needs no kernel and no network;
the arrow keys move it; without JavaScript the frames stay reachable as a row of links.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.utils import get_relative_url

from site_tools.listings import Run

FRAME_LINE = re.compile(r"iteration\s+(?P<t>\d+): loss (?P<loss>\S+)")


def frame_slider_html(run: Run, page_url: str) -> str:
    """Return the slider's HTML for the frames of ``run``, with URLs relative to ``page_url``."""
    lines = [FRAME_LINE.fullmatch(line.strip()) for line in run.stdout.splitlines()]
    if not run.figures or None in lines or len(lines) != len(run.figures):
        raise ValueError(f"{run.name}: expected one 'iteration T: loss L' line per figure")
    frames = [
        {
            "t": int(line["t"]),
            "loss": line["loss"],
            "light": get_relative_url(figure.site_path(run.name, "light"), page_url) + "#only-light",
            "dark": get_relative_url(figure.site_path(run.name, "dark"), page_url) + "#only-dark",
        }
        for line, figure in zip(lines, run.figures, strict=True)
    ]
    first, last = frames[0], frames[-1]
    width, height = png_size(run.figures[0].light)
    # Below the fold: loaded when the reader scrolls near it (and the other palette's copy, never).
    size = f'width="{width}" height="{height}" loading="lazy" decoding="async"'
    alt = "The sine and the cubic after {t} iterations of gradient descent"
    slider_id = f"slider-{run.name}"
    links = " · ".join(
        f'<a href="{html.escape(frame["light"].split("#")[0])}">{frame["t"]}</a>' for frame in frames
    )
    return f"""<div class="frame-slider" data-frames="{html.escape(json.dumps(frames))}" data-alt="{alt}">
<figure>
<img class="frame-image" src="{first["light"]}" alt="{alt.format(t=first["t"])}" {size}>
<img class="frame-image" src="{first["dark"]}" alt="{alt.format(t=first["t"])}" {size}>
<figcaption aria-live="polite">Iteration {first["t"]}: loss {first["loss"]}</figcaption>
</figure>
<div class="frame-controls">
<label for="{slider_id}">Iteration</label>
<input type="range" id="{slider_id}" min="0" max="{len(frames) - 1}" step="1" value="0"
       aria-valuetext="iteration {first["t"]}, loss {first["loss"]}">
<output for="{slider_id}">{first["t"]} of {last["t"]}</output>
</div>
<p class="frame-links">Every frame as an image, by iteration: {links}</p>
</div>"""


def png_size(path: Path) -> tuple[int, int]:
    """Return the (width, height) in pixels of a PNG file, read from its header."""
    with path.open("rb") as handle:
        header = handle.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def figure_html(run: Run, page_url: str, alt: str, caption: str, number: int = 1, eager: bool = False) -> str:
    """Return a ``<figure>`` with both palette variants of figure ``number`` of ``run``.

    ``eager`` loads the light variant at once with a high priority: for the first figure of a page,
    which is what a reader sees first (lazy loading would delay it).
    """
    if not alt.strip() or not caption.strip():
        raise ValueError(f"{run.name}: a figure needs alt text and a caption")
    figure = run.figures[number - 1]
    width, height = png_size(figure.light)
    size = f'width="{width}" height="{height}"'
    images = []
    for palette in ("light", "dark"):
        src = get_relative_url(figure.site_path(run.name, palette), page_url) + f"#only-{palette}"
        loading = 'loading="eager" fetchpriority="high"' if eager and palette == "light" else 'loading="lazy"'
        images.append(f'<img src="{src}" alt="{html.escape(alt)}" {size} {loading} decoding="async">')
    return f"<figure>\n{images[0]}\n{images[1]}\n<figcaption>{html.escape(caption)}</figcaption>\n</figure>"


def define_env(env: Any) -> None:
    """Register the macros with mkdocs-macros."""

    @env.macro
    def figure(name: str, alt: str, caption: str, number: int = 1, eager: bool = False) -> str:
        """Return figure ``number`` of listing ``name`` in both palettes, with alt text and caption."""
        return figure_html(env.variables["listings"][name], env.page.url, alt, caption, number, eager)

    @env.macro
    def frame_slider(name: str) -> str:
        """Return the iteration slider for the frames drawn by listing ``name``."""
        return frame_slider_html(env.variables["listings"][name], env.page.url)
