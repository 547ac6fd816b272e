"""mkdocs-macros module: page macros built on the listings' results.

``{{ frame_slider("step09_frames") }}`` turns the figures of a listing that draws one frame per
``plt.show()`` (and prints one ``iteration T: loss L`` line per frame) into an iteration slider: a range
control that swaps build-time frames, with the loss in the caption. It needs no kernel and no network;
the arrow keys move it; without JavaScript the frames stay reachable as a row of links.
"""

from __future__ import annotations

import html
import json
import re
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
    alt = "The sine and the cubic after {t} iterations of gradient descent"
    slider_id = f"slider-{run.name}"
    links = " · ".join(
        f'<a href="{html.escape(frame["light"].split("#")[0])}">{frame["t"]}</a>' for frame in frames
    )
    return f"""<div class="frame-slider" data-frames="{html.escape(json.dumps(frames))}" data-alt="{alt}">
<figure>
<img class="frame-image" src="{first["light"]}" alt="{alt.format(t=first["t"])}" width="700">
<img class="frame-image" src="{first["dark"]}" alt="{alt.format(t=first["t"])}" width="700">
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


def define_env(env: Any) -> None:
    """Register the macros with mkdocs-macros."""

    @env.macro
    def frame_slider(name: str) -> str:
        """Return the iteration slider for the frames drawn by listing ``name``."""
        return frame_slider_html(env.variables["listings"][name], env.page.url)
